"""Figs 6-7 (Sec 4.5, ‘Boundary of generalization and memorization’): near the critical training fraction, a
small learning rate ends in generalizing solutions (Fourier features, low E) and a large one in memorization
(higher E) — the claims ``fig6.lr_generalization.small_lr_gsol`` and ``fig6.lr_generalization.large_lr_higher_energy``,
each followed by its check (one set of runs).

Runs (``li2verify.experiments.learning_rate.lr_rows``, the sweep engine): Z_23 at p = 0.35 (inside the boundary
band of the pilot), K = 256, σ = x², the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M))), full-batch Adam, η = 2e-3; each learning rate trained for 4/lr epochs (the same
‘time’ lr·t for every rate); the same seeds (same split, same initial weights) for every rate, so each seed is a
paired comparison.
"""

from __future__ import annotations

import numpy as np

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.experiments.seeds import LR_SEEDS
from li2verify.experiments.learning_rate import (LR_GROUP, LR_K, LR_P, LR_PROTOCOL, LR_TIME, LR_WD, LRS,
                                                 fourier_mass, lr_epochs, lr_rows)

# Decision rules (written before the recorded run, seeds 20-25 in fast; see the notes for the pilot).
R_GSOL = SeedRule("best test acc(small lr) − best test acc(large lr), same seed", 0.0, 0.03, ">=")
R_ENERGY = SeedRule("log(Ê_unit(large lr) / Ê_unit(small lr)) over live nodes, same seed", 0.0, 0.05, ">=")
#: a node is live when ‖w_j‖ ≥ LIVE_FRAC · max_k ‖w_k‖ (the nodes weight decay has not shrunk away)
LIVE_FRAC = 0.1
#: the claim's regime: the large rate's runs are memorizing (best test acc < 0.9 − 0.03) in ≥ 80 % of the seeds
R_REGIME = SeedRule("best test acc at the large lr (memorization: below 0.9)", 0.9, 0.03, "<=")

LR = claim(
    "fig6.lr_generalization.small_lr_gsol",
    title="Near the boundary, a small learning rate ends in generalizing solutions more often than a large one "
          "(Figs 6-7)",
    paper_ref="Fig 6 and Fig 7 captions; Sec 4.5 ‘Boundary of generalization and memorization’",
    printed=r"Around this critical region, small learning rate more likely lead to $gsol$, due to the fact that "
            r"small learning rate keeps the trajectory staying within the basin towards $gsol$, while large learning "
            r"rate converges to solutions with higher $\mathcal{E}$ (Fig. 7). [Fig 7:] Adam optimizer with small "
            r"learning rate (0.001, left) and (0.002, middle) leads to generalizable solutions (Fourier bases) with "
            r"low $\mathcal{E}$, while with large learning rate (0.005, right), Adam found non-generalizable "
            r"solutions (e.g., memorization) with much higher $\mathcal{E}$.",
    assumptions=[
        f"CPU scale: {LR_GROUP} at p = {LR_P} (n = 185), K = {LR_K}, σ = x², the paper code's protocol (class-centred "
        f"MSE with the 1/n scale, W ~ U(±1/√(2M)); re-decided 2026-12-07, rule unchanged), full-batch "
        f"Adam, η = {LR_WD:g}; learning rates fast {LRS['fast']}, thorough {LRS['thorough']}; each trained for "
        f"{LR_TIME:g}/lr epochs (the same lr·t); seeds 20-25 (fast), 20-29 (thorough), 20-34 (paper); the same "
        "seed has the same split and initial weights at every learning rate (the paper: M = 23, 71, 127, K = 1024, "
        "15 seeds; Fig 7: M = 127, n = 3225)",
        "gsol/ngsol: best test accuracy within the horizon (test accuracy 100 times per run); Fourier features: "
        "the norm-weighted isotypic concentration of the learned first-layer nodes (li2verify.experiments.learning_rate.fourier_mass; "
        "1 for Thm 2's maximizers); E: Ê(w_j/‖w_j‖) = ½‖Ỹᵀσ(Xw_j)‖²/‖w_j‖⁴ on the training pairs (Eqn 7 on the "
        "sample, the engine's energy_unit), mean over the K nodes — the landscape's value on the unit sphere, "
        "comparable across runs whose weight norms differ; the unnormalized mean E is recorded alongside",
        "Decision rule (dead-band seed rule, written before the recorded run): small lr more likely gsol: per "
        "seed, best test acc at the smallest lr of the profile minus that at the largest ≥ 0, margin 0.03 (≈ 10 "
        "of the 344 test pairs). Holds when ≥ 80% of the seeds show it outside the band, a counterexample when at "
        "most half do even counting the undecided, inconclusive otherwise",
    ],
    notes="Pilot (seeds 0-7 and 10-15, before the rule; disclosed): with the SAME number of epochs for every "
          "learning rate (1000 or 2000 epochs, η = 2e-3 or 5e-4) the small rates had not yet grokked and the LARGER "
          "rate generalized more often — a comparison of speeds (grokking time ∝ 1/(lr·η)), not of end points; with "
          "epochs = 4/lr (equal lr·t) the small rates generalized in 5-6 of 6 seeds and lr 2e-2 in 0-1 of 6 (seeds "
          "10-15: best test acc 0.89/0.98/0.90/0.76/0.94/0.94 at 2e-3 vs 0.51/0.70/0.50/0.90/0.29/0.35 at 2e-2), and "
          "Ê_unit was LOWER at the large rate (≈ 0.82 vs ≈ 2.0; unnormalized mean E 1.00 vs 1.07). The horizon "
          "4/lr and the seeds 20+ of the recorded run were fixed after that pilot; the rule's thresholds are the "
          "neutral ones (0 difference), not tuned to it. The two parts of the printed sentence (gsol vs ngsol; "
          "higher E) were one claim with two seed votes until the first recorded run; they are two claims so that "
          "each status says which part it is about (rules unchanged).",
)

_ASSUME_E = [
    "The runs, seeds and scale of fig6.lr_generalization.small_lr_gsol (the paper code's protocol)",
    "Decision rule (dead-band seed rule, rewritten 2026-12-07 before the run under the code protocol; the "
    "earlier rule averaged over all K nodes, see the notes): (regime) the sentence is about the large rate's "
    "memorizing solutions: the large rate's best test acc ≤ 0.9 with a dead band 0.03 in ≥ 80 % of the seeds, "
    "else inconclusive (the memorization regime was not reached); (energy) per seed "
    "log(Ê_unit(largest lr)/Ê_unit(smallest lr)) ≥ 0, margin 0.05 (5%), Ê_unit = mean over the LIVE nodes "
    "(‖w_j‖ ≥ 0.1·max_k ‖w_k‖) of Ê(w_j/‖w_j‖) on the training pairs (the landscape's value on the unit sphere); "
    "the all-node mean and the unnormalized live-node mean E are recorded alongside. Holds when ≥ 80% of the "
    "seeds show it outside the band, a counterexample when at most half do even counting the undecided, "
    "inconclusive otherwise",
]

LR_E = claim(
    "fig6.lr_generalization.large_lr_higher_energy",
    title="Near the boundary, the large learning rate's (memorizing) solutions have higher E (Fig 7)",
    paper_ref="Fig 6 and Fig 7 captions; Sec 4.5 ‘Boundary of generalization and memorization’",
    printed=LR.printed,
    depends_on=["fig6.lr_generalization.small_lr_gsol"],
    assumptions=_ASSUME_E,
    notes="E of the learned nodes depends on their norm (degree 4 for σ = x²); the unit-sphere value is the one "
          "Thm 2's landscape ranks maxima by. Both readings are recorded. Changed 2026-12-07 after a refutation: "
          "that verdict (text protocol) averaged Ê_unit over all K nodes, most of which weight decay had shrunk "
          "at the small rate (their unit directions are random, with low Ê), so it compared the number of dead "
          "nodes rather than the solutions' energy; an independent review measured the opposite sign over live "
          "nodes. The rule now averages over live nodes, requires the memorization regime, and the runs use the "
          "code's protocol; a pilot of the code-protocol runs (seeds 20-25) was seen before this rule was "
          "written: small lr best test acc 0.98-1.0, large lr 0.07-0.44, all-node Ê_unit ≈ 2.0 vs ≈ 0.95.",
)


def _per_seed(rows, key):
    return np.array([r[key] for r in rows], float)


@check(LR, "empirical")
def test_small_lr_generalizes_large_lr_memorizes(evidence, li2_profile, li2_device):
    evidence.describe("Train the same seeds (same split, same initial weights) at each learning rate for the same "
                      "lr·t near the boundary; compare per seed the best test accuracy (gsol vs ngsol), the Fourier "
                      "concentration of the learned nodes and their energy Ê on the unit sphere")
    runs = lr_rows(li2_profile.name, li2_device)
    lrs = sorted(runs)
    seeds = LR_SEEDS[li2_profile.name]
    table = []
    for lr in lrs:
        rows = runs[lr]
        acc = _per_seed(rows, "best_test_acc")
        four = [fourier_mass(r["params"]["W"].double().numpy(), LR_GROUP) for r in rows]
        table.append({"lr": lr, "epochs": lr_epochs(lr), "best test acc per seed": np.round(acc, 3).tolist(),
                      "gsol (best test acc ≥ 0.9)": f"{int(np.sum(acc >= 0.9))}/{len(acc)}",
                      "final train acc per seed": np.round(_per_seed(rows, "train_acc"), 3).tolist(),
                      "Fourier concentration per seed": np.round(four, 3).tolist(),
                      "Ê_unit per seed": np.round(_per_seed(rows, "energy_unit"), 4).tolist(),
                      "mean E (unnormalized) per seed": np.round(_per_seed(rows, "energy"), 4).tolist()})
    evidence.detail("per learning rate", table)
    evidence.detail("scale", f"{LR_GROUP}, p = {LR_P}, K = {LR_K}, η = {LR_WD:g}, epochs = {LR_TIME:g}/lr, "
                             f"seeds {seeds}, profile {li2_profile.name}")
    small, large = runs[lrs[0]], runs[lrs[-1]]
    fam = f"{LR_GROUP} p={LR_P}"
    d_acc = _per_seed(small, "best_test_acc") - _per_seed(large, "best_test_acc")
    evidence.seed_vote(R_GSOL, d_acc, seeds=seeds, family=fam,
                       what=f"lr {lrs[0]:g} reaches a better test accuracy than lr {lrs[-1]:g} (gsol vs ngsol)")
    evidence.plot(_figure(table), "Figs 6-7 at CPU scale: fraction of generalizing seeds, Fourier concentration "
                                  "and Ê of the learned nodes against the learning rate")


@check(LR_E, "empirical")
def test_large_lr_solutions_have_higher_energy(evidence, li2_profile, li2_device):
    evidence.describe("The same runs: per seed, the energy of the learned nodes on the unit sphere (Ê(w/‖w‖) on the "
                      "training pairs, mean over nodes) at the largest against the smallest learning rate")
    runs = lr_rows(li2_profile.name, li2_device)
    lrs = sorted(runs)
    seeds = LR_SEEDS[li2_profile.name]
    small, large = runs[lrs[0]], runs[lrs[-1]]
    for lr in (lrs[0], lrs[-1]):
        evidence.detail(f"lr {lr:g}: Ê_unit, mean E (unnormalized), best test acc per seed",
                        [np.round(_per_seed(runs[lr], k), 4).tolist() for k in ("energy_unit", "energy",
                                                                                 "best_test_acc")])
    evidence.detail("log(all-node Ê_unit(large lr) / all-node Ê_unit(small lr)) per seed (the earlier reading, "
                    "recorded only)",
                    np.round(np.log(_per_seed(large, "energy_unit") / _per_seed(small, "energy_unit")), 4).tolist())
    regime = evidence.seed_vote(R_REGIME, _per_seed(large, "best_test_acc"), seeds=seeds,
                                family=f"{LR_GROUP} p={LR_P} lr {lrs[-1]:g}",
                                what=f"lr {lrs[-1]:g} ends in non-generalizing solutions (the claim's regime)")
    (eu_s, er_s, n_s), (eu_l, er_l, n_l) = (_live_energy(r) for r in (small, large))
    evidence.detail("live nodes per seed (small lr, large lr)", [n_s.tolist(), n_l.tolist()])
    evidence.detail("live-node Ê_unit per seed (small lr, large lr)", [eu_s.round(4).tolist(), eu_l.round(4).tolist()])
    evidence.detail("log(live-node mean E(large) / (small)) per seed, unnormalized (recorded only)",
                    np.round(np.log(er_l / er_s), 4).tolist())
    if regime is not True:
        evidence.inconclusive("the memorization regime of the sentence was not reached at the large learning rate "
                              "(see the regime vote); the energy comparison is recorded but decides nothing")
        return
    evidence.seed_vote(R_ENERGY, np.log(eu_l / eu_s), seeds=seeds, family=f"{LR_GROUP} p={LR_P}",
                       what=f"lr {lrs[-1]:g} ends at a higher live-node Ê (unit sphere) than lr {lrs[0]:g}")


def _live_energy(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per seed: mean over live nodes (‖w_j‖ ≥ LIVE_FRAC·max ‖w‖) of Ê(w_j/‖w_j‖) and of E(w_j) on the seed's training
    pairs (Eqn 7, :func:`li2verify.train.probes.node_energy`; σ = x², so Ê(w/‖w‖) = E(w)/‖w‖⁴), and the live count."""
    import torch

    from li2verify.train import TrainConfig
    from li2verify.train.data import make_split, resolve_group
    from li2verify.train.models import Batch, hidden, one_hot
    from li2verify.train.probes import node_energy

    G = resolve_group(LR_GROUP)
    eu, er, nl = [], [], []
    for r in rows:
        sp = make_split(G, int(r["n"]), int(r["seed"]))
        t = lambda x: torch.as_tensor(x, dtype=torch.int64)[None]  # noqa: E731
        b = Batch(t(sp.train_pairs[:, 0]), t(sp.train_pairs[:, 1]), t(sp.train_targets))
        p = {k: v.double()[None] for k, v in r["params"].items()}
        cfg = TrainConfig(group=LR_GROUP, hidden=LR_K, protocol=LR_PROTOCOL, dtype="float64")
        E = node_energy(hidden(p, b, cfg, G.order), one_hot(b.y, G.order, torch.float64))[0]
        norm = p["W"][0].norm(dim=0)
        live = norm >= LIVE_FRAC * norm.max()
        eu.append(float((E[live] / norm[live] ** 4).mean()))
        er.append(float(E[live].mean()))
        nl.append(int(live.sum()))
    return np.array(eu), np.array(er), np.array(nl)


def _figure(table):
    import matplotlib.pyplot as plt

    lrs = [t["lr"] for t in table]
    fig, ax = plt.subplots(1, 3, figsize=(11.5, 3.4))
    frac = [np.mean(np.array(t["best test acc per seed"]) >= 0.9) for t in table]
    ax[0].plot(lrs, frac, "o-")
    ax[0].set_ylabel("fraction of seeds with best test acc ≥ 0.9", fontsize=8)
    ax[0].set_title("Generalizing runs (gsol) vs learning rate", fontsize=9)
    for a, key, ttl, yl in ((ax[1], "Fourier concentration per seed", "Fourier concentration of the learned nodes",
                             "isotypic concentration (1 = pure irrep)"),
                            (ax[2], "Ê_unit per seed", "Energy of the learned nodes (unit sphere)",
                             "mean over nodes of Ê(w/‖w‖)")):
        v = [t[key] for t in table]
        for i, lr in enumerate(lrs):
            a.plot([lr] * len(v[i]), v[i], "o", color="C0", alpha=0.5, label="seed" if i == 0 else None)
        a.plot(lrs, [np.median(x) for x in v], "k-", label="median over seeds")
        a.set_title(ttl, fontsize=9)
        a.set_ylabel(yl, fontsize=8)
        a.legend(fontsize=7)
    from matplotlib.ticker import NullFormatter

    for a in ax:
        a.set_xscale("log")
        a.set_xticks(lrs)
        a.set_xticklabels([f"{lr:g}" for lr in lrs], fontsize=7)
        a.xaxis.set_minor_formatter(NullFormatter())
        a.set_xlabel("Adam learning rate (log scale; epochs = 4/lr)", fontsize=8)
    fig.suptitle("Figs 6-7 at CPU scale: Z23 at p = 0.35 (near the boundary), K = 256, η = 2e-3", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig
