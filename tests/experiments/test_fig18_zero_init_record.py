"""The run record ``fig18-zero-init-paper`` (li2verify.experiments.run_record_specs.fig18_zero_init) on a tiny copy of
its definition — the stop at test acc ≥ the level, rows ending at each unit's own first evaluation there, a unit's
row independent of its part (a lone unit included), the prefix re-check bitwise here, the compare's refusals, one
altered row refused — and the claim ``fig18.zero_init.multilayer_10x`` deciding from a record (synthetic arrays)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from li2verify.experiments import run_records as R
from li2verify.experiments.record_definitions import stop_once_every_unit_reaches
from li2verify.experiments.run_record_specs import fig18_zero_init as F
from li2verify.verify.claims import Evidence
from li2verify.experiments.record_definitions import unit_t
from record_helpers import with_series_changed

#: Z_13, K = 128, train fraction 0.8, 60 epochs, test every 2, level 0.05 (the 0.9 of the record is not reached at
#: this width): both regular seeds are at the level from epoch 0 (their program stops there), zero-init seed 11
#: reaches it at an evaluation mid-run while seed 10 never does (its program runs to the horizon)
EPOCHS, PREFIX, LEVEL = 60, 40, 0.05


def _tiny():
    name = "tiny-fig18-zero-init"
    if name in R.registry():
        return R.get_spec(name)
    base = R.get_spec(F.FIG18_NAME)
    config = {**base.config, "train": {**base.config["train"], "group": "13", "hidden": 128, "train_frac": 0.8,
                                       "epochs": EPOCHS, "eval_every": 2}, "stop_once_test_acc": LEVEL}
    units = [{"condition": c, "seed": s} for c in F.FIG18_CONDITIONS for s in (10, 11)]
    return R.register(dataclasses.replace(base, name=name, config=config, units=units, batch=2,
                                          recheck_config=lambda c: {**c, "train": {**c["train"], "epochs": PREFIX}}))


@pytest.fixture(scope="module")
def tiny_record(tmp_path_factory):
    spec = _tiny()
    d = tmp_path_factory.mktemp("fig18")
    return spec, R.make(spec.name, d / "work", d / "rec")


def test_rows_end_at_each_units_own_first_evaluation_at_the_level(tiny_record):
    spec, path = tiny_record
    a = R.load(spec.name, path).arrays
    grid = F.eval_grid(spec.config)
    assert a["top_init"].tolist() == [F.FIG18_CONDITIONS[u["condition"]] for u in spec.units]
    assert a["seed"].tolist() == [u["seed"] for u in spec.units]
    hits = 0
    for i in range(len(spec.units)):
        assert a["epochs"][i].tolist() == grid.tolist()
        hit = R.first_index(a["test_acc"][i], LEVEL)
        t = unit_t(grid, a["test_acc"][i], LEVEL)
        assert a["t"][i] == t
        if hit is None:
            assert t == EPOCHS + 1 and a["epochs_run"][i] == EPOCHS
            assert np.all(np.isfinite(a["test_acc"][i]))
        else:
            hits += 1
            assert t == grid[hit] == a["epochs_run"][i]
            for k in F.SERIES:
                assert np.all(np.isfinite(a[k][i][:hit + 1])) and np.all(np.isnan(a[k][i][hit + 1:])), k
        assert a["final_train_acc"][i] == a["train_acc"][i][np.searchsorted(grid, a["epochs_run"][i])]
    # the tiny setting exercises both: units stopped at the level and a unit that never reaches it
    assert 0 < hits < len(spec.units)


def test_a_units_row_does_not_depend_on_its_part(tiny_record):
    """A unit trained alone (its program then stops at its own first evaluation at the level), beside another seed of
    its condition, or in a part mixing both conditions gives bitwise the same row."""
    spec, path = tiny_record
    together = spec.compute(spec.config, spec.units)
    rec = R.load(spec.name, path).arrays
    for i in range(len(spec.units)):
        alone = spec.compute(spec.config, [spec.units[i]])
        for k, v in together.items():
            assert np.array_equal(v[i], alone[k][0], equal_nan=True), (spec.units[i], k)
            assert np.array_equal(v[i], rec[k][i], equal_nan=True), (spec.units[i], k)


def test_the_program_stops_once_every_unit_reached_the_level():
    stop = stop_once_every_unit_reaches(0.9)
    nan = np.nan
    assert stop(0, {"test_acc": np.array([0.1, 0.95])}) is None
    assert stop(1, {"test_acc": np.array([nan, nan])}) is None         # between evaluations
    assert stop(10, {"test_acc": np.array([0.92, 0.5])}) is not None   # seed 1 reached it at epoch 0
    # and the record's tiny copy: the regular program, both seeds at the level from epoch 0, trains no further
    spec = _tiny()
    from li2verify.train.batched import train_conditions
    from li2verify.train.config import TrainConfig

    r = train_conditions({"regular": TrainConfig(**spec.config["train"])}, [10, 11],
                         on_epoch=stop_once_every_unit_reaches(LEVEL))["regular"]
    assert r.epochs[-1] == 0 and r.status == "stopped"


def test_prefix_recheck_agrees_bitwise_here(tiny_record):
    spec, path = tiny_record
    chk = R.recheck(R.load(spec.name, path), k=2, seed=7)
    assert chk.bitwise and chk.agree and len(chk.units) == 2, chk.why()


def test_compare_refuses_what_it_must(tiny_record):
    spec, path = tiny_record
    rec = R.load(spec.name, path)
    i = next(j for j in range(len(spec.units)) if rec.arrays["t"][j] > EPOCHS)   # a unit never at the level
    u = rec.unit(i)
    new = {k: v[0] for k, v in spec.compute(spec.recheck_config(spec.config), [spec.units[i]]).items()}
    assert F.fig18_compare(u, new, True) is None and F.fig18_compare(u, new, False) is None

    def changed(key, f):
        return with_series_changed(new, key, f)

    ulp = changed("test_loss", lambda x: np.concatenate([x[:-1], np.nextafter(x[-1:], np.inf)]))
    assert "not bitwise" in F.fig18_compare(u, ulp, True)
    assert F.fig18_compare(u, ulp, False) is None
    assert F.fig18_compare(u, changed("test_acc", lambda x: x + F.FIG18_TEST_ACC_TOL / 2), False) is None
    assert "test_acc" in F.fig18_compare(u, changed("test_acc", lambda x: x + 2 * F.FIG18_TEST_ACC_TOL), False)
    assert "train_acc" in F.fig18_compare(u, changed("train_acc", lambda x: x - 2 * F.FIG18_TRAIN_ACC_TOL), False)
    assert "never" in F.fig18_compare(u, changed("test_acc", lambda x: np.r_[x[:3], 0.95, x[4:]]), False)
    assert "other epochs" in F.fig18_compare(u, changed("epochs", lambda x: x + 1), False)
    assert "another unit" in F.fig18_compare(u, changed("seed", lambda x: x + 1), True)


def test_the_definition_is_the_claims_paper_setting():
    spec = R.get_spec(F.FIG18_NAME)
    c = spec.config["train"]
    assert (c["group"], c["hidden"], c["train_frac"], c["activation"], c["loss"], c["optimizer"], c["lr"], c["wd"],
            c["layers"], c["protocol"], c["residual"], c["epochs"], c["eval_every"], c["threads"]) == \
        ("71", 2048, 0.3, "relu", "mse", "adam", 5e-3, 1e-4, 2, "code", False, 1500, 10, 1)
    assert spec.config["top_init"] == {"regular": 1.0, "zero-init": 0.0}
    assert len(spec.units) == 30 and sorted({u["seed"] for u in spec.units}) == list(range(10, 25))
    live = F.fig18_train_config("cpu").to_dict()
    assert {k: v for k, v in live.items() if k not in ("seeds", "wd_per_seed", "top_init", "threads")} == \
        {k: v for k, v in c.items() if k != "threads"}


# --- the claim deciding from a record (synthetic arrays, nothing trained for them) ---

GRID = np.arange(0, F.FIG18_HORIZON + 1, F.FIG18_EVAL_EVERY)


def _unit(cond: str, seed: int, t: float | None) -> dict:
    acc = np.where(GRID >= (t if t is not None else np.inf), 0.95, 0.02)
    hit = R.first_index(acc, 0.9)
    for_rows = {"test_acc": acc, "test_loss": 1 - acc, "train_acc": np.ones_like(acc), "train_loss": 0 * acc}
    if hit is not None:
        for v in for_rows.values():
            v[hit + 1:] = np.nan
    return {"top_init": np.array(F.FIG18_CONDITIONS[cond]), "seed": np.array(seed), "epochs": GRID.copy(), **for_rows,
            "t": np.array(float(GRID[hit]) if hit is not None else F.FIG18_HORIZON + 1.0),
            "epochs_run": np.array(int(GRID[hit]) if hit is not None else F.FIG18_HORIZON),
            "final_train_acc": np.array(1.0)}


def _fake_record(t_of) -> R.RunRecord:
    spec = R.get_spec(F.FIG18_NAME)
    rows = [_unit(u["condition"], u["seed"], t_of(u["condition"], u["seed"])) for u in spec.units]
    arrays = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
    return R.RunRecord(path=R.EVIDENCE / spec.name, spec=spec, arrays=arrays, provenance={"cpu": "test"},
                       digest="0" * 64)


def _decide_from(monkeypatch, tmp_path, rec, agree=True) -> Evidence:
    import theorems.fig18_zero_init_multilayer as mod

    (tmp_path / F.FIG18_NAME).mkdir()
    monkeypatch.setattr(R, "EVIDENCE", tmp_path)
    chk = R.RunRecheck(sample_seed=1, bitwise=True, rule=F.FIG18_RECHECK_RULE,
                       units=[{"unit": rec.spec.units[0], "agree": agree, "why": "" if agree else "x"}])
    monkeypatch.setattr(R, "load_checked", lambda name, k=2: (rec, chk))
    ev = Evidence(claim_id=mod.ZERO18.id, method="empirical", check="t")
    got = mod._record_times(ev)
    if got is not None:
        seeds, tr, tz, H = got
        mod._decide(ev, tr, tz, H, seeds)
    ev.finalize(None)
    return ev


def test_t_by_condition_reads_the_curves():
    rec = _fake_record(lambda c, s: 50 * (s - 9) + 5 if c == "regular" else None)
    seeds, t = F.t_by_condition(rec.arrays, rec.spec.units)
    assert seeds == list(range(10, 25))
    assert t["regular"].tolist() == [float(50 * (s - 9) + 10) for s in seeds]   # the next evaluation
    assert (t["zero-init"] == F.FIG18_HORIZON + 1).all()
    assert t["regular"].tolist() == rec.arrays["t"][:15].tolist()


def test_claim_verified_from_a_record_showing_the_printed_speed_up(monkeypatch, tmp_path):
    rec = _fake_record(lambda c, s: 1400 if c == "regular" else 100)
    ev = _decide_from(monkeypatch, tmp_path, rec)
    assert ev.outcome == "pass", ev.message


def test_claim_refuted_from_a_record_where_zero_init_is_slower(monkeypatch, tmp_path):
    # zero-init never reaches 0.9: t(regular) − t(zero) = 300 − 1501 < 0 on every seed
    rec = _fake_record(lambda c, s: 300 if c == "regular" else None)
    ev = _decide_from(monkeypatch, tmp_path, rec)
    assert ev.outcome == "counterexample"


def test_a_censored_regular_run_bounds_the_ratio_from_below_only(monkeypatch, tmp_path):
    """Regular never reaches 0.9 within the horizon: t(regular)/t(zero) is at least 1501/t(zero). With zero-init at
    400 epochs the bound (3.75) neither shows nor refutes 10× (undecided); at 100 epochs (15) it shows it."""
    ev = _decide_from(monkeypatch, tmp_path, _fake_record(lambda c, s: None if c == "regular" else 400))
    assert ev.outcome == "inconclusive" and not ev.counterexamples, ev.message
    assert "speed-up" in ev.message and "earlier" not in " ".join(ev.inconclusive_reasons), ev.message
    (tmp_path / "b").mkdir()
    ev = _decide_from(monkeypatch, tmp_path / "b", _fake_record(lambda c, s: None if c == "regular" else 100))
    assert ev.outcome == "pass", ev.message


def test_claim_is_inconclusive_when_the_record_is_not_reproduced(monkeypatch, tmp_path):
    ev = _decide_from(monkeypatch, tmp_path, _fake_record(lambda c, s: 100), agree=False)
    assert ev.outcome == "inconclusive" and "not reproduced" in ev.message


def test_claim_says_the_record_is_absent(monkeypatch, tmp_path):
    import theorems.fig18_zero_init_multilayer as mod

    monkeypatch.setattr(R, "EVIDENCE", tmp_path)
    ev = Evidence(claim_id=mod.ZERO18.id, method="empirical", check="t")
    assert mod._record_times(ev) is None
    assert "not made yet" in ev.inconclusive_reasons[0]
    assert "record run fig18-zero-init-paper" in ev.inconclusive_reasons[0]
