"""Run a sweep: pending cells → tensor programs → rows in ``results.csv``, in-process or as Ray tasks.

Sweep directory::

    spec.resolved.toml   the spec after overrides (what ran; rerun with it to reproduce)
    results.csv          one row per finished cell (li2verify.sweep.table)
    phase_<family>.png   phase diagram per family (x = M, y = p, colour = mean test accuracy)
    boundary.png/.json   p_c(M) with bootstrap intervals and the fitted candidate laws

Resume: cells are identified by :attr:`Cell.cell_id` (a hash of every field); a rerun skips every cell already
in ``results.csv``.  Rows are written when their program finishes, so a kill loses at most the programs in
flight (at most ``batch_cells`` cells each), which the rerun trains again; no row is ever written twice.

Ray: ``ray="local"`` starts a local Ray instance (``ray.init(num_cpus=...)``), any other value is a cluster
address (``ray.init(address=...)``).  Each program is one Ray task with ``max_retries``: a worker that dies
mid-program (killed, OOM) is restarted by Ray and the program reruns from its start; the driver writes its rows
once, when the task's result arrives.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from li2verify.sweep.cells import train_program
from li2verify.sweep.spec import Cell, SweepSpec, plan_programs
from li2verify.sweep.table import append_rows, read_rows
from li2verify.utils.io import atomic_write_text, probe_writable_dir

log = logging.getLogger(__name__)

RAY_MAX_RETRIES = 3
#: Fault injection for the Ray tests: a task whose program contains a cell of this seed SIGKILLs its own worker
#: the first time (a marker file named by the variable records that it did), so Ray must retry it.
KILL_ONCE_ENV = "LI2_SWEEP_KILL_ONCE"


class SweepError(RuntimeError):
    """A sweep that cannot run (message says why)."""


def _program_kwargs(spec: SweepSpec, device: str) -> dict:
    return {"device": device, "eval_every": spec.eval_every, "threshold": spec.threshold}


def _maybe_kill_once(cells: list[Cell]) -> None:
    raw = os.environ.get(KILL_ONCE_ENV, "")
    if not raw:
        return
    marker, _, seed = raw.partition(":")
    if any(str(c.seed) == seed for c in cells) and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _ray_program(cells_dicts: list[dict], kwargs: dict) -> list[dict]:
    """The body of a Ray task: rebuild the cells and train them as one program."""
    cells = [Cell(**d) for d in cells_dicts]
    _maybe_kill_once(cells)
    return train_program(cells, **kwargs)


def pending_cells(spec: SweepSpec, out: str | Path | None) -> tuple[list[Cell], list[dict]]:
    """(cells still to train, rows already in ``out/results.csv`` for cells of this spec)."""
    cells = spec.cells()
    done = {r["cell_id"]: r for r in read_rows(out)} if out is not None else {}
    return [c for c in cells if c.cell_id not in done], [done[c.cell_id] for c in cells if c.cell_id in done]


def run_sweep(spec: SweepSpec, out: str | Path | None, *, ray: str | None = None, progress: bool = False,
              device: str = "cpu", num_cpus: int | None = None, outputs: bool = True) -> list[dict]:
    """Train every cell of ``spec`` not yet in ``out/results.csv``; returns the rows of all the spec's cells
    (grid order).  ``out=None``: nothing is written (in-process only).  ``ray``: None (in-process), "local" or a
    Ray address.  ``outputs``: write the phase diagrams and the boundary plot/JSON after the last cell."""
    cells = spec.cells()
    if out is not None:
        out = Path(out)
        try:
            probe_writable_dir(out)
        except OSError as e:
            raise SweepError(f"cannot write the sweep directory {str(out)!r}: {e.strerror or e}") from None
        resolved = out / "spec.resolved.toml"
        text = spec.to_toml()
        if resolved.exists() and resolved.read_text(encoding="utf-8") != text:
            log.warning("%s held another spec; finished cells are kept (cells are identified by all their fields) "
                        "and the resolved spec is replaced", resolved)
        atomic_write_text(resolved, text)
    todo, done_rows = pending_cells(spec, out)
    if done_rows:
        log.info("resuming: %d of %d cells already in %s", len(done_rows), len(cells), out)
    programs = plan_programs(todo, spec.batch_cells)
    new_rows: list[dict] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(cells), initial=len(done_rows), desc=f"sweep {spec.name}", unit="cell",
                   bar_format="{l_bar}{bar}| {n:.0f}/{total} cells [{elapsed}<{remaining}]")

    partial = [0.0]  # in-process: the bar advances by cells × fraction of epochs done, so its ETA moves

    def record(rows: list[dict]) -> None:
        new_rows.extend(rows)
        if out is not None:
            append_rows(out, rows)
        if bar is not None:
            bar.update(len(rows) - partial[0])
            partial[0] = 0.0

    kwargs = _program_kwargs(spec, device)
    try:
        if ray is None:
            for prog in programs:
                record(train_program(prog, **kwargs, on_epoch=_ticker(bar, partial, len(prog))))
        else:
            _run_ray(programs, kwargs, ray, num_cpus, record)
    finally:
        if bar is not None:
            bar.close()
    by_id = {r["cell_id"]: r for r in done_rows + new_rows}
    rows = [by_id[c.cell_id] for c in cells if c.cell_id in by_id]
    if out is not None and outputs:
        from li2verify.sweep.report import write_outputs

        write_outputs(rows, out, threshold=spec.threshold)
    return rows


def _ticker(bar, partial: list[float], S: int):
    """An ``on_epoch`` callback advancing ``bar`` by S·(e+1)/(E+1) cells (every 10 epochs); ``partial[0]``
    holds what it advanced, which :func:`run_sweep`'s ``record`` subtracts when the program's rows arrive."""
    if bar is None:
        return None

    def tick(e: int, E: int) -> None:
        if e % 10 == 0 or e == E:
            step = S * (e + 1) / (E + 1) - partial[0]
            partial[0] += step
            bar.update(step)
    return tick


def _run_ray(programs: list[list[Cell]], kwargs: dict, address: str, num_cpus: int | None, record) -> None:
    try:
        import ray
    except ImportError:
        raise SweepError("--ray needs Ray: pip install 'li2verify[ray]'") from None
    import dataclasses

    started_here = False
    if not ray.is_initialized():
        env = {k: os.environ[k] for k in (KILL_ONCE_ENV, "LI2_INIT_PERTURBATION") if os.environ.get(k)}
        init_kw = {"runtime_env": {"env_vars": env}} if env else {}
        t0 = time.time()
        try:
            if address == "local":
                ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False, **init_kw)
            else:
                ray.init(address=address, log_to_driver=False, **init_kw)
        except Exception as e:  # noqa: BLE001 - connection refused, bad address, ...
            raise SweepError(f"cannot start Ray ({'local' if address == 'local' else address}): "
                             f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        started_here = True
        log.info("ray.init in %.1fs", time.time() - t0)
    try:
        remote = ray.remote(num_cpus=1, max_retries=RAY_MAX_RETRIES, retry_exceptions=False)(_ray_program)
        refs = {remote.remote([dataclasses.asdict(c) for c in prog], kwargs): prog for prog in programs}
        pending = list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                try:
                    rows = ray.get(ref)
                except Exception as e:  # noqa: BLE001 - a task that failed after its retries
                    prog = refs[ref]
                    raise SweepError(f"a program of {len(prog)} cells ({prog[0].group}, K={prog[0].K}) failed after "
                                     f"{RAY_MAX_RETRIES} retries: {str(e).splitlines()[0][:300]}") from None
                record(rows)
    finally:
        if started_here:
            ray.shutdown()
