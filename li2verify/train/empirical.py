"""Decision helpers for empirical claims: k-of-N seed rules recorded in the claim's evidence."""

from __future__ import annotations

import logging
from typing import Any, Sequence

import numpy as np

log = logging.getLogger(__name__)


def k_of_n(evidence, flags: Sequence[bool], k_min: int, what: str, *, family: str, seeds: Sequence[int],
           on_fail: str = "counterexample", **data: Any) -> bool:
    """Record one instance per seed and the k-of-N count; when fewer than ``k_min`` seeds show the phenomenon,
    record a counterexample (``on_fail="counterexample"``: the run contradicts the statement) or an
    inconclusive reason (``on_fail="inconclusive"``: the run cannot decide).  Returns whether the rule holds."""
    flags = [bool(f) for f in flags]
    k, N = sum(flags), len(flags)
    for s in seeds:
        evidence.instance(family, int(s))
    evidence.detail(f"{what} [k of N]", f"{k}/{N} (rule: ≥ {k_min})")
    if k >= k_min:
        return True
    msg = f"{what}: {k}/{N} seeds on {family} (decision rule needs ≥ {k_min})"
    if on_fail == "counterexample":
        evidence.counterexample(msg, family=family, **data)
    else:
        evidence.inconclusive(msg)
    return False


def loglog_slope(x, y) -> tuple[float, float]:
    """Least-squares slope of log y on log x and its standard error."""
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    A = np.stack([lx, np.ones_like(lx)], 1)
    coef, res, *_ = np.linalg.lstsq(A, ly, rcond=None)
    n = len(lx)
    if n <= 2:
        return float(coef[0]), float("nan")
    resid = ly - A @ coef
    s2 = float(resid @ resid) / (n - 2)
    se = float(np.sqrt(s2 / np.sum((lx - lx.mean()) ** 2)))
    return float(coef[0]), se
