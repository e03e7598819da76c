"""Fig 9 (Sec 5.3, after Thm 8): Muon reaches a lower test loss than Adam when K is small — the claim
``fig9.muon.beats_adam_small_k`` and its check. Seeds, the grokking epoch, the decision rules and the plot are
shared with the other training-variant modules (``li2verify/experiments/training_variants.py``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.train.batched import train_conditions
from li2verify.train.presets import figure_conditions
from li2verify.experiments.training_variants import seeds_for


R_MUON = SeedRule("log(L_test Adam / L_test Muon(Newton–Schulz)), last 4 evaluations", 0.0, 0.05, ">=")


MUON = claim(
    "fig9.muon.beats_adam_small_k",
    title="Muon reaches lower test loss than Adam when K is small (Fig 9, Thm 8)",
    paper_ref="Sec 5.3 (after Thm 8); Fig 9",
    printed=r"Adam versus Muon optimizers in modular addition tasks with $M = 71$, when the number of hidden nodes "
            r"$K$ is relatively small compared to $M$. Muon optimizer achieves lower test loss compared to Adam.",
    assumptions=[
        "CPU scale: Z_23, K=16 (K < M), p=0.5, σ=x², MSE, η=2e-4, 400 epochs; Adam lr 2e-3 vs Muon on W (the paper "
        "code's MuonEnhanced update: momentum 0.95, Nesterov, 5-step Newton–Schulz, lr 2e-2, decoupled decay) with "
        "Adam lr 2e-3 on V; the exact-polar variant (SVD) is recorded alongside; seeds 10-14 (thorough 10-19 and "
        "also K=32, paper 10-24)",
        "Learning rates: the paper gives none for Fig 9. The ones used (Adam 2e-3; Muon 2e-2 on W with Adam 2e-3 on "
        "V) were fixed by pilot runs on seeds 0-2 before any recorded run; the verdict is for THESE learning rates "
        "(another pair could order the optimizers differently) — a counterexample means ‘not at these rates’",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): per seed the log-ratio "
        "log(L_Adam / L_Muon) of the test losses, each averaged over the last 4 evaluations (epochs 370-400, to "
        "read the level rather than one oscillating epoch), ≥ 0 with margin 0.05 (a 5% difference of the loss: "
        "smaller differences are undecided). Holds when ≥ 80% of seeds show Muon lower outside the band; a "
        "counterexample when at most half do even counting the undecided (Adam as low or lower in most seeds); "
        "inconclusive otherwise",
    ],
    notes="Re-decided 2026-12-07 under the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M)); li2verify.train.protocols), rule unchanged; K=16 NS vs Adam: 2 show, 2 do not, 1 undecided (status unchanged). Rule written 2026-12-01 before the run. The previous rule turned a failed comparison into "
          "‘inconclusive’ (on_fail='inconclusive') because the learning rates are not the paper's; a check that "
          "cannot fail is a defect, so the comparison is now decided both ways and the learning rates are stated as "
          "a hypothesis of the verdict. Known when the margin was chosen: the previous fast run (seeds 10-12, final "
          "epoch only) had log-ratios 0.056, 0.178, 0.031. Run of 2026-12-01 (fast, seeds 10-14, K=16): log(L_Adam/L_Muon) "
          "0.046/0.185/0.039/0.259/−0.037 → 2 show it, 3 undecided → inconclusive; with LI2_INIT_PERTURBATION=1e-6 "
          "0.096/0.187/0.033/0.254/−0.041 → 3 show it, 2 undecided → inconclusive. Muon is lower or equal in every "
          "seed but by less than 5% in 2-3 of 5; no seed has Adam lower by more than 5%. Committed fast status "
          "verified → inconclusive (the earlier ‘verified’ counted 0.031 and 0.056 as votes).",
)


@lru_cache(maxsize=None)
def _muon_runs(seeds: tuple, K: int):
    """Fig 9's CPU setting and conditions (:mod:`li2verify.train.presets`) at ``K`` hidden nodes."""
    return train_conditions(figure_conditions("fig9", "cpu", hidden=K, probes=[], eval_every=10), list(seeds))


@check(MUON, "empirical")
def test_muon_lower_test_loss_than_adam_at_small_k(evidence, li2_profile):
    evidence.describe("Matched seeds trained with Adam and with Muon on W; final test losses compared per seed")
    S = seeds_for(li2_profile)
    for K in li2_profile.pick(fast=[16], thorough=[16, 32]):
        runs = _muon_runs(tuple(S), K)
        tl = {}
        for c, r in runs.items():
            v = r.metrics["test_loss"]
            rows = np.flatnonzero(np.isfinite(v[:, 0]))[-4:]
            tl[c] = np.mean(v[rows], 0)
            evidence.detail(f"K={K} test loss {c} (mean of epochs {r.epochs[rows].tolist()})", tl[c].tolist())
        evidence.seed_vote(R_MUON, np.log(tl["adam"] / tl["muon(NS)"]), seeds=S, family=f"Z23 K={K}",
                           what=f"K={K}: Muon (Newton–Schulz) test loss < Adam (lr Adam 2e-3, Muon 2e-2)")
        evidence.detail(f"K={K} log(L_Adam / L_Muon(polar)) per seed (recorded only)",
                        np.log(tl["adam"] / tl["muon(polar)"]).tolist())
