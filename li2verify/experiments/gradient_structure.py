"""Helpers shared by the Lemma 1 modules (Sec 3.1; App. F): the activations checked, random features, and
two-cluster inputs with prescribed correlations.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.paper.task import center

ACTS = ("square", "relu", "silu", "tanh")


def random_features(X: np.ndarray, K: int, act: str, rng: np.random.Generator) -> np.ndarray:
    """F̃ = P1⊥σ(XW), W iid N(0,1)."""
    return center(get_activation(act)(X @ rng.normal(size=(X.shape[1], K))))


def two_cluster_inputs(n: int, rho: float, eps: float) -> np.ndarray:
    """Unit-norm inputs with x_iᵀx_j = ρ + ε within a cluster and ρ − ε across (two balanced clusters)."""
    s = np.where(np.arange(n) < n // 2, 1.0, -1.0)
    G = (1 - rho - eps) * np.eye(n) + rho * np.ones((n, n)) + eps * np.outer(s, s)
    return np.linalg.cholesky(G)


# ---------------------------------------------------------------------------------------------------------------
# property checks: Hypothesis over activations, norms, correlations, inputs and groups
# ---------------------------------------------------------------------------------------------------------------
#: Hypothesis draws of one of :data:`ACTS`
ACT_DRAWS = st.sampled_from(ACTS)
