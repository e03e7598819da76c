"""The boundary fit recovers a known p_c from synthetic logistic data, and the scaling fit a known exponent."""

from __future__ import annotations

import math

import numpy as np
import pytest

from li2verify.sweep.boundary import critical_fraction, fit_families, fit_scaling, logistic_fit


def _synthetic(Ms, p_c, width=0.15, seeds=20, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for M in Ms:
        for p in np.geomspace(0.05, 0.95, 14):
            prob = 1 / (1 + math.exp(-(math.log(p) - math.log(p_c(M))) / width))
            for s in range(seeds):
                rows.append({"group": f"Z{M}", "M": M, "family": "cyclic prime", "max_dk": 1, "p": float(p),
                             "best_test_acc": 1.0 if rng.random() < prob else 0.05})
    return rows


def test_logistic_fit_recovers_p_c_within_its_interval():
    """20 groups with a known p_c = 3 log M / M: every estimate within 0.15 of it in log p (two thirds of the
    grid step), and the 95% intervals cover it in at least 16 of 20 (P(fewer) ≈ 0.3% for true 95% coverage)."""
    Ms = list(range(11, 51, 2))
    truth = lambda M: 3 * math.log(M) / M
    crit = critical_fraction(_synthetic(Ms, truth), threshold=0.9, n_boot=100)
    covered = 0
    for M in Ms:
        e = crit[f"Z{M}"]
        assert abs(math.log(e["p_c"] / truth(M))) < 0.15, (M, e["p_c"], truth(M))
        covered += e["ci"][0] <= truth(M) <= e["ci"][1]
        assert e["ci"][1] / e["ci"][0] < 1.5  # 20 seeds per p: an informative interval
        assert e["n_c"] == pytest.approx(e["p_c"] * M * M)
        assert e["seeds"] == 20 and e["censored"] is None
    assert covered >= 16, covered


def test_separated_data_give_the_gap_and_censored_groups_no_p_c():
    x = np.log([0.1, 0.2, 0.4, 0.8])
    mu, _ = logistic_fit(np.repeat(x, 3), np.repeat([0, 0, 1, 1], 3))
    assert math.exp(mu) == pytest.approx(math.sqrt(0.2 * 0.4), rel=0.02)  # the geometric midpoint of the gap
    rows = [{"group": g, "M": 7, "family": "f", "p": p, "best_test_acc": acc}
            for g, acc in (("all", 1.0), ("none", 0.0)) for p in (0.2, 0.5) for _ in range(3)]
    rows += [{"group": "sep", "M": 7, "family": "f", "p": p, "best_test_acc": float(p > 0.3)}
             for p in (0.1, 0.2, 0.4, 0.8) for _ in range(3)]
    crit = critical_fraction(rows, threshold=0.9, n_boot=50)
    assert crit["all"]["censored"] == "below" and math.isnan(crit["all"]["p_c"])
    assert crit["none"]["censored"] == "above"
    lo, hi = crit["sep"]["ci"]
    assert lo <= 0.2 + 1e-12 and hi >= 0.4 - 1e-12


def test_scaling_fit_recovers_the_exponent_and_prefers_the_true_law():
    rng = np.random.default_rng(3)
    Ms = np.array([11, 17, 23, 31, 43, 59, 71, 97, 127], float)
    true = 2.0 * Ms * np.log(Ms)
    sig = 0.05
    n_c = true * np.exp(rng.normal(0, sig, Ms.size))
    ci = [(v * math.exp(-1.96 * sig), v * math.exp(1.96 * sig)) for v in n_c]
    f = fit_scaling(Ms, n_c, ci)
    local = np.polyfit(np.log(Ms), np.log(true), 1)[0]  # M log M's log–log slope over these M
    assert f["a_ci"][0] <= local <= f["a_ci"][1]
    assert f["laws"]["M log M"]["inside_ci"] and not f["laws"]["M"]["inside_ci"]
    assert min(f["laws"], key=lambda k: f["laws"][k]["aic"]) == "M log M" and f["laws"]["M"]["delta_aic"] > 10
    assert f["laws"]["M log M"]["c"] == pytest.approx(2.0, rel=0.1)
    with pytest.raises(ValueError, match="two distinct M"):
        fit_scaling([11, 11], [1, 2], [(0.5, 2), (1, 3)])


def test_fit_families_skips_censored_groups():
    Ms = [11, 17, 23]
    crit = critical_fraction(_synthetic(Ms, lambda M: 6 / M, seeds=8), threshold=0.9, n_boot=50)
    crit["Z5"] = {"M": 5, "family": "cyclic prime", "p_c": math.nan, "censored": "above"}
    fits = fit_families(crit)
    assert fits["cyclic prime"]["n"] == 3
    assert fits["cyclic prime"]["a_ci"][0] <= 1.0 <= fits["cyclic prime"]["a_ci"][1]
