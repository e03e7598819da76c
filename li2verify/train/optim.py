"""Batched optimizers over parameter dicts with a leading seed axis (per-seed weight decay η allowed).

All updates are elementwise per seed except Muon's orthogonalization, which is applied to each seed's
matrix separately (batched matmuls / batched SVD), so seed s of a batched run follows the same update rule
as a one-seed run.

- ``sgd``:   heavy-ball momentum μ, L2 weight decay (``torch.optim.SGD(momentum=μ, weight_decay=η)``).
- ``adam``:  L2 weight decay added to the gradient (``torch.optim.Adam(weight_decay=η)``, the paper's code).
- ``adamw``: decoupled weight decay θ ← θ(1 − lr·η) (``torch.optim.AdamW``).
- ``muon``:  the paper code's ``MuonEnhanced`` on the chosen matrices: momentum β2 = 0.95, Nesterov blend
  β1 = 0.95, decoupled decay θ ← θ(1 − lr·η), update = orth(G)·max(1, rows/cols)^{1/2} with rows×cols the
  torch-layout (out × in) shape.  ``orth`` is either the 5-step Newton–Schulz iteration with the code's
  coefficients (approximate polar factor, singular values pushed into ≈[0.7, 1.2]) or the **exact polar
  factor** U Vᵀ from a float64 SVD (``muon_orth="polar"``; Thm 8 / Lemma 2's G' = U_G V_Gᵀ).  The first layer
  W is orthogonalized per input block (W[:M] and W[M:], the code's ``layera``/``layerb``).  Parameters not
  handled by Muon use Adam with L2 decay.  That is ``muon_style="class_defaults"`` (``MuonEnhanced``'s constructor
  defaults).  ``muon_style="script"`` is the step the later training script (W one K × 2M layer, V separate; Adam on
  V, ``MuonEnhanced(W, beta1=0.9, beta2=0.99, nesterov=False, update_rms_compensate=False, use_bf16=False)``, one
  learning rate for both) takes: m ← 0.99·m + 0.01·g, θ ← θ(1 − lr·η) − lr·orth(m), W orthogonalized whole.

:func:`adam_update` is the same Adam/AdamW step as a function of tensors with per-seed, per-parameter lr and decay
(the toy model of Liu et al. 2022 trains on it).
"""

from __future__ import annotations

import math

import torch

from li2verify.paper.muon import PAPER_CODE_NS_SCHEDULE
from li2verify.paper.muon import newton_schulz as _newton_schulz
from li2verify.train.config import TrainConfig

NS_COEFFS = PAPER_CODE_NS_SCHEDULE


def newton_schulz(G: torch.Tensor) -> torch.Tensor:
    """Approximate polar factor of each matrix in the batch G (…, r, c): the paper code's 5-step schedule
    (:data:`li2verify.paper.muon.PAPER_CODE_NS_SCHEDULE`) of the one Newton–Schulz routine."""
    return _newton_schulz(G, schedule=PAPER_CODE_NS_SCHEDULE)


def polar(G: torch.Tensor) -> torch.Tensor:
    """Exact polar factor U Vᵀ of each matrix (thin SVD in float64)."""
    U, _, Vh = torch.linalg.svd(G.double(), full_matrices=False)
    return (U @ Vh).to(G.dtype)


def adam_update(p: torch.Tensor, g: torch.Tensor, m: torch.Tensor, v: torch.Tensor, t: int, lr: torch.Tensor,
                wd: torch.Tensor, *, decoupled: bool = True, betas: tuple[float, float] = (0.9, 0.999),
                eps: float = 1e-8) -> None:
    """One Adam step on a stacked parameter ``p`` (leading seed axis), in place on ``p`` and its moments ``m``, ``v``.

    ``lr`` and ``wd`` broadcast against ``p`` (per seed, per parameter); ``t`` ≥ 1 is the step count of the bias
    corrections.  torch's formulas (Kingma & Ba, Alg. 1): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
    p ← p − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε), with the weight decay either decoupled (``torch.optim.AdamW``:
    p ← p(1 − lr·η) before the step) or L2 (``torch.optim.Adam(weight_decay=η)``: g ← g + η·p).

    The rounding is that of the expressions as written (the toy model of :mod:`li2verify.train.liu2022` is bitwise
    this function); :class:`BatchedOptimizer` applies the same formulas with a scalar lr folded into one ``addcdiv``,
    which rounds differently, so it keeps its own arithmetic (its runs are pinned bitwise by the tests).
    """
    b1, b2 = betas
    if decoupled:
        p.mul_(1 - lr * wd)
    else:
        g = g + wd * p
    m.mul_(b1).add_(g, alpha=1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    k1 = 1 - b1 ** t
    k2 = 1 - b2 ** t
    p.sub_(lr * (m / k1) / ((v / k2).sqrt() + eps))


class BatchedOptimizer:
    """One optimizer over a parameter dict; ``step(params, grads)`` updates in place."""

    def __init__(self, cfg: TrainConfig, params: dict[str, torch.Tensor], M: int):
        self.cfg, self.M = cfg, M
        dev = next(iter(params.values())).device
        self.wd = torch.tensor(cfg.wd_values(), dtype=torch.float64, device=dev)
        self.t = 0
        self.state: dict[str, dict[str, torch.Tensor]] = {}
        self._scratch: dict[str, torch.Tensor] = {}
        #: the training loop's work buffers and seed-chunk worker pool (li2verify.train.run), kept for the run
        self.step_workspace: dict = {}
        muon_names = set()
        if cfg.optimizer == "muon":
            muon_names = {"W"} if cfg.muon_params == "W" else set(params)
            if cfg.complex_weights:
                raise ValueError("Muon with complex weights is not implemented")
        self.kind = {k: ("muon" if k in muon_names else ("adam" if cfg.optimizer == "muon" else cfg.optimizer))
                     for k in params}
        for k, p in params.items():
            if self.kind[k] in ("adam", "adamw"):
                self.state[k] = {"m": torch.zeros_like(p), "v": torch.zeros_like(p)}
            else:
                self.state[k] = {"m": torch.zeros_like(p)}

    def _tmp(self, name: str, p: torch.Tensor) -> torch.Tensor:
        t = self._scratch.get(name)
        if t is None or t.shape != p.shape or t.dtype != p.dtype:
            t = self._scratch[name] = torch.empty_like(p, memory_format=torch.contiguous_format)
        return t

    def _bc(self, p: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return x.to(p.dtype).reshape((-1,) + (1,) * (p.dim() - 1))

    @torch.no_grad()
    def step(self, params: dict[str, torch.Tensor], grads: dict[str, torch.Tensor]) -> None:
        cfg = self.cfg
        self.t += 1
        t = self.t
        for k, p in params.items():
            g = grads[k]
            wd = self._bc(p, self.wd)
            st = self.state[k]
            kind = self.kind[k]
            if kind == "sgd":
                g = g + wd * p
                st["m"].mul_(cfg.momentum).add_(g)
                p.sub_(cfg.lr * st["m"])
            elif kind in ("adam", "adamw"):
                b1, b2, eps = 0.9, 0.999, 1e-8
                tmp = self._tmp(k, p)  # one reused W-sized scratch tensor: no per-step allocation
                if kind == "adam":
                    # g + wd·p, rounded exactly as `g + wd * p` (the product is rounded, then added)
                    torch.mul(wd, p, out=tmp)
                    tmp.add_(g)
                    g = tmp
                    st["m"].mul_(b1).add_(g, alpha=1 - b1)
                    st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                else:
                    p.mul_(1 - cfg.lr * wd)
                    st["m"].mul_(b1).add_(g, alpha=1 - b1)
                    st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                torch.div(st["v"], 1 - b2 ** t, out=tmp)
                denom = tmp.sqrt_().add_(eps)
                p.addcdiv_(st["m"], denom, value=-cfg.lr / (1 - b1 ** t))
            else:  # muon
                lr = cfg.muon_lr if cfg.muon_lr is not None else cfg.lr
                p.mul_(1 - lr * wd)
                if cfg.muon_style == "script":
                    st["m"].lerp_(g, 1 - 0.99)  # beta2 = 0.99, nesterov=False: the update is the momentum
                    p.sub_(lr * self._orth_whole(st["m"]))
                    continue
                beta1 = beta2 = 0.95
                st["m"].lerp_(g, 1 - beta2)
                u = g.lerp(st["m"], 1 - beta1)
                p.sub_(lr * self._orth(k, u))

    def _orth_whole(self, U: torch.Tensor) -> torch.Tensor:
        """``muon_style="script"``: each matrix orthogonalized whole (W is the script's one K × 2M layer), no
        rescaling (update_rms_compensate=False, update_spectral_compensate=False)."""
        return (polar if self.cfg.muon_orth == "polar" else newton_schulz)(U)

    def _orth(self, name: str, U: torch.Tensor) -> torch.Tensor:
        f = polar if self.cfg.muon_orth == "polar" else newton_schulz
        M = self.M
        # torch layout is (out, in) = our transpose; orth(Aᵀ) = orth(A)ᵀ, so orthogonalize our layout directly.
        if name == "W":
            blocks = [U[:, :M], U[:, M:]]
            out = torch.cat([f(b) for b in blocks], dim=1)
            rows, cols = U.shape[2], M  # torch layout of layera: (K, M)
        else:
            out = f(U)
            rows, cols = U.shape[2], U.shape[1]
        return out * math.sqrt(max(1.0, rows / cols))

    def state_dict(self) -> dict:
        return {"t": self.t, "state": {k: {kk: v.clone() for kk, v in s.items()} for k, s in self.state.items()}}

    def load_state_dict(self, d: dict) -> None:
        self.t = int(d["t"])
        for k, s in d["state"].items():
            for kk, v in s.items():
                self.state[k][kk].copy_(v)
