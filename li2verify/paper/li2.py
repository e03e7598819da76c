"""The Li2 objects of Stage I and III: hidden activations, the backpropagated gradient and the ridge solution.

Notation follows the paper: F = σ(XW) (n×K), F̃ = P1⊥F, Ỹ = P1⊥Y, B = (F̃ᵀF̃ + ηI)⁻¹ and
P_η = I − F̃BF̃ᵀ = η(F̃F̃ᵀ + ηI)⁻¹ (Eqn 60).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from li2verify.paper.activations import Activation
from li2verify.paper.task import center


def hidden_activation(X: np.ndarray, W: np.ndarray, act: Activation) -> np.ndarray:
    """F = σ(XW)."""
    return act(X @ W)


def backprop_gradient(Y: np.ndarray, F: np.ndarray, V: np.ndarray) -> np.ndarray:
    """G_F = P1⊥(Y − FV)Vᵀ (Eqn 2)."""
    return center(Y - F @ V) @ V.T


def ridge_inverse(F_tilde: np.ndarray, eta: float) -> np.ndarray:
    """B = (F̃ᵀF̃ + ηI)⁻¹ (Sec 5), through a Cholesky factorization (symmetric result).

    Raises ``ValueError`` when F̃ᵀF̃ + ηI is not positive definite (η = 0 with rank-deficient F̃)."""
    F_tilde = np.asarray(F_tilde, dtype=float)
    K = F_tilde.shape[1]
    G = F_tilde.T @ F_tilde
    G[np.diag_indices(K)] += eta
    try:
        c = sla.cho_factor(G, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        raise ValueError(
            "F̃ᵀF̃ + ηI is not positive definite (η = 0 needs F̃ of full column rank); B does not exist"
        ) from None
    B = sla.cho_solve(c, np.eye(K), check_finite=False)
    return 0.5 * (B + B.T)


def ridge_top_layer(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float) -> np.ndarray:
    """V_ridge = (F̃ᵀF̃ + ηI)⁻¹F̃ᵀỸ (Prop 1)."""
    K = F_tilde.shape[1]
    return np.linalg.solve(F_tilde.T @ F_tilde + eta * np.eye(K), F_tilde.T @ Y_tilde)


def ridge_projector(F_tilde: np.ndarray, eta: float) -> np.ndarray:
    """P_η = I − F̃(F̃ᵀF̃ + ηI)⁻¹F̃ᵀ (Sec 5; Eqn 60, left form), computed with a K×K solve."""
    n, K = F_tilde.shape
    return np.eye(n) - F_tilde @ np.linalg.solve(F_tilde.T @ F_tilde + eta * np.eye(K), F_tilde.T)


def backprop_gradient_fixed_point(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float) -> np.ndarray:
    """G_F(+∞) = η(F̃F̃ᵀ + ηI)⁻¹ỸỸᵀF̃(F̃ᵀF̃ + ηI)⁻¹ (Eqn 4), evaluated literally as printed."""
    n, K = F_tilde.shape
    left = np.linalg.solve(F_tilde @ F_tilde.T + eta * np.eye(n), Y_tilde @ (Y_tilde.T @ F_tilde))
    return eta * np.linalg.solve(F_tilde.T @ F_tilde + eta * np.eye(K), left.T).T
