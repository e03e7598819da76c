"""The faithful baseline of the training benchmark: the paper's training loop as its code runs it (the ``"code"``
protocol of :mod:`li2verify.train.protocols`).

Written for ``benchmarks/train_bench.py`` from the paper's description of its experiments (Sec 3.1, Fig 3) and the
protocol of the code it cites: an ``nn.Module`` whose first layer is ONE ``nn.Linear(2M, K, bias=False)`` on the
concatenated one-hot pair (PyTorch's default init, U(±1/√(2M))), σ(x) = x², a top ``nn.Linear(K, M, bias=False)``
(U(±1/√K)), the code's "mse" loss centred along the classes — per sample o_c = o − mean over the M outputs,
loss = mean_i Σ_c o_c² − 2·o_c[y_i] + 1 − 1/M — ``torch.optim.Adam(lr, weight_decay=η)``, full batch, autograd;
and, every epoch, the three diagnostics computed the straightforward way:

- ‖G_F‖_F with G_F = −∂loss/∂F·n/2 = P⊥_class(Y − FV)Vᵀ formed as an n×K matrix (Eqn 2 with the code's centring);
- mean|off-diag(F̃ᵀF̃)| / mean|diag(F̃ᵀF̃)| from the K×K matrix F̃ᵀF̃ (Fig 3, "diagonal up to 8 %");
- ‖P1⊥FFᵀ − (aI + b11ᵀ)‖_F / ‖FFᵀ‖_F from the n×n matrix FFᵀ (a + b = mean diagonal, b = mean off-diagonal);

and the test loss/accuracy on the held-out pairs.  Everything in float32 like the paper's code.  It is kept out of
the package on purpose: it is the thing the engine is measured against, not a second engine.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class PaperNet(nn.Module):
    """Two-layer net with one-hot inputs as the paper's code builds it: ``nn.Linear(2M, K)`` on [e_h1, e_h2],
    σ = x², ``nn.Linear(K, M)`` (both bias-free, PyTorch's default init under ``torch.manual_seed(seed)``)."""

    def __init__(self, M: int, K: int, seed: int, device="cpu"):
        super().__init__()
        torch.manual_seed(seed)
        self.M, self.K = M, K
        self.layer_w = nn.Linear(2 * M, K, bias=False).to(device)
        self.layer_v = nn.Linear(K, M, bias=False).to(device)

    @property
    def V(self) -> torch.Tensor:
        """The top layer as a K×M matrix (Ŷ = FV)."""
        return self.layer_v.weight.T

    def hidden(self, X: torch.Tensor) -> torch.Tensor:
        return self.layer_w(X) ** 2

    def forward(self, X: torch.Tensor):
        F = self.hidden(X)
        return F, self.layer_v(F)


def one_hot_pairs(pairs: np.ndarray, M: int, device="cpu") -> torch.Tensor:
    X = torch.zeros(len(pairs), 2 * M)
    X[torch.arange(len(pairs)), torch.as_tensor(pairs[:, 0])] = 1.0
    X[torch.arange(len(pairs)), torch.as_tensor(pairs[:, 1]) + M] = 1.0
    return X.to(device)


def centred_mse(out: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The code's "mse": o_c = o − mean over the M outputs; mean over samples of Σ_c o_c² − 2 o_c[y] + 1 − 1/M."""
    oc = out - out.mean(1, keepdim=True)
    M = out.shape[1]
    return (oc.pow(2).sum(1) - 2 * (oc * Y).sum(1)).mean() + 1 - 1.0 / M


def diagnostics(F: torch.Tensor, V: torch.Tensor, Y: torch.Tensor) -> dict[str, float]:
    """The three Fig 3 diagnostics, straightforwardly (n×K G_F, K×K F̃ᵀF̃, n×n FFᵀ)."""
    n = F.shape[0]
    R = Y - F @ V
    R = R - R.mean(1, keepdim=True)  # the code's centring: along the M classes
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
