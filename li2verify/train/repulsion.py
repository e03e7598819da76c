"""Instances of Thm 6's feature repulsion from trained group-arithmetic networks (the setup of paper 003,
Sec 2.1): the torch training behind :mod:`li2verify.paper.repulsion`'s closed forms."""

from __future__ import annotations

import logging

import numpy as np
import torch

from li2verify.paper.activations import get_activation
from li2verify.train.activations import torch_activation
from li2verify.train.engine import StepFunction, run_epochs
from li2verify.utils.arrays import center
from li2verify.train.threads import torch_threads

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------------
# Instances from group-arithmetic networks (the setup of paper 003, Sec 2.1)
# ---------------------------------------------------------------------------------------------------------
def group_net_features(X: np.ndarray, Y: np.ndarray, K: int, *, activation: str = "square", eta: float = 2e-4,
                       lr: float = 1e-3, epochs: tuple[int, ...] = (300,), seed: int = 0,
                       device: str = "cpu") -> dict[int, np.ndarray]:
    """Train Ŷ = σ(XW)V on the zero-meaned MSE ½‖P1⊥(Y − σ(XW)V)‖² with full-batch Adam (lr, weight decay η),
    as paper 003 (Sec 2.1) replicates from the paper's Fig 3, and return F̃ = P1⊥σ(XW) (float64, computed
    from the float32 weights) at each requested epoch.  Init: nn.Linear's default U(±1/√fan_in), no bias."""
    act = get_activation(activation)
    act_t = torch_activation(activation)
    g = torch.Generator(device="cpu").manual_seed(int(seed))
    d, M = X.shape[1], Y.shape[1]
    W = ((torch.rand(d, K, generator=g) * 2 - 1) / np.sqrt(d)).to(device).requires_grad_(True)
    V = ((torch.rand(K, M, generator=g) * 2 - 1) / np.sqrt(K)).to(device).requires_grad_(True)
    Xt = torch.as_tensor(X, dtype=torch.float32, device=device)
    Yt = torch.as_tensor(Y, dtype=torch.float32, device=device)
    opt = torch.optim.Adam([W, V], lr=lr, weight_decay=eta)
    out: dict[int, np.ndarray] = {}
    want = sorted(set(int(e) for e in epochs))
    with torch_threads(1 if X.shape[0] * K * (d + M) < 2e8 else None):  # small problems: one thread is faster
        out = _train_loop(act, act_t, Xt, Yt, W, V, opt, want, X)
    return out


def _train_loop(act, act_t, Xt, Yt, W, V, opt, want, X) -> dict[int, np.ndarray]:
    """Full-batch training on :func:`li2verify.train.engine.run_epochs`; F̃ of the weights of each epoch in
    ``want`` (the weights after that many updates)."""
    out: dict[int, np.ndarray] = {}

    def step(epoch: int, update: bool):
        """Loss ½‖P1⊥(Y − σ(XW)V)‖² of the current weights; with ``update``, its gradient and the Adam step."""
        if not update:
            return None  # the last epoch is only snapshotted: no forward is read
        opt.zero_grad(set_to_none=True)
        R = center(Yt - act_t(Xt @ W) @ V)
        loss = 0.5 * (R * R).sum()
        loss.backward()
        opt.step()
        return loss

    def snapshot(epoch: int) -> None:
        if epoch in want:
            Wn = W.detach().cpu().double().numpy()
            Fm = act(X @ Wn)
            out[epoch] = center(Fm)

    def log_loss(epoch: int, loss) -> None:
        if epoch + 1 in want:
            log.debug("epoch %d loss %.4e", epoch + 1, loss.item())

    run_epochs(StepFunction(step), want[-1], before=[snapshot], after=[log_loss])
    return out
