"""Cells per hour for the fast sweep (li2verify/sweep/specs/fast.toml: prime Z11..Z23, 6 training fractions,
3 seeds, K = 256, σ = x², centred MSE, Adam with L2 decay, test accuracy every 10 epochs), three ways, every
number of the JSON measured in ONE run of this script (same machine, same load):

  program   the sweep engine: cells sharing a group train in one tensor program (li2verify.sweep.cells)
  per_cell  one run per cell with the same engine (li2verify.train.run.train, one seed, no probes)
  autograd  a plain PyTorch baseline per cell: an nn.Module (one-hot input, two nn.Linear, x²), autograd,
            torch.optim.Adam(weight_decay=η), the same centred MSE and test evaluation cadence

On CPU each way gets the same worker pool (``--workers`` processes, one torch thread each: the machine's 2 cores);
the units of work are programs (balanced: at most ``--batch-cells`` cells, largest first) or cells.  All three
train every cell of the sweep for ``--epochs`` epochs (default: the spec's 600; with fewer, a quick look:
``cells_per_hour_at_spec_epochs`` scales the measured rate by epochs/600, which ignores the fixed per-task costs
— process start, imports, splits — and so overstates short runs).  With ``--device cuda`` there is one worker (the GPU).

Usage:  python benchmarks/sweep_bench.py [--epochs 600] [--workers 2] [--batch-cells 16] [--device cpu|cuda]
        [--out benchmarks/results/sweep_bench.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import time
from pathlib import Path

import numpy as np


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)


def _program(args):
    cells, kw = args
    from li2verify.sweep.cells import train_program

    t = time.time()
    rows = train_program(cells, **kw)
    return time.time() - t, [r["best_test_acc"] for r in rows]


def _per_cell(args):
    cell, kw = args
    from li2verify.train.run import train

    t = time.time()
    res = train(cell.train_config(eval_every=kw["eval_every"], device=kw["device"], threads=1))
    return time.time() - t, [float(np.nanmax(res.metrics["test_acc"][:, 0]))]


def _autograd(args):
    """The plain baseline: what one would write without the engine."""
    cell, kw = args
    import torch
    from torch import nn

    from li2verify.train.data import make_split, resolve_group

    t = time.time()
    dev = torch.device(kw["device"])
    G = resolve_group(cell.group)
    M = G.order
    sp = make_split(G, cell.n_train, cell.seed)
    torch.manual_seed(cell.seed)

    def onehot(pairs):
        X = torch.zeros(len(pairs), 2 * M, device=dev)
        X[torch.arange(len(pairs)), torch.as_tensor(pairs[:, 0])] = 1
        X[torch.arange(len(pairs)), torch.as_tensor(pairs[:, 1]) + M] = 1
        return X

    Xtr, Xte = onehot(sp.train_pairs), onehot(sp.test_pairs)
    ytr = torch.as_tensor(sp.train_targets, device=dev)
    yte = torch.as_tensor(sp.test_targets, device=dev)
    Ytr = nn.functional.one_hot(ytr, M).float()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.W = nn.Linear(2 * M, cell.K, bias=False)
            self.V = nn.Linear(cell.K, M, bias=False)

        def forward(self, X):
            return self.V(self.W(X) ** 2)

    net = Net().to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=cell.lr, weight_decay=cell.wd)
    best = 0.0
    for e in range(cell.epochs + 1):
        if e % kw["eval_every"] == 0 or e == cell.epochs:
            with torch.no_grad():
                best = max(best, float((net(Xte).argmax(1) == yte).float().mean()))
        if e == cell.epochs:
            break
        R = net(Xtr) - Ytr
        R = R - R.mean(0, keepdim=True)
        loss = (R ** 2).sum() / len(Xtr)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return time.time() - t, [best]


def _run(fn, tasks, workers: int) -> tuple[float, list[float], list[float]]:
    t = time.time()
    if workers == 1:
        _init_worker()
        out = [fn(x) for x in tasks]
    else:
        with mp.get_context("spawn").Pool(workers, initializer=_init_worker) as pool:
            out = list(pool.imap_unordered(fn, tasks))
    wall = time.time() - t
    return wall, [o[0] for o in out], [a for o in out for a in o[1]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-cells", type=int, default=16)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--skip", default="", help="comma list of ways to skip (program, per_cell, autograd)")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from li2verify.sweep.spec import load_spec, plan_programs

    spec = load_spec("fast", [f"epochs={a.epochs}"])
    cells = spec.cells()
    workers = 1 if a.device.startswith("cuda") else a.workers
    kw = {"device": a.device, "eval_every": spec.eval_every, "threshold": spec.threshold}
    progs = plan_programs(cells, a.batch_cells)
    progs.sort(key=lambda p: -sum(c.n_train * c.M for c in p))  # largest first: balanced workers
    ways = {
        "program": (_program, [(p, kw) for p in progs]),
        "per_cell": (_per_cell, [(c, kw) for c in sorted(cells, key=lambda c: -c.n_train * c.M)]),
        "autograd": (_autograd, [(c, kw) for c in sorted(cells, key=lambda c: -c.n_train * c.M)]),
    }
    skip = set(filter(None, a.skip.split(",")))
    res = {}
    for name, (fn, tasks) in ways.items():
        if name in skip:
            continue
        wall, busy, best = _run(fn, tasks, workers)
        res[name] = {"wall_s": wall, "busy_s": sum(busy), "cells": len(cells), "tasks": len(tasks),
                     "cells_per_hour": 3600 * len(cells) / wall,
                     "cells_per_hour_at_spec_epochs": 3600 * len(cells) / wall * a.epochs / 600,
                     "mean_best_test_acc": float(np.mean(best))}
        print(f"{name:9s} {len(cells)} cells × {a.epochs} epochs in {wall:7.1f} s on {workers} worker(s): "
              f"{res[name]['cells_per_hour']:9.0f} cells/h  ({res[name]['cells_per_hour_at_spec_epochs']:7.0f} "
              f"cells/h at 600 epochs), mean best test acc {res[name]['mean_best_test_acc']:.3f}", flush=True)
    ratios = {}
    if "program" in res:
        for other in ("per_cell", "autograd"):
            if other in res:
                ratios[f"program_vs_{other}"] = res[other]["wall_s"] / res["program"]["wall_s"]
    for k, v in ratios.items():
        print(f"{k}: {v:.2f}×")
    import torch

    out = {"spec": "fast", "epochs": a.epochs, "spec_epochs": 600, "workers": workers, "threads_per_worker": 1,
           "batch_cells": a.batch_cells, "device": a.device, "results": res, "ratios": ratios,
           "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "torch": torch.__version__,
                       "cuda": torch.cuda.get_device_name(0) if a.device.startswith("cuda") else None},
           "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    path = Path(a.out or Path(__file__).parent / "results" / (
        "sweep_bench.json" if a.device == "cpu" else "sweep_bench_cuda.json"))
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
