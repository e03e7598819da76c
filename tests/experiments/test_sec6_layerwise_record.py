"""The run record of Sec 6's layer-wise claims (li2verify.experiments.run_record_specs.sec6_layerwise) on a tiny copy
of its definition: a lone seed trains as in a batch, shares join into the record, the prefix re-check is bitwise
here, and the compare refuses what it must (bitwise and by its stated tolerance)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from li2verify.experiments import run_records as R
from li2verify.experiments.run_record_specs import sec6_layerwise as L
from record_helpers import with_series_changed

EPOCHS, PREFIX = 140, 120  # past T0 = 100, so the post-transient series are non-empty in both


def _tiny():
    name = "tiny-sec6-layerwise"
    if name in R.registry():
        return R.get_spec(name)
    base = R.get_spec(L.LAYERWISE_NAME)
    return R.register(dataclasses.replace(base, name=name, config={**base.config, "group": "13", "hidden": 24,
                                                                   "epochs": EPOCHS},
                                          units=base.units[:3], batch=2,
                                          recheck_config=lambda c: {**c, "epochs": PREFIX}))


@pytest.fixture(scope="module")
def tiny_record(tmp_path_factory):
    spec = _tiny()
    d = tmp_path_factory.mktemp("sec6")
    return spec, R.make(spec.name, d / "work", d / "rec")


def test_a_lone_seed_trains_as_in_a_batch(tiny_record):
    """A seed's arrays do not depend on which seeds share its program (a lone seed included): the record's parts
    (two seeds, then one) equal the three trained in one program, bitwise."""
    spec, path = tiny_record
    rec = R.load(spec.name, path)
    together = spec.compute(spec.config, spec.units)
    alone = spec.compute(spec.config, spec.units[2:])
    for k, v in together.items():
        assert np.array_equal(rec.arrays[k], v, equal_nan=True), k
        assert np.array_equal(alone[k][0], v[2], equal_nan=True), k


def test_record_shapes_and_snapshot_grid(tiny_record):
    spec, path = tiny_record
    a = R.load(spec.name, path).arrays
    assert a["snapshot_epochs"][0].tolist() == L.snapshot_epochs(EPOCHS)
    assert a["post_epochs"][0][0] == L.T0 and a["rp_W"].shape == a["post_epochs"].shape
    assert np.all(a["r_W"][:, 0] == 0) and np.all(a["rp_W"][:, 0] == 0)
    assert a["train_loss"].shape == (3, EPOCHS + 1) and a["eval_epochs"][0][-1] == EPOCHS


def test_prefix_recheck_agrees_bitwise_here(tiny_record):
    spec, path = tiny_record
    chk = R.recheck(R.load(spec.name, path), k=2, seed=5)
    assert chk.bitwise and chk.agree and len(chk.units) == 2


def test_compare_refuses_what_it_must(tiny_record):
    spec, path = tiny_record
    u = R.load(spec.name, path).unit(0)
    new = {k: v[0] for k, v in spec.compute(spec.recheck_config(spec.config), spec.units[:1]).items()}
    assert L.layerwise_compare(u, new, True) is None and L.layerwise_compare(u, new, False) is None

    def changed(key, f):
        return with_series_changed(new, key, f)

    ulp = changed("train_loss", lambda x: np.concatenate([x[:-1], np.nextafter(x[-1:], np.inf)]))
    assert "not bitwise" in L.layerwise_compare(u, ulp, True)
    assert L.layerwise_compare(u, ulp, False) is None
    assert L.layerwise_compare(u, changed("r_W2", lambda x: x * (1 + L.LAYERWISE_RTOL / 10)), False) is None
    assert "r_W2" in L.layerwise_compare(u, changed("r_W2", lambda x: x * (1 + 3 * L.LAYERWISE_RTOL)), False)
    assert "eval_epochs" in L.layerwise_compare(u, changed("eval_epochs", lambda x: x + 1), False)
    # test accuracy 0.9 reached from the first evaluation: another trajectory unless the record also was there
    if R.first_index(u["test_acc"][:new["test_acc"].shape[0]], 0.9) is None:
        assert "test accuracy" in L.layerwise_compare(u, changed("test_acc", lambda x: np.ones_like(x)), False)
