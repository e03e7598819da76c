"""Training throughput of li2verify.train at the paper's Fig 3 size (M = 71, K = 2048, n = 2016, σ = x², Adam).

Measures seed-epochs per second for
  - batched (all seeds in one tensor program) vs one seed at a time,
  - one-hot gather (XW = W[h1] + W[M+h2], backward = scatter-add) vs dense one-hot matmul,
  - no probes vs the Fig 3 probe schedule (‖G_F‖, F̃ᵀF̃ ratio, ρ_tian every 5 epochs; ΔW/ΔV every epoch),
counts the FLOPs of one training step (analytically, cross-checked with torch's FlopCounterMode), and compares
the achieved GFLOP/s with this machine's measured float32 ``torch.matmul`` rate on large squares.

Usage:  python benchmarks/train_bench.py [--seeds 4] [--epochs 8] [--threads N] [--reps 2] [--out FILE.json]
All ratios in one JSON come from one run (same machine, same load).  CPU only here; ``--device cuda`` works
but was not measured (no GPU in this task).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import torch

from li2verify.train import TrainConfig
from li2verify.train.run import build, train_step

M, K, N = 71, 2048, 2016


def matmul_rate(device: str, size: int = 2048, reps: int = 5) -> float:
    """GFLOP/s of float32 torch.matmul on size×size squares (best of reps)."""
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    torch.matmul(a, b)
    best = float("inf")
    for _ in range(reps):
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        torch.matmul(a, b)
        if device == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return 2 * size ** 3 / best / 1e9


def step_shape_matmul_rate(device: str, reps: int = 5) -> float:
    """GFLOP/s of the three matmuls of one step at their real shapes (n×K·K×M, K×n·n×M, n×M·M×K), float32."""
    F = torch.randn(N, K, device=device)
    V = torch.randn(K, M, device=device)
    R = torch.randn(N, M, device=device)

    def step():
        F @ V
        F.T @ R
        R @ V.T

    step()
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - t)
    return 3 * 2 * N * K * M / best / 1e9


def step_flops(n: int, K: int, M: int, dense: bool) -> dict[str, float]:
    """FLOPs of one full-batch step for one seed (multiply-add = 2 FLOPs).

    forward: gather-add n·K, σ n·K, FV 2nKM, residual/centering/loss ≈ 4nM;
    backward: ∂V = Fᵀ R 2nKM, ∂F = R Vᵀ 2nKM, σ' ⊙ 2nK, scatter-add 2nK;
    Adam: ≈ 12 per parameter (2MK + KM).  Dense mode adds X W (2·n·2M·K) and Xᵀ ∂H (2·n·2M·K)."""
    mm = 3 * 2 * n * K * M
    elem = n * K * 6 + 4 * n * M
    adam = 12 * (3 * M * K)
    dense_mm = 2 * (2 * n * 2 * M * K) if dense else 0
    return {"matmul": mm + dense_mm, "elementwise": elem + adam, "total": mm + dense_mm + elem + adam}


def counted_matmul_flops(cfg: TrainConfig) -> int:
    """torch.utils.flop_counter over one step (counts matmul-like ops only) for the first seed."""
    from torch.utils.flop_counter import FlopCounterMode

    task, params, opt = build(cfg.replace(seeds=cfg.seeds[:1], wd_per_seed=None))
    with FlopCounterMode(display=False) as fc:
        train_step(cfg, task, params, opt, do_step=True)
    return int(fc.get_total_flops())


def time_steps(cfg: TrainConfig, epochs: int, probes: bool) -> float:
    """Seconds per epoch (all seeds of cfg), after one warm-up epoch; probes on the Fig 3 schedule if asked."""
    from li2verify.train import train

    c = cfg.replace(epochs=epochs, eval_every=10 ** 6, probe_every=5 if probes else 10 ** 6,
                    probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos"] if probes else [])
    train(c.replace(epochs=1))  # warm-up (allocator, MKL)
    t = time.perf_counter()
    train(c)
    return (time.perf_counter() - t) / (epochs + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    ap.add_argument("--reps", type=int, default=2, help="interleaved repetitions per measurement (best is kept)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default="benchmarks/train_bench.json")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    threads = torch.get_num_threads()
    base = TrainConfig(group=str(M), hidden=K, n=N, train_frac=None, activation="square", optimizer="adam",
                       lr=1e-3, wd=2e-4, seeds=list(range(a.seeds)), device=a.device, threads=threads)
    res = {"machine": {"platform": platform.platform(), "processor": platform.processor(),
                       "cpu_count": os.cpu_count(), "torch_threads": threads, "torch": torch.__version__,
                       "device": a.device, "loadavg_start": os.getloadavg()},
           "size": {"M": M, "K": K, "n": N, "activation": "square", "optimizer": "adam", "seeds": a.seeds,
                    "timed_epochs": a.epochs}}
    res["matmul_gflops"] = max(matmul_rate(a.device) for _ in range(a.reps))
    res["matmul_gflops_step_shapes"] = max(step_shape_matmul_rate(a.device) for _ in range(a.reps))
    fl = {m: step_flops(N, K, M, m == "dense") for m in ("gather", "dense")}
    res["flops_per_seed_step"] = fl
    res["flopcounter_matmul_per_seed_step"] = {m: counted_matmul_flops(base.replace(input_mode=m))
                                               for m in ("gather", "dense")}
    rows = {}
    for mode in ("gather", "dense"):
        cfg = base.replace(input_mode=mode)
        # interleaved repetitions, best of each (the machine is shared: load changes between measurements)
        t_b, t_1 = float("inf"), float("inf")
        for _ in range(a.reps):
            t_b = min(t_b, time_steps(cfg, a.epochs, probes=False))
            t_1 = min(t_1, time_steps(cfg.replace(seeds=[0]), a.epochs, probes=False))
        rows[mode] = {
            "batched_seed_epochs_per_s": a.seeds / t_b,
            "one_at_a_time_seed_epochs_per_s": 1 / t_1,
            "batched_gflops_useful": fl["gather"]["total"] * a.seeds / t_b / 1e9,
            "batched_gflops_executed": fl[mode]["total"] * a.seeds / t_b / 1e9,
        }
    rows["gather_fig3_probes"] = {"batched_seed_epochs_per_s": a.seeds / min(time_steps(base, a.epochs, probes=True)
                                                                             for _ in range(a.reps))}
    res["throughput"] = rows
    g = rows["gather"]
    res["ratios"] = {
        "batched_over_one_at_a_time(gather)": g["batched_seed_epochs_per_s"] / g["one_at_a_time_seed_epochs_per_s"],
        "gather_over_dense(batched)": g["batched_seed_epochs_per_s"] / rows["dense"]["batched_seed_epochs_per_s"],
        "no_probes_over_fig3_probes(batched gather)": g["batched_seed_epochs_per_s"]
        / rows["gather_fig3_probes"]["batched_seed_epochs_per_s"],
        "matmul_rate_over_achieved(batched gather)": res["matmul_gflops"] / g["batched_gflops_useful"],
        "matmul_rate_over_achieved(one-at-a-time gather)": res["matmul_gflops"]
        / (fl["gather"]["total"] * g["one_at_a_time_seed_epochs_per_s"] / 1e9),
        "step_shape_matmul_rate_over_achieved(one-at-a-time gather)": res["matmul_gflops_step_shapes"]
        / (fl["gather"]["total"] * g["one_at_a_time_seed_epochs_per_s"] / 1e9),
    }
    res["machine"]["loadavg_end"] = os.getloadavg()
    txt = json.dumps(res, indent=2)
    print(txt)
    if a.out:
        with open(a.out + ".tmp", "w") as f:
            f.write(txt)
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
