"""Memorization (Thm 5, Lemmas 5–6; App. F.4): the single-target objective F(s) = Σ_g p_g σ(s_g) over
s ≥ 0, Σ_g s_g² ≤ 2, its KKT characterization through φ(x) = σ'(x)/x, the focused and spreading solutions,
and the single-target energy in w.

Setting (F.4).  Fix a target h; the collected samples are the pairs (g, g⁻¹h), g ∈ H, with weights p_g.  For
w = [u; v] ∈ R^{2M} (F.4 writes w = [u; v], so the pre-activation of sample g is s_g = u_g + v_{g⁻¹h}),
‖w‖ = 1 gives Σ_g s_g² ≤ 2.  The energy of Eqn 7 with Ỹ = P1⊥Y vanishes identically on such data (Y has a
single nonzero column, constant 1, so P1⊥Y = 0); the reduction "maximizing E ⇔ maximizing F" holds for the
uncentered single-target energy E_h(w) = ½(Σ_g p_g σ(s_g))² = ½F(s)² (:func:`single_target_energy`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from li2verify.paper.activations import Activation, get_activation
from li2verify.groups.finite import FiniteGroup
from li2verify.utils.sphere import sphere_ascent


# ----------------------------------------------------------------------------------------------------------
# activations used by Thm 5 beyond li2verify.paper.activations
# ----------------------------------------------------------------------------------------------------------
def power_activation(q: int) -> Activation:
    """σ(x) = x^q (q ≥ 2): φ(x) = q x^{q−2} nondecreasing (F.4, 'Some discussions')."""
    return Activation(f"x^{q}", lambda x: x ** q, lambda x: q * x ** (q - 1), lambda x: x ** q, lambda x: x ** q,
                      np_grad2=lambda x: q * (q - 1) * x ** (q - 2) if q >= 2 else 0 * x)


def log_gap_activation() -> Activation:
    """σ(x) = x − log(1+x) (x > −1): σ'(x) = x/(1+x) > 0 for x > 0, φ(x) = 1/(1+x) strictly decreasing with
    the finite limit φ(0⁺) = 1 — the case of Lemma 6(B) with thresholding."""
    def f(x):
        x = np.asarray(x, dtype=float)
        return x - np.log1p(np.maximum(x, -1 + 1e-12))
    def df(x):
        x = np.asarray(x, dtype=float)
        return x / (1.0 + np.maximum(x, -1 + 1e-12))
    import sympy as sp
    return Activation("x-log(1+x)", f, df, None, lambda x: x - sp.log(1 + x))


def memorization_activation(name: str) -> Activation:
    """Activations of Thm 5's discussion by name: square, cube (x³), quartic (x⁴), relu, silu, tanh, sigmoid,
    log_gap (x − log(1+x))."""
    if name == "cube":
        return power_activation(3)
    if name == "quartic":
        return power_activation(4)
    if name == "log_gap":
        return log_gap_activation()
    return get_activation(name)


def phi(act: Activation, x: np.ndarray) -> np.ndarray:
    """φ(x) = σ'(x)/x for x > 0 (Thm 5, Lemma 5)."""
    x = np.asarray(x, dtype=float)
    return act.grad(x) / x


def phi_inverse(act: Activation, y: float, lo: float = 1e-12, hi: float = 1e6) -> float:
    """φ⁻¹(y) for strictly decreasing φ (Lemma 6(B)); 0 when y ≥ φ(0⁺) (the thresholded case)."""
    f = lambda x: float(phi(act, x)) - y  # noqa: E731
    if f(lo) <= 0:
        return 0.0
    if f(hi) >= 0:
        raise ValueError(f"phi_inverse: φ({hi}) still exceeds {y}")
    return brentq(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=500)


# ----------------------------------------------------------------------------------------------------------
# the objective over s
# ----------------------------------------------------------------------------------------------------------
def F_objective(s: np.ndarray, p: np.ndarray, act: Activation) -> np.ndarray:
    """F(s) = Σ_g p_g σ(s_g) (F.4), batched over trailing columns of s."""
    s = np.asarray(s, dtype=float)
    return np.tensordot(p, act(s), axes=(0, 0))


def focused_solution(p: np.ndarray) -> np.ndarray:
    """s* = √2 e_{g*}, g* = argmax p (Lemma 6(A))."""
    s = np.zeros(len(p))
    s[int(np.argmax(p))] = np.sqrt(2.0)
    return s


def spreading_solution(p: np.ndarray, act: Activation) -> tuple[np.ndarray, float]:
    """s*_g = φ⁻¹(2λ/p_g) (0 where 2λ/p_g ≥ φ(0⁺)) with λ > 0 fixed by Σ_g s_g² = 2 (Lemma 6(B), Eqn 33).
    Returns (s*, λ)."""
    p = np.asarray(p, dtype=float)

    def s_of(lam):
        return np.array([phi_inverse(act, 2 * lam / pg) for pg in p])

    def budget(loglam):
        s = s_of(np.exp(loglam))
        return float(s @ s) - 2.0

    lo = hi = 0.0
    while budget(hi) > 0:
        hi += 2.0
    while budget(lo) < 0:
        lo -= 2.0
    loglam = brentq(budget, lo, hi, xtol=1e-14, maxiter=500)
    lam = float(np.exp(loglam))
    return s_of(lam), lam


def kkt_multipliers(s: np.ndarray, p: np.ndarray, act: Activation, active_tol: float = 1e-8) -> np.ndarray:
    """p_g φ(s_g) on the active set {s_g > active_tol}: all equal to 2λ at a KKT point (Lemma 5, Eqn 32)."""
    a = s > active_tol
    return p[a] * phi(act, s[a])


def ascend_s(p: np.ndarray, act: Activation, S0: np.ndarray, *, max_iter: int = 20000, tol: float = 1e-13):
    """Projected gradient ascent of F on {s ≥ 0, ‖s‖² = 2} (the budget is tight at optima, Lemma 5) from every
    column of S0; per-start step size adapted for monotone F.  Returns (S, F values)."""
    S = np.maximum(np.array(S0, dtype=float), 0)
    S = np.sqrt(2) * S / np.linalg.norm(S, axis=0, keepdims=True)
    B = S.shape[1]
    lr = np.full(B, 0.1)
    Fv = F_objective(S, p, act)
    for _ in range(max_iter):
        G = p[:, None] * act.grad(S)
        Sn = np.maximum(S + lr * G, 0)
        Sn = np.sqrt(2) * Sn / np.linalg.norm(Sn, axis=0, keepdims=True)
        Fn = F_objective(Sn, p, act)
        ok = Fn > Fv
        moved = np.linalg.norm(Sn - S, axis=0)
        S[:, ok], Fv[ok] = Sn[:, ok], Fn[ok]
        lr = np.minimum(np.where(ok, lr * 1.3, lr * 0.5), 1e6)
        if np.all((moved < tol) | (lr < 1e-16)):
            break
    return S, Fv


# ----------------------------------------------------------------------------------------------------------
# the single-target data and energy in w
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SingleTarget:
    """Samples (g, g⁻¹h) for g ∈ H (Thm 5): X is M×2M with rows [e_g, e_{g⁻¹h}]."""

    group: FiniteGroup
    h: int

    @property
    def partner(self) -> np.ndarray:
        """g ↦ g⁻¹h."""
        g = self.group
        return g.table[g.inverse, self.h]

    @property
    def X(self) -> np.ndarray:
        M = self.group.order
        X = np.zeros((M, 2 * M))
        X[np.arange(M), np.arange(M)] = 1.0
        X[np.arange(M), M + self.partner] = 1.0
        return X

    def s_of_w(self, w: np.ndarray) -> np.ndarray:
        """s_g = u_g + v_{g⁻¹h} (F.4), batched over columns."""
        M = self.group.order
        return w[:M] + w[M:][self.partner]

    def w_of_s(self, s: np.ndarray) -> np.ndarray:
        """w = ½ Σ_g s_g [e_g, e_{g⁻¹h}] (Thm 5 (2))."""
        M = self.group.order
        w = np.zeros(2 * M)
        w[:M] = s / 2
        w[M + self.partner] = s / 2
        return w


def single_target_energy(W: np.ndarray, data: SingleTarget, p: np.ndarray, act: Activation):
    """E_h(w) = ½(Σ_g p_g σ(s_g))² = ½F(s(w))² and its gradient, batched over columns of W."""
    S = data.s_of_w(W)
    Fv = np.tensordot(p, act(S), axes=(0, 0))
    D = p[:, None] * act.grad(S) if S.ndim == 2 else p * act.grad(S)
    M = data.group.order
    G = np.zeros_like(W)
    G[:M] = D
    if W.ndim == 2:
        np.add.at(G, M + data.partner, D)
        G *= Fv[None, :]
    else:
        G[M + data.partner] += D
        G *= Fv
    return 0.5 * Fv ** 2, G


def literal_centered_energy(w: np.ndarray, data: SingleTarget, p: np.ndarray, act: Activation) -> float:
    """Eqn 7 on the single-target data with sample weights p: ½‖Ỹᵀ diag(p) σ(Xw)‖², Ỹ = P1⊥Y (weighted
    centering).  Y has one nonzero column (all ones), so Ỹ = 0 and this is identically 0."""
    M = data.group.order
    Y = np.zeros((M, M))
    Y[:, data.h] = 1.0
    Yt = Y - (p / p.sum()) @ Y
    z = Yt.T @ (p * act(data.X @ w))
    return 0.5 * float(z @ z)


def ascend_w(data: SingleTarget, p: np.ndarray, act: Activation, W0: np.ndarray, *, max_iter: int = 5000,
             gtol: float = 1e-10):
    """Riemannian gradient ascent of E_h on ‖w‖ = 1 from every column of W0
    (:func:`li2verify.utils.sphere.sphere_ascent`: steps kept only when E_h strictly grows, ×1.3 / ×0.5, at most
    1e6; stops when every gradient is ≤ gtol·E_h or every step is below 1e-16).  Returns (W, E, grad norms)."""
    r = sphere_ascent(lambda W: single_target_energy(W, data, p, act), W0, max_iter=max_iter, gtol=gtol,
                      gtol_floor=1e-300, gtol_abs=1e-300, lr0=0.1, grow=1.3, shrink=0.5, lr_min=0.0, lr_max=1e6,
                      lr_stop=1e-16, accept="increasing", freeze_done=False)
    return r.W, r.energy, r.grad_norm


def polish_s(s0: np.ndarray, p: np.ndarray, act: Activation) -> np.ndarray:
    """Refine a point of {s ≥ 0, Σs² = 2} to a KKT point of max F with SLSQP (float64 precision)."""
    from scipy.optimize import minimize

    res = minimize(lambda s: -float(p @ act(s)), s0, jac=lambda s: -p * act.grad(s), method="SLSQP",
                   bounds=[(0.0, None)] * len(s0),
                   constraints=[{"type": "eq", "fun": lambda s: float(s @ s) - 2.0, "jac": lambda s: 2 * s}],
                   options={"ftol": 1e-15, "maxiter": 500})
    s = np.maximum(res.x, 0.0)
    return np.sqrt(2.0) * s / np.linalg.norm(s)


def local_maxima_F(p: np.ndarray, act: Activation, rng: np.random.Generator, n_starts: int = 32,
                   merge_tol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Distinct local maxima of F on {s ≥ 0, Σs² = 2} reached by projected ascent from random starts and from
    every vertex-neighbourhood, each polished by SLSQP.  Returns (S (M×m), F values), best first."""
    M = len(p)
    S0 = np.concatenate([rng.random((M, n_starts)), np.eye(M) * 5 + rng.random((M, M)) * 0.05], axis=1)
    S, _ = ascend_s(p, act, S0)
    coarse: list[np.ndarray] = []
    for j in range(S.shape[1]):
        s = polish_s(S[:, j], p, act)
        if not any(np.linalg.norm(s - t) < 1e-4 for t in coarse):
            coarse.append(s)
    found: list[np.ndarray] = []
    for s in coarse:
        # exponentiated-gradient steps in t = s² from there: converges to the same local maximum to ~1e-15
        s = mirror_ascent_t(p, act, t0=np.maximum(s * s, 1e-30), iters=2000)
        if not any(np.linalg.norm(s - t) < merge_tol for t in found):
            found.append(s)
    Sm = np.stack(found, axis=1)
    Fv = F_objective(Sm, p, act)
    order = np.argsort(-Fv)
    return Sm[:, order], Fv[order]


def mirror_ascent_t(p: np.ndarray, act: Activation, t0: np.ndarray | None = None, *, iters: int = 20000,
                    eta: float = 0.5) -> np.ndarray:
    """Maximize G(t) = Σ_g p_g σ(√t_g) over the simplex {t ≥ 0, Σt = 2} (t = s²) by exponentiated-gradient
    (mirror) ascent, ∂G/∂t_g = p_g φ(√t_g)/2.  G is concave when φ is decreasing (σ(√t) has derivative φ(√t)/2),
    so this finds the global maximum of F independently of the KKT formula.  Returns s = √t."""
    M = len(p)
    t = np.full(M, 2.0 / M) if t0 is None else np.asarray(t0, dtype=float)
    for _ in range(iters):
        s = np.sqrt(t)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(s > 0, p * phi(act, np.maximum(s, 1e-300)) / 2, 0.0)
        g = np.minimum(g, 1e6)
        scale = max(float(t @ g) / float(t.sum()), 1e-300)  # = λ-scale at the optimum
        logt = np.log(np.maximum(t, 1e-300)) + np.minimum(eta * g / scale, 30.0)
        logt -= logt.max()
        t = np.exp(logt)
        t = 2.0 * t / t.sum()
    return np.sqrt(t)
