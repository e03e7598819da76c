"""Run a sweep: pending cells → tensor programs → rows in ``results.csv``, in-process or as Ray tasks.

Sweep directory::

    spec.resolved.toml   the spec after overrides (what ran; rerun with it to reproduce)
    results.csv          one row per finished cell (li2verify.sweep.table; merged under .results.lock)
    provenance.json      one entry per start: command line, git SHA, package versions, host, spec, cell counts
    phase_<family>.png   phase diagram per family (x = M, y = p, colour = mean test accuracy)
    boundary.png/.json   p_c(M) with bootstrap intervals and the fitted candidate laws

Resume: cells are identified by :attr:`Cell.cell_id` (a hash of every field); a rerun skips every cell already
in ``results.csv``.  Rows are written when their program finishes, so a kill loses at most the programs in
flight (at most ``batch_cells`` cells each), which the rerun trains again; no row is ever written twice.

Before anything is allocated, :func:`plan_sweep` estimates the largest program's memory and the sweep's time
with the training engine's estimators and refuses what exceeds the limits (:class:`SweepResourceError`).

Ray: ``ray="local"`` starts a local Ray instance (``ray.init(num_cpus=...)``), any other value is a cluster
address (``ray.init(address=...)``).  Each program is one Ray task with ``max_retries``: a worker that dies
mid-program (killed, OOM) is restarted by Ray and the program reruns from its start; the driver writes its rows
once, when the task's result arrives.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import signal
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from li2verify.sweep.cells import train_program
from li2verify.sweep.spec import Cell, SweepSpec, plan_programs
from li2verify.sweep.table import TableError, append_rows, locked, read_rows
from li2verify.utils.io import atomic_write_text, probe_writable_dir

log = logging.getLogger(__name__)

RAY_MAX_RETRIES = 3
#: a Ray cluster address that does not accept a TCP connection within this many seconds is an error
RAY_CONNECT_TIMEOUT_S = 10.0
#: ``ray.init`` on a cluster address that has not connected within this many seconds is an error (--ray-timeout)
RAY_INIT_TIMEOUT_S = 60.0
#: a sweep whose time estimate exceeds this many hours is refused unless ``max_hours`` is raised (``--max-hours``)
DEFAULT_MAX_HOURS = 72.0
#: Fault injection for the Ray tests: a task whose program contains a cell of this seed SIGKILLs its own worker
#: the first time (a marker file named by the variable records that it did), so Ray must retry it.
KILL_ONCE_ENV = "LI2_SWEEP_KILL_ONCE"


class SweepError(RuntimeError):
    """A sweep that cannot run (message says why, on one line)."""


class SweepResourceError(SweepError):
    """A sweep refused before it allocates: its memory or time estimate exceeds what is available or allowed."""


def _program_kwargs(spec: SweepSpec, device: str) -> dict:
    return {"device": device, "eval_every": spec.eval_every, "threshold": spec.threshold,
            "fit_threshold": spec.fit_threshold, "stop_on_success": spec.stop_on_success}


def _maybe_kill_once(cells: list[Cell]) -> None:
    raw = os.environ.get(KILL_ONCE_ENV, "")
    if not raw:
        return
    marker, _, seed = raw.partition(":")
    if any(str(c.seed) == seed for c in cells) and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)


def _ray_program(cells_dicts: list[dict], kwargs: dict) -> list[dict]:
    """The body of a Ray task: rebuild the cells and train them as one program."""
    cells = [Cell(**d) for d in cells_dicts]
    _maybe_kill_once(cells)
    return train_program(cells, **kwargs)


# ------------------------------------------------------------------------------------------ estimates
def _fmt_hours(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 86400 * 3:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.3g} days"


def plan_sweep(spec: SweepSpec, cells: list[Cell] | None = None, *, device: str = "cpu",
               max_memory: float | None = None, max_hours: float | None = DEFAULT_MAX_HOURS) -> dict:
    """Memory and time of a sweep from its spec alone, before anything is allocated — the training engine's
    estimators (:func:`li2verify.train.run.estimate_memory` per tensor program, :func:`~li2verify.train.run.
    estimate_seconds` per cell).  ``cells``: the cells still to train (default: all).  Raises
    :class:`SweepResourceError` when the largest program does not fit ``max_memory`` bytes (default: 90% of
    what the device has available) or the total exceeds ``max_hours`` (None: no limit).  Returns
    ``{"programs", "memory" (largest program, bytes), "seconds", "budget"}``."""
    from li2verify.train.config import ConfigError
    from li2verify.train.run import _fmt_bytes, available_memory, estimate_memory, estimate_seconds

    cells = spec.cells() if cells is None else cells
    programs = plan_programs(cells, spec.batch_cells)
    peak, worst, seconds = 0, None, 0.0
    for prog in programs:
        c0 = prog[0]
        n_max = max(c.n_train for c in prog)
        try:
            cfg = c0.train_config(device=device, seeds=list(range(len(prog))), threads=1)
        except ConfigError as e:
            raise SweepError(f"cell {c0.group} K={c0.K}: {e}") from None
        mem, _ = estimate_memory(cfg, c0.M, n_max)
        if mem > peak:
            peak, worst = mem, (prog, n_max)
        one = cfg.replace(seeds=[0])
        seconds += sum(estimate_seconds(one, c.M, c.n_train, spec.eval_every) for c in prog)
    if max_memory is not None:
        budget, src = int(max_memory), "the --max-memory limit"
    else:
        avail, src = available_memory(device)
        budget, src = (None if avail is None else int(0.9 * avail)), f"90% of {src}"
    if budget is not None and worst is not None and peak > budget:
        prog, n_max = worst
        raise SweepResourceError(
            f"the largest tensor program needs about {_fmt_bytes(peak)} ({len(prog)} cells of {prog[0].group}, "
            f"M={prog[0].M}, n ≤ {n_max}, K={prog[0].K}) but {_fmt_bytes(budget)} is available ({src}); lower K, "
            "batch_cells or the groups' orders, or raise --max-memory (GB) if the estimate is too cautious")
    if max_hours is not None and seconds > max_hours * 3600:
        raise SweepResourceError(
            f"this sweep would take about {_fmt_hours(seconds)} on {device} ({len(cells)} cells; the estimate "
            f"assumes the engine's flop rate and may be off by a factor of a few), more than the --max-hours limit "
            f"of {max_hours:g} h; lower epochs, K, the grid, use --device cuda, or raise --max-hours")
    return {"programs": len(programs), "memory": peak, "seconds": seconds, "budget": budget}


# ------------------------------------------------------------------------------------------ files
@contextmanager
def _writing(what: str):
    """OSError while writing ``what`` (disk full, read-only, permissions) → a one-line :class:`SweepError`."""
    try:
        yield
    except OSError as e:
        why = e.strerror or os.strerror(e.errno) if e.errno else str(e)
        raise SweepError(f"cannot write {what}: {why}" + ("; free some space and rerun the same command "
                                                           "(finished cells are kept)" if e.errno == errno.ENOSPC
                                                           else "")) from None


def write_provenance(out: Path, spec: SweepSpec, cells: int, done: int, command: list[str] | None = None) -> None:
    """Append this start to ``out/provenance.json`` (``{"starts": [...]}``: command line, git SHA, package
    versions, host, the spec's name and cell counts; the engine's :func:`li2verify.train.run.provenance`).  A
    file that is not valid JSON is kept beside as ``provenance.json.corrupt`` and a new one started."""
    from li2verify.train.run import provenance

    path = out / "provenance.json"
    with locked(out):
        starts: list = []
        if path.exists():
            try:
                d = json.loads(path.read_text(encoding="utf-8"))
                starts = d["starts"] if isinstance(d, dict) and isinstance(d.get("starts"), list) else None
                if starts is None:
                    raise ValueError("no list of starts")
            except (ValueError, UnicodeDecodeError) as e:
                keep = path.with_name("provenance.json.corrupt")
                os.replace(path, keep)
                log.warning("%s was not valid provenance (%s); kept as %s, starting a new one", path, e, keep.name)
                starts = []
        starts.append({**provenance(command), "spec": spec.name, "cells": cells, "already_done": done})
        atomic_write_text(path, json.dumps({"starts": starts[-1000:]}, indent=1, allow_nan=False))


def check_rows(spec: SweepSpec, cells: list[Cell], rows: list[dict], where: str = "results.csv") -> None:
    """The rows of ``rows`` that claim a cell of ``spec`` (by ``cell_id``) must describe that cell and have been
    judged with the spec's threshold; raises :class:`SweepError` naming the cell and the field otherwise."""
    by_id = {c.cell_id: c for c in cells}
    for r in rows:
        c = by_id.get(r["cell_id"])
        if c is None:
            continue
        want = {"group": c.group, "seed": c.seed, "K": c.K, "epochs": c.epochs, "lr": c.lr, "wd": c.wd,
                "activation": c.activation, "optimizer": c.optimizer, "n": c.n_train}
        for k, v in want.items():
            if r.get(k) != v:
                raise SweepError(f"{where}: the row of cell {c.cell_id} says {k}={r.get(k)!r} but that cell has "
                                 f"{k}={v!r} (an edited table?); use another --out")
        if not math.isclose(r["threshold"], spec.threshold, rel_tol=0, abs_tol=1e-12):
            raise SweepError(f"{where}: cell {c.cell_id} was judged with threshold {r['threshold']:g}, the spec says "
                             f"{spec.threshold:g} (epoch_success depends on it); use another --out or threshold = "
                             f"{r['threshold']:g}")


def pending_cells(spec: SweepSpec, out: str | Path | None) -> tuple[list[Cell], list[dict]]:
    """(cells still to train, rows already in ``out/results.csv`` for cells of this spec)."""
    cells = spec.cells()
    try:
        rows = read_rows(out) if out is not None else []
    except TableError as e:
        raise SweepError(str(e)) from None
    except OSError as e:
        raise SweepError(f"cannot read {out}/results.csv: {e.strerror or e}") from None
    check_rows(spec, cells, rows)
    done = {r["cell_id"]: r for r in rows}
    return [c for c in cells if c.cell_id not in done], [done[c.cell_id] for c in cells if c.cell_id in done]


def with_status(rows: list[dict], spec: SweepSpec) -> list[dict]:
    """The rows with ``status`` judged by the spec's thresholds (:func:`li2verify.sweep.cells.cell_status`: a row
    written under another fit threshold is judged again; diverged stays diverged)."""
    from li2verify.sweep.cells import cell_status

    return [{**r, "status": cell_status(r["status"] == "diverged", r["best_test_acc"], r["train_acc"],
                                        spec.threshold, spec.fit_threshold)} for r in rows]


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM raises KeyboardInterrupt in the main thread while the sweep runs, so ``finally`` blocks (Ray's
    shutdown, the progress bar) run on ``kill`` as on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    old = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def run_sweep(spec: SweepSpec, out: str | Path | None, *, ray: str | None = None, progress: bool = False,
              device: str = "cpu", num_cpus: int | None = None, outputs: bool = True,
              max_memory: float | None = None, max_hours: float | None = DEFAULT_MAX_HOURS,
              tensorboard: str | Path | None = None, command: list[str] | None = None,
              ray_timeout: float = RAY_INIT_TIMEOUT_S) -> list[dict]:
    """Train every cell of ``spec`` not yet in ``out/results.csv``; returns the rows of all the spec's cells
    (grid order).  ``out=None``: nothing is written (in-process only).  ``ray``: None (in-process), "local" or a
    Ray address.  ``outputs``: write the phase diagrams and the boundary plot/JSON after the last cell.
    ``max_memory`` (bytes) / ``max_hours``: limits of :func:`plan_sweep`, checked before anything is allocated.
    ``tensorboard``: a directory for TensorBoard event files (one run per cell: accuracies and loss per epoch,
    hparams).  ``ray_timeout``: seconds a cluster address may take to connect (:data:`RAY_CONNECT_TIMEOUT_S`
    for the TCP connection, this for ``ray.init``).  Raises :class:`SweepError` (one line) for anything that stops the sweep."""
    cells = spec.cells()
    if out is not None:
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise SweepError(f"the sweep directory {str(out)!r} exists and is not a directory; use another --out")
        try:
            probe_writable_dir(out)
        except OSError as e:
            raise SweepError(f"cannot write the sweep directory {str(out)!r}: {e.strerror or e}") from None
    todo, done_rows = pending_cells(spec, out)
    plan_sweep(spec, todo, device=device, max_memory=max_memory, max_hours=max_hours)
    if out is not None:
        resolved = out / "spec.resolved.toml"
        text = spec.to_toml()
        with _writing(f"{resolved}"):
            try:
                old = resolved.read_text(encoding="utf-8") if resolved.exists() else None
            except (OSError, UnicodeDecodeError):
                old = ""
            if old is not None and old != text:
                log.warning("%s held another spec; finished cells are kept (cells are identified by all their "
                            "fields) and the resolved spec is replaced", resolved)
            atomic_write_text(resolved, text)
        with _writing(f"{out / 'provenance.json'}"):
            write_provenance(out, spec, len(cells), len(done_rows), command)
    if done_rows:
        log.info("resuming: %d of %d cells already in %s", len(done_rows), len(cells), out)
    programs = plan_programs(todo, spec.batch_cells)
    new_rows: list[dict] = []
    bar = Progress(len(cells), len(done_rows), f"sweep {spec.name}") if progress else None
    tb = None
    if tensorboard is not None:
        from li2verify.sweep.tracking import SweepTensorBoard, TrackingError

        try:
            with _writing(f"the TensorBoard directory {tensorboard}"):
                tb = SweepTensorBoard(tensorboard, spec)
        except TrackingError as e:
            raise SweepError(str(e)) from None

    def record(rows: list[dict]) -> None:
        hist = [r.pop("history", None) for r in rows]
        new_rows.extend(rows)
        if out is not None:
            with _writing(f"{out / 'results.csv'}"):
                append_rows(out, rows)
        if tb is not None:
            with _writing(f"the TensorBoard directory {tensorboard}"):
                tb.cells(rows, hist)
        if bar is not None:
            bar.cells(len(rows))

    kwargs = _program_kwargs(spec, device)
    if tb is not None:
        kwargs["history"] = True
    try:
        with _sigterm_as_interrupt():
            if ray is None:
                for prog in programs:
                    record(train_program(prog, **kwargs, on_epoch=None if bar is None else bar.ticker(len(prog))))
            else:
                _run_ray(programs, kwargs, ray, num_cpus, record, ray_timeout)
    finally:
        if bar is not None:
            bar.close()
        if tb is not None:
            tb.close()
    by_id = {r["cell_id"]: r for r in done_rows + new_rows}
    rows = with_status([by_id[c.cell_id] for c in cells if c.cell_id in by_id], spec)
    if out is not None and outputs:
        from li2verify.sweep.report import write_outputs

        with _writing(f"the plots and boundary.json in {out}"):
            write_outputs(rows, out, threshold=spec.threshold)
    return rows


class Progress:
    """The sweep's progress bar (tqdm, on stderr when it is a terminal): cells finished plus the fraction of the
    program in flight, so the ETA moves during a long program.  The shown count never leaves [already done,
    total] (no clamped bar, no negative ETA) and the bar is drawn once more only when it changed (no repeated
    last line)."""

    def __init__(self, total: int, initial: int, desc: str, file=None):
        import sys

        from tqdm.auto import tqdm

        file = file if file is not None else sys.stderr
        self.total, self.done, self.frac = total, initial, 0.0
        self.bar = tqdm(total=total, initial=initial, desc=desc, unit="cell", file=file, mininterval=0.5,
                        disable=not getattr(file, "isatty", lambda: False)(), dynamic_ncols=True,
                        bar_format="{l_bar}{bar}| {n:.1f}/{total} cells [{elapsed}<{remaining}]")

    @property
    def n(self) -> float:
        return self.bar.n

    def _show(self) -> None:
        v = float(min(self.total, max(self.done, self.done + self.frac)))
        if v != self.bar.n:
            self.bar.n = v
            self.bar.refresh()

    def cells(self, k: int) -> None:
        """``k`` more cells finished (the program in flight ends)."""
        self.done, self.frac = min(self.total, self.done + k), 0.0
        self._show()

    def ticker(self, S: int):
        """An ``on_epoch(e, E)`` callback: the program of S cells is (e+1)/(E+1) done (shown every 10 epochs)."""
        def tick(e: int, E: int) -> None:
            if e % 10 == 0 or e == E:
                self.frac = min(S, S * (e + 1) / (E + 1)) * (1 - 1e-9)  # the cells count only when written
                self._show()
        return tick

    def close(self) -> None:
        self.bar.close()


def probe_ray_address(address: str, timeout: float = RAY_CONNECT_TIMEOUT_S) -> None:
    """A TCP connection to a Ray cluster address (``host:port`` or ``ray://host:port``) within ``timeout``
    seconds, before ``ray.init`` (which waits without a limit for an address that does not answer); raises
    :class:`SweepError` naming the address otherwise.  ``auto`` (the cluster this machine belongs to) is left
    to Ray."""
    if address == "auto":
        return
    hostport = address[len("ray://"):] if address.startswith("ray://") else address
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SweepError(f"--ray {address!r}: expected local, auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise SweepError(f"--ray {address}: no Ray cluster answers there within {timeout:g} s "
                         f"({e.strerror or type(e).__name__}); start one with `ray start --head` or use --ray local") \
            from None


def _init_within(ray, timeout: float, **kw) -> None:
    """``ray.init(**kw)`` that gives up after ``timeout`` seconds (an address whose port accepts connections but
    is no Ray cluster makes ``ray.init`` wait forever): :class:`SweepError`; the waiting thread is abandoned."""
    box: dict = {}

    def target():
        try:
            ray.init(**kw)
            box["ok"] = True
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=target, daemon=True, name="ray-init")
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise SweepError(f"--ray {kw.get('address')}: no Ray cluster answered within {timeout:g} s (the port accepts "
                         "connections but does not speak Ray?); check the address or raise --ray-timeout")
    if "error" in box:
        raise box["error"]


@contextmanager
def ray_session(address: str, num_cpus: int | None = None, ray_timeout: float = RAY_INIT_TIMEOUT_S):
    """Ray started (``address == "local"``) or joined for the duration of the block, and shut down after it when
    started here; a Ray already initialized in this process is used as it is.  Yields the ``ray`` module.
    Raises :class:`SweepError` (one line) when Ray is missing or does not start."""
    try:
        import ray
    except ImportError:
        raise SweepError("--ray needs Ray: pip install 'li2verify[ray]'") from None
    started_here = False
    if not ray.is_initialized():
        env = {k: os.environ[k] for k in (KILL_ONCE_ENV, "LI2_INIT_PERTURBATION") if os.environ.get(k)}
        init_kw = {"runtime_env": {"env_vars": env}} if env else {}
        t0 = time.time()
        try:
            if address == "local":
                ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False, **init_kw)
            else:
                probe_ray_address(address, min(RAY_CONNECT_TIMEOUT_S, ray_timeout))
                _init_within(ray, ray_timeout, address=address, log_to_driver=False, **init_kw)
        except SweepError:
            raise
        except Exception as e:  # noqa: BLE001 - connection refused, bad address, ...
            raise SweepError(f"cannot start Ray ({'local' if address == 'local' else address}): "
                             f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        started_here = True
        log.info("ray.init in %.1fs", time.time() - t0)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _raise_interrupt)  # ray.init installs its own (sys.exit): ours again
    try:
        yield ray
    finally:
        if started_here:
            ray.shutdown()


def _run_ray(programs: list[list[Cell]], kwargs: dict, address: str, num_cpus: int | None, record,
             ray_timeout: float = RAY_INIT_TIMEOUT_S) -> None:
    """Each program as one Ray task (at most :data:`RAY_MAX_RETRIES` retries); ``record(rows)`` as each finishes."""
    import dataclasses

    with ray_session(address, num_cpus, ray_timeout) as ray:
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
