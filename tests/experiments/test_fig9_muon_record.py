"""The run record ``fig9-muon-paper`` (li2verify/experiments/run_record_specs/fig9_muon.py): a unit's trajectory does
not depend on its batch, the re-check's prefix is the record's first epochs, its compare refuses a perturbed unit,
and the training script's Muon step (``muon_style="script"``) is the update it states."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from li2verify.experiments import run_records as R
from li2verify.experiments.run_record_specs import fig9_muon as F

EPOCHS = 30


def _tiny(units):
    return F.SPEC.compute({**F.SPEC.config, "epochs": EPOCHS}, units)


def test_a_unit_alone_equals_the_unit_inside_its_batch():
    units = [u for u in F.SPEC.units if u["K"] == 32 and u["condition"] == "muon(NS)"][:3]
    batch = _tiny(units)
    alone = _tiny([units[1]])
    for k, v in alone.items():
        assert np.array_equal(v[0], batch[k][1], equal_nan=True), k


def test_mixed_units_come_back_in_their_order():
    units = [F.SPEC.units[0], F.SPEC.units[-1]]  # (32, adam, 10) and (64, muon(polar), 24)
    both = _tiny(units)
    assert np.array_equal(both["test_loss"][1], _tiny([units[1]])["test_loss"][0])
    assert both["epochs"].shape == (2, EPOCHS // F.FIG9_EVAL_EVERY + 1)


def test_the_prefix_is_the_start_of_the_horizon_and_compare_refuses_a_perturbed_unit():
    unit = [F.SPEC.units[len(F.FIG9_SEEDS)]]  # K = 32, muon(NS), seed 10
    full = {k: v[0] for k, v in _tiny(unit).items()}
    prefix = {k: v[0] for k, v in F.SPEC.compute({**F.SPEC.config, "epochs": 21}, unit).items()}
    for bitwise in (True, False):
        assert F.SPEC.compare(full, prefix, bitwise) is None
    bad = {**full, "test_loss": full["test_loss"].copy()}
    bad["test_loss"][1] *= 1 + 1e-7
    assert "not bitwise" in F.SPEC.compare(bad, prefix, True)
    assert F.SPEC.compare(bad, prefix, False) is None  # inside the stated tolerance
    bad["test_loss"][1] *= 1 + 2 * F.FIG9_RECHECK_RTOL
    assert "relative deviation" in F.SPEC.compare(bad, prefix, False)
    acc = {**full, "test_acc": full["test_acc"] + 2 * F.FIG9_RECHECK_ATOL_ACC}
    assert "absolute deviation" in F.SPEC.compare(acc, prefix, False)


def test_a_perturbed_record_is_not_reproduced(tmp_path, monkeypatch):
    """A tiny copy made into a temp folder re-checks; the same record with one unit's row changed does not."""
    spec = dataclasses.replace(F.SPEC, name="fig9-muon-smoke", config={**F.SPEC.config, "epochs": EPOCHS},
                               units=F.SPEC.units[:2], batch=2,
                               recheck_config=lambda c: {**c, "epochs": 21})
    monkeypatch.setitem(R._REGISTRY, spec.name, spec)
    path = R.make(spec.name, tmp_path / "work", tmp_path / "rec")
    rec = R.load(spec.name, path)
    assert R.recheck(rec, k=2, seed=0).agree
    arrays = {k: v.copy() for k, v in rec.arrays.items()}
    arrays["test_loss"][1, 1] += 1e-3
    chk = R.recheck(dataclasses.replace(rec, arrays=arrays), k=2, seed=0)
    assert not chk.agree and "unit" in chk.why()


def test_script_muon_step_is_the_stated_update():
    """θ ← θ(1 − lr·η) − lr·orth(m), m ← 0.99·m + 0.01·g, W orthogonalized whole (polar: exact U Vᵀ)."""
    from li2verify.train.config import TrainConfig
    from li2verify.train.optim import BatchedOptimizer

    M, K = 5, 3
    cfg = TrainConfig(group=str(M), hidden=K, optimizer="muon", muon_orth="polar", muon_style="script", lr=0.1,
                      wd=0.5, dtype="float64").validate()
    g = torch.Generator().manual_seed(0)
    W = torch.randn(1, 2 * M, K, generator=g, dtype=torch.float64)
    V = torch.randn(1, K, M, generator=g, dtype=torch.float64)
    G = torch.randn(1, 2 * M, K, generator=g, dtype=torch.float64)
    opt = BatchedOptimizer(cfg, {"W": W.clone(), "V": V.clone()}, M)
    params = {"W": W.clone(), "V": V.clone()}
    opt.step(params, {"W": G, "V": torch.zeros_like(V)})
    m = 0.01 * G[0]
    U, _, Vh = torch.linalg.svd(m, full_matrices=False)
    want = W[0] * (1 - 0.1 * 0.5) - 0.1 * (U @ Vh)
    assert torch.allclose(params["W"][0], want, atol=1e-12)


@pytest.mark.parametrize("bad", ["nesterov", ""])
def test_unknown_muon_style_is_refused(bad):
    from li2verify.train.config import ConfigError, TrainConfig

    with pytest.raises(ConfigError, match="muon_style"):
        TrainConfig(muon_style=bad).validate()
