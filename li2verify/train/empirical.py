"""Per-seed values for the empirical claims, decided by the dead-band seed rule of the evidence API.

Every empirical check reduces a run to ONE number per seed (a grokking epoch, a loss ratio, a sign-match, a
concentration ratio...) and hands the numbers to :meth:`li2verify.verify.claims.Evidence.seed_vote` with a
:class:`li2verify.verify.claims.SeedRule` written in the claim's assumptions before the run: a seed within the rule's
margin of the threshold (or with a NaN value) is undecided and counts against whichever verdict is being
reached, so a seed that rounding or the machine can push across the threshold never decides a claim.

The helpers here compute those per-seed values; censoring at the horizon is explicit (``horizon + 1`` for a
run that never reaches the level, or NaN — undecided — where the value cannot be read).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from li2verify.utils.fits import loglog_slope  # noqa: F401  (re-exported: the one log–log fit)


def first_epoch(series: np.ndarray, epochs: np.ndarray, thr: float, *, never: float = math.nan) -> float:
    """First epoch at which ``series`` (one seed; NaN = not evaluated) is ≥ ``thr``; ``never`` if it is not."""
    idx = np.flatnonzero(np.nan_to_num(np.asarray(series, float), nan=-np.inf) >= thr)
    return float(epochs[idx[0]]) if idx.size else float(never)


def t_grok(metrics: dict, epochs: np.ndarray, thr: float = 0.9, key: str = "test_acc") -> np.ndarray:
    """Per-seed first epoch with ``key`` ≥ ``thr``; a seed that never reaches it gets ``horizon + 1`` (censored)."""
    v = metrics[key]
    h = float(epochs[-1]) + 1.0
    return np.array([first_epoch(v[:, j], epochs, thr, never=h) for j in range(v.shape[1])])


def censored_difference(t_late: np.ndarray, t_early: np.ndarray, horizon: float) -> np.ndarray:
    """``t_late − t_early`` per seed, NaN (undecided) when both are censored at ``horizon + 1``: two runs that
    never reach the level within the horizon cannot be ordered."""
    t_late, t_early = np.asarray(t_late, float), np.asarray(t_early, float)
    d = t_late - t_early
    both = (t_late > horizon) & (t_early > horizon)
    return np.where(both, np.nan, d)


def max_detector_slope(gap23: np.ndarray, epochs: np.ndarray, lag: int = 25, t_min: int = 100) -> float:
    """max_{t ≥ t_min} s(t), s(t) = [log(σ2/σ3)(t) − log(σ2/σ3)(t − lag)]/lag (paper 003 Eqn 6): the value whose
    crossing of 003's threshold makes the detector fire (:func:`li2verify.train.probes.eigengap_fire`).
    NaN when no (t, t − lag) pair is finite."""
    lookup = {int(e): g for e, g in zip(epochs, gap23)}
    best = -math.inf
    for e in sorted(lookup):
        if e < t_min or (e - lag) not in lookup:
            continue
        g1, g0 = lookup[e], lookup[e - lag]
        if np.isfinite(g1) and np.isfinite(g0) and g0 > 0 and g1 > 0:
            best = max(best, (math.log(g1) - math.log(g0)) / lag)
    return best if math.isfinite(best) else math.nan


def unsettled(series: np.ndarray, epochs: np.ndarray, *, frac: float = 0.75, rel: float = 0.02) -> bool:
    """True when a seed's series (NaN = not probed) still rises at the horizon: its value at the last probed
    epoch exceeds its value at the last probed epoch ≤ ``frac``·T by more than ``rel`` (relative)."""
    s = np.asarray(series, float)
    ok = np.isfinite(s)
    e, v = np.asarray(epochs)[ok], s[ok]
    if v.size < 2:
        return True
    i = np.flatnonzero(e <= frac * e[-1])
    v0 = v[i[-1]] if i.size else v[0]
    return bool(v[-1] - v0 > rel * abs(v[-1]))


def as_list(x: Sequence[float]) -> list[float]:
    return [float(v) for v in np.asarray(x, float).ravel()]
