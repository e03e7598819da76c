"""The run record of Figs 13-14 at the paper's setting (li2verify.experiments.run_records), registered on import.

- ``fig13-ridge-paper``: App. J's comparison of the ridge top layer (Fig 13, V = V_ridge every step) with the
  trained-V baseline (Fig 11) at M ∈ {23, 41, 89, 127}, K = 256, 80 % train, σ = x², MSE, Adam lr 5e-3,
  η = 5e-5, the code protocol, λ = nη/2 at each M's n, 500 epochs (Fig 14's horizon), test accuracy every 5
  epochs, seeds 10-24 (the paper profile's vote seeds): the runs of the claim ``fig13_14.ridge_top.speed_by_m``'s
  paper profile (:func:`li2verify.experiments.training_variants.ridge_speed_conditions`, the same training call).

Units are (M, condition, seed), one trained model each.  ``compute`` trains the units of one (M, condition) in one
batched program, the call ``train_conditions({condition: config}, seeds)`` that the claim's live runs make (there
the two conditions are two programs as well: they differ in more than η), on one thread (:data:`RIDGE_THREADS`).
A seed's trajectory does not depend on the seeds beside it in its program (measured bitwise on every recorded
series, losses included, 2026-12-07: Z_23 and Z_41 over 100 epochs, Z_89 over 30, Z_127 over 12, both conditions; a
seed trained with two others, alone, or in a part mixing groups gives the same numbers), so the part size
:data:`RIDGE_BATCH` changes nothing recorded.

The re-check re-trains two units drawn among the M = 23 and 41 units (a few core-seconds each) over the full
horizon, and compares them with :func:`compare_units`.
"""

from __future__ import annotations

import math

import numpy as np

from li2verify.experiments.record_definitions import (Arrays, RunRecordSpec, end_at_first_hit, not_bitwise,
                                                         register, stop_once_every_unit_reaches, unit_t)
from li2verify.experiments.seeds import VOTE_SEEDS

RIDGE_MS = (23, 41, 89, 127)          # Figs 11-13's groups Z_M
RIDGE_CONDITIONS = ("baseline", "ridge")
RIDGE_HORIZON = 500                   # Fig 14's caption: "M = 23 for 500 epochs"
RIDGE_EVAL_EVERY = 5                  # the claim's evaluation interval (t_grok is read on this grid)
RIDGE_SEEDS = tuple(VOTE_SEEDS["paper"])  # 10-24
#: units per part: one (a unit's numbers do not depend on its part, measured; one per part balances ``--share i/2``
#: within one unit, and a kill loses at most one unit, ≤ 2 core-minutes at M = 127)
RIDGE_BATCH = 1
RIDGE_RECHECK_MS = (23, 41)           # the re-check draws among these groups' units (≤ 10 core-seconds a unit)
#: torch threads per part: one (two shares fill two cores), and the batched float64 solve of the ridge top layer
#: fails on torch 2.13's CPU build with two intra-op threads and more than one seed (oneMKL "Parameter 6 was
#: incorrect on entry to DLASWP", lu_solve refuses the pivots), which one thread avoids
RIDGE_THREADS = 1
#: the series recorded at each evaluation (losses too: a bitwise re-check of them sees a last-bit difference that
#: the accuracies can hide)
SERIES = ("test_acc", "train_acc", "test_loss", "train_loss")
GROK_LEVEL = 0.9                      # t_grok: first evaluated epoch with test acc ≥ 0.9


def ridge_config() -> dict:
    """What the record measures (the manifest's config): the trajectory fields of the paper preset the units train
    (group and λ vary by unit), the horizon, the evaluation interval and the device."""
    from li2verify.train.presets import figure_setting

    b = figure_setting("fig11", "paper")
    return {"setting": "li2verify.train.presets figure_setting('fig11', 'paper') with group = M, epochs = 500 "
                       "(presets.CLAIM_DIFFERENCES: fig13_14_ridge_speed._paper_runs); ridge: λ = n·η/2 at each M's n",
            **{k: getattr(b, k) for k in ("hidden", "train_frac", "activation", "loss", "optimizer", "lr", "wd",
                                          "protocol", "top_init", "dtype")},
            "epochs": RIDGE_HORIZON, "eval_every": RIDGE_EVAL_EVERY, "device": "cpu", "threads": RIDGE_THREADS,
            "stop_once_test_acc": GROK_LEVEL}


def _ridge_compute(config: dict, units: list[dict]) -> Arrays:
    """Train ``units`` (grouped by (M, condition), seeds batched) and return, per unit in order, the evaluation grid
    (every ``eval_every`` epochs and the horizon) and the train/test accuracy and loss there; a program stops once
    every seed in it has reached test acc ≥ 0.9 (:func:`stop_once_every_unit_reaches`), its later evaluations NaN."""
    from li2verify.experiments.training_variants import ridge_speed_conditions
    from li2verify.train.batched import train_conditions

    groups: dict[tuple[int, str], list[int]] = {}
    for i, u in enumerate(units):
        groups.setdefault((u["M"], u["condition"]), []).append(i)
    rows: dict[int, dict[str, np.ndarray]] = {}
    E, every = config["epochs"], config["eval_every"]
    grid = np.unique(np.r_[np.arange(0, E + 1, every), E]).astype(np.int64)
    for (M, cond), idx in groups.items():
        conds = ridge_speed_conditions(M, config["device"], epochs=E, eval_every=every)
        cfg = conds[cond].replace(threads=config["threads"])
        r = train_conditions({cond: cfg}, [units[i]["seed"] for i in idx],
                             on_epoch=stop_once_every_unit_reaches(config["stop_once_test_acc"]))[cond]
        keep = (r.epochs % every == 0) | (r.epochs == r.epochs[-1])
        at = np.searchsorted(grid, r.epochs[keep])
        for j, i in enumerate(idx):
            rows[i] = {"epochs": grid.copy()}
            for k in SERIES:
                v = np.full(grid.shape, np.nan)
                v[at] = r.metrics[k][keep, j]
                rows[i][k] = v
            end_at_first_hit(rows[i], SERIES, config["stop_once_test_acc"])
    return {k: np.stack([rows[i][k] for i in range(len(units))]) for k in ("epochs", *SERIES)}


def _ridge_recheck_config(config: dict) -> dict:
    return dict(config)


def _ridge_recheck_pool(units: list[dict]) -> list[int]:
    return [i for i, u in enumerate(units) if u["M"] in RIDGE_RECHECK_MS]


def compare_units(old: Arrays, new: Arrays, bitwise: bool) -> str | None:
    """None when a re-run unit agrees with its recorded row, else why: on the record's CPU, torch and thread count the
    evaluated series are bitwise equal over the re-run's evaluations; elsewhere the grokking epochs agree within
    max(2 evaluations, 10 %) or both runs never reach test acc 0.9 within the re-run's horizon."""
    T = new["epochs"].shape[0]
    if not np.array_equal(old["epochs"][:T], new["epochs"]):
        return "evaluated at other epochs than recorded"
    if bitwise:
        return not_bitwise(old, new, SERIES, T, "evaluations")
    H = float(new["epochs"][-1])
    a, b = unit_t(old["epochs"][:T], old["test_acc"][:T]), unit_t(new["epochs"], new["test_acc"])
    if a > H and b > H:
        return None
    if (a > H) != (b > H):
        return (f"test acc ≥ {GROK_LEVEL}: recorded {'never' if a > H else f'at epoch {a:g}'}, re-run "
                f"{'never' if b > H else f'at epoch {b:g}'} within {H:g} epochs")
    every = float(new["epochs"][1] - new["epochs"][0]) if T > 1 else 1.0
    if abs(a - b) > max(2 * every, math.ceil(0.1 * a)):
        return f"t_grok {b:g} vs recorded {a:g}, beyond max(2 evaluations, 10%)"
    return None


RIDGE_RECHECK_RULE = (
    f"two units drawn at random among the M ∈ {list(RIDGE_RECHECK_MS)} units, re-trained over the full "
    f"{RIDGE_HORIZON} epochs: bitwise equal test and train accuracy and loss at every evaluation on the record's "
    f"CPU, torch and thread count; elsewhere the grokking epoch (first evaluation with test acc ≥ {GROK_LEVEL}) within "
    "max(2 evaluations, 10%) of the recorded one, or never reached in both")


def t_grok_by_m(arrays: Arrays, units: list[dict]) -> dict[int, dict]:
    """Per M: the seeds and, per condition, the grokking epoch of each seed (in the seeds' order), from a record's
    arrays (``units`` in the record's order)."""
    out: dict[int, dict] = {}
    for M in sorted({u["M"] for u in units}):
        seeds = sorted({u["seed"] for u in units if u["M"] == M})
        entry: dict = {"seeds": seeds}
        for cond in RIDGE_CONDITIONS:
            at = {u["seed"]: i for i, u in enumerate(units) if u["M"] == M and u["condition"] == cond}
            entry[cond] = np.array([unit_t(arrays["epochs"][at[s]], arrays["test_acc"][at[s]]) for s in seeds])
        out[M] = entry
    return out


RIDGE_RECORD = register(RunRecordSpec(
    name="fig13-ridge-paper",
    description="Figs 11/13-14 at the paper's setting: Z_M for M ∈ {23, 41, 89, 127}, K = 256, 80% train, σ = x², "
                "MSE, Adam lr 5e-3, η = 5e-5, code protocol; the trained-V baseline (Fig 11) and the ridge top layer "
                "V = V_ridge every step with λ = nη/2 (Fig 13); 500 epochs (Fig 14), test accuracy every 5 epochs, "
                f"seeds {RIDGE_SEEDS[0]}-{RIDGE_SEEDS[-1]}, CPU float32",
    config=ridge_config(),
    units=[{"M": M, "condition": c, "seed": s} for M in RIDGE_MS for c in RIDGE_CONDITIONS for s in RIDGE_SEEDS],
    compute=_ridge_compute, recheck_config=_ridge_recheck_config, compare=compare_units,
    recheck_rule=RIDGE_RECHECK_RULE, batch=RIDGE_BATCH, recheck_pool=_ridge_recheck_pool))
