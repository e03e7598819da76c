"""Training engine vs the paper's reference trainer at Fig 3 size (M = 71, K = 2048, n = 2016, σ = x², centred MSE,
Adam lr 1e-3, η = 2e-4), every number of the JSON measured in ONE run of this script (same machine, same load).

What it measures
  1. the machine's float32 matmul rate (2048² squares) and the rate of the step's three products at their real
     shapes and layouts, and from them the step's matmul floor (3·2nKM FLOPs at the square-matmul rate);
  2. FLOPs per training step (analytic, and torch's FlopCounterMode of one engine step), per diagnostic (the
     engine's fast forms and the reference's straightforward forms) and per test evaluation;
  3. component times of the engine at one thread: one step, each diagnostic on the step's own forward, the test
     evaluation — achieved GFLOP/s, step time / floor, diagnostic time / step time;
  4. engine (protocol "code") vs the faithful baseline (benchmarks/reference_trainer.py: nn.Module, one-hot matmul, autograd, the
     three diagnostics via n×K, K×K and n×n matrices, test evaluation — every epoch), run alternately, same seed,
     at each thread count asked for: per seed-epoch steady-state times (median of epoch-to-epoch intervals after
     the first epoch) and the ratios — with the three diagnostics and the test evaluation every epoch, with the
     diagnostics but no test evaluation, and with neither;
  5. batched (S seeds in one program) vs one seed at a time for S in --batch-seeds (1, 4, 15), the three
     diagnostics and the test evaluation every epoch; the one-at-a-time baseline is the faster of 1 and 2 threads;
  6. with --paper-code DIR: the paper's OWN script (modular_addition_simple2.py of yuandong-tian/understanding,
     fetched by you into DIR, outside this repository; run by benchmarks/paper_code_runner.py as a subprocess) at
     the Fig 3 setting with its statistics (F̃ᵀF̃, FFᵀ, ‖G_F‖) and train/test evaluation every epoch, against the
     engine with the three diagnostics and the test evaluation every epoch in probe_mode "exact" (no sampling)
     and "fast" (sampled, the default) — run alternately (paper, exact, fast, paper, ...), per seed-epoch times
     as medians over the --reps repetitions of each run's median epoch interval, the ratios, and each one's
     FLOPs per epoch (analytic) over its time against the square-matmul rate measured at the same thread count.
     At 2 threads the engine's one seed runs its step on one thread and its side work (test evaluation, a share
     of the diagnostics) on the other, each single-threaded (li2verify.train.engine.SideWork); the paper's script
     uses torch's intra-op threads.  On a shared machine a run gets only its share of the cores (the kernel's
     autogroup scheduling ignores nice across sessions): compare the thread counts only at a known, low load.

Usage:  python benchmarks/train_bench.py [--epochs 10] [--reps 2] [--threads 1,2] [--batch-seeds 1,4,15]
        [--batch-epochs 4] [--device cpu|cuda] [--out benchmarks/results/train_bench.json]
        [--paper-code DIR [--paper-code-only]]
On CUDA TF32 is off (the engine's build() turns it off; the reference's matmuls are then IEEE float32 too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_trainer import train_reference  # noqa: E402

from li2verify.train import TrainConfig, train  # noqa: E402
from li2verify.train import probes as P  # noqa: E402
from li2verify.train.data import make_split, resolve_group  # noqa: E402
from li2verify.train.models import _padded  # noqa: E402
from li2verify.train.run import _test_metrics, build, train_step  # noqa: E402

M, K, N = 71, 2048, 2016
NT = M * M - N
DIAGS = ["gf_norm", "ftf_offdiag", "rho_tian"]


def _sync(device: str) -> None:
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def best_time(f, device: str, reps: int = 5) -> float:
    f()
    _sync(device)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        f()
        _sync(device)
        best = min(best, time.perf_counter() - t)
    return best


def machine(device: str) -> dict:
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
        except OSError:
            return ""

    lscpu = {ln.split(":", 1)[0].strip(): ln.split(":", 1)[1].strip() for ln in sh(["lscpu"]).splitlines() if ":" in ln}
    d = {"cpu_model": lscpu.get("Model name", platform.processor()), "cpus": os.cpu_count(),
         "cores_per_socket": lscpu.get("Core(s) per socket"), "threads_per_core": lscpu.get("Thread(s) per core"),
         "torch": torch.__version__, "blas": "MKL" if torch.backends.mkl.is_available() else "other",
         "platform": platform.platform(), "python": platform.python_version(), "device": device,
         "loadavg_start": os.getloadavg(), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if device.startswith("cuda"):
        d["gpu"] = torch.cuda.get_device_name(0)
    return d


def matmul_kernels(device: str):
    """Closures timing float32 2048² matmul and the step's three products in the engine's layouts, with FLOPs."""
    a = torch.randn(2048, 2048, device=device)
    b = torch.randn(2048, 2048, device=device)
    Mp = _padded(M)
    F = torch.randn(N, K, device=device)
    Vt = torch.randn(Mp, K, device=device)
    RT = torch.randn(Mp, N, device=device)

    def step3():
        Vt @ F.T
        RT @ F
        RT.T @ Vt

    return {"square_2048": (lambda: a @ b, 2 * 2048 ** 3), "step_shapes": (step3, 3 * 2 * N * K * Mp)}


def flops() -> dict:
    """FLOPs per seed (multiply-add = 2)."""
    mm = 3 * 2 * N * K * M
    m_cols, r_rows = 4 * 64, 64
    return {
        "step": {"matmul": mm, "elementwise": 8 * N * K + 6 * N * M + 12 * 3 * M * K, "note":
                 "3 products of 2nKM (FV, FᵀR, RVᵀ); gather-add, square, σ' product, 2 scatter-adds ≈ 8nK; Adam 12/param"},
        "test_eval": 2 * NT * K * M + 3 * NT * K,
        "diagnostics_engine": {
            "gf_norm": 2 * N * M * M + 2 * K * M * M + 4 * N * M,
            "ftf_offdiag": 2 * N * m_cols ** 2 + 3 * N * K,
            "rho_tian": 2 * r_rows * K * N + 5 * N * K},
        "diagnostics_reference": {
            "gf_norm": 2 * N * K * M + 2 * N * M * K + 2 * N * K,
            "ftf_offdiag": 2 * N * K * K + 3 * N * K + 2 * K * K,
            "rho_tian": 2 * N * N * K + 6 * N * N},
    }


def counted_step_flops(device: str) -> int:
    from torch.utils.flop_counter import FlopCounterMode

    cfg = TrainConfig(group=str(M), hidden=K, n=N, train_frac=None, seeds=[0], device=device, protocol="code", probes=[])
    task, params, opt = build(cfg)
    with FlopCounterMode(display=False) as fc:
        train_step(cfg, task, params, opt, do_step=True)
    return int(fc.get_total_flops())


def components(device: str, rounds: int) -> dict:
    """Seconds per seed (best of ``rounds`` interleaved rounds, so the matmul rates and the engine's parts are
    measured under the same load): the square and step-shape matmuls, one engine step, each diagnostic's fast
    form on the step's forward, the test evaluation."""
    cfg = TrainConfig(group=str(M), hidden=K, n=N, train_frac=None, seeds=[0], device=device, protocol="code", probes=DIAGS,
                      probe_every=1)
    task, params, opt = build(cfg)
    held = {}
    train_step(cfg, task, params, opt, on_forward=lambda sl, F, o: held.update(F=F.clone(), out=o.clone()))
    x = P.StepInputs(cfg, held["F"], held["out"], params["V"].detach(), task.train.y, [0], 3)
    kern = matmul_kernels(device)
    fns = {"square_2048": kern["square_2048"][0], "step_shapes": kern["step_shapes"][0],
           "step": lambda: train_step(cfg, task, params, opt),
           **{d: (lambda d=d: P.PROBES[d].fast(P.StepInputs(cfg, x.F, x.out, x.V, x.y, [0], 3))) for d in DIAGS},
           "test_eval": lambda: _test_metrics(cfg, task, params, {}, ws=opt.step_workspace)}
    best = {k: float("inf") for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            best[k] = min(best[k], best_time(f, device, 2))
    rates = {f"{k}_gflops": kern[k][1] / best.pop(k) / 1e9 for k in ("square_2048", "step_shapes")}
    return {"seconds": best, "matmul": rates}


def _steady(stamps: list[float]) -> float:
    """Median interval between consecutive epoch stamps, the first interval (warm-up) dropped."""
    d = [b - a for a, b in zip(stamps, stamps[1:])][1:]
    return statistics.median(d)


def engine_epoch(cfg: TrainConfig, device: str) -> tuple[float, float]:
    """(steady-state seconds per epoch, whole train() seconds) of one engine run."""
    stamps: list[float] = []

    def tick(e, row):
        _sync(device)
        if e < cfg.epochs:  # the last epoch takes no step
            stamps.append(time.perf_counter())

    t = time.perf_counter()
    train(cfg, on_epoch=tick)
    return _steady(stamps), time.perf_counter() - t


def reference_epoch(split, epochs: int, device: str, eval_every: int, diag_every: int) -> tuple[float, float]:
    stamps: list[float] = []

    def tick(e):
        _sync(device)
        stamps.append(time.perf_counter())

    t = time.perf_counter()
    train_reference(M, K, split.train_pairs, split.train_targets, split.test_pairs, split.test_targets, epochs,
                    seed=0, device=device, eval_every=eval_every, diagnostics_every=diag_every, on_epoch=tick)
    return _steady(stamps), time.perf_counter() - t


def engine_vs_reference(device: str, epochs: int, reps: int, threads: int) -> dict:
    torch.set_num_threads(threads)
    split = make_split(resolve_group(str(M)), N, 0)
    base = TrainConfig(group=str(M), hidden=K, n=N, train_frac=None, seeds=[0], device=device, protocol="code", epochs=epochs,
                       threads=threads, probe_every=1, probes=DIAGS, eval_every=1)
    settings = {
        "diagnostics+test_eval": (base, dict(eval_every=1, diag_every=1)),
        "diagnostics_only": (base.replace(eval_every=10 ** 6), dict(eval_every=10 ** 6, diag_every=1)),
        "neither": (base.replace(eval_every=10 ** 6, probes=[]), dict(eval_every=10 ** 6, diag_every=10 ** 6)),
        "diagnostics+test_eval,exact_probes": (base.replace(probe_mode="exact"), None),
    }
    res: dict = {}
    for r in range(reps):  # alternating: engine, reference, engine, reference, ...
        for name, (cfg, ref) in settings.items():
            if ref is None and r > 0:  # the exact-probe engine row (no reference twin) once
                continue
            e_ep, e_wall = engine_epoch(cfg if ref is not None else cfg.replace(epochs=min(epochs, 4)), device)
            row = res.setdefault(name, {"engine_s": [], "engine_wall_s": [], "reference_s": [],
                                        "reference_wall_s": []})
            row["engine_s"].append(e_ep)
            row["engine_wall_s"].append(e_wall)
            if ref is not None:
                r_ep, r_wall = reference_epoch(split, epochs, device, ref["eval_every"], ref["diag_every"])
                row["reference_s"].append(r_ep)
                row["reference_wall_s"].append(r_wall)
    for name, row in res.items():
        row["engine_seed_epoch_ms"] = 1e3 * min(row["engine_s"])
        if row["reference_s"]:
            row["reference_seed_epoch_ms"] = 1e3 * min(row["reference_s"])
            row["speedup_per_seed_epoch"] = min(row["reference_s"]) / min(row["engine_s"])
            row["speedup_whole_process"] = min(row["reference_wall_s"]) / min(row["engine_wall_s"])
    ref_full = min(res["diagnostics+test_eval"]["reference_s"])
    for name in ("diagnostics_only", "neither", "diagnostics+test_eval,exact_probes"):
        res[name]["speedup_vs_reference_with_diagnostics_and_test_eval"] = ref_full / min(res[name]["engine_s"])
    return res


def batched_vs_sequential(device: str, seeds_list: list[int], epochs: int, reps: int) -> dict:
    base = TrainConfig(group=str(M), hidden=K, n=N, train_frac=None, device=device, epochs=epochs, probe_every=1,
                       probes=DIAGS, eval_every=1)
    # the one-at-a-time baseline: the faster thread count for one seed
    one = {t: min(engine_epoch(base.replace(seeds=[0], threads=t), device)[0] for _ in range(reps)) for t in (1, 2)}
    t_one = min(one, key=one.get)
    out = {"one_seed_s_per_epoch_by_threads": one, "sequential_threads": t_one}
    for S in seeds_list:
        seeds = list(range(S))
        tb, ts = float("inf"), float("inf")
        for _ in range(reps):
            # batched: two threads as one single-threaded worker per core over the seed chunks (one seed: the
            # sequential run's thread count, there is nothing to batch)
            tb = min(tb, engine_epoch(base.replace(seeds=seeds, threads=2 if S > 1 else t_one), device)[0])
            ts = min(ts, sum(engine_epoch(base.replace(seeds=[s], threads=t_one), device)[0] for s in seeds))
        out[str(S)] = {"batched_seed_epochs_per_s": S / tb, "sequential_seed_epochs_per_s": S / ts,
                       "batched_over_sequential": ts / tb}
    return out


def paper_code_flops() -> dict:
    """FLOPs per seed-epoch (multiply-add = 2) of the paper's script and of the engine's two probe modes, with the
    three diagnostics and the test evaluation every epoch (matrix products only; elementwise passes are O(nK),
    O(n²) and O(K²))."""
    X2 = 2 * M  # the script's dense one-hot input (n × 2M) times W (2M × K)
    paper = {"train_eval_forward": 2 * N * X2 * K + 2 * N * K * M, "test_eval_forward": 2 * NT * X2 * K + 2 * NT * K * M,
             "step_forward": 2 * N * X2 * K + 2 * N * K * M, "step_backward": 2 * N * K * M * 2 + 2 * N * X2 * K,
             "stats_FtF_KxK": 2 * N * K * K, "stats_FFt_nxn": 2 * N * N * K, "stats_grad_norm": 2 * 2 * N * K * M}
    strips = sum(min(256, K - i) * (K - i) for i in range(0, K, 256))  # li2verify.train.grams: upper block strips
    eng_common = {"step": 3 * 2 * N * K * M, "test_eval": 2 * NT * K * M}
    exact = {**eng_common, "gram_strips": 2 * N * strips, "gf_norm": 2 * N * M * M + 2 * K * M * M}
    fast = {**eng_common, **flops()["diagnostics_engine"]}
    return {k: {"parts": v, "total": sum(v.values())} for k, v in
            (("paper_code", paper), ("engine_exact", exact), ("engine_fast", fast))}


def paper_code_comparison(paper_dir: str, device: str, epochs: int, reps: int, threads: list[int]) -> dict:
    """Section 6 of the module docstring: the paper's own script vs the engine (exact and fast probe modes)."""
    runner = Path(__file__).resolve().parent / "paper_code_runner.py"
    fl = paper_code_flops()
    out: dict = {"paper_dir": str(Path(paper_dir).resolve()), "flops_per_seed_epoch": fl, "by_threads": {}}
    for t in threads:
        torch.set_num_threads(t)
        a = torch.randn(2048, 2048, device=device)
        b = torch.randn(2048, 2048, device=device)
        base = TrainConfig(group=str(M), hidden=K, n=N, train_frac=None, seeds=[0], device=device, protocol="code",
                           epochs=epochs, threads=t, probe_every=1, probes=DIAGS, eval_every=1)
        runs: dict[str, list[float]] = {"paper_code": [], "engine_exact": [], "engine_fast": []}
        rate = []
        paper_info = None
        for _ in range(reps):  # alternating, so a change of load hits every contender
            rate.append(2 * 2048 ** 3 / best_time(lambda: a @ b, device, 3) / 1e9)
            cp = subprocess.run([sys.executable, str(runner), paper_dir, "--epochs", str(epochs), "--threads", str(t),
                                 "--device", device], capture_output=True, text=True, check=True)
            paper_info = json.loads(cp.stdout.strip().splitlines()[-1])
            runs["paper_code"].append(paper_info["paper_seed_epoch_ms"] / 1e3)
            runs["engine_exact"].append(engine_epoch(base.replace(probe_mode="exact"), device)[0])
            runs["engine_fast"].append(engine_epoch(base.replace(probe_mode="fast"), device)[0])
        sq = statistics.median(rate)
        row: dict = {"square_2048_gflops": sq, "square_2048_gflops_runs": rate,
                     "paper_stats_keys": paper_info["stats_keys_per_epoch"]}
        for k, v in runs.items():
            med = statistics.median(v)
            row[k] = {"seed_epoch_ms": 1e3 * med, "runs_ms": [1e3 * x for x in v],
                      "gflops": fl[k]["total"] / med / 1e9, "fraction_of_square_matmul_rate":
                      fl[k]["total"] / med / 1e9 / sq, "matmul_floor_ms": 1e3 * fl[k]["total"] / (sq * 1e9)}
        row["speedup_exact_vs_paper"] = row["paper_code"]["seed_epoch_ms"] / row["engine_exact"]["seed_epoch_ms"]
        row["speedup_fast_vs_paper"] = row["paper_code"]["seed_epoch_ms"] / row["engine_fast"]["seed_epoch_ms"]
        out["by_threads"][f"threads={t}"] = row
    return out


def paper_code_table(pc: dict) -> str:
    """The comparison as a plain-text table."""
    lines = [f"{'threads':>7}  {'contender':<13} {'ms/seed-epoch':>13} {'GFLOP/epoch':>11} {'GFLOP/s':>8} "
             f"{'% of sgemm':>10} {'floor ms':>8} {'paper/this':>10}"]
    for t, row in pc["by_threads"].items():
        for k in ("paper_code", "engine_exact", "engine_fast"):
            r = row[k]
            lines.append(f"{t.split('=')[1]:>7}  {k:<13} {r['seed_epoch_ms']:13.1f} "
                         f"{pc['flops_per_seed_epoch'][k]['total'] / 1e9:11.2f} {r['gflops']:8.1f} "
                         f"{100 * r['fraction_of_square_matmul_rate']:9.0f}% {r['matmul_floor_ms']:8.1f} "
                         f"{row['paper_code']['seed_epoch_ms'] / r['seed_epoch_ms']:10.2f}")
        lines.append(f"{'':>7}  (square 2048² sgemm: {row['square_2048_gflops']:.0f} GFLOP/s at this thread count)")
    return "\n".join(lines)


def summarize(res: dict) -> dict:
    """The headline ratios, all derived from the measurements of this run."""
    evr = res["engine_vs_reference"]
    best = min(evr.values(), key=lambda r: r["diagnostics+test_eval"]["engine_seed_epoch_ms"])
    ref_best_ms = min(r["diagnostics+test_eval"]["reference_seed_epoch_ms"] for r in evr.values())
    out = {
        "speedup_one_seed_with_diagnostics_and_test_eval_every_epoch": max(
            r["diagnostics+test_eval"]["speedup_per_seed_epoch"] for r in evr.values()),
        "speedup_one_seed_with_diagnostics_no_test_eval": max(
            r["diagnostics_only"]["speedup_vs_reference_with_diagnostics_and_test_eval"] for r in evr.values()),
        "engine_one_seed_epoch_ms_best": best["diagnostics+test_eval"]["engine_seed_epoch_ms"],
        "reference_seed_epoch_ms_best": ref_best_ms,
        "step_over_floor": res["step"]["step_over_floor"],
        "max_diagnostic_over_step": max(res["step"]["diagnostic_over_step"].values()),
    }
    bvs = res.get("batched_vs_sequential")
    if bvs:
        out["batched_over_sequential"] = {k: v["batched_over_sequential"] for k, v in bvs.items() if k.isdigit()}
        top = max((v["batched_seed_epochs_per_s"], k) for k, v in bvs.items() if k.isdigit())
        out["engine_batched_seed_epoch_ms_best"] = 1e3 / top[0]
        out["speedup_batched_per_seed_epoch_with_diagnostics_and_test_eval"] = ref_best_ms / (1e3 / top[0])
        out["speedup_batched_seeds"] = int(top[1])
    fl = res["flops_per_seed"]
    eng = fl["step"]["matmul"] + fl["test_eval"] + sum(fl["diagnostics_engine"].values())
    ref = fl["step"]["matmul"] + 2 * (2 * N * 2 * M * K) + fl["test_eval"] + 2 * NT * 2 * M * K \
        + sum(fl["diagnostics_reference"].values())
    out["flops_per_seed_epoch"] = {"engine": eng, "reference": ref, "ratio_reference_over_engine": ref / eng,
                                   "note": "reference adds the dense one-hot products X W (forward, train and "
                                           "test) and Xᵀ∂H (backward) to the same three step products"}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=10, help="epochs per timed run (engine and reference)")
    ap.add_argument("--reps", type=int, default=2, help="alternating repetitions (the best of each is kept)")
    ap.add_argument("--threads", default="1,2", help="torch thread counts for engine vs reference")
    ap.add_argument("--batch-seeds", default="1,4,15")
    ap.add_argument("--batch-epochs", type=int, default=4)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--skip-batched", action="store_true")
    ap.add_argument("--out", default="benchmarks/results/train_bench.json")
    ap.add_argument("--summarize", metavar="JSON", help="recompute the summary of an existing result file and exit")
    ap.add_argument("--paper-code", metavar="DIR", help="directory holding the paper's modular_addition_simple2.py "
                    "(and config/): adds section 6, the paper's own script vs the engine's exact and fast modes")
    ap.add_argument("--paper-code-only", action="store_true", help="with --paper-code: run only section 6")
    a = ap.parse_args()
    if a.summarize:
        res = json.loads(Path(a.summarize).read_text())
        res["summary"] = summarize(res)
        Path(a.summarize).write_text(json.dumps(res, indent=2, default=float))
        print(json.dumps(res["summary"], indent=2))
        return
    if a.device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    t0 = time.time()
    if a.paper_code_only:
        if not a.paper_code:
            ap.error("--paper-code-only needs --paper-code DIR")
        res = {"machine": machine(a.device), "paper_code": paper_code_comparison(
            a.paper_code, a.device, a.epochs, a.reps, [int(x) for x in a.threads.split(",")])}
        res["machine"]["loadavg_end"] = os.getloadavg()
        res["seconds"] = time.time() - t0
        _write(res, a.out)
        print(paper_code_table(res["paper_code"]))
        return
    res = {"machine": machine(a.device),
           "size": {"M": M, "K": K, "n": N, "n_test": NT, "activation": "square", "loss": "centred mse",
                    "optimizer": "adam lr 1e-3, L2 weight decay 2e-4", "epochs_per_timed_run": a.epochs,
                    "probe_samples": TrainConfig().probe_samples}}
    torch.set_num_threads(1)
    fl = flops()
    fl["step_flopcounter_matmul"] = counted_step_flops(a.device)
    res["flops_per_seed"] = fl
    c = components(a.device, 4)
    comp, res["matmul"] = c["seconds"], c["matmul"]
    floor = fl["step"]["matmul"] / (res["matmul"]["square_2048_gflops"] * 1e9)
    res["components_1thread_s"] = comp
    res["step"] = {"floor_s_at_square_rate": floor,
                   "floor_s_at_step_shape_rate": fl["step"]["matmul"] / (res["matmul"]["step_shapes_gflops"] * 1e9),
                   "step_over_floor": comp["step"] / floor,
                   "achieved_gflops": (fl["step"]["matmul"] + fl["step"]["elementwise"]) / comp["step"] / 1e9,
                   "diagnostic_over_step": {d: comp[d] / comp["step"] for d in DIAGS},
                   "test_eval_over_step": comp["test_eval"] / comp["step"]}
    res["engine_vs_reference"] = {}
    for t in [int(x) for x in a.threads.split(",")]:
        res["engine_vs_reference"][f"threads={t}"] = engine_vs_reference(a.device, a.epochs, a.reps, t)
        print(json.dumps(res["engine_vs_reference"][f"threads={t}"]["diagnostics+test_eval"]), flush=True)
    if not a.skip_batched:
        res["batched_vs_sequential"] = batched_vs_sequential(a.device, [int(x) for x in a.batch_seeds.split(",")],
                                                             a.batch_epochs, a.reps)
    if a.paper_code:
        res["paper_code"] = paper_code_comparison(a.paper_code, a.device, a.epochs, a.reps,
                                                  [int(x) for x in a.threads.split(",")])
    res["summary"] = summarize(res)
    res["machine"]["loadavg_end"] = os.getloadavg()
    res["seconds"] = time.time() - t0
    _write(res, a.out)
    if a.paper_code:
        print(paper_code_table(res["paper_code"]))


def _write(res: dict, out: str | None) -> None:
    txt = json.dumps(res, indent=2, default=float)
    print(txt)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out + ".tmp", "w") as f:
            f.write(txt)
        os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
