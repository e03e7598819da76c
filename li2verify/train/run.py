"""The training loop: run directory, columnar metrics, checkpoints, resume, divergence stop.

Epoch convention: the metrics of epoch e describe the weights after e full-batch steps (e = 0 is the init);
a run of ``epochs = E`` logs epochs 0..E and takes E steps (the paper's code logs before each step likewise).

Run directory layout::

    config.json      the TrainConfig (resume refuses a directory whose trajectory-defining fields differ)
    metrics.csv      long format, one row per (epoch, seed): epoch, seed, wd, train_loss, ... (NaN = not logged)
    checkpoint.pt    the state at the top of epoch t (weights after t steps, optimizer, probe state),
                     written atomically every ``checkpoint_every`` epochs and at the last epoch
    status.json      {"status": running | complete | diverged, "epoch": ..., "message": ...}

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
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from li2verify.train import probes as P
from li2verify.train.config import SEED_ALIAS, ConfigError, TrainConfig, apply_env_perturbation
from li2verify.train.data import make_split, resolve_group, train_size
from li2verify.train.models import (Batch, accuracy, fast_path_ok, hidden, init_params, loss_per_seed, manual_grads,
                                    one_hot, output)
from li2verify.train.optim import BatchedOptimizer

log = logging.getLogger(__name__)

BASE_COLUMNS = ["train_loss", "test_loss", "train_acc", "test_acc"]
CPU_CHUNK_ELEMS = 1 << 22  # seeds per chunk on CPU: S_chunk·n·K ≤ 4M floats (16 MB float32), cache-friendly


class TrainingDiverged(RuntimeError):
    """The training loss became NaN/inf; the run directory keeps the metrics logged so far."""


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
    cols = list(BASE_COLUMNS)
    pr = set(cfg.probes)
    if "gf_norm" in pr:
        cols.append("gf_norm")
    if "ftf_offdiag" in pr:
        cols.append("ftf_offdiag")
    if "rho_tian" in pr:
        cols += ["rho_tian", "ffT_dist"]
    if "delta_cos" in pr:
        cols += ["dW_cos"] + ([] if cfg.ridge_top else ["dV_cos"])
    if "eigengap" in pr:
        cols += ["sigma1", "sigma2", "sigma3", "sigma4", "sigma5", "gap23"]
    if "energy" in pr:
        cols += ["energy_mean", "energy_max"]
    if "fourier" in pr:
        cols += ["fourier_conc", "fourier_distinct"]
    if "signmatch" in pr:
        cols += ["signmatch", "signmatch_exact"]
    unknown = pr - set(P.PROBE_COSTS)
    if unknown:
        raise ConfigError(f"TrainConfig.probes: unknown probes {sorted(unknown)}; known {sorted(P.PROBE_COSTS)}")
    return cols


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _atomic_torch_save(obj, path: Path) -> None:
    buf = io.BytesIO()
    torch.save(obj, buf)
    _atomic_write(path, buf.getvalue())


class _Task:
    """Data of all seeds as index tensors (one split per seed, same sizes)."""

    def __init__(self, cfg: TrainConfig, device):
        self.group = resolve_group(cfg.group)
        self.M = self.group.order
        self.n = train_size(self.M, n=cfg.n, train_frac=cfg.train_frac, critical_ratio=cfg.critical_ratio)
        splits = [make_split(self.group, self.n, s % SEED_ALIAS) for s in cfg.seeds]

        def mk(pairs, tg):
            t = lambda x: torch.as_tensor(np.stack(x), dtype=torch.int64, device=device)  # noqa: E731
            return Batch(t([p[:, 0] for p in pairs]), t([p[:, 1] for p in pairs]), t(tg))

        self.train = mk([s.train_pairs for s in splits], [s.train_targets for s in splits])
        self.test = mk([s.test_pairs for s in splits], [s.test_targets for s in splits])


def build(cfg: TrainConfig):
    """(task, params, optimizer) for a config — the objects the loop works on (also used by tests/benchmarks)."""
    cfg.validate()
    device = torch.device(cfg.device)
    if device.type == "cuda":
        # Probes compare numbers: no TF32 anywhere (float32 matmuls stay IEEE float32).
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    task = _Task(cfg, device)
    params = init_params(cfg, task.M, device)
    for p in params.values():
        p.requires_grad_(True)
    opt = BatchedOptimizer(cfg, params, task.M)
    return task, params, opt


def train_step(cfg: TrainConfig, task: _Task, params, opt: BatchedOptimizer, do_step: bool = True):
    """One full-batch forward (+ backward and update): returns (F, out, V, per-seed loss) of the pre-step weights."""
    if do_step and fast_path_ok(cfg):
        S, n = task.train.a.shape
        chunks = _seed_chunks(S, n, cfg.hidden, params["W"].device)
        if len(chunks) == 1:
            F, out, loss, grads = manual_grads(params, task.train, cfg, task.M)
        else:
            # CPU: the elementwise passes over S×n×K are memory-bound, so seeds are processed in cache-sized
            # chunks (same per-seed arithmetic); the optimizer update stays one batched call.
            parts = []
            for sl in chunks:
                b = Batch(task.train.a[sl], task.train.b[sl], task.train.y[sl])
                parts.append(manual_grads({k: v[sl] for k, v in params.items()}, b, cfg, task.M))
            F = None
            out = torch.cat([p[1] for p in parts])
            loss = torch.cat([p[2] for p in parts])
            grads = {k: torch.cat([p[3][k] for p in parts]) for k in parts[0][3]}
        opt.step(params, grads)
        return F, out, params["V"].detach(), loss
    F = hidden(params, task.train, cfg, task.M)
    out, V = output(params, F, cfg, task.train.y, task.M)
    loss = loss_per_seed(out, task.train.y, cfg)
    if do_step:
        names = list(params)
        grads = torch.autograd.grad(loss.sum(), [params[k] for k in names])
        opt.step(params, dict(zip(names, grads)))
    return F.detach(), out.detach(), V.detach() if torch.is_tensor(V) else V, loss.detach()


def _expensive_probes(cfg: TrainConfig, task: _Task, params, bases) -> dict[str, np.ndarray]:
    pr = set(cfg.probes)
    res: dict[str, np.ndarray] = {}
    p64 = {k: v.detach().double() for k, v in params.items()}
    with torch.no_grad():
        F = hidden(p64, task.train, cfg, task.M)
        _, V = output(p64, F, cfg, task.train.y, task.M)
        Y = one_hot(task.train.y, task.M, torch.float64)
        if "gf_norm" in pr:
            res["gf_norm"] = P.gf_norm(F, V, Y, cfg.beta).cpu().numpy()
        if "ftf_offdiag" in pr:
            res["ftf_offdiag"] = P.ftf_offdiag(F).cpu().numpy()
        if "rho_tian" in pr:
            res.update({k: v.cpu().numpy() for k, v in P.gram_levels(F).items()})
        if "energy" in pr:
            E = P.node_energy(F, Y)
            res["energy_mean"] = E.mean(1).cpu().numpy()
            res["energy_max"] = E.max(1).values.cpu().numpy()
        if "fourier" in pr:
            res.update(P.fourier_concentration(p64["W"], bases, task.M))
        if "signmatch" in pr:
            wd = cfg.wd_values()
            sm = [P.signmatch(F[s:s + 1], max(wd[s], 1e-12)) for s in range(cfg.S)]
            res["signmatch"] = np.array([x["signmatch"][0] for x in sm])
            res["signmatch_exact"] = np.array([x["signmatch_exact"][0] for x in sm])
    return res


def _seed_chunks(S: int, n: int, K: int, device) -> list[slice]:
    """Seed slices whose S_chunk·n·K working set fits CPU_CHUNK_ELEMS (one slice on GPUs)."""
    per = max(1, CPU_CHUNK_ELEMS // max(1, n * K)) if torch.device(device).type == "cpu" else S
    return [slice(i, min(S, i + per)) for i in range(0, S, per)]


def _test_metrics(cfg, task, params, r):
    """Test loss/accuracy of the current weights (ridge V: the one solved on the training F); seed-chunked on CPU."""
    pe = {k: v.detach() for k, v in params.items()}
    S, nt = task.test.a.shape
    losses, accs = [], []
    for sl in _seed_chunks(S, nt, cfg.hidden, pe["W"].device):
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


def train(cfg: TrainConfig, run_dir: str | Path | None = None, *, resume: bool = True, progress: bool = False,
          on_epoch: Callable[[int, dict], None] | None = None, keep_snapshots: list[int] | None = None) -> RunResult:
    """Train ``cfg`` (all seeds batched in one tensor program) and return the metrics.

    With ``run_dir`` the run is checkpointed and resumable (see module docstring).  ``keep_snapshots``: epochs
    at which to keep a copy of the weights in ``result.extras['snapshots']`` (for offline probes)."""
    t0 = time.time()
    cfg = apply_env_perturbation(cfg.validate())  # $LI2_INIT_PERTURBATION: the one place the environment enters
    cols = metric_columns(cfg)
    old_threads = torch.get_num_threads()
    try:
        task, params, opt = build(cfg)
        if torch.device(cfg.device).type == "cpu":
            torch.set_num_threads(cfg.cpu_threads(task.M, task.n))
        return _train(cfg, cols, task, params, opt, run_dir, resume, progress, on_epoch, keep_snapshots, t0)
    finally:
        torch.set_num_threads(old_threads)


def _train(cfg, cols, task, params, opt, run_dir, resume, progress, on_epoch, keep_snapshots, t0) -> RunResult:
    E, S = cfg.epochs, cfg.S
    bases = P.isotypic_bases(task.group) if "fourier" in cfg.probes else None
    eig = P.EigengapTracker(cfg.eigengap_window) if "eigengap" in cfg.probes else None
    prev: dict[str, torch.Tensor] | None = None
    start = 0
    rows: dict[int, dict[str, np.ndarray]] = {}
    written_upto = -1
    rd = Path(run_dir) if run_dir is not None else None
    snapshots: dict[int, dict[str, torch.Tensor]] = {}

    if rd is not None:
        rd.mkdir(parents=True, exist_ok=True)
        cfg_path, ck_path, m_path = rd / "config.json", rd / "checkpoint.pt", rd / "metrics.csv"
        if cfg_path.exists() and resume:
            old = TrainConfig.from_dict(json.loads(cfg_path.read_text()))
            if old.trajectory_key() != cfg.trajectory_key():
                diff = sorted(k for k in cfg.trajectory_key() if old.trajectory_key()[k] != cfg.trajectory_key()[k])
                raise ConfigError(f"{rd} holds a run with a different configuration (fields {diff}); "
                                  "use another --out directory or --no-resume")
        if ck_path.exists() and resume:
            ck = torch.load(ck_path, map_location=cfg.device, weights_only=False)
            start = int(ck["epoch"])
            if start > E:
                raise ConfigError(f"{rd} is checkpointed at epoch {start} > requested epochs {E}")
            with torch.no_grad():
                for k in params:
                    params[k].copy_(ck["params"][k])
            opt.load_state_dict(ck["opt"])
            prev = ck["prev"]
            if eig is not None and ck.get("eig") is not None:
                eig.load_state_dict(ck["eig"])
            if m_path.exists():  # drop rows of epochs ≥ start: they are recomputed
                header, old_rows = _read_csv(m_path)
                keep = [r for r in old_rows if int(r[0]) < start]
                buf = io.StringIO()
                w = csv.writer(buf)
                w.writerow(header)
                w.writerows(keep)
                _atomic_write(m_path, buf.getvalue().encode())
            written_upto = start - 1
            log.info("resuming %s at epoch %d", rd, start)
        else:
            buf = io.StringIO()
            csv.writer(buf).writerow(["epoch", "seed", "wd"] + cols)
            _atomic_write(m_path, buf.getvalue().encode())
        _atomic_write(cfg_path, cfg.to_json().encode())
        _atomic_write(rd / "status.json", json.dumps({"status": "running", "epoch": start}).encode())

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
                            "opt": opt.state_dict(), "prev": prev,
                            "eig": eig.state_dict() if eig is not None else None}, rd / "checkpoint.pt")

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=E + 1, initial=start, desc=f"train {task.group.name} K={cfg.hidden} S={S}", unit="ep")
    status, message = "complete", ""
    try:
        for e in range(start, E + 1):
            if e > start and (e % cfg.checkpoint_every == 0 or e == E):
                checkpoint(e)
            if keep_snapshots and e in keep_snapshots:
                snapshots[e] = {k: v.detach().clone() for k, v in params.items()}
            cur = {k: v.detach().clone() for k, v in params.items()} if ("delta_cos" in cfg.probes or eig) else None
            r: dict[str, np.ndarray] = {}
            if e % cfg.probe_every == 0 or e == E:
                r.update(_expensive_probes(cfg, task, params, bases))
            if e % cfg.eval_every == 0 or e == E:  # test metrics of the pre-step weights
                with torch.no_grad():
                    _test_metrics(cfg, task, params, r)
            else:
                r["test_loss"] = r["test_acc"] = np.full(S, np.nan)
            F, out, V, loss = train_step(cfg, task, params, opt, do_step=False) if e == E else \
                (None, None, None, None)
            if e < E:
                # pre-step forward gives the epoch-e train metrics; then the update to e+1
                F, out, V, loss = train_step(cfg, task, params, opt, do_step=True)
            r["train_loss"] = loss.double().cpu().numpy()
            r["train_acc"] = accuracy(out, task.train.y).cpu().numpy()
            if cur is not None:
                if prev is not None:
                    if "delta_cos" in cfg.probes:
                        r["dW_cos"] = P.cosine_distance(cur["W"], prev["W"]).cpu().numpy()
                        if "V" in cur:
                            r["dV_cos"] = P.cosine_distance(cur["V"], prev["V"]).cpu().numpy()
                    if eig is not None:
                        g = eig.push(cur["W"] - prev["W"])
                        if g is not None:
                            r.update({k: v.cpu().numpy() for k, v in g.items()})
                prev = cur
            rows[e] = r
            if on_epoch is not None:
                on_epoch(e, r)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(train_acc=f"{np.mean(r['train_acc']):.3f}", test_acc=f"{np.mean(r['test_acc']):.3f}")
            bad = ~np.isfinite(r["train_loss"])
            if bad.any():
                seeds = [cfg.seeds[i] for i in np.flatnonzero(bad)]
                status = "diverged"
                message = (f"training diverged at epoch {e}: train loss is {r['train_loss'][bad][0]} for seeds "
                           f"{seeds} (lr={cfg.lr}, optimizer={cfg.optimizer}); metrics up to epoch {e} are kept"
                           + (f" in {rd / 'metrics.csv'}" if rd else "") + ". Lower the learning rate or the "
                           "output scale β.")
                E_done = e
                break
        else:
            E_done = E
    finally:
        if bar is not None:
            bar.close()
    flush(E_done)
    if rd is not None:
        _atomic_write(rd / "status.json", json.dumps({"status": status, "epoch": E_done, "message": message,
                                                      "seconds": time.time() - t0}).encode())
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
