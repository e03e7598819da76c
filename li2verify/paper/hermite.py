"""Hermite machinery of Lemma 1 (App. F: Lemmas 3–4 and the proof of Lemma 1).

* orthonormal Hermite system φ_l = He_l/√(l!) on L²(γ) (γ = standard Gaussian), by the stable recurrence
  φ_{l+1}(z) = (zφ_l(z) − √l φ_{l−1}(z))/√(l+1);
* Hermite coefficients a_l(s) = ⟨σ(s·), φ_l⟩ = E[σ(sZ)φ_l(Z)] (proof of Lemma 1), by Gauss–Hermite
  quadrature, by adaptive quadrature, or in closed form (x², linear, ReLU);
* the dual kernel 𝒦(ρ) = E[σ(s Z1)σ(s Z2)], Corr(Z1, Z2) = ρ (Eqn 12) — as the Hermite series
  Σ_l a_l² ρ^l (Lemma 3), by 2-D Gauss–Hermite quadrature, or in closed form (x²: s⁴(1+2ρ²); ReLU: the
  arc-cosine kernel s²(√(1−ρ²) + (π − arccos ρ)ρ)/(2π), Cho & Saul 2009);
* the constants of Lemma 1: a = Σa_l² = E[σ²(sZ)], b = Σa_l²ρ^l, c_L = Σ l a_l² (the Lipschitz constant of
  the proof; = s²E[σ'(sZ)²]), and c = a − b (the constant that multiplies K in F̃F̃ᵀ ≈ K(a−b)P1⊥).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import integrate
from scipy.special import gammaln

from li2verify.paper.activations import Activation, get_activation
from li2verify.utils.arrays import center

__all__ = [
    "phi", "phi_all", "gauss_hermite", "hermite_coefficients", "hermite_coefficients_closed_form",
    "relu_arccos_kernel", "square_kernel", "dual_kernel_series", "dual_kernel_quadrature",
    "dual_kernel", "Lemma1Constants", "lemma1_constants", "kernel_matrix", "input_correlations",
    "centered_kernel", "OneHotPairKernel", "one_hot_pair_kernel", "gaussian_expectation",
]

SQRT2PI = math.sqrt(2 * math.pi)


def phi_all(z: np.ndarray, L: int) -> np.ndarray:
    """[φ_0(z), ..., φ_L(z)] (shape (L+1,) + z.shape), φ_l = He_l/√(l!), by the orthonormal recurrence."""
    z = np.asarray(z, dtype=float)
    out = np.empty((L + 1,) + z.shape)
    out[0] = 1.0
    if L >= 1:
        out[1] = z
    for l in range(1, L):
        out[l + 1] = (z * out[l] - math.sqrt(l) * out[l - 1]) / math.sqrt(l + 1)
    return out


def phi(l: int, z: np.ndarray) -> np.ndarray:
    """φ_l(z) = He_l(z)/√(l!) (Lemma 3)."""
    return phi_all(z, l)[l]


@lru_cache(maxsize=16)
def gauss_hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for E[f(Z)], Z ~ N(0,1): Σ w_i f(x_i) (probabilists' Gauss–Hermite, weights sum to 1)."""
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / SQRT2PI


def gaussian_expectation(f) -> float:
    """E[f(Z)], Z ~ N(0,1), by adaptive quadrature on (−∞,0] and [0,∞) (f vectorized or scalar)."""
    g = lambda z: float(f(np.array(z))) * math.exp(-z * z / 2) / SQRT2PI  # noqa: E731
    return (integrate.quad(g, -np.inf, 0.0, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
            + integrate.quad(g, 0.0, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)[0])


def _act(act: Activation | str) -> Activation:
    return get_activation(act) if isinstance(act, str) else act


def hermite_coefficients(act: Activation | str, s: float = 1.0, L: int = 20, method: str = "gauss",
                         nodes: int = 160) -> np.ndarray:
    """a_l(s) = E[σ(sZ)φ_l(Z)], l = 0..L (proof of Lemma 1).

    ``method="gauss"``: Gauss–Hermite with ``nodes`` nodes (exponentially accurate for smooth σ);
    ``method="quad"``: adaptive ``scipy.integrate.quad`` on (−∞, 0] and [0, ∞) separately (for kinks at 0)."""
    a = _act(act)
    if method == "gauss":
        x, w = gauss_hermite(nodes)
        return phi_all(x, L) @ (w * a(s * x))
    if method == "quad":
        out = np.empty(L + 1)
        dens = lambda z: math.exp(-z * z / 2) / SQRT2PI  # noqa: E731
        for l in range(L + 1):
            f = lambda z, l=l: float(a(np.array(s * z))) * float(phi(l, np.array(z))) * dens(z)  # noqa: E731
            lo = integrate.quad(f, -np.inf, 0.0, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
            hi = integrate.quad(f, 0.0, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
            out[l] = lo + hi
        return out
    raise ValueError(f"unknown method {method!r}; use 'gauss' or 'quad'")


def hermite_coefficients_closed_form(name: str, s: float = 1.0, L: int = 20) -> np.ndarray:
    """Closed-form Hermite coefficients a_l(s), l = 0..L, for ``square``, ``linear`` and ``relu``.

    square: s²Z² = s²(φ_0 + √2 φ_2);  linear: sZ = sφ_1;
    relu: a_0 = s/√(2π), a_1 = s/2, and for l ≥ 2, a_l = s·He_{l−2}(0)/√(2π·l!) (integration by parts with
    He_l γ = (−1)^l γ^{(l)}), i.e. 0 for odd l ≥ 3 and s(−1)^{(l−2)/2}(l−3)!!/√(2π l!) for even l."""
    a = np.zeros(L + 1)
    if name == "square":
        a[0] = s**2
        if L >= 2:
            a[2] = math.sqrt(2) * s**2
    elif name == "linear":
        if L >= 1:
            a[1] = s
    elif name == "relu":
        a[0] = s / SQRT2PI
        if L >= 1:
            a[1] = s / 2
        for l in range(2, L + 1, 2):
            m = l - 2  # He_m(0) = (−1)^{m/2}(m−1)!!, (−1)!! = 1
            log_dfact = 0.0 if m == 0 else (gammaln(m + 1) - (m // 2) * math.log(2) - gammaln(m // 2 + 1))
            # (m−1)!! = m!/(2^{m/2}(m/2)!)
            mag = math.exp(log_dfact - 0.5 * gammaln(l + 1)) / SQRT2PI
            a[l] = s * (-1) ** (m // 2) * mag
    else:
        raise ValueError(f"no closed form for activation {name!r}; use hermite_coefficients(...)")
    return a


def relu_arccos_kernel(rho, s: float = 1.0):
    """E[relu(sZ1)relu(sZ2)] = s²(√(1−ρ²) + (π − arccos ρ)ρ)/(2π) (first-order arc-cosine kernel)."""
    rho = np.clip(np.asarray(rho, dtype=float), -1.0, 1.0)
    return s**2 * (np.sqrt(1 - rho**2) + (np.pi - np.arccos(rho)) * rho) / (2 * np.pi)


def square_kernel(rho, s: float = 1.0):
    """E[(sZ1)²(sZ2)²] = s⁴(1 + 2ρ²) (Isserlis)."""
    rho = np.asarray(rho, dtype=float)
    return s**4 * (1 + 2 * rho**2)


def dual_kernel_series(coeffs: np.ndarray, rho, coeffs2: np.ndarray | None = None):
    """𝒦(ρ) = Σ_l a_l b_l ρ^l (proof of Lemma 1, via Lemma 3); ``coeffs2`` for unequal norms s_i ≠ s_j."""
    c2 = coeffs if coeffs2 is None else coeffs2
    rho = np.asarray(rho, dtype=float)
    return np.polynomial.polynomial.polyval(rho, coeffs * c2)


def dual_kernel_quadrature(act: Activation | str, rho, s: float = 1.0, nodes: int = 120):
    """𝒦(ρ) = E[σ(sZ1)σ(sZ2)] by 2-D Gauss–Hermite on Z1 = X, Z2 = ρX + √(1−ρ²)Y (X, Y independent)."""
    a = _act(act)
    x, w = gauss_hermite(nodes)
    X, Y = np.meshgrid(x, x, indexing="ij")
    W = np.outer(w, w)
    fX = a(s * X)
    rho_arr = np.atleast_1d(np.asarray(rho, dtype=float))
    out = np.array([np.sum(W * fX * a(s * (r * X + math.sqrt(max(0.0, 1 - r * r)) * Y))) for r in rho_arr.ravel()])
    return out.reshape(np.shape(rho)) if np.ndim(rho) else float(out[0])


def dual_kernel(act: Activation | str, rho, s: float = 1.0, L: int = 60):
    """Best available 𝒦(ρ): closed form for square/relu/linear, else the Hermite series from Gauss–Hermite
    coefficients (L terms)."""
    name = _act(act).name
    if name == "square":
        return square_kernel(rho, s)
    if name == "relu":
        return relu_arccos_kernel(rho, s)
    if name == "linear":
        return s**2 * np.asarray(rho, dtype=float)
    return dual_kernel_series(hermite_coefficients(act, s, L), rho)


@dataclass(frozen=True)
class Lemma1Constants:
    """The constants of the proof of Lemma 1 for σ, input norm s and off-diagonal correlation ρ."""

    activation: str
    s: float
    rho: float
    a: float    # 𝒦(i,i) = Σ a_l² = E[σ²(sZ)]
    b: float    # Σ a_l² ρ^l  (off-diagonal value of 𝒦)
    c_L: float  # Σ_{l≥1} l a_l² (|𝒦(i,j) − b| ≤ c_L ε) = s² E[σ'(sZ)²]
    a0: float   # a_0 = E[σ(sZ)] (mean of every column of F; killed by P1⊥)

    @property
    def c(self) -> float:
        """c = a − b: F̃F̃ᵀ ≈ K·c·P1⊥ (K ≫ n) and E[F̃ᵀF̃] = (n−1)·c·I_K (ε = 0)."""
        return self.a - self.b


def lemma1_constants(act: Activation | str, s: float = 1.0, rho: float = 0.0) -> Lemma1Constants:
    """a, b, c_L of the proof of Lemma 1 — a and c_L from 1-D Gaussian expectations (Parseval and the
    derivative identity), b from the dual kernel at ρ (closed form where one exists)."""
    A = _act(act)
    if A.name == "relu":
        a, cL, a0 = s**2 / 2, s**2 / 2, s / SQRT2PI
    else:
        a = gaussian_expectation(lambda z: A(s * z) ** 2)
        cL = s**2 * gaussian_expectation(lambda z: A.grad(s * z) ** 2)
        a0 = gaussian_expectation(lambda z: A(s * z))
    b = float(dual_kernel(A, rho, s))
    return Lemma1Constants(A.name, float(s), float(rho), float(a), b, float(cL), float(a0))


def input_correlations(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Norms s_i = ‖x_i‖ and the correlation matrix ρ_ij = x_iᵀx_j/(s_i s_j) of the rows of X."""
    s = np.linalg.norm(X, axis=1)
    if np.any(s == 0):
        raise ValueError("an input row is zero: correlations are undefined")
    return s, (X @ X.T) / np.outer(s, s)


def kernel_matrix(X: np.ndarray, act: Activation | str, L: int = 60) -> np.ndarray:
    """𝒦 = [E_w σ(wᵀx_i)σ(wᵀx_j)]_{ij} for w ~ N(0, I) (Eqn 12), the K → ∞ limit of FFᵀ/K.

    Rows of X must have a common norm s (Lemma 1 assumption (2)); entries are 𝒦(ρ_ij) with the best
    available dual kernel (:func:`dual_kernel`)."""
    s, R = input_correlations(X)
    if not np.allclose(s, s[0], rtol=1e-12):
        raise ValueError("kernel_matrix needs rows of equal norm (Lemma 1, assumption (2))")
    K = np.asarray(dual_kernel(act, np.clip(R, -1, 1), float(s[0]), L))
    np.fill_diagonal(K, float(dual_kernel(act, 1.0, float(s[0]), L)) if _act(act).name in ("square", "relu", "linear")
                     else lemma1_constants(act, float(s[0])).a)
    return K


def centered_kernel(X: np.ndarray, act: Activation | str, L: int = 60) -> np.ndarray:
    """S = P1⊥𝒦P1⊥: the K → ∞ limit of F̃F̃ᵀ/K for W ~ N(0, I) (proof of Lemma 1)."""
    K = kernel_matrix(X, act, L)
    return center(center(K), 1)


@dataclass(frozen=True)
class OneHotPairKernel:
    """The kernel of Lemma 1 on group-arithmetic inputs x = [e_{h1}, e_{h2}] (all M² pairs).

    ‖x‖² = 2 (s = √2); raw inner products x_iᵀx_j ∈ {0, 1} (correlations 0 and ½), so with the best ρ the
    deviation is ε = ½ (raw; ¼ in correlation units) for every M.  𝒦 = (a − b0)I + b0·11ᵀ + (b1 − b0)A_rook
    (A_rook: pairs sharing h1 or h2), so P1⊥𝒦P1⊥ has two eigenvalues on 1⊥:
    c_main = a − b0 + (M − 2)(b1 − b0) (multiplicity 2(M − 1), functions of h1 or of h2 only) and
    c_int = a − 2b1 + b0 (multiplicity (M − 1)², the interaction space, which contains Ỹ)."""

    M: int
    a: float
    b0: float
    b1: float
    rho_raw: float = 0.5
    eps_raw: float = 0.5

    @property
    def c_main(self) -> float:
        return self.a - self.b0 + (self.M - 2) * (self.b1 - self.b0)

    @property
    def c_int(self) -> float:
        return self.a - 2 * self.b1 + self.b0


def one_hot_pair_kernel(act: Activation | str, M: int) -> OneHotPairKernel:
    """Closed-form spectrum of the Lemma-1 kernel on one-hot pair inputs (see :class:`OneHotPairKernel`)."""
    s = math.sqrt(2.0)
    A = _act(act)
    a = float(dual_kernel(A, 1.0, s)) if A.name in ("square", "relu", "linear") else lemma1_constants(A, s).a
    return OneHotPairKernel(M, a, float(dual_kernel(A, 0.0, s)), float(dual_kernel(A, 0.5, s)))
