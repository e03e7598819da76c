"""li2verify.experiments.run_record_specs.fig3: the compares of the two Fig 3 run records on constructed rows (each
tolerance at and past its edge), and the η-sweep record made and re-checked end to end on a small copy (a re-run
over a prefix, in another batch, equals the record's rows)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from li2verify.experiments import run_records as R
from li2verify.experiments.run_record_specs import fig3 as F

E = 40


def _eta_row(eta=1e-3, seed=10, t_test=20, t_train=6) -> dict:
    ep = np.arange(E + 1)
    acc = lambda t: np.where(ep % 2 == 0, (ep >= t).astype(float), np.nan)  # noqa: E731
    return {"eta": np.float64(eta), "seed": np.int64(seed), "epochs": ep, "init_perturbation": np.float64(0.0),
            "train_loss": np.linspace(1.0, 0.1, E + 1), "train_acc": acc(t_train), "test_acc": acc(t_test),
            "gf_norm": np.where(ep % 20 == 0, 1.0 + ep / 100.0, np.nan)}


def _prefix(row: dict, T: int) -> dict:
    return {k: (v[:T + 1] if np.ndim(v) else v) for k, v in row.items()}


def test_eta_compare_bitwise_reads_the_trajectory_exactly_and_the_gf_probe_to_rounding():
    old = _eta_row()
    assert F.eta_compare(old, _prefix(old, 20), True) is None
    new = _prefix(old, 20)
    new["gf_norm"] = new["gf_norm"] * (1 + 1e-15)        # the probe's batch-dependent summation order
    assert F.eta_compare(old, new, True) is None
    new["gf_norm"] = new["gf_norm"] * (1 + 1e-9)
    assert "‖G_F‖ differs" in F.eta_compare(old, new, True)
    new = _prefix(old, 20)
    new["train_loss"] = new["train_loss"].copy()
    new["train_loss"][-1] += 1e-7                        # the prefix's last row: the final evaluation's train loss
    assert F.eta_compare(old, new, True) is None
    new["train_loss"][5] += 1e-7
    assert "not bitwise" in F.eta_compare(old, new, True)


def test_eta_compare_elsewhere_within_the_stated_tolerances():
    old = _eta_row()
    new = _prefix(old, E)
    new["gf_norm"] = new["gf_norm"] * (1 + 0.9 * F.ETA_GF_RTOL)
    assert F.eta_compare(old, new, False) is None
    new["gf_norm"] = old["gf_norm"] * (1 + 1.1 * F.ETA_GF_RTOL)
    assert "‖G_F‖ differs" in F.eta_compare(old, new, False)
    # a crossing moved by 4 epochs = 2 evaluations agrees, by 6 does not; one that never comes disagrees
    assert F.eta_compare(old, _eta_row(t_test=24), False) is None
    assert "test acc" in F.eta_compare(old, _eta_row(t_test=26), False)
    assert "never" in F.eta_compare(old, _eta_row(t_test=99), False)
    assert "another eta" in F.eta_compare(old, _eta_row(eta=2e-3), False)
    assert "another init_perturbation" in F.eta_compare(old, {**old, "init_perturbation": np.float64(1e-6)}, True)


def _gram_row(seed=0, t_test=100, shift=0.0) -> dict:
    ep = np.arange(0, 201, 25)
    r = {"seed": np.int64(seed), "epochs": ep, "init_perturbation": np.float64(0.0),
         "test_acc": (ep >= t_test).astype(float)}
    for i, k in enumerate(F.GRAM_METRICS):
        r[k] = 0.02 + 0.01 * i + ep / 1e4 + shift
    return r


def test_gram_compare_bitwise_and_elsewhere():
    old = _gram_row()
    pre = {k: (v[:5] if np.ndim(v) else v) for k, v in old.items()}
    assert F.gram_compare(old, pre, True) is None
    assert "not bitwise" in F.gram_compare(old, {**pre, "rho_tian": pre["rho_tian"] + 1e-12}, True)
    assert F.gram_compare(old, _gram_row(shift=0.9 * F.GRAM_ATOL), False) is None
    assert "ratio differs" in F.gram_compare(old, _gram_row(shift=1.1 * F.GRAM_ATOL), False)
    assert F.gram_compare(old, _gram_row(t_test=150), False) is None          # 2 evaluations later
    assert "test acc" in F.gram_compare(old, _gram_row(t_test=175), False)
    assert "another seed" in F.gram_compare(old, _gram_row(seed=1), False)


def test_the_eta_sweep_record_of_a_small_copy_rechecks_bitwise(tmp_path):
    spec = R.get_spec(F.ETA_RECORD)
    small = dataclasses.replace(spec, name="test-fig3-eta-small", config={**spec.config, "epochs": 60},
                                units=spec.units[:8], batch=4, recheck_config=lambda c: {**c, "epochs": 20})
    R._REGISTRY.setdefault(small.name, small)
    try:
        path = R.make(small.name, tmp_path / "work", tmp_path / "rec")
        rec = R.load(small.name, path)
        assert rec.arrays["gf_norm"].shape == (8, 61)
        chk = R.recheck(rec, k=3, seed=0)
        assert chk.bitwise and chk.agree, chk.why()
    finally:
        R._REGISTRY.pop(small.name, None)


@pytest.mark.parametrize("name", [F.ETA_RECORD, F.GRAM_RECORD])
def test_the_records_are_defined_at_the_claims_settings(name):
    spec = R.get_spec(name)
    if name == F.ETA_RECORD:
        assert spec.config["epochs"] == 2500 and len(spec.units) == 60
        assert {u["seed"] for u in spec.units} == set(range(10, 25))
    else:
        assert spec.config["setting"]["group"] == "71" and spec.config["setting"]["hidden"] == 2048
        assert spec.config["setting"]["n"] == 2016 and spec.config["wd"] == 2e-4
        assert spec.config["epochs"] == 800 and [u["seed"] for u in spec.units] == list(range(15))
