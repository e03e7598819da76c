"""Exact K×K Gram statistics of the training step's float32 hidden features F (S, n, K), for the ``probe_mode="exact"``
forms of the Fig 3 diagnostics (:mod:`li2verify.train.probes`): one centred Gram A = F̃ᵀF̃ per seed feeds the
F̃ᵀF̃ off-diagonal ratio, ρ_tian (paper 003, Eqn 7) and the code's ``fit_diag_11`` distance of FFᵀ.

"Exact" means not sampled: every entry of A enters, computed from the float32 F the step itself used (no second
forward pass, no float64 copy of F, no n×n matrix).  How:

- the column means μ = Fᵀ1/n are summed in float64 and rounded to float32, c = fl(μ); each block of
  ``row_block`` rows is shifted in float32, B = fl(F_I − 1cᵀ) (so the products below see centred data and no
  large mean cancels afterwards);
- A_s = Σ_blocks BᵀB: each block's product is one float32 GEMM, accumulated in float64 across blocks.  Only the
  upper block triangle is formed (column strips [i, K) for each block of ``col_block`` columns: ≈ ½ + ``col_block``/2K
  of the 2nK² FLOPs of the full Gram; torch has no SYRK);
- with S_c = Σ_i B_i (float64) the centred Gram is A = A_s − S_cS_cᵀ/n (exact for the shifted data, whatever c),
  the mean is μ = c + S_c/n, and FᵀF = A + nμμᵀ, so ‖FᵀF‖² = ‖A‖² + 2n μᵀAμ + n²‖μ‖⁴ and
  ⟨A, FᵀF⟩ = ‖A‖² + n μᵀAμ (paper 003 Eqn 7 with ‖P1⊥FFᵀ‖²_F = ⟨F̃ᵀF̃, FᵀF⟩): sums of non-negative terms, no
  cancellation.  Sums over the symmetric A run over the strips with weight 1 on diagonal blocks and 2 elsewhere.

Error bound (float32 unit roundoff u = 2⁻²⁴, γ_m = m·u/(1 − m·u)).  The shift rounds each entry by at most
u·|F_ij − c_j|, and a float32 GEMM over m = ``row_block`` rows errs by at most γ_m Σ_i |B_ij B_il|; the float64
sums add O(n/m · 2⁻⁵³).  Hence, with ε = γ_m + 2u + u² (≈ 6.1e-5 at m = 1024),

    |A_jl − (F̃ᵀF̃)_jl| ≤ ε·√(A_jj A_ll)        (Cauchy–Schwarz on Σ_i |B_ij B_il|)

for the exact centred Gram of the float32 F, to first order in u (‖B_j‖² = A_jj + n(μ_j − c_j)² and
|μ_j − c_j| ≤ u|μ_j|).  Consequences, used by the tests:

- ``ftf_offdiag`` r = mean|A_jl|_{j≠l} / mean A_jj: since mean_{j≠l} √(A_jj A_ll) ≤ mean_j A_jj,
  |Δr| ≤ ε(1 + r)/(1 − ε);
- |Δ‖A‖²| ≤ 2ε·tr A·‖A‖_F and |Δ(n μᵀAμ)| ≤ ε·tr A·n‖μ‖², and ‖A‖_F + n‖μ‖² ≤ √2‖FᵀF‖_F (A and nμμᵀ are
  PSD), so ‖FᵀF‖² and ⟨A, FᵀF⟩ err by at most 2√2·ε·tr A·‖FᵀF‖_F; the trace terms of the fit err by
  O(ε·(tr FᵀF)²/n) ≤ O(ε·tr FᵀF·‖FᵀF‖_F).  So ρ² (either level) errs by at most about
  10·ε·tr(FᵀF)/‖FᵀF‖_F ≤ 10·ε·√K in absolute terms — a worst case: rounding errors of both signs cancel,
  and the observed relative error is near √m·u ≈ 1e-6.
"""

from __future__ import annotations

import torch

from li2verify.train.staged import StagedWork

#: rows per float32 GEMM (the error bound's m) and columns per strip of the upper block triangle
ROW_BLOCK = 1024
COL_BLOCK = 256
_U32 = 2.0 ** -24


def error_bound(n: int, row_block: int = ROW_BLOCK) -> float:
    """ε of the module docstring: |A_jl − (F̃ᵀF̃)_jl| ≤ ε·√(A_jj A_ll) for a float32 F of n rows, ``row_block`` rows
    per GEMM."""
    m = min(n, row_block)
    g = m * _U32 / (1 - m * _U32)
    return g + 2 * _U32 + _U32 * _U32


def gram_stats(F: torch.Tensor, row_block: int = ROW_BLOCK, col_block: int = COL_BLOCK) -> dict[str, torch.Tensor]:
    """Per seed (float64, shape (S,)): from the centred Gram A = F̃ᵀF̃ of the real F (S, n, K) —

    ``diag_mean`` mean_j A_jj, ``offdiag_abs_mean`` mean_{j≠l} |A_jl|, ``A_norm2`` ‖A‖²_F, ``AC`` ⟨A, FᵀF⟩,
    ``C_norm2`` ‖FᵀF‖²_F, ``trA`` tr A, ``trC`` tr FᵀF, ``sum2`` ‖Fᵀ1‖² — see the module docstring for the method
    and its error bound.  Cost model: ≈ n·K·(K + ``col_block``) FLOPs per seed in float32 GEMMs (≈ 9.5 GFLOP at
    n = 2016, K = 2048) plus O(n/``row_block``·K²/2) float64 additions; memory ≈ K²/2 float64 + ``row_block``·K
    float32 per seed, evaluated one seed at a time.  On the calling thread alone; :func:`gram_work` is the same
    computation shared by several threads."""
    return gram_work(F, row_block, col_block).run()


def gram_work(F: torch.Tensor, row_block: int = ROW_BLOCK, col_block: int = COL_BLOCK) -> StagedWork:
    """:func:`gram_stats` as a :class:`~li2verify.train.staged.StagedWork` that every thread calling its ``run()``
    shares: per seed, the column means and each row block's shift run on one thread, the block's strip GEMMs (one
    task per column strip of the upper block triangle, the largest first) and the strips' sums on any.  Each task is
    the arithmetic of the one-thread loop (each strip accumulated over the row blocks in order, the per-strip sums
    added in strip order), so the statistics are bitwise those of a one-thread run, however many threads share
    it; each thread holds its own strip product buffers."""
    if F.is_complex() or not F.is_floating_point():
        raise TypeError(f"gram_stats needs real floating F, got {F.dtype}")
    S, n, K = F.shape
    dt = torch.float64
    keys = ("diag_mean", "offdiag_abs_mean", "A_norm2", "AC", "C_norm2", "trA", "trC", "sum2")
    out = {k: torch.empty(S, dtype=dt, device=F.device) for k in keys}
    starts = list(range(0, K, col_block))
    # explicit casts into buffers reused by every block and seed (each is overwritten before it is read): torch's
    # mixed-dtype sums and in-place adds are many times slower, and fresh multi-MB temporaries cost page faults
    # comparable to the additions themselves; gram_stats_memory counts them
    strips = [torch.empty(min(col_block, K - i), K - i, dtype=dt, device=F.device) for i in starts]
    Sc = torch.empty(K, dtype=dt, device=F.device)
    rows = min(n, row_block)
    B = torch.empty(rows, K, dtype=F.dtype, device=F.device)
    B64 = torch.empty(rows, K, dtype=dt, device=F.device)
    diag = torch.empty(K, dtype=dt, device=F.device)
    cb = min(col_block, K)
    st: dict = {}  # the current seed's shift c, mean μ, current row block and the strips' sums

    def products(scratch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        if "p32" not in scratch:
            scratch["p32"] = torch.empty(cb * K, dtype=F.dtype, device=F.device)
            scratch["p64"] = torch.empty(cb * K, dtype=dt, device=F.device)
        return scratch["p32"], scratch["p64"]

    def mean(s: int) -> None:
        st["c"] = (F[s].double().sum(0) / n).to(F.dtype)
        Sc.zero_()

    def shift(s: int, r0: int) -> None:
        m = min(row_block, n - r0)
        st["Bm"] = Bm = torch.sub(F[s][r0:r0 + m], st["c"], out=B[:m])
        Sc.add_(B64[:m].copy_(Bm).sum(0))
        if r0 + m == n:
            st["mu"] = st["c"].to(dt) + Sc / n

    def gemm(r0: int, j: int, scratch: dict) -> None:
        i, acc, Bm = starts[j], strips[j], st["Bm"]
        p32, p64 = products(scratch)
        prod = torch.mm(Bm[:, i:i + col_block].T, Bm[:, i:], out=p32[:acc.numel()].view(acc.shape))
        if r0 == 0:
            acc.copy_(prod)
        else:
            acc += p64[:acc.numel()].view(acc.shape).copy_(prod)

    def strip_sums(j: int) -> None:
        i, A, mu = starts[j], strips[j], st["mu"]
        kb = A.shape[0]
        A.addr_(Sc[i:i + kb], Sc[i:], alpha=-1.0 / n)          # A_s − S_cS_cᵀ/n: the centred Gram's strip
        diag[i:i + kb] = torch.diagonal(A[:, :kb])
        Ad, Ao = A[:, :kb], A[:, kb:]                          # diagonal block (weight 1), the rest (weight 2)
        st[j] = (Ad.abs().sum(), Ao.abs().sum(), Ad.square().sum(), Ao.square().sum(),
                 mu[i:i + kb] @ (Ad @ mu[i:i + kb] + 2 * (Ao @ mu[i + kb:])))

    def seed_stats(s: int) -> None:
        abs_sum = a2 = quad = Sc.new_zeros(())
        for j in range(len(starts)):
            ad, ao, sd, so, q = st.pop(j)
            abs_sum = abs_sum + ad + 2 * ao
            a2 = a2 + sd + 2 * so
            quad = quad + q
        mu = st["mu"]
        mm = mu @ mu
        trA = diag.sum()
        out["diag_mean"][s] = trA / K
        out["offdiag_abs_mean"][s] = (abs_sum - diag.abs().sum()) / (K * (K - 1))
        out["A_norm2"][s] = a2
        out["AC"][s] = a2 + n * quad
        out["C_norm2"][s] = a2 + 2 * n * quad + n * n * mm * mm
        out["trA"][s] = trA
        out["trC"][s] = trA + n * mm
        out["sum2"][s] = n * n * mm

    stages: list[list] = []
    for s in range(S):
        stages.append([lambda _, s=s: mean(s)])
        for r0 in range(0, n, row_block):
            stages.append([lambda _, s=s, r0=r0: shift(s, r0)])
            stages.append([lambda scr, r0=r0, j=j: gemm(r0, j, scr) for j in range(len(starts))])
        stages.append([lambda _, j=j: strip_sums(j) for j in range(len(starts))])
        stages.append([lambda _, s=s: seed_stats(s)])
    return StagedWork(stages, out)


def gram_stats_memory(n: int, K: int, itemsize: int = 4, row_block: int = ROW_BLOCK, col_block: int = COL_BLOCK,
                      threads: int = 2) -> int:
    """Peak bytes :func:`gram_stats` allocates for an F of n rows and K columns (``itemsize`` bytes per entry),
    whatever the number of seeds: the float64 upper block strips of A (≈ K²/2 + ``col_block``·K/2 entries), a
    block of ``row_block`` rows in F's dtype and in float64, one strip product in both per thread sharing the work
    (:func:`gram_work`; ``threads``: the training step's thread and its side worker), the float64 vectors, and the
    larger of the float64 copy of one seed's F (its column means) and a strip-sized temporary (the sums of |A|, A²)."""
    strips = sum(min(col_block, K - i) * (K - i) for i in range(0, K, col_block))
    rows, cb = min(n, row_block), min(col_block, K)
    held = 8 * strips + rows * K * (itemsize + 8) + threads * cb * K * (itemsize + 8) + 8 * 4 * K
    return held + max(8 * n * K, 8 * cb * K)
