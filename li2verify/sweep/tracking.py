"""TensorBoard event files for sweeps and training runs (``--tensorboard DIR`` of ``li2verify sweep`` and
``li2verify train``), written with torch's own :class:`torch.utils.tensorboard.SummaryWriter`.

- A training run: one TensorBoard run per seed (``DIR/seed<s>``) with every metric the engine logs per epoch —
  train/test loss and accuracy and every probe (``gf_norm``, ``rho_tian``, ...) — at its epoch; NaN entries
  (a metric not computed at that epoch) are skipped.
- A sweep: one TensorBoard run per cell (``DIR/<spec name>/<group>_p<p>_lr<lr>_wd<η>_K<K>_E<epochs>_s<seed>``) with the
  test accuracy at the evaluation epochs, train accuracy and train loss per epoch, and the cell's hparams
  (group, M, p, n, seed, lr, η, K, epochs, ...) with its outcome (best/final test accuracy, final train
  accuracy, success) in TensorBoard's HPARAMS tab.

TensorBoard is optional: ``pip install 'li2verify[tensorboard]'``; without it the option is a one-line error.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np


class TrackingError(RuntimeError):
    """TensorBoard logging cannot start (not installed, directory not writable)."""


def summary_writer(logdir: str | Path):
    """A :class:`torch.utils.tensorboard.SummaryWriter` on ``logdir``; :class:`TrackingError` when the
    tensorboard package is missing."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise TrackingError("--tensorboard needs the tensorboard package: pip install 'li2verify[tensorboard]'") \
            from None
    Path(logdir).mkdir(parents=True, exist_ok=True)
    return SummaryWriter(log_dir=str(logdir))


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", str(s))[:60]


class TrainTensorBoard:
    """An ``on_epoch(e, row)`` callback for :func:`li2verify.train.run.train`: every finite metric of every seed
    at its epoch, one TensorBoard run per seed."""

    def __init__(self, logdir: str | Path, seeds: list[int]):
        self.logdir = Path(logdir)
        self.seeds = list(seeds)
        self.writers = [summary_writer(self.logdir / f"seed{s}") for s in self.seeds]

    def __call__(self, e: int, row: dict) -> None:
        for name, v in row.items():
            a = np.asarray(v)
            if a.dtype.kind not in "fiu" or a.shape != (len(self.seeds),):
                continue
            for w, x in zip(self.writers, a.tolist()):
                if math.isfinite(x):
                    w.add_scalar(name, x, e)

    def close(self) -> None:
        for w in self.writers:
            w.close()


class SweepTensorBoard:
    """One TensorBoard run per finished cell of a sweep (curves and hparams); see the module text."""

    HPARAMS = ("group", "family", "M", "max_dk", "p", "n", "seed", "lr", "wd", "K", "epochs", "activation",
               "optimizer", "threshold", "status")

    def __init__(self, logdir: str | Path, spec):
        self.root = Path(logdir) / _safe(spec.name)
        self.root.mkdir(parents=True, exist_ok=True)
        self._check()

    @staticmethod
    def _check() -> None:
        try:
            import tensorboard  # noqa: F401
        except ImportError:
            raise TrackingError("--tensorboard needs the tensorboard package: pip install 'li2verify[tensorboard]'") \
                from None

    def run_name(self, r: dict) -> str:
        return _safe(f"{r['group']}_p{r['p']:.4g}_lr{r['lr']:g}_wd{r['wd']:g}_K{r['K']}_E{r['epochs']}_s{r['seed']}")

    def cells(self, rows: list[dict], histories: list[dict | None]) -> None:
        for r, h in zip(rows, histories):
            w = summary_writer(self.root / self.run_name(r))
            try:
                if h is not None:
                    for e, v in zip(np.asarray(h["eval_epochs"]).tolist(), np.asarray(h["test_acc"]).tolist()):
                        if math.isfinite(v):
                            w.add_scalar("test_acc", v, e)
                    for name in ("train_acc", "train_loss"):
                        for e, v in enumerate(np.asarray(h.get(name, [])).tolist()):
                            if math.isfinite(v):
                                w.add_scalar(name, v, e)
                hp = {k: r[k] for k in self.HPARAMS if r.get(k) is not None}
                metrics = {f"hparam/{k}": float(r[k]) for k in ("best_test_acc", "final_test_acc", "train_acc")
                           if r.get(k) is not None and math.isfinite(r[k])}
                metrics["hparam/success"] = float(r["best_test_acc"] >= r["threshold"]) \
                    if math.isfinite(r["best_test_acc"]) else 0.0
                w.add_hparams(hp, metrics, run_name=".")
            finally:
                w.close()

    def close(self) -> None:
        pass
