"""Lemma 8 (App. G.3, Eqn 10): under the dynamics of Eqn 10 the leading mode wins.

Claims:
- ``lemma8.eqn10.leader_wins`` — Eqn 10 converges to ζ_{l*}, l* = argmax_l μ_l α_l(0) (interior and sphere).
"""

from __future__ import annotations

import numpy as np

from li2verify.paper.coupon import (
    frechet_sample,
    integrate_eqn10,
)
from li2verify.verify.claims import check, claim

LEMMA8 = claim(
    "lemma8.eqn10.leader_wins",
    title="Eqn 10: the initial leader always wins",
    paper_ref="Lemma 8; Thm 8 Eqn 10; App. G.3",
    printed=r"The dynamics always converges to $\zeta_{l^*}$ for $l^* = \arg \max_l \mu_l \alpha_l(0)$. That is, "
            r"the initial leader always win.",
    assumptions=["{ζ_l} orthonormal basis, λ_l(w) = μ_l α_l, 0 < μ_l ≤ 1", "α_l(0) > 0 (Fréchet init), "
                 "‖α(0)‖ ≤ 1, strict leader", "on ‖w‖ = 1 the dynamics is the tangential projection"],
)


@check(LEMMA8, "numeric")
def test_lemma8_leader_wins_interior_and_sphere(evidence, li2_profile):
    evidence.describe(
        "Integrate Eqn 10 (DOP853/RK45, rtol 1e-11) from Fréchet(a) initial α scaled into the ball (interior "
        "phase until ‖α‖ = 1, then the projected sphere dynamics) and from starts on the sphere; twice: in ζ "
        "coordinates (α̇ = μα²) and in the original w coordinates with a random orthonormal ζ (ẇ = A(w)w). "
        "Check: argmax_l μ_l α_l(t) = l* at every output time, r_l*/r_j nondecreasing, α_l*(∞)² → 1, and the "
        "two coordinate systems agree.")
    evidence.tolerance(1e-6, "ODE tolerance rtol 1e-11 over t ≤ 1e4 on a contracting flow: agreement of the two "
                             "routes and the final α_l*² to 1e-6")
    for seed in range(li2_profile.pick(fast=6, thorough=40)):
        rng = np.random.default_rng(seed)
        L = int(rng.integers(3, 7))
        mu = rng.uniform(0.2, 1.0, L)
        a = float(rng.choice([1.5, 2.0, 4.0]))
        x = frechet_sample(a, L, rng)
        for regime, radius in [("interior start", 0.3), ("sphere start", 1.0)]:
            al0 = radius * x / np.linalg.norm(x)
            lstar = int(np.argmax(mu * al0))
            out = integrate_eqn10(al0, mu, t_sphere=2e3)
            A = out["alpha"]
            lead = np.argmax(mu * A, axis=1)
            evidence.holds(bool(np.all(lead == lstar)), "leader l* kept at all times", family=regime, seed=seed)
            r = mu * A
            others = [j for j in range(L) if j != lstar]
            keep = np.min(A[:, others], axis=1) > 1e-8  # above the integrator's absolute tolerance (1e-14)
            ratio = r[keep, lstar][:, None] / r[keep][:, others]
            evidence.holds(bool(np.all(np.diff(np.log(ratio), axis=0) > -1e-9)),
                           "r_l*/r_j nondecreasing (while all α_j > 1e-8)", family=regime, seed=seed)
            evidence.error(1.0 - A[-1, lstar] ** 2, family=regime, seed=seed, what="1 − α_l*(∞)²")
            zeta, _ = np.linalg.qr(rng.standard_normal((L, L)))
            outw = integrate_eqn10(al0, mu, coords="w", zeta=zeta, t_sphere=2e3)
            evidence.error(float(np.max(np.abs(outw["alpha"][-1] - A[-1]))), family=regime, seed=seed,
                           what="w-coordinates vs ζ-coordinates endpoint")
