"""Fitting the order of an asymptotic claim: a log–log slope with its standard error.

An asymptotic statement such as ``R(α) = O(α)``, ``R(t) = O(t²)`` or ``‖G(K)‖ ∝ K^{-3/2}`` is checked by
measuring the quantity over a *geometric* range of the parameter and fitting a straight line to
``log|R|`` against ``log x``.  The fitted slope is the empirical order; its standard error comes from the
ordinary-least-squares residuals.  A claim of order ``p`` is *consistent* with the fit when the slope lies
within ``k`` standard errors (plus a small absolute allowance for the curvature of sub-leading terms) of
``p``, *excluded* when it lies outside that band, and the fit is *undecided* when the band is too wide to
tell two candidate orders apart.

Public API::

    xs = geometric(1e-4, 1e-1, 12)              # geometric range of the small (or large) parameter
    fit = fit_order(xs, remainders)             # -> OrderFit(slope, stderr, intercept, r2, n)
    fit.agrees(2.0)                             # slope within k·stderr + atol of the claimed order 2
    fit.excludes(1.0)                           # slope significantly different from 1
    fit.verdict(2.0)                            # "consistent" | "inconsistent" | "undecided"
    fit.summary(2.0)                            # dict for evidence.detail(...)

    rate = fit_rate(ts, values)                 # exponential decay: log v = c − rate·t  -> RateFit

Both fits ignore nothing silently: non-positive or non-finite values raise :class:`FitError` naming the
offending index (a remainder that is exactly 0 means the claimed term is exact, which the caller should
check separately rather than fit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["FitError", "OrderFit", "RateFit", "fit_order", "fit_rate", "fit_line", "geometric", "loglog_slope"]


class FitError(ValueError):
    """The data cannot be fitted on a log scale (too few points, non-positive or non-finite values)."""


def geometric(lo: float, hi: float, num: int) -> np.ndarray:
    """``num`` points from ``lo`` to ``hi`` (inclusive) equally spaced on a log scale."""
    if not (lo > 0 and hi > 0 and num >= 2):
        raise FitError(f"geometric range needs lo, hi > 0 and num >= 2, got lo={lo}, hi={hi}, num={num}")
    return np.geomspace(lo, hi, num)


@dataclass(frozen=True)
class LineFit:
    """y ≈ intercept + slope·x by ordinary least squares, with the slope's standard error and R²."""

    slope: float
    stderr: float
    intercept: float
    r2: float
    n: int


def fit_line(x: Sequence[float], y: Sequence[float]) -> LineFit:
    """OLS fit of ``y`` on ``x`` (both finite); the slope's standard error is
    ``sqrt(SSR/(n−2) / Σ(x−x̄)²)`` (0 when n = 2 or the fit is exact)."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise FitError(f"x and y must have the same length, got {x.size} and {y.size}")
    if x.size < 2:
        raise FitError(f"a line fit needs at least 2 points, got {x.size}")
    bad = np.flatnonzero(~(np.isfinite(x) & np.isfinite(y)))
    if bad.size:
        raise FitError(f"non-finite value at index {int(bad[0])}: x={x[bad[0]]}, y={y[bad[0]]}")
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    if sxx == 0.0:
        raise FitError("all x values are equal: the slope is undefined")
    slope = float(np.sum((x - xm) * (y - ym)) / sxx)
    intercept = float(ym - slope * xm)
    resid = y - (intercept + slope * x)
    ssr = float(np.sum(resid**2))
    sst = float(np.sum((y - ym) ** 2))
    r2 = 1.0 - ssr / sst if sst > 0 else 1.0
    stderr = math.sqrt(ssr / (x.size - 2) / sxx) if x.size > 2 else 0.0
    return LineFit(slope, stderr, intercept, r2, int(x.size))


@dataclass(frozen=True)
class OrderFit:
    """Result of :func:`fit_order`: ``log|R| ≈ intercept + slope·log x``.

    ``slope`` is the fitted order, ``stderr`` its OLS standard error, ``r2`` the coefficient of
    determination of the log–log fit, ``n`` the number of points, ``x_range`` the fitted range.
    """

    slope: float
    stderr: float
    intercept: float
    r2: float
    n: int
    x_range: tuple[float, float] = (float("nan"), float("nan"))

    def band(self, k: float = 3.0, atol: float = 0.1) -> float:
        """Half-width of the acceptance band: ``k·stderr + atol``.  ``atol`` absorbs the curvature that
        sub-leading terms put on a finite range (e.g. ``t² + t³`` over [1e-3, 1e-1])."""
        return k * self.stderr + atol

    def agrees(self, order: float, k: float = 3.0, atol: float = 0.1, resolution: float = 0.5) -> bool:
        """True when the fit is decided (band ≤ ``resolution``) and the slope lies within ``k·stderr + atol`` of
        ``order``.  A fit too noisy to separate orders ``resolution`` apart agrees with nothing (a loose fit
        must not pass a check: slope 0.54 ± 0.12 does not "agree" with order 1)."""
        return self.decided(k, atol, resolution) and abs(self.slope - order) <= self.band(k, atol)

    def excludes(self, order: float, k: float = 3.0, atol: float = 0.1, resolution: float = 0.5) -> bool:
        """True when the fit is decided and the slope lies outside ``k·stderr + atol`` of ``order``."""
        return self.decided(k, atol, resolution) and abs(self.slope - order) > self.band(k, atol)

    def decided(self, k: float = 3.0, atol: float = 0.1, resolution: float = 0.5) -> bool:
        """The statistical part of the band, ``k·stderr``, is at most ``resolution/2``: the fit's own noise
        cannot make orders ``resolution`` apart both look right.  (``atol``, the check's stated allowance for
        pre-asymptotic bias, is not noise and does not enter here; ``atol`` is kept in the signature so all
        three predicates take the same arguments.)"""
        return k * self.stderr <= resolution / 2

    def verdict(self, order: float, k: float = 3.0, atol: float = 0.1, resolution: float = 0.5) -> str:
        """``"consistent"`` / ``"inconsistent"`` with the claimed ``order``, or ``"undecided"`` when the band
        noise ``k·stderr`` exceeds ``resolution/2`` (then it cannot separate orders ``resolution`` apart)."""
        if not self.decided(k, atol, resolution):
            return "undecided"
        return "consistent" if self.agrees(order, k, atol) else "inconsistent"

    def summary(self, claimed: float | None = None, **kw) -> dict:
        """A plain dict for ``evidence.detail``: fitted order ± stderr, R², range, claimed order, verdict."""
        d = {"fitted_order": round(self.slope, 4), "stderr": round(self.stderr, 4), "r2": round(self.r2, 6),
             "points": self.n, "x_range": [float(self.x_range[0]), float(self.x_range[1])]}
        if claimed is not None:
            d["claimed_order"] = claimed
            d["verdict"] = self.verdict(claimed, **kw)
        return d

    def __str__(self) -> str:
        return f"order {self.slope:.3f} ± {self.stderr:.3f} (R²={self.r2:.4f}, n={self.n})"


def _check_positive(name: str, v: np.ndarray) -> None:
    bad = np.flatnonzero(~(np.isfinite(v) & (v > 0)))
    if bad.size:
        raise FitError(f"{name} must be finite and > 0 for a log fit; index {int(bad[0])} is {v[bad[0]]!r}")


def fit_order(xs: Sequence[float], remainders: Sequence[float]) -> OrderFit:
    """Fit ``|remainder| ≈ C·x^p`` on a log–log scale and return the order ``p`` with its standard error.

    ``xs`` should be a geometric range (see :func:`geometric`); ``remainders`` are norms (the absolute value
    is taken).  Raises :class:`FitError` on fewer than 3 points or non-positive values.
    """
    x = np.asarray(xs, dtype=float).ravel()
    r = np.abs(np.asarray(remainders, dtype=float).ravel())
    if x.size < 3:
        raise FitError(f"an order fit needs at least 3 points, got {x.size}")
    _check_positive("xs", x)
    _check_positive("remainders", r)
    lf = fit_line(np.log(x), np.log(r))
    return OrderFit(lf.slope, lf.stderr, lf.intercept, lf.r2, lf.n, (float(x.min()), float(x.max())))


@dataclass(frozen=True)
class RateFit:
    """Result of :func:`fit_rate`: ``log v ≈ log_c − rate·t``."""

    rate: float
    stderr: float
    log_c: float
    r2: float
    n: int

    def agrees(self, rate: float, rtol: float = 0.02, k: float = 3.0) -> bool:
        """Fitted rate within ``k·stderr + rtol·|rate|`` of ``rate``."""
        return abs(self.rate - rate) <= k * self.stderr + rtol * abs(rate)

    def summary(self, claimed: float | None = None, **kw) -> dict:
        d = {"fitted_rate": self.rate, "stderr": self.stderr, "r2": self.r2, "points": self.n}
        if claimed is not None:
            d["claimed_rate"] = claimed
            d["agrees"] = self.agrees(claimed, **kw)
        return d


def fit_rate(ts: Sequence[float], values: Sequence[float]) -> RateFit:
    """Fit an exponential decay ``v(t) ≈ C e^{−rate·t}`` (a line through ``log v`` against ``t``)."""
    t = np.asarray(ts, dtype=float).ravel()
    v = np.abs(np.asarray(values, dtype=float).ravel())
    if t.size < 3:
        raise FitError(f"a rate fit needs at least 3 points, got {t.size}")
    _check_positive("values", v)
    lf = fit_line(t, np.log(v))
    return RateFit(-lf.slope, lf.stderr, lf.intercept, lf.r2, lf.n)


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """(slope, standard error) of the least-squares line of log y on log x (:func:`fit_line`), the lenient form
    used on per-seed training data: (NaN, NaN) when a value is non-positive or non-finite or the fit is undefined
    instead of raising, and a NaN standard error from only 2 points."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape or not (np.all(np.isfinite(x) & (x > 0)) and np.all(np.isfinite(y) & (y > 0))):
        return float("nan"), float("nan")
    try:
        lf = fit_line(np.log(x), np.log(y))
    except FitError:
        return float("nan"), float("nan")
    return lf.slope, (lf.stderr if lf.n > 2 else float("nan"))
