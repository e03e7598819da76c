"""Sec 6, Stage II in deeper nets: 'the lowest layer learns first' and 'when layer l is learning, layer l' > l do not
learn since their input F_l' remains random noise'.

Claims ``sec6.layerwise.lowest_first`` and ``sec6.layerwise.upper_idle``, decided empirically on 3-layer ReLU nets
(L = 2 hidden layers, ``TrainConfig(layers=2)``: F_1 = σ(XW), F_2 = σ(F_1W_2), Ŷ = F_2V), the setting of Fig 10 and
of ``fig10.deeper.later_grokking_fourier_lowest_layer``, at the paper's scale: Z_71, K = 512, train fraction 0.3,
3000 epochs, seeds 10-14 (li2verify.experiments.run_record_specs.sec6_layerwise gives the source of each value).
``fast`` and ``thorough`` read the committed run record ``evidence/sec6-layerwise-paper`` (CI re-trains two sampled
seeds for their first 300 epochs); ``paper`` trains the same runs live.  'A layer is learning' is measured by its
relative weight change r_l(t) = ‖W_l(t) − W_l(s)‖/‖W_l(s)‖ (per seed, Frobenius) at the snapshot epochs;
t½(W_l) = first recorded epoch with r_l(t) ≥ ½ r_l(T).  Both claims are decided by one function each from the
recorded (or live) arrays.

Pilot (disclosed): before the rules were written, one run on seeds 0-4 (never the recorded seeds) of the fast
configuration sized the CPU budget: 1400 epochs took 21 s and all 5 seeds reached test acc ≥ 0.9 (epochs 550-910);
it also showed t½(W_1) = 27-28 and t½(W_2) = 13-14 epochs.  The rules below are the ones the brief proposed
(half-time difference), with dead bands from the snapshot grid, not from that outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from li2verify.experiments.run_record_specs.sec6_layerwise import (
    LAYERS, LAYERWISE_CONFIG, LAYERWISE_NAME, LAYERWISE_RECHECK_EPOCHS, LAYERWISE_SEEDS, T0, layerwise_arrays,
    layerwise_train_config)
from li2verify.experiments.run_records import record_for_claim
from li2verify.verify.claims import SeedRule, check, claim

_PRINTED = (r"Now the lowest layer receives meaningful backpropagated gradient $G_1$ that is related to the target label, "
            r"and it also exposes to input $X$. Therefore, the learning starts from there. Once layer $l$ learns decent "
            r"representation, layer $l + 1$ receives meaningful input $F_l$ and starts to learn, etc.")
_SETTING = ("3-layer ReLU nets (L = 2 hidden layers, F_1 = σ(XW), F_2 = σ(F_1W_2), Ŷ = F_2V; Sec 6's architecture, the "
            "setting of Fig 10), trained as the paper's code trains (protocol 'code': class-centred MSE, "
            "W ~ U(±1/√(2M)), the second hidden layer stacked as the code stacks it, F_2 = σ(F_1 + F_1W_2)), Adam. "
            "Decided at the paper's scale (setting fixed 2026-12-07, before the record run): Z_71, K = 512 per hidden "
            "layer, train fraction 0.3, lr 5e-3, η = 2e-3, 3000 epochs, seeds 10-14, one thread per run on CPU. "
            "Sources: Fig 10 and Sec 6 print no M, K, lr, η, split or horizon; K = 512, train fraction 0.3 (test_size "
            "0.7) and 3000 epochs are the paper code's defaults (config/dyn_madd.yaml), Z_71 is the group of Figs 3 and "
            "9, lr and η are this project's Fig 10 setting, on which the rules were written; train fraction 0.3 rather "
            "than 0.5 because a pilot seed (0, never recorded; accuracy only) generalised with no delay at 0.5 (test "
            "0.995 at epoch 100), not Fig 10's delayed generalisation, and memorised by epoch 75 then reached test 0.9 "
            "at epochs 200-250 at 0.3. fast and thorough read the committed run record "
            f"evidence/{LAYERWISE_NAME} (CI re-trains two sampled seeds for their first {LAYERWISE_RECHECK_EPOCHS} "
            "epochs: bitwise on the record's CPU, torch and threads, else within the record's stated tolerance); paper "
            "trains the same runs live. Without the record (not yet made, refused, or not reproduced) both claims are "
            "inconclusive with the reason. The runs of 2026-12-01/07 (notes) were at Z_23, K = 128, train fraction "
            "0.5, 1200 epochs")
_MEASURE = ("post-transient layer learning (rule of 2026-12-07): r_l(t) = ‖W_l(t) − W_l(t0)‖_F/‖W_l(t0)‖_F per seed "
            "(l = 1: W, l = 2: W_2) from t0 = 100 epochs, after Adam's first-epochs transient, recorded every 5 "
            "epochs to the horizon; t½(W_l) = first recorded epoch ≥ t0 with r_l(t) ≥ ½ r_l(T), T the horizon (the "
            "2026-12-01 measure from epoch 0 is recorded alongside). The 5-epoch grid beyond epoch 300 is new at the "
            "record's scale (written 2026-12-07 before the record run; the earlier runs recorded every 20 epochs "
            "after 300), so that the ±10-epoch dead band below is two grid intervals wherever the half-times fall")
_RUN = ("The record sec6-layerwise-paper (2026-12-07; Z_71, K = 512, train fraction 0.3, 3000 epochs, seeds 10-14): "
        "every seed learns the task (test acc ≥ 0.9 at epochs 200-210); post-transient t½(W_1) = 175-185 and "
        "t½(W_2) = 155-160, so t½(W_1) − t½(W_2) = +20…+30 epochs, and layer 2 has made q = 0.60-0.63 of its change "
        "when layer 1 is halfway: both rules, 0 of 5 seeds show it, 5 outside the dead band → refuted at this "
        "setting (the second layer's post-transient change leads the first). From epoch 0 the half-times are "
        "12 (W_1) and 7 (W_2), the same order. "
        "Run of 2026-12-01 (fast, seeds 10-14, 1200 epochs, 10-18 s of training): test acc ≥ 0.9 at epochs "
        "620/860/870/never/570; t½(W_1) = 27/28/27/27/27, t½(W_2) = 14/14/14/13/14, t½(V) = 20-21; q = r_2(t½(W_1))/r_2(T) "
        "= 0.84-0.85; both rules: 0 of 5 seeds show it, 5 outside the dead band → refuted. With --li2-perturb-init 1e-6: "
        "t½(W_1) = 26-28, t½(W_2) = 13-14, q = 0.84-0.86, same verdicts. Not decisive, recorded: the early half-times "
        "fall in Adam's first-epochs transient (every layer, V included, moves from step 1); after epoch 100 layer 1 "
        "still changes by +0.32 (relative to its init norm) and layer 2 by only +0.03-0.04, i.e. the late, grokking-"
        "phase change is in the lowest layer. A rule restricted to the post-transient phase was not fixed before "
        "the run and is not used here. Re-decided 2026-12-07 (rule change after that outcome, disclosed): the "
        "half-times of 2026-12-01 (13-28 epochs) all fell inside Adam's first-epochs transient, which the statement "
        "(gradient dynamics after Stage I) is not about; the measure now starts at t0 = 100 epochs, a value "
        "chosen knowing those half-times and the late changes above, and the runs use the paper code's protocol. "
        "The thresholds and dead bands are unchanged. Run of 2026-12-07 under the code protocol (with the code's "
        "deeper layer σ(F_1 + F_1W_2)): only 1 of 5 seeds reached test acc 0.9 within 1200 epochs (epoch 1190); "
        "post-transient t½(W_1) 290-320, t½(W_2) 240-245 (d = +50…+80, 0 of 5 show 'lowest first'), q = 0.58-0.62. "
        "After seeing this, a baseline precondition was added (the nets must learn the task: test acc ≥ 0.9 within "
        "the horizon in ≥ 80 % of seeds, else inconclusive, 'baseline not reproduced'): the statement is about "
        "Stage II, which runs that never learn the task do not complete. "
        "Moved to the paper's scale 2026-12-07 (before the record run): fast and thorough were inconclusive "
        "('baseline not reproduced', 0-1 of 5 seeds at test acc 0.9 within 1200 epochs at Z_23, K = 128) because "
        "the runs were below the paper's scale, not because of the statement; they now read the run record "
        f"{LAYERWISE_NAME} (setting and sources in the assumptions). Rules, thresholds, dead bands, t0 and the "
        "baseline precondition are unchanged; new at that scale: the 5-epoch snapshot grid to the horizon (was every "
        "20 epochs after 300), and the setting itself, whose train fraction 0.3 was chosen after a pilot on seed 0 "
        "(accuracy only, no layer measure) showed no delayed generalisation at 0.5.")

LOWEST = claim(
    "sec6.layerwise.lowest_first",
    title="Deeper nets: the lowest layer learns first (Sec 6, Stage II)",
    paper_ref="Sec 6, Stage II (after Eqn 11)",
    printed=_PRINTED,
    assumptions=[
        _SETTING,
        _MEASURE,
        "Decision rule (dead-band seed rule, written 2026-12-01; its measure changed 2026-12-07 to the "
        "post-transient one above, after seeing the 2026-12-01 outcome, see the notes): per seed "
        "d = t½(W_1) − t½(W_2) in epochs; the lowest layer learns first when d ≤ −10 (dead band ±10 epochs: two "
        "intervals of the 5-epoch snapshot grid), holds "
        "when ≥ 80% of seeds show it; ≤ half even counting undecided seeds → counterexample; inconclusive otherwise",
        "Baseline precondition (rule of 2026-12-07, written after the Z_23 outcome in the notes): the 3-layer nets "
        "must learn the task, test acc ≥ 0.9 within the horizon in ≥ 80 % of the seeds (dead band 0.03), else "
        "inconclusive ('baseline not reproduced')",
        "scope: the statement is derived for gradient dynamics after Stage I; the runs use Adam (the paper's "
        "experiments' optimizer), whose per-coordinate normalization moves every layer from the first step",
    ],
    depends_on=["sec6.iterated.gl_form"],
    notes=_RUN,
)

IDLE = claim(
    "sec6.layerwise.upper_idle",
    title="Deeper nets: while layer l learns, the layers above do not (Sec 6, Stage II)",
    paper_ref="Sec 6, Stage II (after Eqn 11)",
    printed=r"When layer $l$ is learning, layer $l' > l$ do not learn since their input $F_{l'}$ remains random noise.",
    assumptions=[
        _SETTING,
        _MEASURE,
        "Decision rule (dead-band seed rule, written 2026-12-01; its measure changed 2026-12-07 to the "
        "post-transient one above, after seeing the 2026-12-01 outcome, see the notes): per seed "
        "q = r_2(t½(W_1)) / r_2(T), the fraction of layer 2's final relative change already made when layer 1 is "
        "halfway through its own; layer 2 is idle while layer 1 learns when q ≤ 0.5 (dead band ±0.1), holds when "
        "≥ 80% of seeds show it; ≤ half even counting undecided seeds → counterexample; inconclusive otherwise",
        "Baseline precondition (rule of 2026-12-07, written after the Z_23 outcome in the notes): the 3-layer nets "
        "must learn the task, test acc ≥ 0.9 within the horizon in ≥ 80 % of the seeds (dead band 0.03), else "
        "inconclusive ('baseline not reproduced')",
        "scope: as for sec6.layerwise.lowest_first (Adam moves every layer from the first step)",
    ],
    depends_on=["sec6.layerwise.lowest_first"],
    notes=_RUN,
)

R_FIRST = SeedRule("t½(W_1) − t½(W_2), epochs", 0.0, 10.0, "<=")
R_IDLE = SeedRule("r_2(t½(W_1)) / r_2(T)", 0.5, 0.1, "<=")
#: the family's baseline (rule of 2026-12-07, written after the outcome below): the 3-layer nets learn the task —
#: test acc ≥ 0.9 within the horizon in ≥ 80 % of the seeds; otherwise Stage II was not reached and the layerwise
#: rules decide nothing ("baseline not reproduced")
R_BASE = SeedRule("max test acc within the horizon (3-layer net learns the task)", 0.9, 0.03, ">=")


def _baseline_gate(evidence, acc_max) -> bool:
    votes = [R_BASE.vote(x) for x in acc_max]
    ok = votes.count(True) >= R_BASE.k_min(len(votes))
    evidence.detail("max test acc within the horizon per seed (baseline: the net learns the task)", list(acc_max))
    if not ok:
        evidence.inconclusive(f"baseline not reproduced: {votes.count(True)} of {len(votes)} seeds reach test acc 0.9 "
                              f"within the horizon ({R_BASE.describe()}); the layer order of Stage II is not decided "
                              "on runs that never complete it")
    return ok


@dataclass(frozen=True)
class LayerRuns:
    """The runs the claims decide on, from the record or trained live: series with epochs on axis 0, seeds on 1."""

    where: str
    config: dict                    # the record's (or the live runs') configuration
    seeds: list[int]
    ep: np.ndarray                  # snapshot epochs
    r: dict[str, np.ndarray]        # r_l from epoch 0, (E, S)
    ept: np.ndarray                 # snapshot epochs ≥ T0
    rp: dict[str, np.ndarray]       # r_l from T0, (E', S)
    eval_ep: np.ndarray
    test_acc: np.ndarray            # (E_eval, S)

    @property
    def acc_max(self) -> list[float]:
        return [float(x) for x in np.nanmax(self.test_acc, 0)]

    @property
    def groks(self) -> list[int | None]:
        return [int(self.eval_ep[np.argmax(a >= 0.9)]) if np.nanmax(a) >= 0.9 else None for a in self.test_acc.T]


def _from_arrays(a: dict, config: dict, seeds: list[int], where: str) -> LayerRuns:
    """The record's arrays (one row per seed, li2verify.experiments.run_record_specs.sec6_layerwise) as LayerRuns."""
    return LayerRuns(where, config, list(seeds), a["snapshot_epochs"][0], {n: a[f"r_{n}"].T for n in LAYERS},
                     a["post_epochs"][0], {n: a[f"rp_{n}"].T for n in LAYERS}, a["eval_epochs"][0], a["test_acc"].T)


@lru_cache(maxsize=None)
def _live(device: str) -> LayerRuns:
    cfg = layerwise_train_config(LAYERWISE_CONFIG, list(LAYERWISE_SEEDS), device)
    arrays, secs = layerwise_arrays(cfg, T0)
    return _from_arrays(arrays, LAYERWISE_CONFIG, cfg.seeds, f"trained live on {device} ({secs:.0f} s)")


def _layer_runs(evidence, profile, device) -> LayerRuns | None:
    """The record's runs in fast/thorough, the same runs trained live in paper; None (inconclusive with the
    reason) when the record is absent, refused or not reproduced."""
    if profile.name == "paper":
        return _live(str(device))
    rec = record_for_claim(evidence, LAYERWISE_NAME)
    if rec is None:
        return None
    return _from_arrays(rec.arrays, rec.spec.config, [u["seed"] for u in rec.spec.units], f"evidence record {rec.path}")


def _half_time(ep: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.array([float(ep[int(np.argmax(r[:, s] >= 0.5 * r[-1, s]))]) for s in range(r.shape[1])])


def lowest_first_values(runs: LayerRuns) -> np.ndarray:
    """Per seed d = t½(W_1) − t½(W_2) of the post-transient measure (the value R_FIRST decides)."""
    return _half_time(runs.ept, runs.rp["W"]) - _half_time(runs.ept, runs.rp["W2"])


def upper_idle_values(runs: LayerRuns) -> np.ndarray:
    """Per seed q = r_2(t½(W_1)) / r_2(T) of the post-transient measure (the value R_IDLE decides)."""
    t1 = _half_time(runs.ept, runs.rp["W"])
    rp2 = runs.rp["W2"]
    return np.array([rp2[int(np.searchsorted(runs.ept, t)), s] / rp2[-1, s] for s, t in enumerate(t1)])


def _family(c: dict) -> str:
    return f"Z{c['group']} ReLU L={c['layers']} K={c['hidden']}"


def _common_details(evidence, runs: LayerRuns):
    c = runs.config
    evidence.detail("setting", f"Z_{c['group']}, K = {c['hidden']}, train fraction {c['train_frac']}, lr {c['lr']}, "
                               f"η = {c['wd']}, {c['epochs']} epochs, seeds {runs.seeds}; {runs.where}")
    evidence.detail("first epoch with test acc ≥ 0.9 per seed (None: never)", runs.groks)
    ep, r, rp = runs.ep, runs.r, runs.rp
    for name, lab in (("W", "r_1 (W)"), ("W2", "r_2 (W_2)"), ("V", "r_V (top)")):
        evidence.detail(f"{lab} at the horizon per seed", r[name][-1].tolist())
        evidence.detail(f"t½ {lab} per seed", _half_time(ep, r[name]).tolist())
    i100 = int(np.searchsorted(ep, 100))
    evidence.detail("late change r(T) − r(100) per seed: layer 1, layer 2 (not decisive)",
                    [(r["W"][-1] - r["W"][i100]).tolist(), (r["W2"][-1] - r["W2"][i100]).tolist()])
    for name, lab in (("W", "r_1 (W)"), ("W2", "r_2 (W_2)"), ("V", "r_V (top)")):
        evidence.detail(f"post-transient {lab} from epoch {T0} at the horizon per seed", rp[name][-1].tolist())
        evidence.detail(f"post-transient t½ {lab} per seed", _half_time(runs.ept, rp[name]).tolist())


@check(LOWEST, "empirical")
def test_lowest_layer_learns_first(evidence, li2_profile, li2_device):
    evidence.describe("3-layer ReLU nets at the paper's scale (the evidence record, or live in paper): relative weight "
                      "change of the two hidden layers over epochs; per seed t½(W_1) − t½(W_2) under the dead-band "
                      "rule of the claim")
    runs = _layer_runs(evidence, li2_profile, li2_device)
    if runs is None:
        return
    _common_details(evidence, runs)
    if not _baseline_gate(evidence, runs.acc_max):
        return
    evidence.seed_vote(R_FIRST, lowest_first_values(runs), seeds=runs.seeds, family=_family(runs.config),
                       what="layer 1 reaches half its final change before layer 2")


@check(IDLE, "empirical")
def test_upper_layer_idle_while_lowest_learns(evidence, li2_profile, li2_device):
    evidence.describe("same runs: fraction of layer 2's final relative change made by the epoch at which layer 1 "
                      "has made half of its own, under the dead-band rule of the claim")
    runs = _layer_runs(evidence, li2_profile, li2_device)
    if runs is None:
        return
    _common_details(evidence, runs)
    if not _baseline_gate(evidence, runs.acc_max):
        return
    evidence.seed_vote(R_IDLE, upper_idle_values(runs), seeds=runs.seeds, family=_family(runs.config),
                       what="layer 2 has made ≤ half its change while layer 1 is halfway")
