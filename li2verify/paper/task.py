"""Group-arithmetic data (Sec. 4.2): predict h = h1·h2 from the one-hot pair (e_{h1}, e_{h2}).

Sample i is the pair ``(pairs[i, 0], pairs[i, 1])``; ``X`` is n×2M (two concatenated one-hots), ``Y`` is n×M
(one-hot of the product).  With all M² pairs the order is row-major: i = h1·M + h2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from li2verify.groups.finite import FiniteGroup
from li2verify.utils.arrays import center  # noqa: F401  (re-exported: the one centring helper)


def centering_matrix(n: int) -> np.ndarray:
    """P1⊥ = I − 11ᵀ/n (Eqn 1): the zero-mean projection along the sample dimension."""
    return np.eye(n) - np.full((n, n), 1.0 / n)


@dataclass(frozen=True)
class GroupTask:
    """The data of a group-arithmetic task on a set of pairs."""

    group: FiniteGroup
    pairs: np.ndarray  # (n, 2) int

    @property
    def n(self) -> int:
        return int(self.pairs.shape[0])

    @property
    def M(self) -> int:
        return self.group.order

    @cached_property
    def targets(self) -> np.ndarray:
        """h1·h2 for every sample."""
        return self.group.table[self.pairs[:, 0], self.pairs[:, 1]]

    @cached_property
    def X(self) -> np.ndarray:
        """n×2M input: [e_{h1}, e_{h2}]."""
        n, M = self.n, self.M
        X = np.zeros((n, 2 * M))
        X[np.arange(n), self.pairs[:, 0]] = 1.0
        X[np.arange(n), M + self.pairs[:, 1]] = 1.0
        return X

    @cached_property
    def Y(self) -> np.ndarray:
        """n×M one-hot labels e_{h1 h2}."""
        Y = np.zeros((self.n, self.M))
        Y[np.arange(self.n), self.targets] = 1.0
        return Y

    @cached_property
    def Y_tilde(self) -> np.ndarray:
        """Ỹ = P1⊥Y."""
        return center(self.Y)


def all_pairs(group: FiniteGroup) -> np.ndarray:
    """All M² pairs, row-major (i = h1·M + h2)."""
    M = group.order
    h1, h2 = np.divmod(np.arange(M * M), M)
    return np.stack([h1, h2], axis=1)


def group_task(group: FiniteGroup, pairs: np.ndarray | None = None) -> GroupTask:
    """The task on ``pairs`` (default: all M² pairs)."""
    if pairs is None:
        pairs = all_pairs(group)
    pairs = np.asarray(pairs, dtype=np.int64)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"pairs must have shape (n, 2), got {pairs.shape}")
    if pairs.size and (pairs.min() < 0 or pairs.max() >= group.order):
        raise ValueError(f"pair indices must lie in 0..{group.order - 1}")
    return GroupTask(group, pairs)


def random_pairs(group: FiniteGroup, n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct pairs drawn uniformly without replacement from H×H (Thm 4's sampling)."""
    M = group.order
    if not 1 <= n <= M * M:
        raise ValueError(f"n must lie in 1..M² = {M * M}, got {n}")
    idx = np.sort(rng.choice(M * M, size=n, replace=False))
    return np.stack(np.divmod(idx, M), axis=1)
