"""Stage I (lazy learning, Sec 3 and App. H): gradient flow of the top layer V with the features F fixed.

Objective (Eqn 47; with output scaling β, Eqn 61 and App. E):

    J_β(V) = ½‖Ỹ − βF̃V‖²_F + ½η‖V‖²_F,      β = 1 gives Eqn 47, η = 0 gives Eqn 61.

Gradient flow (Eqns 50–52, 62–63):  dV/dt = −∇J_β = −AV + B,  A := β²F̃ᵀF̃ + ηI_K,  B := βF̃ᵀỸ.
Prediction error and backpropagated gradient (Eqn 48 and H.3):  E(t) = Ỹ − βF̃V(t),  G_F̃(t) = E(t)V(t)ᵀ.
(H.3 defines G_F̃ := EVᵀ also for β ≠ 1; the gradient −∂J_β/∂F̃ itself is β·EVᵀ.)

Three independent ways to get V(t) are provided so that checks can compare them:

* :meth:`LazyFlow.V_closed_form` — Eqn 56, V(t) = e^{−At}(V0 − V*) + V*, with ``scipy.linalg.expm``
  (needs A invertible);
* :meth:`LazyFlow.V` — the spectral form V(t) = e^{−At}V0 + (∫₀ᵗe^{−As}ds)B from the eigendecomposition of the
  symmetric A (valid also when A is singular, e.g. K > n with η = 0);
* :func:`integrate_flow` — a generic ODE integrator (``scipy.integrate.solve_ivp``) on dV/dt = −AV + B.

Also: Taylor coefficients of V, E, G at t = 0 (Eqns 53–55, 64–68), the remainder terms R1 (Eqn 55) and
R2, R3 (Eqn 68), the fixed point G* (Eqns 4, 60, 69), the Woodbury form of P_η (Eqn 60), and decay-rate
fitting (Props 3–4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.linalg as sla

from li2verify.utils.fits import RateFit, fit_rate
# Eqn 60's left form of P_η and Eqn 4 as printed live in li2 (one implementation); the names the Stage I checks use:
from li2verify.paper.li2 import backprop_gradient_fixed_point as eqn4
from li2verify.paper.li2 import ridge_projector as p_eta_direct

__all__ = [
    "LazyFlow", "flow_matrices", "objective_J", "integrate_flow", "signal_term", "R1_terms", "R1",
    "R2", "R3", "p_eta_direct", "p_eta_woodbury", "fixed_point_gradient", "fixed_point_gradient_beta",
    "eqn4", "decay_rate", "frob",
]


def frob(A: np.ndarray) -> float:
    """Frobenius norm."""
    return float(np.linalg.norm(A))


def flow_matrices(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float = 0.0, beta: float = 1.0):
    """A = β²F̃ᵀF̃ + ηI_K and B = βF̃ᵀỸ of the gradient flow dV/dt = −AV + B (Eqn 51; Eqn 63 for β)."""
    K = F_tilde.shape[1]
    A = beta**2 * (F_tilde.T @ F_tilde) + eta * np.eye(K)
    B = beta * (F_tilde.T @ Y_tilde)
    return A, B


def objective_J(V: np.ndarray, F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float = 0.0,
                beta: float = 1.0) -> float:
    """J_β(V) = ½‖Ỹ − βF̃V‖² + ½η‖V‖² (Eqn 47 for β = 1; Eqn 61 for η = 0).

    App. E writes J_β = ‖Ỹ − βF̃V‖² + η‖V‖² without the ½; the factor only rescales time."""
    R = Y_tilde - beta * F_tilde @ V
    return 0.5 * float(np.sum(R * R)) + 0.5 * eta * float(np.sum(V * V))


def signal_term(F_tilde: np.ndarray, Y_tilde: np.ndarray) -> np.ndarray:
    """The signal term ỸỸᵀF̃ of Eqns 3, 5, 55 (= ỸỸᵀF when 1ᵀỸ = 0, Eqn 49)."""
    return Y_tilde @ (Y_tilde.T @ F_tilde)


def R1_terms(F_tilde: np.ndarray, Y_tilde: np.ndarray, V0: np.ndarray, eta: float = 0.0) -> dict:
    """The V0-dependent order-t terms of G_F̃ (App. H.1.1, the displays after Eqn 54), named as printed:

    E0V1ᵀ = ỸỸᵀF̃ − F̃V0ỸᵀF̃ − ỸV0ᵀ(F̃ᵀF̃+ηI) + F̃V0V0ᵀ(F̃ᵀF̃+ηI)
    E1V0ᵀ = F̃(F̃ᵀF̃+ηI)V0V0ᵀ − F̃F̃ᵀỸV0ᵀ
    """
    K = F_tilde.shape[1]
    A = F_tilde.T @ F_tilde + eta * np.eye(K)
    return {
        "-F V0 Y^T F": -F_tilde @ V0 @ Y_tilde.T @ F_tilde,
        "-Y V0^T A": -Y_tilde @ V0.T @ A,
        "+F V0 V0^T A": F_tilde @ V0 @ V0.T @ A,
        "+F A V0 V0^T": F_tilde @ A @ V0 @ V0.T,
        "-F F^T Y V0^T": -F_tilde @ F_tilde.T @ Y_tilde @ V0.T,
    }


def R1(F_tilde: np.ndarray, Y_tilde: np.ndarray, V0: np.ndarray, eta: float = 0.0) -> np.ndarray:
    """R1(V0) of Eqn 55: all order-t terms of G_F̃ that contain V0 (sum of :func:`R1_terms`)."""
    return sum(R1_terms(F_tilde, Y_tilde, V0, eta).values())


def R2(F_tilde: np.ndarray, Y_tilde: np.ndarray, V0: np.ndarray) -> np.ndarray:
    """R2(V0) := −(ỸV0ᵀF̃ᵀF̃ + F̃V0ỸᵀF̃ + F̃F̃ᵀỸV0ᵀ) (App. H.3, after Eqn 67)."""
    F, Y = F_tilde, Y_tilde
    return -(Y @ V0.T @ F.T @ F + F @ V0 @ Y.T @ F + F @ F.T @ Y @ V0.T)


def R3(F_tilde: np.ndarray, Y_tilde: np.ndarray, V0: np.ndarray) -> np.ndarray:
    """R3(V0) := F̃V0V0ᵀF̃ᵀF̃ + F̃F̃ᵀF̃V0V0ᵀ (App. H.3, after Eqn 67)."""
    F = F_tilde
    return F @ V0 @ V0.T @ F.T @ F + F @ F.T @ F @ V0 @ V0.T


def p_eta_woodbury(F_tilde: np.ndarray, eta: float) -> np.ndarray:
    """P_η = η(F̃F̃ᵀ + ηI)⁻¹ (Eqn 60, right form, "by Woodbury"), computed with an n×n solve (η > 0)."""
    if not eta > 0:
        raise ValueError(f"the Woodbury form η(F̃F̃ᵀ+ηI)⁻¹ needs η > 0, got η={eta}")
    n = F_tilde.shape[0]
    return eta * np.linalg.inv(F_tilde @ F_tilde.T + eta * np.eye(n))


def fixed_point_gradient(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float, beta: float = 1.0) -> np.ndarray:
    """G* = E*V*ᵀ at the minimizer V* = A⁻¹B of J_β (App. H.2.3), computed from V* directly (A invertible).

    For β = 1 this is Eqn 4 / 60; for β ≠ 1 it is the left side of Eqn 69."""
    A, B = flow_matrices(F_tilde, Y_tilde, eta, beta)
    Vs = np.linalg.solve(A, B)
    Es = Y_tilde - beta * F_tilde @ Vs
    return Es @ Vs.T


def fixed_point_gradient_beta(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float, beta: float) -> np.ndarray:
    """The derived form of Eqn 69: G*_β(η) = β⁻¹·G*(η/β²), with G* of Eqn 4.

    Derivation: with U = βV, J_β = ½‖Ỹ − F̃U‖² + ½(η/β²)‖U‖², so U* is the ridge solution at η/β²,
    E*_β = Ỹ − F̃U* = E*(η/β²) and G*_β = E*_β V*ᵀ = β⁻¹E*(η/β²)U*ᵀ = β⁻¹G*(η/β²)."""
    return eqn4(F_tilde, Y_tilde, eta / beta**2) / beta


@dataclass
class LazyFlow:
    """The linear gradient flow dV/dt = −AV + B of the top layer with F̃ fixed (Eqns 52, 63)."""

    F_tilde: np.ndarray
    Y_tilde: np.ndarray
    V0: np.ndarray
    eta: float = 0.0
    beta: float = 1.0
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        n, K = self.F_tilde.shape
        if self.Y_tilde.shape[0] != n:
            raise ValueError(f"Ỹ has {self.Y_tilde.shape[0]} rows but F̃ has {n}")
        if self.V0.shape != (K, self.Y_tilde.shape[1]):
            raise ValueError(f"V0 must be K×M = {(K, self.Y_tilde.shape[1])}, got {self.V0.shape}")
        if self.eta < 0:
            raise ValueError(f"η must be ≥ 0, got {self.eta}")

    @cached_property
    def AB(self) -> tuple[np.ndarray, np.ndarray]:
        return flow_matrices(self.F_tilde, self.Y_tilde, self.eta, self.beta)

    @property
    def A(self) -> np.ndarray:
        return self.AB[0]

    @property
    def B(self) -> np.ndarray:
        return self.AB[1]

    @cached_property
    def eig(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigendecomposition A = QΛQᵀ (A symmetric PSD); eigenvalues clipped at 0."""
        lam, Q = np.linalg.eigh(self.A)
        return np.clip(lam, 0.0, None), Q

    @property
    def lambda_min(self) -> float:
        """λ_min(A) (Eqn 57)."""
        return float(self.eig[0][0])

    @cached_property
    def V_star(self) -> np.ndarray:
        """V* = A⁻¹B (H.2.1); requires A invertible."""
        return np.linalg.solve(self.A, self.B)

    def V(self, t: float) -> np.ndarray:
        """V(t) = e^{−At}V0 + (∫₀ᵗe^{−As}ds)B from the eigendecomposition of A (valid for singular A)."""
        lam, Q = self.eig
        decay = np.exp(-lam * t)
        lt = lam * t
        integral = np.where(lt > 1e-8, -np.expm1(-lt) / np.where(lam > 0, lam, 1.0), t * (1 - lt / 2))
        return Q @ (decay[:, None] * (Q.T @ self.V0) + integral[:, None] * (Q.T @ self.B))

    def V_closed_form(self, t: float) -> np.ndarray:
        """Eqn 56: V(t) = e^{−At}(V(0) − V*) + V*, with the matrix exponential from ``scipy.linalg.expm``."""
        return sla.expm(-self.A * t) @ (self.V0 - self.V_star) + self.V_star

    def E(self, t: float, V: np.ndarray | None = None) -> np.ndarray:
        """E(t) = Ỹ − βF̃V(t) (Eqn 48)."""
        V = self.V(t) if V is None else V
        return self.Y_tilde - self.beta * self.F_tilde @ V

    def G(self, t: float, V: np.ndarray | None = None) -> np.ndarray:
        """G_F̃(t) = E(t)V(t)ᵀ (Eqn 48)."""
        V = self.V(t) if V is None else V
        return self.E(t, V) @ V.T

    def G_star(self) -> np.ndarray:
        """lim_{t→∞} G_F̃(t) = E*V*ᵀ (Prop 4); computed from the spectral form at t = ∞ (A invertible)."""
        Vs = self.V_star
        return (self.Y_tilde - self.beta * self.F_tilde @ Vs) @ Vs.T

    # -- Taylor expansion at t = 0 ---------------------------------------------------------------------
    def taylor_V(self, order: int) -> list[np.ndarray]:
        """[V0, V1, ..., V_order] with V(t) = Σ V_k t^k: V_k = (−A)^{k−1}(B − AV0)/k! (Eqns 53, 64)."""
        coeffs = [self.V0]
        D = self.B - self.A @ self.V0
        for k in range(1, order + 1):
            coeffs.append(D / math.factorial(k))
            D = -self.A @ D
        return coeffs

    def taylor_E(self, order: int) -> list[np.ndarray]:
        """[E0, E1, ...]: E0 = Ỹ − βF̃V0, E_k = −βF̃V_k (Eqns 54, 65)."""
        Vs = self.taylor_V(order)
        return [self.Y_tilde - self.beta * self.F_tilde @ Vs[0]] + [-self.beta * self.F_tilde @ v for v in Vs[1:]]

    def taylor_G(self, order: int) -> list[np.ndarray]:
        """[G0, G1, ...] with G_k = Σ_{i+j=k} E_i V_jᵀ (Eqns 55, 66–68)."""
        Vs, Es = self.taylor_V(order), self.taylor_E(order)
        return [sum(Es[i] @ Vs[k - i].T for i in range(k + 1)) for k in range(order + 1)]


def integrate_flow(F_tilde: np.ndarray, Y_tilde: np.ndarray, V0: np.ndarray, ts, eta: float = 0.0,
                   beta: float = 1.0, rtol: float = 1e-11, atol: float = 1e-13) -> np.ndarray:
    """V(t) at the times ``ts`` by numerical integration of dV/dt = −∇J_β(V) (Eqns 50, 62–63) with
    ``scipy.integrate.solve_ivp`` (DOP853).  The right-hand side is the gradient written from the objective
    (βF̃ᵀ(Ỹ − βF̃V) − ηV), not from A and B.  Returns an array of shape (len(ts), K, M)."""
    from scipy.integrate import solve_ivp

    K, M = V0.shape
    FtY = F_tilde.T @ Y_tilde

    def rhs(_t, v):
        V = v.reshape(K, M)
        return (beta * (FtY - beta * (F_tilde.T @ (F_tilde @ V))) - eta * V).ravel()

    ts = np.asarray(ts, dtype=float)
    sol = solve_ivp(rhs, (0.0, float(ts.max())), V0.ravel(), method="DOP853", t_eval=ts, rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    return sol.y.T.reshape(len(ts), K, M)


def decay_rate(ts, values) -> RateFit:
    """Fitted exponential decay rate of ``values`` (e.g. ‖G(t) − G*‖_F) over ``ts`` (Props 3–4)."""
    return fit_rate(ts, values)


def random_feature_instance(X: np.ndarray, Y: np.ndarray, K: int, act, rng: np.random.Generator,
                            w_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Stage-I instance: W ~ N(0, w_scale²) (d×K), F = σ(XW), and (F̃, Ỹ, F) with F̃ = P1⊥F, Ỹ = P1⊥Y
    (Sec 3: "both W and V are initialized with independent zero-mean random variables")."""
    from li2verify.paper.task import center

    W = w_scale * rng.normal(size=(X.shape[1], K))
    F = act(X @ W)
    return center(F), center(Y), F


def modal_gradient_eta0(F_tilde: np.ndarray, Y_tilde: np.ndarray, V0: np.ndarray, t: float):
    """G_F̃(t) for η = 0 under (A1)–(A2) in the SVD basis F̃ = UΣWᵀ (the refined analysis after Prop 3):

        G(t) = U[Σe^{−Σ²t}C1 + Σe^{−Σ²t}C2e^{−Σ²t}]Wᵀ,  C1 = −PV*ᵀW,  C2 = −PPᵀ,  P = Wᵀ(V0 − V*),

    so entry (i, i') of UᵀGW is a combination of e^{−σ_i²t} and e^{−(σ_i²+σ_i'²)t}.  Returns
    (G, sigma, C1, C2).  Derived from E(t) = −F̃ΔV(t) (E* = 0 by (A2)) and ΔV(t) = We^{−Σ²t}WᵀΔV(0)."""
    U, sig, Wt = np.linalg.svd(F_tilde, full_matrices=False)
    W = Wt.T
    V_star = np.linalg.lstsq(F_tilde, Y_tilde, rcond=None)[0]
    P = W.T @ (V0 - V_star)
    C1 = -P @ V_star.T @ W
    C2 = -P @ P.T
    d = np.exp(-sig**2 * t)
    core = (sig * d)[:, None] * C1 + (sig * d)[:, None] * C2 * d[None, :]
    return U @ core @ W.T, sig, C1, C2


def sym_matrix(name: str, rows: int, cols: int):
    """A sympy Matrix of real symbols name{i}{j} (for small explicit symbolic derivations)."""
    import sympy as sp

    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}{i}{j}", real=True))


def sym_taylor(F, Y, V0, eta, order: int, beta=1):
    """Symbolic Taylor coefficients (sympy) of V, E, G for dV/dt = −AV + B, A = β²FᵀF + ηI, B = βFᵀY:
    V_1 = −AV_0 + B, V_{k+1} = −AV_k/(k+1) (k ≥ 1); E_0 = Y − βFV_0, E_k = −βFV_k; G_k = Σ_{i+j=k}E_iV_jᵀ.
    Returns (Vs, Es, Gs, A, B) (Eqns 53–55, 64–68)."""
    import sympy as sp

    K = F.shape[1]
    A = beta**2 * F.T * F + eta * sp.eye(K)
    B = beta * F.T * Y
    Vs = [V0, -A * V0 + B]
    for k in range(1, order):
        Vs.append(-A * Vs[k] / (k + 1))
    Es = [Y - beta * F * Vs[0]] + [-beta * F * v for v in Vs[1:]]
    Gs = [sum((Es[i] * Vs[k - i].T for i in range(k + 1)), sp.zeros(Y.shape[0], K)) for k in range(order + 1)]
    return Vs, Es, Gs, A, B


def fixed_point_operator(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float) -> np.ndarray:
    """T = η(F̃F̃ᵀ+ηI)⁻¹ỸỸᵀ(F̃F̃ᵀ+ηI)⁻¹ (n×n), so that Eqn 4 reads G_F(+∞) = T F̃ by the push-through identity
    F̃(F̃ᵀF̃+ηI)⁻¹ = (F̃F̃ᵀ+ηI)⁻¹F̃ (costs O(n²K) instead of O(K³); η > 0)."""
    n = F_tilde.shape[0]
    R = np.linalg.solve(F_tilde @ F_tilde.T + eta * np.eye(n), Y_tilde)
    return eta * R @ R.T


def fixed_point_gradient_pushthrough(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float) -> np.ndarray:
    """Eqn 4 as η(F̃F̃ᵀ+ηI)⁻¹ỸỸᵀ(F̃F̃ᵀ+ηI)⁻¹F̃ (push-through form, for K ≫ n)."""
    return fixed_point_operator(F_tilde, Y_tilde, eta) @ F_tilde
