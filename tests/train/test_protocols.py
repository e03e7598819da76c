"""The training protocols (li2verify.train.protocols): every registered protocol's init, loss, fused gradients, ridge
top and split against independent forms written out here from the protocol's definition."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from li2verify.train import TrainConfig
from li2verify.train import protocols as proto
from li2verify.train.config import PROTOCOLS, ConfigError
from li2verify.train.data import train_size
from li2verify.train.models import hidden, init_params, loss_per_seed, manual_grads, output, ridge_top
from li2verify.train.run import build


def test_registry_and_config_agree():
    assert proto.PROTOCOLS == PROTOCOLS == tuple(proto.REGISTRY)
    assert TrainConfig().protocol == proto.DEFAULT_PROTOCOL
    with pytest.raises(ConfigError, match="protocol"):
        TrainConfig(protocol="paper").validate()
    with pytest.raises(ValueError, match="unknown protocol"):
        proto.get("nope")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_init_bound_is_one_over_sqrt_fan_in(protocol):
    M, K = 23, 256
    p = init_params(TrainConfig(group=str(M), hidden=K, seeds=[0, 1], protocol=protocol), M)
    fan_in = {"text": M, "code": 2 * M, "code_loss_only": M}[protocol]
    W = p["W"].abs()
    assert W.max() <= 1 / math.sqrt(fan_in)
    assert W.max() > 0.99 / math.sqrt(fan_in)  # the bound is reached (not a smaller one)
    assert p["V"].abs().max() <= 1 / math.sqrt(K) and p["V"].abs().max() > 0.99 / math.sqrt(K)


def _code_loss(o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The paper's code's "mse", written per sample: o_c = o − mean_classes(o); Σ_c o_c² − 2 o_c[y] + 1 − 1/M."""
    M = o.shape[-1]
    oc = o - o.mean(-1, keepdim=True)
    return (oc.pow(2).sum(-1) - 2 * oc.gather(-1, y.unsqueeze(-1)).squeeze(-1) + 1 - 1.0 / M).mean(-1)


def _text_loss(o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Eqn 1 with the code's 1/n scale: (1/n)‖P1⊥(Y − Ŷ)‖², P1⊥ = I − 11ᵀ/n along samples."""
    n, M = o.shape[-2], o.shape[-1]
    R = torch.nn.functional.one_hot(y, M).to(o.dtype) - o
    R = R - R.mean(-2, keepdim=True)
    return R.pow(2).sum((-2, -1)) / n


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_loss_is_the_protocols_definition(protocol):
    g = torch.Generator().manual_seed(0)
    o = torch.randn(3, 40, 11, generator=g, dtype=torch.float64)
    y = torch.randint(0, 11, (3, 40), generator=g)
    cfg = TrainConfig(protocol=protocol)
    ref = {"code": _code_loss, "text": _text_loss, "code_loss_only": _code_loss}[protocol](o, y)
    torch.testing.assert_close(loss_per_seed(o, y, cfg), ref, rtol=1e-13, atol=1e-13)
    # the two centrings are different losses (the text/code difference is real, not a relabelling)
    other = {"code": _text_loss, "text": _code_loss, "code_loss_only": _text_loss}[protocol](o, y)
    assert (ref - other).abs().min() > 1e-3


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("act", ["square", "relu"])
@pytest.mark.parametrize("loss", ["mse", "mse_sum"])
def test_fused_manual_gradients_equal_autograd(protocol, act, loss):
    """models.manual_grads (the fast path) vs autograd of loss_per_seed, per protocol, float64, β ≠ 1."""
    cfg = TrainConfig(group="13", hidden=48, train_frac=0.5, seeds=[0, 1], dtype="float64", activation=act,
                      loss=loss, beta=1.7, protocol=protocol)
    task, params, _ = build(cfg)
    F, out, lv, g = manual_grads(params, task.train, cfg, task.M)
    F2 = hidden(params, task.train, cfg, task.M)
    o2, _ = output(params, F2, cfg)
    l2 = loss_per_seed(o2, task.train.y, cfg)
    gW, gV = torch.autograd.grad(l2.sum(), [params["W"], params["V"]])
    torch.testing.assert_close(lv, l2.detach(), rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(g["W"], gW, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(g["V"], gV, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_ridge_top_solves_the_protocols_normal_equations(protocol):
    """V minimises ‖A(FV − T)‖² + λ‖V‖² with A = P1⊥, T = P1⊥Y (text) or A = I, T = Y − 1/M (code): checked by the
    stationarity condition written out in numpy (and, for code, against the SVD form s/(s² + λ) the code uses)."""
    g = torch.Generator().manual_seed(1)
    S, n, K, M, lam = 2, 30, 12, 7, 0.3
    F = torch.randn(S, n, K, generator=g, dtype=torch.float64) + 0.5
    y = torch.randint(0, M, (S, n), generator=g)
    V = ridge_top(F, y, M, lam, protocol).numpy()
    for s in range(S):
        Fs, Y = F[s].numpy(), np.eye(M)[y[s].numpy()]
        if protocol == "text":  # centred design and targets (Prop 1)
            A = np.eye(n) - 1.0 / n
            Fs, T = A @ Fs, A @ Y
        else:
            T = Y - 1.0 / M
            U, sv, Vt = np.linalg.svd(Fs, full_matrices=False)
            np.testing.assert_allclose(V[s], Vt.T @ ((U.T @ T) * (sv / (sv ** 2 + lam))[:, None]), atol=1e-10)
        np.testing.assert_allclose(Fs.T @ (Fs @ V[s] - T) + lam * V[s], 0, atol=1e-9)


def test_split_sizes():
    # text: round(p·M²); code: M² − ⌈(1 − p)·M²⌉ (a seeded split with test size 1 − p)
    assert train_size(23, train_frac=0.8) == 423 == train_size(23, train_frac=0.8, protocol="code")
    assert train_size(10, train_frac=0.555) == 56 and train_size(10, train_frac=0.555, protocol="code") == 55
    assert train_size(71, train_frac=0.4, protocol="code") == 2016
    n = train_size(97, critical_ratio=2.7482, protocol="code")
    assert n == 97 ** 2 - math.ceil((1 - 2.7482 * math.log(97) / 97) * 97 ** 2)


def test_fig11_setting_first_steps_differ_between_protocols():
    """Same seed, same split: the protocols start from different W (√2) and take different first steps."""
    base = TrainConfig(group="11", hidden=16, train_frac=0.8, seeds=[0], probes=[])
    a, b = init_params(base, 11), init_params(base.replace(protocol="code"), 11)
    torch.testing.assert_close(b["W"] * math.sqrt(2), a["W"], rtol=1e-6, atol=0)
    torch.testing.assert_close(b["V"], a["V"], rtol=0, atol=0)


def test_cli_protocol_option_reaches_config_and_provenance(tmp_path):
    import json

    from click.testing import CliRunner

    from li2verify.commands.train import train_cmd

    r = CliRunner().invoke(train_cmd, ["--protocol", "paper"])
    assert r.exit_code == 2 and "--protocol" in r.output
    out = tmp_path / "run"
    r = CliRunner().invoke(train_cmd, ["--protocol", "code", "--group", "7", "--hidden", "8", "--epochs", "2",
                                       "--probes", "gf_norm", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads((out / "config.json").read_text())["protocol"] == "code"
    assert json.loads((out / "provenance.json").read_text())["starts"][-1]["protocol"] == "code"


def test_sweep_cell_carries_the_protocol():
    from li2verify.sweep.spec import Cell, SweepSpec

    text = Cell("Z7", 0.5, None, 0, 1e-3, 1e-3, 8, 10)
    code = Cell("Z7", 0.5, None, 0, 1e-3, 1e-3, 8, 10, protocol="code")
    assert text.train_config().protocol == "text" and code.train_config().protocol == "code"
    assert text.program_key != code.program_key and text.cell_id != code.cell_id
    spec = SweepSpec.from_dict({"groups": ["Z7"], "p": [0.5], "protocol": "code"})
    assert {c.protocol for c in spec.cells()} == {"code"}
    with pytest.raises(ValueError, match="protocol"):
        SweepSpec.from_dict({"groups": ["Z7"], "p": [0.5], "protocol": "paper"})


def test_deeper_layers_follow_the_protocol():
    """text: F_2 = σ(F_1W_2); code: F_2 = σ(F_1 + F_1W_2) (the code's `x = x + layer(x); x = act(x)`)."""
    base = TrainConfig(group="7", hidden=8, layers=2, activation="relu", seeds=[0], train_frac=0.5, probes=[])
    for protocol in ("text", "code"):
        cfg = base.replace(protocol=protocol)
        task, params, _ = build(cfg)
        F, Fs = hidden(params, task.train, cfg, task.M, return_all=True)
        F1, W2 = Fs[0].detach(), params["W2"].detach()
        want = torch.relu(F1 + F1 @ W2) if protocol == "code" else torch.relu(F1 @ W2)
        torch.testing.assert_close(F.detach(), want)
    with pytest.raises(ConfigError, match="residual"):
        base.replace(protocol="code", residual=True)
