"""The study003-paper run record's definition (li2verify.experiments.run_record_specs.study003): its re-check compare
on synthetic units (nothing is trained), its re-check configuration and the claims' reading of a record's arrays."""

from __future__ import annotations

import numpy as np
import pytest

from li2verify.experiments import run_records as R
from li2verify.experiments.run_record_specs import study003 as S3

L, T = 401, 201  # a recorded x² unit (epochs 0-400) and a re-check prefix (0-200)


def _unit(length: int = L, fire: int = 174, seed: int = 0) -> dict[str, np.ndarray]:
    """A synthetic recorded unit: accuracies rising, log σ2/σ3 flat then rising by 0.06 per epoch from ``fire`` − 25
    (the detector's slope crosses 0.04 eight epochs before ``fire``), sign-match every 100 epochs."""
    rng = np.random.default_rng(seed)
    ep = np.arange(length, dtype=float)
    u = {"epoch": ep}
    u["train_loss"] = np.exp(-ep / 50) + rng.uniform(0, 1e-3, length)
    u["train_acc"] = np.clip(ep / 25, 0, 1)
    test = np.clip((ep - 60) / 80, 0, 1)
    u["test_acc"] = np.where(ep % 5 == 0, test, np.nan)
    u["test_loss"] = np.where(ep % 5 == 0, 1 - test, np.nan)
    log_gap = np.where(ep < fire - 25, 1.0, 1.0 + 0.06 * (ep - (fire - 25)))
    u["gap23"] = np.where(ep >= 19, np.exp(log_gap), np.nan)
    for k in range(1, 6):
        u[f"sigma{k}"] = np.where(ep >= 19, 10.0 ** -k, np.nan)
    u["signmatch"] = np.where(ep % 100 == 0, 0.9 + ep / 4000, np.nan)
    u["signmatch_exact"] = np.where(ep % 100 == 0, 1.0, np.nan)
    return u


def _rerun(u, T: int = T) -> dict[str, np.ndarray]:
    return {k: v[:T].copy() for k, v in u.items()}


def test_bitwise_agrees_with_its_own_prefix_and_refuses_one_changed_value():
    u = _unit()
    assert S3.study003_compare(u, _rerun(u), True) is None
    v = _rerun(u)
    v["gap23"][150] *= 1 + 1e-12
    assert "gap23" in S3.study003_compare(u, v, True)


def test_bitwise_leaves_out_the_final_forward_row_only():
    """The re-run's last epoch's training loss comes from the engine's final forward: not compared; one row earlier is."""
    u = _unit()
    v = _rerun(u)
    v["train_loss"][-1] *= 1 + 1e-7
    assert S3.study003_compare(u, v, True) is None
    v["train_loss"][-2] *= 1 + 1e-7
    assert "train_loss" in S3.study003_compare(u, v, True)
    w = _rerun(u)
    w["test_acc"][-1] = 0.0                       # the test evaluation is the same function at every epoch
    assert "test_acc" in S3.study003_compare(u, w, True)


def test_tolerance_accepts_rounding_and_refuses_another_trajectory():
    u = _unit()
    v = _rerun(u)
    for k in ("train_loss", "gap23", "sigma2", "sigma3"):
        v[k] = v[k] * (1 + 1e-6)
    v["signmatch"] = v["signmatch"] + 0.02        # inside R_SIGN's margin
    assert S3.study003_compare(u, v, False) is None
    late = _rerun(_unit(fire=190))                # the detector fires 16 epochs later
    assert "fire epoch" in S3.study003_compare(u, late, False)
    w = _rerun(u)
    w["signmatch"] = w["signmatch"] - 0.05
    assert "sign-match" in S3.study003_compare(u, w, False)
    x = _rerun(u)
    x["signmatch_exact"][100] = 0.999
    assert "exact" in S3.study003_compare(u, x, False)
    y = _rerun(u)
    y["test_acc"][:] = np.where(np.isfinite(y["test_acc"]), 0.1, np.nan)   # never groks within the prefix
    assert "test_acc" in S3.study003_compare(u, y, False)


def test_recheck_config_is_the_prefix_of_every_condition():
    spec = R.get_spec("study003-paper")
    rc = spec.recheck_config(spec.config)
    assert {c: d["epochs"] for c, d in rc["conditions"].items()} == {c: S3.RECHECK_EPOCHS for c in S3.CONDITIONS}
    assert all(S3.RECHECK_EPOCHS % d["probe_every"] == 0 for d in rc["conditions"].values())  # checkpoints recorded
    assert {c: d["epochs"] for c, d in spec.config["conditions"].items()} == {"x2 eta>0": 400, "x2 eta=0": 400,
                                                                               "relu eta>0": 800}
    assert {c: d["wd"] for c, d in spec.config["conditions"].items()} == {"x2 eta>0": 2e-4, "x2 eta=0": 0.0,
                                                                           "relu eta>0": 2e-4}


def test_record_runs_reads_conditions_to_their_horizons():
    spec = R.get_spec("study003-paper")
    rows = []
    for u in spec.units:
        length = 801 if u["condition"] == "relu eta>0" else 401
        x = _unit(length, seed=u["seed"])
        rows.append({k: np.concatenate([v, np.full(801 - length, np.nan)]) for k, v in x.items()})
    arrays = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
    rec = R.RunRecord(path=None, spec=spec, arrays=arrays, provenance={}, digest="")
    runs = S3.record_runs(rec)
    assert list(runs) == list(S3.CONDITIONS)
    assert runs["x2 eta>0"].epochs[-1] == 400 and runs["relu eta>0"].epochs[-1] == 800
    assert runs["x2 eta=0"].metrics["gap23"].shape == (401, len(S3.STUDY003_SEEDS))
    assert runs["relu eta>0"].seeds == list(S3.STUDY003_SEEDS)
    j = spec.units.index({"condition": "relu eta>0", "seed": 12})
    np.testing.assert_array_equal(runs["relu eta>0"].metrics["signmatch"][:, 2], arrays["signmatch"][j])


@pytest.mark.parametrize("cond", S3.CONDITIONS)
def test_only_eta_positive_conditions_measure_the_sign_match(cond):
    probes = R.get_spec("study003-paper").config["conditions"][cond]["probes"]
    assert ("signmatch" in probes) == (cond in S3.SIGN_CONDITIONS) and "eigengap" in probes


def _synthetic_record(relu_final: float = 1.0):
    """A study003-paper record of synthetic units: x² η>0 fires at ≈ 166, x² η=0 and ReLU flat σ2/σ3."""
    spec = R.get_spec("study003-paper")
    rows = []
    for u in spec.units:
        length = 801 if u["condition"] == "relu eta>0" else 401
        x = _unit(length, fire=174 if u["condition"] == "x2 eta>0" else 10 ** 6, seed=u["seed"])
        if u["condition"] == "relu eta>0":
            x["signmatch"][-1] = relu_final
        if u["condition"] == "x2 eta=0":
            x["signmatch"][:] = np.nan
        rows.append({k: np.concatenate([v, np.full(801 - length, np.nan)]) for k, v in x.items()})
    arrays = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
    return R.RunRecord(path=None, spec=spec, arrays=arrays, provenance={}, digest="")


@pytest.mark.parametrize("relu_final,outcome", [(1.0, "pass"), (0.5, "counterexample"), (0.95, "inconclusive")])
def test_the_claims_decide_from_a_records_arrays(relu_final, outcome):
    """The decision functions of the study003 claims (the same ones the live paper runs go through) on a record."""
    from li2verify.verify.claims import Evidence
    from theorems.study003_grokking_dynamics import decide_gap, decide_sign

    runs = S3.record_runs(_synthetic_record(relu_final))
    ev = Evidence("study003.signmatch.over_training", "empirical", "chk")
    decide_sign(ev, runs, runs["x2 eta>0"].seeds)
    ev.finalize(None)
    assert ev.outcome == outcome, ev.message
    ev = Evidence("study003.eigengap.x2_not_relu", "empirical", "chk")
    decide_gap(ev, runs, runs["x2 eta>0"].seeds)
    ev.finalize(None)
    assert ev.outcome == "pass", ev.message
    assert ev.details["x2 eta>0: fire epoch per seed (NaN = never)"] == [166.0] * len(S3.STUDY003_SEEDS)
