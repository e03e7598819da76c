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


def first_index(series: np.ndarray, thr: float) -> int | None:
    """The first index where ``series`` ≥ ``thr`` (None if never)."""
    hit = np.flatnonzero(np.nan_to_num(series, nan=-np.inf) >= thr)
    return int(hit[0]) if hit.size else None
