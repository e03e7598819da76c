"""The run record ``fig13-ridge-paper`` (li2verify.experiments.run_record_specs.fig13_ridge): its re-check compare,
the grokking epochs read from its arrays, that a unit's numbers do not depend on its part, and the claim
``fig13_14.ridge_top.speed_by_m`` deciding from a record (synthetic arrays, nothing trained for them)."""

from __future__ import annotations

import numpy as np

from li2verify.experiments import run_records
from li2verify.experiments.run_record_specs.fig13_ridge import (RIDGE_EVAL_EVERY, RIDGE_HORIZON, RIDGE_RECORD,
                                                                 compare_units, t_grok_by_m, unit_t)
from li2verify.verify.claims import Evidence

EPOCHS = np.arange(0, RIDGE_HORIZON + 1, RIDGE_EVAL_EVERY)


def _unit(t: float | None) -> dict:
    """A unit's arrays whose test accuracy first reaches 0.9 at epoch ``t`` (None: never)."""
    acc = np.where(EPOCHS >= (t if t is not None else np.inf), 0.95, 0.5)
    return {"epochs": EPOCHS.copy(), "test_acc": acc, "train_acc": np.ones_like(acc), "test_loss": 1 - acc,
            "train_loss": np.zeros_like(acc)}


def test_unit_t_censors_at_horizon_plus_one():
    assert unit_t(EPOCHS, _unit(120)["test_acc"]) == 120.0
    assert unit_t(EPOCHS, _unit(None)["test_acc"]) == RIDGE_HORIZON + 1


def test_compare_bitwise_needs_equal_series():
    a = _unit(100)
    assert compare_units(a, {k: v.copy() for k, v in a.items()}, True) is None
    b = {k: v.copy() for k, v in a.items()}
    b["train_acc"][3] = 0.99
    assert "not bitwise" in compare_units(a, b, True)


def test_compare_tolerance_two_evaluations_or_ten_percent():
    assert compare_units(_unit(100), _unit(110), False) is None           # 2 evaluations
    assert "beyond" in compare_units(_unit(100), _unit(115), False)      # 3 evaluations > max(10, 10)
    assert compare_units(_unit(300), _unit(330), False) is None          # 10 % of 300
    assert "beyond" in compare_units(_unit(300), _unit(335), False)
    assert compare_units(_unit(None), _unit(None), False) is None        # both censored
    assert "never" in compare_units(_unit(None), _unit(480), False)


def test_compare_reads_a_prefix_rerun_and_refuses_other_epochs():
    old, new = _unit(100), {k: v[:41] for k, v in _unit(105).items()}   # a re-run over the first 200 epochs
    assert compare_units(old, new, False) is None
    assert "never" in compare_units(_unit(250), new, False)
    moved = {**new, "epochs": new["epochs"] + 1}
    assert "other epochs" in compare_units(old, moved, False)


def test_a_units_numbers_do_not_depend_on_its_part():
    cfg = {**RIDGE_RECORD.config, "epochs": 10}
    units = [{"M": 23, "condition": c, "seed": s} for c in ("baseline", "ridge") for s in (10, 11)]
    together = RIDGE_RECORD.compute(cfg, units)
    for i in (1, 2):
        alone = RIDGE_RECORD.compute(cfg, [units[i]])
        for k, v in together.items():
            assert np.array_equal(v[i], alone[k][0], equal_nan=True), (units[i], k)


def _fake_record(t_of) -> run_records.RunRecord:
    """A loaded record of the real definition whose unit (M, condition, seed) groks at ``t_of(M, condition, seed)``."""
    rows = [_unit(t_of(u["M"], u["condition"], u["seed"])) for u in RIDGE_RECORD.units]
    arrays = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
    return run_records.RunRecord(path=run_records.EVIDENCE / RIDGE_RECORD.name, spec=RIDGE_RECORD, arrays=arrays,
                                 provenance={"cpu": "test"}, digest="0" * 64)


def test_t_grok_by_m_orders_seeds():
    rec = _fake_record(lambda M, c, s: 5 * s + M if c == "ridge" else None)
    by = t_grok_by_m(rec.arrays, rec.spec.units)
    assert sorted(by) == [23, 41, 89, 127]
    assert by[41]["seeds"] == list(range(10, 25))
    # the first evaluation at or after 5s + 41 (evaluations every 5 epochs)
    assert by[41]["ridge"].tolist() == [float(5 * s + 45) for s in range(10, 25)]
    assert (by[41]["baseline"] == RIDGE_HORIZON + 1).all()


def _decide_from(monkeypatch, tmp_path, rec, agree=True) -> Evidence:
    import theorems.fig13_14_ridge_speed as mod

    (tmp_path / RIDGE_RECORD.name).mkdir()
    monkeypatch.setattr(run_records, "EVIDENCE", tmp_path)
    chk = run_records.RunRecheck(sample_seed=1, bitwise=True, rule=RIDGE_RECORD.recheck_rule,
                                 units=[{"unit": RIDGE_RECORD.units[0], "agree": agree, "why": "" if agree else "x"}])
    monkeypatch.setattr(run_records, "load_checked", lambda name, k=2: (rec, chk))
    ev = Evidence(claim_id=mod.SPEED.id, method="empirical", check="t")
    got = mod._record_pairs(ev)
    if got is not None:
        mod._decide(ev, got[0], RIDGE_HORIZON, got[1])
    ev.finalize(None)
    return ev


def test_claim_decides_every_m_from_the_record(monkeypatch, tmp_path):
    # the printed pattern: slower at M = 23, faster at M ≥ 41
    rec = _fake_record(lambda M, c, s: (100 if c == "baseline" else 200) if M == 23 else
                       (150 if c == "baseline" else 20))
    ev = _decide_from(monkeypatch, tmp_path, rec)
    assert ev.outcome == "pass", ev.message
    assert set(ev.families) == {"Z23", "Z41", "Z89", "Z127"}


def test_claim_refutes_from_the_record_and_keeps_censoring(monkeypatch, tmp_path):
    # ridge never groks at M = 127: t(baseline) − t(ridge) = 150 − 501 < 0 for every seed
    rec = _fake_record(lambda M, c, s: (100 if c == "baseline" else 200) if M == 23 else
                       (150 if c == "baseline" else (None if M == 127 else 20)))
    ev = _decide_from(monkeypatch, tmp_path, rec)
    assert ev.outcome == "counterexample"
    assert any("Z127" in c["what"] for c in ev.counterexamples)


def test_claim_is_inconclusive_when_the_record_is_not_reproduced(monkeypatch, tmp_path):
    rec = _fake_record(lambda M, c, s: 100)
    ev = _decide_from(monkeypatch, tmp_path, rec, agree=False)
    assert ev.outcome == "inconclusive" and "not reproduced" in ev.message


def test_claim_says_the_record_is_absent(monkeypatch, tmp_path):
    import theorems.fig13_14_ridge_speed as mod

    monkeypatch.setattr(run_records, "EVIDENCE", tmp_path)
    ev = Evidence(claim_id=mod.SPEED.id, method="empirical", check="t")
    assert mod._record_pairs(ev) is None
    assert "not made yet" in ev.inconclusive_reasons[0] and "record run fig13-ridge-paper" in ev.inconclusive_reasons[0]
