"""Thm 4 (Sec 4.5) decided from trained networks: the d_k² factor of n ≳ d_k² M log(M/δ) at matched order, and the
landscape proxy of ``thm4.sample_complexity.maxima_kept`` against the boundary of trained networks — the claims
``thm4.sample_complexity.dk_squared`` and ``thm4.sample_complexity.proxy_vs_trained``, each followed by its check.

The d_k² claim reads, under the fast and thorough profiles, the two committed caption-scale evidence records that
``fig5.scaling.composite`` and ``fig8.scaling.nonabelian`` read (``evidence/caption-composite``: Z_M,
``evidence/caption-nonabelian``: the max-d_k = 2 group of each order; two cells of each re-trained,
``li2verify.experiments.records``), and under the paper profile the one grid of ``li2verify.experiments.sweeps``
(shared with ``fig5_scaling_law`` and ``fig8_scaling_law``); one function (:func:`decide_ratio`) decides from
either.  The proxy claim reads that grid.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from li2verify.verify.claims import SeedRule, check, claim
from li2verify.experiments.records import CODE_CRITICAL_RATIO, checked_record, code_ratio, reads_record, record_entries
from li2verify.experiments.scaling import finite
from li2verify.experiments.seeds import VOTE_SEEDS
from li2verify.experiments.sweeps import THRESHOLD, boundaries, family_boundaries, matched_orders, scale

_THM4 = (r"If we select $n \gtrsim d_k^2 M \log(M/\delta)$ data sample from $H \times H$ uniformly at random, then "
         r"with probability at least $1 - \delta$, the empirical energy function $\hat{\mathcal{E}}$ keeps local "
         r"maxima for $d_k$-dimensional irreps (Thm. 2).")

#: the readings of the d_k² factor at d_k = 2 (ratio of critical sample counts, non-Abelian / Abelian, same M)
READINGS = {"d_k² (Thm 4 as printed)": 4.0, "d_k (linear)": 2.0, "same (the paper code's critical-ratio split "
            "scaled by d_k/2 = 1)": 1.0}
#: the committed caption-scale records of the two sides of each matched order (fig5.scaling.composite and
#: fig8.scaling.nonabelian decide from the same two)
ABELIAN_RECORD, NONAB_RECORD = "caption-composite", "caption-nonabelian"

DK = claim(
    "thm4.sample_complexity.dk_squared",
    title="Thm 4's d_k² factor: groups with max d_k = 2 need ≈ 4× the samples of Abelian groups of the same order",
    paper_ref="Thm 4; Sec 4.5; Fig 8 right (App. J.1)",
    printed=_THM4,
    depends_on=["fig5.scaling.composite", "fig8.scaling.nonabelian"],
    assumptions=[
        "fast and thorough profiles (since 2026-12-07): matched order M, the cyclic group Z_M (max d_k = 1) from the "
        "committed evidence record evidence/caption-composite and the dihedral D_M (max d_k = 2, the paper's "
        "selection) from evidence/caption-nonabelian — both at the caption's setting (K = 2048, Adam lr 5e-4, η = "
        "2e-4, σ = x², MSE, trained as the paper's code trains (protocol code), 3000 epochs, seeds 0-4, the same "
        "adaptive search of n per group and seed, horizon check at 6000 epochs), M ∈ {10, 14, 18, 22, 26, 34} in "
        "both; the M range of the verdict is the orders where both groups are fitted by the records' rule (the "
        "rule of li2verify.experiments.records, the one fig5.scaling.composite and fig8.scaling.nonabelian state: "
        "the record loads and 2 sampled cells of each re-train to the recorded outcome, else inconclusive with the "
        "reason; a group is fitted when its horizon check converged and ≥ 3 seeds are bracketed). Read into the "
        "rule below as: p_c and its 95% interval are the record's (geometric mean of the seeds' bracket midpoints, "
        "Student-t interval over seeds, at least the widest bracket) in place of the grid's logistic fit and "
        "bootstrap interval; an order where either group is not fitted is reported and left out (as an order with "
        "no boundary inside the grid). This reading was written on 2026-12-07 after the records were made (the rule "
        "itself is unchanged and was written before them)",
        "paper profile (GPU): the cyclic group Z_M and the catalog's max-d_k = 2 SmallGroup of the same order M "
        "from the packaged spec paper (M ∈ {24, 36, 48, 60, 72, 84, 96, 108, 120}); their boundaries from the shared "
        "grid (li2verify.experiments.sweeps). Until 2026-12-07 the fast profile read its CPU-scale grid "
        "too (K 256, lr 5e-3, η 2e-3: D_M at M ∈ {10, 14, 22}) and the thorough profile the catalog's max-d_k = 2 "
        "SmallGroup of each order of the packaged spec thorough (M ∈ {12, 20, 24, 28, 36, 40, 48})",
        "Measured: the ratio ρ = n_c(D_M)/n_c(Z_M) = p_c(D_M)/p_c(Z_M) per M; log ρ's σ from the two 95% bootstrap "
        "intervals ((log hi − log lo)/(2·1.96), floor 0.05 as in fit_scaling, combined in quadrature); the "
        "inverse-variance weighted mean of log ρ over M with its 95% interval (±1.96 SE)",
        "Decision rule (written before the recorded run): the printed n ≳ d_k² M log(M/δ) is a sufficient "
        "condition with a universal constant, so no ratio refutes it; what is measured is whether the boundary "
        "shows the d_k² factor: verified when ρ's 95% interval contains 4; otherwise inconclusive with the readings "
        "(4 = d_k², 2 = d_k, 1 = the paper code's d_k/2 scaling of its critical ratio) that the interval contains "
        "or excludes. An order where either group has no boundary inside the grid is reported and left out; no "
        "order left → inconclusive",
        f"Recorded alongside (not decided): p_c·M/ln M of each group, its n_c in units of M ln M, against the paper "
        f"code's critical ratio {CODE_CRITICAL_RATIO} (its split n = ratio·M ln M; ×d_k/2 for the non-Abelian groups, "
        f"= 1 at d_k = 2, so {CODE_CRITICAL_RATIO} for both sides of every order here)",
    ],
    notes="Measured from the two caption-scale records (2026-12-07, fast profile; orders fitted in both: M = 10, "
          "18, 22, 26 — Z14 and D34 are not fitted, their horizon checks did not converge): n_c(D_M)/n_c(Z_M) = "
          "1.02, 1.04, 1.00, 1.00; weighted 1.02, 95% CI [0.95, 1.09], χ² 0.24 on 3 dof: the 'same' reading (1) "
          "inside, d_k = 2 and d_k² = 4 outside, so inconclusive (loose in d_k, not wrong). Every group's σ(log "
          "p_c) is the rule's floor 0.05 (the records' intervals are narrower), so σ(log ρ) = 0.071 per order. At "
          "M = 22 and 26 both groups' seeds fall in the same brackets of the adaptive search (ρ = 1 exactly): the "
          "ratio's resolution is the search's bracket (n_hi/n_lo ≤ 1.15), well below the factor 2 between the "
          "readings. p_c·M/ln M (Z_M, D_M) = (2.90, 2.96), (2.55, 2.66), (2.56, 2.56), (2.56, 2.56) at M = 10, "
          "18, 22, 26, against the code's 2.7482. Before 2026-12-07 (fast profile grid, K 256, lr 5e-3, η 2e-3, "
          "600 epochs): ρ = 1.05, 1.05, 1.00 at M = 10, 14, 22, weighted 1.03 [0.95, 1.12].",
)


def _sigma(ci) -> float:
    return max((math.log(ci[1]) - math.log(ci[0])) / (2 * 1.959964), 0.05)


@check(DK, "empirical")
def test_dk_squared_factor_at_matched_order(evidence, li2_profile, li2_device):
    evidence.describe("Critical training fractions of Z_M and of the max-d_k = 2 group of the same order M (at the "
                      "caption's setting: the committed records of Figs 5 and 8, two cells of each re-trained; the "
                      "paper profile: its own grid); their ratio against 4 (d_k²), 2 (d_k) and 1")
    if reads_record(li2_profile.name):
        pairs = _record_pairs(evidence)
        where = "the caption-scale records caption-composite and caption-nonabelian"
    else:
        evidence.detail("scale", scale(li2_profile.name))
        crit = boundaries(li2_profile.name, li2_device)
        pairs = [(M, f"Z{M}", crit.get(f"Z{M}"), g, crit.get(g)) for M, g in matched_orders(li2_profile.name)]
        where = f"the grid of the {li2_profile.name} profile"
    if pairs is not None:
        decide_ratio(evidence, pairs, where)


def _record_pairs(evidence):
    """(M, Z_M, its entry, the max-d_k = 2 group, its entry) at every order of both caption-scale records, or None
    (the claim inconclusive) when either record is refused or not reproduced."""
    recs = {name: checked_record(evidence, name, f" {name}") for name in (ABELIAN_RECORD, NONAB_RECORD)}
    if any(r is None for r in recs.values()):
        return None
    evidence.detail("scale", {name: rec.spec.description for name, rec in recs.items()})
    ab = {e["M"]: e for e in record_entries(recs[ABELIAN_RECORD]) if e["family"] == "cyclic composite"}
    na = {e["M"]: e for e in record_entries(recs[NONAB_RECORD]) if e["family"] == "non-Abelian"}
    return [(M, ab[M]["group"], ab[M], na[M]["group"], na[M]) for M in sorted(ab.keys() & na.keys())]


def decide_ratio(evidence, pairs, where: str) -> None:
    """The claim's decision rule on ``pairs`` = (M, Z_M, its boundary entry, the max-d_k = 2 group, its entry) —
    entries with ``p_c``, its 95% interval ``ci`` and, when not fitted, ``censored`` or ``why`` — from a grid or a
    record alike: ρ = p_c(D_M)/p_c(Z_M) per order with both fitted, log ρ's inverse-variance weighted mean and its
    95% interval against the readings 4, 2 and 1."""
    rows, logs, sig = [], [], []
    for M, zg, z, g, d in pairs:
        if z is None or d is None:
            continue
        evidence.instance(zg)
        evidence.instance(g)
        row = {"M": M, "Abelian": zg, "p_c(Z_M)": z["p_c"], "CI(Z_M)": z["ci"], "max-d_k=2 group": g,
               "p_c": d["p_c"], "CI": d["ci"], "censored": [z["censored"], d["censored"]]}
        if finite(z) and finite(d):
            lr = math.log(d["p_c"] / z["p_c"])
            s = math.hypot(_sigma(z["ci"]), _sigma(d["ci"]))
            row.update({"ratio n_c(D)/n_c(Z)": round(math.exp(lr), 3), "σ(log ratio)": round(s, 3),
                        f"p_c·M/ln M (Z_M, D_M; code {CODE_CRITICAL_RATIO})": [round(code_ratio(z), 3),
                                                                              round(code_ratio(d), 3)]})
            logs.append(lr)
            sig.append(s)
        else:
            row["not fitted because"] = {x: e.get("why") or f"censored {e['censored']}"
                                         for x, e in ((zg, z), (g, d)) if not finite(e)}
        rows.append(row)
    evidence.detail("per order", rows)
    if not logs:
        evidence.inconclusive(f"no order with a boundary in {where} for both groups")
        return
    w = 1 / np.array(sig) ** 2
    m = float(np.sum(w * np.array(logs)) / np.sum(w))
    se = float(1 / math.sqrt(np.sum(w)))
    lo, hi = math.exp(m - 1.959964 * se), math.exp(m + 1.959964 * se)
    chi2 = float(np.sum(w * (np.array(logs) - m) ** 2))
    used = [r["M"] for r in rows if "σ(log ratio)" in r]
    evidence.detail("ratio n_c(max d_k = 2) / n_c(Abelian), weighted over M", {
        "ratio": round(math.exp(m), 3), "95% CI": [round(lo, 3), round(hi, 3)], "orders": len(logs), "M": used,
        "χ² of the orders about the mean (dof = orders − 1)": round(chi2, 2), "from": where})
    inside = {k: lo <= v <= hi for k, v in READINGS.items()}
    evidence.detail("readings inside the ratio's 95% CI", inside)
    evidence.plot(_ratio_figure(rows, math.exp(m), lo, hi), "Thm 4's d_k² factor: n_c of the max-d_k = 2 group "
                                                            "over n_c of Z_M at the same M, with the three readings")
    if inside["d_k² (Thm 4 as printed)"]:
        return
    side = "below" if hi < 4 else "above"
    evidence.inconclusive(
        f"the boundary does not show the d_k² factor: n_c(max d_k = 2)/n_c(Z_M) = {math.exp(m):.2f}, 95% CI "
        f"[{lo:.2f}, {hi:.2f}] lies {side} 4 over M = {used} ({where}); readings inside the CI: "
        f"{[k for k, v in inside.items() if v] or 'none'}. The printed n ≳ d_k² M log(M/δ) is a sufficient "
        "condition with a universal constant: a smaller ratio makes it loose in d_k, not wrong")


def _ratio_figure(rows, r, lo, hi):
    import matplotlib.pyplot as plt

    ok = [x for x in rows if "σ(log ratio)" in x]
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    Ms = [x["M"] for x in ok]
    rat = [x["ratio n_c(D)/n_c(Z)"] for x in ok]
    err = [[v * (1 - math.exp(-1.96 * x["σ(log ratio)"])) for v, x in zip(rat, ok)],
           [v * (math.exp(1.96 * x["σ(log ratio)"]) - 1) for v, x in zip(rat, ok)]]
    ax.errorbar(Ms, rat, yerr=err, fmt="o", capsize=3, label="per order M (95% interval)")
    ax.axhspan(lo, hi, color="C0", alpha=0.15, label=f"weighted mean {r:.2f}, 95% CI [{lo:.2f}, {hi:.2f}]")
    for (name, v), ls in zip(READINGS.items(), ("--", ":", "-.")):
        ax.axhline(v, ls=ls, color="k", lw=0.8, label=f"{v:g}: {name.split(' (')[0]}")
    ax.set_yscale("log")
    ax.set_xlabel("group order M", fontsize=8)
    ax.set_ylabel("n_c(max d_k = 2 group) / n_c(Z_M)", fontsize=8)
    ax.set_title("Samples needed by non-Abelian (d_k = 2) vs cyclic groups of the same order", fontsize=9)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- the landscape proxy against trained networks
PV_GROUP, PV_P = "Z23", 0.4
PV_TOP, PV_MASS = 30, 0.8
R_KEPT = SeedRule("fraction of the network's Fourier nodes that Ê ascent keeps in their irrep", 0.5, 0.1, ">=")

PROXY = claim(
    "thm4.sample_complexity.proxy_vs_trained",
    title="Conjecture: trained networks generalize where Ê keeps the Thm 2 maxima (Thm 4 read as the mechanism "
          "of Fig 5)",
    paper_ref="conjecture (this suite's reading of Sec 4.5 after Thm 4; Fig 5 caption; App. F.3)",
    printed=r"Conjecture: at a sample size where the trained network generalizes, the Fourier features it learned are "
            r"local maxima of the empirical energy $\hat{\mathcal{E}}$ of its own training pairs (Thm 4's kept "
            r"maxima are what the network learns). The paper's text this reads: ``The theorem above says that we do "
            r"not need all $M^2$ samples, but only $O(M \log M)$ samples suffice to learn these features, which will "
            r"generalize to unseen data according to Thm. 3. Fig. 5 demonstrates that the empirical results closely "
            r"match the theoretical prediction''. Thm 4 itself is a sufficient condition; a failure of this "
            r"conjecture does not contradict it.",
    depends_on=["thm4.sample_complexity.maxima_kept", "fig5.scaling.prime"],
    assumptions=[
        f"Networks trained on {PV_GROUP} at p = {PV_P} (above the trained boundary p_c ≈ 0.35 of this scale), K = "
        "256, lr 5e-3, η = 2e-3, 600 epochs, seeds 10-14 (fast), 10-19 (thorough); a seed whose best test accuracy "
        "stays below 0.9 did not generalize and is undecided",
        f"The network's Fourier nodes: among the {PV_TOP} hidden nodes of largest norm, those with ≥ {PV_MASS:.0%} of "
        "‖w‖² in one real isotypic component (li2verify.paper.sampling.component_mass); each, normalized, is the "
        "start of the proxy's Riemannian ascent of Ê on the network's OWN training pairs (Eqn 7, σ = x², "
        "li2verify.paper.sampling.subsampled_ascent, 400 steps); kept = ≥ 80% of the mass still in that component "
        "(the proxy's ‘kept’)",
        "Decision rule (dead-band seed rule, written before the recorded run): Ê keeps the features the network "
        "learned at the sample size where it generalizes: per seed, the kept fraction ≥ 0.5, margin 0.1. Holds when "
        "≥ 80% of the seeds show it, a counterexample when at most half do even counting the undecided, "
        "inconclusive otherwise",
        "Side by side (recorded, not decided): per prime M of the grid, the trained boundary p_c (95% CI) and the "
        "proxy's critical fraction n_c/M² (li2verify.paper.sampling.critical_sample_count: the smallest n on a "
        "geometric grid at which ascent from a Thm 2 maximizer is kept in ≥ 90% of 5 trials)",
    ],
    notes="Relabelled after the first recorded run (rule and measurement unchanged): the claim was first registered "
          "with the paper's text as its printed statement; since Thm 4 is a sufficient condition and 'closely match' "
          "is about the boundary's scaling (fig5.scaling.*), a network that generalizes with fewer samples than Ê "
          "needs to keep its maxima does not contradict the printed text, so the verdict is on this suite's "
          "conjecture (the mechanism reading), shown in the Conjectures section. "
          "Measured before the rule (pilot, seeds 0-3 at Z23, p = 0.4): the networks' 30 largest nodes had ≈ 100% "
          "of their mass in one irrep, and Ê ascent from them on the same training pairs kept none (median mass "
          "after ascent 0.12, a memorizing direction). Ascent from random starts and from exact Thm 2 maximizers "
          "gave the same picture: at Z23 the proxy keeps no maximum at p ≤ 0.5 (mass threshold 0.5 or 0.8 alike) "
          "and all from p ≈ 0.7; the trained boundary is p_c ≈ 0.35. So neither the mass threshold nor the starting "
          "point explains the gap: the single-node Ê of Stage II (G_F ∝ ỸỸᵀF, B ∝ I) does not hold the learned "
          "features at these n; what holds them in the network is absent from Ê (the top layer fits the training "
          "targets, so the back-propagated G_F is driven by the residual, not by Ỹ, and weight decay shrinks the "
          "memorizing directions) — Stage III, which the proof's stability step (it perturbs only the simplex of "
          "irrep masses, Eqn 21) does not model. Checked after the first recorded run (seed 10, 10 nodes): the "
          "learned Fourier nodes are not stationary points of Ê (‖Riemannian ∇Ê‖/Ê ≈ 1.5-2.1), and ascent ends at "
          "the same points (mass in the irrep 0.05-0.18, Ê ≈ 3× the learned node's) with steps 0.1 × 400, 0.02 × "
          "2000 and 0.005 × 4000: the escape is not an artefact of the step size. The end points are memorizing "
          "maxima of Ê with HIGHER Ê than the Fourier nodes — the single-node landscape ranks memorization above "
          "the generalizing features at this n, while the network stays at the latter.",
)


@lru_cache(maxsize=None)
def _trained_nodes(seeds: tuple, device: str = "cpu"):
    from li2verify.sweep.cells import train_cells
    from li2verify.sweep.spec import Cell

    cells = [Cell(PV_GROUP, PV_P, None, s, 5e-3, 2e-3, 256, 600) for s in seeds]
    return train_cells(cells, device=device, eval_every=10, threshold=THRESHOLD, return_params=True)


def _kept_fraction(row) -> tuple[float, int, dict]:
    """(fraction of the network's Fourier nodes that Ê ascent keeps, their number, diagnostics)."""
    from li2verify.paper.landscape import real_components
    from li2verify.paper.sampling import component_mass, subsampled_ascent, subsampled_energy_and_gradient
    from li2verify.paper.task import group_task
    from li2verify.groups.irreps import irrep_decomposition
    from li2verify.sweep.cells import learned_nodes
    from li2verify.train.data import make_split, resolve_group

    g = resolve_group(row["group"])
    comps = real_components(irrep_decomposition(g))
    W = learned_nodes(row).T  # (2M, K)
    nrm = np.linalg.norm(W, axis=0)
    top = np.argsort(-nrm)[:PV_TOP]
    W0 = W[:, top] / nrm[top]
    mass0 = np.array([component_mass(W0, c.basis, g) for c in comps])  # (components, nodes)
    best = mass0.argmax(0)
    four = mass0.max(0) >= PV_MASS
    if not four.any():
        return math.nan, 0, {}
    split = make_split(g, int(row["n"]), int(row["seed"]))
    task = group_task(g, split.train_pairs)
    E0, G0 = subsampled_energy_and_gradient(W0[:, four], task.X, task.Y_tilde)
    rgrad = np.linalg.norm(G0 - W0[:, four] * np.sum(W0[:, four] * G0, 0), axis=0) / E0  # Riemannian ∇Ê / Ê
    W1, E1 = subsampled_ascent(W0[:, four], task.X, task.Y_tilde)
    after = np.array([component_mass(W1[:, [i]], comps[b].basis, g)[0] for i, b in enumerate(best[four])])
    diag = {"median ‖Riemannian ∇Ê‖/Ê at the learned nodes": float(np.median(rgrad)),
            "median mass in the node's irrep after ascent": float(np.median(after)),
            "median Ê(end of ascent) / Ê(learned node)": float(np.median(E1 / E0))}
    return float(np.mean(after >= PV_MASS)), int(four.sum()), diag


@check(PROXY, "empirical")
def test_energy_keeps_the_features_networks_learn(evidence, li2_profile, li2_device):
    evidence.describe("Networks that generalize above the trained boundary: do their Fourier nodes stay local maxima "
                      "of the empirical energy Ê of their own training pairs (ascent of Ê keeps them in their irrep)? "
                      "Side by side: trained p_c and the landscape proxy's critical fraction per prime M")
    seeds = VOTE_SEEDS[li2_profile]
    rows = _trained_nodes(tuple(seeds), li2_device)
    vals, table = [], []
    for r in rows:
        kept, nf, diag = _kept_fraction(r)
        ok = r["best_test_acc"] >= THRESHOLD
        vals.append(kept if ok else math.nan)
        table.append({"seed": r["seed"], "best test acc": round(r["best_test_acc"], 3), "Fourier nodes of the top "
                      f"{PV_TOP}": nf, "kept by Ê ascent": kept, **{k: round(v, 3) for k, v in diag.items()}})
    evidence.detail("per seed", table)
    _side_by_side(evidence, li2_profile, li2_device)
    evidence.seed_vote(R_KEPT, vals, seeds=seeds, family=f"{PV_GROUP} p={PV_P}",
                       what="Ê keeps the Fourier features of networks that generalized")


def _side_by_side(evidence, li2_profile, li2_device):
    from li2verify.groups.irreps import irrep_decomposition
    from li2verify.paper.landscape import real_components
    from li2verify.paper.sampling import critical_sample_count
    from li2verify.train.data import resolve_group

    entries = family_boundaries(li2_profile.name, "cyclic prime", li2_device)
    trials = li2_profile.pick(fast=5, thorough=10)
    table = []
    for e in entries:
        g = resolve_group(e["group"])
        dec = irrep_decomposition(g)
        nc = critical_sample_count(g, dec, real_components(dec)[0], trials, 0.1, seed=e["M"])
        table.append({"M": e["M"], "trained p_c": round(e["p_c"], 3) if finite(e) else e["censored"],
                      "trained 95% CI": [round(v, 3) for v in e["ci"]], "proxy n_c/M² (Ê keeps the maximum)":
                      round(nc / e["M"] ** 2, 3), "proxy / trained n_c": round(nc / e["n_c"], 2) if finite(e)
                      else None})
    evidence.detail("side by side: trained boundary vs landscape proxy (prime Z_M)", table)
    evidence.plot(_side_figure(table), "The boundary of trained networks and the landscape proxy of "
                                       "thm4.sample_complexity.maxima_kept, per prime M")


def _side_figure(table):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    ok = [t for t in table if isinstance(t["trained p_c"], float)]
    Ms = [t["M"] for t in ok]
    pc = np.array([t["trained p_c"] for t in ok])
    lo = pc - np.array([t["trained 95% CI"][0] for t in ok])
    hi = np.array([t["trained 95% CI"][1] for t in ok]) - pc
    ax.errorbar(Ms, pc, yerr=[lo, hi], fmt="o-", capsize=3, label="trained networks: p_c (95% bootstrap CI)")
    ax.plot([t["M"] for t in table], [t["proxy n_c/M² (Ê keeps the maximum)"] for t in table], "s--",
            label="landscape proxy: Ê ascent keeps a Thm 2 maximum (≥ 90% of trials)")
    ax.set_xlabel("M (prime, Z_M)", fontsize=8)
    ax.set_ylabel("critical training fraction p = n/M²", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_title("Where networks generalize vs where Ê keeps the Fourier maxima", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig

