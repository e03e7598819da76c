"""Every committed evidence record (evidence/<spec name>/) loads: its digests hold, it was made by this engine
version, its spec is the packaged spec of the same name, and its rows are exactly the cells that spec trains.  The
claims that decide from a record also re-train a random sample of its cells (li2verify.experiments.records)."""

from __future__ import annotations

from pathlib import Path

import pytest

from li2verify.sweep.record import MANIFEST, load_record
from li2verify.sweep.spec import PACKAGED, load_spec

EVIDENCE = Path(__file__).resolve().parents[2] / "evidence"
#: the sweep records (a run record, li2verify.experiments.run_records, has a run.json: tests/experiments)
RECORDS = sorted(p.name for p in EVIDENCE.iterdir()
                 if (p / MANIFEST).exists() and not (p / "run.json").exists()) if EVIDENCE.exists() else []


@pytest.mark.parametrize("name", RECORDS)
def test_committed_record_loads_against_its_packaged_spec(name):
    assert name in PACKAGED, f"evidence/{name} has no packaged spec of that name"
    rec = load_record(EVIDENCE / name, expect_spec=load_spec(name))
    assert rec.rows and rec.provenance["engine_version"] == rec.summary()["engine_version"]


def test_every_caption_spec_has_its_record():
    """A packaged caption-scale spec exists to make a committed record (its claims decide from it)."""
    missing = [n for n in PACKAGED if n.startswith("caption-") and n not in RECORDS]
    assert not missing, f"packaged caption specs without a committed record under evidence/: {missing}"
