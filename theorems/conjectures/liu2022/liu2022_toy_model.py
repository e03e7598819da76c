"""Liu et al. 2022's toy model trained (li2verify.train.liu2022): the ``liu2022.toy.*`` claims (Sec 3.1, Fig 3;
Sec 3.2, Fig 4b; Sec 4.1, Fig 6b).

The authors' scale: p = 10 addition, regression (30-dim random targets), 1D embeddings, decoder 1–200–200–30 tanh
(App. G), embeddings Adam lr 1e-3, decoder AdamW lr 1e-4 with no weight decay (the authors' toy defaults), full
batch, 10⁵ steps (Table 1's horizon), seeds 0–4 × n ∈ {16, 22, 30, 38, 45} of 55 (one seed's training sets nested),
and the phase grid at 45/10.  Those runs cost ≈ 0.8 ms per model-step on one core (≈ 33 core-minutes for the
nested runs), so ``fast`` and ``thorough`` decide from the committed run records ``evidence/liu2022-toy-nested``
and ``evidence/liu2022-toy-phases`` (li2verify.experiments.run_record_specs.liu2022_toy; CI re-trains two sampled
models of each for their first 2·10⁴ steps); ``paper`` trains them live (10 seeds, the thorough phase grid).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.experiments.run_record_specs.liu2022_toy import TOY_HORIZON, TOY_WIDTH, toy_result
from li2verify.experiments.run_records import record_for_claim
from li2verify.paper import liu2022 as L
from li2verify.train.liu2022 import ToyConfig, train_toy
from li2verify.verify.claims import SeedRule, check, claim
from theorems.conjectures.liu2022 import SOURCE

NS = (16, 22, 30, 38, 45)
SIZE = 55

# Decision rules, written before the runs (2026-12-01).
R_ACC = SeedRule("|Acc − Âcc| at the horizon (full data set)", 0.1, 2 / SIZE, "<=")
PAPER_HORIZON = TOY_HORIZON  # steps: the horizon of the authors' phase definitions (Table 1, App. A)
R_RC = SeedRule("|r_c(seed) − 0.4|, r_c = smallest grid fraction from which every model of the seed reaches "
                "RQI > 0.95", 0.1, 0.05, "<=")


@lru_cache(maxsize=None)
def _runs(n_seeds: int, width: int, steps: int):
    seeds = [s for s in range(n_seeds) for _ in NS]
    ns = [n for _ in range(n_seeds) for n in NS]
    return train_toy(ToyConfig(seeds=seeds, n_train=ns, width=width, steps=steps, eval_every=50))


def _nested(evidence, li2_profile):
    """(ToyResult, scale) of the nested-set runs: the committed record in fast/thorough, trained live in paper; None
    (inconclusive with the reason) when the record cannot be used."""
    if li2_profile.name == "paper":
        sc = dict(n_seeds=10, width=TOY_WIDTH, steps=PAPER_HORIZON)
        return _runs(**sc), sc
    rec = record_for_claim(evidence, "liu2022-toy-nested")
    if rec is None:
        return None
    r = toy_result(rec)
    return r, dict(n_seeds=len(set(r.config.seeds)), width=r.config.width, steps=r.config.steps)


def _scale_text(sc) -> str:
    return (f"p=10 addition (regression), 1D embeddings, decoder 1-{sc['width']}-{sc['width']}-30 tanh, emb Adam "
            f"lr 1e-3, decoder AdamW lr 1e-4 wd 0, full batch, {sc['steps']} steps, seeds 0-{sc['n_seeds'] - 1} "
            f"× n ∈ {list(NS)}")


ACC = claim(
    "liu2022.toy.rqi_predicts_accuracy",
    title="The accuracy predicted from the representation's parallelograms matches the real accuracy (Fig 3)",
    paper_ref="Sec 3.1; App. D, Eqns 12-13; Fig 3",
    printed=r"In Figure 3, we see that the predicted $\widehat{\text{Acc}}$ aligns well with the true accuracy "
            r"$\text{Acc}$, establishing good evidence that structured representation of input embeddings leads "
            r"to generalization.",
    assumptions=[
        "the authors' scale (decoder width 200, 10⁵ steps), from the committed run record liu2022-toy-nested in fast "
        "and thorough (seeds 0-4), trained live in paper (seeds 0-9): see the module docstring; scale in the evidence",
        "Âcc = |D̄(D, P(R))|/|D0| (Eqns 12-13) with P(R) the parallelograms of P0 present in the final embeddings "
        "under the authors' criterion (std-normalized, squared difference < 0.01, i.e. δ = 0.1 in 1D); Acc = "
        "accuracy of the trained model on all 55 samples (nearest target vector)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): each trained model votes (labelled "
        "1000·seed + n); a model shows it when |Acc − Âcc| ≤ 0.1 outside a dead band of 2/55 (two samples); holds "
        "when ≥ 80% of the models show it, counterexample when at most half do counting the undecided",
    ],
    notes="The record liu2022-toy-nested (2026-12-07; width 200, 10⁵ steps, seeds 0-4): verified, 25 of 25 models "
          "within 0.1 (|Acc − Âcc| ≤ 0.018). "
          "Thorough profile (10 seeds, 10⁴ steps, width 64; one run): verified, 50 of 50 models within 0.1 — "
          "the fast profile's disagreement (inconclusive) is the 3000-step horizon's.",
    source=SOURCE,
)


@check(ACC, "empirical")
def test_predicted_accuracy_matches_accuracy(evidence, li2_profile):
    evidence.describe("Train the toy model; per model compare its real full-data accuracy with Âcc computed from "
                      "the parallelograms of its final embeddings and its training set (App. D)")
    got = _nested(evidence, li2_profile)
    if got is None:
        return
    r, sc = got
    cfg = r.config
    D0 = L.full_dataset(10)
    P0 = L.parallelograms(D0)
    vals, labels, rows = [], [], []
    for b in range(len(cfg.seeds)):
        E = L.normalize(r.embeddings[-1, b]) * np.sqrt(10 / 9)          # unbiased std, as the authors normalize
        present = P0[L.parallelogram_errors(E, P0) < 0.1]
        acc_hat = len(L.augmented_dataset(r.splits[b], present)) / len(D0)
        n = cfg.n_train[b]
        acc = (r.train_acc[-1, b] * n + r.val_acc[-1, b] * (SIZE - n)) / SIZE
        vals.append(abs(acc - acc_hat))
        labels.append(1000 * cfg.seeds[b] + n)
        rows.append({"seed": cfg.seeds[b], "n": n, "Acc": float(acc), "Âcc": float(acc_hat),
                     "RQI": float(r.rqi[-1, b])})
    evidence.detail("per model", rows)
    evidence.detail("scale", _scale_text(sc))
    evidence.seed_vote(R_ACC, vals, seeds=labels, family="toy addition p=10", what="|Acc − Âcc| per model")


RCT = claim(
    "liu2022.toy.critical_fraction_trained",
    title="Trained models reach RQI > 0.95 only above r_c ≈ 0.4 (Fig 4b)",
    paper_ref="Sec 3.2 ('Degeneracy of ground states'); Fig 4(b)",
    printed=r"Empirical results from training different models are shown in Figure 4 (b). The number of steps to "
            r"reach $\text{RQI} > 0.95$ is seen to have a phase transition at $r_c = 0.4$, agreeing with the "
            r"proposed effective theory and with the empirical findings in [1].",
    depends_on=["liu2022.effective.critical_fraction"],
    assumptions=[
        "the authors' scale (decoder width 200, 10⁵ steps), from the committed run record liu2022-toy-nested in fast "
        "and thorough (seeds 0-4), trained live in paper (seeds 0-9): see the module docstring; RQI as the authors compute it "
        "(std-normalized embeddings, squared difference < 0.01) every 50 steps",
        "per seed, its nested training sets at r = n/55 ∈ {0.29, 0.40, 0.55, 0.69, 0.82}: r_c(seed) = the smallest "
        "r from which every model of the seed reaches RQI > 0.95 within the horizon; NaN (undecided) when even "
        "the largest set does not (the horizon, not the data, may be the limit)",
        "Decision rule (dead-band seed rule, written 2026-12-01 before the run): a seed shows it when "
        "|r_c − 0.4| ≤ 0.1, dead band ±0.05 (about half a grid step); holds when ≥ 80% of seeds show it, "
        "counterexample when at most half do counting the undecided",
        "Changed after the first fast and thorough runs (disclosed): at a horizon below the 10⁵ steps of the "
        "authors' Table 1, a seed whose r_c lies above 0.5 is undecided, not counted against — the effective "
        "theory's own time scale at r ≈ 0.4-0.6 is 10⁴-10⁵ steps, so a late transition there measures the horizon",
    ],
    notes="At the authors' scale (the record liu2022-toy-nested, 2026-12-07: width 200, 10⁵ steps, where the horizon "
          "rule no longer applies): r_c per seed 0.55, 0.82, none (no set reaches RQI > 0.95), 0.69, 0.82 — 3 seeds "
          "do not show r_c ≈ 0.4, 2 undecided: a counterexample. A set that reaches RQI > 0.95 does so within "
          "650-1050 steps, 10⁵ steps change nothing for the others: the transition of these models lies above "
          "r = 0.5, not at the printed 0.4. "
          "Before the horizon rule: fast (3000 steps) r_c per seed 0.55, 0.82, 0.82, 0.69, 0.69 (refuted); "
          "thorough profile (10 seeds, 10⁴ steps; one run): still refuted, 0 show it, 7 do not, 3 undecided — the "
          "longer horizon moved no seed's r_c down to 0.4. "
          "The effective theory's own time scale 1/(λ3η) at η = 1e-3 is 10⁴–10⁵ steps at r ≈ 0.4–0.6 "
          "(liu2022.effective.grokking_rate: mean λ3 ≈ 0.01–0.02 there), beyond the CPU horizon: a late "
          "transition at CPU scale can be the horizon's doing, which is why a seed whose largest set also fails "
          "is undecided rather than counted against.",
    source=SOURCE,
)


@check(RCT, "empirical")
def test_trained_critical_fraction(evidence, li2_profile):
    evidence.describe("Train the toy model on nested training sets per seed; the smallest fraction from which RQI "
                      "> 0.95 is reached, against the printed r_c = 0.4")
    got = _nested(evidence, li2_profile)
    if got is None:
        return
    r, sc = got
    cfg = r.config
    hit = r.first_step("rqi", 0.95)
    vals, rows = [], []
    for s in range(sc["n_seeds"]):
        idx = [b for b in range(len(cfg.seeds)) if cfg.seeds[b] == s]
        ok = [np.isfinite(hit[b]) for b in idx]
        rc = float("nan")
        if ok[-1]:
            k = len(ok) - 1
            while k > 0 and ok[k - 1]:
                k -= 1
            rc = NS[k] / SIZE
        late = rc > 0.5 and sc["steps"] < PAPER_HORIZON  # censored by the horizon, not measured against
        vals.append(float("nan") if late else abs(rc - 0.4))
        rows.append({"seed": s, "r_c": rc, "undecided: horizon below 10⁵ steps": late, "steps to RQI>0.95 per n": {NS[j]: float(hit[b]) for j, b in
                                                                       enumerate(idx)}})
    evidence.detail("per seed", rows)
    evidence.detail("scale", _scale_text(sc))
    evidence.seed_vote(R_RC, vals, seeds=list(range(sc["n_seeds"])), family="toy addition p=10",
                       what="|r_c − 0.4| per seed")


R_TIME = SeedRule("Spearman ρ over the seed's training sets of steps to RQI > 0.95 (censored at horizon + 1) and "
                  "t_th = 1/(λ3 η) (∞ when λ3 = 0)", 0.5, 0.1, ">=")

GT = claim(
    "liu2022.toy.grokking_time_vs_theory",
    title="Steps to RQI > 0.95 follow the effective theory's t_th = 1/(λ3 η) (Fig 5b)",
    paper_ref="Sec 3.2 ('Dependence of grokking on data size'); Fig 5(b)",
    printed=r"To verify our effective theory, we compare the grokking steps obtained from real neural network "
            r"training (defined as steps to $\text{RQI} > 0.95$), and those predicted by our theory "
            r"$t_{\rm th} \sim \frac{1}{\lambda_3 \eta}$ ($\eta$ is the embedding learning rate), shown in Figure 5 "
            r"(b). The theory agrees qualitatively with neural networks, showing the trend of decreasing grokking "
            r"steps as increasing data size.",
    depends_on=["liu2022.effective.grokking_rate"],
    notes="The record liu2022-toy-nested (2026-12-07; width 200, 10⁵ steps, seeds 0-4): ρ = 0.97, 0.89 on seeds 0, "
          "3; seeds 1, 2, 4 reach RQI > 0.95 on one set or none (undecided: no ordering) → inconclusive; the "
          "trained models take 650-1050 steps where t_th = 1.4·10⁴-4.1·10⁴. "
          "Run of 2026-12-01 (fast): ρ = 0.97, 0.89, 0.92 on seeds 0, 3, 4; seeds 1, 2 reach RQI > 0.95 only on "
          "their largest set (undecided). The trend agrees; the scale does not: t_th = 1/(λ3η) is 1.4·10⁴–2.5·10⁵ "
          "steps where the trained models take 950–2050 steps (10-15× faster) — the 'quantitative differences' "
          "the paper mentions.",
    assumptions=[
        "the runs of liu2022.toy.rqi_predicts_accuracy (scale in the evidence); λ3 of each model's own training set "
        "(paper.liu2022.grokking_rate, Z0 = p), η = 1e-3",
        "Decision rule (dead-band seed rule, written 2026-12-01 before this check's first run, the runs' RQI "
        "milestones already known from liu2022.toy.critical_fraction_trained): per seed the Spearman correlation "
        "over its five nested training sets of the measured steps (a set that never reaches RQI > 0.95 counts as "
        "horizon + 1, as the suite censors t_grok) and t_th; NaN (undecided) when fewer than two sets reach RQI > "
        "0.95 (no ordering to compare); shows it when ρ ≥ 0.5 outside a band ±0.1; holds when ≥ 80% of seeds show "
        "it, counterexample when at most half do counting the undecided",
    ],
    source=SOURCE,
)


@check(GT, "empirical")
def test_grokking_steps_follow_lambda3(evidence, li2_profile):
    from scipy.stats import spearmanr

    evidence.describe("Per seed, rank-correlate the trained models' steps to RQI > 0.95 with the effective theory's "
                      "1/(λ3 η) of their training sets")
    got = _nested(evidence, li2_profile)
    if got is None:
        return
    r, sc = got
    cfg = r.config
    hit = r.first_step("rqi", 0.95)
    horizon = float(r.steps[-1])
    vals, rows = [], []
    for s in range(sc["n_seeds"]):
        idx = [b for b in range(len(cfg.seeds)) if cfg.seeds[b] == s]
        steps = np.array([hit[b] if np.isfinite(hit[b]) else horizon + 1 for b in idx])
        lam = np.array([L.grokking_rate(L.parallelograms(r.splits[b]), 10) for b in idx])
        t_th = np.where(lam > 0, 1.0 / np.maximum(lam, 1e-300) / cfg.emb_lr, np.inf)
        reached = int(np.sum(np.isfinite(hit[idx])))
        rho = float(spearmanr(steps, t_th).statistic) if reached >= 2 else float("nan")
        vals.append(rho)
        rows.append({"seed": s, "n": list(NS), "steps to RQI>0.95": steps.tolist(), "t_th = 1/(λ3η)": t_th.tolist(),
                     "ρ": rho})
    evidence.detail("per seed", rows)
    evidence.detail("scale", _scale_text(sc))
    evidence.seed_vote(R_TIME, vals, seeds=list(range(sc["n_seeds"])), family="toy addition p=10",
                       what="steps to RQI > 0.95 rank-correlate with 1/(λ3 η)")


# ---------------------------------------------------------------------------------------------------- phases
R_MEM = SeedRule("corner (fastest decoder lr, wd 0) is memorization (1) or not (0)", 0.5, 0.25, ">=")
R_CONF = SeedRule("corner (fastest decoder lr, largest wd) is confusion (1) or not (0)", 0.5, 0.25, ">=")
R_FOUR = SeedRule("number of distinct Table 1 phases on the seed's grid", 3.5, 0.25, ">=")


def _phases(evidence, li2_profile):
    """(cells, ToyResult, scale) of the phase grid: the committed record in fast/thorough (its grid), trained live in
    paper (the 4×4 grid, 5 seeds); None (inconclusive with the reason) when the record cannot be used."""
    if li2_profile.name == "paper":
        sc = dict(lrs=(1e-5, 1e-4, 1e-3, 1e-2), wds=(0.0, 0.1, 1.0, 10.0), n_seeds=5, width=TOY_WIDTH,
                  steps=PAPER_HORIZON)
        return (*_phase_runs(**sc), sc)
    rec = record_for_claim(evidence, "liu2022-toy-phases")
    if rec is None:
        return None
    r = toy_result(rec)
    cells = [(u["seed"], u["dec_lr"], u["dec_wd"]) for u in rec.spec.units]
    sc = dict(lrs=tuple(sorted({c[1] for c in cells})), wds=tuple(sorted({c[2] for c in cells})),
              n_seeds=len({c[0] for c in cells}), width=r.config.width, steps=r.config.steps)
    return cells, r, sc


@lru_cache(maxsize=None)
def _phase_runs(lrs, wds, n_seeds, width, steps):
    cells = [(s, lr, wd) for s in range(n_seeds) for wd in wds for lr in lrs]
    r = train_toy(ToyConfig(seeds=[c[0] for c in cells], n_train=[45] * len(cells), dec_lr=[c[1] for c in cells],
                            dec_wd=[c[2] for c in cells], width=width, steps=steps, eval_every=10))
    return cells, r


PHASES = claim(
    "liu2022.toy.phase_diagram",
    title="Four phases over decoder learning rate and weight decay; memorization and confusion corners (Fig 6b)",
    paper_ref="Sec 4.1 ('Universality of phase diagrams'); App. A, Table 1; Fig 6(b)",
    printed=r"Common phenomena emerge from these different tasks: (i) they all include four phases; (ii) The top "
            r"right corner (a fast and capable decoder) is the memorization phase; (iii) the bottom right corner (a "
            r"fast and simple decoder) is the confusion phase; (iv) grokking is sandwiched between comprehension and "
            r"memorization, which seems to imply that it is an undesirable phase that stems from improperly tuned "
            r"hyperparameters.",
    assumptions=[
        "Fig 6(b) setting at the authors' scale: addition p = 10 regression, 45/10 split, 1D embeddings with Adam lr "
        "1e-3 and no weight decay, decoder 1-200-200-30 tanh AdamW over a grid of lr × weight decay, 10⁵ steps "
        "(Table 1's horizon): fast and thorough read the committed run record liu2022-toy-phases ({1e-4, 1e-3, "
        "1e-2} × {0, 1, 10}, seeds 0-4, evaluated every 10 steps); the paper profile trains {1e-5 … 1e-2} × "
        "{0, 0.1, 1, 10}, seeds 0-4 live. Until 2026-12-07 fast and thorough trained width 64 for 3000 and 10⁴ "
        "steps (see notes). Changed after the record's first run (disclosed): it held seeds 0-1, the fast "
        "profile's count, and left (i) undecided (seed 1 four phases, seed 0 no generalizing cell); it was "
        "extended to seeds 0-4, the paper profile's count written before any run, the rules unchanged",
        "phases by Table 1 (paper.liu2022.phase) with the printed 90% levels and delay 10³ steps, the horizon being "
        "the run's; 'fast and capable' = the largest decoder lr with no weight decay, 'fast and simple' = the "
        "largest lr with the largest weight decay (a large AdamW decay shrinks the decoder); (iv) is not checked",
        "Decision rules (dead-band seed rule, per seed's grid; written 2026-12-01 after one exploratory run of seed "
        "0 at 4000 steps, see notes): (ii) the memorization corner, (iii) the confusion corner: value 1/0, "
        "threshold 0.5, band ±0.25; (i) four phases: number of distinct phases ≥ 4 (threshold 3.5, band ±0.25), "
        "read only when some cell of the seed's grid generalizes (training AND validation accuracy ≥ 90% within "
        "the horizon) — otherwise the horizon cannot show comprehension or grokking and the seed is undecided (NaN)",
    ],
    notes="The record at seeds 0-4 (2026-12-07, width 200, 10⁵ steps): (ii) 5/5 and (iii) 5/5 hold; (i) four phases "
          "on seeds 1 and 3 (comprehension at lr 1e-4 with wd 0 and 1, grokking at lr 1e-4 with wd 10, memorization, "
          "confusion), three on seed 4 (no grokking cell), and seeds 0 and 2 without a generalizing cell (undecided): "
          "2 show, 1 does not, 2 undecided → inconclusive. "
          "The record's first run (2026-12-07, seeds 0-1, width 200, 10⁵ steps): (ii) 2/2, (iii) 2/2; seed 1's grid "
          "holds all four phases (lr 1e-4: comprehension at wd 0 and 1, grokking at wd 10; memorization at the faster "
          "lrs; confusion at wd 10), seed 0's grid has no generalizing cell (undecided) → (i) inconclusive with 2 "
          "seeds. "
          "Exploration before the rules were written (seed 0, 4×4 grid lr 1e-5…1e-2 × wd 0…10, width 64, 4000 steps): "
          "only memorization (lr ≥ 1e-4 with wd ≤ 1) and confusion (lr 1e-5, or wd 10) appeared; no cell reached "
          "9/10 validation samples (0.8 at best). With 10 validation samples and a horizon 25-100× shorter than "
          "the paper's 10⁵ steps, comprehension and grokking are out of reach at CPU scale, hence the "
          "precondition on (i). Changed after the first fast run: the precondition read 'some cell reaches "
          "validation accuracy 90%'; once validation accuracy was computed from counts in float64 (a float32 "
          "9/10 had compared below 0.9), seed 1's (lr 1e-4, wd 0) cell reached 9/10 validation samples with "
          "training accuracy below 90% — a row Table 1 does not have ('unclassified'), which shows no generalizing "
          "phase; the precondition now asks for a generalizing cell (training and validation ≥ 90%), as its reason "
          "always said. That run: (ii) 2/2, (iii) 2/2, (i) seed 0 undecided, seed 1 two phases. Thorough profile "
          "(4×4 grid, 3 seeds, 10⁴ steps; one run): (ii) 3/3, (iii) 3/3; seed 1 has comprehension and seed 2 "
          "grokking at the slowest-but-one decoder lr (1e-4, wd ≤ 1) — the Goldilocks column the paper describes — "
          "but each seed's grid holds three phases, not four (seed 0: no generalizing cell), so (i) is refuted "
          "per seed in thorough (the four phases do appear across seeds).",
    source=SOURCE,
)


@check(PHASES, "empirical")
def test_phase_diagram_corners_and_four_phases(evidence, li2_profile):
    evidence.describe("Train the toy model over a grid of decoder lr × weight decay; classify each run by Table 1; "
                      "check the two right-hand corners and count the phases per seed")
    got = _phases(evidence, li2_profile)
    if got is None:
        return
    cells, r, sc = got
    tr, va = r.first_step("train_acc", 0.9), r.first_step("val_acc", 0.9)
    horizon = float(r.steps[-1])
    ph = [L.phase(tr[i], va[i], horizon, 1000.0) for i in range(len(cells))]
    seeds = list(range(sc["n_seeds"]))
    lr_max, wd_max = max(sc["lrs"]), max(sc["wds"])
    mem, conf, four, grids = [], [], [], []
    for s in seeds:
        idx = {(c[1], c[2]): i for i, c in enumerate(cells) if c[0] == s}
        mem.append(float(ph[idx[(lr_max, 0.0)]] == "memorization"))
        conf.append(float(ph[idx[(lr_max, wd_max)]] == "confusion"))
        gen = any(ph[i] in ("comprehension", "grokking") for i in idx.values())
        four.append(float(len({ph[i] for i in idx.values()} & set(L.PHASES))) if gen else float("nan"))
        grids.append({"seed": s, "phases (rows: wd, columns: lr)":
                      {f"wd={wd:g}": [ph[idx[(lr, wd)]] for lr in sc["lrs"]] for wd in sc["wds"]},
                      "final val acc": {f"wd={wd:g}": [round(float(r.val_acc[-1, idx[(lr, wd)]]), 2)
                                                       for lr in sc["lrs"]] for wd in sc["wds"]}})
    evidence.detail("grid per seed", grids)
    evidence.detail("scale", f"lr {list(sc['lrs'])} × wd {list(sc['wds'])}, decoder width {sc['width']}, "
                             f"{sc['steps']} steps (paper: 10⁵), delay 10³ steps, seeds {seeds}")
    fam = "toy addition p=10, 45/10"
    evidence.seed_vote(R_MEM, mem, seeds=seeds, family=fam, what="(ii) fast capable decoder memorizes")
    evidence.seed_vote(R_CONF, conf, seeds=seeds, family=fam, what="(iii) fast simple decoder is confused")
    evidence.seed_vote(R_FOUR, four, seeds=seeds, family=fam, what="(i) four phases on the grid")
