"""The faithful baseline of the training benchmark: the paper's training loop as its code runs it.

Written for ``benchmarks/train_bench.py`` from the paper's description of its experiments (Sec 3.1, Fig 3; the
code ``modular_addition_simple2.py`` it cites): an ``nn.Module`` whose first layer multiplies the one-hot encoding
of (h1, h2) by W (two ``nn.Linear(M, K, bias=False)`` blocks, i.e. X W with X the n×2M one-hot matrix), σ(x) = x²,
a top ``nn.Linear(K, M, bias=False)``, the centred MSE (1/n)‖P1⊥(Y − Ŷ)‖²_F, ``torch.optim.Adam(lr, weight_decay=η)``,
full batch, autograd; and, every epoch, the three diagnostics computed the straightforward way:

- ‖G_F‖_F with G_F = P1⊥(Y − FV)Vᵀ formed as an n×K matrix (Eqn 2);
- mean|off-diag(F̃ᵀF̃)| / mean|diag(F̃ᵀF̃)| from the K×K matrix F̃ᵀF̃ (Fig 3, "diagonal up to 8 %");
- ‖P1⊥FFᵀ − (aI + b11ᵀ)‖_F / ‖FFᵀ‖_F from the n×n matrix FFᵀ (a + b = mean diagonal, b = mean off-diagonal);

and the test loss/accuracy on the held-out pairs.  Everything in float32 like the paper's code.  It is kept out of
the package on purpose: it is the thing the engine is measured against, not a second engine.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


class PaperNet(nn.Module):
    """Two-layer net of Eqn 1 with one-hot inputs (the paper code's ``layera``/``layerb``/``layerc``)."""

    def __init__(self, M: int, K: int, seed: int, device="cpu"):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.M, self.K = M, K
        # nn.Linear's default init bound 1/√fan_in, drawn from a seeded generator
        self.W = nn.Parameter(((torch.rand(2 * M, K, generator=g) * 2 - 1) / math.sqrt(M)).to(device))
        self.V = nn.Parameter(((torch.rand(K, M, generator=g) * 2 - 1) / math.sqrt(K)).to(device))

    def hidden(self, X: torch.Tensor) -> torch.Tensor:
        return (X @ self.W) ** 2

    def forward(self, X: torch.Tensor):
        F = self.hidden(X)
        return F, F @ self.V


def one_hot_pairs(pairs: np.ndarray, M: int, device="cpu") -> torch.Tensor:
    X = torch.zeros(len(pairs), 2 * M)
    X[torch.arange(len(pairs)), torch.as_tensor(pairs[:, 0])] = 1.0
    X[torch.arange(len(pairs)), torch.as_tensor(pairs[:, 1]) + M] = 1.0
    return X.to(device)


def centred_mse(out: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    R = (Y - out)
    R = R - R.mean(0, keepdim=True)
    return (R ** 2).sum() / out.shape[0]


def diagnostics(F: torch.Tensor, V: torch.Tensor, Y: torch.Tensor) -> dict[str, float]:
    """The three Fig 3 diagnostics, straightforwardly (n×K G_F, K×K F̃ᵀF̃, n×n FFᵀ)."""
    n = F.shape[0]
    R = Y - F @ V
    R = R - R.mean(0, keepdim=True)
    GF = R @ V.T
    Ft = F - F.mean(0, keepdim=True)
    C = (Ft.T @ Ft).abs()
    K = C.shape[0]
    d = torch.diagonal(C)
    ftf = ((C.sum() - d.sum()) / (K * (K - 1))) / d.mean()
    G = F @ F.T
    A = G - G.mean(0, keepdim=True)  # P1⊥FFᵀ
    dA = torch.diagonal(A)
    b = (A.sum() - dA.sum()) / (n * (n - 1))
    a = dA.mean() - b
    est = a * torch.eye(n, device=F.device) + b
    rho = torch.linalg.norm(A - est) / torch.linalg.norm(G)
    return {"gf_norm": float(torch.linalg.norm(GF)), "ftf_offdiag": float(ftf), "rho_tian": float(rho)}


def train_reference(M: int, K: int, train_pairs: np.ndarray, train_y: np.ndarray, test_pairs: np.ndarray,
                    test_y: np.ndarray, epochs: int, seed: int = 0, lr: float = 1e-3, wd: float = 2e-4,
                    diagnostics_every: int = 1, eval_every: int = 1, device="cpu",
                    on_epoch=None) -> list[dict[str, float]]:
    """Train one seed for ``epochs`` full-batch Adam steps; per epoch: diagnostics, test metrics, then the step.
    ``on_epoch(e)`` is called after epoch e's step (the benchmark's clock)."""
    torch.manual_seed(seed)
    net = PaperNet(M, K, seed, device)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=wd)
    X, Xt = one_hot_pairs(train_pairs, M, device), one_hot_pairs(test_pairs, M, device)
    Y = torch.nn.functional.one_hot(torch.as_tensor(train_y), M).float().to(device)
    Yt = torch.nn.functional.one_hot(torch.as_tensor(test_y), M).float().to(device)
    log = []
    for e in range(epochs):
        F, out = net(X)
        loss = centred_mse(out, Y)
        row = {"epoch": e, "train_loss": float(loss.detach()),
               "train_acc": float((out.argmax(1) == Y.argmax(1)).float().mean())}
        with torch.no_grad():
            if e % diagnostics_every == 0:
                row.update(diagnostics(F.detach(), net.V.detach(), Y))
            if e % eval_every == 0:
                _, ot = net(Xt)
                row["test_loss"] = float(centred_mse(ot, Yt))
                row["test_acc"] = float((ot.argmax(1) == Yt.argmax(1)).float().mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
        log.append(row)
        if on_epoch is not None:
            on_epoch(e)
    return log
