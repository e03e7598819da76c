"""Evidence records: written from a finished sweep, verified on load (digests, coverage, spec, engine version), and
re-checked by re-training sampled cells — which must reproduce the recorded rows bitwise on the same machine."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from li2verify.sweep import record as R
from li2verify.sweep.run import run_sweep
from li2verify.sweep.spec import load_spec
from li2verify.sweep.table import RESULTS
from li2verify.utils import sealed

# Z19 at lr 1e-2 succeeds at p = 0.6 (epochs 90-95) and fails at p = 0.2 within 200 epochs (half a second): both
# outcomes are in the record.
SPEC = """name = "rec"
groups = ["Z19"]
p = [0.2, 0.6]
seeds = 2
lr = 1e-2
wd = 2e-3
K = 128
epochs = 200
eval_every = 5
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("rec")
    (root / "spec.toml").write_text(SPEC)
    spec = load_spec(root / "spec.toml")
    run_sweep(spec, root / "sweep", outputs=False)
    return spec, R.write_record(root / "sweep", root / "record")


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_record_loads_and_cites_its_digest(made):
    spec, path = made
    rec = R.load_record(path, expect_spec=spec)
    assert len(rec.rows) == len(spec.cells())
    s = rec.summary()
    assert s["digest"] == json.loads((path / R.MANIFEST).read_text())["digest"]
    assert s["engine_version"] == R.ENGINE_VERSION and s["cells"] == 4
    assert {r["epoch_success"] is None for r in rec.rows} == {True, False}, "the record should hold both outcomes"


def test_recheck_reproduces_sampled_cells_bitwise_on_this_machine(made):
    spec, path = made
    rec = R.load_record(path)
    out = R.recheck(rec, k=2, seed=3)
    assert out.bitwise
    assert len(out.cells) == 2
    assert {c["recorded_epoch"] is None for c in out.cells} == {True, False}, "one success and one failure sampled"
    assert out.agree, out.why()


def test_recheck_is_bitwise_when_the_sampled_cells_train_at_the_records_thread_count(made, monkeypatch):
    """The bitwise condition compares the threads each sampled cell trains with (the engine's rule), not the process's
    count: a small cell trains on one thread in a process of any count, so a record made by a 2-thread process is
    re-checked bitwise in pytest's 1-thread process; a cell large enough to use the process's threads is not."""
    from li2verify.sweep.cells import program_threads

    _, path = made
    rec = R.load_record(path)
    rec.provenance["torch_threads"] = 64          # the process that made it: any count
    out = R.recheck(rec, k=2, seed=3)
    assert out.bitwise and out.agree, out.why()
    cell = R.cell_of(rec.spec, rec.rows[0])
    assert program_threads([cell], 64) == program_threads([cell], 1) == 1
    big = dataclasses.replace(cell, K=10 ** 6)
    assert program_threads([big], 64) == 64 and program_threads([big], 1) == 1


def test_altered_row_is_refused(made, tmp_path):
    _, path = made
    p = _copy(path, tmp_path / "r")
    lines = (p / RESULTS).read_text().splitlines()
    row = lines[1].split(",")
    i = lines[0].split(",").index("best_test_acc")
    row[i] = "1.0" if row[i] != "1.0" else "0.5"
    lines[1] = ",".join(row)
    (p / RESULTS).write_text("\n".join(lines) + "\n")
    with pytest.raises(R.RecordRefused, match="SHA-256"):
        R.load_record(p)


def test_record_of_another_spec_or_engine_is_refused(made, tmp_path, monkeypatch):
    spec, path = made
    other = load_spec(path / R.SPEC_FILE, ["epochs=201"])
    with pytest.raises(R.RecordRefused, match="epochs"):
        R.load_record(path, expect_spec=other)
    monkeypatch.setattr(R, "ENGINE_VERSION", R.ENGINE_VERSION + 1)
    with pytest.raises(R.RecordRefused, match="engine version"):
        R.load_record(path)


def test_recheck_detects_a_recorded_outcome_the_engine_does_not_reproduce(made, tmp_path):
    """A record whose success epoch was forged (and its digests recomputed) fails the re-check: the re-run
    is compared with the row, not with itself."""
    spec, path = made
    p = _copy(path, tmp_path / "forged")
    rows = (p / RESULTS).read_text().splitlines()
    head = rows[0].split(",")
    i = head.index("epoch_success")
    for j in range(1, len(rows)):
        f = rows[j].split(",")
        f[i] = "5" if f[i] == "" else ""
        rows[j] = ",".join(f)
    (p / RESULTS).write_text("\n".join(rows) + "\n")
    hashes = {f: sealed.sha256_file(p / f) for f in R.FILES}
    (p / R.MANIFEST).write_text(json.dumps({"format": sealed.FORMAT, "engine_version": R.ENGINE_VERSION,
                                            "files": hashes, "digest": sealed.digest_of(hashes, R.ENGINE_VERSION)}))
    out = R.recheck(R.load_record(p), k=1, seed=0)
    assert not out.agree and "success" in out.why()


def test_unfinished_sweep_makes_no_record(tmp_path):
    (tmp_path / "spec.toml").write_text(SPEC)
    spec = load_spec(tmp_path / "spec.toml")
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / R.SPEC_FILE).write_text(spec.to_toml())
    with pytest.raises(R.RecordRefused, match="no row"):
        R.write_record(sweep, tmp_path / "record")
    assert not (tmp_path / "record").exists()


@pytest.mark.parametrize("recorded,eval_every,tol", [(40, 5, 10), (1000, 10, 100), (95, 10, 20)])
def test_epoch_tolerance(recorded, eval_every, tol):
    assert R.epoch_tolerance(recorded, eval_every) == tol


ADAPTIVE = SPEC.replace('name = "rec"', 'name = "rec-adaptive"') + """search = "adaptive"
resolution = 1.3
stop_on_success = true
batch_cells = 1
"""


def test_adaptive_record_covers_exactly_the_cells_its_search_visits(tmp_path):
    from li2verify.sweep.adaptive import replay, run_adaptive

    (tmp_path / "spec.toml").write_text(ADAPTIVE)
    spec = load_spec(tmp_path / "spec.toml")
    res = run_adaptive(spec, tmp_path / "sweep")
    rec = R.load_record(R.write_record(tmp_path / "sweep", tmp_path / "record"), expect_spec=spec)
    again, visited = replay(rec.spec, rec.rows)
    assert json.loads(json.dumps(again["groups"])) == json.loads(json.dumps(res["groups"]))  # re-derived from the record
    assert visited == {r["cell_id"] for r in rec.rows}
    assert any(r["epochs"] == 400 for r in rec.rows), "the horizon check's cells are in the record"
    assert R.recheck(rec, k=2, seed=1).agree
    # a record missing a cell that the search needs is refused
    p = _copy(tmp_path / "record", tmp_path / "cut")
    lines = (p / RESULTS).read_text().splitlines()
    (p / RESULTS).write_text("\n".join(lines[:-1]) + "\n")
    hashes = {f: sealed.sha256_file(p / f) for f in R.FILES}
    (p / R.MANIFEST).write_text(json.dumps({"format": sealed.FORMAT, "engine_version": R.ENGINE_VERSION,
                                            "files": hashes, "digest": sealed.digest_of(hashes, R.ENGINE_VERSION)}))
    with pytest.raises(R.RecordRefused, match="not finished"):
        R.load_record(p)


def test_a_record_extended_on_another_cpu_is_never_rechecked_bitwise(tmp_path):
    """A longer horizon check added to a record (its rows kept, new cells trained here): when the record at the
    destination was made on another CPU, the new record says ``mixed`` with the rows of each, and re-checks compare
    outcomes within the tolerance; extended on the same CPU it keeps that CPU."""
    from li2verify.sweep.adaptive import run_adaptive

    (tmp_path / "spec.toml").write_text(ADAPTIVE)
    run_adaptive(load_spec(tmp_path / "spec.toml"), tmp_path / "sweep")
    dest = R.write_record(tmp_path / "sweep", tmp_path / "record")
    n_before = len(R.load_record(dest).rows)
    (tmp_path / "spec.toml").write_text(ADAPTIVE + "horizon_checks = 2\n")
    longer = load_spec(tmp_path / "spec.toml")
    run_adaptive(longer, tmp_path / "sweep")
    same = R.load_record(R.write_record(tmp_path / "sweep", _copy(dest, tmp_path / "same")), expect_spec=longer)
    assert same.provenance["cpu"] == R.cpu_model() and "cpus" not in same.provenance
    assert same.provenance["extends"]["rows_kept"] == n_before
    assert same.provenance["extends"]["digest"] == json.loads((dest / R.MANIFEST).read_text())["digest"]
    prov = json.loads((dest / R.PROVENANCE).read_text())
    (dest / R.PROVENANCE).write_text(json.dumps({**prov, "cpu": "another CPU"}))
    rec = R.load_record(R.write_record(tmp_path / "sweep", dest), expect_spec=longer)
    assert any(r["epochs"] == 800 for r in rec.rows) and len(rec.rows) > n_before
    assert rec.provenance["cpus"] == {"another CPU": n_before, R.cpu_model(): len(rec.rows) - n_before}
    assert rec.provenance["cpu"].startswith("mixed: ")
    out = R.recheck(rec, k=2, seed=1)
    assert not out.bitwise and out.agree, out.why()
