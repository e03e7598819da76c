"""Lemma 4 (App. F): the Gaussian moment generating function.

Claims:
- ``lemma4.moment.mgf`` — E[e^{tX}] = e^{t²/2}, equivalently E[e^{tX − t²/2}] = 1.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from li2verify.verify.claims import check, claim

_x, _t = sp.symbols("x t", real=True)
#: the standard normal density (App. F)
_DENS = sp.exp(-_x**2 / 2) / sp.sqrt(2 * sp.pi)

LEMMA4 = claim(
    "lemma4.moment.mgf",
    title="Lemma 4: E[e^{tX}] = e^{t²/2}",
    paper_ref="Lemma 4; App. F",
    printed=r"For $X \sim \mathcal{N}(0, 1)$, $\mathbb{E}[e^{tX}] = \exp(t^2/2)$. Equivalently, "
            r"$\mathbb{E}[e^{tX - t^2/2}] = 1$.",
)


@check(LEMMA4, "symbolic")
def test_lemma4_symbolic(evidence):
    evidence.describe("sympy: ∫e^{tx}e^{−x²/2}/√(2π)dx over ℝ, simplified, vs e^{t²/2}")
    val = sp.simplify(sp.integrate(sp.exp(_t * _x) * _DENS, (_x, -sp.oo, sp.oo), conds="none"))
    evidence.holds(sp.simplify(val - sp.exp(_t**2 / 2)) == 0, "E[e^{tX}] = e^{t²/2}", family="symbolic")
    val2 = sp.simplify(sp.integrate(sp.exp(_t * _x - _t**2 / 2) * _DENS, (_x, -sp.oo, sp.oo), conds="none"))
    evidence.holds(sp.simplify(val2 - 1) == 0, "E[e^{tX − t²/2}] = 1", family="symbolic")


@check(LEMMA4, "numeric")
def test_lemma4_quadrature(evidence, li2_profile):
    evidence.describe("scipy.integrate.quad of e^{tx}φ(x) for fresh t ∈ [−4, 4] vs e^{t²/2}; Monte Carlo mean of "
                      "e^{tX − t²/2} within 5 standard errors of 1")
    from scipy import integrate

    evidence.tolerance(1e-9, "relative; adaptive quadrature epsrel 1e-12 on a smooth integrand")
    rng = np.random.default_rng(4)
    for seed, t in enumerate(rng.uniform(-4, 4, li2_profile.pick(fast=6, thorough=30))):
        val = integrate.quad(lambda x: math.exp(t * x - x * x / 2) / math.sqrt(2 * math.pi), -np.inf, np.inf,
                             epsrel=1e-12)[0]
        evidence.close(val, math.exp(t * t / 2), family="quad", seed=seed)
    Xs = rng.normal(size=200_000)
    for t in (0.3, 1.0):
        v = np.exp(t * Xs - t * t / 2)
        evidence.holds(abs(v.mean() - 1) <= 5 * v.std() / math.sqrt(v.size), f"MC at t={t}", family="monte carlo")
