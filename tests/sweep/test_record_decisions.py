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
