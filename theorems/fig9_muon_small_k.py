"""Fig 9 (Sec 5.3, after Thm 8): Muon reaches a lower test loss than Adam when K is small — the claim
``fig9.muon.beats_adam_small_k`` and its check, decided at the paper's setting: in the fast and thorough profiles
from the committed run record ``evidence/fig9-muon-paper`` (li2verify/experiments/run_record_specs/fig9_muon.py,
two sampled units re-trained), in the paper profile by training the record's units live.  One function
(:func:`decide`) applies the rule to the recorded arrays and to live runs alike.
"""

from __future__ import annotations

import numpy as np

from li2verify.experiments import run_records
from li2verify.experiments.run_record_specs import fig9_muon as F
from li2verify.verify.claims import SeedRule, check, claim

RECORD = F.SPEC.name

R_MUON = SeedRule("log(L_test Adam / L_test Muon(Newton–Schulz)), last 4 evaluations", 0.0, 0.05, ">=")


MUON = claim(
    "fig9.muon.beats_adam_small_k",
    title="Muon reaches lower test loss than Adam when K is small (Fig 9, Thm 8)",
    paper_ref="Sec 5.3 (after Thm 8); Fig 9",
    printed=r"Adam versus Muon optimizers in modular addition tasks with $M = 71$, when the number of hidden nodes "
            r"$K$ is relatively small compared to $M$. Muon optimizer achieves lower test loss compared to Adam.",
    assumptions=[
        "The paper's setting (li2verify/experiments/run_record_specs/fig9_muon.py gives the source of each value): "
        "Z_71 (the caption), K ∈ {32, 64} (the caption's ‘K relatively small compared to M’; the paper gives no K), "
        "p = 0.4, σ = x², the code's MSE protocol, η = 2e-4 (the paper's one stated M = 71 setting, Fig 3), "
        "3000 epochs (the code's default num_epochs; the paper gives none), seeds 10-24 (the paper gives none)",
        "Optimizers as the paper's training script calls them: Adam lr 1e-3 with L2 decay on W and V vs Muon on W — "
        "MuonEnhanced(beta1=0.9, beta2=0.99, nesterov=False, update_rms_compensate=False, use_bf16=False), the one "
        "nn.Linear(2M, K) W orthogonalized whole by the code's 5-step Newton–Schulz, decoupled decay — at the "
        "script's one learning rate 1e-3, with Adam (lr 1e-3, L2 decay) on V; the exact-polar variant (SVD) is "
        "recorded alongside (not voted). The script's lr is the code's default learning_rate: the figure's launch "
        "arguments are not published",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the CPU run; applied unchanged to the paper "
        "setting, written 2026-12-07 before the record run): per seed the log-ratio log(L_Adam / L_Muon(NS)) of "
        "the test losses, each averaged over the last 4 evaluations (every 10 epochs: epochs 2970-3000 at the "
        "paper's horizon), ≥ 0 with margin 0.05 (a 5% difference of the loss: smaller differences are undecided). "
        "Per K (two families, 15 seeds each): holds when ≥ 80% of seeds (12 of 15) show Muon lower outside the "
        "band; a counterexample when at most half (7) do even counting the undecided; inconclusive otherwise. The "
        "claim holds when it holds at both K",
        "Fast and thorough profiles read the committed run record evidence/fig9-muon-paper (absent → inconclusive "
        "‘record not made’; refused or not reproduced by the re-check of two sampled units → inconclusive); the "
        "paper profile trains the record's 90 units live (about 11 core-minutes)",
    ],
    notes="The record fig9-muon-paper (2026-12-07, 15 seeds, 3000 epochs): Adam's test loss is the lower one — "
          "Muon(NS) lower in 0 of 15 seeds at K = 32 (13 do not beyond the band, 2 undecided) and 0 of 15 at K = 64 "
          "(15 do not); the exact-polar Muon (recorded only) alike: log(L_Adam/L_Muon(polar)) −0.06…−0.13 at K = 32, "
          "−0.30…−0.37 at K = 64. A counterexample at the training script's single lr 1e-3 and the K this suite chose "
          "(the paper prints neither). "
          "2026-12-07: moved from the CPU scale (Z_23, K = 16/32, 400 epochs, Adam lr 2e-3 vs Muon lr 2e-2 with MuonEnhanced's constructor defaults, seeds 10-14; last result 2 show, 2 do not, 1 undecided → inconclusive) to the paper's setting from a run record; the rule is unchanged, the setting and the Muon variant are the paper code's (the CPU runs used the constructor defaults β = 0.95 Nesterov with RMS rescaling per input block; the script passes β2 = 0.99, no Nesterov, no rescaling, on the whole W). A pilot before the record (seed 0, not a record seed, K = 64, 3000 epochs, used to time a unit and see that both optimizers grok; nothing was changed after it): test loss Adam 0.576, Muon(NS) 0.718, Muon(polar) 0.729, test accuracy 1.00/0.99/0.99. "
          "Earlier history: Re-decided 2026-12-07 under the paper code's protocol (class-centred MSE, W ~ U(±1/√(2M)); li2verify.train.protocols), rule unchanged; K=16 NS vs Adam: 2 show, 2 do not, 1 undecided (status unchanged). Rule written 2026-12-01 before the run. The previous rule turned a failed comparison into "
          "‘inconclusive’ (on_fail='inconclusive') because the learning rates are not the paper's; a check that "
          "cannot fail is a defect, so the comparison is now decided both ways and the learning rates are stated as "
          "a hypothesis of the verdict. Known when the margin was chosen: the previous fast run (seeds 10-12, final "
          "epoch only) had log-ratios 0.056, 0.178, 0.031. Run of 2026-12-01 (fast, seeds 10-14, K=16): log(L_Adam/L_Muon) "
          "0.046/0.185/0.039/0.259/−0.037 → 2 show it, 3 undecided → inconclusive; with LI2_INIT_PERTURBATION=1e-6 "
          "0.096/0.187/0.033/0.254/−0.041 → 3 show it, 2 undecided → inconclusive. Muon is lower or equal in every "
          "seed but by less than 5% in 2-3 of 5; no seed has Adam lower by more than 5%. Committed fast status "
          "verified → inconclusive (the earlier ‘verified’ counted 0.031 and 0.056 as votes).",
)


def last4_test_loss(test_loss: np.ndarray) -> np.ndarray:
    """Per seed, the mean test loss of the last 4 evaluations (``test_loss``: evaluations × seeds)."""
    return np.mean(test_loss[-4:], 0)


def decide(evidence, K: int, seeds: list[int], epochs: np.ndarray, test_loss: dict[str, np.ndarray]) -> bool | None:
    """R_MUON at ``K`` hidden nodes on ``test_loss`` ({condition: evaluations × seeds}, at the evaluated
    ``epochs``): the one decision, from the record's arrays or from live runs."""
    tl = {c: last4_test_loss(v) for c, v in test_loss.items()}
    for c, v in tl.items():
        evidence.detail(f"K={K} test loss {c} (mean of epochs {epochs[-4:].tolist()})", v.tolist())
    evidence.detail(f"K={K} log(L_Adam / L_Muon(polar)) per seed (recorded only)",
                    np.log(tl["adam"] / tl["muon(polar)"]).tolist())
    return evidence.seed_vote(R_MUON, np.log(tl["adam"] / tl["muon(NS)"]), seeds=seeds, family=f"Z71 K={K}",
                              what=f"K={K}: Muon (Newton–Schulz) test loss < Adam (both lr 1e-3, the script's Muon)")


def by_unit(units: list[dict], arrays: dict[str, np.ndarray], K: int) -> tuple[list[int], np.ndarray, dict]:
    """(seeds, evaluated epochs, {condition: test loss evaluations × seeds}) of the units at ``K``, from arrays with
    one row per unit (the record's, or a live compute's)."""
    seeds = sorted({u["seed"] for u in units if u["K"] == K})
    tl = {}
    for c in dict.fromkeys(u["condition"] for u in units):
        rows = [next(i for i, u in enumerate(units) if (u["K"], u["condition"], u["seed"]) == (K, c, s)) for s in seeds]
        tl[c] = arrays["test_loss"][rows].T
    return seeds, arrays["epochs"][0], tl


def _record_arrays(evidence):
    """The checked record's arrays, or None (the reason recorded as inconclusive)."""
    rec = run_records.record_for_claim(evidence, RECORD)
    return None if rec is None else rec.arrays


@check(MUON, "empirical")
def test_muon_lower_test_loss_than_adam_at_small_k(evidence, li2_profile):
    evidence.describe("Matched seeds trained with Adam and with Muon on W at Fig 9's paper setting (Z71, K < M); "
                      "test losses at the end of the horizon compared per seed")
    evidence.detail("setting", F.SPEC.description)
    if li2_profile.name == "paper":
        arrays = F.SPEC.compute(F.SPEC.config, F.SPEC.units)
        evidence.detail("source", "trained live (paper profile)")
    else:
        arrays = _record_arrays(evidence)
        if arrays is None:
            return
        evidence.detail("source", f"the committed run record evidence/{RECORD}")
    for K in F.FIG9_KS:
        decide(evidence, K, *by_unit(F.SPEC.units, arrays, K))
