"""Fig 3 (Sec 1, Sec 3.1): grokking with weight decay, ‖G_F‖ (its rise and settling, and its late value against η),
near-diagonal Grams, two stages of ΔV/ΔW — the ``fig3.*`` claims, each followed by its checks.

Every check trains real networks (li2verify.train; all seeds and both conditions η > 0 / η = 0 batched in one
tensor program), reduces each seed to one value and decides with the dead-band seed rule
(``evidence.seed_vote`` with a ``SeedRule`` stated in the claim's assumptions before the run; a seed inside the
margin, or NaN, is undecided and counts against whichever verdict is being reached).  Changes made after seeing an
outcome are dated in the claim's notes.

Scales.  The paper's Fig 3 is M = 71, K = 2048, n = 2016 (40%), Adam lr 1e-3, η = 2e-4, 15 seeds.  On the
2-core CI machine the *CPU scale* is M = 23, K = 256, p = 0.4 (n = 212), Adam lr 5e-3, η = 2e-3 vs 0, 400 epochs,
5 + 5 seeds (≈ 20 s): the same phenomena appear there (grokking near epoch 200, none without weight decay).
The 8% claim is about the Gram matrices' *size-dependent* off-diagonal level, so it is checked at the paper's
own scale with the caption's 15 seeds over 800 epochs: from the run record ``fig3-gram`` in ``fast``/``thorough``
(li2verify.experiments.run_record_specs.fig3; two seeds re-trained over its first 150 epochs), live in ``paper``.
``fig3.gf_norm.settles_prop_eta`` reads the η sweep of ``li2verify/experiments/eta_sweep.py`` (shared with
``study003_grokking_dynamics``) at 2500 epochs, where its runs settle: the run record ``fig3-eta-sweep`` in
``fast``/``thorough``, live in ``paper``.  Without a record (not made yet) those two checks are inconclusive.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.train.batched import train_conditions
from li2verify.train.empirical import as_list, first_epoch, loglog_slope, unsettled
from li2verify.train.figures import training_curves
from li2verify.verify.claims import SeedRule, check, claim
from li2verify.train.presets import FIG3_SEEDS, fig3_setup
from li2verify.experiments.eta_sweep import ETA_RECORD, ETAS, eta_data, eta_epochs, gf_point
from li2verify.experiments.gram_diagonality import GRAM_HORIZON, GRAM_RECORD, paper_gram
from li2verify.experiments.run_records import record_for_claim

RULE_DATE = "2026-12-01"

# Decision rules, written before the runs of 2026-12-01 (the claims' assumptions quote them).
R_GROKS = SeedRule("max test acc within the horizon (η > 0)", 0.9, 0.03, ">=")
R_DELAY = SeedRule("t_grok(test acc ≥ 0.9) − t_mem(train acc ≥ 0.99), epochs (η > 0)", 50.0, 10.0, ">=")
R_NOGROK = SeedRule("max test acc within the horizon (η = 0)", 0.9, 0.03, "<=")
R_RISE = SeedRule("peak ‖G_F‖ / ‖G_F(0)‖", 1.05, 0.02, ">=")
R_SETTLE = SeedRule("late ‖G_F‖ / peak ‖G_F‖", 0.8, 0.05, "<=")
R_KEEP = SeedRule("log10(late ‖G_F‖(η>0) / late ‖G_F‖(η=0))", 0.0, 0.1, ">=")
R_GRAM = SeedRule("max over training of the off-diagonal ratio (F̃ᵀF̃ and P1⊥FFᵀ); NaN while still rising", 0.08,
                  0.005, "<=")
R_ORDER = SeedRule("argmax_t ΔW_t − argmax_t ΔV_t, epochs", 0.0, 1.0, ">=")
R_HUGE = SeedRule("max ΔV / max ΔW", 3.0, 0.3, ">=")


@lru_cache(maxsize=None)
def _cpu_runs(n_seeds: int):
    # The Fig 3 preset shared with `li2verify reproduce fig3`; ‖G_F‖ rises within the first ~10 epochs: probe
    # every epoch (cheap at this size).
    conds, _, _ = fig3_setup("cpu", probe_every=1)
    return train_conditions(conds, list(range(n_seeds)))


@lru_cache(maxsize=None)
def _paper_fig3(device: str):
    conds, _, n_seeds = fig3_setup("paper", device=device)
    return train_conditions(conds, list(range(n_seeds)))


def _runs(profile, device="cpu"):
    if profile.name == "paper":
        return _paper_fig3(device)
    return _cpu_runs(FIG3_SEEDS.count(profile))


def baseline_gate(evidence, runs) -> bool:
    """Whether Fig 3's baseline (the anchor ``fig3.grokking.weight_decay``: η > 0 groks, η = 0 does not, by
    R_GROKS / R_NOGROK with ≥ 80 % of the seeds) reproduces on ``runs``; when it does not, the dependent check is
    recorded inconclusive ("baseline not reproduced") and must decide nothing."""
    wd, nwd = runs["eta>0"], runs["eta=0"]
    ok = True
    for rule, r in ((R_GROKS, wd), (R_NOGROK, nwd)):
        v = np.nanmax(r.metrics["test_acc"], 0)
        ok &= [rule.vote(x) for x in v].count(True) >= rule.k_min(len(v))
    if not ok:
        evidence.inconclusive("baseline not reproduced: Fig 3's η > 0 / η = 0 contrast (fig3.grokking.weight_decay's "
                              "rules) does not hold on these runs; a claim resting on it is not decided")
    return bool(ok)


GROK = claim(
    "fig3.grokking.weight_decay",
    title="Grokking happens with weight decay η > 0 and not with η = 0 (Fig 3)",
    paper_ref="Fig 3 caption; Sec 1",
    printed=r"Grokking dynamics on modular addition task with $M = 71$, $K = 2048$, $n = 2016$ (40\% training out "
            r"of $71^2$ samples) with and without weight decay. \textit{Top:} $\eta = 0.0002$ and grokking happens. "
            r"\textit{Bottom:} $\eta = 0$ and no grokking happens.",
    assumptions=[
        "CPU scale: Z_23, K=256, p=0.4 (n=212), σ=x², MSE (Eqn 1 centering, code's 1/n scale), full-batch Adam "
        "lr 5e-3 with L2 weight decay η=2e-3 vs η=0, V init U(±1/√K), 400 epochs; seeds 0-4 per condition "
        "(thorough: 0-9; paper profile: M=71, K=2048, n=2016, lr 1e-3, η=2e-4, 15 seeds)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run; seeds 0-4 fast, 0-9 thorough, "
        "0-14 paper; horizon 400 epochs, test acc every epoch): (a) η>0 groks: per seed the max test acc within "
        "the horizon ≥ 0.9 (the ‘groks’ level of every empirical check), margin 0.03 (≈ 10 of the 317 test pairs: "
        "a run that touches 0.9 by a few pairs is undecided); (b) delayed: t_grok(0.9) − t_mem(train acc 0.99) ≥ 50 "
        "epochs, margin 10 epochs (a few Adam steps of jitter in either crossing), NaN (undecided) if the seed "
        "never groks; (c) η=0 does not grok: max test acc within the horizon ≤ 0.9, margin 0.03. Each part: holds "
        "when ≥ 80% of seeds show it outside the band, counterexample when at most half do even counting the "
        "undecided ones, inconclusive otherwise",
    ],
    notes="The CPU scale uses a larger η and lr than the paper (smaller K and n make the paper's η=2e-4 grok "
          "only after thousands of epochs). At paper scale on CPU (1 seed, 300 epochs, 57 s) test acc crossed "
          "0.5 at epoch ≈142 and reached 1.0 by epoch 200 (cf. paper 003: median 102). "
          "Rule written 2026-12-01 before the run: the k-of-N booleans (t_grok ≥ t_mem + 50; final test acc < 0.5 "
          "for η = 0) were replaced by the dead-band seed rule on the per-seed values; the η = 0 part now reads "
          "‘no grokking’ at the same 0.9 level as ‘grokking’ (it was 0.5 at the horizon). Previous run (k-of-N): "
          "5/5 and 5/5, max test acc η=0 ≈ 0.02-0.04. Run of 2026-12-01 (fast, seeds 0-4): (a) max test acc η>0 "
          "0.953/0.915/0.943/0.994/0.931 → 4 show it, seed 1 undecided; (b) delay 202/209/219/261/213 (5/5); (c) max "
          "test acc η=0 0.04-0.06 (5/5) → verified, unchanged with LI2_INIT_PERTURBATION=1e-6. Fragility, stated: "
          "part (a) holds by 4 of 5 and seed 4 is one test pair (1/317) outside the band (0.9306 vs 0.93); at the "
          "400-epoch CPU-scale horizon the η>0 test accuracy is still below 1 in most seeds.",
)


@check(GROK, "empirical")
def test_grokking_with_weight_decay_not_without(evidence, li2_profile, li2_device):
    evidence.describe("Train the 2-layer x² net with η > 0 and η = 0 on matched seeds (same split, same init); "
                      "count seeds that grok (delayed test-accuracy rise) and seeds that do not")
    runs = _runs(li2_profile, li2_device)
    wd, nwd = runs["eta>0"], runs["eta=0"]
    S = wd.config.seeds
    e = wd.epochs
    rows, mx, mx0, delay = [], [], [], []
    for j in range(len(S)):
        tm = first_epoch(wd.metrics["train_acc"][:, j], e, 0.99)
        tg = first_epoch(wd.metrics["test_acc"][:, j], e, 0.9)
        mx.append(float(np.nanmax(wd.metrics["test_acc"][:, j])))
        mx0.append(float(np.nanmax(nwd.metrics["test_acc"][:, j])))
        delay.append(tg - tm)  # NaN when the seed never groks (or never memorizes): undecided for (b)
        rows.append({"seed": S[j], "t_mem": tm, "t_grok(0.9)": tg, "final_test_acc_eta>0":
                     float(wd.metrics["test_acc"][-1, j]), "final_test_acc_eta=0": float(nwd.metrics["test_acc"][-1, j])})
    evidence.detail("per-seed", rows)
    evidence.detail("scale", f"Z{wd.config.group}, K={wd.config.hidden}, lr={wd.config.lr}, "
                             f"η={wd.config.wd_values()[0]} vs 0, {wd.config.epochs} epochs")
    fam = f"Z{wd.config.group}"
    evidence.seed_vote(R_GROKS, mx, seeds=S, family=fam, what="η>0 seeds grok (test acc reaches 0.9)")
    evidence.seed_vote(R_DELAY, delay, seeds=S, family=fam, what="η>0 grokking is delayed (t_grok − t_mem ≥ 50)")
    evidence.seed_vote(R_NOGROK, mx0, seeds=S, family=fam, what="η=0 seeds do not grok (test acc stays below 0.9)")
    evidence.plot(training_curves(runs, ("train_acc", "test_acc", "gf_norm"), "Fig 3 at CPU scale: weight decay η > 0 vs η = 0",
                                  log_keys=("gf_norm",)),
                  "median (IQR band) over seeds: train/test accuracy and ‖G_F‖, η > 0 vs η = 0")


GF = claim(
    "fig3.gf_norm.rise_then_settle",
    title="‖G_F‖ rises then settles; weight decay keeps it large (Fig 3, Sec 3.1)",
    paper_ref="Fig 3 caption; Sec 3.1 (‘G_F at initial phase’)",
    printed=r"Weight decay leads to larger $|G_F|$ around epoch 100 and induces grokking behavior. [Sec 3.1:] "
            r"$\|G_F\|$ will first increase from $O(\alpha)$ to $O(1)$ and then converge exponentially to "
            r"$O(\eta)$. Fig. 3 shows that this is indeed the case for $\|G_F\|$, regardless whether grokking "
            r"happens or not.",
    depends_on=["fig3.grokking.weight_decay"],
    assumptions=[
        "Same runs as fig3.grokking.weight_decay; ‖G_F‖_F = ‖P1⊥(Y − FV)Vᵀ‖ (Eqn 2) in float64 every epoch",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run; same seeds): (a) *rise*: "
        "peak/‖G_F(0)‖ ≥ 1.05, margin 0.02; *settle*: (median over the last 20% of epochs)/peak ≤ 0.8, margin 0.05 "
        "— each in EACH condition (the text says ‘regardless whether grokking happens’); (b) *weight decay leads "
        "to larger ‖G_F‖*: log10(late ‖G_F‖ η>0 / late ‖G_F‖ η=0) ≥ 0 (larger, as printed), margin 0.1 (a factor "
        "1.26) on "
        "matched seeds. Margins: a few % of the ratio, above float32 rounding of a norm by orders of magnitude. "
        "Each part: ≥ 80% of seeds → holds; ≤ half even counting undecided → counterexample",
    ],
    notes="The default init V ~ U(±1/√K) is not the small-α regime of Prop 1, so ‖G_F(0)‖ is not O(α) small; "
          "the rule tests the rise relative to the initial value. Rule written 2026-12-01 before the run: same "
          "thresholds as before, k-of-N booleans replaced by the dead-band rule on the ratios. Changed 2026-12-07 "
          "after the code-protocol run, disclosed: part (b) required a factor 10 (log10 ratio ≥ 1), which was this "
          "suite's gloss and not the printed statement (‘weight decay leads to larger |G_F|’); the code-protocol "
          "runs measured log10 ratios 0.83-0.94 (6.7-8.6×), a counterexample to the gloss only. Part (b) now tests "
          "the printed ‘larger’ (threshold 0, the same margin 0.1); the ratios are in the evidence.",
)


@check(GF, "empirical")
def test_gf_norm_rises_then_settles_and_weight_decay_keeps_it(evidence, li2_profile, li2_device):
    evidence.describe("‖G_F‖ = ‖P1⊥(Y − FV)Vᵀ‖_F (Eqn 2, float64) along training: rise above its initial value, "
                      "settle below the peak; compare late values with and without weight decay")
    runs = _runs(li2_profile, li2_device)
    if not baseline_gate(evidence, runs):
        return
    S = runs["eta>0"].config.seeds
    late = {}
    for c, r in runs.items():
        gf = r.metrics["gf_norm"]
        e = r.epochs
        tail = e >= 0.8 * e[-1]
        g0, gmax, glate = gf[0], np.nanmax(gf, 0), np.nanmedian(gf[tail], 0)
        late[c] = glate
        fam = f"Z{r.config.group} {c}"
        evidence.detail(f"{c}: ‖G_F(0)‖, peak, late (median over seeds)",
                        [float(np.median(g0)), float(np.median(gmax)), float(np.median(glate))])
        evidence.detail(f"{c}: peak epoch per seed", [float(e[np.nanargmax(gf[:, j])]) for j in range(len(S))])
        evidence.seed_vote(R_RISE, gmax / g0, seeds=S, family=fam, what=f"{c}: ‖G_F‖ rises above ‖G_F(0)‖")
        evidence.seed_vote(R_SETTLE, glate / gmax, seeds=S, family=fam, what=f"{c}: ‖G_F‖ settles below its peak")
    ratio = np.log10(late["eta>0"] / np.maximum(late["eta=0"], 1e-300))
    evidence.seed_vote(R_KEEP, ratio, seeds=S, family="Z23", what="weight decay leads to larger ‖G_F‖: late ‖G_F‖(η>0) > late ‖G_F‖(η=0)")


GFETA = claim(
    "fig3.gf_norm.settles_prop_eta",
    title="Late ‖G_F‖ is proportional to η (Sec 3.1; Lemma 1, Eqn 5)",
    paper_ref="Sec 3.1 (‘G_F at initial phase’); Lemma 1, Eqn 5",
    printed=r"$\|G_F\|$ will first increase from $O(\alpha)$ to $O(1)$ and then converge exponentially to "
            r"$O(\eta)$. [Lemma 1:] When $\eta$ is small, we have $G_F \propto \eta\tilde{Y}\tilde{Y}^\top\tilde{F}$.",
    depends_on=["fig3.gf_norm.rise_then_settle"],
    assumptions=[
        "Same η sweep as study003.grok_time.inverse_eta (Z_23, K = 256, p = 0.4, Adam lr 5e-3, η ∈ {5e-4, 1e-3, "
        "2e-3, 4e-3}); ‖G_F‖ (Eqn 2, float64) every 20 epochs; ‘late’ = the value at the horizon. Setting (written "
        "2026-12-07 before the record run): fast and thorough read the evidence record fig3-eta-sweep (seeds 10-24 × "
        "the 4 η, 2500 epochs: the horizon at which the audit run had every run settled under the rule below), after "
        "re-training 2 sampled (η, seed) runs over its first 400 epochs (bitwise on the record's CPU, torch and "
        "threads, else ‖G_F‖ within 5% and the accuracy crossings within max(2 evaluations, 10%)); a record not "
        "made, refused or not reproduced → inconclusive with the reason. paper: the same runs trained live",
        "Decision rule: log–log slope of late ‖G_F‖ on η with ±2 SE: holds if it contains 1; counterexample if it "
        "excludes 1 (the fitted order is recorded either way)",
        "Settledness precondition (added by the audit, see notes): a run is settled when |‖G_F‖(T) − ‖G_F‖(0.75T)| "
        "≤ 0.05·‖G_F‖(T); if any (η, seed) run is unsettled at the horizon the fit is not read (inconclusive)",
    ],
    notes="Lemma 1's proportionality is for the Stage-I fixed point with F frozen; at the horizon the network has "
          "grokked (Stage III), so this checks whether the O(η) scaling survives feature learning. "
          "Audit: the first version read the slope at epoch 800 without the settledness precondition and "
          "recorded a refutation (order 0.78 ± 0.09). The convergence the printed statement describes is slowest at "
          "the smallest η, and at epoch 800 the η = 5e-4 runs were still falling (by 7-44% over the last quarter of "
          "the horizon), which biases the order low. An audit run of the same sweep (seeds 10-12) to epoch 2500: "
          "order 0.925 ± 0.017 (2 SE) at 1200 epochs, 0.916 ± 0.019 at 2500, every run settled (≤ 1.4%); "
          "‖G_F‖/η ≈ 1080-1150 at η = 5e-4 and 920-970 at η = 4e-3. So the late ‖G_F‖ is O(η) over the range to "
          "within a 20% drift, while an exact first-order proportionality is excluded at 2 SE; the thorough/paper "
          "profiles (horizon 2500) are therefore expected to record that counterexample. The precondition and the "
          "longer thorough horizon were added after seeing the epoch-800 outcome. 2026-12-07 (written before the "
          "record run): the fast profile no longer reads the 800-epoch live sweep (3 seeds; its runs at η ≤ 1e-3 had "
          "not settled: 5.1-17.7% over the last quarter) but the record fig3-eta-sweep at 2500 epochs with 15 seeds; "
          "the decision rule and its 5% settle threshold are unchanged, only the horizon and seed count are the "
          "thorough/paper profile's.",
)


def decide_prop_eta(evidence, g: list[tuple[float, float, float]], horizon: int) -> None:
    """The claim's rule on (η, late ‖G_F‖, relative change over the last quarter) points, one per (η, seed) run:
    unsettled runs → inconclusive; else the log–log slope's ±2 SE must contain 1."""
    ex = np.array([a for a, _, _ in g])
    gv = np.array([b for _, b, _ in g])
    drift = np.array([c for _, _, c in g])
    for e in ETAS:
        evidence.instance(f"Z23 η={e:g}")
    slope, se = loglog_slope(ex, gv)
    evidence.detail("(η, late ‖G_F‖, relative change over the last quarter) points", g)
    evidence.detail("‖G_F‖/η at the horizon", (gv / ex).tolist())
    evidence.detail("fitted order in η (claimed 1)", f"{slope:.3f} ± {2 * se:.3f} (2 SE)")
    unsettled = [(float(a), round(float(c), 3)) for a, _, c in g if c > 0.05]
    if unsettled:
        evidence.inconclusive(f"{len(unsettled)} runs still changing by > 5% over the last quarter of the "
                              f"{horizon}-epoch horizon (η, relative change): {unsettled}; the "
                              "fitted order is biased until they settle")
        return
    evidence.holds(bool(np.all(drift <= 0.05)), f"every run settled at the {horizon}-epoch horizon",
                   family="Z23 η sweep")
    if abs(slope - 1) > 2 * se:
        evidence.counterexample("late ‖G_F‖ ∝ η^slope with slope ≠ 1", measured=slope, printed=1.0, relation="==",
                                tol=2 * se, why="two standard errors of the least-squares slope",
                                family="Z23 η sweep")


@check(GFETA, "empirical")
def test_late_gf_norm_proportional_to_eta(evidence, li2_profile):
    evidence.describe("Same η sweep: ‖G_F‖ at the horizon against η on a log–log scale (claimed slope 1), read only "
                      "when every run has settled (change ≤ 5% over the last quarter of the horizon); fast/thorough "
                      "read the evidence record fig3-eta-sweep (2500 epochs), paper trains the sweep live")
    if li2_profile.name == "paper":
        _, _, _, _, g = eta_data(li2_profile)
        decide_prop_eta(evidence, g, eta_epochs(li2_profile))
        return
    rec = record_for_claim(evidence, ETA_RECORD)
    if rec is None:
        return
    a = rec.arrays
    g = [gf_point(a["eta"][i], a["epochs"][i], a["gf_norm"][i]) for i in range(len(rec.spec.units))]
    decide_prop_eta(evidence, g, int(rec.spec.config["epochs"]))


GRAM = claim(
    "fig3.gram.near_diagonal_8pct",
    title="F̃ᵀF̃ and P1⊥FFᵀ remain diagonal with up to 8% error throughout training (Fig 3)",
    paper_ref="Fig 3 caption; Sec 4 (independent feature learning); Lemma 1",
    printed=r"Throughout the training, $\tilde{F}^\top \tilde{F}$ and $P_1^\perp F F^\top$ remains diagonal with "
            r"up to 8\% error, validating our analysis (independent feature learning, Sec. 4).",
    depends_on=["fig3.grokking.weight_decay"],
    assumptions=[
        "Paper scale: Z_71, K=2048, n=2016, σ=x², Adam lr 1e-3, η=2e-4, Grams every 25 epochs, metrics in float64. "
        "Setting (written 2026-12-07 before the record run): fast and thorough read the evidence record fig3-gram — "
        "the caption's 15 seeds (0-14) over 800 epochs (Fig 3's horizon is not printed in the text; 800 is this "
        "claim's thorough/paper horizon, twice paper 003's 400-epoch reproduction, at which the ratio was still "
        "rising) — after re-training 2 sampled seeds over its first 150 epochs (bitwise on the record's CPU, torch "
        "and threads; else both ratios within 5e-4, a tenth of the dead band, and the test-acc-0.5 crossing within "
        "max(2 evaluations, 10%)); a record not made, refused or not reproduced → inconclusive with the reason. "
        "paper: the same 15 seeds × 800 epochs trained live. (Until 2026-12-07: fast seed 0 × 400 epochs, "
        "thorough seeds 0-4 × 800 epochs, both live)",
        "Metric (the paper code's, for both matrices named in the caption): ‘diagonal with error e’ read as "
        "e = mean|off-diagonal| / mean|diagonal| (the code's compute_diag_off_diag_avg), applied to F̃ᵀF̃ (K×K) and "
        "to P1⊥FFᵀ = FFᵀ minus its column means (n×n; the code's zero-mean kernel2, logged as FF^t_off_diag_avg / "
        "FF^t_diag_avg). Recorded as details only (other readings, not the caption's): paper 003's ρ_tian "
        "(distance of P1⊥FFᵀ from aI + b11ᵀ relative to ‖FFᵀ‖) and the code's fit_diag_11 on the raw FFᵀ",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): per seed m = max over the probed "
        "epochs of both ratios; threshold 0.08 with margin 0.005 — the printed ‘8%’ has one significant figure, so "
        "any value in [0.075, 0.085] is printed as 8% and is undecided. Settledness precondition: a seed whose ratio "
        "is still rising at the horizon (value at T more than 2% above the value at the last probe ≤ 0.75·T) is "
        "undecided (NaN) unless m already exceeds 0.085 (a maximum over training can only grow, so that violation "
        "stands). Holds when ≥ 80% of seeds show m < 0.075 settled; counterexample when at most half do even "
        "counting the undecided; inconclusive otherwise. With the single fast seed the fast verdict is that seed's "
        "vote (a rising seed → inconclusive)",
    ],
    notes="The record fig3-gram (2026-12-07; the caption's 15 seeds at M = 71, K = 2048, 800 epochs, every run at test "
          "acc 1.0 and settled): the maximum of the code's P1⊥FFᵀ ratio is 0.078-0.081 per seed, F̃ᵀF̃'s 0.033 — the "
          "printed 8 % is the measured level itself, inside the ±0.005 band for all 15 seeds, so the rule decides "
          "neither way: the figure's number is reproduced, ‘within 8 %’ as a bound is not decided. "
          "Audit: the first version of this check measured P1⊥FFᵀ by ρ_tian and by fit_diag_11 on FFᵀ "
          "and recorded an erratum (ρ_tian 8.75%, fit_diag_11 10.5% at epoch 160). Neither is the metric the paper "
          "code logs for P1⊥FFᵀ: the code applies compute_diag_off_diag_avg to FFᵀ − column means, the same off/diag "
          "ratio it uses for F̃ᵀF̃; fit_diag_11 is applied to the raw FFᵀ (‘distance from ideal’). The metric and the "
          "rounding band of the rule were changed AFTER seeing audit runs (same engine, seeds 0-2, 400 epochs): "
          "code metric for P1⊥FFᵀ max 0.0788 (seed 0), 0.0808 (seed 1), 0.0795 (seed 2), rising after grokking (2.6% at init, "
          "3.9% at epoch 160); F̃ᵀF̃ ratio ≤ 0.031; ρ_tian ≈ 0.136-0.138 and fit_diag_11(FFᵀ) ≈ 0.157-0.159 at epoch 400. "
          "So the caption's 8% is met to its printed precision at a 400-epoch horizon, but with no margin: the "
          "P1⊥FFᵀ ratio is still growing at epoch 400 (thorough, seeds 0-2, is expected to be inconclusive: seed 1 in "
          "the rounding band). "
          "Rule written 2026-12-01 before the run (replacing the audit's rule, which had been chosen after the "
          "erratum on 1 seed with the value still rising): the code's metric is kept, the 0.08 threshold gets a "
          "symmetric ±0.005 dead band (the printed precision) instead of the one-sided 0.085 acceptance, and a seed "
          "still rising at the horizon is undecided. The audit values quoted above were known when this rule was "
          "written; under it all three seeds are undecided at 400 epochs (0.0788, 0.0808, 0.0795 are inside the "
          "band and rising), so the fast status moves verified → inconclusive. The thorough profile runs 5 seeds "
          "to 800 epochs so that the ratio can settle; that run was not made in this session. Run of 2026-12-01 (fast, seed "
          "0, 400 epochs): max ratio 0.0788 (P1⊥FFᵀ; F̃ᵀF̃ ≤ 0.030), still rising (0.0685 at epoch 300 → 0.0788 at 400) "
          "→ undecided → inconclusive, the same with LI2_INIT_PERTURBATION=1e-6. "
          "2026-12-07 (written before the record run): fast and thorough read the record fig3-gram, the caption's 15 "
          "seeds over 800 epochs, instead of 1 (fast) or 5 (thorough) live seeds; the decision rule is unchanged.",
)


def decide_gram(evidence, m: dict, e: np.ndarray, acc: np.ndarray, seeds: list[int], epochs: int) -> None:
    """The claim's rule on the Gram metrics ``m`` ({metric: (T, S)} at the probed epochs ``e``; test accuracy
    ``acc`` (T, S) at the same epochs): per seed the max of both caption ratios, undecided while still rising."""
    evidence.detail("probed epochs", e.tolist())
    evidence.detail("max F̃ᵀF̃ off-diag ratio per seed", np.max(m["ftf"], 0).tolist())
    evidence.detail("max P1⊥FFᵀ off-diag ratio per seed (the code's metric)", np.max(m["p1fft"], 0).tolist())
    evidence.detail("P1⊥FFᵀ off-diag ratio trajectory (first seed)", m["p1fft"][:, 0].tolist())
    evidence.detail("other reading, not the caption's metric: max ρ_tian per seed", np.max(m["rho_tian"], 0).tolist())
    evidence.detail("other reading, not the caption's metric: max fit_diag_11(FFᵀ) per seed",
                    np.max(m["fit_diag_11_ffT"], 0).tolist())
    evidence.detail("test acc at the horizon", np.asarray(acc)[-1].tolist())
    worst = np.maximum(np.max(m["ftf"], 0), np.max(m["p1fft"], 0))
    rising = [unsettled(m["ftf"][:, j], e) or unsettled(m["p1fft"][:, j], e) for j in range(len(seeds))]
    evidence.detail("still rising at the horizon (settledness precondition) per seed", rising)
    vals = [float(w) if (not r or w > R_GRAM.threshold + R_GRAM.margin) else float("nan")
            for w, r in zip(worst, rising)]
    evidence.detail("max off-diag ratio per seed before the precondition", as_list(worst))
    evidence.seed_vote(R_GRAM, vals, seeds=seeds, family="Z71 K=2048 n=2016",
                       what=f"Grams within 8% of diagonal over {epochs} epochs", max_ratio=as_list(worst),
                       rising=rising)
    evidence.plot(_fig_gram(e, m["ftf"], m["p1fft"], m["rho_tian"]), "Gram diagonality at the paper's scale "
                  "(dashed: 8%); ρ_tian is paper 003's reading, not the caption's metric")


@check(GRAM, "empirical")
def test_grams_stay_within_8_percent_of_diagonal(evidence, li2_profile, li2_device):
    evidence.describe("At the paper's scale (M=71, K=2048, n=2016, η=2e-4), the caption's 15 seeds over 800 epochs: "
                      "every 25 epochs in float64, the paper code's off-diagonal ratio mean|off|/mean|diag| of F̃ᵀF̃ "
                      "and of P1⊥FFᵀ (ρ_tian and fit_diag_11(FFᵀ) alongside as other readings); fast/thorough read "
                      "the evidence record fig3-gram, paper trains live")
    if li2_profile.name == "paper":
        seeds = FIG3_SEEDS[li2_profile]
        m, e, acc = paper_gram(tuple(seeds), GRAM_HORIZON, li2_device)
        decide_gram(evidence, m, e, acc, seeds, GRAM_HORIZON)
        return
    rec = record_for_claim(evidence, GRAM_RECORD)
    if rec is None:
        return
    a = rec.arrays
    m = {k: a[k].T for k in ("ftf", "p1fft", "rho_tian", "fit_diag_11_ffT")}
    decide_gram(evidence, m, a["epochs"][0], a["test_acc"].T, [int(s) for s in a["seed"]],
                int(rec.spec.config["epochs"]))


def _fig_gram(e, ftf, rho, ffd):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(10.5, 2.9))
    titles = ("Off-diagonal part of F̃ᵀF̃", "Off-diagonal part of P₁⊥FFᵀ (paper code)", "ρ_tian (paper 003)")
    for a, v, t in zip(ax, (ftf, rho, ffd), titles):
        v = np.asarray(v)
        for j in range(v.shape[1] if v.ndim == 2 else 1):
            a.plot(e, v[:, j] if v.ndim == 2 else v, label=f"seed {j}")
        a.axhline(0.08, ls="--", color="k", label="8% (Fig 3 caption)")
        a.set_title(t, fontsize=9)
        a.set_xlabel("epoch", fontsize=8)
        a.set_ylabel("off-diagonal / diagonal (ratio)", fontsize=8)
        a.legend(fontsize=6)
    fig.suptitle("Fig 3 at the paper's scale: Grams of the hidden features stay near diagonal", fontsize=9)
    fig.tight_layout()
    return fig


STAGES = claim(
    "fig3.two_stage.dv_then_dw",
    title="Two stages: first a huge update of V, then a large update of W (Fig 3)",
    paper_ref="Fig 3 caption",
    printed=r"The weights difference $\Delta W$ between consecutive weights at time $t$ and $t + 1$, measured by "
            r"cosine distance, shows two-stage behaviors: first there is huge update on the output weight $V$, "
            r"then large update on the hidden weight $W$.",
    depends_on=["fig3.grokking.weight_decay"],
    assumptions=[
        "Same runs as fig3.grokking.weight_decay (η > 0 seeds); ΔV_t = 1 − cos(V_t, V_{t−1}), ΔW_t likewise, every "
        "epoch",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run; same seeds): (a) V's burst "
        "first: argmax_t ΔW_t − argmax_t ΔV_t > 0 epochs, margin 1 epoch (the resolution of the per-epoch "
        "probe: a one-epoch shift of either argmax is undecided); (b) ‘huge’: max ΔV / max ΔW ≥ 3, margin 0.3 "
        "(10%). Each part: ≥ 80% of seeds → holds; ≤ half even counting undecided → counterexample",
    ],
    notes="Rule written 2026-12-01 before the run: same thresholds as the k-of-N version, now with dead bands on "
          "the per-seed values.",
)


@check(STAGES, "empirical")
def test_v_updates_first_then_w(evidence, li2_profile, li2_device):
    evidence.describe("Cosine distances of consecutive V and W (every epoch) in the η > 0 runs: V's burst must "
                      "precede W's and be larger")
    runs_all = _runs(li2_profile, li2_device)
    if not baseline_gate(evidence, runs_all):
        return
    r = runs_all["eta>0"]
    e = r.epochs[1:]
    dV, dW = r.metrics["dV_cos"][1:], r.metrics["dW_cos"][1:]
    S = r.config.seeds
    tV = e[np.nanargmax(dV, 0)]
    tW = e[np.nanargmax(dW, 0)]
    evidence.detail("argmax ΔV epoch per seed", tV.tolist())
    evidence.detail("argmax ΔW epoch per seed", tW.tolist())
    evidence.seed_vote(R_ORDER, tW - tV, seeds=S, family="Z23", what="ΔV peaks before ΔW")
    evidence.seed_vote(R_HUGE, np.nanmax(dV, 0) / np.nanmax(dW, 0), seeds=S, family="Z23",
                       what="max ΔV ≥ 3 × max ΔW")
