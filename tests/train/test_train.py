"""Unit tests of the training engine (li2verify.train): reproducibility, resume, divergence, batching."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from li2verify.paper.li2 import backprop_gradient
from li2verify.train import TrainConfig, TrainingDiverged, load_metrics, train
from li2verify.train.config import ConfigError
from li2verify.train.data import critical_n, make_split, resolve_group, train_size
from li2verify.train.models import Batch, first_layer, hidden, init_params, loss_per_seed, output
from li2verify.train.optim import newton_schulz, polar

SMALL = dict(group="11", hidden=32, train_frac=0.5, lr=5e-3, wd=1e-3, epochs=30, probe_every=5,
             probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos", "eigengap"], eigengap_window=5)


def _equal_metrics(a, b):
    assert set(a) == set(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_reproducible_bitwise_from_seed():
    cfg = TrainConfig(seeds=[3, 4], **SMALL)
    r1, r2 = train(cfg), train(cfg)
    _equal_metrics(r1.metrics, r2.metrics)
    for k in r1.params:
        assert torch.equal(r1.params[k], r2.params[k])
    r3 = train(cfg.replace(seeds=[5, 4]))
    assert not np.array_equal(r1.metrics["train_loss"][:, 0], r3.metrics["train_loss"][:, 0])


class _Kill(BaseException):
    """Stands for SIGKILL: not an ``Exception``, so the run cannot record anything (status stays running)."""


@pytest.mark.parametrize("optimizer", ["adam", "muon"])
def test_kill_and_resume_gives_identical_final_metrics(tmp_path, optimizer):
    cfg = TrainConfig(seeds=[0, 1], checkpoint_every=7, optimizer=optimizer, **SMALL)
    ref = train(cfg, tmp_path / "ref")

    def killer(e, row):
        if e == 17:
            raise _Kill()

    with pytest.raises(_Kill):
        train(cfg, tmp_path / "run", on_epoch=killer)
    assert json.loads((tmp_path / "run" / "status.json").read_text())["status"] == "running"
    res = train(cfg, tmp_path / "run")  # same command again: resumes at the epoch-14 checkpoint
    _equal_metrics(ref.metrics, res.metrics)
    epochs, m, seeds = load_metrics(tmp_path / "run")
    assert list(epochs) == list(range(cfg.epochs + 1)) and seeds == [0, 1]
    # each (epoch, seed) row appears exactly once
    rows = (tmp_path / "run" / "metrics.csv").read_text().strip().splitlines()[1:]
    assert len(rows) == (cfg.epochs + 1) * 2
    # extending a finished run continues it; identical to a longer uninterrupted run
    longer = cfg.replace(epochs=40)
    ext = train(longer, tmp_path / "run")
    _equal_metrics(train(longer).metrics, ext.metrics)


def test_resume_refuses_a_different_config(tmp_path):
    cfg = TrainConfig(seeds=[0], **SMALL)
    train(cfg, tmp_path)
    with pytest.raises(ConfigError, match="different configuration"):
        train(cfg.replace(lr=1e-2), tmp_path)


def test_divergence_stops_with_clear_message(tmp_path):
    cfg = TrainConfig(seeds=[0, 1], **{**SMALL, "optimizer": "sgd", "lr": 1e4, "epochs": 50})
    with pytest.raises(TrainingDiverged, match=r"diverged at epoch \d+") as ei:
        train(cfg, tmp_path)
    st = json.loads((tmp_path / "status.json").read_text())
    assert st["status"] == "diverged"
    epochs, m, _ = load_metrics(tmp_path)
    assert epochs[-1] == st["epoch"] < 50
    assert not np.isfinite(m["train_loss"][-1]).all()
    assert np.isfinite(m["train_loss"][0]).all()
    assert "metrics up to epoch" in str(ei.value)


@pytest.mark.parametrize("extra", [{}, {"optimizer": "muon"}, {"complex_weights": True},
                                   {"ridge_top": True, "probes": ["gf_norm"]},
                                   {"layers": 2, "residual": True, "activation": "relu"}])
def test_batched_equals_unbatched_per_seed(extra):
    """Seed s of a batched run vs the same seed alone.  Elementwise updates are identical; batched matmuls
    may block differently, so equality is checked to float32 rounding accumulated over 30 steps."""
    cfg = TrainConfig(seeds=[0, 1, 2], wd_per_seed=[1e-3, 0.0, 5e-3], **{**SMALL, **extra})
    rb = train(cfg)
    for i, s in enumerate(cfg.seeds):
        r1 = train(cfg.replace(seeds=[s], wd_per_seed=[cfg.wd_per_seed[i]]))
        for k in ("train_loss", "test_loss", "train_acc", "test_acc"):
            np.testing.assert_allclose(rb.metrics[k][:, i], r1.metrics[k][:, 0], rtol=2e-4, atol=1e-5, err_msg=k)


def test_gather_equals_dense_and_gradient_matches_eqn2():
    torch.manual_seed(0)
    cfg = TrainConfig(group="7", hidden=16, train_frac=0.6, seeds=[0, 1], dtype="float64")
    g = resolve_group("7")
    n = train_size(7, train_frac=0.6)
    sp = [make_split(g, n, s) for s in cfg.seeds]
    b = Batch(*(torch.as_tensor(np.stack(x)) for x in ([s.train_pairs[:, 0] for s in sp],
                                                      [s.train_pairs[:, 1] for s in sp],
                                                      [s.train_targets for s in sp])))
    p = init_params(cfg, 7)
    W = p["W"].clone().requires_grad_(True)
    Wd = p["W"].clone().requires_grad_(True)
    hg, hd = first_layer(W, b, 7, "gather"), first_layer(Wd, b, 7, "dense")
    torch.testing.assert_close(hg, hd, rtol=0, atol=1e-15)
    (hg ** 3).sum().backward()
    (hd ** 3).sum().backward()
    torch.testing.assert_close(W.grad, Wd.grad, rtol=1e-13, atol=1e-13)
    # −∂J/∂F for J = ½‖P1⊥(Y − FV)‖² equals G_F = P1⊥(Y − FV)Vᵀ (Eqn 2)
    c2 = cfg.replace(loss="mse_sum")
    F = hidden(p, b, c2, 7).detach().requires_grad_(True)
    out, V = output(p, F, c2)
    loss_per_seed(out, b.y, c2).sum().backward()
    for s in range(2):
        Y = np.eye(7)[sp[s].train_targets]
        G = backprop_gradient(Y, F[s].detach().numpy(), V[s].numpy())
        np.testing.assert_allclose(-F.grad[s].numpy(), G, rtol=1e-12, atol=1e-12)


def test_muon_orthogonalizers():
    G = torch.randn(3, 20, 8, dtype=torch.float64)
    Q = polar(G)
    torch.testing.assert_close(Q.transpose(1, 2) @ Q, torch.eye(8, dtype=torch.float64).expand(3, 8, 8))
    s = torch.linalg.svdvals(newton_schulz(G))
    assert s.min() > 0.5 and s.max() < 1.3  # NS5 with the code's coefficients: approximate polar factor


def test_splits_and_critical_ratio():
    g = resolve_group("4x7")
    assert g.order == 28
    a, b = make_split(g, 100, 1), make_split(g, 100, 1)
    np.testing.assert_array_equal(a.train_pairs, b.train_pairs)
    assert len(a.train_pairs) == 100 and len(a.test_pairs) == 28 * 28 - 100
    assert not set(map(tuple, a.train_pairs)) & set(map(tuple, a.test_pairs))
    assert critical_n(71, 2.7482) == round(2.7482 * 71 * np.log(71))
    with pytest.raises(ValueError, match="unknown group spec"):
        resolve_group("not a group!")
    with pytest.raises(ConfigError, match="optimizer"):
        TrainConfig(optimizer="lbfgs").validate()


@pytest.mark.parametrize("act", ["square", "relu", "linear"])
@pytest.mark.parametrize("loss", ["mse", "mse_sum"])
def test_fused_manual_gradients_equal_autograd(act, loss):
    """The fused closed-form backward (models.manual_grads) vs autograd of the same loss, float64."""
    from li2verify.train.models import manual_grads
    from li2verify.train.run import build

    cfg = TrainConfig(group="13", hidden=64, train_frac=0.5, seeds=[0, 1], dtype="float64", activation=act,
                      loss=loss, beta=1.7)
    task, params, _ = build(cfg)
    F, out, l, g = manual_grads(params, task.train, cfg, task.M)
    F2 = hidden(params, task.train, cfg, task.M)
    o2, _ = output(params, F2, cfg)
    l2 = loss_per_seed(o2, task.train.y, cfg)
    gW, gV = torch.autograd.grad(l2.sum(), [params["W"], params["V"]])
    torch.testing.assert_close(l, l2.detach(), rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(g["W"], gW, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(g["V"], gV, rtol=1e-12, atol=1e-14)


def test_torch_newton_schulz_is_the_paper_routine_on_the_code_schedule():
    from li2verify.paper.muon import PAPER_CODE_NS_SCHEDULE
    from li2verify.paper.muon import newton_schulz as ns_numpy

    G = torch.randn(3, 6, 4, dtype=torch.float64)
    expect = np.stack([ns_numpy(g.numpy(), schedule=PAPER_CODE_NS_SCHEDULE) for g in G])
    assert np.allclose(newton_schulz(G).numpy(), expect, atol=1e-12)


def test_on_snapshot_sees_the_kept_snapshots_and_keeps_none():
    """train(on_snapshot=f) calls f at the keep_snapshots epochs with the very weights a kept snapshot copies, keeps
    no copy, and leaves the trajectory bitwise unchanged."""
    cfg = TrainConfig(group="13", hidden=16, layers=2, activation="relu", train_frac=0.5, epochs=12, seeds=[0, 1],
                      protocol="code", threads=1)
    kept = train(cfg, keep_snapshots=[0, 5, 12])
    seen = {}
    streamed = train(cfg, keep_snapshots=[0, 5, 12],
                     on_snapshot=lambda e, p: seen.__setitem__(e, {k: v.clone() for k, v in p.items()}))
    assert streamed.extras["snapshots"] == {} and sorted(seen) == [0, 5, 12]
    for e, p in kept.extras["snapshots"].items():
        assert all(torch.equal(p[k], seen[e][k]) for k in p)
    np.testing.assert_array_equal(kept.metrics["train_loss"], streamed.metrics["train_loss"])


def test_ridge_top_solves_a_seed_batch_at_any_cpu_thread_count():
    """torch 2.13's CPU batched float64 solve fails with 2 threads and several seeds (invalid LU pivots); the ridge
    top layer solves on one thread, so the result is finite, solves each seed's normal equations, and does not depend
    on the caller's thread count."""
    from li2verify.train.models import ridge_top
    from li2verify.train.threads import torch_threads

    g = torch.Generator().manual_seed(0)
    F, y = torch.randn(3, 400, 256, generator=g), torch.randint(0, 41, (3, 400), generator=g)
    with torch_threads(2):
        V2 = ridge_top(F, y, 41, 1e-3, "code")
    with torch_threads(1):
        V1 = ridge_top(F, y, 41, 1e-3, "code")
    assert torch.equal(V1, V2)
    Y = torch.nn.functional.one_hot(y, 41).double() - 1 / 41
    Fd = F.double()
    resid = Fd.transpose(1, 2) @ (Fd @ V2.double() - Y) + 1e-3 * V2.double()
    assert float(resid.abs().max()) < 1e-3 * float((Fd.transpose(1, 2) @ Y).abs().max())
