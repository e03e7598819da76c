"""Adaptive search for the generalization boundary: compute spent where the boundary is (Figs 5 and 8, Thm 4).

A full grid trains every (p, seed) cell although only the cells next to the boundary decide it.  Here each
(group, seed) is searched on its own, in the number of training pairs n (an integer, so no two p values round to
the same cell):

1. **bracket** — the spec's coarse sizes are trained; the bracket is (n_lo, n_hi] with n_hi the smallest
   succeeding n and n_lo the largest failing n below it.  A failing n *above* a success is a non-monotone outcome:
   it is reported (group, seed, the n values) and the bracket is taken below the first success; it is never
   fitted through.  All sizes succeeding (failing) leaves the boundary below (above) the grid: censored.
2. **bisection** — n_mid = round(√(n_lo·n_hi)) is trained until n_hi / n_lo ≤ ``resolution`` (or the two are
   neighbours).  Every (group, seed) advances one step per round, and a round's cells train as batched programs
   (:func:`li2verify.sweep.cells.train_cells`).
3. **horizon check** (optional) — the search is repeated at twice the epochs, starting from each seed's bracket.
   Success at n_hi carries over (the first E epochs of the 2E run are the E-epoch run, and success is the best
   test accuracy over the evaluation epochs), so only n_lo is re-trained; where it now succeeds, the search
   descends through the coarse sizes below it and bisects again.  A group is ``converged`` when its estimate at
   2E lies inside its interval at E, and ``not converged`` otherwise (or when a seed's boundary left the grid
   below).  A claim decides only on converged groups.  With the spec's ``horizon_checks = h`` > 1 the check is
   repeated h times, at 2E, 4E, …, each from the brackets of the horizon before; every check's estimate and
   verdict (against the horizon before) is in the group's ``horizons`` list.

Success of a cell is the spec's rule (best test accuracy ≥ threshold, written before the run), counted only for
cells that fit their training set: a cell of status ``unfit`` (it did not generalize and its final train accuracy
is below the spec's ``fit_threshold``: it neither memorized nor generalized, :func:`li2verify.sweep.cells.cell_status`)
or ``diverged`` stops its seed's search, and the seed is left out of the group's estimate.  With the spec's
``stop_on_success`` a program stops once all its cells succeeded, which changes no outcome.

Per group: p_c is the geometric mean over seeds of the bracket midpoints √(n_lo·n_hi)/M², with a Student-t 95 %
interval over seeds in log space, widened to at least the largest bracket (the search cannot place a seed's
boundary more finely than its bracket), and clipped to (0, 1].

Resume: every trained cell is a row of ``out/results.csv`` keyed by its ``cell_id``; a rerun re-derives the same
sequence of cells from the rows already there and trains only the missing ones.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from scipy.stats import t as student_t

from li2verify.sweep.spec import Cell, SweepSpec, plan_programs
from li2verify.sweep.table import append_rows, read_rows

log = logging.getLogger(__name__)


Runner = Callable[[list[Cell]], list[dict]]


@dataclass
class SeedSearch:
    """The search state of one (group, seed)."""

    group: str
    seed: int
    M: int
    tried: dict[int, bool] = field(default_factory=dict)   # n → success (fit cells only)
    unfit: list[int] = field(default_factory=list)
    non_monotone: list[int] = field(default_factory=list)  # failing n above the smallest success
    lo: int | None = None
    hi: int | None = None
    descend: list[int] = field(default_factory=list)        # sizes to try below n_hi while no failure is known
    moved: bool | None = None                               # horizon check: the boundary moved at 2× epochs

    def update_bracket(self) -> None:
        ok = sorted(n for n, s in self.tried.items() if s)
        self.hi = ok[0] if ok else None
        fail = sorted(n for n, s in self.tried.items() if not s)
        below = [n for n in fail if self.hi is None or n < self.hi]
        self.lo = below[-1] if below else None
        self.non_monotone = [n for n in fail if self.hi is not None and n > self.hi]

    def next_n(self, resolution: float) -> int | None:
        """The next size to train, or None when the bracket is resolved, censored or the search hit an unfit cell."""
        if self.unfit or self.hi is None:
            return None
        if self.lo is None:
            below = [n for n in self.descend if n < self.hi and n not in self.tried]
            return below[0] if below else None
        if self.hi / self.lo <= resolution or self.hi - self.lo <= 1:
            return None
        mid = int(round(math.sqrt(self.lo * self.hi)))
        return min(max(mid, self.lo + 1), self.hi - 1)

    @property
    def midpoint(self) -> float | None:
        return math.sqrt(self.lo * self.hi) if self.lo is not None and self.hi is not None else None

    @property
    def censored(self) -> str | None:
        if self.unfit:
            return None
        if self.hi is not None and self.lo is None:
            return "below"
        if self.hi is None and self.tried:
            return "above"
        return None


def _cell(proto: Cell, group: str, n: int, seed: int, epochs: int | None = None) -> Cell:
    """The cell of ``proto``'s settings (lr, η, K, activation, loss, optimizer, dtype) at (group, n, seed)."""
    return dataclasses.replace(proto, group=group, p=None, n=int(n), seed=int(seed),
                               epochs=int(epochs if epochs is not None else proto.epochs))


def store_runner(spec: SweepSpec, out: str | Path | None, *, device: str = "cpu",
                 progress: bool = False, ray: str | None = None, num_cpus: int | None = None) -> Runner:
    """Train cells (reusing rows already in ``out/results.csv``) and append the new rows there.  ``ray``: None
    (in this process) or a Ray address (``"local"`` included): each program of a round is one Ray task, so a
    round's programs run in parallel (:func:`li2verify.sweep.run._run_ray`)."""
    from li2verify.sweep.cells import train_program
    from li2verify.sweep.run import _program_kwargs, _run_ray
    from li2verify.utils.io import probe_writable_dir

    if out is not None:
        probe_writable_dir(out)  # before any training: a directory that cannot hold the rows loses no work

    def run(cells: list[Cell]) -> list[dict]:
        done = {r["cell_id"]: r for r in read_rows(out)} if out is not None else {}
        todo = [c for c in cells if c.cell_id not in done]

        def record(rows: list[dict]) -> None:  # rows are written per program: a kill loses the programs in flight
            if out is not None:
                append_rows(out, rows)
            done.update({r["cell_id"]: r for r in rows})

        programs, kwargs = plan_programs(todo, spec.batch_cells), _program_kwargs(spec, device)
        if ray is not None and todo:
            _run_ray(programs, kwargs, ray, num_cpus, record)
        else:
            for prog in programs:
                record(train_program(prog, **kwargs))
        return [done[c.cell_id] for c in cells]

    return run


def _success(row: dict, threshold: float) -> bool:
    acc = row.get("best_test_acc")
    return acc is not None and math.isfinite(acc) and acc >= threshold


def search_boundary(spec: SweepSpec, run: Runner, *, resolution: float | None = None,
                    horizon_check: bool | None = None, max_rounds: int = 30) -> dict:
    """The adaptive boundary search of ``spec`` (its groups, seeds and coarse sizes; one lr, η, K, epochs;
    ``resolution`` and ``horizon_check`` default to the spec's).

    ``run(cells) -> rows`` trains cells (:func:`store_runner`).  Returns ``{"groups": {group: estimate},
    "seeds": [per-seed search states as dicts], "cells_trained": int, "rounds": int}``; see the module docstring
    for the estimate and the horizon rule."""
    resolution = spec.resolution if resolution is None else resolution
    horizon_check = spec.horizon_check if horizon_check is None else horizon_check
    for k in ("lr", "wd", "K", "epochs"):
        if len(getattr(spec, k)) != 1:
            raise ValueError(f"adaptive search needs one value of {k} (got {getattr(spec, k)})")
    if not resolution > 1:
        raise ValueError(f"resolution must be > 1 (a ratio n_hi/n_lo), got {resolution}")
    from li2verify.groups.spec import spec_order
    from li2verify.train.data import train_size

    proto = spec.cells()[0]
    searches: list[SeedSearch] = []
    coarse: dict[str, list[int]] = {}
    for g in spec.groups:
        M = spec_order(g)
        coarse[g] = sorted({train_size(M, n=n, train_frac=p) for p, n in spec.sizes(g)})
        searches += [SeedSearch(g, int(s), M) for s in spec.seeds]
    first = [_cell(proto, st.group, n, st.seed) for st in searches for n in coarse[st.group]]
    search = dict(run=run, resolution=resolution, threshold=spec.threshold, max_rounds=max_rounds)
    trained, rounds = _bisect(searches, first, proto, **search)
    groups = {g: estimate([st for st in searches if st.group == g]) for g in spec.groups}
    if horizon_check:
        # the same search at twice the epochs, from each seed's bracket: success at n_hi is implied (the first E
        # epochs of the longer run are the E-epoch run); the n_lo cell is trained, and where it now succeeds the
        # search descends through the coarse sizes below it and bisects again.  With horizon_checks > 1 the
        # doubling is repeated from the brackets of the horizon before.
        prev, prev_est = searches, groups
        for k in range(1, spec.horizon_checks + 1):
            protok = dataclasses.replace(proto, epochs=2 ** k * proto.epochs)
            done = [st for st in prev if st.midpoint is not None and not st.unfit]
            again = [SeedSearch(st.group, st.seed, st.M, tried={st.hi: True},
                                descend=[n for n in reversed(coarse[st.group]) if n < st.lo]) for st in done]
            n2, _ = _bisect(again, [_cell(protok, st.group, st.lo, st.seed) for st in done], protok, **search)
            trained += n2
            for st, st2 in zip(done, again):
                st.moved = st2.hi is None or st2.hi < st.hi
            nxt_est = {}
            for g, est in prev_est.items():
                step = _horizon_step(est, [st for st in done if st.group == g], [st for st in again if st.group == g],
                                     protok.epochs)
                nxt_est[g] = step["estimate"]
                if step["horizon"] is None:
                    continue
                if k == 1:
                    # the first check's verdict is the group's ``horizon`` (and ``at_2x_epochs``)
                    groups[g].update(horizon=step["horizon"], at_2x_epochs=step["at"],
                                     moved_seeds=step["moved_seeds"])
                groups[g].setdefault("horizons", []).append({**step["at"], "horizon": step["horizon"]})
            prev, prev_est = again, nxt_est
    return {"groups": groups, "seeds": [dataclasses.asdict(st) for st in searches], "cells_trained": trained,
            "rounds": rounds, "resolution": resolution, "threshold": spec.threshold,
            "fit_threshold": spec.fit_threshold}


def _bisect(states: list[SeedSearch], first: list[Cell], proto: Cell, *, run: Runner, resolution: float,
            threshold: float, max_rounds: int) -> tuple[int, int]:
    """Train ``first``, then one cell per unresolved state per round until every bracket is resolved.
    Returns (cells trained, rounds)."""
    by = {(x.group, x.seed): x for x in states}

    def absorb(cells: list[Cell], rows: list[dict]) -> None:
        for c, r in zip(cells, rows):
            st = by[(c.group, c.seed)]
            if r.get("status") in ("unfit", "diverged"):
                st.unfit.append(int(c.n))
            else:
                st.tried[int(c.n)] = _success(r, threshold)
        for st in states:
            st.update_bracket()

    absorb(first, run(first) if first else [])
    trained, rounds = len(first), 1
    while rounds < max_rounds:
        nxt = [(st, st.next_n(resolution)) for st in states]
        cells = [_cell(proto, st.group, n, st.seed) for st, n in nxt if n is not None]
        if not cells:
            break
        absorb(cells, run(cells))
        trained += len(cells)
        rounds += 1
    return trained, rounds


def estimate(states: Sequence[SeedSearch]) -> dict:
    """One group's boundary from its seeds' brackets (module docstring)."""
    M = states[0].M
    M2 = M * M
    out: dict = {"M": M, "seeds": len(states), "unfit": sum(bool(s.unfit) for s in states),
                 "non_monotone": [(s.seed, s.non_monotone) for s in states if s.non_monotone],
                 "censored": None, "p_c": None, "ci": None, "n_c": None, "n_c_ci": None, "horizon": None}
    brk = [s for s in states if s.midpoint is not None and not s.unfit]
    cens = [s.censored for s in states if s.censored]
    if not brk:
        out["censored"] = cens[0] if cens and len(set(cens)) == 1 else ("mixed" if cens else None)
        return out
    if cens:
        out["censored_seeds"] = cens
    logs = np.log([s.midpoint for s in brk])
    mu = float(logs.mean())
    half = float(student_t.ppf(0.975, len(brk) - 1)) * float(logs.std(ddof=1)) / math.sqrt(len(brk)) if len(brk) > 1 else math.inf
    widest = max(0.5 * math.log(s.hi / s.lo) for s in brk)
    half = max(half, widest)
    lo_n = max(math.exp(mu - half), min(s.lo for s in brk))
    hi_n = min(math.exp(mu + half), max(s.hi for s in brk), M2)
    n_c = math.exp(mu)
    out.update(p_c=n_c / M2, ci=(lo_n / M2, hi_n / M2), n_c=n_c, n_c_ci=(lo_n, hi_n), used_seeds=len(brk),
               brackets=[(s.seed, s.lo, s.hi) for s in brk])
    return out


def _horizon_step(est: dict, done: list[SeedSearch], again: list[SeedSearch], E2: int) -> dict:
    """One horizon check of a group (module docstring): ``est`` its estimate at the horizon before, ``done`` and
    ``again`` its seeds' searches there and at ``E2`` epochs.  Returns ``{"horizon": "converged" | "not converged"
    | None, "at": the estimate at E2 (epochs, n_c, p_c, ci, n_c_ci, brackets), "estimate": the full estimate at E2
    (the next check's reference), "moved_seeds": [...]}``; ``horizon`` is None when the group had no estimate."""
    moved = [st.seed for st in done if st.moved]
    e2 = estimate(again) if again else None
    out = {"horizon": None, "moved_seeds": moved, "estimate": e2 if e2 is not None else {"n_c": None},
           "at": {"epochs": E2, "n_c": None}}
    if est.get("n_c") is None:
        return out
    below = [st.seed for st in again if st.censored == "below"]
    if e2 is None or e2["n_c"] is None or below:
        out.update(horizon="not converged", at={"epochs": E2, "n_c": None, "censored_below": below})
        out["estimate"] = {"n_c": None}
        return out
    lo, hi = est["n_c_ci"]
    out["at"] = {"epochs": E2, "n_c": e2["n_c"], "p_c": e2["p_c"], "ci": e2["ci"], "n_c_ci": e2["n_c_ci"],
                 "brackets": e2["brackets"], "used_seeds": e2["used_seeds"]}
    out["horizon"] = "converged" if lo <= e2["n_c"] <= hi else "not converged"
    return out


class MissingCell(LookupError):
    """A replayed search asked for a cell that the rows do not hold."""


def replay(spec: SweepSpec, rows: Sequence[dict]) -> tuple[dict, set[str]]:
    """The search of ``spec`` re-derived from recorded ``rows`` without training: (its result, the ids of the cells
    it visits).  Raises :class:`MissingCell` naming the first cell the search needs that is not in ``rows``."""
    by_id = {r["cell_id"]: r for r in rows}
    seen: set[str] = set()

    def run(cells: list[Cell]) -> list[dict]:
        out = []
        for c in cells:
            if c.cell_id not in by_id:
                raise MissingCell(f"the search needs {c.group} n = {c.n} seed {c.seed} ({c.epochs} epochs), which "
                                  "has no row")
            seen.add(c.cell_id)
            out.append(by_id[c.cell_id])
        return out

    return search_boundary(spec, run), seen


def run_adaptive(spec: SweepSpec, out: str | Path, *, device: str = "cpu", ray: str | None = None,
                 num_cpus: int | None = None, ray_timeout: float | None = None) -> dict:
    """Run the adaptive search of ``spec`` into the sweep directory ``out``: ``spec.resolved.toml``, ``results.csv``
    (every trained cell) and ``adaptive.json`` (the result, strict JSON).  Resumable (module docstring).
    ``ray``: a Ray address (or ``"local"``), started once for the whole search; each round's programs are Ray tasks.
    The rows do not depend on where a cell trained (one program per cell, one thread per Ray task)."""
    import contextlib
    import json

    from li2verify.sweep.run import RAY_INIT_TIMEOUT_S, ray_session
    from li2verify.utils.io import atomic_write_text, probe_writable_dir

    out = Path(out)
    probe_writable_dir(out)
    atomic_write_text(out / "spec.resolved.toml", spec.to_toml())
    session = (contextlib.nullcontext() if ray is None
               else ray_session(ray, num_cpus, RAY_INIT_TIMEOUT_S if ray_timeout is None else ray_timeout))
    with session:
        res = search_boundary(spec, store_runner(spec, out, device=device, ray=ray, num_cpus=num_cpus))
    atomic_write_text(out / "adaptive.json", json.dumps(res, indent=1, sort_keys=True, allow_nan=False) + "\n")
    return res
