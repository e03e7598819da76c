"""Fig 18 / Sec 3.2: zero-init of the top layer speeds up feature learning in multi-layer (residual) nets, often 10×.

Claim ``fig18.zero_init.multilayer_10x``. The paper's setting (Fig 18's caption): ReLU, MSE, Adam lr 5e-3,
η = 1e-4, K = 2048, one extra residual hidden layer; M is not given (we take M = 71, Fig 3's group). That scale is
too long for CI: ``paper`` trains it live, and ``fast`` and ``thorough`` read the same runs from the committed
evidence record ``evidence/fig18-zero-init-paper``
(:mod:`li2verify.experiments.run_record_specs.fig18_zero_init`, made by ``li2verify record run
fig18-zero-init-paper``) after re-training two of its units; without a usable record (absent, refused, not
reproduced) they are inconclusive with the reason.  One function, :func:`_decide`, applies the rule to the
feature-learning times of both.

History: before the record, ``fast`` and ``thorough`` had no run at this scale, and the CPU-scale analogue could not
decide: pilot runs (seeds 0-2, never the recorded seeds) of the same hyperparameters on Z_23 (K = 256, p = 0.5, 600
epochs; p = 0.8, 400 epochs) and Z_13 (K = 128, p = 0.6, 600 epochs) reached test accuracy 0.9 in no run of either
initialization (max test acc 0.04-0.13, chance 1/M), so no grokking epoch could be compared (:data:`PILOT`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.train.batched import train_conditions
from li2verify.train.empirical import censored_difference, t_grok
from li2verify.experiments.run_record_specs.fig18_zero_init import (FIG18_HORIZON, FIG18_NAME, FIG18_RECHECK_RULE,
                                                                     FIG18_SEEDS, fig18_train_config, t_by_condition)
from li2verify.experiments.seeds import VOTE_SEEDS

ZERO18 = claim(
    "fig18.zero_init.multilayer_10x",
    title="Zero-init speeds up feature learning in multi-layer nets, often 10× (Fig 18)",
    paper_ref="Sec 3.2; App. J.3, Fig 18",
    printed=r"In multi-layer setting, the boost brought up by \texttt{zero-init} is larger (Fig. 18), in particular "
            r"when data are scarce and the feature learning process becomes slow. The gap can be as large as "
            r"$10\times$ (e.g., 100 epochs versus 1000 epochs) when training on MSE loss. [Fig 18:] It is clear that "
            r"zero-initialization leads to much faster feature learning than regular initialization in multi-layer "
            r"settings (often $10\times$).",
    assumptions=[
        "Fig 18's caption: ReLU, MSE, Adam lr 5e-3, η = 1e-4, K = 2048, other_layers = 1 (one extra hidden layer "
        "with a residual connection, stacked as the paper's code stacks other_layers: F_2 = σ(F_1 + F_1W_2)), "
        "top-layer multiplier 0 vs 1, trained as the paper's code trains (protocol code: W ~ U(±1/√(2M)), "
        "class-centred MSE, seeded-shuffle split; the published script has other_layers but no top-layer "
        "multiplier, which is V's init scaled by 0 or 1). M is not printed: paper profile Z_71, p = 0.3 (scarce "
        "data), 1500 epochs, test acc every 10 epochs, seeds 10-24",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): feature learning time t = first "
        "epoch with test acc ≥ 0.9 (horizon + 1 if never). (a) zero-init is faster: t(regular) − t(zero) > 0, margin "
        "20 epochs (two evaluation intervals), both censored → undecided, ≥ 80% of seeds; (b) ‘often 10×’: "
        "t(regular)/t(zero) ≥ 10, margin 2, holds when ≥ 50% of seeds show it (‘often’); each part: ≤ half even "
        "counting undecided → counterexample, inconclusive otherwise",
        f"Setting (written 2026-12-07 before the record run): fast and thorough read the run record {FIG18_NAME} — "
        f"the paper profile's runs: Z_71, K = 2048, train fraction 0.3, ReLU, MSE, Adam lr 5e-3, η = 1e-4, one extra "
        f"residual hidden layer, protocol code, regular vs zero-init top layer (multiplier 1 vs 0), {FIG18_HORIZON} epochs, test "
        f"acc every 10 epochs, seeds {FIG18_SEEDS[0]}-{FIG18_SEEDS[-1]}, CPU float32, one thread; a program stops "
        "once all its seeds reach test acc 0.9, and each seed's row ends at its own first evaluation at 0.9, which "
        "is all the rule reads — only after it loads (digests, engine, definition) and two re-trained units "
        f"reproduce it ({FIG18_RECHECK_RULE}); then the rule above, unchanged, is applied to each seed's t read "
        f"from its recorded test-accuracy curve (never → {FIG18_HORIZON + 1}) exactly as to the paper profile's live runs. A record that is "
        "absent (not made yet), refused or not reproduced makes the check inconclusive with the reason",
    ],
    depends_on=["zero_init.signal_term.first_order"],
    notes="Protocol changed 2026-12-07, before any verdict, disclosed: the record was first defined and partly made "
          "under the text protocol with Sec 6's residual form F_2 = σ(F_1W_2) + F_1 (W ~ U(±1/√M), sample-centred "
          "MSE). Its 19 units (of 30) were an observation, never decided on: regular init reached test acc 0.9 at "
          "epochs 930-1060 (seeds 10-24), zero-init at 1010-1150 (seeds 10-13). Then it was noticed that the paper's "
          "code stacks other_layers as σ(F + FW_l) under its own protocol, the protocol Figs 15-17 are decided under; "
          "the record was redefined under the code protocol and restarted from no units. Its first two units "
          "(regular, seeds 10 and 11) never reached test acc 0.9 in 1500 epochs (max 0.016, memorization: train acc "
          "1.0). Seen then, and fixed before any further unit, disclosed: the 10× part counted a ratio whose "
          "regular run is censored at the horizon as a measurement, though it is only a lower bound; such a ratio "
          "now shows 10× when the bound clears the dead band (≥ 12) and is undecided otherwise (a change towards "
          "deciding less; the first part's difference was already a bound used only where it decides).",
)

R_FASTER = SeedRule("t(regular) − t(zero-init), epochs", 0.0, 20.0, ">=")
R_10X = SeedRule("t(regular) / t(zero-init)", 10.0, 2.0, ">=", k_frac=0.5)

PILOT = {"Z23 K=256 p=0.5 600 epochs": {"max test acc regular": [0.068, 0.042, 0.057],
                                         "max test acc zero-init": [0.045, 0.042, 0.049]},
         "Z23 K=256 p=0.8 400 epochs": {"max test acc regular": [0.104, 0.066, 0.075],
                                         "max test acc zero-init": [0.113, 0.132, 0.123]},
         "Z13 K=128 p=0.6 600 epochs": {"max test acc regular": [0.103, 0.059, 0.118],
                                         "max test acc zero-init": [0.088, 0.059, 0.088]}}


@lru_cache(maxsize=None)
def _runs(seeds: tuple, device: str):
    b = fig18_train_config(device)
    return train_conditions({"regular": b, "zero-init": b.replace(top_init=0.0)}, list(seeds))


def _decide(evidence, t_regular, t_zero, H: float, seeds) -> None:
    """The claim's rule (written 2026-12-01) on the feature-learning times per seed (horizon + 1 = never) at
    horizon ``H``: the one decision, from the paper profile's live runs or from the record."""
    tr, tz = np.asarray(t_regular, float), np.asarray(t_zero, float)
    evidence.detail("t zero-init per seed (horizon + 1 = never)", tz.tolist())
    evidence.detail("t regular per seed (horizon + 1 = never)", tr.tolist())
    evidence.seed_vote(R_FASTER, censored_difference(tr, tz, H), seeds=seeds, family="Z71 ReLU residual",
                       what="zero-init reaches test acc 0.9 earlier")
    ratio = np.where((tr > H) & (tz > H), np.nan, tr / tz)
    # a regular run censored at the horizon makes the ratio a lower bound: it shows 10× when the bound clears the
    # dead band, and decides nothing otherwise (never a count against 10×); a censored zero-init run makes it an
    # upper bound, which may count against
    ratio = np.where((tr > H) & (tz <= H) & (ratio < R_10X.threshold + R_10X.margin), np.nan, ratio)
    evidence.seed_vote(R_10X, ratio, seeds=seeds, family="Z71 ReLU residual", what="speed-up ≥ 10× (often)")


def _record_times(evidence):
    """``(seeds, t regular, t zero-init, horizon)`` from the evidence record (run_records.record_for_claim: its
    summary and re-check in the evidence); None (the reason recorded as inconclusive) when it is absent, refused or
    not reproduced."""
    from li2verify.experiments.run_records import record_for_claim

    rec = record_for_claim(evidence, FIG18_NAME)
    if rec is None:
        evidence.detail("CPU pilot before the record (seeds 0-2, Fig 18's hyperparameters at CPU width)", PILOT)
        return None
    seeds, t = t_by_condition(rec.arrays, rec.spec.units, rec.spec.config["stop_once_test_acc"])
    return seeds, t["regular"], t["zero-init"], float(rec.spec.config["train"]["epochs"])


@check(ZERO18, "empirical")
def test_zero_init_multilayer_speedup(evidence, li2_profile, li2_device):
    evidence.describe("Residual 3-layer ReLU nets (Fig 18's setting), zero-init vs regular top layer on matched "
                      "seeds: first epoch with test acc ≥ 0.9 per seed, its difference and ratio")
    if li2_profile.name != "paper":
        got = _record_times(evidence)
        if got is not None:
            seeds, tr, tz, H = got
            _decide(evidence, tr, tz, H, seeds)
        return
    S = VOTE_SEEDS[li2_profile]
    runs = _runs(tuple(S), str(li2_device))
    H = float(runs["regular"].config.epochs)
    _decide(evidence, t_grok(runs["regular"].metrics, runs["regular"].epochs),
            t_grok(runs["zero-init"].metrics, runs["zero-init"].epochs), H, S)
