"""Theorem 8 (Sec 5.3; App. G.3, Eqns 40–46): Muon rebalances gradient updates.  The lemmas it rests on
are in ``lemma7_frechet_selection``, ``lemma8_leader_wins``, ``lemma9_muon_projection`` and ``lemma10_coupon_bound``.

Claims:
- ``thm8.coupon.expected_time_integral`` — Eqn 41, T0 = ∫₀^∞(1 − Π(1 − e^{−p_l t}))dt.
- ``thm8.independent.selection_and_bound`` — Pr[w → ζ_l] = p_l and T0 ≥ max(1/min p, Σ 1/l) (Thm 8 form).
- ``thm8.proof.suppression_half`` — Eqn 43: ‖g_j‖ ≤ 1, so ‖g⊥‖/(1+‖g⊥‖) ≤ 1/2.
- ``thm8.muon.expected_nodes`` — T_a = 2^{−a}T0 + (1 − 2^{−a})L (printed "="; the proof derives "≤").
- ``thm8.muon.large_a`` — "For large a, T_a ∼ L".

Monte Carlo comparisons are z-scores (difference / standard error) held to |z| ≤ 5: two-sided Bonferroni bound
with family-wise false-alarm probability ≲ 1e-4 over up to ~200 comparisons (normal approximation; the
averaged quantities have geometric tails).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from li2verify.groups.strategies import bounded_floats
from li2verify.paper.coupon import (
    coupon_T0_inclusion_exclusion,
    coupon_T0_integral,
    eqn10_batch_winners,
    frechet_sample,
    frechet_selection_integral,
    frechet_selection_probs,
    idealized_Ta_exact,
    simulate_coupon_collector,
    simulate_dynamic_muon,
    simulate_idealized_muon,
    thm8_bound_printed,
    thm8_Ta_printed,
)
from li2verify.utils.fits import fit_line
from li2verify.verify.claims import check, claim
from li2verify.experiments.muon_coupon import Z_MC, Z_REASON, p_profiles


# -- exact helpers for the theorem-level symbolic checks ---------------------------------------------------------
def _T0_quadrature_mp(p) -> float:
    """Eqn 41, T0 = ∫₀^∞ (1 − Π_l(1 − e^{−p_lt})) dt, by mpmath tanh-sinh quadrature at 30 digits, split at every
    time scale 1/p_l (the float64 quadrature of li2verify.paper.coupon loses accuracy when the scales span many decades)."""
    import mpmath

    with mpmath.workdps(30):
        ps = [mpmath.mpf(float(x)) for x in p]
        cuts = sorted({mpmath.mpf(0)} | {1 / q for q in ps} | {mpmath.mpf(40) / min(ps)})
        f = lambda t: 1 - mpmath.fprod(1 - mpmath.exp(-q * t) for q in ps)
        return float(mpmath.quad(f, cuts + [mpmath.inf]))


def _sym_T0_inclusion_exclusion(p):
    """Σ_{∅≠A} (−1)^{|A|+1}/Σ_{l∈A} p_l (exact, sympy)."""
    import itertools

    L = len(p)
    return sum((-1) ** (len(A) + 1) / sum(p[i] for i in A)
               for r in range(1, L + 1) for A in itertools.combinations(range(L), r))


def _sym_idealized_Ta(m, c):
    """The proof's idealized Muon model, exactly: mode l is selected w.p. ∝ w_l with w_l = m_l (= μ_l^a) while l is
    uncollected and c·m_l (c = factor^{−a}) once collected; first-step analysis over collected sets S,
    T(S) = (1 + Σ_{l∉S} (w_l/W) T(S∪{l})) / (Σ_{l∉S} w_l/W), T(all) = 0."""
    import itertools

    L = len(m)
    T = {}
    for r in range(L, -1, -1):
        for S in itertools.combinations(range(L), r):
            if r == L:
                T[S] = sp.Integer(0)
                continue
            w = [c * m[l] if l in S else m[l] for l in range(L)]
            W = sum(w)
            out = [l for l in range(L) if l not in S]
            T[S] = (1 + sum(w[l] / W * T[tuple(sorted(S + (l,)))] for l in out)) / (sum(w[l] for l in out) / W)
    return T[()]


MU_PROFILES = {
    "mu=[1,.8,.6,.5]": np.array([1.0, 0.8, 0.6, 0.5]),
    "mu=[1,.9,.3]": np.array([1.0, 0.9, 0.3]),
    "mu=uniform(5)": np.ones(5),
    "mu=[1,.7,.7,.4,.35]": np.array([1.0, 0.7, 0.7, 0.4, 0.35]),
}
EQN41 = claim(
    "thm8.coupon.expected_time_integral",
    title="Eqn 41: T0 = ∫(1 − Π(1 − e^{−p_l t}))dt",
    paper_ref="Thm 8 proof, Eqn 41 (Flajolet et al., 1992)",
    printed=r"the expected number of trials to collect all local maxima is $T_0 = \int_0^{+\infty} \left( 1 - "
            r"\prod_{l=1}^L (1 - e^{-p_l t}) \right) dt$ (41)",
    assumptions=["coupons drawn i.i.d. with probabilities p_l"],
)


@check(EQN41, "numeric")
def test_eqn41_integral_vs_inclusion_exclusion_and_simulation(evidence, li2_profile):
    evidence.describe("Eqn 41 by adaptive quadrature vs the exact inclusion–exclusion sum Σ_J (−1)^{|J|+1}/p_J "
                      "(relative error ≤ 1e-8 asserted), and vs the mean of a direct coupon-collector simulation "
                      "(i.i.d. draws until all seen) as a z-score")
    evidence.tolerance(Z_MC, Z_REASON)
    N = li2_profile.pick(fast=4000, thorough=40000)
    worst = 0.0
    for seed in range(li2_profile.pick(fast=2, thorough=8)):
        rng = np.random.default_rng(40 + seed)
        for fam, p in p_profiles(rng):
            Ti = coupon_T0_integral(p)
            Te = coupon_T0_inclusion_exclusion(p)
            worst = max(worst, abs(Ti - Te) / Te)
            sims = simulate_coupon_collector(p, N, rng)
            z = abs(sims.mean() - Te) / (sims.std(ddof=1) / np.sqrt(N))
            evidence.error(z, family=f"{fam},L={len(p)}", seed=seed, what="simulated mean vs T0")
    evidence.detail("worst_quadrature_vs_inclusion_exclusion", worst)
    evidence.holds(worst < 1e-8, f"quadrature = inclusion–exclusion (worst relative {worst:.1e})")


THM8_IND = claim(
    "thm8.independent.selection_and_bound",
    title="Thm 8 (independent learning): Pr[w → ζ_l] = p_l, T0 ≥ max(1/min p, Σ1/l)",
    paper_ref="Thm 8 (first bullet); Eqn 40",
    printed=r"\textbf{Independent feature learning.} $\Pr[\mathbf{w} \rightarrow \zeta_l] = p_l := \mu_l^a / \sum_l "
            r"\mu_l^a$. Then the expected \#nodes to get all local maxima is $T_0 \geq \max\left(1 / \min_l p_l, "
            r"\sum_{l=1}^L 1/l\right)$.",
    assumptions=["Eqn 10 dynamics, ζ orthonormal, λ_l = μ_l α_l, μ_l ≤ 1, α_l(0) i.i.d. Fréchet(a), a > 1"],
    depends_on=["lemma7.frechet.selection", "lemma8.eqn10.leader_wins", "lemma10.coupon.lower_bound"],
)


@check(THM8_IND, "numeric")
def test_independent_learning_selection_frequencies_and_bound(evidence, li2_profile):
    evidence.describe(
        "Integrate Eqn 10 (plain gradient, batched Euler with log-step ≤ 0.02) from N Fréchet(a) initializations "
        "scaled into the ball; the frequency with which w → ζ_l vs p_l = μ_l^a/Σμ^a (z-scores, binomial SE); the "
        "winner equals argmax μ_l α_l(0) (Lemma 8) for every node; and T0 (Eqn 41) ≥ max(1/min_l p_l, Σ_l 1/l).")
    evidence.tolerance(Z_MC, Z_REASON)
    N = li2_profile.pick(fast=3000, thorough=30000)
    for k, (fam, mu) in enumerate(MU_PROFILES.items()):
        for a in [1.5, 3.0]:
            rng = np.random.default_rng(60 + k)
            L = len(mu)
            x = frechet_sample(a, (N, L), rng)
            al0 = 0.5 * x / np.linalg.norm(x, axis=1, keepdims=True)
            win, unc = eqn10_batch_winners(al0, mu)
            p = frechet_selection_probs(mu, a)
            freq = np.bincount(win, minlength=L) / N
            z = np.abs(freq - p) / np.sqrt(p * (1 - p) / N)
            evidence.error(float(z.max()), family=f"{fam},a={a}", seed=60 + k, what="Pr[w→ζ_l] vs p_l")
            evidence.holds(bool(np.all(win == np.argmax(mu * al0, axis=1))) and unc == 0,
                           "every node converges to its initial leader", family=f"{fam},a={a}", seed=60 + k)
            T0 = coupon_T0_inclusion_exclusion(p)
            evidence.holds(T0 >= thm8_bound_printed(p), f"T0 = {T0:.3f} ≥ max(1/min p, H_L)", family=f"{fam},a={a}")


@check(THM8_IND, "symbolic")
def test_independent_learning_exact(evidence):
    evidence.describe("sympy, generic symbols: (i) Pr[w → ζ_1] for L = 2 from Lemma 8 (the winner is argmax μ_lα_l(0)) "
                      "and Fréchet(a) α_l(0): ∫₀^∞ f(x) F(μ_1x/μ_2) dx (sympy integrates after its own change of "
                      "variables x = y^{−1/a}) vs the printed p_1 = μ_1^a/(μ_1^a + μ_2^a); (ii) T0 for L = 2 from the "
                      "Eqn 41 integral ∫₀^∞(1 − Π(1 − e^{−p_lt}))dt with p_1 = 1 − q, p_2 = q, 0 < q ≤ 1/2, and the "
                      "printed bound: T0 − 1/min p and T0 − Σ_{l≤2} 1/l decided nonnegative by sympy")
    evidence.tolerance(0.0, "exact symbolic decisions")
    a, m1, m2, x, y = sp.symbols("a mu1 mu2 x y", positive=True)
    dens = sp.diff(sp.exp(-x ** (-a)), x)
    I = sp.Integral(dens * sp.exp(-(m1 * x / m2) ** (-a)), (x, 0, sp.oo)).transform(x, (y ** (-1 / a), y))
    pr = sp.simplify(I.doit())
    evidence.detail("Pr[w → ζ_1] (L = 2, derived)", str(pr))
    evidence.holds(sp.simplify(pr - m1 ** a / (m1 ** a + m2 ** a)) == 0, "Pr[w→ζ_1] = μ_1^a/Σμ^a", family="L=2")
    t, u = sp.symbols("t u", positive=True)
    q = 1 / (2 + u)  # 0 < q < 1/2 for u > 0 (q = 1/2 is the limit u → 0, checked below)
    p1, p2 = 1 - q, q
    T0 = sp.simplify(sp.integrate(1 - (1 - sp.exp(-p1 * t)) * (1 - sp.exp(-p2 * t)), (t, 0, sp.oo)))
    evidence.detail("T0 (L = 2, from Eqn 41)", str(sp.simplify(T0)))
    evidence.holds(sp.simplify(T0 - (1 / p1 + 1 / p2 - 1)) == 0, "T0 = 1/p_1 + 1/p_2 − 1", family="L=2")
    evidence.holds(sp.simplify(T0 - 1 / p2).is_nonnegative is True, "T0 ≥ 1/min p", family="L=2")
    evidence.holds(sp.factor(sp.simplify(T0 - sp.Rational(3, 2))).is_positive is True, "T0 ≥ Σ_l 1/l", family="L=2")
    evidence.holds(sp.limit(T0, u, 0) == 3, "uniform p: T0 = L·H_L = 3", family="L=2")


@check(THM8_IND, "property")
@given(mu=hnp.arrays(np.float64, st.integers(1, 6), elements=bounded_floats(0.05, 1.0)),
       a=bounded_floats(1.05, 6.0))
def test_independent_learning_property(evidence, mu, a):
    evidence.describe("Hypothesis over L ∈ [1, 6], μ ∈ [0.05, 1]^L, a ∈ [1.05, 6]: Pr[w → ζ_l] by quadrature of the "
                      "Lemma 7 integral ∫ f_{Y_l} Π_{j≠l} F_{Y_j} (Y_j = μ_jα_j(0)) vs the printed p_l = μ_l^a/Σμ^a; T0 "
                      "by 30-digit quadrature of Eqn 41 (split at the time scales 1/p_l, which span up to 8 decades "
                      "here) vs inclusion–exclusion; T0 ≥ max(1/min p, Σ_{l≤L} 1/l)")
    evidence.tolerance(1e-8, "relative; Lemma 7 integral by adaptive quadrature at epsrel 1e-12; Eqn 41 by 30-digit "
                             "tanh-sinh quadrature split at every time scale 1/p_l; float64 inclusion–exclusion over "
                             "≤ 63 terms of size ≤ 1/min p (cancellation ≲ 1e-12 relative for L ≤ 6)")
    L = len(mu)
    fam = f"L={L}"
    p = mu ** a / np.sum(mu ** a)
    quad = np.array([frechet_selection_integral(mu, a, i) for i in range(L)])
    evidence.close(quad, p, family=fam, what="Pr[w→ζ_l] (quadrature) vs μ_l^a/Σμ^a")
    T0 = coupon_T0_inclusion_exclusion(p)
    evidence.close(_T0_quadrature_mp(p), T0, family=fam, what="Eqn 41 quadrature vs inclusion–exclusion")
    evidence.holds(T0 * (1 + 1e-9) >= thm8_bound_printed(p), "T0 ≥ max(1/min p, H_L)", family=fam)


THM8_SUPP = claim(
    "thm8.proof.suppression_half",
    title="Eqn 43: ‖g_j‖ ≤ 1, so ‖g⊥‖/(1+‖g⊥‖) ≤ 1/2",
    paper_ref="Thm 8 proof, Eqns 42–43",
    printed=r"$\|\mathbf{g}_{j,\perp}\| \leq \|\mathbf{g}_j\| = \left\| \sum_l \lambda_l(\alpha_l) \alpha_l \zeta_l "
            r"\right\| = \left| \sum_l (\lambda_l(\alpha_l) \alpha_l)^2 \right| \leq \left| \sum_l \alpha_l^2 "
            r"\right| \leq 1$ (43) We have $\frac{\|\mathbf{g}_{j,\perp}\|}{1 + \|\mathbf{g}_{j,\perp}\|} \leq 1/2$.",
    verified=r"$\|\mathbf{g}_{j,\perp}\| \leq \|\mathbf{g}_j\| = \left(\sum_l (\lambda_l(\alpha_l)\alpha_l)^2\right)^{1/2} "
             r"\leq \sum_l \alpha_l^2 \leq 1$, hence $\frac{\|\mathbf{g}_{j,\perp}\|}{1 + \|\mathbf{g}_{j,\perp}\|} \leq 1/2$",
    assumptions=["‖w‖ ≤ 1, μ_l ≤ 1"],
    notes="Erratum for consistency with thm6.repulsion.column_expansion: a printed equality that is false is "
          "recorded even when the conclusion survives. The middle equality of Eqn 43 lacks a square root (‖g‖ = (Σ(λ_lα_l)²)^{1/2}); the chain still bounds "
          "‖g‖ ≤ 1 since Σ μ_l²α_l⁴ ≤ (Σα_l²)² ≤ 1.",
)


@check(THM8_SUPP, "numeric")
def test_eqn43_middle_equality_as_printed(evidence):
    evidence.describe("The middle equality of Eqn 43, ‖Σ_l λ_lα_l ζ_l‖ = |Σ_l (λ_lα_l)²|, on an orthonormal basis ζ "
                      "(so the left side is the Euclidean norm of the coefficient vector λ∘α = μ∘α²)")
    mu = np.array([1.0, 0.8, 0.5])
    al = np.array([0.6, 0.5, 0.4])
    c = mu * al**2
    Zeta = np.linalg.qr(np.random.default_rng(43).standard_normal((5, 3)))[0]  # orthonormal ζ_l (columns)
    lhs = float(np.linalg.norm(Zeta @ c))          # ‖Σ_l λ_lα_l ζ_l‖, computed from the vector itself
    rhs = float(abs(np.sum(c**2)))                 # printed |Σ_l (λ_lα_l)²|
    evidence.counterexample("‖g‖ = (Σ(λ_lα_l)²)^{1/2}, not Σ(λ_lα_l)²", measured=lhs, printed=rhs, tol=1e-12,
                            why="float64 rounding of a norm of a 5-vector with O(1) entries (≲ 1e-15); 1e-12 margin",
                            family="μ=(1,.8,.5), α=(.6,.5,.4)", mu=mu, alpha=al, sqrt_of_rhs=float(np.sqrt(rhs)))


@check(THM8_SUPP, "numeric", target="corrected")
def test_gradient_norm_at_most_one(evidence, li2_profile):
    evidence.describe("Random α in the unit ball (and on the sphere), μ ∈ (0, 1]: ‖g‖ = ‖μ∘α²‖ ≤ 1, hence for any "
                      "subset S the parallel/perpendicular gain ratio ‖g⊥‖/(1+‖g⊥‖) ≤ 1/2")
    for seed in range(li2_profile.pick(fast=200, thorough=5000)):
        rng = np.random.default_rng(seed)
        L = int(rng.integers(2, 9))
        al = rng.standard_normal(L)
        al *= rng.uniform(0, 1) ** (1 / L) / np.linalg.norm(al) if seed % 2 else 1 / np.linalg.norm(al)
        mu = rng.uniform(0, 1, L)
        g = mu * al**2
        S = rng.random(L) < 0.5
        t = np.linalg.norm(np.where(S, 0, g))
        evidence.holds(np.linalg.norm(g) <= 1 + 1e-15 and t / (1 + t) <= 0.5, "‖g‖ ≤ 1 and ratio ≤ 1/2", seed=seed)


THM8_MUON = claim(
    "thm8.muon.expected_nodes",
    title="Thm 8 (Muon guiding): T_a = 2^{−a}T0 + (1 − 2^{−a})L",
    paper_ref="Thm 8 (second bullet); proof Eqns 42–46",
    printed=r"\textbf{Muon guiding.} If we use Muon optimizer to optimize $K$ nodes sequentially, then the expected "
            r"\#nodes to get all local maxima is $T_a = 2^{-a} T_0 + (1 - 2^{-a}) L$.",
    verified=r"$T_a \leq 2^{-a} T_0 + (1 - 2^{-a}) L$ (what Eqn 46 derives), with equality exactly in the proof's "
             r"idealized model where Muon divides $\mu_l$ of every collected mode by exactly 2; integrating the Muon "
             r"dynamics of Eqn 10 (polar factor of $[Q_{S_{j-1}}, \mathbf{g}_j]$) gives a strictly smaller value",
    assumptions=["Eqn 10 model; nodes learned sequentially; previous nodes converged and their (deduplicated) "
                 "gradients ζ_s kept in the Muon update (the proof's setting)"],
    depends_on=["thm8.independent.selection_and_bound", "lemma9.muon.projection_vector", "thm8.proof.suppression_half"],
    notes="The printed '=' is exact in the proof's idealized model (collected modes' μ_l divided by exactly 2; exact "
          "DP = formula to 1e-10), so the formula itself is not misderived; the proof only claims '≤' (suppression 'by "
          "at least 1/2', Eqn 46), and the Muon dynamics integrated in the proof's setting give T_a = L (every node "
          "reaches a new mode), strictly below the formula whenever T0 > L. The '=' is thus a statement about the "
          "idealized model, not about the Muon optimizer named in the bullet.",
)


@check(THM8_MUON, "numeric")
def test_muon_guided_expected_nodes_as_printed(evidence, li2_profile):
    evidence.describe(
        "T_a three ways per μ profile and a ∈ {1.5, 2, 4}: (i) the printed 2^{−a}T0 + (1−2^{−a})L with T0 exact; "
        "(ii) the proof's idealized model (collected modes' μ halved, selection by Lemma 7), exact by dynamic "
        "programming over subsets and by direct simulation; (iii) the Muon dynamics actually integrated (Eqn 10 "
        "driven by the last column of polar([Q_S, g]), S = modes collected by earlier nodes; also with Muon's "
        "Newton–Schulz iteration in place of the polar factor, recorded). (i) = (ii) is asserted; (iii) < (i) "
        "beyond its confidence interval is recorded as a counterexample to '='.")
    evidence.tolerance(Z_MC, Z_REASON + "; exact DP vs formula: relative 1e-10 (asserted separately)")
    N = li2_profile.pick(fast=4000, thorough=40000)
    Nd = li2_profile.pick(fast=60, thorough=1000)
    rows = []
    for k, (fam, mu) in enumerate(MU_PROFILES.items()):
        for a in [1.5, 2.0, 4.0]:
            rng = np.random.default_rng(70 + k)
            L = len(mu)
            p = frechet_selection_probs(mu, a)
            T0 = coupon_T0_inclusion_exclusion(p)
            printed = thm8_Ta_printed(T0, a, L)
            ideal = idealized_Ta_exact(mu, a)
            evidence.holds(abs(ideal - printed) <= 1e-10 * printed, f"idealized DP {ideal:.6f} = formula {printed:.6f}",
                           family=f"{fam},a={a}")
            sim = simulate_idealized_muon(mu, a, N, rng)
            evidence.error(abs(sim.mean() - printed) / (sim.std(ddof=1) / np.sqrt(N) + 1e-300),
                           family=f"{fam},a={a}", seed=70 + k, what="idealized simulation vs formula")
            dyn, st = simulate_dynamic_muon(mu, a, Nd, rng)
            dmean = float(dyn.mean())
            dse = float(dyn.std(ddof=1) / np.sqrt(Nd))
            dns = simulate_dynamic_muon(mu, a, Nd, rng, method="ns")[0] if a == 2.0 else None
            rows.append({"profile": fam, "a": a, "L": L, "T0": T0, "Ta_printed": printed, "Ta_idealized_exact": ideal,
                         "Ta_idealized_sim": float(sim.mean()), "Ta_dynamic_muon": dmean, "Ta_dynamic_se": dse,
                         "Ta_dynamic_newton_schulz": None if dns is None else float(dns.mean()),
                         "dynamic_unconverged_nodes": st["unconverged_nodes"]})
    evidence.detail("Ta_table", rows)
    # Printed '=': the Muon node count T_a equals the formula.  Measured: the mean of the integrated dynamics.
    # Every (profile, a) is measured; the worst (largest excess over its tolerance) always goes to counterexample()
    # (ErratumVanished if all agreed), up to three more when they also exceed their tolerance.
    cand = sorted(rows, key=lambda r: -(abs(r["Ta_dynamic_muon"] - r["Ta_printed"]) - (Z_MC * r["Ta_dynamic_se"] + 1e-9)))
    for i, r in enumerate(cand):
        tol = Z_MC * r["Ta_dynamic_se"] + 1e-9
        if i > 0 and (abs(r["Ta_dynamic_muon"] - r["Ta_printed"]) <= tol or i >= 4):
            continue
        evidence.counterexample("integrated Muon dynamics: T_a ≠ 2^{−a}T0 + (1−2^{−a})L", measured=r["Ta_dynamic_muon"],
                                printed=r["Ta_printed"], tol=tol,
                                why=f"{Z_MC:g} standard errors of the Monte Carlo mean over {Nd} runs (SE "
                                    f"{r['Ta_dynamic_se']:.2g}; 0 when every run gives the same count) + 1e-9 for the "
                                    "float64 inclusion–exclusion T0",
                                family=f"{r['profile']},a={r['a']}", profile=r["profile"], a=r["a"],
                                mu=MU_PROFILES[r["profile"]], trials=Nd)

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    x = np.arange(len(rows))
    ax.bar(x - 0.3, [r["T0"] for r in rows], 0.2, label="T0 (independent)")
    ax.bar(x - 0.1, [r["Ta_printed"] for r in rows], 0.2, label="printed T_a")
    ax.bar(x + 0.1, [r["Ta_idealized_sim"] for r in rows], 0.2, label="idealized model (sim)")
    ax.bar(x + 0.3, [r["Ta_dynamic_muon"] for r in rows], 0.2, label="Muon dynamics (sim)")
    ax.set_xticks(x, [f"{r['profile'][3:]}\na={r['a']}" for r in rows], fontsize=5)
    ax.set_yscale("log")
    ax.set_ylabel("expected number of hidden nodes (log scale)", fontsize=8)
    ax.set_xlabel("Fréchet-weight profile and exponent a", fontsize=8)
    ax.set_title("Thm 8: nodes needed to learn every feature, independent vs Muon-guided", fontsize=9)
    ax.legend(fontsize=6)
    evidence.plot(fig, "Thm 8: T0, printed T_a, the proof's idealized model (= printed) and integrated Muon dynamics (< printed)")


@check(THM8_MUON, "numeric", target="corrected")
def test_muon_guided_expected_nodes_at_most_formula(evidence, li2_profile):
    evidence.describe("T_a ≤ 2^{−a}T0 + (1−2^{−a})L: exact DP of the idealized model with suppression factor f ≥ 2 "
                      "(f ∈ {2, 3, 8}; f = 2 gives equality) and the integrated Muon dynamics, exact polar factor and "
                      "Newton–Schulz (mean − 5 SE ≤ formula)")
    evidence.tolerance(Z_MC, "integrated dynamics: (mean − formula)/SE ≤ 5 (one-sided); DP: exact")
    Nd = li2_profile.pick(fast=40, thorough=1000)
    for k, (fam, mu) in enumerate(MU_PROFILES.items()):
        for a in [1.5, 3.0]:
            L = len(mu)
            p = frechet_selection_probs(mu, a)
            bound = thm8_Ta_printed(coupon_T0_inclusion_exclusion(p), a, L)
            for f in [2.0, 3.0, 8.0]:
                T = idealized_Ta_exact(mu, a, factor=f)
                evidence.holds(T <= bound * (1 + 1e-10), f"idealized T_a(f={f}) = {T:.4f} ≤ {bound:.4f}",
                               family=f"{fam},a={a}")
            rng = np.random.default_rng(80 + k)
            for method in ["polar", "ns"]:
                dyn, _ = simulate_dynamic_muon(mu, a, Nd, rng, method=method)
                se = max(float(dyn.std(ddof=1) / np.sqrt(Nd)), 1e-12)
                evidence.error(max(0.0, (dyn.mean() - bound) / se), family=f"{fam},a={a},{method}", seed=80 + k,
                               what="dynamic T_a above the bound (in SE)")


@check(THM8_MUON, "symbolic", target="corrected")
def test_idealized_model_exact(evidence):
    evidence.describe("sympy, generic m_l = μ_l^a > 0 and c = f^{−a} (suppression factor f): the proof's idealized "
                      "model solved exactly by first-step analysis over collected sets (L = 2, 3) vs the printed "
                      "2^{−a}T0 + (1 − 2^{−a})L with T0 by inclusion–exclusion at p_l = m_l/Σm; the difference is "
                      "derived to be 0 at c = 2^{−a} and (T_formula − T_ideal(c)) to be (2^{−a} − c)·(positive) for "
                      "c < 2^{−a} (f > 2 suppresses more: T_a ≤ formula)")
    evidence.tolerance(0.0, "exact rational-function identities")
    c, h = sp.symbols("c h", positive=True)  # h = 2^{−a}
    for L in (2, 3):
        m = sp.symbols(f"m1:{L + 1}", positive=True)
        S = sum(m)
        T0 = _sym_T0_inclusion_exclusion([mi / S for mi in m])
        formula = h * T0 + (1 - h) * L
        ideal = _sym_idealized_Ta(m, c)
        evidence.holds(sp.simplify(sp.together(ideal.subs(c, h) - formula)) == 0,
                       "idealized T_a (f = 2) = 2^{−a}T0 + (1 − 2^{−a})L", family=f"L={L}")
        slope = sp.simplify(sp.diff(sp.together(ideal), c))
        # T_ideal is affine in c with a positive slope ⇒ T_ideal(c) ≤ T_ideal(2^{−a}) = formula for c ≤ 2^{−a}
        affine = sp.simplify(sp.diff(slope, c)) == 0
        evidence.holds(affine and slope.is_positive is True, "T_ideal affine in c with ∂T/∂c > 0 (T_a ≤ formula for "
                       "f ≥ 2)", family=f"L={L}")


@check(THM8_MUON, "property", target="corrected")
@given(mu=hnp.arrays(np.float64, st.integers(2, 5), elements=bounded_floats(0.05, 1.0)),
       a=bounded_floats(1.05, 6.0), f=bounded_floats(2.0, 16.0))
def test_idealized_model_property(evidence, mu, a, f):
    evidence.describe("Hypothesis over L ∈ [2, 5], μ ∈ [0.05, 1]^L, a ∈ [1.05, 6], suppression factor f ∈ [2, 16]: "
                      "exact subset DP of the idealized model = 2^{−a}T0 + (1 − 2^{−a})L at f = 2, and ≤ it at f")
    evidence.tolerance(1e-9, "relative; DP over ≤ 32 subsets and inclusion–exclusion over ≤ 31 terms in float64")
    L = len(mu)
    p = mu ** a / np.sum(mu ** a)
    formula = thm8_Ta_printed(coupon_T0_inclusion_exclusion(p), a, L)
    evidence.close(idealized_Ta_exact(mu, a, factor=2.0), formula, family=f"L={L}", what="DP (f = 2) vs formula")
    evidence.holds(idealized_Ta_exact(mu, a, factor=f) <= formula * (1 + 1e-9), "T_a(f) ≤ formula", family=f"L={L}")


THM8_LARGE_A = claim(
    "thm8.muon.large_a",
    title="Thm 8: for large a, T_a ∼ L (read through the printed formula for T_a)",
    paper_ref="Thm 8 (second bullet)",
    printed=r"For large $a$, $T_a \sim L$.",
    verified=r"$2^{-a}T_0 \to 0$ (so the bound $2^{-a}T_0 + (1-2^{-a})L \to L$) iff $\max_l \mu_l < 2\min_l \mu_l$; if "
             r"$\max_l \mu_l > 2 \min_l \mu_l$ then $2^{-a}T_0 \geq (\max_l\mu_l / 2\min_l\mu_l)^a \to \infty$ and the "
             r"idealized $T_a$ (for which the formula is exact) diverges. For the integrated Muon dynamics of the "
             r"proof's sequential setting, $T_a = L$ (every node reaches a new mode), also at large $a$ on profiles "
             r"with $\max_l\mu_l > 2\min_l\mu_l$",
    assumptions=["μ profile fixed as a grows; T_a as given by the Thm 8 formula / the idealized model (the reading "
                 "under which the printed statement is tested)"],
    depends_on=["thm8.muon.expected_nodes"],
    notes="Reading: the paper's bullet says 'T_a = 2^{−a}T0 + (1−2^{−a})L. For large a, T_a ∼ L', i.e. the limit is "
          "taken through the formula, treating T0 as independent of a; but p_l = μ_l^a/Σμ^a makes T0 ≥ 1/min p grow "
          "like (max μ/min μ)^a. What fails is that route (and T_a of the proof's idealized model, where the formula "
          "is exact). The conclusion itself holds for the Muon dynamics actually integrated in the proof's setting "
          "(previous nodes' gradients kept in the polar factor): every node converges to a new mode, so T_a = L at "
          "every a checked, including μ = (1, .8, 1/3) at a = 40 where the formula gives T_a/L ≈ 3.7e6. Under that "
          "reading (T_a = the Muon node count) the printed sentence would be verified; the erratum is about the "
          "formula-based claim.",
)


@check(THM8_LARGE_A, "numeric")
def test_large_a_limit(evidence, li2_profile):
    evidence.describe("The Thm 8 value 2^{−a}T0 + (1−2^{−a})L (= exact idealized T_a) for a = 2..40 on μ profiles "
                      "with max μ/min μ = 1.5 (→ L expected) and 3 (diverges); counterexample when T_a/L grows "
                      "without bound")
    a_grid = np.arange(2, 41, 2)
    fits = []
    for fam, mu in [("ratio 1.5", np.array([1.0, 0.8, 2 / 3])), ("ratio 3", np.array([1.0, 0.8, 1 / 3]))]:
        L = len(mu)
        vals = []
        for a in a_grid:
            p = frechet_selection_probs(mu, a)
            vals.append(thm8_Ta_printed(coupon_T0_inclusion_exclusion(p), a, L) / L)
        vals = np.array(vals)
        evidence.detail(f"Ta_over_L[{fam}] at a=2..40", dict(zip(a_grid.tolist(), vals.tolist())))
        # Printed T_a ∼ L: log(T_a/L) → 0, so its growth rate in a over the large-a half is ≤ 0.  Measured: the OLS
        # slope of log(T_a/L) on a for a ∈ [20, 40].
        big = a_grid >= 20
        lf = fit_line(a_grid[big], np.log(vals[big]))
        fits.append((lf.slope - 3 * lf.stderr, fam, mu, lf, vals))
        evidence.detail(f"growth rate of log(T_a/L) in a, a=20..40 [{fam}]", {"slope": lf.slope, "stderr": lf.stderr,
                        "log(max μ/2 min μ)": float(np.log(mu.max() / (2 * mu.min())))})
    _, fam, mu, lf, vals = max(fits, key=lambda x: x[0])
    evidence.counterexample("T_a/L diverges as a grows when max μ > 2 min μ (growth rate of log(T_a/L) in a)",
                            measured=lf.slope, printed=0.0, relation="<=", tol=3 * lf.stderr,
                            why=f"3·stderr ({lf.stderr:.1e}) of the OLS slope over a = 20..40 (k = 3 as in "
                                "OrderFit.agrees, ≈ 99.7% two-sided)",
                            family=fam, mu=mu, a=int(a_grid[-1]), Ta_over_L=vals[-1],
                            lower_bound=(mu.max() / (2 * mu.min())) ** a_grid[-1] / L)


@check(THM8_LARGE_A, "numeric", target="corrected")
def test_large_a_limit_corrected(evidence, li2_profile):
    evidence.describe("2^{−a}T0 (T0 exact) for a = 10..60: → 0 when max μ < 2 min μ (ratios 1.2, 1.9) and ≥ "
                      "(max μ/2 min μ)^a when the ratio is 2.5 or 4; and the Muon dynamics integrated (polar factor "
                      "of [Q_S, g], Eqn 10) at a = 10, 40 on μ profiles with max μ/min μ = 3 and 4: every node reaches "
                      "a new mode, T_a = L in every trial")
    for ratio in [1.2, 1.9, 2.5, 4.0]:
        mu = np.array([1.0, 0.9, 1.0 / ratio])
        L = len(mu)
        HL = float(np.sum(1.0 / np.arange(1, L + 1)))
        for a in [10, 30, 60]:
            p = frechet_selection_probs(mu, a)
            x = 2.0 ** (-a) * coupon_T0_inclusion_exclusion(p)
            lower = (ratio / 2) ** a
            upper = HL * L * (ratio / 2) ** a  # T0 ≤ H_L / min p and 1/min p ≤ L ratio^a
            evidence.holds(lower * (1 - 1e-9) <= x <= upper * (1 + 1e-9),
                           f"(r/2)^a ≤ 2^-a T0 ≤ L H_L (r/2)^a at r={ratio}, a={a}", family=f"ratio={ratio}")
        if ratio < 2:
            seq = [2.0 ** (-a) * coupon_T0_inclusion_exclusion(frechet_selection_probs(mu, a)) for a in (10, 30, 60)]
            evidence.holds(seq[0] > seq[1] > seq[2], f"2^-a T0 decreasing to 0 at ratio {ratio}: {seq}",
                           family=f"ratio={ratio}")
    # the conclusion for the Muon dynamics themselves (the verified text's last sentence)
    Nd = li2_profile.pick(fast=20, thorough=200)
    rng = np.random.default_rng(90)
    for mu in [np.array([1.0, 0.8, 1 / 3]), np.array([1.0, 0.9, 0.25])]:
        for a in [10.0, 40.0]:
            nodes, st = simulate_dynamic_muon(mu, a, Nd, rng)
            evidence.holds(bool(np.all(nodes == len(mu))) and st["unconverged_nodes"] == 0,
                           f"integrated Muon dynamics: every node reaches a new mode (T_a = L = {len(mu)}; "
                           f"mean {nodes.mean():.3f} over {Nd} trials)", family=f"mu={np.round(mu, 3).tolist()},a={a}")


@check(THM8_LARGE_A, "symbolic")
def test_large_a_limit_exact(evidence):
    evidence.describe("sympy, a → ∞ through the printed T_a = 2^{−a}T0 + (1 − 2^{−a})L with L = 2, μ = (1, 1/r) "
                      "(p_l = μ_l^a/Σμ^a, T0 = 1/p_1 + 1/p_2 − 1 from Eqn 41): the growth rate lim log(T_a/L)/a, "
                      "which 'T_a ∼ L' makes 0, at r = 3; corrected side: lim T_a = L at r = 3/2")
    evidence.tolerance(0.0, "exact limits")
    a = sp.symbols("a", positive=True)

    def Ta(r):
        m1, m2 = sp.Integer(1), r ** (-a)
        p1, p2 = m1 / (m1 + m2), m2 / (m1 + m2)
        return 2 ** (-a) * (1 / p1 + 1 / p2 - 1) + (1 - 2 ** (-a)) * 2

    rate = sp.simplify(sp.limit(sp.log(Ta(sp.Integer(3)) / 2) / a, a, sp.oo))
    evidence.counterexample("printed formula: T_a/L grows like (max μ/(2 min μ))^a when max μ > 2 min μ (rate of "
                            "log(T_a/L) in a, exact limit)", measured=rate, printed=sp.Integer(0), relation="<=",
                            family="L=2, μ=(1, 1/3)", derived_rate=str(rate))


@check(THM8_LARGE_A, "symbolic", target="corrected")
def test_large_a_limit_exact_corrected(evidence):
    evidence.describe("sympy: lim_{a→∞} 2^{−a}T0 and lim T_a of the printed formula at L = 2, μ = (1, 1/r): 0 and L "
                      "for r = 3/2, 19/10 (< 2); ∞ for r = 5/2, 3 (> 2)")
    evidence.tolerance(0.0, "exact limits")
    a = sp.symbols("a", positive=True)
    for r, below in ((sp.Rational(3, 2), True), (sp.Rational(19, 10), True), (sp.Rational(5, 2), False), (sp.Integer(3), False)):
        m2 = r ** (-a)
        T0 = (1 + m2) + (1 + m2) / m2 - 1
        lim = sp.limit(2 ** (-a) * T0, a, sp.oo)
        evidence.holds(lim == (0 if below else sp.oo), f"lim 2^-a T0 = {lim}", family=f"r={r}")
        if below:
            evidence.holds(sp.limit(2 ** (-a) * T0 + (1 - 2 ** (-a)) * 2, a, sp.oo) == 2, "lim T_a = L", family=f"r={r}")


@check(THM8_LARGE_A, "property", target="corrected")
@given(mu=hnp.arrays(np.float64, st.integers(2, 5), elements=bounded_floats(0.05, 1.0)), a=bounded_floats(10.0, 40.0))
def test_large_a_bounds_property(evidence, mu, a):
    evidence.describe("Hypothesis over L ∈ [2, 5], μ ∈ [0.05, 1]^L, a ∈ [10, 40]: with r = max μ/min μ, "
                      "(r/2)^a ≤ 2^{−a}T0 ≤ L·H_L·(r/2)^a (T0 ≥ 1/min p ≥ r^a; T0 ≤ H_L/min p ≤ L·H_L·r^a), so "
                      "2^{−a}T0 → 0 iff r < 2")
    evidence.tolerance(1e-9, "relative; inclusion–exclusion in float64 with terms up to 1/min p")
    L = len(mu)
    r = float(mu.max() / mu.min())
    p = mu ** a / np.sum(mu ** a)
    x = 2.0 ** (-a) * coupon_T0_inclusion_exclusion(p)
    HL = float(np.sum(1.0 / np.arange(1, L + 1)))
    evidence.holds((r / 2) ** a * (1 - 1e-9) <= x <= L * HL * (r / 2) ** a * (1 + 1e-9),
                   "(r/2)^a ≤ 2^-a T0 ≤ L H_L (r/2)^a", family=f"L={L}")
