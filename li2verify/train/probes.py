"""The Li2 probes logged during training, with their cost per evaluation (n samples, K nodes, M classes,
S seeds; reduced in float64, so numbers are comparable across runs).

The registry :data:`PROBES` (name, metric columns, cost and memory model, cadence, function; at the end of this
module) is what :mod:`li2verify.train.run` reads; a new probe is one :class:`Probe` entry there, and
``tests/train/test_probes.py`` runs every entry.

Two modes for the three Fig 3 diagnostics (``TrainConfig.probe_mode``).  ``"fast"`` (default; the paper's 2-layer
real MSE net) reads the float32 F and Ŷ of the training step's own forward pass — no second forward, no n×n or K×K
matrix: ‖G_F‖ exactly as β²⟨RᵀR, VᵀV⟩ (O(nM² + KM²)); the F̃ᵀF̃ off-diagonal ratio from a random subset of
4·``probe_samples`` columns (unbiased, jackknife standard error; O(nK + n·m²)); ρ_tian and ffT_dist from
``probe_samples`` size-biased row draws of FFᵀ (unbiased totals, standard error; O(nK + r·n·K)).  Each estimate's
standard error is logged next to it (``ftf_offdiag_se``, ``rho_tian_se``, ``ffT_dist_se``).  ``"exact"`` on the same
net reads the same float32 F and Ŷ and evaluates the diagnostics without sampling: ‖G_F‖ as in fast mode, and the
other three from one centred K×K Gram F̃ᵀF̃ per seed built by float32 GEMMs over row blocks accumulated in float64
(:mod:`li2verify.train.grams`, with its error bound: O(m·2⁻²⁴) relative in the worst case for m rows per block,
≈ 1e-8 relative observed against the float64 forms).  Every other net (deeper, complex, ridge-top, non-MSE) evaluates the float64 forms in the table below
from a float64 forward pass; claims that need an exact value use ``"exact"``.

==================  ==========================================================  =====================
name                what                                                        cost per evaluation
==================  ==========================================================  =====================
``gf_norm``         ‖G_F‖_F, G_F = P1⊥(Y − βFV)(βV)ᵀ (Eqn 2; App. H.3 with β)    O(S n K M)
``ftf_offdiag``     mean|off-diag(F̃ᵀF̃)| / mean|diag(F̃ᵀF̃)| (paper code;        O(S n K²)
                    Fig 3 "F̃ᵀF̃ diagonal up to 8%")
``rho_tian``        ρ = ‖P1⊥FFᵀ − (aI + b11ᵀ)‖_F / ‖FFᵀ‖_F, a + b = mean diag,  O(S n K²), O(nK) memory
                    b = mean off-diag of P1⊥FFᵀ (paper 003, Eqn 7); also
                    ``ffT_dist``: the code's ``fit_diag_11`` on FFᵀ (relative)
``delta_cos``       cosine distance 1 − cos(θ_t, θ_{t−1}) of W and of V        O(S M K) every epoch
                    (Fig 3's ΔW, ΔV)
``eigengap``        σ1..σ5 of the rolling-window Gram ΔᵀΔ, Δ = [ΔW_{t−w+1} …   O(S w M K) every epoch
                    ΔW_t] (paper 003, Eqn 5), and σ2/σ3
``energy``          mean and max over nodes of E(w_j) = ½‖Ỹᵀσ(Xw_j)‖² (Eqn 7)   O(S n K M)
``fourier``         per node, the largest fraction of ‖w_j‖² (trivial part        O(S M² K) (or FFT)
                    removed, both input blocks) in one real isotypic subspace
                    (nearest irrep); logged: mean over nodes (concentration)
                    and the number of distinct nearest irreps
``signmatch``       Thm 6 sign rule: top-200 pairs with the approximate P_η      O(S (n K² + K³))
                    (paper 003) and all pairs with the exact P_{η,−jl}
                    (li2verify.paper.repulsion, another helper's module)
==================  ==========================================================  =====================
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from li2verify.paper import repulsion as rep
from li2verify.groups.finite import FiniteGroup
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.landscape import real_components
from li2verify.train import protocols as _proto
from li2verify.train.grams import gram_stats, gram_stats_memory, gram_work
from li2verify.train.staged import StagedWork
from li2verify.train.models import center as _center  # P1⊥ along the sample axis (dim −2)

def gf_norm(F: torch.Tensor, V: torch.Tensor, Y: torch.Tensor, beta: float = 1.0,
            protocol: str = "text") -> torch.Tensor:
    """‖G_F‖_F per seed, G_F = P(Y − βFV)(βV)ᴴ (Eqn 2; P = P1⊥ along samples, or along classes under the ``"code"``
    protocol: the negative gradient of its loss, :mod:`li2verify.train.protocols`).  F (S,n,K), V (S,K,M), Y one-hot.

    Exact form (``probe_mode="exact"``). Cost model: 4·S·n·K·M FLOPs (FV and the n×K matrix G_F), O(S·n·K) memory."""
    out = beta * (F @ V)
    if out.is_complex():
        out = out.real
    R = _proto.centre(Y - out, protocol)
    G = R.to(V.dtype) @ (beta * V).conj().transpose(1, 2)
    return torch.linalg.vector_norm(G, dim=(1, 2)).real


def ftf_offdiag(F: torch.Tensor) -> torch.Tensor:
    """mean|off-diagonal| / mean|diagonal| of F̃ᴴF̃ (per seed).

    Exact form (``probe_mode="exact"``). Cost model: 2·S·n·K² FLOPs (the K×K Gram; no cheaper exact form exists for
    a sum of absolute values), O(S·K²) memory."""
    Ft = _center(F)
    G = (Ft.conj().transpose(1, 2) @ Ft).abs()
    K = G.shape[-1]
    d = torch.diagonal(G, dim1=1, dim2=2)
    off = (G.sum((1, 2)) - d.sum(1)) / (K * (K - 1))
    return off / d.mean(1)


def _gram_levels_dense(F: torch.Tensor) -> dict[str, torch.Tensor]:
    """Reference form of :func:`gram_levels` that builds the n×n Gram FFᵀ (tests only: O(S n²) memory)."""
    G = (F @ F.conj().transpose(1, 2)).real  # (S, n, n)
    n = G.shape[-1]
    out = {}
    for name, A in (("rho_tian", _center(G)), ("ffT_dist", G)):
        d = torch.diagonal(A, dim1=1, dim2=2).mean(1)
        b = (A.sum((1, 2)) - torch.diagonal(A, dim1=1, dim2=2).sum(1)) / (n * (n - 1))
        a = d - b
        est = a[:, None, None] * torch.eye(n, dtype=A.dtype, device=A.device) + b[:, None, None]
        out[name] = torch.linalg.vector_norm(A - est, dim=(1, 2)) / torch.linalg.vector_norm(G, dim=(1, 2))
    return out


def gram_levels(F: torch.Tensor) -> dict[str, torch.Tensor]:
    """ρ_tian (paper 003 Eqn 7) and the code's distance of FFᵀ from aI + b11ᵀ (both relative), without forming
    the n×n Gram: O(S·n·K) memory, O(S·n·K²) time.

    With G = Re(FFᴴ) = F_rF_rᵀ (F_r = [Re F, Im F]) and A ∈ {P1⊥G, G}: the fit is a + b = mean diag A,
    b = mean off-diagonal of A, and ‖A − (aI + b11ᵀ)‖²_F = ‖A‖² − 2(a·tr A + b·ΣA) + a²n + 2abn + b²n², where
    ‖G‖² = ‖F_rᵀF_r‖², ‖P1⊥G‖² = ⟨F̃_rᵀF̃_r, F_rᵀF_r⟩, tr G = ‖F_r‖², tr P1⊥G = ⟨F̃_r, F_r⟩, ΣG = ‖F_rᵀ1‖²,
    ΣP1⊥G = 0 — all K×K or n×K quantities."""
    Fr = torch.cat([F.real, F.imag], dim=-1) if F.is_complex() else F
    Fr = Fr.double() if Fr.dtype != torch.float64 else Fr
    n = Fr.shape[-2]
    Fc = _center(Fr)
    C = Fr.transpose(1, 2) @ Fr                       # (S, K, K): FᵀF, ‖FFᵀ‖ = ‖FᵀF‖
    Cc = Fc.transpose(1, 2) @ Fc
    g_norm2 = (C * C).sum((1, 2))
    col = Fr.sum(1)                                   # Fᵀ1
    return _levels(n, g_norm2, {
        "ffT_dist": (g_norm2, (Fr * Fr).sum((1, 2)), (col * col).sum(1)),
        "rho_tian": ((Cc * C).sum((1, 2)), (Fc * Fr).sum((1, 2)), torch.zeros_like(g_norm2)),
    })


def _levels(n: int, g_norm2: torch.Tensor, stats: dict) -> dict[str, torch.Tensor]:
    """ρ = ‖A − (aI + b11ᵀ)‖_F/‖G‖_F per level from (‖A‖², tr A, ΣA) (the expansion of :func:`gram_levels`)."""
    out = {}
    for name, (a_norm2, tr, tot) in stats.items():
        d = tr / n
        b = (tot - tr) / (n * (n - 1))
        a = d - b
        r2 = a_norm2 - 2 * (a * tr + b * tot) + a * a * n + 2 * a * b * n + b * b * n * n
        out[name] = r2.clamp_min(0).sqrt() / g_norm2.sqrt()
    return out


def gram_levels_from_stats(st: dict[str, torch.Tensor], n: int) -> dict[str, torch.Tensor]:
    """:func:`gram_levels` from the blocked float32 Gram statistics of :func:`li2verify.train.grams.gram_stats`
    (‖FFᵀ‖² = ‖FᵀF‖², ‖P1⊥FFᵀ‖² = ⟨F̃ᵀF̃, FᵀF⟩, tr FFᵀ, tr P1⊥FFᵀ = tr F̃ᵀF̃, ΣFFᵀ = ‖Fᵀ1‖², ΣP1⊥FFᵀ = 0;
    paper 003 Eqn 7); its error bound is that module's."""
    return _levels(n, st["C_norm2"], {"ffT_dist": (st["C_norm2"], st["trC"], st["sum2"]),
                                      "rho_tian": (st["AC"], st["trA"], torch.zeros_like(st["trA"]))})


def ftf_offdiag_from_stats(st: dict[str, torch.Tensor]) -> torch.Tensor:
    """:func:`ftf_offdiag` (mean|off-diag(F̃ᵀF̃)| / mean|diag(F̃ᵀF̃)|) from :func:`li2verify.train.grams.gram_stats`."""
    return st["offdiag_abs_mean"] / st["diag_mean"]


# ---------------------------------------------------------------- the Fig 3 diagnostics, fast forms
# Used every probe epoch when ``cfg.probe_mode == "fast"`` (the default) on the paper's 2-layer real net: they read
# the float32 F and Ŷ = βFV of the training step's own forward pass (no second forward), reduce in float64, and
# never form an n×n or K×K matrix.  ``probe_mode="exact"`` reads the same F through one K×K Gram (gram_stats).
def _gen(seed: int, epoch: int) -> torch.Generator:
    """The sampling stream of one seed at one epoch: stateless, so a resumed or batched run draws the same indices."""
    return torch.Generator().manual_seed((int(seed) * 1_000_003 + int(epoch) * 7_919 + 12_345) % (2 ** 63))


def gf_norm_fast(out: torch.Tensor, V: torch.Tensor, y: torch.Tensor, beta: float = 1.0,
                 protocol: str = "text") -> torch.Tensor:
    """‖G_F‖_F per seed from the step's output Ŷ = βFV (S,n,M), exact in form (Eqn 2):

    ‖R(βV)ᵀ‖²_F = β²⟨RᵀR, VᵀV⟩ with R = P1⊥(Y − Ŷ) — two M×M Grams instead of the n×K matrix G_F.
    Cost model: O(S·(nM² + KM²)) FLOPs (≈ 2·(2016 + 2048)·71² ≈ 41 MFLOP per seed at Fig 3 size), O(S·(nM + M²))
    memory, in float64 from the float32 Ŷ; the only difference from the float64 form is Ŷ's float32 rounding."""
    S, n, M = out.shape
    R = out.double().neg_()
    R.scatter_add_(-1, y.unsqueeze(-1), torch.ones(S, n, 1, dtype=R.dtype, device=R.device))
    R = _proto.centre(R, protocol)
    Vd = V.double()
    RtR = R.transpose(1, 2) @ R
    VtV = Vd.transpose(1, 2) @ Vd
    return (beta * beta * (RtR * VtV).sum((1, 2))).clamp_min(0).sqrt()


class SharedCache(dict):
    """The statistics of F shared by the probes of one evaluation (:attr:`StepInputs.cache`).  ``once(key, fn)`` is
    ``cache[key] = fn()`` computed once, also when the probes of the evaluation run on two threads: a second caller
    waits for the first one's result instead of computing it again (the value is the same either way)."""

    def __init__(self):
        super().__init__()
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._work: dict[str, StagedWork] = {}

    def once(self, key: str, fn: Callable[[], Any]) -> Any:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self:
                self[key] = fn()
        return self[key]

    def shared(self, key: str, make: Callable[[], StagedWork]) -> Any:
        """The result of the :class:`~li2verify.train.staged.StagedWork` ``make()``, made once for ``key``: every
        thread that asks for it takes part in its tasks until it is done (the result is the same however many do)."""
        with self._guard:
            if key not in self._work:
                self._work[key] = make()
            work = self._work[key]
        return work.run()

    def help(self) -> None:
        """Take part in every shared work of this evaluation still in progress (a thread with nothing else to do)."""
        with self._guard:
            pending = [w for w in self._work.values() if not w.done]
        for w in pending:
            w.run()


def _once(cache: dict | None, key: str, fn: Callable[[], Any]) -> Any:
    """``fn()`` kept in ``cache[key]`` (a plain dict, a :class:`SharedCache`, or None: not kept)."""
    if cache is None:
        return fn()
    if isinstance(cache, SharedCache):
        return cache.once(key, fn)
    if key not in cache:
        cache[key] = fn()
    return cache[key]


def _moments(F: torch.Tensor, cache: dict | None = None) -> dict[str, torch.Tensor]:
    """Column sums Fᵀ1, column and row sums of squares of F (float32 cascade sums returned as float64: a float64
    reduction of the float32 F costs more than the training step's elementwise passes), shared by the fast probes
    of one evaluation through ``cache``."""
    def compute() -> dict[str, torch.Tensor]:
        F2 = F * F
        return {"colsum": F.sum(-2).double(), "colsq": F2.sum(-2).double(), "rowsq": F2.sum(-1).double()}

    return _once(cache, "moments", compute)


def ftf_offdiag_sampled(F: torch.Tensor, seeds, epoch: int, m: int = 256, cache: dict | None = None
                        ) -> tuple[torch.Tensor, torch.Tensor]:
    """mean|off-diag(F̃ᵀF̃)| / mean|diag(F̃ᵀF̃)| per seed, estimated: (value, standard error), float64 (S,).

    The diagonal ‖F̃_j‖² = Σ_i F_ij² − n·μ_j² is exact in form (O(nK)).  The off-diagonal mean is estimated from a
    uniform random subset J of m of the K columns (without replacement): the mean of |F̃_Jᵀ F̃_J| off its diagonal
    is unbiased for the mean over all K(K−1) off-diagonal entries (every pair is equally likely to be in J).  Its
    standard error is the delete-one-column jackknife of that U-statistic (computed from the row sums of the m×m
    block) times the finite-population factor √(1 − m/K); m ≥ K gives the exact value with SE 0.  The ratio's
    error is the numerator's divided by the exact denominator.
    Cost model: O(S·nK) for the column moments + 2·n·m² FLOPs per seed (≈ 0.26 GFLOP at n = 2016, m = 256) in
    float32; O(S·n·m) memory; sums of the m×m block in float64."""
    S, n, K = F.shape
    dt = torch.float64
    m = min(m, K)
    mom = _moments(F, cache)
    colsum, colsq = mom["colsum"], mom["colsq"]
    mu = colsum / n
    diag_mean = (colsq - n * mu * mu).mean(-1)
    if m < 3:
        nan = torch.full((S,), float("nan"), dtype=dt, device=F.device)
        return nan, nan
    num = torch.empty(S, dtype=dt, device=F.device)
    se = torch.empty(S, dtype=dt, device=F.device)
    mu32 = mu.to(F.dtype)
    for s, sd in enumerate(seeds):
        J = torch.randperm(K, generator=_gen(sd, epoch))[:m].to(F.device)
        cols = F[s].index_select(1, J) - mu32[s].index_select(0, J)
        C = (cols.T @ cols).abs().double()
        C.fill_diagonal_(0.0)
        row = C.sum(1)
        T = row.sum()
        num[s] = T / (m * (m - 1))
        loo = (T - 2 * row) / ((m - 1) * (m - 2))                  # θ without column j
        fpc = max(0.0, 1 - m / K)
        se[s] = ((m - 1) / m * ((loo - loo.mean()) ** 2).sum() * fpc).sqrt()
    return num / diag_mean, se / diag_mean


def gram_levels_sampled(F: torch.Tensor, seeds, epoch: int, rows: int = 64, cache: dict | None = None
                        ) -> dict[str, torch.Tensor]:
    """ρ_tian and ffT_dist (as :func:`gram_levels`) from ``rows`` sampled rows of FFᵀ, with standard errors.

    Per seed, exactly in O(nK): the row norms G_ii = ‖f_i‖², the diagonal of A = P1⊥FFᵀ = F̃Fᵀ,
    A_ii = ‖f_i‖² − μᵀf_i (μ = Fᵀ1/n), tr G, tr A = ‖F‖² − n‖μ‖², ΣG = ‖Fᵀ1‖², ΣA = 0, hence a and b of each fit and
    the diagonal parts of ‖A − (aI + b11ᵀ)‖² and of ‖G‖².  The off-diagonal parts Σ_{i≠i'}(A_ii' − b)² and
    Σ_{i≠i'} G_ii'² are totals over rows t_i, u_i; ``rows`` i.i.d. draws of a row with probability
    p_i = ½‖f_i‖²/‖F‖² + ½/n (size-biased, mixed with uniform) give the block G_I = F_I Fᵀ (one rows×K×n matmul)
    and A_I = G_I − 1(Fμ)ᵀ, and each total is estimated by the Hansen–Hurwitz mean of t_i/p_i (unbiased), with
    standard error sd(t_i/p_i)/√rows.  ρ is √(numerator/denominator) of the two estimated totals (a ratio
    estimator: consistent, bias O(SE²)); its standard error is the delta method's, from e_i = (t_i − ρ²u_i)/p_i.
    With rows ≥ n every row is taken once and the value is exact (SE 0).
    Cost model: O(S·nK) + 2·rows·K·n FLOPs per seed (≈ 0.53 GFLOP at n = 2016, K = 2048, rows = 64) in float32,
    O(S·rows·n) memory; sums in float64."""
    S, n, K = F.shape
    dt = torch.float64
    r = min(rows, n)
    mom = _moments(F, cache)
    col = mom["colsum"]                                             # Fᵀ1
    mu = col / n                                                    # (S, K)
    rn = mom["rowsq"]                                               # (S, n): G_ii
    Fmu = torch.bmm(F, mu.to(F.dtype).unsqueeze(-1)).squeeze(-1).to(dt)  # (S, n): μᵀf_i
    trG, totG = rn.sum(-1), (col * col).sum(-1)
    trA = trG - n * (mu * mu).sum(-1)
    dA = rn - Fmu
    out: dict[str, torch.Tensor] = {}
    # rows drawn with replacement, with probability p_i = ½·‖f_i‖²/‖F‖² + ½/n (a defensive mixture of size-biased and
    # uniform sampling: a row's off-diagonal total grows with its norm, so the weighted values t_i/p_i vary little)
    prob = 0.5 * rn / trG.unsqueeze(-1) + 0.5 / n                   # (S, n), float64
    if r >= n:  # every row exactly once: the exact value
        idx = torch.arange(n, device=F.device).expand(S, n)
        w = torch.ones(S, n, dtype=dt, device=F.device)
    else:
        idx = torch.stack([torch.multinomial(prob[s].cpu(), r, replacement=True, generator=_gen(sd, epoch + 500_000))
                           for s, sd in enumerate(seeds)]).to(F.device)
        w = 1.0 / (n * torch.gather(prob, 1, idx))                  # (S, r): 1/(n p_i)
    FI = torch.gather(F, 1, idx.unsqueeze(-1).expand(S, r, K))      # (S, r, K)
    GI = torch.bmm(FI, F.transpose(1, 2)).to(dt)                    # (S, r, n)
    offmask = torch.ones(S, r, n, dtype=torch.bool, device=F.device)
    offmask.scatter_(2, idx.unsqueeze(-1), False)
    uG = (GI * GI * offmask).sum(-1) * w                            # (S, r): weighted off-diagonal ‖G‖² row totals
    g2 = (rn * rn).sum(-1) + n * uG.mean(-1)
    for name, AI, tr, tot, diag in (("ffT_dist", GI, trG, totG, rn),
                                    ("rho_tian", GI - Fmu.unsqueeze(1), trA, torch.zeros_like(trG), dA)):
        d = tr / n
        b = (tot - tr) / (n * (n - 1))
        a = d - b
        dpart = ((diag - (a + b).unsqueeze(-1)) ** 2).sum(-1)
        t = ((AI - b[:, None, None]) ** 2 * offmask).sum(-1) * w   # (S, r) weighted off-diagonal residual totals
        r2 = dpart + n * t.mean(-1)
        rho2 = (r2 / g2).clamp_min(0)
        e = t - rho2.unsqueeze(-1) * uG
        var = e.var(-1) / r if r < n else torch.zeros_like(rho2)
        se_rho2 = n * var.sqrt() / g2
        rho = rho2.sqrt()
        out[name] = rho
        out[name + "_se"] = torch.where(rho > 0, se_rho2 / (2 * rho.clamp_min(1e-300)), se_rho2.sqrt())
    return out


def cosine_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """1 − cos(a, b) per seed over all other axes (complex: real inner product of the re/im storage)."""
    a = a.reshape(a.shape[0], -1).double()
    b = b.reshape(b.shape[0], -1).double()
    den = torch.linalg.vector_norm(a, dim=1) * torch.linalg.vector_norm(b, dim=1)
    num = (a * b).sum(1)
    return torch.where(den > 0, 1 - num / den.clamp_min(1e-300), torch.zeros_like(num))


class EigengapTracker:
    """Rolling-window Gram of ΔW (paper 003 Eqn 5): σ_k = k-th eigenvalue of ΔᵀΔ, Δ ∈ R^{P×w} per seed.

    The deltas live in a ring buffer (S, w, P) and the w×w Gram is updated incrementally: one new row of inner
    products per epoch, O(S·w·P), instead of re-forming ΔᵀΔ."""

    def __init__(self, window: int = 20):
        self.window = window
        self.buf: torch.Tensor | None = None
        self.G: torch.Tensor | None = None
        self.count = 0

    def push(self, delta: torch.Tensor) -> dict[str, torch.Tensor] | None:
        d = delta.reshape(delta.shape[0], -1).double()
        if self.buf is None:
            S, P = d.shape
            self.buf = torch.zeros(S, self.window, P, dtype=torch.float64, device=d.device)
            self.G = torch.zeros(S, self.window, self.window, dtype=torch.float64, device=d.device)
        i = self.count % self.window
        self.buf[:, i] = d
        g = torch.bmm(self.buf, d.unsqueeze(-1)).squeeze(-1)  # (S, w)
        self.G[:, i, :] = g
        self.G[:, :, i] = g
        self.count += 1
        if self.count < self.window:
            return None
        ev = torch.linalg.eigvalsh(self.G).flip(-1)  # descending
        out = {f"sigma{k + 1}": ev[:, k] for k in range(min(5, ev.shape[1]))}
        out["gap23"] = ev[:, 1] / ev[:, 2].clamp_min(1e-300)
        return out

    def state_dict(self):
        return {"window": self.window, "count": self.count,
                "buf": None if self.buf is None else self.buf.clone(),
                "G": None if self.G is None else self.G.clone()}

    def load_state_dict(self, d):
        self.count = int(d["count"])
        self.buf = None if d["buf"] is None else d["buf"].clone()
        self.G = None if d["G"] is None else d["G"].clone()


def eigengap_fire(gap23: np.ndarray, epochs: np.ndarray, lag: int = 25, threshold: float = 0.04,
                  t_min: int = 100) -> float:
    """Paper 003 Eqn 6: s(t) = [log(σ2/σ3)(t) − log(σ2/σ3)(t − lag)]/lag; fire = min{t ≥ t_min : s(t) > thr}.

    ``gap23`` is one seed's series over ``epochs`` (NaN before the window fills); returns the fire epoch or NaN.
    The lag, threshold and t_min scale with the run (the paper uses 25, 0.04, 100 at M = 71)."""
    lookup = {int(e): g for e, g in zip(epochs, gap23)}
    for e in sorted(lookup):
        if e < t_min or (e - lag) not in lookup:
            continue
        g1, g0 = lookup[e], lookup[e - lag]
        if np.isfinite(g1) and np.isfinite(g0) and g0 > 0 and g1 > 0:
            if (np.log(g1) - np.log(g0)) / lag > threshold:
                return float(e)
    return float("nan")


def node_energy(F: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """E(w_j) = ½‖Ỹᵀσ(Xw_j)‖² for every node: (S, K) (Eqn 7)."""
    Z = _center(Y).to(F.dtype).transpose(1, 2) @ F  # (S, M, K)
    return 0.5 * (Z.abs() ** 2).sum(1)


# ---------------------------------------------------------------- Fourier / isotypic concentration
def isotypic_bases(group: FiniteGroup) -> list[np.ndarray]:
    """Real orthonormal bases (M × r_k) of the non-trivial real isotypic subspaces of R^M (left-regular): one per
    real or quaternionic irrep and one per complex-conjugate pair (:func:`li2verify.paper.landscape.real_components`)."""
    return [c.basis for c in real_components(irrep_decomposition(group))]


def fourier_concentration(W: torch.Tensor, bases: list[np.ndarray], M: int) -> dict[str, np.ndarray]:
    """Per seed: mean over nodes of max_k ‖Π_k w_j‖²/‖P1⊥ w_j‖² (both input blocks) and the count of
    distinct nearest isotypic components.  W real (S, 2M, K) (complex: re and im parts stacked as nodes)."""
    W = W.double()
    if W.dim() == 4:  # complex storage (S, 2M, K, 2)
        W = torch.cat([W[..., 0], W[..., 1]], dim=2)
    S = W.shape[0]
    Wa, Wb = W[:, :M], W[:, M:]
    Wa = Wa - Wa.mean(1, keepdim=True)
    Wb = Wb - Wb.mean(1, keepdim=True)
    tot = (Wa ** 2).sum(1) + (Wb ** 2).sum(1)  # (S, K)
    fr = []
    for B in bases:
        Bt = torch.as_tensor(B, dtype=torch.float64, device=W.device)
        pa = Bt.T @ Wa  # (S, r, K)
        pb = Bt.T @ Wb
        fr.append(((pa ** 2).sum(1) + (pb ** 2).sum(1)) / tot.clamp_min(1e-300))
    fr = torch.stack(fr, 1)  # (S, nk, K)
    best, arg = fr.max(1)
    conc = best.mean(1).cpu().numpy()
    distinct = np.array([len(np.unique(arg[s].cpu().numpy())) for s in range(S)], dtype=float)
    return {"fourier_conc": conc, "fourier_distinct": distinct}


# ---------------------------------------------------------------- Thm 6 sign-match
def signmatch(F: torch.Tensor, eta: float, top: int = 200) -> dict[str, np.ndarray]:
    """Thm 6: sgn(B_jl) = −sgn(f̃_jᵀ P_{η,−jl} f̃_l), per seed, using :mod:`li2verify.paper.repulsion`:

    - ``signmatch``: paper 003's measurement — top-``top`` most cosine-similar pairs, B by Woodbury (003 Eqn 4),
      approximate projector P_{η,−jl} ≈ P_η = I − F̃BF̃ᵀ formed literally (``repulsion.top200_sign_match``);
    - ``signmatch_exact``: all K(K−1)/2 pairs with the exact projector P_{η,−jl}
      (``repulsion.all_pairs_sign_match``; pairs whose b_jl has no float64-certified sign are excluded).
    Cost O(n K² + K³) per seed."""
    res = {"signmatch": [], "signmatch_exact": []}
    for s in range(F.shape[0]):
        Ft_t = _center(F[s].double())
        # B = (F̃ᵀF̃ + ηI)⁻¹ and cond₂ computed in torch (its thread setting), then handed to the repulsion module
        # (its scipy/OpenBLAS routines would otherwise run with all BLAS threads on a shared machine).
        K = Ft_t.shape[1]
        G = Ft_t.T @ Ft_t + eta * torch.eye(K, dtype=torch.float64, device=Ft_t.device)
        B_t = torch.cholesky_inverse(torch.linalg.cholesky(G))
        B = (0.5 * (B_t + B_t.T)).cpu().numpy()
        sv = torch.linalg.svdvals(Ft_t)
        smin2 = 0.0 if K > sv.numel() else float(sv[-1] ** 2)
        cond = float((sv[0] ** 2 + eta) / (smin2 + eta))
        Ft = Ft_t.cpu().numpy()
        # 003's route for its approximate measurement: B by Woodbury through the n×n inverse (003 Eqn 4)
        n = Ft_t.shape[0]
        A = Ft_t @ Ft_t.T + eta * torch.eye(n, dtype=torch.float64, device=Ft_t.device)
        Bw = (torch.eye(K, dtype=torch.float64, device=Ft_t.device) / eta
              - Ft_t.T @ torch.cholesky_solve(Ft_t, torch.linalg.cholesky(A)) / eta ** 2).cpu().numpy()
        approx, _ = rep.top200_sign_match(Ft, eta, k=top, B=Bw)
        exact, _ = rep.all_pairs_sign_match(Ft, eta, B=B, cond=cond)
        res["signmatch"].append(approx.rate)
        res["signmatch_exact"].append(exact.rate)
    return {k: np.array(v) for k, v in res.items()}


# ---------------------------------------------------------------------------------------------------------
# the probe registry: where a new probe goes
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProbeDims:
    """Sizes the memory cost models read: seeds S, training pairs n, nodes K, classes M, c = 2 for complex weights
    (else 1), the eigengap window w."""

    S: int
    n: int
    K: int
    M: int
    c: int = 1
    window: int = 20


@dataclass
class ProbeInputs:
    """What a ``probe_every`` probe sees: the float64 hidden features F (S, n, K), top layer V, one-hot targets Y,
    first-layer weights W, the run's config, the group order M and the probe's own state (from ``setup``)."""

    cfg: Any
    F: torch.Tensor
    V: torch.Tensor
    Y: torch.Tensor
    W: torch.Tensor
    M: int
    state: Any = None


@dataclass(frozen=True)
class Probe:
    """One probe: its metric columns (for a config), its asymptotic cost and memory model, its cadence and its
    function.

    ``cadence`` is ``"probe_every"`` (evaluated every ``cfg.probe_every`` epochs and at the last one, from the
    float64 weights: ``fn(ProbeInputs) -> {column: (S,) array}``) or ``"every_epoch"`` (from the weights of two
    consecutive epochs: ``fn(cur, prev, state) -> {column: (S,) array}``, ``cur``/``prev`` parameter dicts).
    ``setup(cfg, group)`` makes per-run state (None if not needed); ``memory(dims)`` is the peak extra bytes while
    it is evaluated, ``state_memory(dims)`` what its state holds for the whole run."""

    name: str
    columns: Callable[[Any], list[str]]
    cost: str
    cadence: str
    fn: Callable
    memory: Callable[[ProbeDims], int] = lambda d: 0
    state_memory: Callable[[ProbeDims], int] = lambda d: 0
    setup: Callable[[Any, FiniteGroup], Any] | None = None
    fast: Callable[["StepInputs"], dict[str, np.ndarray]] | None = None  # the probe_mode="fast" form
    exact_step: Callable[["StepInputs"], dict[str, np.ndarray]] | None = None  # probe_mode="exact" on the step's F


@dataclass
class StepInputs:
    """What a fast-form probe sees: the training step's own pre-update forward pass for a slice of seeds — the float32
    hidden features F (S, n, K) and output Ŷ = βFV (S, n, M), the top layer V, the labels y (S, n), the seed values
    and the epoch (they seed the sampling streams), and the run's config."""

    cfg: Any
    F: torch.Tensor
    out: torch.Tensor
    V: torch.Tensor
    y: torch.Tensor
    seeds: list
    epoch: int
    cache: dict = field(default_factory=SharedCache)  # moments or Gram statistics of F shared by the probes of one evaluation


def uses_step_probes(cfg) -> bool:
    """Whether the ``probe_every`` probes with a step form read the training step's own forward pass (in either
    probe mode): the step has the paper's 2-layer real MSE net (the fused step); otherwise the float64 forms of
    the table run on a float64 forward pass."""
    from li2verify.train.models import fast_path_ok

    return fast_path_ok(cfg)


def uses_fast_probes(cfg) -> bool:
    """Whether the sampled fast forms run (they add the ``*_se`` columns): ``probe_mode == "fast"`` on a net whose
    step forward they can read (:func:`uses_step_probes`)."""
    return cfg.probe_mode == "fast" and uses_step_probes(cfg)


def step_form(p: Probe, cfg) -> Callable[[StepInputs], dict[str, np.ndarray]] | None:
    """The form of ``p`` that reads the step's forward in ``cfg.probe_mode`` (None: it has none)."""
    return p.fast if cfg.probe_mode == "fast" else p.exact_step


def step_probes(cfg, probes: list[Probe]) -> list[Probe]:
    """The ``probe_every`` probes of ``probes`` evaluated on the step's own forward pass in this run (the others
    run on the float64 re-forward)."""
    if not uses_step_probes(cfg):
        return []
    return [p for p in probes if p.cadence == "probe_every" and step_form(p, cfg) is not None]


def _se_cols(cfg, cols: list[str]) -> list[str]:
    return cols + [c + "_se" for c in cols] if uses_fast_probes(cfg) else cols


def _ftf_fast(x: StepInputs) -> dict[str, np.ndarray]:
    v, se = ftf_offdiag_sampled(x.F, x.seeds, x.epoch, m=4 * x.cfg.probe_samples, cache=x.cache)
    return {"ftf_offdiag": _np(v), "ftf_offdiag_se": _np(se)}


def _np(t: torch.Tensor) -> np.ndarray:
    return t.cpu().numpy()


#: the probes whose ``exact_step`` form reads the shared Gram statistics (:func:`_gram`)
GRAM_PROBES = ("ftf_offdiag", "rho_tian")


def _gram(x: StepInputs) -> dict[str, torch.Tensor]:
    """The exact Gram statistics of the step's F (:func:`li2verify.train.grams.gram_stats`), computed once per
    evaluation and shared by the probes that read them; with a :class:`SharedCache`, every thread that asks for them
    while they are computed takes a share of the work (:func:`li2verify.train.grams.gram_work`, bitwise the same)."""
    if isinstance(x.cache, SharedCache):  # shared with the other thread evaluating these probes, if any
        return x.cache.shared("gram", lambda: gram_work(x.F))
    return _once(x.cache, "gram", lambda: gram_stats(x.F))


def _gf_step(x: StepInputs) -> dict[str, np.ndarray]:
    return {"gf_norm": _np(gf_norm_fast(x.out, x.V, x.y, x.cfg.beta, x.cfg.protocol))}


def _energy(x: ProbeInputs) -> dict[str, np.ndarray]:
    E = node_energy(x.F, x.Y)
    return {"energy_mean": _np(E.mean(1)), "energy_max": _np(E.max(1).values)}


def _signmatch(x: ProbeInputs) -> dict[str, np.ndarray]:
    wd = x.cfg.wd_values()
    sm = [signmatch(x.F[s:s + 1], max(wd[s], 1e-12)) for s in range(x.cfg.S)]
    return {"signmatch": np.array([r["signmatch"][0] for r in sm]),
            "signmatch_exact": np.array([r["signmatch_exact"][0] for r in sm])}


def _delta_cos(cur: dict, prev: dict, state) -> dict[str, np.ndarray]:
    out = {"dW_cos": _np(cosine_distance(cur["W"], prev["W"]))}
    if "V" in cur:
        out["dV_cos"] = _np(cosine_distance(cur["V"], prev["V"]))
    return out


def _eigengap(cur: dict, prev: dict, state: EigengapTracker) -> dict[str, np.ndarray]:
    g = state.push(cur["W"] - prev["W"])
    return {} if g is None else {k: _np(v) for k, v in g.items()}


PROBES: dict[str, Probe] = {p.name: p for p in (
    Probe("gf_norm", lambda cfg: ["gf_norm"], "fast: O(S·(nM² + KM²)), exact: O(S·n·K·M)", "probe_every",
          lambda x: {"gf_norm": _np(gf_norm(x.F, x.V, x.Y, x.cfg.beta, x.cfg.protocol))},
          memory=lambda d: d.S * d.n * d.M * 8 * 3 + d.S * d.n * d.K * 8 * d.c, fast=_gf_step, exact_step=_gf_step),
    Probe("ftf_offdiag", lambda cfg: _se_cols(cfg, ["ftf_offdiag"]),
          "fast: O(S·(nK + 2·n·m²)) sampled, m = 4·probe_samples columns; exact: O(S·n·K²)", "probe_every",
          lambda x: {"ftf_offdiag": _np(ftf_offdiag(x.F))},
          memory=lambda d: d.S * d.n * d.K * 8 * d.c + 2 * d.S * d.K * d.K * 8 * d.c, fast=_ftf_fast,
          exact_step=lambda x: {"ftf_offdiag": _np(ftf_offdiag_from_stats(_gram(x)))}),
    Probe("rho_tian", lambda cfg: _se_cols(cfg, ["rho_tian", "ffT_dist"]),
          "fast: O(S·(nK + 2·r·n·K)) sampled, r = probe_samples; exact: O(S·n·K²)", "probe_every",
          lambda x: {k: _np(v) for k, v in gram_levels(x.F).items()},
          memory=lambda d: 2 * d.S * d.n * d.K * 8 * d.c + 3 * d.S * (d.c * d.K) ** 2 * 8,
          fast=lambda x: {k: _np(v) for k, v in gram_levels_sampled(x.F, x.seeds, x.epoch,
                                                                     rows=x.cfg.probe_samples, cache=x.cache).items()},
          exact_step=lambda x: {k: _np(v) for k, v in gram_levels_from_stats(_gram(x), x.F.shape[-2]).items()}),
    Probe("delta_cos", lambda cfg: ["dW_cos"] + ([] if cfg.ridge_top else ["dV_cos"]), "O(S·M·K) per epoch",
          "every_epoch", _delta_cos),
    Probe("eigengap", lambda cfg: ["sigma1", "sigma2", "sigma3", "sigma4", "sigma5", "gap23"],
          "O(S·w·M·K) per epoch", "every_epoch", _eigengap,
          state_memory=lambda d: d.S * d.window * 2 * d.M * d.K * d.c * 8,
          setup=lambda cfg, group: EigengapTracker(cfg.eigengap_window)),
    Probe("energy", lambda cfg: ["energy_mean", "energy_max"], "O(S·n·K·M)", "probe_every", _energy,
          memory=lambda d: 2 * d.S * d.n * d.M * 8 + d.S * d.M * d.K * 8 * d.c),
    Probe("fourier", lambda cfg: ["fourier_conc", "fourier_distinct"], "O(S·M²·K)", "probe_every",
          lambda x: fourier_concentration(x.W, x.state, x.M),
          memory=lambda d: d.M * d.M * 8 * 2 + 6 * d.S * d.M * d.K * 8 * d.c,
          setup=lambda cfg, group: isotypic_bases(group)),
    Probe("signmatch", lambda cfg: ["signmatch", "signmatch_exact"], "O(S·(n·K² + K³))", "probe_every",
          _signmatch, memory=lambda d: 3 * d.n * d.n * 8 + 8 * d.K * d.K * 8 + 4 * d.n * d.K * 8 + d.K * d.K * 8 * 2),
)}
def exact_step_memory(d: ProbeDims, probes: list[Probe], itemsize: int = 4) -> int:
    """Peak extra bytes of the ``probe_mode="exact"`` step forms of ``probes`` on one seed chunk of ``d.S`` seeds whose
    F has ``itemsize``-byte entries.  The forms may run on two threads at once (side work), so the parts add up:
    the Gram statistics once, however many probes read them (:data:`GRAM_PROBES`,
    :func:`li2verify.train.grams.gram_stats_memory`), and ‖G_F‖'s float64 residual R, its centred copy and V."""
    names = {p.name for p in probes}
    b = gram_stats_memory(d.n, d.K, itemsize) if names & set(GRAM_PROBES) else 0
    if "gf_norm" in names:
        b += 2 * d.S * d.n * d.M * 8 + d.S * d.K * d.M * 8
    return b


#: Cost per evaluation by probe name (the table above).
PROBE_COSTS = {name: p.cost for name, p in PROBES.items()}
EVERY_EPOCH = tuple(name for name, p in PROBES.items() if p.cadence == "every_epoch")


def active_probes(cfg) -> list[Probe]:
    """The registry entries ``cfg.probes`` names, in registry order; ``ValueError`` naming unknown ones."""
    unknown = set(cfg.probes) - set(PROBES)
    if unknown:
        raise ValueError(f"TrainConfig.probes: unknown probes {sorted(unknown)}; known {sorted(PROBES)}")
    return [p for name, p in PROBES.items() if name in cfg.probes]
