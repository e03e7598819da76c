"""The run record of Fig 18 at the paper's setting (li2verify.experiments.run_records), registered on import.

- ``fig18-zero-init-paper``: App. J.3's comparison of a zero-initialized top layer with the regular init in a
  multi-layer net (Fig 18's caption: ReLU, MSE, Adam lr 5e-3, η = 1e-4, K = 2048, ``other_layers = 1``: one extra
  hidden layer with a residual connection), trained as the paper's code trains (protocol ``"code"``: W ~ U(±1/√(2M)),
  class-centred MSE, the seeded-shuffle split, and the extra layer stacked as the code's ``other_layers`` stacks it,
  F_2 = σ(F_1 + F_1W_2)), on Z_71 with train fraction 0.3, 1500 epochs, test accuracy every 10 epochs, seeds 10-24
  (the paper profile's vote seeds) — the runs of the claim ``fig18.zero_init.multilayer_10x``'s
  paper profile (:func:`fig18_train_config`, the one configuration both use; the record fixes one torch thread).

Units are (condition, seed), one trained model each; ``compute`` trains the units of one condition in one batched
program (``train_conditions``, the claim's call).  The claim's rule reads only t = the first evaluated epoch with
test acc ≥ 0.9 (horizon + 1 if never), so a program stops once every unit in it has reached that level
(:func:`~li2verify.experiments.record_definitions.stop_once_every_unit_reaches`, as Figs 13-14's record does), and
each unit's row ends at its own first such evaluation (later evaluations NaN) whichever units share its program.

A unit's trajectory does not depend on the units beside it in its program, a lone unit included (measured bitwise
2026-12-07 on every recorded series, both conditions: seed 11 alone, beside a copy of itself, beside seed 13 and
among seeds 10-12 at Z_13 K = 32 and Z_23 K = 128 over 40 epochs and at this setting over 5 epochs; unlike the toy
and paper 003 records, no lone unit needs a copy beside it here), so the part size :data:`FIG18_BATCH` changes
nothing recorded.

Cost, measured 2026-12-07 on the 2-core CI machine under load (one torch thread, nice 10): 50 epochs of one unit
took 24.7 core-s (regular) and 26.8 (zero-init), and a smoke record of one unit of each over 40 epochs 21.5 s a
part: ≈ 0.52 core-s per unit-epoch, so at most 30 × 1500 × 0.52 s ≈ 6.5 core-hours when no unit reaches test acc
0.9 (one unit per program, so each stops at its own t; the printed "100 epochs versus 1000" would make it
≈ 2.4 core-hours).  One unit per part: ≤ 13 core-minutes.

The re-check re-trains two units drawn at random over the first :data:`FIG18_RECHECK_EPOCHS` epochs (≈ 26 core-s a
unit; measured: two units over 30 epochs 30 core-s) and compares them with :func:`fig18_compare`.
"""

from __future__ import annotations

import math

import numpy as np

from li2verify.experiments.record_definitions import (Arrays, RunRecordSpec, end_at_first_hit, first_index,
                                                         not_bitwise, register, stop_once_every_unit_reaches, unit_t)
from li2verify.experiments.seeds import VOTE_SEEDS

FIG18_NAME = "fig18-zero-init-paper"
#: the two top-layer initializations: the multiplier of V's init (0 = zero-init, Figs 15-18)
FIG18_CONDITIONS = {"regular": 1.0, "zero-init": 0.0}
FIG18_HORIZON = 1500
FIG18_EVAL_EVERY = 10
FIG18_SEEDS = tuple(VOTE_SEEDS["paper"])  # 10-24
GROK_LEVEL = 0.9                          # t: first evaluated epoch with test acc ≥ 0.9
#: torch threads per part: one (two shares fill two cores)
FIG18_THREADS = 1
#: units per part: one (a unit's numbers do not depend on its part, measured; a kill loses at most one unit, ≤ 13
#: core-minutes, and ``--share i/n`` balances to within one unit)
FIG18_BATCH = 1
#: the re-check's prefix: two units × 50 epochs ≈ 52 core-s on this machine (measured, one thread)
FIG18_RECHECK_EPOCHS = 50
#: off the record's CPU or torch, the re-run's accuracies at each evaluation of the prefix must lie within these of
#: the recorded ones: an init perturbed by 1e-6 (seed 0, never a recorded seed; a stand-in for another CPU's
#: rounding) moved test accuracy by at most 0.00057 (2 of 3529 test pairs) and train accuracy by at most 0.013 (20
#: of 1512 pairs) over the first 50 epochs, either condition (measured 2026-12-07, text protocol); the tolerances are ≈ 9× and 3×.  Under the
#: code protocol (the record's) the same perturbation moved test accuracy by at most 0.00028 and train accuracy by
#: at most 0.0093 (regular; zero-init: 0), so the tolerances are kept (≈ 18× and 4×)
FIG18_TEST_ACC_TOL = 0.005
FIG18_TRAIN_ACC_TOL = 0.04
#: the series recorded at each evaluation (the losses too: a bitwise re-check of them sees a last-bit difference
#: that the accuracies can hide)
SERIES = ("test_acc", "test_loss", "train_acc", "train_loss")


def fig18_train_config(device: str = "cpu", *, epochs: int = FIG18_HORIZON, threads: int | None = None):
    """The regular-init :class:`li2verify.train.TrainConfig` of Fig 18's setting (seeds left to the caller; zero-init
    is ``.replace(top_init=0.0)``): the claim's paper-profile runs and the record's units."""
    from li2verify.train import TrainConfig

    return TrainConfig(group="71", hidden=2048, train_frac=0.3, lr=5e-3, wd=1e-4, epochs=epochs, probes=[],
                       activation="relu", layers=2, protocol="code", eval_every=FIG18_EVAL_EVERY, device=device,
                       threads=threads)


def _config() -> dict:
    d = fig18_train_config(threads=FIG18_THREADS).to_dict()
    for k in ("seeds", "wd_per_seed", "top_init"):
        d.pop(k)
    return {"setting": "li2verify.experiments.run_record_specs.fig18_zero_init.fig18_train_config (the claim "
                       "fig18.zero_init.multilayer_10x's paper-profile runs), one torch thread",
            "train": d, "top_init": dict(FIG18_CONDITIONS), "stop_once_test_acc": GROK_LEVEL}


def eval_grid(config: dict) -> np.ndarray:
    """The evaluated epochs of ``config``: every ``eval_every`` epochs and the horizon."""
    E, every = config["train"]["epochs"], config["train"]["eval_every"]
    return np.unique(np.r_[np.arange(0, E + 1, every), E]).astype(np.int64)


def fig18_compute(config: dict, units: list[dict]) -> Arrays:
    """Train ``units`` (one program per condition, its seeds batched, stopped once every seed in it has reached test
    acc ≥ the level) and return per unit, in order: its condition as ``top_init`` (the top layer's init multiplier:
    1 regular, 0 zero-init; a number, so that every array compares with NaNs), ``seed``, ``epochs`` (the evaluation grid),
    ``test_acc``/``test_loss``/``train_acc``/``train_loss`` there up to the unit's own first evaluation at the level
    (NaN after), ``t``, ``epochs_run`` (t, or the horizon when never reached) and ``final_train_acc`` (at
    ``epochs_run``)."""
    from li2verify.train.batched import train_conditions
    from li2verify.train.config import TrainConfig

    base, level = TrainConfig(**config["train"]), config["stop_once_test_acc"]
    grid = eval_grid(config)
    H = int(grid[-1])
    rows: dict[int, dict[str, np.ndarray]] = {}
    for cond, top in config["top_init"].items():
        idx = [i for i, u in enumerate(units) if u["condition"] == cond]
        if not idx:
            continue
        r = train_conditions({cond: base.replace(top_init=top)}, [units[i]["seed"] for i in idx],
                             on_epoch=stop_once_every_unit_reaches(level))[cond]
        keep = np.isin(r.epochs, grid)
        at = np.searchsorted(grid, r.epochs[keep])
        for j, i in enumerate(idx):
            row = {"epochs": grid.copy()}
            for k in SERIES:
                v = np.full(grid.shape, np.nan)
                v[at] = r.metrics[k][keep, j]
                row[k] = v
            hit = end_at_first_hit(row, SERIES, level)
            t = unit_t(grid, row["test_acc"], level)
            last = int(grid[hit]) if hit is not None else H
            row.update(top_init=np.array(float(top)), seed=np.array(units[i]["seed"], dtype=np.int64), t=np.array(t),
                       epochs_run=np.array(last, dtype=np.int64),
                       final_train_acc=np.array(row["train_acc"][int(np.searchsorted(grid, last))]))
            rows[i] = row
    unknown = [u for i, u in enumerate(units) if i not in rows]
    if unknown:
        raise ValueError(f"units of unknown conditions: {unknown}")
    return {k: np.stack([rows[i][k] for i in range(len(units))]) for k in rows[0]}


def fig18_recheck_config(config: dict) -> dict:
    return {**config, "train": {**config["train"], "epochs": FIG18_RECHECK_EPOCHS}}


def fig18_compare(old: Arrays, new: Arrays, bitwise: bool) -> str | None:
    """None when a re-run unit (a prefix of the horizon) agrees with its recorded row, else why: the same unit and
    evaluation epochs; on the record's CPU and torch (and its thread count, which the re-check re-runs at) every
    series bitwise equal over the prefix's evaluations; elsewhere test and train accuracy within
    :data:`FIG18_TEST_ACC_TOL` and :data:`FIG18_TRAIN_ACC_TOL` at every evaluation of the prefix, and test acc ≥
    the level first reached at evaluations at most 2 apart, or by neither, within the prefix."""
    if float(old["top_init"]) != float(new["top_init"]) or int(old["seed"]) != int(new["seed"]):
        return "another unit"
    T = new["epochs"].shape[0]
    if not np.array_equal(old["epochs"][:T], new["epochs"]):
        return "evaluated at other epochs than recorded"
    if bitwise:
        return not_bitwise(old, new, SERIES, T, "evaluations")
    ep = new["epochs"]
    a, b = first_index(old["test_acc"][:T], GROK_LEVEL), first_index(new["test_acc"], GROK_LEVEL)
    if (a is None) != (b is None) or (a is not None and abs(a - b) > 2):
        def at(i):
            return "never" if i is None else f"at epoch {int(ep[i])}"

        return (f"test acc ≥ {GROK_LEVEL}: re-run {at(b)}, recorded {at(a)} within {int(ep[-1])} epochs (beyond 2 "
                "evaluations)")
    n = T if a is None else min(a, b) + 1    # past a unit's stop its row is NaN
    for k, tol in (("test_acc", FIG18_TEST_ACC_TOL), ("train_acc", FIG18_TRAIN_ACC_TOL)):
        d = np.abs(old[k][:n] - new[k][:n])
        if not np.all(d <= tol):
            i = int(np.nanargmax(np.where(np.isnan(d), math.inf, d)))
            return (f"{k} at epoch {int(ep[i])}: {new[k][i]:.4f} vs recorded {old[k][i]:.4f}, beyond {tol:g}")
    return None


FIG18_RECHECK_RULE = (
    f"two units drawn at random re-trained over the first {FIG18_RECHECK_EPOCHS} epochs: bitwise equal test and "
    "train accuracy and loss at every evaluation on the record's CPU, torch and thread count; elsewhere test "
    f"accuracy within {FIG18_TEST_ACC_TOL:g} and train accuracy within {FIG18_TRAIN_ACC_TOL:g} at every evaluation "
    "(about 9× and 3× the largest change an init perturbed by 1e-6 makes over these epochs), and test acc ≥ "
    f"{GROK_LEVEL} first reached at evaluations at most 2 apart, or by neither")


def t_by_condition(arrays: Arrays, units: list[dict], level: float = GROK_LEVEL) -> tuple[list[int], dict]:
    """(seeds, {condition: t per seed in the seeds' order}) from a record's arrays (``units`` in the record's
    order): t read from each unit's recorded test-accuracy curve by :func:`unit_t`."""
    seeds = sorted({u["seed"] for u in units})
    out = {}
    for cond in FIG18_CONDITIONS:
        at = {u["seed"]: i for i, u in enumerate(units) if u["condition"] == cond}
        out[cond] = np.array([unit_t(arrays["epochs"][at[s]], arrays["test_acc"][at[s]], level) for s in seeds])
    return seeds, out


FIG18_RECORD = register(RunRecordSpec(
    name=FIG18_NAME,
    description="Fig 18 at the paper's setting, trained as the paper's code trains (protocol code): 3-layer ReLU "
                "nets with the code's residual extra layer (other_layers = 1, F_2 = σ(F_1 + F_1W_2)) on Z_71, K = 2048, train fraction 0.3, MSE, Adam lr 5e-3, η = 1e-4; regular vs zero-init "
                f"top layer; {FIG18_HORIZON} epochs, test accuracy every {FIG18_EVAL_EVERY} epochs, a program "
                f"stopped once all its units reach test acc ≥ {GROK_LEVEL}; seeds {FIG18_SEEDS[0]}-{FIG18_SEEDS[-1]}, "
                "CPU float32, one thread",
    config=_config(),
    units=[{"condition": c, "seed": s} for c in FIG18_CONDITIONS for s in FIG18_SEEDS],
    compute=fig18_compute, recheck_config=fig18_recheck_config, compare=fig18_compare,
    recheck_rule=FIG18_RECHECK_RULE, batch=FIG18_BATCH))
