"""The random-feature families of the Theorem 6 modules (``thm6_proof_algebra``, ``thm6_feature_repulsion``):
F̃ with K < n, K > n, K = n, nearly collinear columns, at several η, and the sampled feature pairs (j, l).
"""

from __future__ import annotations


import numpy as np

from li2verify.paper.task import center


# instance families
def random_family(name: str, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """F̃ (centered) and η for one named family."""
    if name == "K<n,eta=1e-2":
        return center(rng.standard_normal((60, 25))), 1e-2
    if name == "K>n,eta=1e-3":
        return center(rng.standard_normal((25, 60))), 1e-3
    if name == "K>n,eta=10":
        return center(rng.standard_normal((25, 60))), 10.0
    if name == "K=n,eta=1e-6":
        return center(rng.standard_normal((40, 40))), 1e-6
    if name == "collinear(1e-3),eta=1e-4":
        base = rng.standard_normal((50, 4))
        F = base[:, rng.integers(0, 4, 30)] + 1e-3 * rng.standard_normal((50, 30))
        return center(F), 1e-4
    if name == "K<n,eta=0":
        return center(rng.standard_normal((60, 25))), 0.0
    raise ValueError(name)


FAMILIES = ["K<n,eta=1e-2", "K>n,eta=1e-3", "K>n,eta=10", "K=n,eta=1e-6", "collinear(1e-3),eta=1e-4",
            "K<n,eta=0"]


def feature_pairs(K: int, m: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    out = set()
    while len(out) < min(m, K * (K - 1) // 2):
        j, l = rng.choice(K, 2, replace=False)
        out.add((int(min(j, l)), int(max(j, l))))
    return sorted(out)
