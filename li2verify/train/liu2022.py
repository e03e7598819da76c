"""The toy model of Liu et al. 2022 (``../shared/papers/004_*.txt``, Sec 2 'Toy Model', Sec 4.1, App. G), batched
over models in one tensor program.

Model.  (a, b) ↦ Dec(E_a + E_b): learnable embeddings E ∈ R^{p×d_in} (init U[−s/2, s/2], App. G) summed
("hard-coded addition") and sent through a decoder MLP d_in–w–w–d_out with tanh (App. G: "an MLP with size
1-200-200-30"; the activation is not printed — tanh is the authors' released code's choice, an assumption
recorded by the claims), nn.Linear's default init.  Regression (Sec 2): the target of class c = i + j is a fixed
random vector Y_c ~ N(0, I_{d_out}) drawn per seed, loss = mean squared error, and a prediction is correct when the
nearest target vector is Y_c; classification: d_out = number of classes, cross-entropy, argmax.

Data.  D0 = the p(p+1)/2 unordered samples (li2verify.paper.liu2022.full_dataset); each seed draws a random
ordering of D0 and a model with n training samples trains on its first n (so one seed's training sets are nested
along n), validating on the rest.  Full batch (App. G's default: batch size 45 = |D| at the 45/10 split).

Optimizers (Sec 4.1).  Embeddings: Adam, lr η_E, no weight decay.  Decoder: AdamW, lr η_dec, weight decay γ_dec —
both per model, so a whole phase diagram over (η_dec, γ_dec) and several seeds is one batched run.  The gradients
are the MLP's closed-form backward; Adam/AdamW is :func:`li2verify.train.optim.adam_update` on the stacked tensors
(torch's formulas: β = (0.9, 0.999), ε = 1e-8, decoupled decay p ← p(1 − η γ) before the Adam step).  The steps
run on the one training loop, :func:`li2verify.train.engine.run_epochs`.

Measured every ``eval_every`` steps on the pre-step parameters, per model: train / validation accuracy and loss
(from the step's own forward), RQI of the embeddings (Eqn 3 as the authors compute it: std-normalized embeddings, a
parallelogram when the mean over dimensions of the squared difference is below ``rqi_threshold`` = 0.01), and the
embeddings themselves.  The environment's
``$LI2_INIT_PERTURBATION`` multiplies every initial parameter by 1 + r·u as the Li2 engine does
(the same draw: train.models.perturb_params).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from li2verify.paper import liu2022 as L
from li2verify.train.config import ConfigError, env_init_perturbation
from li2verify.train.engine import StepFunction, run_epochs
from li2verify.train.models import perturb_params
from li2verify.train.optim import adam_update
from li2verify.train.threads import torch_threads

log = logging.getLogger(__name__)


@dataclass
class ToyConfig:
    """One batched run of the toy model: one model per entry of ``seeds`` (with its n, η_dec, γ_dec)."""

    p: int = 10
    d_in: int = 1
    width: int = 200
    d_out: int = 30
    loss: str = "mse"                   # "mse" (regression) or "ce" (classification: d_out = 2p − 1 classes)
    init_scale: float = 1.0             # s: embeddings U[−s/2, s/2]
    emb_lr: float = 1e-3
    emb_wd: float = 0.0
    steps: int = 5000
    eval_every: int = 10
    rqi_threshold: float = 0.01         # the authors' code: mean_d (Ẽ_i + Ẽ_j − Ẽ_m − Ẽ_n)² < 0.01
    seeds: list[int] = field(default_factory=lambda: [0])
    n_train: list[int] = field(default_factory=lambda: [45])
    dec_lr: list[float] = field(default_factory=lambda: [1e-4])
    dec_wd: list[float] = field(default_factory=lambda: [0.0])
    threads: int = 1

    def validate(self) -> "ToyConfig":
        B = len(self.seeds)
        if B == 0:
            raise ConfigError("ToyConfig.seeds: at least one model")
        for name in ("n_train", "dec_lr", "dec_wd"):
            v = getattr(self, name)
            if len(v) == 1 and B > 1:
                setattr(self, name, list(v) * B)
            elif len(v) != B:
                raise ConfigError(f"ToyConfig.{name}: {len(v)} values for {B} models")
        size = self.p * (self.p + 1) // 2
        if self.p < 2:
            raise ConfigError(f"ToyConfig.p: need p ≥ 2, got {self.p}")
        if any(not (1 <= n < size) for n in self.n_train):
            raise ConfigError(f"ToyConfig.n_train: each n must lie in [1, {size - 1}] (|D0| = {size})")
        if self.loss not in ("mse", "ce"):
            raise ConfigError(f"ToyConfig.loss: 'mse' or 'ce', got {self.loss!r}")
        if self.steps < 1 or self.eval_every < 1:
            raise ConfigError("ToyConfig.steps and eval_every must be ≥ 1")
        return self


@dataclass
class ToyResult:
    config: ToyConfig
    steps: np.ndarray                   # evaluation steps (T,)
    train_acc: np.ndarray               # (T, B)
    val_acc: np.ndarray
    train_loss: np.ndarray
    rqi: np.ndarray                     # (T, B)
    embeddings: np.ndarray              # (T, B, p, d_in), raw
    splits: list[np.ndarray]            # per model: the training samples (n, 2)

    def first_step(self, key: str, thr: float) -> np.ndarray:
        """Per model: the first evaluation step where ``key`` ≥ ``thr`` (NaN when never)."""
        a = getattr(self, key)
        out = np.full(a.shape[1], np.nan)
        for b in range(a.shape[1]):
            hit = np.flatnonzero(a[:, b] >= thr)
            if len(hit):
                out[b] = self.steps[hit[0]]
        return out


def _linear_init(g: torch.Generator, fan_in: int, shape) -> torch.Tensor:
    bound = 1.0 / math.sqrt(fan_in)
    return (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1) * bound


def _init_model(cfg: ToyConfig, seed: int, n_classes: int, d_out: int):
    g = torch.Generator().manual_seed(int(seed))
    order = torch.randperm(cfg.p * (cfg.p + 1) // 2, generator=g)
    Y = torch.randn((n_classes, d_out), generator=g, dtype=torch.float64)
    par = {
        "E": (torch.rand((cfg.p, cfg.d_in), generator=g, dtype=torch.float64) - 0.5) * cfg.init_scale,
        "W1": _linear_init(g, cfg.d_in, (cfg.d_in, cfg.width)), "b1": _linear_init(g, cfg.d_in, (cfg.width,)),
        "W2": _linear_init(g, cfg.width, (cfg.width, cfg.width)), "b2": _linear_init(g, cfg.width, (cfg.width,)),
        "W3": _linear_init(g, cfg.width, (cfg.width, d_out)), "b3": _linear_init(g, cfg.width, (d_out,)),
    }
    rel = env_init_perturbation()
    if rel:
        par = perturb_params(par, int(seed), rel, torch.float64)
    return order, Y, par


def _normalized(E: torch.Tensor) -> torch.Tensor:
    """(B, p, d): zero mean, unit (unbiased) standard deviation per dimension, as the authors' code normalizes."""
    return (E - E.mean(1, keepdim=True)) / E.std(1, keepdim=True).clamp_min(1e-30)


def train_toy(cfg: ToyConfig) -> ToyResult:
    """Train every model of ``cfg`` (batched) and return the evaluation series (see module docstring)."""
    cfg = cfg.validate()
    B, p = len(cfg.seeds), cfg.p
    D0 = L.full_dataset(p)
    n_classes = 2 * p - 1
    d_out = n_classes if cfg.loss == "ce" else cfg.d_out
    dt = torch.float32
    orders, Ys, pars = [], [], []
    for s in cfg.seeds:
        o, Y, par = _init_model(cfg, s, n_classes, d_out)
        orders.append(o)
        Ys.append(Y)
        pars.append(par)
    params = {k: torch.stack([q[k] for q in pars]).to(dt) for k in pars[0]}
    Y = torch.stack(Ys).to(dt)                                        # (B, C, d_out)
    a = torch.as_tensor(D0[:, 0])
    b = torch.as_tensor(D0[:, 1])
    y = a + b                                                         # class of each sample of D0
    mask = torch.zeros(B, len(D0), dtype=dt)
    splits = []
    for i, (o, n) in enumerate(zip(orders, cfg.n_train)):
        mask[i, o[:n]] = 1.0
        splits.append(D0[np.sort(o[:n].numpy())])
    vmask = 1.0 - mask
    lr_dec = torch.tensor(cfg.dec_lr, dtype=dt)
    wd_dec = torch.tensor(cfg.dec_wd, dtype=dt)
    P_all = torch.as_tensor(L.parallelograms(D0))                     # RQI's P0 (unordered, distinct samples)
    Yt = Y[torch.arange(B)[:, None], y[None, :]]                      # (B, n0, d_out) targets
    onehot = torch.nn.functional.one_hot(y, d_out).to(dt)[None] if cfg.loss == "ce" else None

    state = {k: (torch.zeros_like(v), torch.zeros_like(v)) for k, v in params.items()}
    shapes = {k: (B,) + (1,) * (v.dim() - 1) for k, v in params.items()}
    lrs = {k: torch.full(sh, cfg.emb_lr, dtype=dt) if k == "E" else lr_dec.view(sh) for k, sh in shapes.items()}
    wds = {k: torch.full(sh, cfg.emb_wd, dtype=dt) if k == "E" else wd_dec.view(sh) for k, sh in shapes.items()}

    def forward():
        E = params["E"]
        X = E[:, a] + E[:, b]                                          # (B, n0, d_in)
        h1 = torch.tanh(torch.baddbmm(params["b1"].unsqueeze(1), X, params["W1"]))
        h2 = torch.tanh(torch.baddbmm(params["b2"].unsqueeze(1), h1, params["W2"]))
        return X, h1, h2, torch.baddbmm(params["b3"].unsqueeze(1), h2, params["W3"])

    def per_sample_loss(out):
        if cfg.loss == "mse":
            return ((out - Yt) ** 2).mean(-1)                          # (B, n0)
        return torch.nn.functional.cross_entropy(out.reshape(-1, d_out), y.repeat(B), reduction="none").view(B, -1)

    def d_out_loss(out):
        """∂(Σ_b loss_b)/∂out: loss_b = mean over model b's training samples of the per-sample loss."""
        w = (mask / ntr[:, None]).unsqueeze(-1)
        if cfg.loss == "mse":
            return 2.0 * (out - Yt) / d_out * w
        return (torch.softmax(out, -1) - onehot) * w

    def toy_grads(X, h1, h2, out):
        """Closed-form gradients of the 2-hidden-layer tanh MLP (checked against torch.optim/autograd in
        tests/train/test_liu2022_toy.py)."""
        g3 = d_out_loss(out)                                           # (B, n0, d_out)
        gr = {"W3": h2.transpose(1, 2) @ g3, "b3": g3.sum(1)}
        g2 = (g3 @ params["W3"].transpose(1, 2)) * (1 - h2 ** 2)
        gr["W2"], gr["b2"] = h1.transpose(1, 2) @ g2, g2.sum(1)
        g1 = (g2 @ params["W2"].transpose(1, 2)) * (1 - h1 ** 2)
        gr["W1"], gr["b1"] = X.transpose(1, 2) @ g1, g1.sum(1)
        gX = g1 @ params["W1"].transpose(1, 2)                         # (B, n0, d_in)
        gE = torch.zeros_like(params["E"])
        gE.index_add_(1, a, gX)
        gE.index_add_(1, b, gX)
        gr["E"] = gE
        return [gr[k] for k in params]

    def correct(out):
        if cfg.loss == "mse":
            d = torch.cdist(out, Y)                                    # (B, n0, C)
            return (d.argmin(-1) == y[None, :]).to(dt)
        return (out.argmax(-1) == y[None, :]).to(dt)

    ntr = mask.sum(1)
    nva = vmask.sum(1)
    T = cfg.steps // cfg.eval_every + 1
    rec = {k: np.full((T, B), np.nan) for k in ("train_acc", "val_acc", "train_loss", "rqi")}
    embs = np.zeros((T, B, p, cfg.d_in))
    ev_steps = []

    def toy_step(step: int, update: bool):
        """One full-batch forward of every model; with ``update``, the closed-form backward and the Adam/AdamW
        step (embeddings: lr η_E, decay γ_E; decoder: per-model η_dec, γ_dec).  Returns (output, train loss)."""
        X, h1, h2, out = forward()
        ls = per_sample_loss(out)
        loss_b = (ls * mask).sum(1) / ntr                              # (B,) mean over each model's train set
        if update:
            for (name, prm), gr in zip(params.items(), toy_grads(X, h1, h2, out)):
                adam_update(prm, gr, *state[name], step + 1, lrs[name], wds[name])
        return out, loss_b

    def embedding_metrics(step: int) -> None:
        """RQI and the embeddings of the pre-step parameters, every ``eval_every`` steps."""
        if step % cfg.eval_every:
            return
        t = step // cfg.eval_every
        ev_steps.append(step)
        En = _normalized(params["E"].double())
        d = En[:, P_all[:, 0]] + En[:, P_all[:, 1]] - En[:, P_all[:, 2]] - En[:, P_all[:, 3]]
        rec["rqi"][t] = ((d ** 2).mean(-1) < cfg.rqi_threshold).double().mean(1).numpy()
        embs[t] = params["E"].double().numpy()

    def accuracy_metrics(step: int, res) -> None:
        """Train / validation accuracy and train loss of the pre-step parameters (the step's own forward)."""
        if step % cfg.eval_every:
            return
        out, loss_b = res
        t = step // cfg.eval_every
        c = correct(out)
        # counts in float64: 9/10 must compare ≥ 0.9 (a float32 ratio rounds below it)
        rec["train_acc"][t] = ((c * mask).sum(1).double() / ntr.double()).numpy()
        rec["val_acc"][t] = ((c * vmask).sum(1).double() / nva.double()).numpy()
        rec["train_loss"][t] = loss_b.double().numpy()

    def finite_loss(step: int, res) -> None:
        """A non-finite training loss of a stepped epoch ends the run with the seeds named."""
        loss_b = res[1]
        if step < cfg.steps and not torch.isfinite(loss_b).all():
            bad = [cfg.seeds[i] for i in np.flatnonzero(~np.isfinite(loss_b.numpy()))]
            raise FloatingPointError(f"toy model: non-finite training loss at step {step} for seeds {bad}")

    with torch_threads(cfg.threads), torch.no_grad():
        run_epochs(StepFunction(toy_step), cfg.steps, before=[embedding_metrics], after=[accuracy_metrics, finite_loss])
    n_ev = len(ev_steps)
    return ToyResult(cfg, np.array(ev_steps, dtype=float), rec["train_acc"][:n_ev], rec["val_acc"][:n_ev],
                     rec["train_loss"][:n_ev], rec["rqi"][:n_ev], embs[:n_ev], splits)
