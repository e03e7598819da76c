"""What a run record is (li2verify.experiments.run_records): :class:`RunRecordSpec`, and the registry its definitions
(li2verify.experiments.run_record_specs, or a user's module) are added to with :func:`register`.  Definitions import
this module only; making, loading and re-checking records is li2verify.experiments.run_records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Arrays = dict[str, np.ndarray]


@dataclass(frozen=True)
class RunRecordSpec:
    """What one run record measures and how it is re-checked.

    ``compute(config, units)`` trains the given units under ``config`` and returns arrays whose first axis runs over
    them (in order); a unit's result must not depend on which other units share its program.
    ``recheck_config(config)`` is the configuration of the re-run (e.g. the first steps of the horizon);
    ``compare(recorded, rerun, bitwise)`` gets one unit's arrays of each and returns None when they agree, else the
    reason.  ``recheck_pool(units)``: the indices the re-check may draw (default: all)."""

    name: str
    description: str
    config: dict
    units: list[dict]
    compute: Callable[[dict, list[dict]], Arrays]
    recheck_config: Callable[[dict], dict]
    compare: Callable[[Arrays, Arrays, bool], str | None]
    recheck_rule: str
    batch: int = 1
    recheck_pool: Callable[[list[dict]], list[int]] | None = None

    def manifest(self) -> dict:
        return {"name": self.name, "description": self.description, "config": self.config, "units": self.units}


_REGISTRY: dict[str, RunRecordSpec] = {}


def register(spec: RunRecordSpec) -> RunRecordSpec:
    """Add a run record definition (a name is defined once)."""
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise ValueError(f"run record {spec.name!r} is already defined")
    _REGISTRY[spec.name] = spec
    return spec


def not_bitwise(old: Arrays, new: Arrays, keys, T: int, what: str) -> str | None:
    """A re-check on the record's CPU, torch and threads: None when every series of ``keys`` of the re-run ``new``
    equals the recorded ``old`` bitwise over its first ``T`` entries (NaN equal to NaN), else which differ (``what``
    names the entries: "evaluations", "epochs", ...)."""
    bad = [k for k in keys if not np.array_equal(old[k][:T], new[k][:T], equal_nan=True)]
    return f"same CPU, torch and threads but not bitwise over the first {T} {what}: {bad}" if bad else None


def first_index(series: np.ndarray, thr: float) -> int | None:
    """The first index where ``series`` ≥ ``thr`` (None if never)."""
    hit = np.flatnonzero(np.nan_to_num(series, nan=-np.inf) >= thr)
    return int(hit[0]) if hit.size else None


def end_at_first_hit(row: Arrays, series, level: float, key: str = "test_acc") -> int | None:
    """End a unit's row at its own first evaluation with ``key`` ≥ ``level`` (the later entries of every series in
    ``series`` set to NaN, in place), as if its program had stopped there: a program stopped by
    :func:`stop_once_every_unit_reaches` runs on while another of its units has not reached the level, and the row
    must not depend on which units share the program.  Returns that evaluation's index (None: never reached)."""
    hit = first_index(row[key], level)
    if hit is not None:
        for k in series:
            row[k][hit + 1:] = np.nan
    return hit


def unit_t(epochs: np.ndarray, test_acc: np.ndarray, level: float = 0.9) -> float:
    """One unit's first evaluated epoch with test acc ≥ ``level``, the horizon + 1 if none (the claims' censoring,
    :func:`li2verify.train.empirical.t_grok`)."""
    from li2verify.train.empirical import t_grok

    return float(t_grok({"test_acc": np.asarray(test_acc, float)[:, None]}, np.asarray(epochs), thr=level)[0])


def stop_once_every_unit_reaches(level: float, key: str = "test_acc"):
    """An ``on_epoch`` for :func:`li2verify.train.run.train` that stops a batched program once every seed in it has
    reached ``key`` ≥ ``level`` at an evaluated epoch (NaN between evaluations counts as not reached).  For a record
    whose rule reads only the first such epoch: later epochs are not trained, and a seed that never reaches the
    level trains to the horizon (censored).  The rows must still end at each unit's own first such evaluation
    (:func:`first_index`), so that they do not depend on which units share the program."""
    from li2verify.train.engine import STOP

    best: dict = {}

    def on_epoch(e: int, row: dict):
        v = np.nan_to_num(np.asarray(row[key], float), nan=-np.inf)
        best["max"] = v if "max" not in best else np.maximum(best["max"], v)
        return STOP if bool(np.all(best["max"] >= level)) else None

    return on_epoch
