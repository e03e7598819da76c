"""The paper's networks, batched over a leading seed axis S (Eqn 1, Sec 6, Figs 12–18, App. H.3).

Parameters are a dict of tensors, each with leading dimension S:

- ``W``  (S, 2M, K): first layer; rows 0..M−1 act on e_{h1}, rows M..2M−1 on e_{h2}.
- ``W2``, ``W3``, ... (S, K, K): deeper hidden layers (``layers`` = L > 1, Sec 6).
- ``V``  (S, K, M): top layer (absent with ``ridge_top``: V is then solved every step, Prop 1).

Complex weights (Fig 12) are stored as real tensors with a trailing dimension 2 (real, imaginary), so every
optimizer works on reals; the forward pass views them as complex and the output is Re(β σ(XW)V).

XW for one-hot X is a gather: (XW)_i = W[h1_i] + W[M + h2_i]; autograd's backward of ``index_select`` is
an ``index_add`` (scatter-add), so no n×2M one-hot matrix is ever formed (``input_mode="gather"``).
``input_mode="dense"`` does the one-hot matmul instead (for the benchmark).

Initialisation is ``nn.Linear``-style uniform: W ~ U(±1/√fan-in) with the fan-in of the run's protocol
(:mod:`li2verify.train.protocols`: M per input block under ``"text"``, 2M — one linear layer on the concatenated
one-hot pair — under ``"code"``), W_l ~ U(±1/√K), V ~ U(±1/√K) × ``top_init`` (0 = zero-init, Sec 3.2).  Each seed draws from its own
``torch.Generator(seed)`` in a fixed order, so the batched init equals the one-seed-at-a-time init bitwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from li2verify.paper.activations import ACTIVATIONS
from li2verify.train import protocols as _proto
from li2verify.train.activations import torch_activation
from li2verify.train.config import SEED_ALIAS, TrainConfig
from li2verify.train.threads import torch_threads
from li2verify.utils.arrays import center as _center


@dataclass
class Batch:
    """Index tensors of one data set for all seeds: a, b, y of shape (S, n) (int64)."""

    a: torch.Tensor
    b: torch.Tensor
    y: torch.Tensor

    @property
    def n(self) -> int:
        return int(self.a.shape[1])


def _uniform(gen: torch.Generator, shape, bound: float, dtype) -> torch.Tensor:
    return (torch.rand(shape, generator=gen, dtype=torch.float64) * 2.0 - 1.0).mul_(bound).to(dtype)


PERTURB_SEED_OFFSET = 7_919_000  # the perturbation generator of seed s is seeded with s + this (never the init's)


def perturb_params(p: dict[str, torch.Tensor], seed: int, rel: float, dt) -> dict[str, torch.Tensor]:
    """w ← w·(1 + rel·u), u ~ U(−1, 1) elementwise, from a generator of its own (seeded by the seed), so the
    init's stream, and the split, are untouched and the perturbed run is reproducible.  Zero entries stay zero
    (zero-init keeps V(0) = 0).  Used by the stability test: rel = 1e-6 is a few float32 ulps."""
    g = torch.Generator().manual_seed(PERTURB_SEED_OFFSET + seed)
    out = {}
    for k in sorted(p):
        u = torch.rand(p[k].shape, generator=g, dtype=torch.float64) * 2.0 - 1.0
        out[k] = (p[k].double() * (1.0 + rel * u)).to(dt)
    return {k: out[k] for k in p}


def init_params(cfg: TrainConfig, M: int, device="cpu") -> dict[str, torch.Tensor]:
    """Per-seed init stacked along the seed axis (bitwise independent of how many seeds are batched)."""
    K, L = cfg.hidden, cfg.layers
    dt = getattr(torch, cfg.dtype)
    cplx = cfg.complex_weights
    per_seed: list[dict[str, torch.Tensor]] = []
    for s in cfg.seeds:
        g = torch.Generator().manual_seed(int(s) % SEED_ALIAS)
        tail = (2,) if cplx else ()
        c = 1 / math.sqrt(2) if cplx else 1.0  # complex: same total variance split over re/im
        p = {"W": _uniform(g, (2 * M, K) + tail, c / math.sqrt(_proto.first_layer_fan_in(M, cfg.protocol)), dt)}
        for l in range(2, L + 1):
            p[f"W{l}"] = _uniform(g, (K, K) + tail, c / math.sqrt(K), dt)
        if not cfg.ridge_top:
            p["V"] = _uniform(g, (K, M) + tail, c / math.sqrt(K), dt) * cfg.top_init
        if cfg.init_perturbation:
            p = perturb_params(p, int(s) % SEED_ALIAS, cfg.init_perturbation, dt)
        per_seed.append(p)
    return {k: torch.stack([p[k] for p in per_seed]).to(device).contiguous() for k in per_seed[0]}


def as_weight(t: torch.Tensor, cplx: bool) -> torch.Tensor:
    return torch.view_as_complex(t) if cplx else t


def first_layer(W: torch.Tensor, batch: Batch, M: int, mode: str = "gather") -> torch.Tensor:
    """XW for the one-hot pairs of ``batch``: (S, n, K).  Gather (default) or dense one-hot matmul."""
    S, twoM, K = W.shape[0], W.shape[1], W.shape[2]
    if mode == "dense":
        n = batch.n
        X = torch.zeros(S, n, twoM, dtype=W.dtype, device=W.device)
        X.scatter_(2, batch.a.unsqueeze(-1), 1.0)
        X.scatter_(2, (batch.b + M).unsqueeze(-1), 1.0)
        return torch.bmm(X, W)
    off = (torch.arange(S, device=W.device) * twoM).unsqueeze(1)
    Wf = W.reshape(S * twoM, K)
    ha = Wf.index_select(0, (batch.a + off).reshape(-1))
    hb = Wf.index_select(0, (batch.b + M + off).reshape(-1))
    return (ha + hb).reshape(S, -1, K)


def hidden(params: dict[str, torch.Tensor], batch: Batch, cfg: TrainConfig, M: int,
           return_all: bool = False):
    """F_L (S, n, K): F_1 = σ(XW), F_l = σ(F_{l−1}W_l) (+ F_{l−1} with ``residual``) — Sec 6; under the ``"code"``
    protocol F_l = σ(F_{l−1} + F_{l−1}W_l), as the paper's code stacks its extra layers."""
    act = torch_activation(cfg.activation)
    cplx = cfg.complex_weights
    W = as_weight(params["W"], cplx)
    if cplx:
        Wr = params["W"]
        H = torch.complex(first_layer(Wr[..., 0].contiguous(), batch, M, cfg.input_mode),
                          first_layer(Wr[..., 1].contiguous(), batch, M, cfg.input_mode))
    else:
        H = first_layer(W, batch, M, cfg.input_mode)
    F = act(H)
    Fs = [F]
    for l in range(2, cfg.layers + 1):
        Wl = as_weight(params[f"W{l}"], cplx)
        if _proto.get(cfg.protocol).deep_in_act:
            F = act(F + torch.bmm(F, Wl))
            Fs.append(F)
            continue
        Fn = act(torch.bmm(F, Wl))
        F = Fn + F if cfg.residual else Fn
        Fs.append(F)
    return (F, Fs) if return_all else F


def center(A: torch.Tensor) -> torch.Tensor:
    """P1⊥A along the sample axis (dim −2) of a batched (seeds, n, …) tensor (:func:`li2verify.utils.arrays.center`)."""
    return _center(A, -2)


def one_hot(y: torch.Tensor, M: int, dtype) -> torch.Tensor:
    Y = torch.zeros(*y.shape, M, dtype=dtype, device=y.device)
    return Y.scatter_(-1, y.unsqueeze(-1), 1.0)


def ridge_top(F: torch.Tensor, y: torch.Tensor, M: int, lam: float, protocol: str = "text") -> torch.Tensor:
    """V_ridge = (F̃ᵀF̃ + λI)⁻¹F̃ᵀỸ (Prop 1; ``"text"``: F̃ = P1⊥F, Ỹ = P1⊥Y) or (FᵀF + λI)⁻¹FᵀY with the uncentred F
    and Y = one_hot − 1/M (``"code"``), solved in float64 per seed, returned in F's dtype (no grad).

    On a CPU the batched solve runs on one thread: torch 2.13's CPU build fails a batched float64
    ``torch.linalg.solve`` with more than one thread and more than one seed (oneMKL rejects DLASWP's arguments and the
    LU pivots come back invalid); at one thread it is the solve every recorded run used."""
    with torch.no_grad():
        Ft = _proto.ridge_features(F.double(), protocol)
        Yt = _proto.ridge_targets(y, M, protocol, torch.float64)
        K = F.shape[-1]
        A = Ft.transpose(1, 2) @ Ft + lam * torch.eye(K, dtype=torch.float64, device=F.device)
        B = Ft.transpose(1, 2) @ Yt
        with torch_threads(1 if F.device.type == "cpu" else None):
            return torch.linalg.solve(A, B).to(F.dtype)


def output(params, F: torch.Tensor, cfg: TrainConfig, y: torch.Tensor | None = None, M: int | None = None):
    """Ŷ = β F V (real part for complex weights); V from ``params`` or the ridge solve on (F, y)."""
    if cfg.ridge_top:
        V = ridge_top(F, y, M, cfg.ridge_reg, cfg.protocol)
    else:
        V = as_weight(params["V"], cfg.complex_weights)
    out = torch.bmm(F, V)
    if cfg.complex_weights:
        out = out.real
    return cfg.beta * out, V


def loss_per_seed(out: torch.Tensor, y: torch.Tensor, cfg: TrainConfig) -> torch.Tensor:
    """Per-seed loss (S,).  mse: (1/n)‖P(Y − Ŷ)‖²_F (the code's scale); mse_sum: ½‖·‖²_F; ce.

    P is the protocol's centring (:func:`li2verify.train.protocols.centre`): P1⊥ along samples (``"text"``, Eqn 1) or
    along the M classes (``"code"``: ‖P⊥_class ŷ_i − (e_{y_i} − 1/M)‖² per sample)."""
    S, n, M = out.shape
    if cfg.loss == "ce":
        return torch.nn.functional.cross_entropy(out.reshape(S * n, M), y.reshape(-1),
                                                 reduction="none").reshape(S, n).mean(1)
    if cfg.protocol == "text":  # the exact arithmetic of the runs before protocols existed (bitwise)
        R = center(out - one_hot(y, M, out.dtype))
    else:
        R = _proto.residual(out, y, cfg.protocol)
    sq = R.pow(2).sum(dim=(1, 2))
    return sq / n if cfg.loss == "mse" else 0.5 * sq


def accuracy(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (out.argmax(-1) == y).to(torch.float64).mean(-1)


FAST_ACTIVATIONS = tuple(n for n, a in ACTIVATIONS.items() if a.fused)  # registry entries with fused=True


def fast_path_ok(cfg: TrainConfig) -> bool:
    """Whether :func:`manual_grads` covers this config (the paper's 2-layer real net, gather input, MSE)."""
    return (cfg.layers == 1 and not cfg.complex_weights and not cfg.ridge_top and cfg.loss in ("mse", "mse_sum")
            and cfg.input_mode == "gather" and cfg.activation in FAST_ACTIVATIONS)


def _buf(ws: dict | None, name: str, shape, like: torch.Tensor) -> torch.Tensor:
    """A work buffer of ``shape`` from ``ws`` (reused across steps), or a fresh one when no workspace is given."""
    if ws is None:
        return torch.empty(shape, dtype=like.dtype, device=like.device)
    t = ws.get(name)
    if t is None or tuple(t.shape) != tuple(shape) or t.dtype != like.dtype or t.device != like.device:
        t = ws[name] = torch.empty(shape, dtype=like.dtype, device=like.device)
    return t


#: Rows of the transposed top layer in the fused step: M padded up to a multiple of 8 (a zero row), which MKL's
#: float32 kernels run markedly faster than M = 71 (measured in benchmarks/train_bench.py; the padded row's
#: products are exact zeros, so the first M rows are the unpadded result).
def _padded(M: int) -> int:
    return -(-M // 8) * 8


def fused_forward(params: dict[str, torch.Tensor], batch: Batch, cfg: TrainConfig, M: int, *,
                  ws: dict | None = None):
    """The fused step's forward pass (no graph): (H, F, βVᵀ padded, Ŷᵀ padded, Ŷ) for :func:`fast_path_ok` configs.

    H = XW is two row gathers and their sum, F = σ(H), Ŷᵀ = (βVᵀ)Fᵀ with Vᵀ padded to a multiple of 8 rows (zero
    rows), Ŷ = its first M rows transposed (a view).  Buffers come from ``ws`` when given.
    Cost per seed: 2nKM FLOPs + 4 elementwise passes over n×K."""
    W, V = params["W"].detach(), params["V"].detach()
    S, twoM, K = W.shape
    n = batch.a.shape[1]
    Mp = _padded(M)
    off = (torch.arange(S, device=W.device) * twoM).unsqueeze(1)
    Wf = W.reshape(S * twoM, K)
    H = _buf(ws, "H", (S * n, K), W)
    torch.index_select(Wf, 0, (batch.a + off).reshape(-1), out=H)
    Hb = _buf(ws, "F", (S * n, K), W)  # the second gather lands where F will be written
    torch.index_select(Wf, 0, (batch.b + M + off).reshape(-1), out=Hb)
    H.add_(Hb)
    H = H.reshape(S, n, K)
    if cfg.activation == "square":
        F = torch.mul(H, H, out=Hb.reshape(S, n, K))
    elif cfg.activation == "relu":
        F = torch.relu(H)
    else:
        F = H
    Vt = _buf(ws, "Vt", (S, Mp, K), W)  # βVᵀ, padded with zero rows
    Vt[:, M:].zero_()
    torch.mul(V.transpose(1, 2), cfg.beta, out=Vt[:, :M]) if cfg.beta != 1.0 else Vt[:, :M].copy_(V.transpose(1, 2))
    outT = torch.bmm(Vt, F.transpose(1, 2), out=_buf(ws, "outT", (S, Mp, n), W))  # Ŷᵀ (+ zero rows)
    return H, F, Vt, outT, outT[:, :M].transpose(1, 2)


def manual_grads(params: dict[str, torch.Tensor], batch: Batch, cfg: TrainConfig, M: int, *,
                 ws: dict | None = None, grads_out: dict[str, torch.Tensor] | None = None):
    """Forward and closed-form backward of Eqn 1 with fused elementwise passes (no autograd graph).

    J = c‖P(Y − βFV)‖², c = 1/n (``mse``) or ½ (``mse_sum``), P the protocol's centring (P1⊥ along samples for
    ``"text"``, along the M classes for ``"code"``: :mod:`li2verify.train.protocols`).  With R = P(βFV − Y):
    ∂J/∂V = 2cβ FᵀR,  ∂J/∂F = 2cβ RVᵀ (= −2cβ G_F, Eqn 2),  ∂J/∂H = ∂J/∂F ⊙ σ'(H),
    ∂J/∂W = scatter-add of ∂J/∂H rows at h1 and M + h2 (the transpose of the gather).
    Returns (F, out, per-seed loss, grads).

    The small side is kept transposed: Ŷᵀ = (βVᵀ) Fᵀ (M×n), ∂Vᵀ = Rᵀ F (M×K), ∂F = (Rᵀ)ᵀ Vᵀ, with Vᵀ padded to a
    multiple of 8 rows — the layouts in which MKL runs these skinny float32 products fastest; σ' = 2H for x² is
    folded into the last product as (2Vᵀ) (exact: a power of two).

    ``ws`` (a dict kept by the caller) holds the n×K and M×n work buffers between steps, and ``grads_out``
    ({"W": (S, 2M, K), "V": (S, K, M)}, possibly views into larger buffers) receives the gradients, so a step
    allocates nothing W- or F-sized (the returned F and out live in ``ws`` and are overwritten by the next call).
    Without them every buffer is fresh (the arithmetic is the same either way).

    Cost per seed: 3 matmuls of 2nKM FLOPs (FV, FᵀR, RVᵀ) — the floor — plus ≈ 6 elementwise passes over n×K
    (two gathers and their sum, square, σ' product, two scatter-adds) and O(nM) for the residual."""
    W = params["W"].detach()
    S, twoM, K = W.shape
    n = batch.a.shape[1]
    Mp = _padded(M)
    off = (torch.arange(S, device=W.device) * twoM).unsqueeze(1)
    ia = (batch.a + off).reshape(-1)
    ib = (batch.b + M + off).reshape(-1)
    Wf = W.reshape(S * twoM, K)
    H, F, Vt, outT, out = fused_forward(params, batch, cfg, M, ws=ws)
    RT = _buf(ws, "RT", (S, Mp, n), W)
    torch.sub(outT, one_hot(batch.y, Mp, W.dtype).transpose(1, 2), out=RT)
    RT[:, M:].zero_()
    if _proto.get(cfg.protocol).centre_axis == -2:   # samples: the last axis of Rᵀ (padded rows stay zero)
        RT.sub_(RT.mean(-1, keepdim=True))
    else:                                            # classes: the first M rows of Rᵀ
        RT[:, :M].sub_(RT[:, :M].mean(1, keepdim=True))
    sq = RT.pow(2).sum(dim=(1, 2))
    c = 1.0 / n if cfg.loss == "mse" else 0.5
    loss = sq * c
    RT.mul_(2 * c * cfg.beta)
    gVT = torch.bmm(RT, F, out=_buf(ws, "gVT", (S, Mp, K), W))   # (∂J/∂V)ᵀ
    if grads_out is not None:
        gV = grads_out["V"]
        gV.copy_(gVT[:, :M].transpose(1, 2))
        gW = grads_out["W"].reshape(S * twoM, K)
    else:
        gV = gVT[:, :M].transpose(1, 2).contiguous()
        gW = torch.empty_like(Wf)
    if cfg.activation == "square":
        Vt.mul_(2.0 / cfg.beta if cfg.beta != 1.0 else 2.0)     # 2Vᵀ: σ'(H) = 2H folded in (exact)
    elif cfg.beta != 1.0:
        Vt.div_(cfg.beta)
    dH = torch.bmm(RT.transpose(1, 2), Vt, out=_buf(ws, "dH", (S, n, K), W))
    if cfg.activation == "square":
        dH.mul_(H)
    elif cfg.activation == "relu":
        dH.mul_(H > 0)
    dH = dH.reshape(S * n, K)
    gW.zero_()
    gW.index_add_(0, ia, dH)
    gW.index_add_(0, ib, dH)
    return F, out, loss, {"W": gW.reshape(S, twoM, K), "V": gV}
