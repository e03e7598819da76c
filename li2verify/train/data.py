"""Seeded train/test splits of group-arithmetic tasks (Sec. 4.2; data of Figs 3, 5–17).

The full set is the M² pairs of H×H (:func:`li2verify.task.all_pairs`); a seed draws ``n`` of them without
replacement for training and keeps the rest as the test set.  ``n`` is given explicitly, as a fraction
p = n/M², or by the paper code's *critical ratio* rule: test_size = 1 − (log M / M)·mult, i.e.
n = mult · M log M (``modular_addition_simple2.py``: ``critical_ratio_multiplier`` = 2.7482 by default).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from li2verify import groups as _groups
from li2verify.groups import FiniteGroup
from li2verify.task import all_pairs


def resolve_group(spec: str | int | FiniteGroup) -> FiniteGroup:
    """A group from a spec: ``71`` → Z_71, ``"4x7"`` → Z4×Z7, or a constructor name groups.py provides
    (``"D5"`` → ``dihedral(5)``, ``"S3"`` → ``symmetric(3)``, ``"Q8"`` → ``quaternion()``) when it exists."""
    if isinstance(spec, FiniteGroup):
        return spec
    s = str(spec).strip()
    if re.fullmatch(r"[Zz]?\d+", s):
        return _groups.cyclic(int(s.lstrip("Zz")))
    if re.fullmatch(r"([Zz]?\d+)(x[Zz]?\d+)+", s):
        return _groups.product_of_cyclic(s)
    m = re.fullmatch(r"([A-Za-z]+)(\d*)", s)
    if m:
        name, num = m.group(1).upper(), m.group(2)
        ctor = {"D": "dihedral", "S": "symmetric", "A": "alternating", "Q": "quaternion"}.get(name)
        for fn in filter(None, [ctor, "group_by_name", "from_spec", "get_group"]):
            f = getattr(_groups, fn, None)
            if f is None:
                continue
            try:
                if fn == ctor:
                    return f(int(num)) if num and fn != "quaternion" else f()
                return f(s)
            except Exception:  # noqa: BLE001 - try the next constructor
                continue
    raise ValueError(f"unknown group spec {spec!r}: use an order ('71'), a product ('4x7'), "
                     "or a group name known to li2verify.groups")


def critical_n(M: int, multiplier: float) -> int:
    """n = mult · M log M (the paper code's ``use_critical_ratio``; clipped to 1..M²)."""
    return int(min(max(round(multiplier * M * math.log(M)), 1), M * M))


def train_size(M: int, *, n: int | None = None, train_frac: float | None = None,
               critical_ratio: float | None = None) -> int:
    """The number of training pairs from exactly one of the three rules (critical ratio > n > fraction)."""
    if critical_ratio is not None:
        return critical_n(M, critical_ratio)
    if n is not None:
        if not 1 <= n < M * M:
            raise ValueError(f"n must lie in 1..M²−1 = {M * M - 1} (a test set is needed), got {n}")
        return int(n)
    if train_frac is None:
        raise ValueError("give n, train_frac or critical_ratio")
    k = int(round(train_frac * M * M))
    return min(max(k, 1), M * M - 1)


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
