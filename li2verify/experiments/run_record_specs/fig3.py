"""Run records of Fig 3's claims (li2verify.experiments.run_records), registered on import.

- ``fig3-eta-sweep``: the η sweep of ``fig3.gf_norm.settles_prop_eta`` (Sec 3.1: ‖G_F‖ ‘converge[s] exponentially
  to O(η)’; Lemma 1) at Fig 3's CPU setting (Z_23, K = 256, p = 0.4, σ = x², Adam lr 5e-3), η ∈ {5e-4, 1e-3, 2e-3,
  4e-3} × seeds 10-24 (the sweep's 15 paper-profile seeds), to :data:`ETA_HORIZON` epochs: the horizon at which an
  audit run of the same sweep had every run settled under the claim's own rule (≤ 5% change over the last quarter;
  measured ≤ 1.4% at 2500, while at 800 the η = 5e-4 runs were still falling).  Units are (η, seed) runs.
- ``fig3-gram``: Fig 3 at the paper's scale (M = 71, K = 2048, n = 2016, Adam lr 1e-3, η = 2e-4) with the caption's
  15 seeds (0-14) over :data:`GRAM_HORIZON` epochs, the Gram metrics of ``fig3.gram.near_diagonal_8pct`` every 25
  epochs (:mod:`li2verify.experiments.gram_diagonality`).  Units are seeds.

Both compute with the function the claim trains with live (``eta_sweep.eta_runs``, ``gram_diagonality.paper_gram``)
and re-check by re-training two sampled units over a prefix of the horizon.  A run's trajectory does not depend on
the horizon nor on the runs that share its batched program (measured bitwise on small copies of both records; the
η sweep's in tests/experiments/test_fig3_records.py), with two exceptions the compares state: the ‖G_F‖ probe's
float64 sum varies at rounding level with the batch, and the horizon's train metrics come from the final evaluation.
"""

from __future__ import annotations

import numpy as np

from li2verify.experiments.eta_sweep import ACC_EVERY, ETA_RECORD, ETAS, GF_EVERY, SETTLED_HORIZON, eta_runs
from li2verify.experiments.gram_diagonality import GRAM_EVERY, GRAM_HORIZON, GRAM_METRICS, GRAM_RECORD, paper_gram
from li2verify.experiments.record_definitions import Arrays, RunRecordSpec, first_index, not_bitwise, register
from li2verify.experiments.seeds import ETA_SWEEP, FIG3_SEEDS
from li2verify.train.config import env_init_perturbation
from li2verify.train.presets import FIGURE_SETTINGS

#: the η sweep's record horizon (epochs): the thorough/paper profiles' horizon, where the audit run had settled
ETA_HORIZON = SETTLED_HORIZON
#: the η sweep's re-check: the first ETA_RECHECK_EPOCHS epochs (grokking, at every η of the sweep, falls inside)
ETA_RECHECK_EPOCHS = 400
#: the Gram record's re-check: the first GRAM_RECHECK_EPOCHS epochs (grokking at this scale: test acc 0.5 near 100-140)
GRAM_RECHECK_EPOCHS = 150

#: the η sweep's recorded series (by epoch, NaN where not measured): the trajectory's train loss and accuracies, the
#: test accuracy, ‖G_F‖ (the claim's)
ETA_SERIES = ("train_loss", "train_acc", "test_acc", "gf_norm")
#: ‖G_F‖ is a float64 probe summed over a batched tensor whose reduction order depends on how many runs share the
#: program (measured: 2.2e-16 relative between a 2-run and an 8-run program, with bitwise equal trajectories), so the
#: same-machine re-check reads it within this relative tolerance and the trajectory bitwise
ETA_GF_ULP_RTOL = 1e-12
#: non-bitwise tolerance of the η sweep's ‖G_F‖ (relative, per probe) and of the accuracy crossings (evaluations)
ETA_GF_RTOL = 0.05
#: non-bitwise tolerance of the Gram ratios (absolute, per snapshot: a tenth of the claim's 0.005 dead band)
GRAM_ATOL = 5e-4


def _setting(scale: str) -> dict:
    """Fig 3's setting at ``scale`` (li2verify.train.presets), without its η and horizon (the record states them)."""
    return {k: v for k, v in FIGURE_SETTINGS["fig3"][scale].items() if k not in ("wd", "epochs")}


def _perturbation(n: int) -> np.ndarray:
    """The init perturbation the runs were made with ($LI2_INIT_PERTURBATION), one per unit: a record made under one
    is another measurement, and a re-check under another disagrees."""
    return np.full(n, env_init_perturbation())


def _eta_compute(config: dict, units: list[dict]) -> Arrays:
    seeds = tuple(sorted({u["seed"] for u in units}))
    etas = tuple(e for e in ETAS if any(u["eta"] == e for u in units))
    runs = eta_runs(seeds, config["epochs"], etas)
    out: dict[str, list] = {k: [] for k in ("eta", "seed", "epochs", *ETA_SERIES)}
    for u in units:
        r, j = runs[f"eta={u['eta']:g}"], seeds.index(u["seed"])
        out["eta"].append(u["eta"])
        out["seed"].append(u["seed"])
        out["epochs"].append(r.epochs)
        for k in ETA_SERIES:
            out[k].append(r.metrics[k][:, j])
    return {**{k: np.asarray(v) for k, v in out.items()}, "init_perturbation": _perturbation(len(units))}


def _gram_compute(config: dict, units: list[dict]) -> Arrays:
    seeds = tuple(u["seed"] for u in units)
    m, e, acc = paper_gram(seeds, config["epochs"])
    return {"seed": np.asarray(seeds), "epochs": np.tile(e, (len(units), 1)), "test_acc": acc.T,
            **{k: m[k].T for k in GRAM_METRICS}, "init_perturbation": _perturbation(len(units))}


def _prefix(config: dict, epochs: int) -> dict:
    return {**config, "epochs": min(epochs, config["epochs"])}


def _same_units(old: Arrays, new: Arrays, keys: tuple[str, ...]) -> str | None:
    for k in keys:
        if not np.array_equal(old[k], new[k]):
            return f"another {k} (recorded {old[k]}, re-run {new[k]})"
    return None


def _crossing(old: np.ndarray, new: np.ndarray, epochs: np.ndarray, thr: float, name: str) -> str | None:
    """The first epochs at which ``old``/``new`` (NaN where not evaluated) reach ``thr`` must both exist or both not,
    and agree within max(2 evaluations, 10%)."""
    ok = np.isfinite(new)
    ep, a, b = epochs[ok], first_index(old[ok], thr), first_index(new[ok], thr)
    if (a is None) != (b is None):
        return f"{name} ≥ {thr}: recorded {'never' if a is None else f'at epoch {ep[a]:g}'}, re-run " \
               f"{'never' if b is None else f'at epoch {ep[b]:g}'} within {ep[-1]:g} epochs"
    every = float(ep[1] - ep[0])
    if a is not None and abs(float(ep[a] - ep[b])) > max(2 * every, 0.1 * float(ep[a])):
        return f"{name} ≥ {thr}: epoch {ep[b]:g} vs recorded {ep[a]:g}, beyond max(2 evaluations, 10%)"
    return None


def eta_compare(old: Arrays, new: Arrays, bitwise: bool) -> str | None:
    """One (η, seed) run of ``fig3-eta-sweep`` against its re-run over a prefix of the horizon."""
    why = _same_units(old, new, ("eta", "seed", "init_perturbation"))
    if why:
        return why
    T = new["epochs"].shape[0]
    if not np.array_equal(old["epochs"][:T], new["epochs"]):
        return "another epoch grid"
    ep = new["epochs"]
    g0, g1 = old["gf_norm"][:T], new["gf_norm"]
    ok = np.isfinite(g0) & np.isfinite(g1)
    if not np.array_equal(np.isfinite(g0), np.isfinite(g1)):
        return "‖G_F‖ probed at other epochs"
    rel = np.abs(g1[ok] - g0[ok]) / np.abs(g0[ok])
    tol = ETA_GF_ULP_RTOL if bitwise else ETA_GF_RTOL
    if rel.max() > tol:
        i = int(np.argmax(rel))
        return f"‖G_F‖ differs by {rel[i]:.3g} (relative) at epoch {ep[ok][i]:g} (tolerance {tol:g})"
    if bitwise:  # the horizon's train metrics come from the final evaluation, not a step's forward: rows < T only
        return not_bitwise({k: old[k][:T - 1] for k in ETA_SERIES}, {k: new[k][:T - 1] for k in ETA_SERIES},
                        ("train_loss", "train_acc", "test_acc"), T - 1, "epochs")
    return (_crossing(old["train_acc"][:T], new["train_acc"], ep, 0.99, "train acc")
            or _crossing(old["test_acc"][:T], new["test_acc"], ep, 0.5, "test acc"))


def gram_compare(old: Arrays, new: Arrays, bitwise: bool) -> str | None:
    """One seed of ``fig3-gram`` against its re-run over a prefix of the horizon."""
    why = _same_units(old, new, ("seed", "init_perturbation"))
    if why:
        return why
    T = new["epochs"].shape[0]
    if not np.array_equal(old["epochs"][:T], new["epochs"]):
        return "another snapshot grid"
    if bitwise:
        return not_bitwise(old, new, (*GRAM_METRICS, "test_acc"), T, "snapshots")
    ep = new["epochs"]
    for k in ("ftf", "p1fft"):
        d = np.abs(old[k][:T] - new[k])
        if not np.all(d <= GRAM_ATOL):
            i = int(np.nanargmax(np.where(np.isfinite(d), d, np.inf)))
            return f"{k} ratio differs by {d[i]:.2g} at epoch {ep[i]:g} (tolerance {GRAM_ATOL:g})"
    return _crossing(old["test_acc"][:T], new["test_acc"], ep, 0.5, "test acc")


ETA_RECHECK_RULE = (
    f"two (η, seed) runs drawn at random re-trained for the first {ETA_RECHECK_EPOCHS} epochs: on the record's CPU, "
    "torch and thread count bitwise equal train loss, train and test accuracy series (before the prefix's last epoch, "
    "whose train metrics the final evaluation computes) and ‖G_F‖ within "
    f"{ETA_GF_ULP_RTOL:g} (relative; a float64 probe whose summation order depends on the batch); elsewhere ‖G_F‖ within "
    f"{ETA_GF_RTOL:.0%} (relative) at every probe, and the first epochs of train acc ≥ 0.99 and test acc ≥ 0.5 both "
    "reached or both not, within max(2 evaluations, 10%)")
GRAM_RECHECK_RULE = (
    f"two seeds drawn at random re-trained for the first {GRAM_RECHECK_EPOCHS} epochs: bitwise equal Gram metrics "
    "and test accuracy at every snapshot on the record's CPU, torch and thread count; elsewhere the caption's two "
    f"ratios (F̃ᵀF̃, P1⊥FFᵀ) within {GRAM_ATOL:g} (absolute, a tenth of the claim's dead band) at every snapshot and "
    "the first epoch of test acc ≥ 0.5 both reached or both not, within max(2 evaluations, 10%)")

register(RunRecordSpec(
    name=ETA_RECORD,
    description="fig3.gf_norm.settles_prop_eta's η sweep at Fig 3's CPU setting (Z_23, K = 256, p = 0.4, σ = x², "
                f"Adam lr 5e-3, code protocol), η ∈ {list(ETAS)} × seeds {ETA_SWEEP['paper'][0]}-"
                f"{ETA_SWEEP['paper'][-1]}, {ETA_HORIZON} epochs, ‖G_F‖ every {GF_EVERY} epochs, "
                f"train/test accuracy every {ACC_EVERY}",
    config={"setting": _setting("cpu"), "epochs": ETA_HORIZON, "gf_every": GF_EVERY, "acc_every": ACC_EVERY},
    units=[{"eta": e, "seed": s} for s in ETA_SWEEP["paper"] for e in ETAS],
    compute=_eta_compute, recheck_config=lambda c: _prefix(c, ETA_RECHECK_EPOCHS), compare=eta_compare,
    recheck_rule=ETA_RECHECK_RULE, batch=3 * len(ETAS)))

register(RunRecordSpec(
    name=GRAM_RECORD,
    description="Fig 3 at the paper's scale (Z_71, K = 2048, n = 2016, σ = x², Adam lr 1e-3, η = 2e-4, code "
                f"protocol), seeds {FIG3_SEEDS['paper'][0]}-{FIG3_SEEDS['paper'][-1]}, {GRAM_HORIZON} "
                f"epochs, one thread; every {GRAM_EVERY} epochs in float64: the code's off-diagonal ratio of F̃ᵀF̃ and "
                "of P1⊥FFᵀ, ρ_tian, fit_diag_11(FFᵀ), test accuracy",
    config={"setting": _setting("paper"), "wd": FIGURE_SETTINGS["fig3"]["paper"]["wd"], "epochs": GRAM_HORIZON,
            "gram_every": GRAM_EVERY, "metrics": list(GRAM_METRICS)},
    units=[{"seed": s} for s in FIG3_SEEDS["paper"]],
    compute=_gram_compute, recheck_config=lambda c: _prefix(c, GRAM_RECHECK_EPOCHS), compare=gram_compare,
    recheck_rule=GRAM_RECHECK_RULE, batch=1))
