"""Decision helpers for empirical claims: k-of-N seed rules recorded in the claim's evidence."""

from __future__ import annotations

import logging
from typing import Any, Sequence

import numpy as np

log = logging.getLogger(__name__)


def k_of_n(evidence, flags: Sequence[bool], k_min: int, what: str, *, family: str, seeds: Sequence[int],
           on_fail: str = "counterexample", k_refute: int | None = None, **data: Any) -> bool:
    """Three-way k-of-N rule.  Records one instance per seed and the count k of seeds showing the phenomenon:

    - k ≥ ``k_min``: the statement holds on this run (returns True);
    - k ≤ ``k_refute`` (default ⌊N/2⌋: the phenomenon is absent in at least half the seeds): a counterexample
      (``on_fail="counterexample"``) — or an inconclusive reason when ``on_fail="inconclusive"``;
    - in between: inconclusive (too few seeds to decide)."""
    flags = [bool(f) for f in flags]
    k, N = sum(flags), len(flags)
    if k_refute is None:
        k_refute = N // 2
    for s in seeds:
        evidence.instance(family, int(s))
    evidence.detail(f"{what} [k of N]", f"{k}/{N} (rule: ≥ {k_min})")
    if k >= k_min:
        return True
    msg = f"{what}: {k}/{N} seeds on {family} (decision rule needs ≥ {k_min})"
    if k > k_refute:
        evidence.inconclusive(msg + f"; more than {k_refute} seeds show it, so the run does not contradict it")
    elif on_fail == "counterexample":
        evidence.counterexample(msg, measured=k, printed=k_min, relation=">=", tol=k_min - k_refute - 1,
                                why=f"three-way k-of-N rule: a counterexample needs at most {k_refute} of {N} seeds",
                                family=family, **data)
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
