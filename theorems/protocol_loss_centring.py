"""The difference between the paper's text and its code (``protocol.loss_centring``): the loss Eqn 1 prints centres
the residual along the samples, the code that drew the figures centres it along the classes (and draws W with the
fan-in of one linear layer on the concatenated one-hot pair).  Runs: Fig 11's baseline (``fig12_runs`` of
``li2verify/experiments/training_variants.py``, code protocol) and the same configuration under the text protocol and under the
ablation ``code_loss_only``; Fig 3's CPU-scale η > 0 condition under both protocols.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.train.batched import train_conditions
from li2verify.train.empirical import censored_difference, t_grok
from li2verify.train.presets import fig3_setup, figure_setting
from li2verify.verify.claims import SeedRule, check, claim
from li2verify.experiments.training_variants import (BASELINE_HORIZON, R_BASELINE, baseline_values, fig12_runs, plot_acc,
                                         seeds_for, t_grok_90)

TEXT_HORIZON = 600
R_TEXT_BASELINE = SeedRule(f"max test acc within {BASELINE_HORIZON} epochs (Fig 11 setting, text protocol)", 0.9,
                           0.03, ">=")
R_LATER = SeedRule("t_grok(text) − t_grok(code), epochs", 0.0, 10.0, ">=")
R_CENTRING = SeedRule("t_grok(text) − t_grok(code_loss_only), epochs", 0.0, 10.0, ">=")

CENTRING = claim(
    "protocol.loss_centring",
    title="The loss the paper's figures were trained with is not Eqn 1's: class- vs sample-centred MSE",
    paper_ref="Sec 2, Eqn 1; App. I, Fig 11",
    printed=r"$\max_{V,W} J(V, W) := -\frac{1}{2}\|P_1^\perp(Y - \hat Y)\|_F^2$ [Eqn 1, the objective of the "
            r"experiments], with $\hat Y = \sigma(XW)V$; [Fig 11:] with it, $M = 23$, $K = 256$, lr 0.005, weight "
            r"decay 5e-5, 20\% test, Adam: grokking within the first ~150 epochs.",
    verified=r"The figures were trained with the code's loss $\frac{1}{n}\sum_i \|P^\perp_{\text{class}}\hat y_i - "
             r"(e_{y_i} - \frac{1}{M}\mathbf{1})\|^2$ (centred along the $M$ outputs, not along the $n$ samples) and "
             r"$W \sim U(\pm 1/\sqrt{2M})$; with that protocol Fig 11's baseline reproduces, and Eqn 1 as printed "
             r"groks later at the same setting.",
    assumptions=[
        "Fig 11's setting (Z_23, K = 256, 80 % train, σ = x², Adam lr 5e-3, η = 5e-5): text protocol (Eqn 1 as "
        "printed with the 1/n scale, W ~ U(±1/√M) per block) vs code protocol, matched seeds 10-14 (thorough "
        "10-19), same split (n = 423 under both), text runs to 600 epochs, test acc every 5 epochs. text vs code "
        "changes the loss centring AND the first-layer init (√2): it measures the protocol as a whole; the "
        "ablation protocol code_loss_only (the text's init and split, the code's class-centred loss) isolates "
        "the centring: text vs code_loss_only differ in the loss alone",
        "Decision rule (written 2026-12-07 before the recorded run; the 200-epoch text pilot of fig11.baseline.groks "
        "was seen when it was written and is why the text horizon is 600): (printed) Eqn 1 reproduces Fig 11: max "
        "test acc within 200 epochs ≥ 0.9, dead band 0.03, ≥ 80 % of seeds; (corrected) the code protocol "
        "reproduces it (fig11.baseline.groks' rule), Eqn 1 groks later than the code protocol and later than "
        "code_loss_only (the centring alone): t_grok(text) − t_grok(other) > 0 epochs, dead band 10 epochs (two "
        "evaluation intervals), censored at 601, both censored → undecided, ≥ 80 % of seeds each",
        "Fig 3's diagnostics at Fig 3's CPU scale (Z_23, K = 256, p = 0.4, lr 5e-3, η = 2e-3, 400 epochs, seeds "
        "0-4): t_grok and ‖G_F‖'s rise (peak/initial) and settling (mean of the last 50 epochs / peak) under both "
        "protocols are recorded as measured numbers (not voted)",
    ],
    depends_on=["fig11.baseline.groks"],
    notes="Rule changed after seeing a result (2026-12-07): the first recorded run also voted on (a) "
          "|J_text − J_code|/J_code ≥ 0.01 at the initial outputs, in the printed check; measured 0.0009-0.0017 (0 of "
          "5 seeds): at init Ŷ ≈ 0 and both losses are ≈ 1 − 1/M, so (a) measured nothing about the centring and "
          "its 'counterexample' was not one to Eqn 1. It was removed and replaced, in the corrected check, by the "
          "ablation text vs code_loss_only (same init, the loss alone). Values of that first run: t_grok text "
          "560/315/405/395/385, code 180/105/80/120/80 (seeds 10-14); a pilot of the ablation, seen before this "
          "change, gave code_loss_only 305/285/220/285/250 and the code init with Eqn 1's loss 415/225/295/275/275: "
          "both deviations shorten grokking, each on its own.",
)


@lru_cache(maxsize=None)
def _text_runs(seeds: tuple):
    """Fig 11's setting under the text protocol and under the ablation code_loss_only, to 600 epochs."""
    b = figure_setting("fig11", "cpu", protocol="text", epochs=TEXT_HORIZON, eval_every=5, probes=[])
    return train_conditions({"text": b, "code_loss_only": b.replace(protocol="code_loss_only")}, list(seeds))


@lru_cache(maxsize=None)
def _fig3_both():
    conds, _, n_seeds = fig3_setup("cpu", probe_every=1)
    b = conds["eta>0"]
    return train_conditions({"text": b.replace(protocol="text"), "code": b.replace(protocol="code")},
                            list(range(n_seeds)))


@check(CENTRING, "empirical")
def test_eqn1_does_not_reproduce_fig11(evidence, li2_profile):
    evidence.describe("Eqn 1 as printed (sample-centred MSE, W ~ U(±1/√M)) at Fig 11's setting: does it grok "
                      "within 200 epochs as Fig 11 shows?")
    S = seeds_for(li2_profile)
    r = _text_runs(tuple(S))["text"]
    keep = r.epochs <= BASELINE_HORIZON
    evidence.detail("t_grok text protocol per seed (601 = never)", t_grok_90(r).tolist())
    evidence.seed_vote(R_TEXT_BASELINE, np.nanmax(r.metrics["test_acc"][keep], 0), seeds=S,
                       family="Z23 K256 (Fig 11), text protocol", what="Eqn 1 groks within 200 epochs")


@check(CENTRING, "empirical", target="corrected")
def test_code_protocol_groks_earlier_than_eqn1(evidence, li2_profile):
    evidence.describe("Matched seeds: grokking epoch under the text protocol minus under the code protocol at Fig "
                      "11's setting; Fig 3's diagnostics under both")
    S = seeds_for(li2_profile)
    code = fig12_runs(tuple(S))["real"]
    both = _text_runs(tuple(S))
    text, ablation = both["text"], both["code_loss_only"]
    evidence.seed_vote(R_BASELINE, baseline_values(tuple(S)), seeds=S, family="Z23 K256 (Fig 11), code protocol",
                       what="the code protocol reproduces Fig 11 within 200 epochs")
    tc, tt = t_grok_90(code), t_grok_90(text)
    evidence.detail("t_grok code / text per seed (code: 301 = never within 300; text: 601 = never within 600)",
                    [tc.tolist(), tt.tolist()])
    tc = np.where(tc > code.epochs[-1], TEXT_HORIZON + 1, tc)  # both censored at the text horizon
    evidence.seed_vote(R_LATER, censored_difference(tt, tc, TEXT_HORIZON), seeds=S, family="Z23 K256 (Fig 11)",
                       what="Eqn 1 groks later than the code's protocol", t_code=tc.tolist(), t_text=tt.tolist())
    ta = t_grok_90(ablation)
    evidence.detail("t_grok code_loss_only (text init, class-centred loss) per seed (601 = never)", ta.tolist())
    evidence.seed_vote(R_CENTRING, censored_difference(tt, ta, TEXT_HORIZON), seeds=S,
                       family="Z23 K256 (Fig 11), same init",
                       what="the class-centred loss alone groks earlier than Eqn 1's sample-centred loss")
    f3 = _fig3_both()
    for name, r in f3.items():
        g = r.metrics["gf_norm"]
        evidence.detail(f"Fig 3 CPU scale, {name} protocol: t_grok per seed (401 = never)",
                        t_grok(r.metrics, r.epochs).tolist())
        evidence.detail(f"Fig 3 CPU scale, {name} protocol: ‖G_F‖ peak / initial per seed",
                        (np.nanmax(g, 0) / g[0]).round(4).tolist())
        evidence.detail(f"Fig 3 CPU scale, {name} protocol: ‖G_F‖ late (last 50 epochs) / peak per seed",
                        (np.nanmean(g[-50:], 0) / np.nanmax(g, 0)).round(4).tolist())
    evidence.plot(plot_acc({"code protocol": code, "text protocol (Eqn 1)": text, "code_loss_only": ablation},
                           "Fig 11 setting: text vs code"),
                  f"median over {len(S)} seeds")
