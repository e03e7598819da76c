"""Run the paper's OWN training script at the Fig 3 setting and time its epochs (a subprocess of train_bench.py).

The script (``ssl/real-dataset/cogo/modular_addition_simple2.py`` of github.com/yuandong-tian/understanding, with its
``config/dyn_madd.yaml``) is NOT part of this project: fetch it into a directory outside the repository and pass
that directory.  It is imported as it is; only what it imports but does not use here is stubbed (hydra's decorator,
sklearn's splitter — the split is handed over through the script's own ``load_dataset_split`` option —, its
post-processing, seeding and Muon helpers), and ``.cuda()`` is the identity when the run is on the CPU.

Setting (Fig 3): M = 71 (Z_71), K = 2048, n = 2016 (the engine's seed-0 split, same indices), σ = x², the code's
centred MSE, Adam lr 1e-3, weight decay 2e-4, V trained (``set_weight_reg`` null), statistics every epoch (the
script always passes its stats tracker: F̃ᵀF̃ (K×K), FFᵀ (n×n) with ``fit_diag_11`` and its centred form, and
‖(Y − FV)V‖), and its train + test evaluation every epoch.

Timing: a logging handler stamps each epoch's "Train Accuracy" line (the same point of every epoch); the result is
the median of the epoch-to-epoch intervals after the first.  Prints one JSON line.

Usage: python benchmarks/paper_code_runner.py DIR --epochs 8 --threads 1 [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

import torch

M, K, N = 71, 2048, 2016


def _stub_modules() -> None:
    import importlib.machinery

    def module(name: str, **attrs) -> None:
        m = types.ModuleType(name)
        m.__spec__ = importlib.machinery.ModuleSpec(name, None)  # some importers (torch's) look stubs up by spec
        m.__dict__.update(attrs)
        sys.modules[name] = m

    def unused(*a, **k):
        raise RuntimeError("not used at the benchmark's setting")

    def set_all_seeds(seed):
        torch.manual_seed(seed)

    module("hydra", main=lambda **kw: (lambda f: f))
    module("sklearn")
    module("sklearn.model_selection", train_test_split=unused)
    module("modular_addition_load", process_one=unused)
    module("common_utils", print_info=lambda args: repr(vars(args)), set_all_seeds=set_all_seeds)
    module("muon_opt", MuonEnhanced=unused)


def _cpu_cuda() -> None:
    """``.cuda()`` as the identity (the script calls it unconditionally)."""
    torch.Tensor.cuda = lambda self, *a, **k: self
    torch.nn.Module.cuda = lambda self, *a, **k: self


class _Stamps(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.t: list[float] = []

    def emit(self, record):
        if record.getMessage().startswith("Train Accuracy"):
            self.t.append(time.perf_counter())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paper_dir")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    src = Path(a.paper_dir).resolve()
    sys.path.insert(0, str(src))
    _stub_modules()
    if a.device == "cpu":
        _cpu_cuda()
    else:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    mod = importlib.import_module("modular_addition_simple2")
    from li2verify.train.data import make_split, resolve_group

    split = make_split(resolve_group(str(M)), N, 0)
    # the script's dataset order: itertools.product over (a, b), so pair (a, b) is row a·M + b
    tr = [int(p[0]) * M + int(p[1]) for p in split.train_pairs]
    te = [int(p[0]) * M + int(p[1]) for p in split.test_pairs]
    stamps = _Stamps()
    mod.log.addHandler(stamps)
    with tempfile.TemporaryDirectory() as d:
        torch.save({"train_indices": torch.tensor(tr), "test_indices": torch.tensor(te)}, Path(d) / "split.pt")
        args = types.SimpleNamespace(
            seed=0, M=str(M), hidden_size=K, learning_rate=1e-3, optim="adam", activation="sqr",
            num_epochs=a.epochs, test_size=None, weight_decay=2e-4, use_bn=False, loss_func="mse",
            save_interval=None, init_save_range=0, eval_interval=10 ** 9, normalize=False, set_weight_reg=None,
            num_of_ops=2, scale_down_top=False, load_dataset_split=str(Path(d) / "split.pt"),
            load_initial_layerab=None, post_process=False, use_critical_ratio=False, critical_ratio_delta=0,
            critical_ratio_multiplier=2.7482, other_layers=0, group_type="modular_addition", expression=None,
            embed_trainable=False, group_collection_max_dk=0, use_inner_product_act=False,
            use_complex_weights=False)
        cwd = os.getcwd()
        os.chdir(d)
        t0 = time.perf_counter()
        try:
            mod.main(args)
        finally:
            os.chdir(cwd)
        wall = time.perf_counter() - t0
        stats = torch.load(Path(d) / "stats_tracker.pt", weights_only=False)
    iv = [b - c for c, b in zip(stamps.t, stamps.t[1:])][1:]
    last = stats[max(stats)]
    print(json.dumps({"paper_seed_epoch_ms": 1e3 * statistics.median(iv), "intervals_ms": [1e3 * x for x in iv],
                      "wall_s": wall, "epochs": a.epochs, "threads": a.threads, "device": a.device,
                      "n_train": len(tr), "stats_keys_per_epoch": sorted(last),
                      "stats_last_epoch": {k: float(v) for k, v in last.items() if isinstance(v, (int, float))}}))


if __name__ == "__main__":
    main()
