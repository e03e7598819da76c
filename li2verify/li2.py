"""The Li2 objects of Stage I and III: hidden activations, the backpropagated gradient and the ridge solution.

Notation follows the paper: F = σ(XW) (n×K), F̃ = P1⊥F, Ỹ = P1⊥Y, B = (F̃ᵀF̃ + ηI)⁻¹ and
P_η = I − F̃BF̃ᵀ = η(F̃F̃ᵀ + ηI)⁻¹ (Eqn 60).
"""

from __future__ import annotations

import numpy as np

from li2verify.activations import Activation
from li2verify.task import center


def hidden_activation(X: np.ndarray, W: np.ndarray, act: Activation) -> np.ndarray:
    """F = σ(XW)."""
    return act(X @ W)


def backprop_gradient(Y: np.ndarray, F: np.ndarray, V: np.ndarray) -> np.ndarray:
    """G_F = P1⊥(Y − FV)Vᵀ (Eqn 2)."""
    return center(Y - F @ V) @ V.T


def ridge_inverse(F_tilde: np.ndarray, eta: float) -> np.ndarray:
    """B = (F̃ᵀF̃ + ηI)⁻¹ (Sec 5)."""
    K = F_tilde.shape[1]
    return np.linalg.inv(F_tilde.T @ F_tilde + eta * np.eye(K))


def ridge_top_layer(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float) -> np.ndarray:
    """V_ridge = (F̃ᵀF̃ + ηI)⁻¹F̃ᵀỸ (Prop 1)."""
    K = F_tilde.shape[1]
    return np.linalg.solve(F_tilde.T @ F_tilde + eta * np.eye(K), F_tilde.T @ Y_tilde)


def ridge_projector(F_tilde: np.ndarray, eta: float) -> np.ndarray:
    """P_η = I − F̃(F̃ᵀF̃ + ηI)⁻¹F̃ᵀ (Sec 5; Eqn 60)."""
    n = F_tilde.shape[0]
    return np.eye(n) - F_tilde @ ridge_inverse(F_tilde, eta) @ F_tilde.T


def backprop_gradient_fixed_point(F_tilde: np.ndarray, Y_tilde: np.ndarray, eta: float) -> np.ndarray:
    """G_F(+∞) = η(F̃F̃ᵀ + ηI)⁻¹ỸỸᵀF̃(F̃ᵀF̃ + ηI)⁻¹ (Eqn 4), evaluated literally as printed."""
    n, K = F_tilde.shape
    left = np.linalg.solve(F_tilde @ F_tilde.T + eta * np.eye(n), Y_tilde @ (Y_tilde.T @ F_tilde))
    return eta * left @ ridge_inverse(F_tilde, eta)
