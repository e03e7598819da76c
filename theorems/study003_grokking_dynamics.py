"""The ``study003.*`` claims of the independent empirical study ``papers/003_…`` ("Feature Repulsion and
Spectral Lock-in"), and the η-dependence of Tian's Sec 3.1 / Sec 5 remarks, checked by training real networks.

- ``study003.signmatch.over_training`` — Thm 6's sign rule on trained nets over training, with paper 003's
  approximate projector (top-200 most similar pairs, P_{η,−jl} ≈ P_η formed literally) and with the exact
  projector over all pairs (li2verify.paper.repulsion, written by the Thm 6 helper).
- ``study003.eigengap.x2_not_relu`` — the rolling σ2/σ3 slope detector of ΔW fires for σ = x² with η > 0, not
  for η = 0 and not for ReLU.
- ``study003.grok_time.inverse_eta`` — grokking time ∝ 1/η (sweep η, fit the exponent).

The sign-match and eigengap claims decide at paper 003's own setting (Sec 2.1: Z_71, K=2048, n=2016, Adam lr 1e-3,
η=2e-4 vs 0, x² 400 epochs, ReLU 800, seeds 10-24): in fast and thorough from the committed run record
``evidence/study003-paper`` (li2verify.experiments.run_record_specs.study003; CI re-trains two sampled units for
their first 200 epochs), in paper by training the same runs live.  Until 2026-12-07 they ran at CPU scale (Z_23,
K=256, p=0.4, Adam lr 5e-3, the ``repulsion`` preset's cpu setting) in every profile.  The η sweep stays at CPU
scale (Z_23, K=256). Each claim is followed by its checks. The η sweep lives in ``li2verify/experiments/eta_sweep.py`` (shared with
``fig3_grokking``, which holds ``fig3.gf_norm.settles_prop_eta``, the late ‖G_F‖ ∝ η reading of the same runs).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.experiments.eta_sweep import ETAS, eta_data, eta_epochs, eta_runs, sweep_seeds
from li2verify.experiments.run_record_specs.study003 import STUDY003_SEEDS, record_runs, study003_conditions
from li2verify.experiments.run_records import record_for_claim
from li2verify.train.batched import train_conditions
from li2verify.train.empirical import loglog_slope, max_detector_slope
from li2verify.train.figures import training_curves
from li2verify.train.probes import eigengap_fire
from li2verify.verify.claims import SeedRule, check, claim

# Decision rules written 2026-12-01 before the run (quoted in the claims' assumptions).
R_SIGN = SeedRule("approximate top-200 sign-match at the final checkpoint", 0.95, 0.03, ">=")
R_FIRE = SeedRule("max_{t≥100} s(t) of log(σ2/σ3) (detector fires above 0.04)", 0.04, 0.01, ">=")
R_SILENT = SeedRule("max_{t≥100} s(t) of log(σ2/σ3) (detector silent below 0.04)", 0.04, 0.01, "<=")


RECORD = "study003-paper"
SETTING = ("paper 003's setting (Sec 2.1): Z_71, K=2048, n=2016, paper code protocol, Adam lr 1e-3, η=2e-4 vs 0; "
           "x² 400 epochs, ReLU 800")


@lru_cache(maxsize=None)
def _paper_runs(seeds: tuple):
    """The record's runs trained live (the paper profile): the ``repulsion`` preset at paper scale with the record's
    probes and cadences (:func:`li2verify.experiments.run_record_specs.study003.study003_conditions`)."""
    return train_conditions(study003_conditions(), list(seeds))


def _runs(evidence, li2_profile):
    """(``{condition: runs}``, seeds) at paper 003's setting: the committed record ``study003-paper`` in fast and
    thorough, trained live in paper; None — the check inconclusive with the reason — when the record is not made,
    is refused or is not reproduced by its re-check."""
    if li2_profile.name == "paper":
        return _paper_runs(STUDY003_SEEDS), list(STUDY003_SEEDS)
    rec = record_for_claim(evidence, RECORD)
    if rec is None:
        return None
    runs = record_runs(rec)
    return runs, runs["x2 eta>0"].seeds


SIGN = claim(
    "study003.signmatch.over_training",
    title="Thm 6 sign rule on trained nets: 003's approximate top-200 measurement vs the exact projector",
    paper_ref="paper 003 (arXiv 2605.08119), abstract and Sec 3, Table 1; Tian Thm 6",
    printed=r"The predicted sign rule holds robustly on the top-200 most-similar feature pairs across activations "
            r"(empirical sign-match rising from 0.865 to 0.985 on $\sigma = x^2$ across 5 seeds, and saturating "
            r"at 1.000 on $\sigma = \operatorname{ReLU}$).",
    depends_on=["thm6.repulsion.sign_rule"],
    assumptions=[
        "Paper 003's setting (Sec 2.1; li2verify.train.presets, repulsion at paper scale): Z_71, K=2048, n=2016, "
        "paper code protocol, Adam lr 1e-3, η=2e-4; σ=x² 400 epochs and σ=ReLU 800 epochs (003: ‘800 for ReLU’); "
        "seeds 10-24 (003's 15). Fast and thorough read the committed run record study003-paper (two sampled units "
        "re-trained for 200 epochs by CI), paper trains the same runs live",
        "Written 2026-12-07, before the record run: checkpoints every 100 epochs and at the last one (x² 0-400, ReLU "
        "0-800), the ‘final checkpoint’ being epoch 400 (x²) and 800 (ReLU), 003's horizons; 003's own checkpoints "
        "(Table 1: 50, 100, 175, 300 for x²; Sec 3.3: 100, 300, 500 for ReLU) are not all on that grid, which only "
        "the detail series shows. The rule below is unchanged; only the setting and the seeds (15, was 5 in fast "
        "and 10 in thorough at CPU scale) changed",
        "Approximate measurement (003): top-200 pairs by cosine of F̃ columns, sgn(b_jl) vs −sgn(f̃_jᵀP_ηf̃_l) with "
        "P_η = I − F̃BF̃ᵀ formed literally in float64 (repulsion.top200_sign_match); exact: all K(K−1)/2 pairs with "
        "P_{η,−jl} (repulsion.all_pairs_sign_match, float64-certified pairs only)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): ‘holds robustly’ = for EACH "
        "activation, the approximate top-200 sign-match at the final checkpoint ≥ 0.95 (003's saturation level: "
        "its printed finals are 0.985 for x² and 1.000 for ReLU) with a margin of 0.03 — 6 of the 200 pairs, the "
        "size of the machine-to-machine difference of one seed's final value reported in the issue (0.93 vs 0.96): "
        "a seed in [0.92, 0.98] is undecided, not a vote. Per activation: holds when ≥ 80% of the seeds show it "
        "outside the band; counterexample when at most half do even counting the undecided; inconclusive otherwise. "
        "The exact sign-match must be 1 at every checkpoint (Thm 6 is an identity), recorded with evidence.holds",
    ],
    notes="The record study003-paper (2026-12-07; 003's setting, 15 seeds): x² η>0 top-200 sign-match 0.995-1.0 at epoch 400 (15 of 15 show it), ReLU 0.93-0.96 at epoch 800 (1 shows it, 14 inside the ±0.03 band) → inconclusive; 003 prints ReLU ‘saturating at 1.000’, measured here 0.93-0.96. Re-decided 2026-12-07 under the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M)); li2verify.train.protocols), rule unchanged; Rule written 2026-12-01 before the run. The previous rule (k-of-N on ‘final ≥ 0.95’ with 3 seeds and no "
          "margin) flipped between machines: ReLU seeds 10-12 ended at 0.93/0.96/0.96 on one CI machine "
          "(inconclusive) and 0.96/0.95/0.97 on another (verified). Those values were known when the margin was "
          "chosen: the margin is the size of that spread, so such seeds are undecided on every machine, and the "
          "fast profile uses 5 seeds (10-14). Expected consequence, stated before the run: the x² seeds (final 1.0) "
          "show it and the ReLU seeds mostly fall in the band, which makes the claim inconclusive rather than a "
          "machine-dependent verified/inconclusive — 003's ‘saturating at 1.000 on ReLU’ is not reproduced at this "
          "scale (ReLU finals 0.93-0.97), while its x² final level is (ours ends at 1.0). Run of 2026-12-01 (fast, seeds 10-14): x² finals 1.0 in all 5 "
          "seeds (show it); ReLU finals 0.93/0.96/0.96/0.985/0.965 (1 shows it, 4 undecided) → inconclusive; with "
          "LI2_INIT_PERTURBATION=1e-6 ReLU 0.965/0.94/0.935/0.97/0.965 (5 undecided) → inconclusive. Committed fast "
          "status verified → inconclusive: under the dead band the ReLU seeds do not decide ‘holds robustly’ either way. "
          "2026-12-07 (written before the record run): the claim moves to paper 003's setting (Z_71, K=2048, lr 1e-3, "
          "η=2e-4, seeds 10-24) read from the run record study003-paper in fast/thorough and trained live in paper; "
          "the CPU-scale status above (inconclusive: 0 of 5 ReLU seeds outside the band, 5 undecided) was below 003's "
          "scale and horizon. Rule, margin and threshold unchanged; sign-match checkpoints every 100 epochs. Until "
          "the record is committed the check says ‘record not made’ (inconclusive).",
)


def decide_sign(evidence, runs: dict, S: list[int]) -> None:
    """study003.signmatch.over_training's decision on ``runs`` (``{condition: runs}``, live or the record's): the
    exact sign-match = 1 at every checkpoint, R_SIGN on the approximate one at the last checkpoint."""
    evidence.detail("setting", SETTING)
    for c in ("x2 eta>0", "relu eta>0"):
        r = runs[c]
        ok = np.isfinite(r.metrics["signmatch"][:, 0])
        ap, ex = r.metrics["signmatch"][ok], r.metrics["signmatch_exact"][ok]
        evidence.detail(f"{c}: checkpoints", r.epochs[ok].tolist())
        evidence.detail(f"{c}: approximate top-200 sign-match (rows: checkpoints)", ap.tolist())
        evidence.detail(f"{c}: exact all-pairs sign-match", ex.tolist())
        for j, s in enumerate(S):
            for i in range(ex.shape[0]):
                evidence.holds(ex[i, j] == 1.0, f"exact sign-match = 1 ({c}, epoch {r.epochs[ok][i]})",
                               family=f"Z71 {c}", seed=s)
        evidence.seed_vote(R_SIGN, ap[-1], seeds=S, family=f"Z71 {c}",
                           what=f"{c}: approximate top-200 sign-match at the last checkpoint (epoch "
                                f"{int(r.epochs[ok][-1])}) ≥ 0.95", first=ap[0].tolist())


@check(SIGN, "empirical")
def test_sign_rule_over_training_approx_and_exact(evidence, li2_profile):
    evidence.describe("Paper 003's setting (Z_71, K=2048): at checkpoints every 100 epochs, 003's approximate "
                      "top-200 sign-match and the exact all-pairs sign-match (li2verify.paper.repulsion) on F̃ of the "
                      "trained net")
    got = _runs(evidence, li2_profile)
    if got is not None:
        decide_sign(evidence, *got)


GAP = claim(
    "study003.eigengap.x2_not_relu",
    title="σ2/σ3 eigengap detector of ΔW fires for x² with weight decay, not for η = 0 nor for ReLU (paper 003)",
    paper_ref="paper 003, abstract; Sec 4 (Eqns 5–6), Sec 4.6",
    printed=r"With $\sigma = x^2$, a simple slope detector on the rolling eigengap $\sigma_2 / \sigma_3$ of "
            r"$\Delta W$ fires in 15/15 grokking seeds at epoch 174 (IQR [173,174]) and in 0/15 non-grokking "
            r"controls [...]. In contrast, with $\sigma = \operatorname{ReLU}$, the detector never fires and the "
            r"spectrum remains effectively rank-1.",
    assumptions=[
        "Same runs as study003.signmatch.over_training (paper 003's setting, seeds 10-24, the run record "
        "study003-paper in fast/thorough, live in paper) plus the matched η = 0 control for x²; ΔW Gram of the last "
        "W = 20 updates every epoch (003 Eqn 5), detector s(t) = [log(σ2/σ3)(t) − log(σ2/σ3)(t−25)]/25, fire = "
        "min{t ≥ 100 : s(t) > 0.04} (003 Eqn 6, its printed constants, written for this very setting: the burn-in "
        "t ≥ 100 and the lag 25 are kept as printed, 2026-12-07, before the record run)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run, unchanged 2026-12-07 when the "
        "setting moved to paper 003's and the seeds to 10-24; were 10-14, thorough 10-19, at CPU scale): per "
        "seed the detector's underlying value max_{t≥100} s(t) against 003's firing threshold 0.04, margin 0.01 "
        "(a quarter of the threshold: a 28% change of σ2/σ3 over the 25-epoch lag, far above rounding); fires in "
        "x² η>0 (value ≥ 0.04), silent in x² η=0 and in ReLU (value ≤ 0.04); each part: ≥ 80% of seeds → holds, "
        "≤ half even counting undecided → counterexample, inconclusive otherwise",
    ],
    notes="The record study003-paper (2026-12-07; 003's setting, 15 seeds): x² η>0 fires at epochs 173-174 (max slope 0.065-0.068, 15 of 15), ReLU silent (max slope 0.009-0.017, 15 of 15), x² η=0 max slope 0.021-0.037 (9 silent outside the band, 6 inside it) → inconclusive. Re-decided 2026-12-07 under the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M)); li2verify.train.protocols), rule unchanged; code run (seeds 10-14): x² η>0 fires at 116-119 (5/5), ReLU silent (5/5), but x² η=0 is not silent: max slope 0.042-0.066 (2 fire outside the band, 3 undecided) → inconclusive (was verified under the text protocol). Rule written 2026-12-01 before the run: the k-of-N booleans on ‘fired / not fired’ were replaced by the "
          "dead-band rule on the detector's slope, same threshold (003's printed 0.04). 2026-12-07 (written before "
          "the record run): the claim moves to paper 003's setting (Z_71, K=2048, lr 1e-3, η=2e-4 vs 0, seeds 10-24, "
          "003's 15), read from the run record study003-paper in fast/thorough and trained live in paper; at CPU scale "
          "(Z_23, K=256) x² η=0 was not silent (above). 003's detector constants (W=20, lag 25, threshold 0.04, "
          "t ≥ 100) are printed for this setting and kept; rule unchanged.",
)


def decide_gap(evidence, runs: dict, S: list[int]) -> None:
    """study003.eigengap.x2_not_relu's decision on ``runs`` (live or the record's): R_FIRE on x² η>0, R_SILENT on
    x² η=0 and ReLU, each on the per-seed max detector slope (t ≥ 100)."""
    evidence.detail("setting", SETTING)
    fires, slope = {}, {}
    for c, r in runs.items():
        f = np.array([eigengap_fire(r.metrics["gap23"][:, j], r.epochs, 25, 0.04, 100) for j in range(len(S))])
        fires[c] = f
        slope[c] = np.array([max_detector_slope(r.metrics["gap23"][:, j], r.epochs, 25, 100) for j in range(len(S))])
        evidence.detail(f"{c}: max detector slope per seed", slope[c].tolist())
        late = r.epochs >= r.epochs[-1] * 0.5
        evidence.detail(f"{c}: fire epoch per seed (NaN = never)", f.tolist())
        evidence.detail(f"{c}: median σ2/σ3 over the second half", np.nanmedian(r.metrics["gap23"][late], 0).tolist())
        evidence.detail(f"{c}: final test acc", r.metrics["test_acc"][-1].tolist())
    evidence.seed_vote(R_FIRE, slope["x2 eta>0"], seeds=S, family="Z71 x2", what="x² η>0: detector fires")
    evidence.seed_vote(R_SILENT, slope["x2 eta=0"], seeds=S, family="Z71 x2", what="x² η=0: detector silent")
    evidence.seed_vote(R_SILENT, slope["relu eta>0"], seeds=S, family="Z71 relu", what="ReLU η>0: detector silent")
    evidence.plot(training_curves(runs, ("test_acc", "gap23", "signmatch"), "Paper 003 at its setting: Z71, K = 2048",
                                  log_keys=("gap23",)), "median test acc, σ2/σ3 of the rolling ΔW "
                  "Gram (W=20), approximate top-200 sign-match")


@check(GAP, "empirical")
def test_eigengap_detector_fires_for_x2_only(evidence, li2_profile):
    evidence.describe("Paper 003's setting (Z_71, K=2048): rolling-window (W=20) Gram of ΔW every epoch; 003's "
                      "slope detector on log σ2/σ3")
    got = _runs(evidence, li2_profile)
    if got is not None:
        decide_gap(evidence, *got)


ETA = claim(
    "study003.grok_time.inverse_eta",
    title="Grokking time scales as 1/η (Tian Sec 5 remark; paper 003 Sec 5.2)",
    paper_ref="Tian, remark after Thm 5 (‘Weight decay η’); paper 003 Sec 5",
    printed=r"[Tian:] it is clear that the weight decay $\eta$ becomes the \textit{learning rate} of feature "
            r"learning process. [...] This is also consistent with $t \sim 1/\eta$ laws to start grokking. "
            r"[003:] Tian (2025) predicts grokking timescale scales as $1/\eta$.",
    verified=r"Grokking time decreases with $\eta$ as a power law $t_{\text{grok}} \propto \eta^{-p}$ with "
             r"$0 < p < 1$ on the CPU-scale instance (Z_23, K=256, p=0.4, Adam lr 5e-3): slower than $1/\eta$.",
    assumptions=[
        "η ∈ {5e-4, 1e-3, 2e-3, 4e-3} (a factor 8), Z_23, K=256, p=0.4, σ=x², Adam lr 5e-3, 800 epochs, seeds 10-12 "
        "(thorough 10-14); t_grok = first epoch with test acc ≥ 0.5",
        "Decision rule: least-squares slope of log t_grok on log η over all (η, seed) points, ±2 standard errors; "
        "holds if the interval contains −1; counterexample if it excludes −1; inconclusive if any run does not grok "
        "within the horizon. Corrected statement checked: the interval lies inside (−1, 0)",
    ],
    notes="Re-decided 2026-12-07 under the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M)); li2verify.train.protocols), rule unchanged; η sweep t_grok exponent −0.672 ± 0.069 (status unchanged). Audit: Tian's ‘t ∼ 1/η’ is a heuristic from gradient flow (η is the learning rate of the "
          "feature-learning energy ascent); the check trains with Adam, as the paper's and paper 003's experiments "
          "do, and measures the test-acc-0.5 crossing. The measured t_grok includes an η-independent memorization "
          "time (t_mem ≈ 10-20 epochs), which biases a pure power-law fit toward 0; the delay t_grok − t_mem is "
          "recorded as a detail: −0.74 ± 0.09 (2 SE) in an audit run, also excluding −1. Paper 003's own two points "
          "(η = 1e-4 → ≈ 200 epochs, 1e-5 → 1527) give an order of ≈ −0.88, also short of −1. The corrected statement "
          "is specific to this CPU-scale instance and a factor-8 range of η with 3 seeds.",
)


def _delay_fit(profile):
    """Log–log slope of t_grok − t_mem against η (t_mem = first epoch with train acc ≥ 0.99)."""
    S = sweep_seeds(profile)
    runs = eta_runs(tuple(S), eta_epochs(profile))
    x, d = [], []
    for e in ETAS:
        r = runs[f"eta={e:g}"]
        for j in range(len(S)):
            te = np.flatnonzero(np.nan_to_num(r.metrics["test_acc"][:, j], nan=-1) >= 0.5)
            tm = np.flatnonzero(np.nan_to_num(r.metrics["train_acc"][:, j], nan=-1) >= 0.99)
            if te.size and tm.size and r.epochs[te[0]] > r.epochs[tm[0]]:
                x.append(e)
                d.append(float(r.epochs[te[0]] - r.epochs[tm[0]]))
    return loglog_slope(x, d) if len(x) > 2 else (float("nan"), float("nan"))


@check(ETA, "empirical")
def test_grokking_time_versus_eta(evidence, li2_profile):
    evidence.describe("Sweep η over a factor 8 on matched seeds (all η in one batched program); fit log t_grok "
                      "against log η")
    S, x, t, never, _ = eta_data(li2_profile)
    evidence.detail("(η, t_grok) points", list(zip(x.tolist(), t.tolist())))
    for e in ETAS:
        evidence.instance(f"Z23 η={e:g}")
    if never:
        evidence.inconclusive(f"{never} runs did not reach test acc 0.5 within 800 epochs")
        return
    slope, se = loglog_slope(x, t)
    evidence.detail("fitted exponent (claimed −1)", f"{slope:.3f} ± {2 * se:.3f} (2 SE)")
    d_slope, d_se = _delay_fit(li2_profile)
    evidence.detail("other reading: exponent of the delay t_grok − t_mem (t_mem: train acc ≥ 0.99), which removes the "
                    "η-independent memorization time", f"{d_slope:.3f} ± {2 * d_se:.3f} (2 SE)")
    if abs(slope + 1) > 2 * se:
        evidence.counterexample("t_grok ∝ η^slope with slope ≠ −1", measured=slope, printed=-1.0, relation="==",
                                tol=2 * se, why="two standard errors of the least-squares slope",
                                family="Z23 η sweep", points=list(zip(x.tolist(), t.tolist())))
    else:
        evidence.holds(True, f"slope {slope:.3f} ± {2 * se:.3f} contains −1", family="Z23 η sweep")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.6, 2.8))
    ax.loglog(x, t, "o")
    xx = np.array(ETAS)
    ax.loglog(xx, np.exp(np.mean(np.log(t) - slope * np.log(x))) * xx ** slope, "-", label=f"fit η^{slope:.2f}")
    ax.loglog(xx, np.exp(np.mean(np.log(t) + np.log(x))) / xx, "--", label="1/η")
    ax.set_xlabel("η")
    ax.set_ylabel("t_grok (test acc ≥ 0.5)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    evidence.plot(fig, "grokking epoch vs weight decay: fit vs the 1/η law")


@check(ETA, "empirical", target="corrected")
def test_grokking_time_power_law_slower_than_inverse_eta(evidence, li2_profile):
    evidence.describe("Same sweep: the fitted exponent's ±2 SE interval lies inside (−1, 0)")
    S, x, t, never, _ = eta_data(li2_profile)
    if never:
        evidence.inconclusive(f"{never} runs did not grok within the horizon")
        return
    slope, se = loglog_slope(x, t)
    evidence.detail("fitted exponent", f"{slope:.3f} ± {2 * se:.3f}")
    evidence.holds(-1 < slope - 2 * se and slope + 2 * se < 0, f"−1 < {slope:.3f} ± {2 * se:.3f} < 0",
                   family="Z23 η sweep")
