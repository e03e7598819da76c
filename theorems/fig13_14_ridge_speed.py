"""Figs 13-14: with the ridge top layer (V = V_ridge every step) grokking is slower than the baseline (Fig 11) at
M = 23 and faster at M = 41, 89, 127.

Claim ``fig13_14.ridge_top.speed_by_m``. ``fast``/``thorough`` compare at M = 23 on the runs that
``fig12_complex_weights`` and ``fig13_ridge_top`` already train (the ``fig12_runs`` baseline and ``ridge_runs``
ridge runs of ``li2verify/experiments/training_variants.py``, cached per process: no extra training when the suite runs those
modules; alone, this module trains them), read at the common horizon of 300 epochs. M = 41, 89, 127 at K = 256
need the ``paper`` profile (a GPU).
"""

from __future__ import annotations

from functools import lru_cache

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.train.presets import figure_setting
from li2verify.train.batched import train_conditions
from li2verify.train.empirical import censored_difference, t_grok
from li2verify.experiments.training_variants import baseline_gate, fig12_runs, matched_ridge, ridge_runs, seeds_for

SPEED = claim(
    "fig13_14.ridge_top.speed_by_m",
    title="Ridge top layer: grokking slower at M = 23, faster at M = 41, 89, 127 than the baseline (Figs 13-14)",
    paper_ref="App. J, Figs 11, 13, 14",
    printed=r"The grokking still happens (for $M = 23$ check Fig. 14 for completeness). It is slower for $M = 23$ "
            r"but actually faster for $M = 41, 89, 127$, compared to the baseline (Fig. 11). [Fig 14:] The grokking "
            r"still happens but slower than the baseline (Fig. 11) for $M = 23$.",
    assumptions=[
        "Figs 11/13's setting: K = 256, 80% train, σ = x², MSE, Adam lr 5e-3, η = 5e-5, the code protocol; baseline "
        "V trained by Adam, ridge V = (FᵀF + λI)⁻¹FᵀY (uncentred F, Y = one_hot − 1/M) every step with λ = nη/2 "
        "(as in fig13.ridge_top.still_groks; n = 423 at M = 23); "
        "t = first epoch with test acc ≥ 0.9 (horizon + 1 if never), test acc every 5 epochs",
        "fast/thorough: M = 23 only, on the runs of empirical_training_variants (baseline 300 epochs, ridge 500 "
        "epochs read at the common horizon 300), seeds 10-14 (thorough 10-19); paper: M ∈ {23, 41, 89, 127}, "
        "500 epochs both, seeds 10-24",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): M = 23: t(ridge) − t(baseline) > 0; "
        "M ≥ 41: t(baseline) − t(ridge) > 0; margin 10 epochs (two evaluation intervals), both censored → "
        "undecided; per M ≥ 80% of seeds → holds, ≤ half even counting undecided → counterexample, otherwise "
        "inconclusive; the M ≥ 41 part is inconclusive (not run) below the paper profile",
    ],
    depends_on=["fig13.ridge_top.still_groks", "fig11.baseline.groks"],
    notes="Re-decided 2026-12-07 under the code protocol with λ = nη/2 (see fig13.ridge_top.still_groks); rule "
          "unchanged; inconclusive ('baseline not reproduced') when Fig 11's baseline does not reproduce.",
)


def _rule(M: int) -> SeedRule:
    return SeedRule("t(ridge) − t(baseline), epochs" if M == 23 else "t(baseline) − t(ridge), epochs", 0.0, 10.0,
                    ">=")


def _t_at(r, horizon: int):
    keep = r.epochs <= horizon
    return t_grok({"test_acc": r.metrics["test_acc"][keep]}, r.epochs[keep])


@lru_cache(maxsize=None)
def _paper_runs(M: int, seeds: tuple, device: str):
    from li2verify.train.data import train_size

    b = figure_setting("fig11", "paper", group=str(M), epochs=500, eval_every=5, probes=[], device=device)
    lam = matched_ridge(train_size(M, train_frac=b.train_frac, protocol=b.protocol), b.wd)
    return train_conditions({"baseline": b, "ridge": b.replace(ridge_top=True, ridge_reg=lam)}, list(seeds))


@check(SPEED, "empirical")
def test_ridge_speed_by_m(evidence, li2_profile, li2_device):
    evidence.describe("Per seed, the grokking epoch (test acc ≥ 0.9) with the ridge top layer minus (M = 23) or "
                      "subtracted from (M ≥ 41) the baseline's, matched seeds")
    if li2_profile.name == "paper":
        S = seeds_for(li2_profile)
        by_m = {M: _paper_runs(M, tuple(S), str(li2_device)) for M in (23, 41, 89, 127)}
        H = 500
        pairs = {M: (_t_at(r["baseline"], H), _t_at(r["ridge"], H)) for M, r in by_m.items()}
    else:
        S = seeds_for(li2_profile)
        if not baseline_gate(evidence, S):
            return
        H = 300
        base, ridge = fig12_runs(tuple(S))["real"], ridge_runs(tuple(S))
        pairs = {23: (_t_at(base, H), _t_at(ridge, H))}
        evidence.inconclusive("M = 41, 89, 127 at K = 256 (Figs 11/13) need the paper profile (GPU); not run here")
    for M, (tb, tr) in pairs.items():
        evidence.detail(f"Z{M}: t baseline / t ridge per seed ({H + 1} = never)", [tb.tolist(), tr.tolist()])
        d = censored_difference(tr, tb, H) if M == 23 else censored_difference(tb, tr, H)
        evidence.seed_vote(_rule(M), d, seeds=S, family=f"Z{M}",
                           what=f"Z{M}: ridge top layer groks {'later' if M == 23 else 'earlier'} than the baseline")
