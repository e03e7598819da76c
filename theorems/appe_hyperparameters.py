"""The quantitative statements of App. E ('When does grokking happen?') and of Sec 3.1's discussion of G_F.

Claims:
- ``appe.weight_decay.linear_in_eta`` — G_F(+∞) ∝ ηỸỸᵀF: weight decay is the feature-learning rate (needs (A2)).
- ``appe.trajectory.rise_then_eta`` — ‖G_F‖ rises from O(α) to O(1), then converges to O(η) (needs (A2)).
- ``appe.width.no_feature_learning`` — K → ∞ ⇒ G_F(+∞) → 0 (NTK regime); fitted order in K.
- ``appe.init.alpha_noise`` — small α: G_F(t) dominated by tỸỸᵀF̃; large α: the O(α) noise dominates.
- ``appe.beta.initial_phase`` — G_F(t) = O(α) + t[βỸỸᵀF̃ + O(β²α) + O(β³α²)] + O(t²).
- ``appe.beta.fixed_point_smaller`` — large β makes G_F(+∞) small (via Eqn 69).
"""

from __future__ import annotations

import numpy as np

from li2verify.paper.activations import get_activation
from li2verify.utils.fits import fit_order, geometric
from li2verify.verify.claims import check, claim
from li2verify.paper.lazy import (LazyFlow, R2, R3, eqn4, fixed_point_gradient, fixed_point_gradient_pushthrough, frob,
                            signal_term)
from li2verify.paper.task import center, group_task
from li2verify.experiments.instances import LAZY_FAMILIES as FAMILIES, lazy_instance


ETAS = geometric(1e-6, 1e-2, 7)


def _etas(Ft: np.ndarray) -> np.ndarray:
    """η range below the smallest nonzero σ(F̃)² (the O(η) regime is η ≪ σ⁺_min²)."""
    s = np.linalg.svd(Ft, compute_uv=False)
    s2 = float(np.min(s[s > 1e-9 * s.max()]) ** 2)
    return s2 * ETAS


def _inst(family: str, seed: int, K: int, act: str = "square"):
    i = lazy_instance(family, seed, K, act)
    return i.Ft, i.Yt, i.Z, i.task.n


WD = claim(
    "appe.weight_decay.linear_in_eta",
    title="Weight decay η is the feature-learning rate: G_F(+∞) ∝ η",
    paper_ref="App. E, 'Weight decay η'; Eqn 4; Lemma 1",
    printed=r"According to Eqn. 4, since $G_F(+\infty) \propto \eta\tilde{Y}\tilde{Y}^\top F$, it is clear that the "
            r"weight decay $\eta$ becomes the *learning rate* of feature learning process.",
    verified=r"If $\mathrm{col}(\tilde Y)\subseteq\mathrm{col}(\tilde F)$ (A2; for random features: $K \ge n-1$), "
             r"$G_F(+\infty) = \eta\,(\tilde F\tilde F^\top)^+\tilde Y\tilde Y^\top(\tilde F\tilde F^\top)^+\tilde F + "
             r"O(\eta^2)$ for $\eta \ll \sigma^+_{\min}(\tilde F)^2$ (and $\propto \eta\tilde Y\tilde Y^\top\tilde F$ when Lemma 1's $K \gg n$ regime applies); "
             r"if (A2) fails (e.g. full column rank with $K < n-1$), $G_F(+\infty) \to (I - \Pi_{\tilde F})\tilde Y"
             r"\tilde Y^\top\tilde F(\tilde F^\top\tilde F)^{-1} \ne 0$ as $\eta \to 0$",
    depends_on=["prop1.fixed_point.eqn4", "lemma1.eqn5.gf_infinity"],
    notes="Under Prop 1's own hypothesis (F̃ full column rank, so K ≤ n − 1) random features satisfy (A2) only at "
          "K = n − 1; for K < n − 1 the residual of the least-squares fit keeps G_F(+∞) = O(1) at η → 0. "
          "Audit scope note: the remark quotes Lemma 1 ('when η is small, G_F ∝ ηỸỸᵀF̃'), and in Lemma 1's "
          "large-K regime and under App. H's standing (A2) it holds (linear in η); the erratum is narrowly the "
          "missing hypothesis: 'according to Eqn 4' under Prop 1's hypotheses alone (K < n − 1) it fails.",
)


@check(WD, "numeric")
def test_weight_decay_not_linear_without_a2(evidence, li2_profile):
    evidence.describe("Z5 with K = 8 < n − 1 = 24 random features (full column rank, (A2) fails): ‖G_F(+∞)‖ over "
                      "η ∈ σ⁺_min²·[1e-6, 1e-2]: fitted order vs the claimed 1; limit vs (I−Π)ỸỸᵀF̃(F̃ᵀF̃)⁻¹")
    Ft, Yt, _, n = _inst("Z5", 1, K=8)
    etas = _etas(Ft)
    norms = [frob(eqn4(Ft, Yt, e)) for e in etas]
    f = fit_order(etas, norms)
    U = np.linalg.svd(Ft, full_matrices=False)[0]
    lim = (Yt - U @ (U.T @ Yt)) @ Yt.T @ Ft @ np.linalg.inv(Ft.T @ Ft)
    evidence.detail("order_in_eta", f.summary(1.0))
    sv = np.linalg.svd(Ft, compute_uv=False)
    evidence.detail("hypotheses", "Prop 1's printed hypotheses, the ones Eqn 4 is stated under and the sentence cites: F̃ "
                    f"fixed with full column rank (σ_min/σ_max = {float(sv.min() / sv.max()):.2e} at K = 8, n = {n}). "
                    "(A2) is a standing assumption of App. H only; neither Prop 1 nor App. E's sentence states it, "
                    "so K < n − 1 is inside the printed hypotheses.")
    if not f.decided():
        evidence.inconclusive(f"order fit in η too noisy to decide: {f}")
        return
    evidence.counterexample("G_F(+∞) does not vanish as η → 0 when (A2) fails (fitted order in η vs the printed ∝ η)",
                            measured=f.slope, printed=1.0, tol=f.band(3.0, 0.1),
                            why=f"3·stderr + 0.1 of the log–log fit ({f}): the band OrderFit.agrees uses for the "
                                "corrected check (3σ ≈ 99.7% two-sided; 0.1 for sub-leading curvature over 4 decades)",
                            family="Z5", K=8, n=n, norm_at_smallest_eta=norms[0],
                            rel_diff_to_residual_limit=frob(eqn4(Ft, Yt, float(etas[0])) - lim) / frob(lim))


@check(WD, "numeric", target="corrected")
def test_weight_decay_linear_under_a2(evidence, li2_profile):
    evidence.describe("K ∈ {n − 1, 3n} random features ((A2) holds): fitted order of ‖G_F(+∞)‖ in η is 1 and "
                      "G_F(+∞)/η → (F̃F̃ᵀ)⁺ỸỸᵀ(F̃F̃ᵀ)⁺F̃ with relative error of order 1 in η (η ∈ σ⁺_min²·[1e-6, 1e-2]); K < n − 1: limit "
                      "equals (I−Π)ỸỸᵀF̃(F̃ᵀF̃)⁻¹ (relative error order 1 in η)")
    evidence.tolerance(0.0, "fitted orders within 3σ + 0.1")
    for fam in FAMILIES:
        for seed in range(li2_profile.pick(fast=2, thorough=6)):
            n = group_task(FAMILIES[fam]()).n
            for K in (n - 1, 3 * n):
                Ft, Yt, _, _ = _inst(fam, 10 + seed, K=K)
                etas = _etas(Ft)
                f = fit_order(etas, [frob(fixed_point_gradient_pushthrough(Ft, Yt, e)) for e in etas])
                Pp = np.linalg.pinv(Ft @ Ft.T, rcond=1e-10)
                G1 = Pp @ Yt @ Yt.T @ Pp @ Ft
                fr = fit_order(etas, [frob(fixed_point_gradient_pushthrough(Ft, Yt, e) / e - G1) / frob(G1)
                                      for e in etas])
                evidence.holds(f.agrees(1.0) and fr.agrees(1.0), f"order {f}; G/η − G1: {fr}", family=f"{fam},K={K}",
                               seed=seed)
            Ft, Yt, _, _ = _inst(fam, 20 + seed, K=n // 3)
            U = np.linalg.svd(Ft, full_matrices=False)[0]
            lim = (Yt - U @ (U.T @ Yt)) @ Yt.T @ Ft @ np.linalg.inv(Ft.T @ Ft)
            etas = _etas(Ft)
            fl = fit_order(etas, [frob(eqn4(Ft, Yt, e) - lim) / frob(lim) for e in etas])
            evidence.holds(fl.agrees(1.0), f"non-realizable limit: {fl}", family=f"{fam},K={n // 3}", seed=seed)


TRAJ = claim(
    "appe.trajectory.rise_then_eta",
    title="‖G_F‖ rises from O(α) to O(1), then converges exponentially to O(η)",
    paper_ref="Sec 3.1, 'G_F at initial phase'",
    printed=r"The proposition suggests that for small top layer initialization (measured by $\alpha$), $\|G_F\|$ "
            r"will first increase from $O(\alpha)$ to $O(1)$ and then converge exponentially to $O(\eta)$.",
    verified=r"$\|G_F(0)\|_F = O(\alpha)$, $\max_t\|G_F(t)\|_F = \Theta(1)$ as $\alpha\to0$, and "
             r"$\|G_F(+\infty)\|_F = O(\eta)$ for $\eta \ll \sigma^+_{\min}(\tilde F)^2$ under (A2) (random features: "
             r"$K \ge n - 1$); without (A2) the limit is "
             r"$O(1)$ as $\eta\to0$",
    depends_on=["appe.weight_decay.linear_in_eta", "prop1.gf0.norm"],
    notes="Audit scope note: as for appe.weight_decay.linear_in_eta, the printed sentence holds under (A2) (App. H) "
          "or in Lemma 1's K ≫ n regime; the erratum is the missing hypothesis, since Prop 1 assumes only full "
          "column rank (K < n − 1 allowed), where ‖G_F(+∞)‖ = O(1) as η → 0.",
)


@check(TRAJ, "numeric")
def test_trajectory_counterexample_without_a2(evidence):
    evidence.describe("Z5, K = 8 < n − 1 (Prop 1's hypotheses hold, (A2) does not): ‖G_F(+∞)‖ over "
                      "η ∈ σ⁺_min²·[1e-6, 1e-2]; fitted order in η vs the claimed O(η) (order ≥ 1)")
    Ft, Yt, _, n = _inst("Z5", 1, K=8)
    a, b = frob(eqn4(Ft, Yt, 1e-6)), frob(eqn4(Ft, Yt, 1e-4))
    etas = _etas(Ft)
    f = fit_order(etas, [frob(eqn4(Ft, Yt, e)) for e in etas])
    sv = np.linalg.svd(Ft, compute_uv=False)
    evidence.detail("hypotheses", "Prop 1's printed hypotheses, the ones Eqn 4 is stated under and the sentence cites: F̃ "
                    f"fixed with full column rank (σ_min/σ_max = {float(sv.min() / sv.max()):.2e} at K = 8, n = {n}). "
                    "(A2) is a standing assumption of App. H only; neither Prop 1 nor App. E's sentence states it, "
                    "so K < n − 1 is inside the printed hypotheses.")
    evidence.detail("order_in_eta", f.summary(1.0))
    if not f.decided():
        evidence.inconclusive(f"order fit in η too noisy to decide: {f}")
        return
    evidence.counterexample("‖G_F(+∞)‖ does not scale with η without (A2) (fitted order in η vs the printed O(η))",
                            measured=f.slope, printed=1.0, relation=">=", tol=f.band(3.0, 0.1),
                            why=f"3·stderr + 0.1 of the log–log fit ({f}): the band OrderFit.agrees uses (3σ ≈ "
                                "99.7% two-sided; 0.1 for sub-leading curvature over 4 decades of η)",
                            family="Z5", K=8, n=n, norm_eta_1em6=a, norm_eta_1em4=b)


@check(TRAJ, "numeric", target="corrected")
def test_trajectory_rise_and_decay(evidence, li2_profile):
    evidence.describe("K = n − 1 (A1, A2), η = 1e-2·σ⁺_min²: exact flow; ‖G(0)‖ order 1 in α; max_t ‖G(t)‖ over a log "
                      "grid changes < 5% between α = 1e-4 and 1e-6 (Θ(1)); ‖G(∞)‖ order 1 in η ≪ σ⁺_min²; the "
                      "maximum exceeds both ends by 10×")
    evidence.tolerance(0.05, "relative change of max_t‖G‖ between α = 1e-4 and α = 1e-6 (it is O(α)-perturbed)")
    alphas = geometric(1e-6, 1e-3, 4)
    for fam in FAMILIES:
        n = group_task(FAMILIES[fam]()).n
        Ft, Yt, Z, _ = _inst(fam, 30, K=n - 1)
        etas = _etas(Ft)
        eta = float(etas[-1])  # 1e-2·σ⁺_min²: the O(η) regime
        ts = np.r_[0.0, geometric(1e-4, 1e4, 60)]
        g0 = [frob(LazyFlow(Ft, Yt, a * Z, eta).G(0.0)) for a in alphas]
        f0 = fit_order(alphas, g0)
        evidence.holds(f0.agrees(1.0), f"‖G(0)‖ {f0}", family=fam)
        mx = [max(frob(LazyFlow(Ft, Yt, a * Z, eta).G(t)) for t in ts) for a in (1e-6, 1e-4)]
        evidence.error(abs(mx[1] - mx[0]) / mx[0], family=fam, what="max_t ‖G‖ independent of α")
        fe = fit_order(etas, [frob(fixed_point_gradient_pushthrough(Ft, Yt, e)) for e in etas])
        evidence.holds(fe.agrees(1.0), f"‖G(∞)‖ {fe}", family=fam)
        ginf = frob(fixed_point_gradient_pushthrough(Ft, Yt, eta))
        evidence.holds(mx[0] > 10 * max(g0[0], ginf), f"rise: max {mx[0]:.3g} ≫ G(0) {g0[0]:.3g}, G(∞) {ginf:.3g}",
                       family=fam)
        evidence.detail(f"{fam}: max_t‖G‖, ‖G(∞)‖, η", [mx[0], ginf, eta])
        if fam == "Z5":
            import matplotlib.pyplot as plt

            fig, ax = plt.subplots(figsize=(5, 3.5))
            tt = geometric(1e-6, 1e7, 80)
            for a in (1e-6, 1e-4, 1e-2):
                ax.loglog(tt, [frob(LazyFlow(Ft, Yt, a * Z, eta).G(t)) for t in tt], label=f"α = {a:g}")
            ax.axhline(ginf, ls=":", c="k", label="‖G(∞)‖ (Eqn 4)")
            ax.set_xlabel("t"), ax.set_ylabel("‖G_F(t)‖_F"), ax.legend(fontsize=7)
            evidence.plot(fig, f"‖G_F(t)‖ on Z5, K = n − 1, η = {eta:.2g}: rise from O(α), plateau, decay to O(η)")


WIDTH = claim(
    "appe.width.no_feature_learning",
    title="K → ∞ ⇒ G_F(+∞) → 0 (no feature learning, NTK regime)",
    paper_ref="Sec 3.1 (after Lemma 1); App. E, 'The number of hidden nodes K'",
    printed=r"From Eqn. 5, it is clear that if $K \rightarrow +\infty$, then $G_F(+\infty) \rightarrow 0$ and there "
            r"is no feature learning (i.e., NTK regime). ... Lemma 1 tells that very large $K$ may reduce "
            r"$|G_F(+\infty)|$ and makes grokking slower.",
    assumptions=["W iid N(0,1), η > 0 fixed, n fixed"],
    depends_on=["lemma1.eqn5.gf_infinity"],
    notes="‖G_F(+∞)‖_F decays like K^{-3/2} (coefficient K^{-2} times ‖ỸỸᵀF̃‖ ∝ K^{1/2}); Eqn 5 as printed "
          "would give K^{-1/2}. The conclusion (→ 0) holds either way.",
)


@check(WIDTH, "numeric")
def test_width_kills_fixed_point(evidence, li2_profile):
    evidence.describe("‖G_F(+∞)‖ (push-through Eqn 4, η = 0.1) for random features of growing K on group data and "
                      "ε = 0 inputs: fitted order in K (→ 0 needs order < 0); Eqn 5 as printed implies −1/2")
    evidence.tolerance(0.0, "order < 0 asserted with 3σ; the value −3/2 recorded")
    rng = np.random.default_rng(5)
    fits = {}
    for fam, act in (("Z5", "relu"), ("D6", "square"), ("eye16", "relu")):
        if fam == "eye16":
            X, Y = np.eye(16), np.eye(4)[np.arange(16) % 4]
        else:
            task = group_task(FAMILIES[fam]())
            X, Y = task.X, task.Y
        Ks = geometric(400, 6400, 5).astype(int)
        norms = []
        for K in Ks:
            vals = []
            for _ in range(2):
                Ft = center(get_activation(act)(X @ rng.normal(size=(X.shape[1], int(K)))))
                vals.append(frob(fixed_point_gradient_pushthrough(Ft, center(Y), 0.1)))
            norms.append(np.mean(vals))
        f = fit_order(Ks, norms)
        evidence.holds(f.slope + 3 * f.stderr < 0, f"order {f} < 0", family=f"{fam},{act}")
        evidence.holds(f.excludes(-0.5), "excludes Eqn 5's −1/2", family=f"{fam},{act}")
        fits[f"{fam},{act}"] = f.summary(-1.5, atol=0.15)
    evidence.detail("order_in_K", fits)


ALPHA = claim(
    "appe.init.alpha_noise",
    title="Small α: G_F(t) dominated by the signal tỸỸᵀF̃; large α: noise O(α) dominates",
    paper_ref="App. E, 'Weight initialization'; Eqn 3",
    printed=r"$G_F(t) = O(\alpha) + t\tilde{Y}\tilde{Y}^\top F + O(\alpha t) + O(t^2)$ and if the weight "
            r"initialization $\alpha$ is small, then $G_F(t)$ is dominated by clear signal term "
            r"$t\tilde{Y}\tilde{Y}^\top \tilde{F}$, which leads to fast feature learning. If $\alpha$ is large, then "
            r"$O(\alpha)$ term is large and the initial phase of $G_F$ contains too much noise",
    depends_on=["prop1.small_time.eqn3"],
)


@check(ALPHA, "numeric")
def test_alpha_noise_to_signal(evidence, li2_profile):
    evidence.describe("Exact flow at t = 1e-2: noise-to-signal ‖G(t;α) − G(t;0)‖/‖G(t;0)‖ has order 1 in α; it "
                      "is < 1 for α below α* = t‖ỸỸᵀF̃‖/‖ỸZᵀ‖ /4 and > 1 above 4α*")
    evidence.tolerance(0.0, "orders within 3σ + 0.1; the crossover asserted at a factor-4 margin")
    for fam in FAMILIES:
        for seed in range(li2_profile.pick(fast=2, thorough=6)):
            n = group_task(FAMILIES[fam]()).n
            Ft, Yt, Z, _ = _inst(fam, 40 + seed, K=n // 2)
            t = 1e-2
            S = signal_term(Ft, Yt)
            G0 = LazyFlow(Ft, Yt, 0 * Z, 0.1).G(t)
            ratio = lambda a: frob(LazyFlow(Ft, Yt, a * Z, 0.1).G(t) - G0) / frob(G0)  # noqa: E731
            alphas = geometric(1e-7, 1e-4, 6)
            f = fit_order(alphas, [ratio(a) for a in alphas])
            a_star = t * frob(S) / frob(Yt @ Z.T)
            evidence.holds(f.agrees(1.0) and ratio(a_star / 4) < 1 < ratio(4 * a_star),
                           f"{f}; α* = {a_star:.3g}: ratios {ratio(a_star / 4):.3g}, {ratio(4 * a_star):.3g}",
                           family=fam, seed=seed)


BETA0 = claim(
    "appe.beta.initial_phase",
    title="β: G_F(t) = O(α) + t[βỸỸᵀF̃ + O(β²α) + O(β³α²)] + O(t²)",
    paper_ref="App. E, 'Scaling factor β of the output'; App. H.3, Eqn 68",
    printed=r"$G_F(t) = O(\alpha) + t[\beta\tilde{Y}\tilde{Y}^\top \tilde{F} + O(\beta^2\alpha) + O(\beta^3\alpha^2)] + "
            r"O(t^2)$. So if $\beta > 1$ is large and the initialization $\alpha \ll 1$ then the signal term "
            r"$t\beta\tilde{Y}\tilde{Y}^\top \tilde{F}$ becomes more dominant than the case of $\beta = 1$",
    assumptions=["η = 0 (Eqn 61)", "'more dominant' read as: relative to the t⁰ noise ỸV0ᵀ = O(α)"],
    depends_on=["beta.expansion.eqn68"],
    notes="Relative to the order-t noise β²R2, the signal βỸỸᵀF̃ becomes *less* dominant as β grows (ratio ∝ βα); "
          "relative to the t⁰ noise O(α) it grows ∝ β. Both recorded.",
)


@check(BETA0, "numeric")
def test_beta_initial_phase(evidence, li2_profile):
    evidence.describe("First-order coefficient of the exact β-flow, G1 = lim (G(t) − G(0))/t via Eqn 68 (checked "
                      "in beta.expansion.eqn68): ‖G1 − βỸỸᵀF̃‖ has order 2 in β for βα ≪ 1 and order 3 for βα ≫ 1; "
                      "signal/t⁰-noise ratio ‖βỸỸᵀF̃‖/‖G(0)‖ grows with order 1 in β (α ≪ 1)")
    evidence.tolerance(0.0, "orders within 3σ + 0.15")
    for fam in FAMILIES:
        n = group_task(FAMILIES[fam]()).n
        Ft, Yt, Z, _ = _inst(fam, 50, K=n // 2)
        alpha = 1e-4
        V0 = alpha * Z
        S = signal_term(Ft, Yt)
        noise = lambda b: frob(b**2 * R2(Ft, Yt, V0) + b**3 * R3(Ft, Yt, V0))  # noqa: E731
        b_small = geometric(1e-2, 1.0, 5)
        b_large = geometric(1e4, 1e6, 5)
        f2, f3 = fit_order(b_small, [noise(b) for b in b_small]), fit_order(b_large, [noise(b) for b in b_large])
        # G(0) from the flow itself (independent of Eqn 66)
        sig_ratio = [frob(b * S) / frob(LazyFlow(Ft, Yt, V0, 0.0, b).G(0.0)) for b in b_small]
        fs = fit_order(b_small, sig_ratio)
        # the printed claim is about β > 1 large (with βα ≪ 1): fit the same ratio over β ∈ [1, 100] as well
        # (audit: the β ≤ 1 range alone avoided the regime the sentence is about)
        b_big = geometric(1.0, 100.0, 5)
        fb = fit_order(b_big, [frob(b * S) / frob(LazyFlow(Ft, Yt, V0, 0.0, b).G(0.0)) for b in b_big])
        evidence.holds(f2.agrees(2.0, atol=0.15) and f3.agrees(3.0, atol=0.15) and fs.agrees(1.0, atol=0.15)
                       and fb.agrees(1.0, atol=0.15),
                       f"β²α regime {f2}; β³α² regime {f3}; signal/G(0) {fs} (β ≤ 1), {fb} (1 ≤ β ≤ 100)", family=fam)
        evidence.detail(f"{fam}: noise/signal at order t grows ∝ β (βα)", [noise(b) / frob(b * S) for b in b_small])


BETA_INF = claim(
    "appe.beta.fixed_point_smaller",
    title="Large β makes the final G_F(+∞) small",
    paper_ref="App. E, 'Scaling factor β'; App. H.3 (after Eqn 69)",
    printed=r"if we have too large $\beta$ over $\alpha$, then the term $O(\beta^2\alpha)$ may cause trouble in feature "
            r"learning and the final $G_F(+\infty)$ becomes small (Eqn. 69). ... Therefore, if $\beta > 1$ is large, "
            r"then the final fixed point of $G_{\tilde{F},\beta}(+\infty)$ leads to a smaller backpropagated gradient "
            r"$G_F$ and may delay grokking.",
    depends_on=["beta.fixed_point.eqn69"],
    notes="True asymptotically (‖G*_β‖ ∝ β⁻³ under (A2), ∝ β⁻¹ without), although Eqn 69's β⁻² is wrong; not "
          "monotone: for η ≫ β²σ²_max, G*_β ≈ βG* grows with β first.",
)


@check(BETA_INF, "numeric")
def test_beta_large_makes_fixed_point_small(evidence, li2_profile):
    evidence.describe("‖G*_β‖ from the minimizer of J_β (η = 0.05) for β ∈ [10, 1000]: fitted order −3 (K > n, (A2)) "
                      "and −1 (K < n − 1, no (A2)); both → 0. Non-monotone case η = 1e4 recorded")
    evidence.tolerance(0.0, "orders within 3σ + 0.15")
    betas = geometric(10.0, 1000.0, 5)
    for fam in FAMILIES:
        n = group_task(FAMILIES[fam]()).n
        for K, order in ((3 * n, -3.0), (n // 3, -1.0)):
            Ft, Yt, _, _ = _inst(fam, 60, K=K)
            f = fit_order(betas, [frob(fixed_point_gradient(Ft, Yt, 0.05, b)) for b in betas])
            evidence.holds(f.agrees(order, atol=0.15), f"K={K}: {f} vs {order}", family=fam)
    Ft, Yt, _, _ = _inst("Z5", 61, K=75)
    evidence.detail("eta=1e4 ‖G*_β‖ for β = 1, 3, 10, 100, 1000",
                    [frob(fixed_point_gradient(Ft, Yt, 1e4, b)) for b in (1, 3, 10, 100, 1000)])
