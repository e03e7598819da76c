"""Unit tests of li2verify.paper.coupon (Lemmas 7, 8, 10; Thm 8 engine)."""

import numpy as np

from li2verify.paper.coupon import (
    coupon_T0_inclusion_exclusion, coupon_T0_integral, eqn10_batch_winners, frechet_sample,
    frechet_selection_integral, frechet_selection_probs, idealized_Ta_exact, integrate_eqn10,
    lemma10_bound_printed, muon_direction_alpha, simulate_coupon_collector, simulate_idealized_muon,
    thm8_bound_printed, thm8_Ta_printed,
)
from li2verify.paper.muon import polar_factor


def test_frechet_cdf():
    x = frechet_sample(2.0, 200_000, np.random.default_rng(0))
    for t in [0.5, 1.0, 2.0]:
        assert abs(np.mean(x <= t) - np.exp(-t ** -2.0)) < 0.01


def test_selection_integral_matches_formula():
    w = np.array([0.5, 1.0, 2.0])
    p = frechet_selection_probs(w, 1.3)
    assert np.allclose([frechet_selection_integral(w, 1.3, i) for i in range(3)], p, rtol=1e-9)


def test_T0_uniform_is_L_times_harmonic():
    for L in [1, 2, 5]:
        p = np.full(L, 1.0 / L)
        H = sum(1.0 / k for k in range(1, L + 1))
        assert np.isclose(coupon_T0_inclusion_exclusion(p), L * H)
        assert np.isclose(coupon_T0_integral(p), L * H, rtol=1e-9)


def test_coupon_simulation_mean():
    p = np.array([0.6, 0.3, 0.1])
    s = simulate_coupon_collector(p, 20000, np.random.default_rng(1))
    T0 = coupon_T0_inclusion_exclusion(p)
    assert abs(s.mean() - T0) < 5 * s.std() / np.sqrt(len(s))
    assert s.min() >= 3


def test_bounds_are_below_T0():
    p = np.array([0.7, 0.2, 0.1])
    T0 = coupon_T0_inclusion_exclusion(p)
    assert lemma10_bound_printed(p) <= T0 and thm8_bound_printed(p) <= T0


def test_idealized_Ta_equals_formula_and_factor1_gives_T0():
    mu = np.array([1.0, 0.7, 0.4])
    for a in [1.5, 3.0]:
        p = frechet_selection_probs(mu, a)
        T0 = coupon_T0_inclusion_exclusion(p)
        assert np.isclose(idealized_Ta_exact(mu, a), thm8_Ta_printed(T0, a, 3), rtol=1e-12)
        assert np.isclose(idealized_Ta_exact(mu, a, factor=1.0), T0, rtol=1e-12)
    s = simulate_idealized_muon(mu, 2.0, 5000, np.random.default_rng(2))
    assert s.min() >= 3


def test_eqn10_leader_wins_and_batch_agrees():
    mu = np.array([0.9, 0.5, 0.7])
    al0 = np.array([0.2, 0.3, 0.1])
    out = integrate_eqn10(al0, mu)
    assert np.argmax(out["alpha"][-1]) == np.argmax(mu * al0)
    win, unc = eqn10_batch_winners(al0[None, :], mu)
    assert win[0] == np.argmax(mu * al0) and unc == 0


def test_muon_direction_alpha_is_polar_last_column():
    rng = np.random.default_rng(4)
    L = 5
    al = rng.uniform(0.05, 0.4, L)
    mu = rng.uniform(0.3, 1.0, L)
    S = np.array([True, False, True, False, False])
    Q = np.eye(L)[:, S]
    expect = polar_factor(np.column_stack([Q, mu * al**2]))[:, -1]
    assert np.allclose(muon_direction_alpha(al[None, :], mu, S[None, :])[0], expect, atol=1e-12)
