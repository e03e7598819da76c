"""The exact-mode Gram forms (li2verify.train.grams): float32 GEMMs over row blocks accumulated in float64 give the
F̃ᵀF̃ off-diagonal ratio, ρ_tian and ffT_dist of the float32 F within the module's stated error bound of the float64
references (the dense n×n form and the float64 K×K forms), and a probe_mode="exact" run reads them from the
step's own forward pass."""

import numpy as np
import pytest
import torch

from li2verify.train import TrainConfig
from li2verify.train import probes as P
from li2verify.train.grams import error_bound, gram_stats
from li2verify.train.run import train

G = torch.Generator().manual_seed(0)
INSTANCES = {
    # squared Gaussians: non-negative features with means comparable to their spread (the σ = x² net's F)
    "square": torch.randn(2, 300, 96, generator=G) ** 2,
    "gauss": torch.randn(2, 257, 130, generator=G),
    # a large common mean: centring after forming FᵀF would cancel most digits; the shifted blocks do not
    "offset": torch.randn(1, 150, 40, generator=G) + 30.0,
    "tiny": torch.randn(1, 5, 3, generator=G),
}
BLOCKS = [(1024, 256), (64, 17), (7, 1), (10 ** 6, 10 ** 6)]


def _bounds(F: torch.Tensor, row_block: int) -> tuple[float, torch.Tensor, torch.Tensor]:
    """ε, the bound on |Δ ftf_offdiag| (ε(1 + r)/(1 − ε)) and on |Δρ²| (10ε·tr FᵀF/‖FᵀF‖_F), per seed."""
    eps = error_bound(F.shape[1], row_block)
    F64 = F.double()
    C = F64.transpose(1, 2) @ F64
    r = P.ftf_offdiag(F64)
    return eps, eps * (1 + r) / (1 - eps), 10 * eps * torch.diagonal(C, dim1=1, dim2=2).sum(1) / torch.linalg.matrix_norm(C)


@pytest.mark.parametrize("name", sorted(INSTANCES))
@pytest.mark.parametrize("blocks", BLOCKS, ids=lambda b: f"rows{b[0]}-cols{b[1]}")
def test_gram_forms_match_the_float64_references_within_the_stated_bound(name, blocks):
    """The tolerance is the module's worst-case bound (float32 GEMM rounding over ``row_block`` rows, the float32
    shift); the float64 references see the same float32 F, so the bound is the whole difference.  A second,
    tighter check (relative 1e-6, √m·2⁻²⁴ for m ≤ 1024 rows) holds because float32 rounding errors of both signs
    cancel in the sums."""
    F = INSTANCES[name]
    st = gram_stats(F, *blocks)
    F64 = F.double()
    _, ftf_tol, rho2_tol = _bounds(F, blocks[0])
    ftf = P.ftf_offdiag_from_stats(st)
    ftf_ref = P.ftf_offdiag(F64)
    assert torch.all((ftf - ftf_ref).abs() <= ftf_tol), (ftf, ftf_ref)
    torch.testing.assert_close(ftf, ftf_ref, rtol=1e-6, atol=0)
    lv = P.gram_levels_from_stats(st, F.shape[1])
    for ref in (P._gram_levels_dense(F64), P.gram_levels(F64)):
        for k in ("rho_tian", "ffT_dist"):
            assert torch.all((lv[k] ** 2 - ref[k] ** 2).abs() <= rho2_tol), (k, lv[k], ref[k])
            torch.testing.assert_close(lv[k], ref[k], rtol=1e-6, atol=1e-9)


def test_gram_stats_parts_are_the_float64_gram_quantities():
    F = INSTANCES["square"]
    F64 = F.double()
    Fc = F64 - F64.mean(1, keepdim=True)
    A = Fc.transpose(1, 2) @ Fc
    C = F64.transpose(1, 2) @ F64
    st = gram_stats(F, row_block=100, col_block=40)
    K = F.shape[-1]
    ref = {"diag_mean": torch.diagonal(A, dim1=1, dim2=2).mean(1),
           "offdiag_abs_mean": (A.abs().sum((1, 2)) - torch.diagonal(A, dim1=1, dim2=2).abs().sum(1)) / (K * (K - 1)),
           "A_norm2": (A * A).sum((1, 2)), "AC": (A * C).sum((1, 2)), "C_norm2": (C * C).sum((1, 2)),
           "trA": torch.diagonal(A, dim1=1, dim2=2).sum(1), "trC": torch.diagonal(C, dim1=1, dim2=2).sum(1),
           "sum2": F64.sum(1).square().sum(1)}
    for k, v in ref.items():
        torch.testing.assert_close(st[k], v, rtol=1e-6, atol=0, msg=k)


def test_gram_stats_refuses_complex_and_integer_features():
    with pytest.raises(TypeError):
        gram_stats(torch.zeros(1, 4, 3, dtype=torch.complex64))
    with pytest.raises(TypeError):
        gram_stats(torch.zeros(1, 4, 3, dtype=torch.int64))


def test_exact_mode_reads_the_step_forward_and_matches_the_float64_reforward():
    """probe_mode="exact" on the fused net: no *_se columns, the three diagnostics from the step's float32 F equal
    the float64 re-forward forms (the previous exact route) to float32 forward rounding (relative 1e-5, as for
    ‖G_F‖ in test_probes), and the trajectory is untouched."""
    from li2verify.train import run as R

    cfg = TrainConfig(group="23", hidden=256, train_frac=0.4, lr=5e-3, wd=2e-3, epochs=20, probe_every=5,
                      seeds=[0, 1], probes=["gf_norm", "ftf_offdiag", "rho_tian"], probe_mode="exact")
    assert [p.name for p in P.step_probes(cfg, P.active_probes(cfg))] == ["gf_norm", "ftf_offdiag", "rho_tian"]
    assert not P.uses_fast_probes(cfg)
    seen = {}
    res = train(cfg, keep_snapshots=[0, 10, 20])
    assert not any(c.endswith("_se") for c in res.metrics)
    task = res.extras["task"]
    for e, params in res.extras["snapshots"].items():
        seen[e] = R._expensive_probes(cfg, task, params, {})
        i = int(np.flatnonzero(res.epochs == e)[0])
        for k in ("gf_norm", "ftf_offdiag", "rho_tian", "ffT_dist"):
            np.testing.assert_allclose(res.metrics[k][i], seen[e][k], rtol=1e-5, err_msg=f"{k} at epoch {e}")
    fast = train(cfg.replace(probe_mode="fast"))
    np.testing.assert_array_equal(fast.metrics["train_loss"], res.metrics["train_loss"])
