"""Lemma 10 (App. G.3, Eqn 39): the lower bound of the coupon-collector time T0 and its equality case.

Claims:
- ``lemma10.coupon.lower_bound`` — Eqn 39 and its equality case.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from li2verify.groups.strategies import bounded_floats
from li2verify.paper.coupon import (
    coupon_T0_inclusion_exclusion,
    lemma10_bound_printed,
    thm8_bound_printed,
)
from li2verify.verify.claims import check, claim
from li2verify.experiments.muon_coupon import p_profiles

LEMMA10 = claim(
    "lemma10.coupon.lower_bound",
    title="Eqn 39: lower bound of T0 and its equality case",
    paper_ref="Lemma 10, Eqn 39; App. G.3",
    printed=r"$T_0 \geq \max \left( \min_{l=1}^L 1/p_l, L \sum_{l=1}^L 1/l \right)$ (39) ... Equality holds if and "
            r"only if $p_1 = \dots = p_L = 1/L$",
    assumptions=["p a probability vector with all p_l > 0", "T0 = Eqn 41"],
    depends_on=["thm8.coupon.expected_time_integral"],
    notes="As printed the first term is min_l 1/p_l = 1/max_l p_l ≤ L, never active; the proof argues the "
          "rarest coupon, i.e. max_l 1/p_l = 1/min_l p_l, which is how Thm 8 states it. Thm 8 in turn drops the "
          "factor L of the second term (Σ 1/l instead of L Σ 1/l). Both printed forms are true; neither is the "
          "sharpest max(1/min_l p_l, L H_L), which is also checked.",
)


@check(LEMMA10, "numeric")
def test_eqn39_bound_and_equality_case(evidence, li2_profile):
    evidence.describe("T0 (inclusion–exclusion) vs the printed bound max(min_l 1/p_l, L H_L) and the sharper "
                      "max(1/min_l p_l, L H_L) on random p; equality at uniform p (relative gap ≤ 1e-12), strict "
                      "gap otherwise")
    evidence.tolerance(1e-12, "exact rational sums in float64 (≤ 2^7 terms)")
    gaps = []
    for seed in range(li2_profile.pick(fast=20, thorough=200)):
        rng = np.random.default_rng(50 + seed)
        for fam, p in p_profiles(rng):
            T0 = coupon_T0_inclusion_exclusion(p)
            L = len(p)
            HL = float(np.sum(1.0 / np.arange(1, L + 1)))
            printed = lemma10_bound_printed(p)
            sharp = max(1.0 / p.min(), L * HL)
            evidence.holds(T0 >= printed * (1 - 1e-12) and T0 >= sharp * (1 - 1e-12), "T0 ≥ bound", family=fam,
                           seed=seed)
            if fam == "uniform":
                evidence.error(abs(T0 - L * HL) / T0, family=fam, seed=seed, what="T0 = L H_L at uniform p")
            elif np.ptp(p) > 1e-6:
                gaps.append((T0 - printed) / T0)
                evidence.holds(T0 > printed * (1 + 1e-9), "strict inequality for non-uniform p", family=fam,
                               seed=seed)
    evidence.detail("min_relative_gap_nonuniform", min(gaps))
    examples = []
    for p in [np.array([0.5, 0.3, 0.2]), np.array([0.9, 0.05, 0.05]), np.full(4, 0.25)]:
        L = len(p)
        HL = float(np.sum(1.0 / np.arange(1, L + 1)))
        examples.append({"p": p.tolist(), "T0": coupon_T0_inclusion_exclusion(p),
                         "lemma10_printed max(min_l 1/p_l, L H_L)": lemma10_bound_printed(p),
                         "thm8_printed max(1/min_l p_l, H_L)": thm8_bound_printed(p),
                         "sharp max(1/min_l p_l, L H_L)": max(1.0 / p.min(), L * HL)})
    evidence.detail("lemma10_vs_thm8_bounds", examples)


@check(LEMMA10, "property")
@given(w=hnp.arrays(np.float64, st.integers(1, 9), elements=bounded_floats(1e-3, 1.0)), skew=bounded_floats(0.05, 8.0))
def test_eqn39_property(evidence, w, skew):
    evidence.describe("Hypothesis over L ∈ [1, 9] and probability vectors p ∝ w^skew, w ∈ [1e-3, 1]^L, skew ∈ "
                      "[0.05, 8] (from near-uniform to very skewed; shrinks toward uniform): T0 (inclusion–exclusion) ≥ "
                      "the printed bound of Eqn 39, ≥ Thm 8's printed bound, and ≥ the sharp max(1/min p, L H_L); "
                      "T0 = L H_L only at uniform p")
    L = len(w)
    p = w ** skew
    p = np.clip(p / p.sum(), 1e-6, None)
    p /= p.sum()
    T0 = coupon_T0_inclusion_exclusion(p)
    HL = float(np.sum(1.0 / np.arange(1, L + 1)))
    fam = f"L={L}"
    tol = 1e-9 * T0
    evidence.holds(T0 + tol >= lemma10_bound_printed(p), "T0 ≥ Eqn 39 (printed)", family=fam)
    evidence.holds(T0 + tol >= thm8_bound_printed(p), "T0 ≥ Thm 8 bound (printed)", family=fam)
    evidence.holds(T0 + tol >= max(1.0 / p.min(), L * HL), "T0 ≥ sharp bound", family=fam)
    if L > 1 and np.ptp(p) > 1e-3:
        evidence.holds(T0 > L * HL * (1 + 1e-12), "strict for non-uniform p", family=fam)
