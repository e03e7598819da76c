"""Lemma 7 (App. G.3): Fréchet selection, the first step of Theorem 8 (Muon rebalances gradient updates).

Claims:
- ``lemma7.frechet.selection`` — Pr(argmax_j w_j x_j = i) = w_i^α/Σ_j w_j^α for Fréchet(α) x_j.

Monte Carlo comparisons are z-scores (difference / standard error) held to |z| ≤ 5: two-sided Bonferroni bound
with family-wise false-alarm probability ≲ 1e-4 over up to ~200 comparisons (normal approximation; the
averaged quantities have geometric tails).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from li2verify.paper.coupon import (
    frechet_sample,
    frechet_selection_integral,
    frechet_selection_probs,
)
from li2verify.verify.claims import check, claim
from li2verify.experiments.muon_coupon import Z_MC, Z_REASON

LEMMA7 = claim(
    "lemma7.frechet.selection",
    title="Fréchet / log-Gumbel selection",
    paper_ref="Lemma 7; App. G.3",
    printed=r"Let $x_1, \dots, x_n$ be i.i.d. positive random variables with Fréchet($\alpha$) CDF $F(x) = "
            r"\exp(-x^{-\alpha})$ ... Define $i^* = \arg \max_{1 \leq j \leq n} w_j x_j$. Then $\Pr(i^* = i) = "
            r"\frac{w_i^\alpha}{\sum_{j=1}^n w_j^\alpha}$",
    assumptions=["α > 0, w_j > 0"],
)


@check(LEMMA7, "symbolic")
def test_lemma7_integral_symbolic(evidence):
    evidence.describe("sympy: ∫₀^∞ α w_i^α t^{−α−1} exp(−W t^{−α}) dt with W = Σ_j w_j^α (the proof's density that "
                      "i attains the maximum at level t) minus w_i^α/W simplifies to 0, for symbolic α, w_i, W > 0")
    a, w, W, t = sp.symbols("alpha w_i W t", positive=True)
    val = sp.integrate(a * w**a * t ** (-a - 1) * sp.exp(-W * t ** (-a)), (t, 0, sp.oo))
    evidence.holds(sp.simplify(val - w**a / W) == 0, f"integral = {val}")
    # and the CDF-of-max step: Π_j F(t/w_j) = exp(−Σ (w_j/t)^α)
    w1, w2 = sp.symbols("w1 w2", positive=True)
    prod = sp.exp(-(t / w1) ** (-a)) * sp.exp(-(t / w2) ** (-a))
    evidence.holds(sp.simplify(sp.powsimp(prod, force=True) - sp.exp(-((w1 / t) ** a + (w2 / t) ** a))) == 0,
                   "Π_j F(t/w_j) = exp(−Σ_j (w_j/t)^α)")


@check(LEMMA7, "numeric")
def test_lemma7_quadrature_and_monte_carlo(evidence, li2_profile):
    evidence.describe("For random weights and α ∈ {0.5, 1, 1.5, 3}: the proof's integral by adaptive quadrature vs "
                      "w_i^α/Σw^α (relative error), and Monte Carlo frequencies of argmax w_j x_j (x_j by inverse "
                      "CDF) vs w_i^α/Σw^α as z-scores (binomial standard error √(p(1−p)/N))")
    evidence.tolerance(Z_MC, Z_REASON + "; quadrature: relative error ≤ 1e-8 asserted separately")
    N = li2_profile.pick(fast=100_000, thorough=1_000_000)
    worst_quad = 0.0
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(2, 7))
        w = rng.uniform(0.2, 3.0, n)
        for alpha in [0.5, 1.0, 1.5, 3.0]:
            p = frechet_selection_probs(w, alpha)
            q = np.array([frechet_selection_integral(w, alpha, i) for i in range(n)])
            worst_quad = max(worst_quad, float(np.max(np.abs(q - p) / p)))
            x = frechet_sample(alpha, (N, n), rng)
            freq = np.bincount(np.argmax(w * x, axis=1), minlength=n) / N
            z = np.abs(freq - p) / np.sqrt(p * (1 - p) / N)
            evidence.error(float(z.max()), family=f"n={n},alpha={alpha}", seed=seed, what="MC frequency z-score")
    evidence.detail("worst_quadrature_relative_error", worst_quad)
    evidence.holds(worst_quad < 1e-8, f"quadrature of the proof's integral = w_i^α/Σw^α (worst {worst_quad:.1e})")
