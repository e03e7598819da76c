"""The probe registry (li2verify.train.probes.PROBES), one test over every entry: a run with only that probe writes
exactly its columns, finite where the probe was evaluated (every ``probe_every`` epochs, or every epoch once the
probe has its history), and its memory model is counted by the run's estimate."""

import numpy as np
import pytest

from li2verify.train import TrainConfig
from li2verify.train.probes import PROBE_COSTS, PROBES, ProbeDims, active_probes
from li2verify.train.run import BASE_COLUMNS, ConfigError, estimate_memory, metric_columns, train


@pytest.mark.parametrize("name", sorted(PROBES))
def test_every_probe_runs_and_fills_its_columns(name):
    p = PROBES[name]
    assert p.name == name and p.cadence in ("probe_every", "every_epoch") and PROBE_COSTS[name] == p.cost
    cfg = TrainConfig(group="7", hidden=8, seeds=[0, 1], epochs=12, probe_every=4, eigengap_window=5, probes=[name])
    cols = p.columns(cfg)
    assert metric_columns(cfg) == list(BASE_COLUMNS) + cols
    res = train(cfg)
    for c in cols:
        v = res.metrics[c]
        assert v.shape == (len(res.epochs), 2)
        if p.cadence == "probe_every":
            at = (res.epochs % cfg.probe_every == 0) | (res.epochs == res.epochs[-1])
        else:  # needs the previous epoch (and, for the eigengap, a full window)
            at = res.epochs >= (cfg.eigengap_window if name == "eigengap" else 1)
        assert np.all(np.isfinite(v[at])), (c, v)
    dims = ProbeDims(S=2, n=25, K=8, M=7)
    assert p.memory(dims) >= 0 and p.state_memory(dims) >= 0
    with_probe = estimate_memory(cfg, 7, 25)[0]
    without = estimate_memory(cfg.replace(probes=[]), 7, 25)[0]
    assert with_probe >= without


def test_unknown_probe_is_a_config_error_naming_the_registry():
    cfg = TrainConfig(group="7", hidden=8, probes=["gf_norm", "nope"])
    with pytest.raises(ConfigError, match="nope"):
        metric_columns(cfg)
    with pytest.raises(ValueError, match="known"):
        active_probes(cfg)


def test_ridge_top_has_no_dv_column():
    assert PROBES["delta_cos"].columns(TrainConfig(ridge_top=True)) == ["dW_cos"]


# ---------------------------------------------------------------- fast forms vs exact forms
import torch  # noqa: E402

from li2verify.train import probes as P  # noqa: E402
from li2verify.train.models import hidden, one_hot, output  # noqa: E402
from li2verify.train.run import build, train_step  # noqa: E402


def _features(M=23, K=256, n=212, seeds=(0, 1), epochs=0):
    """The float32 F and Ŷ of a (possibly trained) Fig 3-type net, from the training step's own forward pass."""
    cfg = TrainConfig(group=str(M), hidden=K, n=n, train_frac=None, seeds=list(seeds), lr=5e-3, wd=2e-3,
                      probes=[], threads=1)
    task, params, opt = build(cfg)
    for _ in range(epochs):
        train_step(cfg, task, params, opt)
    held = {}
    train_step(cfg, task, params, opt, do_step=False,
               on_forward=lambda sl, F, o: held.update(F=F.clone(), out=o.clone()))
    return cfg, task, {k: v.detach().clone() for k, v in params.items()}, held["F"], held["out"]


def test_gf_norm_fast_is_the_exact_form():
    """β²⟨RᵀR, VᵀV⟩ = ‖R(βV)ᵀ‖²: equal to the float64 n×K form to rounding when fed the float64 Ŷ, and within
    float32 forward rounding (stated: relative 1e-5) when fed the step's float32 Ŷ."""
    cfg, task, params, F32, out32 = _features(epochs=30)
    p64 = {k: v.double() for k, v in params.items()}
    F64 = hidden(p64, task.train, cfg, task.M)
    out64, V64 = output(p64, F64, cfg)
    Y = one_hot(task.train.y, task.M, torch.float64)
    exact = P.gf_norm(F64, V64, Y)
    for beta in (1.0, 2.5):
        np.testing.assert_allclose(P.gf_norm_fast(beta * out64, V64, task.train.y, beta).numpy(),
                                   P.gf_norm(F64, V64, Y, beta).numpy(), rtol=1e-11)
    np.testing.assert_allclose(P.gf_norm_fast(out32, params["V"], task.train.y).numpy(), exact.numpy(), rtol=1e-5)


def test_ftf_offdiag_sampled_exact_with_all_columns_and_unbiased_with_a_subset():
    cfg, task, params, F, _ = _features(epochs=20)
    exact = P.ftf_offdiag(F.double()).numpy()
    full, se0 = P.ftf_offdiag_sampled(F, [0, 1], epoch=0, m=F.shape[-1])
    np.testing.assert_allclose(full.numpy(), exact, rtol=1e-5)
    assert np.all(se0.numpy() == 0)
    # a subset: each draw within 4 SE; over 60 independent draws the coverage of ±2 SE is near its nominal 95% and
    # the mean estimate is within 3 standard errors of the mean (unbiased)
    ests, ses = zip(*[(v.numpy(), s.numpy()) for v, s in (P.ftf_offdiag_sampled(F, [0, 1], e, m=48)
                                                        for e in range(60))])
    ests, ses = np.array(ests), np.array(ses)
    z = (ests - exact) / ses
    assert np.all(np.abs(z) < 4.5), z
    assert np.mean(np.abs(z) < 2) > 0.8
    assert np.all(np.abs(ests.mean(0) - exact) < 3 * ses.mean(0) / np.sqrt(60))


def test_gram_levels_sampled_exact_with_all_rows_and_within_its_error_with_a_subset():
    cfg, task, params, F, _ = _features(epochs=20)
    exact = {k: v.numpy() for k, v in P.gram_levels(F.double()).items()}
    full = P.gram_levels_sampled(F, [0, 1], epoch=0, rows=F.shape[1])
    for k in ("rho_tian", "ffT_dist"):
        np.testing.assert_allclose(full[k].numpy(), exact[k], rtol=1e-4)
        assert np.all(full[k + "_se"].numpy() == 0)
        draws = [P.gram_levels_sampled(F, [0, 1], e, rows=48) for e in range(60)]
        ests = np.array([d[k].numpy() for d in draws])
        ses = np.array([d[k + "_se"].numpy() for d in draws])
        z = (ests - exact[k]) / ses
        # the standard error is itself estimated from the sampled rows (heavier tails than a normal's)
        assert np.all(np.abs(z) < 7), (k, z)
        assert np.mean(np.abs(z) < 2) > 0.8, (k, np.mean(np.abs(z) < 2))
        # a ratio estimator: bias O(SE²), far inside the standard error of the mean over draws
        assert np.all(np.abs(ests.mean(0) - exact[k]) < 3 * ses.mean(0) / np.sqrt(60) + ses.mean(0) ** 2 / exact[k])


def test_fast_and_exact_probe_modes_agree_on_a_training_run():
    """The same run with probe_mode fast and exact: same trajectory (probes never touch it), ‖G_F‖ within float32
    forward rounding, the sampled diagnostics within 4 of their recorded standard errors."""
    base = TrainConfig(group="23", hidden=256, train_frac=0.4, lr=5e-3, wd=2e-3, epochs=40, probe_every=10,
                       seeds=[0, 1], probes=["gf_norm", "ftf_offdiag", "rho_tian"], probe_samples=16)
    fast, exact = train(base), train(base.replace(probe_mode="exact"))
    assert {"ftf_offdiag_se", "rho_tian_se", "ffT_dist_se"} <= set(fast.metrics)
    assert "ftf_offdiag_se" not in exact.metrics
    for k in ("train_loss", "test_acc"):
        np.testing.assert_array_equal(fast.metrics[k], exact.metrics[k])
    at = np.isfinite(exact.metrics["gf_norm"][:, 0])
    np.testing.assert_allclose(fast.metrics["gf_norm"][at], exact.metrics["gf_norm"][at], rtol=1e-4)
    for k in ("ftf_offdiag", "rho_tian", "ffT_dist"):
        err = np.abs(fast.metrics[k][at] - exact.metrics[k][at])
        assert np.all(err <= 4 * fast.metrics[k + "_se"][at] + 1e-6), (k, err, fast.metrics[k + "_se"][at])


def test_probe_mode_is_validated():
    with pytest.raises(ConfigError, match="probe_mode"):
        TrainConfig(probe_mode="approx").validate()
    with pytest.raises(ConfigError, match="probe_samples"):
        TrainConfig(probe_samples=1).validate()
