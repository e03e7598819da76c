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
