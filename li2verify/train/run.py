"""The training loop: run directory, columnar metrics, checkpoints, resume, divergence stop.

Epoch convention: the metrics of epoch e describe the weights after e full-batch steps (e = 0 is the init);
a run of ``epochs = E`` logs epochs 0..E and takes E steps (the paper's code logs before each step likewise).

Run directory layout::

    config.json      the TrainConfig (resume refuses a directory whose trajectory-defining fields differ)
    metrics.csv      long format, one row per (epoch, seed): epoch, seed, wd, train_loss, ... (NaN = not logged)
    checkpoint.pt    the state at the top of epoch t (weights after t steps, optimizer, probe state),
                     written atomically every ``checkpoint_every`` epochs and at the last epoch
    status.json      {"status": running | complete | diverged | failed, "epoch": ..., "message": ...}
    provenance.json  one entry per start: command line, git SHA, package versions, host, resumed epoch

Nothing is executed from a run directory: ``checkpoint.pt`` is read with ``torch.load(weights_only=True)`` and
checked against the configuration it was trained with (stored inside it).  On resume ``metrics.csv`` is checked
against the checkpoint (header, one row per epoch < t and seed) and repaired (a torn last line, rows of epochs
≥ t dropped) or refused with a message that says what is wrong and suggests ``--no-resume``.  A run that fails
to start, or crashes, leaves ``status.json`` at ``failed`` with the message.  Before anything is allocated the
peak memory is estimated from the configuration (:func:`estimate_memory`) and a run that would not fit is
refused with the estimate and the knobs that lower it.

The epochs run on the one training step loop (:func:`li2verify.train.engine.run_epochs`): the program is
:func:`train_step` on the run's weights (:class:`_StepProgram`); checkpoints and snapshots, probes and test
metrics (before the step), the epoch's row, ``on_epoch``, the progress bar and the divergence stop (after it) are
its hooks.  On a multi-core CPU the fused step runs single-threaded per thread: several seed chunks one per core,
or, for one chunk, the step here and its side work (the test evaluation, a share of the probes on the step's
forward) on a second thread, joined before the update (:class:`li2verify.train.engine.SideWork`); either way
every number is that of a one-thread run.

A killed run resumes from ``checkpoint.pt``: metrics rows with epoch ≥ t are dropped and recomputed, so no
epoch is lost or duplicated, and (same machine, CPU) the final metrics equal an uninterrupted run's bitwise.
A non-finite training loss stops the run: the metrics up to that epoch are kept, ``status.json`` says
``diverged``, and :class:`TrainingDiverged` names the epoch and the seeds.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import sys
import threading
import time
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from li2verify.train import probes as P
from li2verify.train.engine import STOP, SideWork, run_epochs
from li2verify.train.probes import ProbeDims, exact_step_memory, step_probes, uses_fast_probes
from li2verify.train.config import SEED_ALIAS, ConfigError, TrainConfig, apply_env_perturbation
from li2verify.groups.spec import GroupSpecError, spec_order
from li2verify.train.data import make_split, resolve_group, train_size
from li2verify.train.models import (Batch, accuracy, fast_path_ok, fused_forward, hidden, init_params, loss_per_seed,
                                    manual_grads, one_hot, output)
from li2verify.train.optim import BatchedOptimizer
from li2verify.utils.io import atomic_write_bytes, probe_writable_dir

log = logging.getLogger(__name__)

BASE_COLUMNS = ["train_loss", "test_loss", "train_acc", "test_acc"]
CPU_CHUNK_ELEMS = 1 << 22  # seeds per chunk on CPU: S_chunk·n·K ≤ 4M floats (16 MB float32), cache-friendly


class TrainingDiverged(RuntimeError):
    """The training loss became NaN/inf; the run directory keeps the metrics logged so far."""


class RunDirConflict(ConfigError):
    """The run directory holds another run (a different configuration); it is left untouched."""


class ResourceError(ConfigError):
    """The run would not fit in memory (the message gives the estimate and the knobs that lower it)."""


@dataclass
class RunResult:
    config: TrainConfig
    epochs: np.ndarray                    # (E+1,)
    metrics: dict[str, np.ndarray]        # name -> (E+1, S), NaN where not logged
    params: dict[str, torch.Tensor]       # final weights (S, ...)
    run_dir: Path | None = None
    status: str = "complete"
    seconds: float = 0.0
    extras: dict = field(default_factory=dict)

    def seed_metric(self, name: str, seed_index: int) -> np.ndarray:
        return self.metrics[name][:, seed_index]


def metric_columns(cfg: TrainConfig) -> list[str]:
    return list(BASE_COLUMNS) + [c for p in _active_probes(cfg) for c in p.columns(cfg)]


def _active_probes(cfg: TrainConfig) -> list[P.Probe]:
    try:
        return P.active_probes(cfg)
    except ValueError as e:
        raise ConfigError(str(e)) from None


def _atomic_torch_save(obj, path: Path) -> None:
    buf = io.BytesIO()
    torch.save(obj, buf)
    atomic_write_bytes(path, buf.getvalue())


# ------------------------------------------------------------------------------------------ memory estimate
def _fmt_bytes(b: float) -> str:
    for unit, f in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if b >= f:
            return f"{b / f:.3g} {unit}"
    return f"{b / 1e3:.3g} kB"


def estimate_memory(cfg: TrainConfig, M: int, n: int) -> tuple[int, dict[str, int]]:
    """Peak memory (bytes) of a run from its configuration alone, before anything is allocated, and the parts
    it is made of.  Generous by design (each working tensor counted with its temporaries); computed from
    M (group order), n (training pairs), K, S (seeds), L, dtype, the probes and the device's seed chunking."""
    S, K, L = cfg.S, cfg.hidden, cfg.layers
    b = 4 if cfg.dtype == "float32" else 8
    c = 2 if cfg.complex_weights else 1
    M2, nt = M * M, M * M - n
    cpu = not str(cfg.device).startswith("cuda")
    P = S * c * (2 * M * K + (L - 1) * K * K + (0 if cfg.ridge_top else K * M))  # parameter entries
    probes = _active_probes(cfg)
    dims = ProbeDims(S=S, n=n, K=K, M=M, c=c, window=cfg.eigengap_window)
    parts: dict[str, int] = {
        "group table and splits": 48 * M2 + 48 * S * M2,
        "weights, gradients, optimizer state, previous weights": 6 * P * b
        + sum(p.state_memory(dims) for p in probes),
    }
    fast = fast_path_ok(cfg)

    def chunk(rows: int) -> int:
        return min(S, max(1, CPU_CHUNK_ELEMS // max(1, rows * K))) if cpu else S

    Sc = chunk(n) if fast else S
    step = Sc * n * K * b * c * (6 if fast else 4 * L + 2) + S * n * M * b * 4
    if cfg.ridge_top:
        step += S * (K * K * 8 * 3 + n * K * 8)
    St = chunk(nt)
    test = St * nt * K * b * c * 3 + St * nt * M * b * 3 + (St * n * K * b * c * 2 if cfg.ridge_top else 0)
    probe = 0
    on_step = step_probes(cfg, probes)  # read from the step's own float32 forward (fast or exact forms)
    stepped = {p.name for p in on_step}
    slow = [p for p in probes if p.cadence == "probe_every" and p.name not in stepped]
    if slow:  # the float64 re-forward and the float64 forms
        base = S * n * K * 8 * c * (L + 1) + P * 8 + S * n * M * 8
        probe = base + max([0] + [p.memory(dims) for p in slow])
    step_probe = 0
    if on_step and uses_fast_probes(cfg):
        # fast forms on one seed chunk of the step's forward: F², the sampled rows/columns and their products
        r = cfg.probe_samples
        step_probe = Sc * (n * K * b + r * (K * b + n * 8 * 3) + 4 * r * n * b + (4 * r) ** 2 * 8) + Sc * n * M * 8 * 2
    elif on_step:
        # exact forms on one seed chunk of the step's forward: the blocked Gram of one seed at a time, no copy of F
        step_probe = exact_step_memory(ProbeDims(S=Sc, n=n, K=K, M=M, c=c, window=cfg.eigengap_window), on_step, b)
    if fast and cpu:
        # one worker per core, each with its own step and test buffers (kept for the run, like the step's) and
        # evaluating the probes of its own seed chunk (one chunk: the probes shared with the side worker, counted
        # as running at once by the models above)
        w = max(1, min(cfg.threads or os.cpu_count() or 1, -(-S // max(1, Sc))))
        step, test, step_probe = step * w, test * w, step_probe * w
    probe += step_probe
    parts["training step (largest seed chunk)"] = step
    parts["test evaluation"] = test
    parts["probes"] = probe
    peak = parts["group table and splits"] + parts["weights, gradients, optimizer state, previous weights"] \
        + (step + test + probe if fast else max(step, test, probe)) + (256 << 20)
    return int(peak), parts


#: sustained flop rates the time estimate assumes (float32 fused step), a round figure per device type: the
#: fast profile's scaling-law grid (216 cells, K = 256, 600 epochs) took 67 s on two shared CPU cores, which
#: :func:`estimate_seconds` at 1e10 flop/s puts at 66 s; the CUDA figure is a round guess, not measured yet
FLOP_RATE = {"cpu": 1e10, "cuda": 2e12}


def estimate_seconds(cfg: TrainConfig, M: int, n: int, eval_every: int = 1) -> float:
    """Wall time (s) of a run from its configuration alone, before anything is allocated: E+1 full-batch steps
    of 6·n·K·(M + 2) flops per seed (forward with the embedding gather, output layer, backward ≈ 2× forward),
    test passes of 2·(M² − n)·K·(M + 2) flops every ``eval_every`` epochs, times L layers, at
    :data:`FLOP_RATE` of the device type.  A rough figure (a factor of a few either way): it exists to refuse
    runs that would take years, not to schedule."""
    K, L, E = cfg.hidden, cfg.layers, cfg.epochs
    c = 2 if cfg.complex_weights else 1
    per_seed = (E + 1) * 6.0 * n * K * (M + 2) * L * c + (E // max(1, eval_every) + 1) * 2.0 * (M * M - n) * K * (M + 2)
    rate = FLOP_RATE["cuda" if str(cfg.device).startswith("cuda") else "cpu"]
    return cfg.S * per_seed / rate


def available_memory(device: str) -> tuple[int | None, str]:
    """(bytes, where from) the run may use on ``device``: free GPU memory, or MemAvailable of /proc/meminfo."""
    if str(device).startswith("cuda"):
        try:
            free, _ = torch.cuda.mem_get_info(torch.device(device))
            return int(free), f"free memory of {device}"
        except Exception:  # noqa: BLE001 - no estimate possible: do not refuse
            return None, ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024, "MemAvailable"
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")), "available physical memory"
    except (ValueError, OSError, AttributeError):
        return None, ""


def check_device(device: str) -> torch.device:
    """``torch.device(device)`` after checking that this torch can use it (ConfigError otherwise)."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ConfigError(f"TrainConfig.device: {device!r} is not a torch device; use 'cpu' or 'cuda' "
                          "(or 'cuda:N')") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(f"TrainConfig.device: {device!r}, but this torch ({torch.__version__}) sees no CUDA "
                              "device; run on a GPU machine with a CUDA build of torch, or use --device cpu")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ConfigError(f"TrainConfig.device: {device!r}, but only {torch.cuda.device_count()} CUDA "
                              "device(s) are visible")
    elif dev.type != "cpu":
        raise ConfigError(f"TrainConfig.device: {device!r} is not supported; use 'cpu' or 'cuda'")
    return dev


def plan_run(cfg: TrainConfig, max_memory: float | None = None) -> dict:
    """Everything about a run that can be decided before allocating it: the device, the group's order (from the
    spec, without building the table), n, and the memory estimate against ``max_memory`` bytes (default: what
    the device has available).  Raises :class:`ConfigError` (:class:`ResourceError` for memory) naming the
    problem; returns ``{"M", "n", "memory", "memory_parts", "budget"}``."""
    cfg.validate()
    check_device(cfg.device)
    _active_probes(cfg)  # ConfigError naming unknown probes
    try:
        M = spec_order(cfg.group)
    except GroupSpecError as e:
        raise ConfigError(f"TrainConfig.group: {e}") from None
    try:
        n = train_size(M, n=cfg.n, train_frac=cfg.train_frac, critical_ratio=cfg.critical_ratio,
                       protocol=cfg.protocol)
    except ValueError as e:
        field = ("group" if M < 2 else "critical_ratio" if cfg.critical_ratio is not None else "n"
                 if cfg.n is not None else "train_frac")
        raise ConfigError(f"TrainConfig.{field}: {e}") from None
    peak, parts = estimate_memory(cfg, M, n)
    if max_memory is not None:
        if not (isinstance(max_memory, (int, float)) and math.isfinite(max_memory) and max_memory > 0):
            raise ConfigError(f"max_memory must be a positive number of bytes, got {max_memory!r}")
        budget, src = int(max_memory), "the --max-memory limit"
    else:
        avail, src = available_memory(cfg.device)
        budget = None if avail is None else int(0.9 * avail)
        src = f"90% of {src}"
    if budget is not None and peak > budget:
        big = max(parts, key=parts.get)
        raise ResourceError(
            f"this run needs about {_fmt_bytes(peak)} of memory (M={M}, n={n} training pairs, K={cfg.hidden}, "
            f"{cfg.S} seed(s), {cfg.dtype}; largest part: {big} ≈ {_fmt_bytes(parts[big])}) but "
            f"{_fmt_bytes(budget)} is available ({src}); lower --hidden, the training set (--n / --train-frac), "
            "--seeds or the probes (--probes), use a smaller --group, or raise --max-memory (GB) if the "
            "estimate is too cautious")
    return {"M": M, "n": n, "memory": peak, "memory_parts": parts, "budget": budget,
            "seconds": estimate_seconds(cfg, M, n, cfg.eval_every)}


# ------------------------------------------------------------------------------------------ provenance
@lru_cache(maxsize=None)
def _git_sha() -> str:
    import subprocess

    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        if out.returncode != 0 or not out.stdout.strip():
            return "unknown (not a git checkout)"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, ValueError, Exception):  # noqa: BLE001 - provenance must never stop a run
        return "unknown"


def provenance(command: list[str] | None = None) -> dict:
    """Where a run came from: command line, git SHA of the li2verify source, package versions, host, time."""
    import platform
    from importlib import metadata

    def ver(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except Exception:  # noqa: BLE001
            return "not installed"

    return {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": list(command) if command is not None else list(sys.argv),
            "cwd": os.getcwd(), "git_sha": _git_sha(), "python": platform.python_version(),
            "versions": {p: ver(p) for p in ("li2verify", "torch", "numpy", "scipy", "sympy")},
            "torch_cuda": str(torch.version.cuda), "host": platform.node(), "platform": platform.platform()}


def _prepare_run_dir(rd: Path) -> None:
    """Create the run directory and prove it is writable (ConfigError naming the problem otherwise)."""
    if rd.exists() and not rd.is_dir():
        raise ConfigError(f"run directory {str(rd)!r} exists and is not a directory; choose another --out")
    try:
        probe_writable_dir(rd)
    except OSError as e:
        raise ConfigError(f"cannot write the run directory {str(rd)!r}: {e.strerror or e}; choose another --out") \
            from None


def _write_status(rd: Path, status: str, epoch: int, message: str = "", **extra) -> None:
    atomic_write_bytes(rd / "status.json", json.dumps({"status": status, "epoch": epoch, "message": message,
                                                  **extra}).encode())


def _read_status(rd: Path) -> dict:
    try:
        d = json.loads((rd / "status.json").read_text())
        return d if isinstance(d, dict) else {}
    except (OSError, ValueError):
        return {}


class _Task:
    """Data of all seeds as index tensors (one split per seed, same sizes)."""

    def __init__(self, cfg: TrainConfig, device):
        self.group = resolve_group(cfg.group)
        self.M = self.group.order
        self.n = train_size(self.M, n=cfg.n, train_frac=cfg.train_frac, critical_ratio=cfg.critical_ratio,
                            protocol=cfg.protocol)
        splits = [make_split(self.group, self.n, s % SEED_ALIAS) for s in cfg.seeds]

        def mk(pairs, tg):
            t = lambda x: torch.as_tensor(np.stack(x), dtype=torch.int64, device=device)  # noqa: E731
            return Batch(t([p[:, 0] for p in pairs]), t([p[:, 1] for p in pairs]), t(tg))

        self.train = mk([s.train_pairs for s in splits], [s.train_targets for s in splits])
        self.test = mk([s.test_pairs for s in splits], [s.test_targets for s in splits])


def ieee_float32(device: torch.device) -> None:
    """On CUDA, no TF32 anywhere: float32 matmuls stay IEEE float32 (probes and claims compare numbers)."""
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


def build(cfg: TrainConfig):
    """(task, params, optimizer) for a config — the objects the loop works on (also used by tests/benchmarks)."""
    cfg.validate()
    device = torch.device(cfg.device)
    ieee_float32(device)
    task = _Task(cfg, device)
    params = init_params(cfg, task.M, device)
    for p in params.values():
        p.requires_grad_(True)
    opt = BatchedOptimizer(cfg, params, task.M)
    return task, params, opt


def _step_workspace(opt: BatchedOptimizer, params) -> dict:
    """Work buffers of the fused step, kept with the optimizer for the run (gradients, the full Ŷ, and the
    n×K buffers shared by the seed chunks): after the first step nothing W- or F-sized is allocated."""
    ws = opt.step_workspace
    g = ws.get("grads")
    if g is None or any(g[k].shape != params[k].shape for k in ("W", "V")):
        ws["grads"] = {k: torch.empty_like(params[k], requires_grad=False, memory_format=torch.contiguous_format)
                       for k in ("W", "V")}
        ws["chunk"] = {}
    return ws


def train_step(cfg: TrainConfig, task: _Task, params, opt: BatchedOptimizer, do_step: bool = True,
               on_forward: Callable[[slice, torch.Tensor, torch.Tensor], None] | None = None,
               before_update: Callable[[], None] | None = None):
    """One full-batch forward (+ backward and update): returns (F, out, V, per-seed loss) of the pre-step weights.

    ``on_forward(seed_slice, F, out)`` is called with the float32 hidden features and output of the pre-update
    forward pass of each seed chunk (before the update), so probes can read the step's own forward instead of
    recomputing it; F is only valid during the call (its buffer is reused) — with one seed chunk, until the next
    step.  ``before_update()`` is called after the last chunk's backward, right before the optimizer update (the
    join of the run's side work, :class:`li2verify.train.engine.SideWork`)."""
    if fast_path_ok(cfg):
        S, n = task.train.a.shape
        chunks = _seed_chunks(S, n, cfg.hidden, params["W"].device)
        ws = _step_workspace(opt, params)
        if not do_step:  # the last epoch: the same fused forward, seed chunk by seed chunk, no update
            out = torch.empty(S, n, task.M, dtype=params["W"].dtype, device=params["W"].device)
            losses: list = [None] * len(chunks)

            def fwd_chunk(i: int, cws: dict) -> None:
                sl = chunks[i]
                b = Batch(task.train.a[sl], task.train.b[sl], task.train.y[sl])
                with torch.no_grad():
                    _, Fc, _, _, oc = fused_forward({k: v[sl] for k, v in params.items()}, b, cfg, task.M, ws=cws)
                    out[sl].copy_(oc)
                    losses[i] = loss_per_seed(oc, b.y, cfg)
                    if on_forward is not None:
                        on_forward(sl, Fc, oc)

            _for_chunks(ws, "chunk", len(chunks), fwd_chunk)
            return None, out, params["V"].detach(), torch.cat(losses)
        if len(chunks) == 1:
            res: list = [None]

            def keep(i: int, sl: slice, Fc: torch.Tensor, oc: torch.Tensor, lc: torch.Tensor) -> None:
                res[i] = (Fc, oc, lc)
                if on_forward is not None:
                    on_forward(sl, Fc, oc)

            fused_step(params, [(slice(0, S), task.train)], cfg, task.M, opt, keep, before_update)
            F, out, loss = res[0]
        else:
            # CPU: the elementwise passes over S×n×K are memory-bound, so seeds are processed in cache-sized
            # chunks (same per-seed arithmetic, shared work buffers); the optimizer update stays one batched call.
            F = None
            out = ws.get("out_full")
            if out is None or out.shape != (S, n, task.M):
                out = ws["out_full"] = torch.empty(S, n, task.M, dtype=params["W"].dtype, device=params["W"].device)
            losses = [None] * len(chunks)

            def collect(i: int, sl: slice, Fc: torch.Tensor, oc: torch.Tensor, lc: torch.Tensor) -> None:
                out[sl].copy_(oc)
                losses[i] = lc
                if on_forward is not None:
                    on_forward(sl, Fc, oc)

            fused_step(params, [(sl, Batch(task.train.a[sl], task.train.b[sl], task.train.y[sl])) for sl in chunks],
                       cfg, task.M, opt, collect, before_update)
            loss = torch.cat(losses)
        return F, out, params["V"].detach(), loss
    F = hidden(params, task.train, cfg, task.M)
    out, V = output(params, F, cfg, task.train.y, task.M)
    loss = loss_per_seed(out, task.train.y, cfg)
    if on_forward is not None and not do_step:
        with torch.no_grad():
            on_forward(slice(0, F.shape[0]), F.detach(), out.detach())
    if do_step:
        names = list(params)
        grads = torch.autograd.grad(loss.sum(), [params[k] for k in names])
        if on_forward is not None:
            with torch.no_grad():
                on_forward(slice(0, F.shape[0]), F.detach(), out.detach())
        if before_update is not None:
            before_update()
        opt.step(params, dict(zip(names, grads)))
    return F.detach(), out.detach(), V.detach() if torch.is_tensor(V) else V, loss.detach()


def fused_step(params, chunks: list[tuple[slice, Batch]], cfg: TrainConfig, M: int, opt: BatchedOptimizer,
               on_chunk: Callable[[int, slice, torch.Tensor, torch.Tensor, torch.Tensor], None],
               before_update: Callable[[], None] | None = None) -> None:
    """One fused update of every seed of the stacked ``params``: the closed-form gradient of Eqn 1
    (:func:`li2verify.train.models.manual_grads`) of each seed chunk ``(seed_slice, batch)`` written into the
    step's gradient buffers, then ONE batched optimizer update of all seeds.

    This is the per-chunk step of both :func:`train_step` (chunks of equal n, cache-sized) and the sweep's tensor
    programs (:mod:`li2verify.sweep.cells`, whose chunks are cells of different training-set sizes n: each chunk
    has its own batch).  ``on_chunk(i, seed_slice, F, out, loss)`` sees chunk i's pre-step forward (float32 hidden
    features, output, per-seed loss) before the next chunk runs: F and out live in work buffers that the next
    chunk overwrites.  One chunk runs in ``opt.step_workspace["chunk"]``; several run through :func:`_for_chunks`
    (a worker pool where :func:`train` made one).  Buffers do not change the arithmetic: each seed's gradient is
    that of the seed alone.  ``before_update()`` runs after every chunk's gradient, right before the update."""
    ws = _step_workspace(opt, params)
    grads = ws["grads"]

    def run_chunk(i: int, cws: dict) -> None:
        sl, b = chunks[i]
        Fc, oc, lc, _ = manual_grads({k: v[sl] for k, v in params.items()}, b, cfg, M, ws=cws,
                                     grads_out={k: g[sl] for k, g in grads.items()})
        on_chunk(i, sl, Fc, oc, lc)

    if len(chunks) == 1:
        run_chunk(0, ws["chunk"])
    else:
        _for_chunks(ws, "chunk", len(chunks), run_chunk)
    if before_update is not None:
        before_update()
    opt.step(params, grads)


def _for_chunks(ws: dict, key: str, nchunks: int, fn: Callable[[int, dict], None]) -> None:
    """fn(i, work_buffers) for every seed chunk i: in order on one thread, or — with a worker pool in ``ws`` — chunk
    i on worker i mod W with that worker's own buffers (a static assignment: which thread computes a chunk never
    changes its arithmetic)."""
    pool, W = ws.get("pool"), ws.get("workers", 1)
    bufs = ws.setdefault(key + "_workers", [{} for _ in range(max(1, W))])
    if pool is None or nchunks < 2:
        for i in range(nchunks):
            fn(i, bufs[0])
        return

    def worker(w: int) -> None:
        for i in range(w, nchunks, W):
            fn(i, bufs[w])

    for f in [pool.submit(worker, w) for w in range(W)]:
        f.result()


class _FastProbes:
    """Collects the probes read from the training step's forward pass (their ``step_form`` in the run's probe mode:
    fast or exact) of one epoch, seed chunk by seed chunk (``train_step(on_forward=...)``).

    With side work (:class:`li2verify.train.engine.SideWork`; runs of one seed chunk, whose F stays untouched until
    the update joins the side work) the probes of the chunk are shared: this thread and the side worker (once it
    is done with the test evaluation) each take the next probe of the list until none is left.  Statistics the
    probes share (moments, the Gram) are computed once (:class:`li2verify.train.probes.SharedCache`); a thread that
    finds the exact Gram being computed, or has no probe left, takes a share of its blocks; each probe's (and each
    block's) arithmetic is the same on either thread."""

    def __init__(self, cfg: TrainConfig, task: _Task, params, epoch: int, probes: list, side: SideWork | None = None):
        self.cfg, self.task, self.params, self.epoch, self.probes = cfg, task, params, epoch, probes
        self.side = side
        self.parts: dict[str, np.ndarray] = {}

    def __call__(self, sl: slice, F: torch.Tensor, out: torch.Tensor) -> None:
        S = self.cfg.S
        idx = range(S)[sl]
        x = P.StepInputs(self.cfg, F, out, self.params["V"].detach()[sl], self.task.train.y[sl],
                         [self.cfg.seeds[i] for i in idx], self.epoch)
        todo = list(self.probes)
        lock = threading.Lock()

        def drain() -> None:
            with torch.no_grad():
                while True:
                    with lock:
                        if not todo:
                            return
                        p = todo.pop(0)
                    for c, v in P.step_form(p, self.cfg)(x).items():
                        self.parts.setdefault(c, np.full(S, np.nan))[sl] = v
                x.cache.help()  # no probe left to take: a share of the other thread's Gram, if it is computing one

        if self.side is not None and len(idx) == S and len(todo) > 1:  # one chunk: F outlives this call
            self.side.submit(drain)
        drain()


class _StepProgram:
    """``li2verify train``'s :class:`~li2verify.train.engine.Program`: :func:`train_step` on the run's task, weights
    and optimizer.  ``on_forward`` is the epoch's fast-probe collector (:class:`_FastProbes`), set by the hook that
    computes the epoch's probes (None on epochs without them); the step hands it its own forward pass."""

    def __init__(self, cfg: TrainConfig, task: _Task, params, opt: BatchedOptimizer, side: SideWork | None = None):
        self.cfg, self.task, self.params, self.opt, self.side = cfg, task, params, opt, side
        self.on_forward: _FastProbes | None = None

    def step(self, epoch: int, update: bool):
        """(F, out, V, per-seed loss) of the pre-step weights of ``epoch``, and with ``update`` the step to the next
        (after joining the side work, which reads the pre-step weights)."""
        return train_step(self.cfg, self.task, self.params, self.opt, do_step=update, on_forward=self.on_forward,
                          before_update=self.side.join if self.side is not None else None)


def _expensive_probes(cfg: TrainConfig, task: _Task, params, states: dict, skip=()) -> dict[str, np.ndarray]:
    """Every active ``probe_every`` probe of the registry (:data:`li2verify.train.probes.PROBES`) on the float64
    weights (except the names in ``skip``, computed in their fast form from the training step)."""
    probes = [p for p in P.active_probes(cfg) if p.cadence == "probe_every" and p.name not in skip]
    res: dict[str, np.ndarray] = {}
    if not probes:
        return res
    p64 = {k: v.detach().double() for k, v in params.items()}
    with torch.no_grad():
        F = hidden(p64, task.train, cfg, task.M)
        _, V = output(p64, F, cfg, task.train.y, task.M)
        Y = one_hot(task.train.y, task.M, torch.float64)
        for p in probes:
            res.update(p.fn(P.ProbeInputs(cfg, F, V, Y, p64["W"], task.M, states.get(p.name))))
    return res


def _seed_chunks(S: int, n: int, K: int, device) -> list[slice]:
    """Seed slices whose S_chunk·n·K working set fits CPU_CHUNK_ELEMS (one slice on GPUs)."""
    per = max(1, CPU_CHUNK_ELEMS // max(1, n * K)) if torch.device(device).type == "cpu" else S
    return [slice(i, min(S, i + per)) for i in range(0, S, per)]


def _test_metrics(cfg, task, params, r, ws: dict | None = None):
    """Test loss/accuracy of the current weights (ridge V: the one solved on the training F); seed-chunked on CPU.

    For the paper's 2-layer real net the forward is the fused step's (:func:`li2verify.train.models.fused_forward`,
    buffers from ``ws``): 2·n_test·K·M FLOPs per seed, the same cost model as a third of a training step."""
    pe = {k: v.detach() for k, v in params.items()}
    S, nt = task.test.a.shape
    losses, accs = [], []
    chunks = _seed_chunks(S, nt, cfg.hidden, pe["W"].device)
    if fast_path_ok(cfg):
        res: list = [None] * len(chunks)

        def run_chunk(i: int, cws: dict) -> None:
            sl = chunks[i]
            bt = Batch(task.test.a[sl], task.test.b[sl], task.test.y[sl])
            with torch.no_grad():
                o = fused_forward({k: v[sl] for k, v in pe.items()}, bt, cfg, task.M, ws=cws)[4]
                res[i] = (loss_per_seed(o, bt.y, cfg).double().cpu().numpy(), accuracy(o, bt.y).cpu().numpy())

        _for_chunks(ws if ws is not None else {}, "test", len(chunks), run_chunk)
        r["test_loss"] = np.concatenate([x[0] for x in res])
        r["test_acc"] = np.concatenate([x[1] for x in res])
        return
    for sl in chunks:
        p = {k: v[sl] for k, v in pe.items()}
        bt = Batch(task.test.a[sl], task.test.b[sl], task.test.y[sl])
        Ft = hidden(p, bt, cfg, task.M)
        if cfg.ridge_top:
            btr = Batch(task.train.a[sl], task.train.b[sl], task.train.y[sl])
            _, V = output(p, hidden(p, btr, cfg, task.M), cfg, btr.y, task.M)
            o = torch.bmm(Ft, V) * cfg.beta
        else:
            o, _ = output(p, Ft, cfg)
        losses.append(loss_per_seed(o, bt.y, cfg).double().cpu().numpy())
        accs.append(accuracy(o, bt.y).cpu().numpy())
    r["test_loss"] = np.concatenate(losses)
    r["test_acc"] = np.concatenate(accs)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def load_metrics(run_dir: str | Path) -> tuple[np.ndarray, dict[str, np.ndarray], list[int]]:
    """(epochs, metrics name → (E+1, S) array, seeds) from a run directory's metrics.csv."""
    header, rows = _read_csv(Path(run_dir) / "metrics.csv")
    arr = np.array([[float(x) if x != "" else np.nan for x in r] for r in rows]) if rows else np.zeros((0, len(header)))
    ep = arr[:, 0].astype(int)
    sd = arr[:, 1].astype(int)
    epochs = np.unique(ep)
    seeds = list(dict.fromkeys(sd.tolist()))
    ei = {e: i for i, e in enumerate(epochs)}
    si = {s: i for i, s in enumerate(seeds)}
    out = {}
    for j, name in enumerate(header[2:], start=2):
        m = np.full((len(epochs), len(seeds)), np.nan)
        m[[ei[e] for e in ep], [si[s] for s in sd]] = arr[:, j]
        out[name] = m
    return epochs, out, seeds


_NO_RESUME = "; rerun with --no-resume to start over (or use another --out)"


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0][:300] if text else ''}".rstrip(": ")


def _read_config(path: Path) -> TrainConfig:
    """The TrainConfig of an existing run directory (ConfigError naming the file if it is damaged)."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path} is not valid JSON (truncated or edited?): {_short(e)}{_NO_RESUME}") from None
    if not isinstance(d, dict):
        raise ConfigError(f"{path} does not hold a training configuration (a JSON object){_NO_RESUME}")
    try:
        return TrainConfig.from_dict(d)
    except (ConfigError, TypeError, ValueError) as e:
        raise ConfigError(f"{path} holds an invalid configuration ({e}){_NO_RESUME}") from None


def _jsonish(x):
    return json.loads(json.dumps(x, sort_keys=True))


def _load_checkpoint(path: Path, cfg: TrainConfig) -> dict:
    """checkpoint.pt read as data only (``weights_only=True``: a pickle that calls code is refused, never run)
    and checked against ``cfg``: its structure and the configuration it was trained with."""
    try:
        ck = torch.load(path, map_location=cfg.device, weights_only=True)
    except Exception as e:  # noqa: BLE001 - truncated, random, or a pickle asking for code: all refused
        # torch's own message advises loading with weights_only=False, i.e. running the file's code: never quoted
        why = "it holds Python objects other than tensors" if "weights_only" in str(e) or "Weights only" in str(e) \
            else _short(e)
        raise ConfigError(f"{path} is not a readable li2verify checkpoint (truncated, corrupt, or holding code, "
                          f"which is never run): {why}{_NO_RESUME}") from None
    if not isinstance(ck, dict) or not {"epoch", "params", "opt"} <= set(ck) or not isinstance(ck["params"], dict) \
            or isinstance(ck["epoch"], bool) or not isinstance(ck["epoch"], int) or ck["epoch"] < 0:
        raise ConfigError(f"{path} is not a li2verify checkpoint (missing epoch/params/optimizer state){_NO_RESUME}")
    stored = ck.get("config")
    if stored is not None:
        cur, st = _jsonish(cfg.trajectory_key()), _jsonish(stored) if isinstance(stored, dict) else {}
        diff = sorted(k for k in set(cur) & set(st) if cur[k] != st[k])
        if diff:
            raise ConfigError(
                f"{path} was trained with " + ", ".join(f"{k}={st[k]!r}" for k in diff) + " but this run asks for "
                + ", ".join(f"{k}={cur[k]!r}" for k in diff) + " (config.json edited by hand?); resuming would "
                "continue the old trajectory under the new settings" + _NO_RESUME)
    return ck


def _restore(ck: dict, path: Path, params, opt, eig):
    """Copy a loaded checkpoint into the freshly built params / optimizer / eigengap tracker (shapes checked)."""
    try:
        for k, p in params.items():
            t = ck["params"].get(k)
            if not torch.is_tensor(t) or tuple(t.shape) != tuple(p.shape):
                raise ValueError(f"parameter {k}: {tuple(t.shape) if torch.is_tensor(t) else type(t).__name__} "
                                 f"in the checkpoint, {tuple(p.shape)} in this configuration")
        with torch.no_grad():
            for k in params:
                params[k].copy_(ck["params"][k])
        opt.load_state_dict(ck["opt"])
        prev = ck.get("prev")
        if prev is not None and (not isinstance(prev, dict) or any(
                not torch.is_tensor(prev.get(k)) or prev[k].shape != params[k].shape for k in params)):
            raise ValueError("previous-epoch weights do not match the parameters")
        if eig is not None and ck.get("eig") is not None:
            eig.load_state_dict(ck["eig"])
    except Exception as e:  # noqa: BLE001
        raise ConfigError(f"{path} does not fit this configuration ({_short(e)}){_NO_RESUME}") from None
    return prev


def _verify_metrics(m_path: Path, header: list[str], seeds: list[int], start: int) -> tuple[list[list[str]], bool]:
    """The rows of ``metrics.csv`` to keep when resuming at epoch ``start``: exactly one well-formed row per
    (epoch < start, seed), under this run's header.  A torn last line (no newline: a kill during a write) and
    rows of epochs ≥ start are dropped (they are recomputed); anything else missing or malformed is refused."""
    what = f"the checkpoint is at epoch {start}, so {m_path} must hold epochs 0..{start - 1} for seeds {seeds}"
    if not m_path.exists():
        raise ConfigError(f"{m_path} is missing but {what}: those metrics cannot be recovered{_NO_RESUME}")
    try:
        text = m_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{m_path} cannot be read ({_short(e)}){_NO_RESUME}") from None
    torn = bool(text) and not text.endswith("\n")
    if torn:
        text = text[:text.rfind("\n") + 1]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ConfigError(f"{m_path} is empty but {what}{_NO_RESUME}")
    if rows[0] != header:
        raise ConfigError(f"{m_path}: the header {','.join(rows[0])[:120]!r} is not this run's "
                          f"{','.join(header)[:120]!r}{_NO_RESUME}")
    keep, seen = [], set()
    for i, r in enumerate(rows[1:], start=2):
        try:
            if len(r) != len(header):
                raise ValueError(f"{len(r)} fields, expected {len(header)}")
            e, sd = int(r[0]), int(r[1])
            for x in r[2:]:
                if x != "":
                    float(x)
        except ValueError as exc:
            raise ConfigError(f"{m_path}, line {i}: not a metrics row ({exc}){_NO_RESUME}") from None
        if e >= start:
            continue
        if (e, sd) in seen:
            raise ConfigError(f"{m_path}, line {i}: epoch {e}, seed {sd} appears twice{_NO_RESUME}")
        seen.add((e, sd))
        keep.append(r)
    expected = {(e, sd) for e in range(start) for sd in seeds}
    if seen != expected:
        missing, extra = sorted(expected - seen), sorted(seen - expected)
        raise ConfigError(f"{m_path} holds {len(seen)} rows for epochs below {start}, {len(expected)} expected "
                          f"({what})" + (f"; missing (epoch, seed) {missing[:3]}" if missing else "")
                          + (f"; unexpected {extra[:3]}" if extra else "") + _NO_RESUME)
    return keep, torn


def train(cfg: TrainConfig, run_dir: str | Path | None = None, *, resume: bool = True, progress: bool = False,
          on_epoch: Callable[[int, dict], object] | None = None, keep_snapshots: list[int] | None = None,
          max_memory: float | None = None, command: list[str] | None = None,
          on_snapshot: Callable[[int, dict], None] | None = None) -> RunResult:
    """Train ``cfg`` (all seeds batched in one tensor program) and return the metrics.

    ``on_epoch(epoch, row)`` sees each epoch's row (per-seed arrays); returning :data:`li2verify.train.engine.STOP`
    ends the run after that epoch (status ``stopped``: the metrics end there, the trajectory up to it unchanged).

    With ``run_dir`` the run is checkpointed and resumable (see module docstring).  ``keep_snapshots``: epochs
    at which to keep a copy of the weights in ``result.extras['snapshots']`` (for offline probes); with
    ``on_snapshot`` nothing is kept: ``on_snapshot(epoch, weights)`` is called instead at those epochs with the
    pre-step weights themselves (to read, not to keep or change: a long run's measure without its copies).
    ``max_memory``: bytes the run may use (default: 90% of what the device has available); a run whose
    estimate (:func:`estimate_memory`) exceeds it is refused before anything is allocated.  ``command``: the
    command line recorded in ``provenance.json`` (default ``sys.argv``).

    Errors: :class:`ConfigError` for a configuration or run directory that cannot run (the message names the
    field or file; :class:`ResourceError` for memory, :class:`RunDirConflict` for a directory holding another
    run), :class:`TrainingDiverged`.  Any failure after the run directory is created leaves ``status.json`` at
    ``failed`` with the message (a directory holding another, finished run is left as it was)."""
    t0 = time.time()
    cfg = apply_env_perturbation(cfg.validate())  # $LI2_INIT_PERTURBATION: the one place the environment enters
    rd = Path(run_dir) if run_dir is not None else None
    state = {"epoch": 0, "touched": False}
    old_threads = torch.get_num_threads()
    opt = side = None
    try:
        # refusals that need nothing on disk come first: a mistyped command creates no run directory (an
        # existing one gets status failed below)
        plan_run(cfg, max_memory)
        if rd is not None:
            _prepare_run_dir(rd)
        cols = metric_columns(cfg)
        task, params, opt = build(cfg)
        if torch.device(cfg.device).type == "cpu":
            threads = cfg.cpu_threads(task.M, task.n)
            torch.set_num_threads(threads)
            ws = opt.step_workspace
            nchunks = len(_seed_chunks(cfg.S, task.n, cfg.hidden, "cpu"))
            if fast_path_ok(cfg) and threads > 1:
                # a multi-core CPU runs the fused step single-threaded on several threads instead of intra-op threads
                # (the skinny n×K×M products scale poorly over them), so a seed's arithmetic is exactly that of a
                # one-thread run of it: several seed chunks run one chunk per core; one chunk (e.g. one seed at
                # Fig 3's size) runs the step on this thread and its side work — the test evaluation of the
                # pre-step weights, a share of the probes on the step's forward — on a second one
                torch.set_num_threads(1)
                if nchunks > 1:
                    from concurrent.futures import ThreadPoolExecutor

                    ws["workers"] = min(threads, nchunks)
                    ws["pool"] = ThreadPoolExecutor(ws["workers"], thread_name_prefix="li2-seed-chunk")
                else:
                    side = SideWork()
        return _train(cfg, cols, task, params, opt, rd, resume, progress, on_epoch, keep_snapshots, t0, state,
                      command, side, on_snapshot)
    except (RunDirConflict, TrainingDiverged):
        raise
    except Exception as e:
        if rd is not None and rd.is_dir():
            prior = _read_status(rd).get("status")
            if state["touched"] or prior not in ("complete", "diverged"):
                msg = str(e) if isinstance(e, ConfigError) else _short(e)
                try:
                    _write_status(rd, "failed", state["epoch"], msg, seconds=time.time() - t0)
                except OSError:
                    pass
        raise
    finally:
        if side is not None:
            side.close()
        torch.set_num_threads(old_threads)
        pool = opt.step_workspace.pop("pool", None) if opt is not None else None
        if pool is not None:
            pool.shutdown()


def _train(cfg, cols, task, params, opt, rd, resume, progress, on_epoch, keep_snapshots, t0, state,
           command=None, side: SideWork | None = None, on_snapshot=None) -> RunResult:
    E, S = cfg.epochs, cfg.S
    probes = _active_probes(cfg)
    states = {p.name: p.setup(cfg, task.group) for p in probes if p.setup is not None}
    epoch_probes = [p for p in probes if p.cadence == "every_epoch"]
    fast_probes = P.step_probes(cfg, probes)  # the probes read from the step's own forward (either probe mode)
    eig = states.get("eigengap")  # checkpointed with the run
    prev: dict[str, torch.Tensor] | None = None
    start = 0
    rows: dict[int, dict[str, np.ndarray]] = {}
    written_upto = -1
    snapshots: dict[int, dict[str, torch.Tensor]] = {}

    if rd is not None:
        cfg_path, ck_path, m_path = rd / "config.json", rd / "checkpoint.pt", rd / "metrics.csv"
        header = ["epoch", "seed", "wd"] + cols
        if cfg_path.exists() and resume:
            old = _read_config(cfg_path)
            ok, nk = _jsonish(old.trajectory_key()), _jsonish(cfg.trajectory_key())
            if ok != nk:
                diff = sorted(k for k in set(ok) | set(nk) if ok.get(k) != nk.get(k))
                raise RunDirConflict(f"{rd} holds a run with a different configuration (fields {diff}: "
                                     + ", ".join(f"{k} {ok.get(k)!r} there, {nk.get(k)!r} here" for k in diff[:3])
                                     + "); use another --out directory or --no-resume")
        state["touched"] = True  # from here on a failure is this run's: status.json says failed
        if ck_path.exists() and resume:
            ck = _load_checkpoint(ck_path, cfg)
            start = int(ck["epoch"])
            if start > E:
                raise ConfigError(f"{rd} is checkpointed at epoch {start} > requested epochs {E}; ask for "
                                  f"--epochs ≥ {start} or start over with --no-resume")
            keep, torn = _verify_metrics(m_path, header, list(cfg.seeds), start)
            prev = _restore(ck, ck_path, params, opt, eig)
            state["touched"] = True
            if torn:
                log.warning("%s: dropped a torn last line (a kill during a write)", m_path)
            buf = io.StringIO()  # rows of epochs ≥ start are dropped: they are recomputed
            w = csv.writer(buf)
            w.writerow(header)
            w.writerows(keep)
            atomic_write_bytes(m_path, buf.getvalue().encode())
            written_upto = start - 1
            state["epoch"] = start
            log.info("resuming %s at epoch %d", rd, start)
        else:
            state["touched"] = True
            buf = io.StringIO()
            csv.writer(buf).writerow(header)
            atomic_write_bytes(m_path, buf.getvalue().encode())
            if ck_path.exists():  # --no-resume: a stale checkpoint must not be resumed with the new metrics
                ck_path.unlink()
        state["touched"] = True
        atomic_write_bytes(cfg_path, cfg.to_json().encode())
        prov_path = rd / "provenance.json"
        try:
            starts = json.loads(prov_path.read_text()).get("starts", []) if prov_path.exists() else []
            if not isinstance(starts, list):
                raise ValueError("no list of starts")
        except (OSError, ValueError, AttributeError) as e:  # kept beside, never overwritten: it holds old starts
            keep = prov_path.with_name("provenance.json.corrupt")
            try:
                os.replace(prov_path, keep)
                log.warning("%s was not valid provenance (%s); kept as %s", prov_path, e, keep.name)
            except OSError:
                pass
            starts = []
        starts.append({**provenance(command), "protocol": cfg.protocol, "start_epoch": start, "resumed": start > 0})
        atomic_write_bytes(prov_path, json.dumps({"starts": starts[-100:]}, indent=1).encode())
        _write_status(rd, "running", start)

    def flush(upto: int):
        nonlocal written_upto
        if rd is None:
            return
        buf = io.StringIO()
        w = csv.writer(buf)
        wd = cfg.wd_values()
        for e in range(written_upto + 1, upto + 1):
            r = rows[e]
            for s in range(S):
                w.writerow([e, cfg.seeds[s], repr(wd[s])] + [repr(float(r[c][s])) if c in r else "" for c in cols])
        with open(rd / "metrics.csv", "a", newline="") as f:
            f.write(buf.getvalue())
            f.flush()
            os.fsync(f.fileno())
        written_upto = upto

    def checkpoint(epoch: int):
        if rd is None:
            return
        flush(epoch - 1)
        _atomic_torch_save({"epoch": epoch, "params": {k: v.detach().clone() for k, v in params.items()},
                            "opt": opt.state_dict(), "prev": prev, "config": cfg.trajectory_key(),
                            "eig": eig.state_dict() if eig is not None else None}, rd / "checkpoint.pt")

    program = _StepProgram(cfg, task, params, opt, side)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=E + 1, initial=start, desc=f"train {task.group.name} K={cfg.hidden} S={S}", unit="ep")
    status, message = "complete", ""
    epoch: dict = {}  # what the before-hooks of the current epoch hand to its after-hooks

    def persist(e: int) -> None:
        """Checkpoint (the state at the top of epoch e) and snapshots of the pre-step weights."""
        state["epoch"] = e
        if e > start and (e % cfg.checkpoint_every == 0 or e == E):
            checkpoint(e)
        if keep_snapshots and e in keep_snapshots:
            if on_snapshot is not None:
                on_snapshot(e, {k: v.detach() for k, v in params.items()})
            else:
                snapshots[e] = {k: v.detach().clone() for k, v in params.items()}

    def measure(e: int) -> None:
        """Probes and test metrics of the pre-step weights; the fast probes read the step's own forward.  With side
        work the test evaluation runs beside the step (joined before its update)."""
        epoch["cur"] = {k: v.detach().clone() for k, v in params.items()} if epoch_probes else None
        r: dict[str, np.ndarray] = {}
        fastp = None
        if e % cfg.probe_every == 0 or e == E:
            if fast_probes:
                fastp = _FastProbes(cfg, task, params, e, fast_probes, side)
            r.update(_expensive_probes(cfg, task, params, states, skip={p.name for p in fast_probes}))
        if e % cfg.eval_every == 0 or e == E:  # test metrics of the pre-step weights
            def test() -> None:
                with torch.no_grad():
                    _test_metrics(cfg, task, params, r, ws=opt.step_workspace)

            if side is not None:
                side.submit(test)
            else:
                test()
        else:
            r["test_loss"] = r["test_acc"] = np.full(S, np.nan)
        program.on_forward = fastp
        epoch["r"] = r

    def record(e: int, step):
        """The epoch's row: train metrics of the step's pre-step forward, fast and epoch-to-epoch probes; STOP when
        ``on_epoch`` asks for it."""
        nonlocal prev, status, message
        _, out, _, loss = step
        r, cur, fastp = epoch["r"], epoch["cur"], program.on_forward
        if fastp is not None:
            r.update(fastp.parts)
        r["train_loss"] = loss.double().cpu().numpy()
        r["train_acc"] = accuracy(out, task.train.y).cpu().numpy()
        if cur is not None:
            if prev is not None:
                for p in epoch_probes:
                    r.update(p.fn(cur, prev, states.get(p.name)))
            prev = cur
        rows[e] = r
        stop = on_epoch is not None and on_epoch(e, r) is STOP
        if bar is not None:
            bar.update(1)
            bar.set_postfix(train_acc=f"{np.mean(r['train_acc']):.3f}", test_acc=f"{np.mean(r['test_acc']):.3f}")
        if stop:
            status, message = "stopped", f"stopped by the caller's on_epoch after epoch {e}"
            return STOP
        return None

    def diverge(e: int, _step) -> str | None:
        """A non-finite training loss stops the run after this epoch's row."""
        nonlocal status, message
        r = rows[e]
        bad = ~np.isfinite(r["train_loss"])
        if not bad.any():
            return None
        seeds = [cfg.seeds[i] for i in np.flatnonzero(bad)]
        status = "diverged"
        message = (f"training diverged at epoch {e}: train loss is {r['train_loss'][bad][0]} for seeds "
                   f"{seeds} (lr={cfg.lr}, optimizer={cfg.optimizer}); metrics up to epoch {e} are kept"
                   + (f" in {rd / 'metrics.csv'}" if rd else "") + ". Lower the learning rate or the "
                   "output scale β.")
        return STOP

    try:
        E_done = run_epochs(program, E, start=start, before=(persist, measure), after=(record, diverge), side=side)
    finally:
        if bar is not None:
            bar.close()
    flush(E_done)
    if rd is not None:
        _write_status(rd, status, E_done, message, seconds=time.time() - t0)
    if status == "diverged":
        raise TrainingDiverged(message)
    cols_all = ["train_loss", "test_loss", "train_acc", "test_acc"] + [c for c in cols if c not in BASE_COLUMNS]
    if rd is not None:
        epochs, metrics, _ = load_metrics(rd)
    else:
        epochs = np.arange(start, E_done + 1)
        metrics = {c: np.stack([rows[e].get(c, np.full(S, np.nan)) for e in epochs]) for c in cols_all}
        metrics["wd"] = np.tile(np.array(cfg.wd_values(), dtype=float), (len(epochs), 1))
    res = RunResult(cfg, epochs, metrics, {k: v.detach() for k, v in params.items()}, rd, status,
                    time.time() - t0)
    res.extras["snapshots"] = snapshots
    res.extras["task"] = task
    return res
