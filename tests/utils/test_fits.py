"""Unit tests of li2verify.utils.fits (log–log order fits and exponential-rate fits)."""

import numpy as np
import pytest

from li2verify.utils.fits import FitError, fit_line, fit_order, fit_rate, geometric


def test_exact_power_law_slope():
    xs = geometric(1e-4, 1e-1, 10)
    fit = fit_order(xs, 3.0 * xs**2)
    assert abs(fit.slope - 2.0) < 1e-12 and fit.stderr < 1e-10 and fit.r2 > 1 - 1e-12
    assert abs(np.exp(fit.intercept) - 3.0) < 1e-9
    assert fit.verdict(2.0) == "consistent" and fit.verdict(1.0) == "inconsistent"


def test_subleading_term_within_band():
    xs = geometric(1e-4, 1e-2, 12)
    fit = fit_order(xs, xs**2 + 5 * xs**3)
    assert fit.agrees(2.0) and fit.excludes(3.0)


def test_noisy_fit_has_stderr_and_can_be_undecided():
    rng = np.random.default_rng(0)
    xs = geometric(1.0, 2.0, 5)
    fit = fit_order(xs, xs * np.exp(rng.normal(0, 0.5, 5)))
    assert fit.stderr > 0.1
    assert fit.verdict(1.0) == "undecided"


def test_negative_slopes_and_large_parameter():
    Ks = geometric(64, 4096, 7)
    fit = fit_order(Ks, 2.0 / Ks**1.5)
    assert abs(fit.slope + 1.5) < 1e-12
    s = fit.summary(-1.5)
    assert s["verdict"] == "consistent" and s["claimed_order"] == -1.5


def test_rate_fit():
    t = np.linspace(0, 10, 20)
    rf = fit_rate(t, 4.0 * np.exp(-0.7 * t))
    assert abs(rf.rate - 0.7) < 1e-12 and rf.agrees(0.7)


@pytest.mark.parametrize("bad", [[1.0, 0.0, 2.0], [1.0, np.nan, 2.0], [1.0, -np.inf, 1.0]])
def test_bad_remainders_named(bad):
    with pytest.raises(FitError, match="index 1"):
        fit_order([1.0, 2.0, 4.0], bad)


def test_too_few_points_and_degenerate_x():
    with pytest.raises(FitError):
        fit_order([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(FitError, match="equal"):
        fit_line([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(FitError):
        geometric(0.0, 1.0, 5)


def test_a_loose_fit_neither_agrees_nor_excludes():
    from li2verify.utils.fits import OrderFit

    loose = OrderFit(slope=0.54, stderr=0.12, intercept=0.0, r2=0.9, n=6)
    assert loose.verdict(1.0) == "undecided"
    assert not loose.agrees(1.0) and not loose.excludes(1.0) and not loose.agrees(0.54)


def test_loglog_slope_is_fit_line_on_logs_and_lenient():
    import math

    import numpy as np

    from li2verify.utils.fits import fit_line, loglog_slope

    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    y = 3 * x**-1.5 * np.array([1.01, 0.99, 1.02, 0.98, 1.0])
    lf = fit_line(np.log(x), np.log(y))
    assert loglog_slope(x, y) == (lf.slope, lf.stderr)
    assert all(math.isnan(v) for v in loglog_slope([1, 2, 3], [1, 0, 2]))  # non-positive: undecided, no raise
    assert all(math.isnan(v) for v in loglog_slope([1, 2, 3], [1, float("nan"), 2]))
    assert math.isnan(loglog_slope([1, 2], [1, 4])[1]) and abs(loglog_slope([1, 2], [1, 4])[0] - 2) < 1e-12
