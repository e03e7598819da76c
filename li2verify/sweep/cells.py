"""Many sweep cells in one tensor program: the training engine's batched network, one cell per seed slot.

Cells that share (group, K, dtype, activation, loss, optimizer, epochs, lr) — :attr:`Cell.program_key` — train
together.  Each cell keeps its own split (``make_split(group, n, seed)``, as ``li2verify train`` draws it), its
own initial weights (``init_params`` of the cell's one-seed config, including ``$LI2_INIT_PERTURBATION``), its
own weight decay η (the optimizer's per-seed η, ``wd_per_seed``) and its own optimizer state.  The parameters
of all cells are stacked along the engine's leading seed axis S: one optimizer step updates every cell.

The epochs run on the one training step loop (:func:`li2verify.train.engine.run_epochs`): :class:`_Program` is
the engine's program, and the test evaluation every ``eval_every`` epochs, ``stop_on_success`` (a before-hook
that makes the epoch the last), the divergence bookkeeping and ``on_epoch`` are its hooks.

Different training set sizes n.  The gradient of each step is computed per *size class* (cells of equal n,
contiguous in the stack) with ``li2verify train``'s own per-chunk step (:func:`li2verify.train.run.fused_step`:
:func:`li2verify.train.models.manual_grads`, fused x² backward, one batched optimizer update; autograd
otherwise) on index tensors of that n.  Padding every cell to the largest n with a mask
would spend the largest cell's flops on every cell and change the order of the sums, so a cell would no
longer reproduce ``li2verify train`` bitwise; a size class costs one extra kernel launch per distinct n.

Seeds: cell seed s gives exactly the split and the init of ``li2verify train --seeds s`` at the cell's
configuration (:meth:`li2verify.sweep.spec.Cell.train_config`).  On CPU, with the fused step (σ = x², ReLU or
linear, MSE — the paper's setting) and Adam, AdamW or SGD, a cell trained among others equals the cell trained
alone, and ``li2verify train``, bitwise; with Muon (batched orthogonalization) or the autograd step (tanh, CE:
vectorized transcendental kernels round a tensor's tail differently) they agree to float32 rounding
(tests/sweep/test_cells.py).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import torch

from li2verify.sweep.spec import Cell, plan_programs
from li2verify.sweep.table import row_for
from li2verify.train.config import apply_env_perturbation, step_threads
from li2verify.train.data import make_split, resolve_group
from li2verify.train.engine import LAST, run_epochs
from li2verify.train.models import (Batch, accuracy, fast_path_ok, hidden, init_params, loss_per_seed, one_hot, output)
from li2verify.train.optim import BatchedOptimizer
from li2verify.train.probes import node_energy
from li2verify.train.run import CPU_CHUNK_ELEMS, check_device, fused_step, ieee_float32
from li2verify.train.threads import torch_threads

log = logging.getLogger(__name__)


def _batch(pairs: list[np.ndarray], targets: list[np.ndarray], device) -> Batch:
    t = lambda x: torch.as_tensor(np.stack(x), dtype=torch.int64, device=device)  # noqa: E731
    return Batch(t([p[:, 0] for p in pairs]), t([p[:, 1] for p in pairs]), t(targets))


GPU_CHUNK_ELEMS = 1 << 28  # cells per gradient call on a GPU: S_chunk·n·K ≤ 268M floats (1 GB per float32 tensor)


def _chunks(sl: slice, n: int, K: int, device) -> list[slice]:
    """Cell slices of a size class whose S·n·K working set fits the engine's CPU chunk (cache-sized) or, on a
    GPU, :data:`GPU_CHUNK_ELEMS` (a program of many large cells must not hold S·n·K for all of them at once)."""
    S = sl.stop - sl.start
    cap = CPU_CHUNK_ELEMS if torch.device(device).type == "cpu" else GPU_CHUNK_ELEMS
    per = max(1, cap // max(1, n * K))
    return [slice(sl.start + i, sl.start + min(S, i + per)) for i in range(0, S, per)]


class _Program:
    """The stacked state of one program: params (S, ...), one optimizer, and per size class the train/test
    index tensors."""

    def __init__(self, cells: list[Cell], device: str, perturb: float | None, init: dict | None = None):
        c0 = cells[0]
        self.cells = cells
        self.group = resolve_group(c0.group)
        self.M = M = self.group.order
        self.device = torch.device(device)
        ieee_float32(self.device)  # as the engine's build()
        cfgs = []
        for c in cells:
            cfg = c.train_config(device=device)
            cfg = cfg.replace(init_perturbation=perturb) if perturb is not None else apply_env_perturbation(cfg)
            cfgs.append(cfg)
        self.cfg = cfgs[0].replace(seeds=list(range(len(cells))), wd_per_seed=[c.wd for c in cells],
                                   init_perturbation=0.0)
        per = [init_params(cfg, M, "cpu") for cfg in cfgs]  # each cell's own generator: bitwise = alone
        for i, c in enumerate(cells):
            if init is not None and c.cell_id in init:  # start from given weights (e.g. a grokked network)
                given = init[c.cell_id]
                for k in per[i]:
                    t = torch.as_tensor(given[k]).to(per[i][k].dtype)
                    if tuple(t.shape) != tuple(per[i][k].shape[1:]):
                        raise ValueError(f"init for cell {c.cell_id}: {k} has shape {tuple(t.shape)}, "
                                         f"expected {tuple(per[i][k].shape[1:])}")
                    per[i][k] = t.unsqueeze(0).clone()
        self.params = {k: torch.cat([p[k] for p in per]).to(self.device).contiguous() for k in per[0]}
        for p in self.params.values():
            p.requires_grad_(True)
        self.opt = BatchedOptimizer(self.cfg, self.params, M)
        # the autograd step's gradients (every entry rewritten each step); the fused step keeps its own with the
        # optimizer (:func:`li2verify.train.run.fused_step`)
        self.grads = None if fast_path_ok(self.cfg) else {k: torch.empty_like(v) for k, v in self.params.items()}
        self.ns = [c.n_train for c in cells]
        self.classes: list[tuple[slice, int, Batch, Batch]] = []
        i = 0
        while i < len(cells):
            j = i
            while j < len(cells) and self.ns[j] == self.ns[i]:
                j += 1
            splits = [make_split(self.group, self.ns[i], c.seed) for c in cells[i:j]]
            tr = _batch([s.train_pairs for s in splits], [s.train_targets for s in splits], self.device)
            te = _batch([s.test_pairs for s in splits], [s.test_targets for s in splits], self.device)
            self.classes.append((slice(i, j), self.ns[i], tr, te))
            i = j

    def step(self, epoch: int, update: bool) -> tuple[np.ndarray, np.ndarray]:
        """One full-batch step of every cell (the engine's :class:`~li2verify.train.engine.Program`): the pre-step
        train loss and accuracy per cell, and with ``update`` the gradient and one optimizer update.

        The fused update is :func:`li2verify.train.run.fused_step`, the per-chunk step of ``li2verify train``,
        with one chunk per cache-sized slice of a size class (each with the batch of its n)."""
        cfg, M, params = self.cfg, self.M, self.params
        S = len(self.cells)
        loss_all = np.empty(S)
        acc_all = np.empty(S)
        if update and fast_path_ok(cfg):
            chunks = [(ch, Batch(tr.a[b], tr.b[b], tr.y[b]))
                      for sl, n, tr, _ in self.classes for ch in _chunks(sl, n, cfg.hidden, self.device)
                      for b in [slice(ch.start - sl.start, ch.stop - sl.start)]]

            def record(i: int, ch: slice, F: torch.Tensor, out: torch.Tensor, loss: torch.Tensor) -> None:
                loss_all[ch] = loss.double().cpu().numpy()
                acc_all[ch] = accuracy(out, chunks[i][1].y).cpu().numpy()

            fused_step(params, chunks, cfg, M, self.opt, record)
            return loss_all, acc_all
        names = list(params)
        grads = self.grads if update else None
        for cls, n, trc, _ in self.classes:
            for sl in _chunks(cls, n, cfg.hidden, self.device):
                b = slice(sl.start - cls.start, sl.stop - cls.start)
                self._autograd_chunk(sl, Batch(trc.a[b], trc.b[b], trc.y[b]), names, grads, loss_all, acc_all)
        if update:
            self.opt.step(params, grads)
        return loss_all, acc_all

    def _autograd_chunk(self, sl: slice, tr: Batch, names: list[str], grads: dict | None, loss_all: np.ndarray,
                        acc_all: np.ndarray) -> None:
        """The pre-step loss and accuracy of the cells ``sl`` and, with ``grads``, their gradient written into
        ``grads[k][sl]``: one autograd graph per chunk of a size class, on leaf copies, so the chunk's gradient is
        computed exactly as a run of those cells alone would compute it (one step's work, not a loop of steps)."""
        cfg, M, update = self.cfg, self.M, grads is not None
        p = {k: v.detach()[sl].clone().requires_grad_(update) for k, v in self.params.items()}
        with torch.set_grad_enabled(update):
            F = hidden(p, tr, cfg, M)
            out, _ = output(p, F, cfg, tr.y, M)
            loss = loss_per_seed(out, tr.y, cfg)
        loss_all[sl] = loss.detach().double().cpu().numpy()
        acc_all[sl] = accuracy(out.detach(), tr.y).cpu().numpy()
        if update:
            g = torch.autograd.grad(loss.sum(), [p[k] for k in names])
            for k, gk in zip(names, g):
                grads[k][sl] = gk

    @torch.no_grad()
    def test_acc(self) -> np.ndarray:
        cfg, M = self.cfg, self.M
        pe = {k: v.detach() for k, v in self.params.items()}
        acc = np.empty(len(self.cells))
        for sl, n, _, te in self.classes:
            nt = te.a.shape[1]
            for ch in _chunks(sl, nt, cfg.hidden, self.device):
                b = slice(ch.start - sl.start, ch.stop - sl.start)
                bt = Batch(te.a[b], te.b[b], te.y[b])
                p = {k: v[ch] for k, v in pe.items()}
                o, _ = output(p, hidden(p, bt, cfg, M), cfg)
                acc[ch] = accuracy(o, bt.y).cpu().numpy()
        return acc

    @torch.no_grad()
    def energies(self) -> tuple[np.ndarray, np.ndarray]:
        """Per cell: the mean over hidden nodes of E(w_j) = ½‖Ỹᵀσ(Xw_j)‖² on the cell's training set (Eqn 7; the
        engine's ``energy`` probe, float64), and the same for the unit-norm nodes w_j/‖w_j‖ (E(w/‖w‖) is E's
        value on the sphere, comparable across runs whose weight norms differ)."""
        cfg, M = self.cfg, self.M
        p64 = {k: v.detach().double() for k, v in self.params.items()}
        e_raw = np.empty(len(self.cells))
        e_unit = np.empty(len(self.cells))
        for cls, n, trc, _ in self.classes:
            for sl in _chunks(cls, n, cfg.hidden, self.device):
                b = slice(sl.start - cls.start, sl.stop - cls.start)
                tr = Batch(trc.a[b], trc.b[b], trc.y[b])
                p = {k: v[sl] for k, v in p64.items()}
                F = hidden(p, tr, cfg, M)
                E = node_energy(F, one_hot(tr.y, M, torch.float64))  # (S, K)
                e_raw[sl] = E.mean(1).cpu().numpy()
                if cfg.activation == "square":  # E is homogeneous of degree 4 in w for σ = x²
                    norm4 = p["W"].pow(2).sum(1).pow(2).clamp_min(1e-300)
                    e_unit[sl] = (E / norm4).mean(1).cpu().numpy()
                else:
                    Wn = p["W"] / p["W"].norm(dim=1, keepdim=True).clamp_min(1e-300)
                    Fn = hidden({**p, "W": Wn}, tr, cfg, M)
                    e_unit[sl] = node_energy(Fn, one_hot(tr.y, M, torch.float64)).mean(1).cpu().numpy()
        return e_raw, e_unit


def cell_status(diverged: bool, best_test_acc: float, train_acc: float, threshold: float,
                fit_threshold: float | None) -> str:
    """``"diverged"`` (the loss became NaN/inf); ``"unfit"`` when the cell did not generalize (best test accuracy
    below ``threshold``) and its final training accuracy is below ``fit_threshold`` — it neither generalized nor
    memorized its training set, and the boundary fit leaves it out; otherwise ``"complete"``."""
    if diverged:
        return "diverged"
    if fit_threshold is not None and not best_test_acc >= threshold and train_acc < fit_threshold:
        return "unfit"
    return "complete"


def program_threads(cells: list[Cell], process_threads: int | None = None) -> int:
    """The CPU threads a program of ``cells`` trains with (the engine's rule, :func:`step_threads`, on its work
    Σ n·K·M) in a process of ``process_threads`` torch threads (default: this one's)."""
    M = resolve_group(cells[0].group).order
    return step_threads(sum(c.n_train for c in cells) * cells[0].K * M, process_threads)


def train_program(cells: list[Cell], *, device: str = "cpu", eval_every: int = 10, threshold: float = 0.9,
                  perturb: float | None = None, return_params: bool = False, history: bool = False,
                  threads: int | None = None, on_epoch=None, init: dict | None = None,
                  fit_threshold: float | None = None, stop_on_success: bool = False) -> list[dict]:
    """Train cells that share a program key in ONE tensor program; one result row per cell (input order).
    ``on_epoch(e, E)`` is called after each epoch (progress bars); ``init``: see :func:`train_cells`.
    ``fit_threshold``: see :func:`cell_status`; None: no cell is ``"unfit"``.

    ``stop_on_success``: stop at the first evaluation epoch at which every cell of the program has reached
    ``threshold`` (its success is then certain: success is the best test accuracy within the horizon); the row's
    ``epochs_run`` says where it stopped, and its final accuracies and energies are those of that epoch."""
    if not cells:
        return []
    keys = {c.program_key for c in cells}
    if len(keys) != 1:
        raise ValueError(f"train_program needs cells of one program key, got {len(keys)}; use train_cells")
    if len({c.cell_id for c in cells}) != len(cells):
        raise ValueError("a cell appears twice")
    check_device(device)
    t0 = time.time()
    order = sorted(range(len(cells)), key=lambda i: (cells[i].n_train, cells[i].seed, cells[i].wd))
    sc = [cells[i] for i in order]
    E = sc[0].epochs
    if threads is None and torch.device(device).type == "cpu":
        threads = program_threads(sc)
    with torch_threads(threads):
        prog = _Program(sc, device, perturb, init)
        S = len(sc)
        evals: list[int] = []
        test_hist: list[np.ndarray] = []
        train_hist: list[np.ndarray] = []
        loss_hist: list[np.ndarray] = []
        diverged = np.full(S, -1)
        best = np.full(S, -1.0)
        last = [E]  # the epoch a success made the last one

        def evaluate(e: int) -> None:
            """Test accuracy of the pre-step weights every ``eval_every`` epochs and at the last."""
            if e % eval_every == 0 or e == E:
                evals.append(e)
                test_hist.append(prog.test_acc())
                np.fmax(best, test_hist[-1], out=best)

        def succeeded(e: int) -> str | None:
            """``stop_on_success``: every cell has reached the threshold, so this epoch is the last."""
            if stop_on_success and e < E and bool(np.all(best >= threshold)):
                last[0] = e
                return LAST
            return None

        def record(e: int, step: tuple[np.ndarray, np.ndarray]) -> None:
            """Train loss and accuracy of the pre-step weights; the first epoch whose loss is not finite."""
            loss, tr_acc = step
            train_hist.append(tr_acc)
            loss_hist.append(loss)
            bad = ~np.isfinite(loss) & (diverged < 0)
            diverged[bad] = e

        def report(e: int, _step) -> None:
            if on_epoch is not None:
                on_epoch(e, E)
                if e == last[0] < E:  # stopped early: the bar is completed
                    on_epoch(E, E)

        e_run = run_epochs(prog, E, before=(evaluate, succeeded), after=(record, report))
        e_raw, e_unit = prog.energies()
    wall = time.time() - t0
    T = np.stack(test_hist)  # (evals, S)
    ev = np.array(evals)
    rows_sorted = []
    for j, c in enumerate(sc):
        t = np.nan_to_num(T[:, j], nan=-1.0)
        hit = np.flatnonzero(t >= threshold)
        row = row_for(c, final_test_acc=float(T[-1, j]), best_test_acc=float(np.nanmax(T[:, j])),
                      epoch_success=int(ev[hit[0]]) if hit.size else None, train_acc=float(train_hist[-1][j]),
                      energy=float(e_raw[j]), energy_unit=float(e_unit[j]), wall_s=wall / S, program_cells=S,
                      status=cell_status(diverged[j] >= 0, float(np.nanmax(T[:, j])), float(train_hist[-1][j]),
                                         threshold, fit_threshold), threshold=threshold, epochs_run=e_run)
        if return_params:
            row["params"] = {k: v[j].detach().cpu().clone() for k, v in prog.params.items()}
        if history:
            row["history"] = {"eval_epochs": ev.copy(), "test_acc": T[:, j].copy(),
                              "train_acc": np.array([h[j] for h in train_hist]),
                              "train_loss": np.array([h[j] for h in loss_hist])}
        rows_sorted.append(row)
    out: list[dict] = [None] * len(cells)  # type: ignore[list-item]
    for pos, i in enumerate(order):
        out[i] = rows_sorted[pos]
    log.info("program %s K=%d lr=%g: %d cells, %d epochs in %.1fs", sc[0].group, sc[0].K, sc[0].lr, S, E, wall)
    return out


def train_cells(cells: list[Cell], *, device: str = "cpu", eval_every: int = 10, threshold: float = 0.9,
                perturb: float | None = None, return_params: bool = False, history: bool = False,
                batch_cells: int | None = None, init: dict | None = None, fit_threshold: float | None = None,
                stop_on_success: bool = False) -> list[dict]:
    """Train any list of cells: those sharing a program key (:attr:`Cell.program_key`) in one tensor program
    each (at most ``batch_cells`` cells per program); ``fit_threshold`` and ``stop_on_success``: see
    :func:`train_program`.  Returns one row per cell, in input order (fields:
    :data:`li2verify.sweep.table.ROW_FIELDS`; with ``return_params`` also ``row["params"]`` = {"W": (2M, K),
    "V": (K, M)} final weights; with ``history`` the test-accuracy curve at the evaluation epochs).

    ``perturb``: relative init perturbation (None: ``$LI2_INIT_PERTURBATION``, as ``li2verify train``).

    ``init``: ``{cell_id: {"W": (2M, K), "V": (K, M)}}`` — cells listed start from these weights (fresh optimizer
    state) instead of their seeded init, e.g. Sec 4.5's ungrokking: a grokked network's weights trained further on
    a smaller subset.  A cell of the same seed and smaller n trains on a *subset* of the larger cell's training
    pairs (the split is the first n of one seeded permutation of the M² pairs, :func:`make_split`)."""
    idx = {c.cell_id: i for i, c in enumerate(cells)}
    if len(idx) != len(cells):
        raise ValueError("a cell appears twice")
    rows: list[dict] = [None] * len(cells)  # type: ignore[list-item]
    for prog in plan_programs(cells, batch_cells):
        for c, r in zip(prog, train_program(prog, device=device, eval_every=eval_every, threshold=threshold,
                                            perturb=perturb, return_params=return_params, history=history,
                                            init=init, fit_threshold=fit_threshold,
                                            stop_on_success=stop_on_success)):
            rows[idx[c.cell_id]] = r
    return rows


def learned_nodes(row: dict) -> np.ndarray:
    """The learned hidden nodes of a cell trained with ``return_params=True``: W as a (K, 2M) float64 array (one
    node w_j = (u_j, v_j) per row, u acting on e_{h1}, v on e_{h2})."""
    if "params" not in row:
        raise ValueError("train the cells with return_params=True to get their weights")
    return row["params"]["W"].double().numpy().T.copy()

