"""Seeded train/test splits of group-arithmetic tasks (Sec. 4.2; data of Figs 3, 5–17).

The full set is the M² pairs of H×H (:func:`li2verify.paper.task.all_pairs`); a seed draws ``n`` of them without
replacement for training and keeps the rest as the test set.  ``n`` is given explicitly, as a fraction
p = n/M², or by the paper code's *critical ratio* rule: test_size = 1 − (log M / M)·mult, i.e.
n = mult · M log M (``modular_addition_simple2.py``: ``critical_ratio_multiplier`` = 2.7482 by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from li2verify.groups import spec as _groups
from li2verify.groups.finite import FiniteGroup
from li2verify.paper.task import all_pairs
from li2verify.train import protocols as _protocols


def resolve_group(spec: str | int | FiniteGroup) -> FiniteGroup:
    """The group a spec names: exactly :func:`li2verify.groups.spec.from_spec` (the one parser of group specs; ``71``
    → Z_71, ``"4x7"`` → Z4×Z7, ``"D8"`` → dihedral of order 8, ``"Q16"``, ``"8:3"`` / ``"SmallGroup(8,3)"``,
    catalog names).  Raises :class:`li2verify.groups.spec.GroupSpecError` (a ``ValueError``) naming what is wrong."""
    return _groups.from_spec(spec)


def critical_n(M: int, multiplier: float) -> int:
    """n = round(mult · M log M) (the paper code's ``use_critical_ratio``), unclipped: :func:`train_size` checks
    that it leaves a training and a test set."""
    return int(round(multiplier * M * math.log(M)))


def train_size(M: int, *, n: int | None = None, train_frac: float | None = None,
               critical_ratio: float | None = None, protocol: str = "text") -> int:
    """The number of training pairs from exactly one of the three rules (critical ratio > n > fraction).

    ``protocol`` decides the rounding of a fraction (:func:`li2verify.train.protocols.split_size`): ``"text"``
    n = round(p·M²), critical ratio round(mult·M log M); ``"code"`` keeps ⌈(1 − p)·M²⌉ test pairs, as the paper's
    code's seeded split with test size 1 − p does (critical ratio: p = mult·ln M / M).

    Raises ``ValueError`` naming the rule when it gives no training pair or no test pair (never clips)."""
    M2 = M * M
    if M2 < 2:
        raise ValueError(f"a group of order {M} has {M2} pair(s): a training and a test set need order ≥ 2")
    if critical_ratio is not None:
        if not (math.isfinite(critical_ratio) and critical_ratio > 0):
            raise ValueError(f"critical_ratio must be a positive number, got {critical_ratio}")
        k = critical_n(M, critical_ratio) if _protocols.get(protocol).split_rounding == "round" else \
            _protocols.split_size(M2, critical_ratio * math.log(M) / M, protocol)
        if not 1 <= k < M2:
            raise ValueError(f"critical_ratio {critical_ratio:g} gives n = round({critical_ratio:g}·M·log M) = {k} "
                             f"training pairs for M = {M}, outside 1..M²−1 = {M2 - 1}; choose a multiplier in "
                             f"({0.5 / (M * math.log(M)) if M > 1 else 0:.3g}, {(M2 - 0.5) / (M * math.log(M)):.4g})")
        return k
    if n is not None:
        if not 1 <= n < M2:
            raise ValueError(f"n must lie in 1..M²−1 = {M2 - 1} (a test set is needed), got {n}")
        return int(n)
    if train_frac is None:
        raise ValueError("give n, train_frac or critical_ratio")
    k = _protocols.split_size(M2, train_frac, protocol)
    if not 1 <= k < M2:
        raise ValueError(f"train_frac {train_frac:g} gives n = {k} of the M² = {M2} pairs for M = {M}; it must leave "
                         f"at least one training and one test pair")
    return k


@dataclass(frozen=True)
class Split:
    """Train/test pairs of one seed: arrays of shape (n, 2) and (M² − n, 2), and their targets."""

    seed: int
    train_pairs: np.ndarray
    test_pairs: np.ndarray
    train_targets: np.ndarray
    test_targets: np.ndarray


def make_split(group: FiniteGroup, n: int, seed: int) -> Split:
    """Seeded split: a permutation of the M² pairs from ``numpy.random.default_rng(seed)``; first n train."""
    pairs = all_pairs(group)
    M2 = len(pairs)
    if not 1 <= n < M2:
        raise ValueError(f"n must lie in 1..{M2 - 1}, got {n}")
    perm = np.random.default_rng(seed).permutation(M2)
    tr, te = np.sort(perm[:n]), np.sort(perm[n:])
    T = group.table
    return Split(seed, pairs[tr], pairs[te], T[pairs[tr, 0], pairs[tr, 1]], T[pairs[te, 0], pairs[te, 1]])
