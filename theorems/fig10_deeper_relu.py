"""Fig 10 (Sec 6): deeper ReLU nets grok later and their lowest layer still learns (distorted) Fourier features — the
claim ``fig10.deeper.later_grokking_fourier_lowest_layer`` and its check. Seeds, the grokking epoch, the decision
rules and the plot are shared with the other training-variant modules (``li2verify/experiments/training_variants.py``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.train.batched import train_conditions
from li2verify.train.presets import figure_conditions
from li2verify.train.empirical import censored_difference, t_grok
from li2verify.experiments.training_variants import plot_acc, seeds_for, t_grok_90


DEEP = claim(
    "fig10.deeper.later_grokking_fourier_lowest_layer",
    title="Deeper ReLU nets grok later; the lowest layer still learns (distorted) Fourier features (Fig 10, Sec 6)",
    paper_ref="Fig 10; Sec 6",
    printed=r"Training modular addition tasks with 2, 3 and 4 layer network with ReLU activations. [...] With more "
            r"layers, the training takes longer and grokking (delayed generalization) becomes more prominent. "
            r"However, features at the lowest layer remain (distorted version) of Fourier bases, which are "
            r"consistent with the analysis in Sec. 6.",
    depends_on=["fig3.grokking.weight_decay"],
    assumptions=[
        "The caption's hypotheses: modular addition, 2-, 3- and 4-layer networks (L = 1, 2, 3 hidden layers, no "
        "residual), ReLU. CPU scale (the caption gives no sizes): Z_23, K=256 per hidden layer, p=0.5, MSE, Adam lr "
        "5e-3, η=2e-3; horizon 1600 epochs (pilot seeds 0-2, see notes), test acc every 10 epochs; seeds 10-14 "
        "(thorough 10-19, paper 10-24)",
        "Fourier concentration of the first layer: per node, the largest fraction of ‖P1⊥w_j‖² (both input blocks) "
        "in one real isotypic subspace of Z_23 (li2verify.groups.irreps or the explicit Fourier basis), averaged over nodes; "
        "random init gives ≈ 0.22 at M = 23",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the recorded run): ‘groks’ at test acc 0.9, "
        "the level of every other empirical check; t_d = first epoch with test acc ≥ 0.9 for depth d, horizon + 1 "
        "(1601) if never. (a) ‘with more layers the training takes longer’: per seed the value min(t_3 − t_2, "
        "t_4 − t_3) > 0 epochs, margin 20 epochs (two evaluation intervals); a difference between two runs that "
        "both never reach 0.9 is undecided (NaN), and the value is NaN when a difference is NaN and no other one "
        "is negative; (b) for every depth, final/init first-layer Fourier concentration ≥ 2, margin 0.2 (10%). Each "
        "part: ≥ 80% of seeds → holds; ≤ half even counting undecided → counterexample; inconclusive otherwise. "
        "‘Grokking becomes more prominent’ (the delay t_grok − t_mem by depth) is recorded, not decided: a depth "
        "that never groks has no delay to compare",
    ],
    notes="Re-decided 2026-12-07 under the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M)), deeper "
          "layers σ(F + FW_l) as the code stacks them), rule unchanged: Fourier concentration 2.6-3.6× init at every "
          "depth, t_grok increases with depth in 4 of 5 seeds (1 undecided) → verified (unchanged). History. Audit: the first version read t_grok at test acc 0.5 with 2 seeds and turned a 1–1 "
          "split into a refutation; it then required a strict majority against, raised fast to 3 seeds and "
          "formulated a corrected statement (‘3-layer nets need not grok later than 2-layer ones’) from audit runs "
          "at the 0.5 threshold; the committed fast status was refuted (seeds 10-12, t_grok(0.5) 2/3/4 layers "
          "400/240/290, 240/250/never, 270/190/never; final test acc 2 layers 0.88-1.0, 3 layers 0.77-0.85, 4 "
          "layers 0.06-0.62). "
          "Rule written 2026-12-01 before the recorded run: the 0.5 level is replaced by the 0.9 ‘groks’ level of "
          "the other checks (at 0.5 a 3-layer net that plateaus at 0.8 counts as grokked earlier than a 2-layer net "
          "that reaches 1.0). The horizon was chosen from a pilot on seeds 0-2 (never the recorded seeds) at 1600 "
          "epochs: t_grok(0.9) 2 layers 400/350/360, 3 layers 920/870/1380, 4 layers never (test acc ≤ 0.65); at "
          "800 epochs no 3-layer pilot seed had reached 0.9, so 3 vs 4 layers could not be ordered (both censored) "
          "and 1600 is the shortest horizon of the pilot at which all 3-layer seeds grok. An independent "
          "re-implementation (issue) at 800 epochs with 5 seeds had the printed ordering in 5/5 seeds at 0.9 "
          "counting ties at the horizon (median 365/801/801). The corrected statement is withdrawn: it was an "
          "artifact of the 0.5 threshold; the claim is decided on the printed statement alone. "
          "Run of 2026-12-01 (fast, seeds 10-14, 1600 epochs): t_grok(0.9) 2 layers 1250/370/400/630/430, 3 layers "
          "1100/1200/990/1410/850, 4 layers never (final test acc 0.08-0.88); ordering value −150/401/590/191/420 → "
          "4 of 5 seeds show it (seed 10: its 2-layer net grokked late, at 1250) → verified; first-layer Fourier "
          "concentration final/init 3.4-3.8 at every depth (5/5). With LI2_INIT_PERTURBATION=1e-6: seed 10's "
          "2-layer net grokked at 900 and the ordering values were 250/501/581/241/490 (5/5) → verified. Per-seed "
          "grokking epochs of these ReLU nets move by hundreds of epochs under a 1e-6 change of the init, so the "
          "verdict rests on the count, which is 4-5 of 5 with every shown seed ≥ 190 epochs from the band. Committed "
          "fast status refuted → verified: the refutation came from the 0.5 threshold and a 1–1/2–1 seed split; at "
          "the 0.9 ‘groks’ level the printed ordering holds.",
)


@lru_cache(maxsize=None)
def _deep_runs(seeds: tuple, epochs: int = 1600):
    """Fig 10's CPU setting and conditions (:mod:`li2verify.train.presets`: 2/3/4 layers)."""
    return train_conditions(figure_conditions("fig10", "cpu", epochs=epochs, probes=["fourier"], probe_every=200,
                                              eval_every=10), list(seeds))


R_DEPTH = SeedRule("min(t_3 − t_2, t_4 − t_3), t_d = first epoch with test acc ≥ 0.9 (horizon + 1 if never)", 0.0,
                   20.0, ">=")
R_FOURIER = SeedRule("final / init first-layer Fourier concentration", 2.0, 0.2, ">=")


def _ordering_value(t: np.ndarray, horizon: float) -> np.ndarray:
    """Per seed min over consecutive depths of t_{d+1} − t_d; a difference of two censored runs is NaN, and the
    value is NaN when one is NaN unless another difference is already negative (a measured violation)."""
    diffs = np.stack([censored_difference(t[i + 1], t[i], horizon) for i in range(t.shape[0] - 1)])
    out = []
    for col in diffs.T:
        fin = col[np.isfinite(col)]
        if fin.size and fin.min() < 0:
            out.append(float(fin.min()))
        elif fin.size < col.size:
            out.append(float("nan"))
        else:
            out.append(float(col.min()))
    return np.array(out)


@check(DEEP, "empirical")
def test_deeper_relu_nets_grok_later_and_lowest_layer_is_fourier(evidence, li2_profile):
    evidence.describe("2-, 3-, 4-layer ReLU nets on matched seeds: grokking epochs (test acc 0.9) by depth, and the "
                      "Fourier (isotypic) concentration of the first-layer weights before and after training")
    S = seeds_for(li2_profile)
    runs = _deep_runs(tuple(S))
    H = float(runs["2-layer"].config.epochs)
    for c, r in runs.items():
        fc0, fc1 = r.metrics["fourier_conc"][0], r.metrics["fourier_conc"][-1]
        tg, tm = t_grok_90(r), t_grok(r.metrics, r.epochs, 0.99, "train_acc")
        evidence.detail(f"{c}: t_grok(test ≥ 0.9) per seed ({H + 1:g} = never)", tg.tolist())
        evidence.detail(f"{c}: t_mem(train ≥ 0.99) per seed ({H + 1:g} = never)", tm.tolist())
        evidence.detail(f"{c}: delay t_grok − t_mem where both reached (recorded, not decided)",
                        [float(a - b) if a <= H and b <= H else None for a, b in zip(tg, tm)])
        evidence.detail(f"{c}: final test acc per seed", r.metrics["test_acc"][-1].tolist())
        evidence.detail(f"{c}: Fourier concentration init → final", [fc0.tolist(), fc1.tolist()])
        evidence.seed_vote(R_FOURIER, fc1 / fc0, seeds=S, family=f"Z23 ReLU {c}",
                           what=f"{c}: first-layer Fourier concentration ≥ 2× init")
    t = np.stack([t_grok_90(runs[c]) for c in ("2-layer", "3-layer", "4-layer")])  # (3, S)
    evidence.detail("median t_grok(0.9) for 2/3/4 layers", np.median(t, 1).tolist())
    evidence.seed_vote(R_DEPTH, _ordering_value(t, H), seeds=S, family="Z23 ReLU",
                       what="t_grok(0.9) increases with depth (2 < 3 < 4 layers)", t_grok=t.tolist())
    evidence.plot(plot_acc(runs, "Z23 ReLU: 2/3/4 layers"), f"median over {len(S)} seeds")
