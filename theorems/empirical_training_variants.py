"""Training variants of App. H/I: zero-init (Figs 15–17), complex weights (Fig 12), ridge top layer (Fig 13),
Muon vs Adam at small K (Fig 9), deeper ReLU nets (Fig 10, Sec 6).

All runs are CPU-scale instances chosen by pilot runs on seeds 0–2; the recorded checks use seeds 10, 11, …
(never the pilot seeds), with the decision rule stated in each claim's assumptions before the run.
Grokking time t_grok = first epoch with test accuracy ≥ 0.9; a seed that never reaches it within the horizon
counts as t_grok = horizon + 1 in paired comparisons, and a pair in which NEITHER run reaches it is undecided
(two censored runs cannot be ordered).  Every decision is the dead-band seed rule (``evidence.seed_vote``):
5 seeds in ``fast`` (10-14), so that one undecided seed cannot change a unanimous outcome.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.train import TrainConfig
from li2verify.train.batched import train_conditions
from li2verify.train.empirical import censored_difference, first_epoch, t_grok

SEED0 = 10


def _seeds(profile) -> list[int]:
    return list(range(SEED0, SEED0 + profile.pick(fast=5, thorough=10, paper=15)))


def _t(r, thr=0.9):
    """Per-seed first epoch with test acc ≥ thr (horizon + 1 if never)."""
    return t_grok(r.metrics, r.epochs, thr)


def _max_acc(r):
    return np.nanmax(r.metrics["test_acc"], 0)


# Decision rules written 2026-12-01 before the runs (quoted in the claims' assumptions).
#: ‘groks’: the test accuracy reaches 0.9 within the horizon; margin 0.03 (≈ 3 % of the test pairs: a run that
#: touches 0.9 by a hair, or misses it by one, is undecided).
R_GROKS = SeedRule("max test acc within the horizon", 0.9, 0.03, ">=")
#: ‘A groks earlier than B on the same seed’: t_grok(B) − t_grok(A) > 0 epochs, margin 2 evaluation intervals
#: (t_grok is read on an eval grid; a one-interval shift of each run is undecided); NaN when both are censored.
def _r_earlier(metric: str, eval_every: int) -> SeedRule:
    return SeedRule(metric, 0.0, 2.0 * eval_every, ">=")


def _paired(evidence, a_run, b_run, name_a, name_b, seeds, family, what, horizon, eval_every):
    a, b = _t(a_run), _t(b_run)
    evidence.detail(f"t_grok {name_a} per seed (horizon + 1 = never)", a.tolist())
    evidence.detail(f"t_grok {name_b} per seed (horizon + 1 = never)", b.tolist())
    ok1 = evidence.seed_vote(R_GROKS, _max_acc(a_run), seeds=seeds, family=family,
                             what=f"{name_a} groks (test acc reaches 0.9) within {horizon} epochs")
    d = censored_difference(b, a, horizon)
    ok2 = evidence.seed_vote(_r_earlier(f"t_grok({name_b}) − t_grok({name_a}), epochs", eval_every), d,
                             seeds=seeds, family=family, what=what, t_a=a.tolist(), t_b=b.tolist())
    return ok1 and ok2


def _plot(runs, title):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(7, 2.5))
    for i, (c, r) in enumerate(runs.items()):
        for a, k in zip(ax, ("train_acc", "test_acc")):
            v = r.metrics[k]
            ok = np.isfinite(v[:, 0])
            a.plot(r.epochs[ok], np.median(v[ok], 1), color=f"C{i}", label=c)
            a.set_title(k, fontsize=9)
    ax[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------ zero-init
ZERO = claim(
    "fig15_17.zero_init.accelerates",
    title="Zero-init of the top layer accelerates feature learning / grokking (Sec 3.2, Figs 15–17)",
    paper_ref="Sec 3.2; Figs 15, 16, 17",
    printed=r"Fig. 15, 16 and 17 show that for $M = 41, 89, 127$, \texttt{zero-init} accelerates the feature "
            r"learning process compared to normal initialization. [Fig 17:] It is clear that zero-initialization "
            r"leads to faster grokking (and feature learning) than regular initialization, in particular when data "
            r"are scarce.",
    assumptions=[
        "CPU scale: Z_23 (thorough also Z_29), K=256, p=0.4, σ=x², MSE, Adam lr 5e-3, η=1e-3 (the paper's 5e-5 "
        "does not grok within a CPU budget at this K), 500 epochs; top-layer multiplier 0 vs 1; seeds 10-14 "
        "(thorough 10-19, paper 10-24)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): (a) zero-init groks: max test "
        "acc within the horizon ≥ 0.9, margin 0.03; (b) earlier: t_grok(regular) − t_grok(zero-init) > 0 epochs, "
        "margin 10 epochs (two evaluation intervals of 5), never-grokking runs at horizon + 1, a seed where neither "
        "groks undecided. Each part: ≥ 80% of seeds → holds; ≤ half even counting undecided → counterexample; "
        "inconclusive otherwise",
    ],
    notes="Rule history: first written two-way and amended (three-way) after the first fast run, in which zero-init "
          "met it in 2/3 seeds (seed 12 reached the horizon without test acc 0.9). Rule written 2026-12-01 before "
          "the run: the k-of-N booleans were replaced by the dead-band rule on max test acc and on the paired "
          "t_grok difference, fast raised to 5 seeds (10-14). Previous fast values (seeds 10-12): t_grok zero-init "
          "285/320/never, regular 330/never/495.",
)


@lru_cache(maxsize=None)
def _zero_runs(group: str, seeds: tuple):
    b = TrainConfig(group=group, hidden=256, train_frac=0.4, lr=5e-3, wd=1e-3, epochs=500, probes=[], threads=1,
                    eval_every=5)
    return train_conditions({"regular": b, "zero-init": b.replace(top_init=0.0)}, list(seeds))


@check(ZERO, "empirical")
def test_zero_init_groks_earlier(evidence, li2_profile):
    evidence.describe("Matched seeds trained with V(0) = 0 and with the regular V(0) ~ U(±1/√K); grokking epochs "
                      "compared per seed")
    S = _seeds(li2_profile)
    for g in li2_profile.pick(fast=["23"], thorough=["23", "29"]):
        runs = _zero_runs(g, tuple(S))
        _paired(evidence, runs["zero-init"], runs["regular"], "zero-init", "regular", S, f"Z{g}",
                "zero-init groks strictly earlier than regular init", 500, 5)
        evidence.plot(_plot(runs, f"Z{g}: zero-init vs regular"), f"Z{g}, median over {len(S)} seeds")


# ------------------------------------------------------------------------------------------ complex weights
CPLX = claim(
    "fig12.complex.groks_faster",
    title="Complex weights grok faster than real weights (Fig 12 vs Fig 11)",
    paper_ref="App. I, Figs 11–12",
    printed=r"Training modular addition tasks with complex weights ($M = 23, 41, 89, 127$). Learning rate is "
            r"0.005, weight decay is $5e-5$. Number of hidden nodes $K = 256$. Test sample is 20\% of the full set "
            r"of $M^2$. Using Adam optimizer. Averaged over 5 seeds. Compared with the real case (Fig. 11), models "
            r"with complex weights seem to grok faster.",
    assumptions=[
        "Z_23, K=256, 80% train, σ=x², MSE, Adam lr 5e-3, η=5e-5, 300 epochs (the paper's setting for M=23); "
        "complex: W, V complex (re/im each U(±c/√fan-in)/√2), Ŷ = Re(σ(XW)V) — the paper does not say how the "
        "complex output is read, Re is our choice; seeds 10-14 (thorough 10-19, paper 10-24)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): (a) complex groks: max test "
        "acc within 300 epochs ≥ 0.9, margin 0.03; (b) earlier: t_grok(real) − t_grok(complex) > 0 epochs, margin "
        "10 epochs (two evaluation intervals of 5), never-grokking runs at 301, a seed where neither groks "
        "undecided. Each part: ≥ 80% of seeds → holds; ≤ half even counting undecided → counterexample; "
        "inconclusive otherwise",
    ],
    notes="Rule written 2026-12-01 before the run: k-of-N booleans replaced by the dead-band rule, fast raised to "
          "5 seeds. Previous fast values (seeds 10-12): t_grok complex 215/220/230, real never (301) in all three.",
)


@lru_cache(maxsize=None)
def _fig12_runs(seeds: tuple, ridge_reg: float = 0.1, epochs: int = 300):
    b = TrainConfig(group="23", hidden=256, train_frac=0.8, lr=5e-3, wd=5e-5, epochs=epochs, probes=[], threads=1,
                    eval_every=5, ridge_reg=ridge_reg)
    return train_conditions({"real": b, "complex": b.replace(complex_weights=True)}, list(seeds))


@lru_cache(maxsize=None)
def _ridge_runs(seeds: tuple, ridge_reg: float = 5e-5, epochs: int = 500):
    """Fig 13's V = V_ridge variant (λ = η = 5e-5, Prop 1) at Fig 14's horizon for M = 23 (500 epochs)."""
    b = TrainConfig(group="23", hidden=256, train_frac=0.8, lr=5e-3, wd=5e-5, epochs=epochs, probes=[], threads=1,
                    eval_every=5, ridge_reg=ridge_reg, ridge_top=True)
    return train_conditions({"ridge": b}, list(seeds))["ridge"]


@check(CPLX, "empirical")
def test_complex_weights_grok_faster(evidence, li2_profile):
    evidence.describe("Matched seeds with real and complex weights; grokking epochs compared per seed")
    S = _seeds(li2_profile)
    runs = _fig12_runs(tuple(S))
    _paired(evidence, runs["complex"], runs["real"], "complex", "real", S, "Z23",
            "complex weights grok strictly earlier than real", 300, 5)
    evidence.plot(_plot({k: runs[k] for k in ("real", "complex")}, "Z23: real vs complex weights"),
                  f"median over {len(S)} seeds")


# ------------------------------------------------------------------------------------------ ridge top layer
RIDGE = claim(
    "fig13.ridge_top.still_groks",
    title="With V = V_ridge recomputed every step, grokking still happens (Figs 13–14)",
    paper_ref="App. I, Figs 13–14; Prop 1",
    printed=r"Instead of using gradient descent to update the top layer $V$, in every gradient update we use ridge "
            r"regression solution $V_{\text{ridge}}$ with respect to the current $F$ (Proposition 1). [...] The "
            r"grokking still happens (for $M = 23$ check Fig. 14 for completeness).",
    assumptions=[
        "Same setting as fig12.complex.groks_faster (Z_23, K=256, 80% train, Adam lr 5e-3, η=5e-5 on W — Fig 13's "
        "caption), V = (F̃ᵀF̃ + λI)⁻¹F̃ᵀỸ solved in float64 every step with λ = η = 5e-5: Fig 13 says the top "
        "layer is ‘V_ridge with respect to the current F (Proposition 1)’, and Prop 1's V_ridge is "
        "(F̃ᵀF̃ + ηI)⁻¹F̃ᵀỸ with η the weight decay; our solve uses the same summed Gram F̃ᵀF̃, so λ = η literally. "
        "Horizon 500 epochs: Fig 14's caption (‘M = 23 for 500 epochs, using V_ridge’). Seeds 10-14 (thorough "
        "10-19, paper 10-24), test acc every 5 epochs",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): (a) grokking happens: max test acc "
        "within 500 epochs ≥ 0.9, margin 0.03; (b) delayed: t_grok(0.9) − t_mem(train acc 0.99) > 0 epochs, margin "
        "10 epochs (two evaluation intervals), NaN (undecided) for a seed that never groks. Each part: ≥ 80% of "
        "seeds → holds; ≤ half even counting undecided → counterexample; inconclusive otherwise",
    ],
    notes="Audit (17:42 UTC): the horizon was 300 epochs, under which seed 12 had not reached test acc 0.9 (t_grok "
          "235/175/>300, inconclusive 2/3); it was raised to Fig 14's 500 epochs after that outcome, with λ = 0.1 "
          "chosen by pilot runs (λ = 1e-3, the code's default, had test acc 0.2 at epoch 600). Both choices were "
          "made after seeing outcomes. Rule written 2026-12-01 before the run: λ and the horizon are now taken from "
          "the paper's own text — λ = η = 5e-5 (Fig 13 → Prop 1's V_ridge with the weight decay η) and 500 epochs "
          "(Fig 14) — whatever the outcome; the decision is the dead-band rule on max test acc and on the delay, 5 "
          "seeds. (In the paper code's mean-loss scale the ridge equivalent to Adam's L2 decay η would be nη/2 ≈ "
          "0.011; the paper's text writes η, and that is what is checked.) "
          "Run of 2026-12-01 (fast, seeds 10-14): max test acc within 500 epochs 0.066/0.085/0.028/0.057/0.075 — "
          "at chance level (1/23 ≈ 0.043), no seed groks; train acc 0.99 reached at 189/13/43/never/20 — a measured "
          "counterexample; identical votes with LI2_INIT_PERTURBATION=1e-6. Committed fast status verified → "
          "refuted: with the ridge λ and horizon the paper states (λ = η = 5e-5, 500 epochs, M = 23, K = 256, lr "
          "5e-3, 80% train) grokking does not happen in our implementation; it did with the λ = 0.1 chosen earlier "
          "from pilots (t_grok 235/175/330), so the printed statement's ‘still groks’ depends on a ridge strength "
          "the paper does not give in that form (Prop 1 writes η).",
)


@check(RIDGE, "empirical")
def test_ridge_top_layer_still_groks(evidence, li2_profile):
    evidence.describe("V solved by ridge regression on the current F every step (no gradient on V); W trained by "
                      "Adam through the loss with V held fixed")
    S = _seeds(li2_profile)
    r = _ridge_runs(tuple(S))
    tg = _t(r)
    e = r.epochs
    tm = np.array([first_epoch(r.metrics["train_acc"][:, j], e, 0.99) for j in range(len(S))])
    evidence.detail("λ of the ridge solve, horizon", [r.config.ridge_reg, r.config.epochs])
    evidence.detail("t_mem (train acc ≥ 0.99) per seed (NaN = never)", tm.tolist())
    evidence.detail("t_grok (test acc ≥ 0.9) per seed (501 = never)", tg.tolist())
    evidence.detail("final test acc per seed", r.metrics["test_acc"][-1].tolist())
    evidence.detail("t_grok real (trained V, 300-epoch run) per seed", _t(_fig12_runs(tuple(S))["real"]).tolist())
    evidence.seed_vote(R_GROKS, _max_acc(r), seeds=S, family="Z23 ridge top",
                       what="ridge top layer: test acc reaches 0.9 within 500 epochs")
    delay = np.where(tg <= r.config.epochs, tg - tm, np.nan)
    evidence.seed_vote(SeedRule("t_grok(0.9) − t_mem(0.99), epochs", 0.0, 10.0, ">="), delay, seeds=S,
                       family="Z23 ridge top", what="ridge top layer: grokking after memorization")


# ------------------------------------------------------------------------------------------ Muon vs Adam
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
    notes="Rule written 2026-12-01 before the run. The previous rule turned a failed comparison into "
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
    b = TrainConfig(group="23", hidden=K, train_frac=0.5, lr=2e-3, wd=2e-4, epochs=400, probes=[], threads=1,
                    eval_every=10)
    return train_conditions({"adam": b, "muon(NS)": b.replace(optimizer="muon", muon_lr=2e-2),
                             "muon(polar)": b.replace(optimizer="muon", muon_orth="polar", muon_lr=2e-2)},
                            list(seeds))


@check(MUON, "empirical")
def test_muon_lower_test_loss_than_adam_at_small_k(evidence, li2_profile):
    evidence.describe("Matched seeds trained with Adam and with Muon on W; final test losses compared per seed")
    S = _seeds(li2_profile)
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


R_MUON = SeedRule("log(L_test Adam / L_test Muon(Newton–Schulz)), last 4 evaluations", 0.0, 0.05, ">=")


# ------------------------------------------------------------------------------------------ deeper nets
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
    notes="History. Audit (17:40 UTC): the first version read t_grok at test acc 0.5 with 2 seeds and turned a 1–1 "
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
    b = TrainConfig(group="23", hidden=256, train_frac=0.5, lr=5e-3, wd=2e-3, epochs=epochs, probes=["fourier"],
                    probe_every=200, activation="relu", threads=1, eval_every=10)
    return train_conditions({f"{L + 1}-layer": b.replace(layers=L) for L in (1, 2, 3)}, list(seeds))


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
    S = _seeds(li2_profile)
    runs = _deep_runs(tuple(S))
    H = float(runs["2-layer"].config.epochs)
    for c, r in runs.items():
        fc0, fc1 = r.metrics["fourier_conc"][0], r.metrics["fourier_conc"][-1]
        tg, tm = _t(r), t_grok(r.metrics, r.epochs, 0.99, "train_acc")
        evidence.detail(f"{c}: t_grok(test ≥ 0.9) per seed ({H + 1:g} = never)", tg.tolist())
        evidence.detail(f"{c}: t_mem(train ≥ 0.99) per seed ({H + 1:g} = never)", tm.tolist())
        evidence.detail(f"{c}: delay t_grok − t_mem where both reached (recorded, not decided)",
                        [float(a - b) if a <= H and b <= H else None for a, b in zip(tg, tm)])
        evidence.detail(f"{c}: final test acc per seed", r.metrics["test_acc"][-1].tolist())
        evidence.detail(f"{c}: Fourier concentration init → final", [fc0.tolist(), fc1.tolist()])
        evidence.seed_vote(R_FOURIER, fc1 / fc0, seeds=S, family=f"Z23 ReLU {c}",
                           what=f"{c}: first-layer Fourier concentration ≥ 2× init")
    t = np.stack([_t(runs[c]) for c in ("2-layer", "3-layer", "4-layer")])  # (3, S)
    evidence.detail("median t_grok(0.9) for 2/3/4 layers", np.median(t, 1).tolist())
    evidence.seed_vote(R_DEPTH, _ordering_value(t, H), seeds=S, family="Z23 ReLU",
                       what="t_grok(0.9) increases with depth (2 < 3 < 4 layers)", t_grok=t.tolist())
    evidence.plot(_plot(runs, "Z23 ReLU: 2/3/4 layers"), f"median over {len(S)} seeds")
