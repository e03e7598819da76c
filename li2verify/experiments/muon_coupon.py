"""Helpers shared by the Lemma 7, Lemma 10 and Theorem 8 modules (Sec 5.3; App. G.3): the Monte Carlo
z-score threshold and the coupon-probability profiles.

Monte Carlo comparisons are z-scores (difference / standard error) held to |z| ≤ 5: two-sided Bonferroni bound
with family-wise false-alarm probability ≲ 1e-4 over up to ~200 comparisons (normal approximation; the
averaged quantities have geometric tails).
"""

from __future__ import annotations

import numpy as np

Z_MC = 5.0
Z_REASON = ("|z| = |difference|/standard error ≤ 5: two-sided Bonferroni, family-wise false alarm ≲ 1e-4 over "
            "≲ 200 comparisons (normal approximation)")


def p_profiles(rng):
    L = int(rng.integers(2, 8))
    yield "uniform", np.full(L, 1.0 / L)
    p = rng.dirichlet(np.ones(L))
    yield "dirichlet(1)", p
    mu = rng.uniform(0.3, 1.0, L)
    yield "mu^a, a=3", mu**3 / np.sum(mu**3)
