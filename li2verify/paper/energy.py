"""The energy function of independent feature learning (Thm 1, Eqn 7) and its derivatives.

E(w) = ½‖Ỹᵀσ(Xw)‖², with gradient ∇E(w) = XᵀD ỸỸᵀσ(Xw), D = diag(σ'(Xw)) (Eqn 6), and Hessian
∇²E(w) = Xᵀ[D ỸỸᵀ D + diag(σ''(Xw) ⊙ ỸỸᵀσ(Xw))]X.  On the sphere ‖w‖ = 1 (the constraint Sec 4.1 adds),
the Riemannian gradient is (I − wwᵀ)∇E and the Riemannian Hessian is
Π(∇²E − (wᵀ∇E)I)Π restricted to the tangent space, Π = I − wwᵀ.
"""

from __future__ import annotations

import numpy as np

from li2verify.paper.activations import Activation


def energy(w: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray, act: Activation) -> float:
    """E(w) = ½‖Ỹᵀσ(Xw)‖² (Eqn 7)."""
    z = Y_tilde.T @ act(X @ w)
    return 0.5 * float(np.real(np.vdot(z, z)))


def energy_gradient(w: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray, act: Activation) -> np.ndarray:
    """∇E(w) = XᵀD_j ỸỸᵀσ(Xw) (Eqn 6 with g_j = ỸỸᵀσ(Xw_j))."""
    u = X @ w
    g = Y_tilde @ (Y_tilde.T @ act(u))
    return X.T @ (act.grad(u) * g)


def energy_hessian(w: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray, act: Activation) -> np.ndarray:
    """Euclidean Hessian ∇²E(w) (needs σ'')."""
    if act.np_grad2 is None:
        raise ValueError(f"activation {act.name!r} has no second derivative")
    u = X @ w
    DX = act.grad(u)[:, None] * X
    YDX = Y_tilde.T @ DX
    g = Y_tilde @ (Y_tilde.T @ act(u))
    return YDX.T @ YDX + X.T @ ((act.np_grad2(u) * g)[:, None] * X)


def tangent_basis(w: np.ndarray) -> np.ndarray:
    """An orthonormal basis (d×(d−1)) of the tangent space {v : vᵀw = 0} of the sphere at unit w."""
    w = np.asarray(w, dtype=float) / np.linalg.norm(w)
    q, _ = np.linalg.qr(np.column_stack([w, np.eye(len(w))]))
    return q[:, 1:]


def riemannian_gradient(w: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray, act: Activation) -> np.ndarray:
    """(I − wwᵀ)∇E(w) at unit w."""
    g = energy_gradient(w, X, Y_tilde, act)
    return g - w * (w @ g)


def riemannian_hessian(w: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray, act: Activation) -> np.ndarray:
    """Riemannian Hessian of E on the unit sphere at unit w, in the basis :func:`tangent_basis` ((d−1)²)."""
    T = tangent_basis(w)
    H = energy_hessian(w, X, Y_tilde, act)
    lam = float(w @ energy_gradient(w, X, Y_tilde, act))
    return T.T @ H @ T - lam * np.eye(T.shape[1])
