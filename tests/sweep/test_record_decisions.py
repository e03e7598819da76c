"""The claims' access to committed evidence records (li2verify.experiments.records): a missing record makes the
claim inconclusive with the reason, never a crash or a pass; which profiles read records rather than their grid."""

from __future__ import annotations

from li2verify.experiments import records


class _Evidence:
    def __init__(self):
        self.reasons, self.details = [], {}

    def inconclusive(self, reason):
        self.reasons.append(reason)

    def detail(self, key, value):
        self.details[key] = value


def test_a_record_not_yet_made_is_refused_with_its_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "EVIDENCE", tmp_path)
    records.load_checked_record.cache_clear()
    try:
        ev = _Evidence()
        assert records.checked_record(ev, "caption-composite", " caption-composite") is None
        assert len(ev.reasons) == 1 and ev.reasons[0].startswith("evidence record caption-composite refused:")
        assert not ev.details
    finally:
        records.load_checked_record.cache_clear()


def test_record_profiles():
    assert records.reads_record("fast") and records.reads_record("thorough")
    assert not records.reads_record("paper")


def _laddered_record(at4: dict):
    """A record of a three-horizon adaptive search (horizon_checks = 2) on Z23 answered by a rule: success iff
    n ≥ the seed's boundary at the cell's epochs."""
    from li2verify.sweep.adaptive import search_boundary
    from li2verify.sweep.record import Record
    from li2verify.sweep.spec import SweepSpec

    spec = SweepSpec(groups=["Z23"], p=[0.1, 0.3, 0.5, 0.7, 0.9], seeds=[0, 1, 2], lr=[5e-3], wd=[2e-3], K=[64],
                     epochs=[100], eval_every=5, search="adaptive", resolution=1.1, horizon_checks=2).validate()
    bnd = {100: {0: 140, 1: 201, 2: 333}, 200: {0: 135, 1: 190, 2: 320}, 400: at4}
    rows = []

    def run(cells):
        got = [{"group": c.group, "p": c.n / 529, "cell_id": c.cell_id, "train_acc": 1.0, "status": "complete",
                "best_test_acc": 1.0 if c.n >= bnd[c.epochs][c.seed] else 0.2} for c in cells]
        rows.extend(got)
        return got

    search_boundary(spec, run)
    return Record(path=None, spec=spec, rows=rows, provenance={}, digest="")


def test_a_laddered_record_is_decided_at_the_first_of_its_last_two_horizons():
    rec = _laddered_record({0: 130, 1: 185, 2: 310})
    assert records.decision_level(rec.spec) == 1
    (e0,), (e1,) = records.record_entries(rec, 0), records.record_entries(rec, 1)
    assert (e0["epochs"], e1["epochs"]) == (100, 200)
    assert e1["n_c"] == e0["at 2x epochs"]["n_c"] and e1["at 2x epochs"]["epochs"] == 400
    assert e0["horizon"] == e1["horizon"] == "converged"
    (moved,) = records.record_entries(_laddered_record({0: 60, 1: 60, 2: 60}), 1)
    assert moved["horizon"] == "not converged" and moved["p_c"] != moved["p_c"] and "horizon check" in moved["why"]
