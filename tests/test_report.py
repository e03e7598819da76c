"""The report writer: JSON shape, rendering, atomic writes, clear errors."""

import json

import pytest

from li2verify import report as R
from li2verify.claims import Claim, Evidence


def _record():
    c1 = Claim(id="a.b.c", paper_ref="Thm 9", printed="x = 1", module="m")
    c2 = Claim(id="a.b.d", paper_ref="Thm 9", printed="y = 2", verified="y = 3", module="m")
    e1 = Evidence("a.b.c", "numeric", "m::test_x")
    e1.tolerance(1e-9, "rounding")
    e1.close(1.0, 1.0, family="Z5")
    e1.finalize(None)
    e2 = Evidence("a.b.d", "numeric", "m::test_y")
    e2.counterexample("y is not 2", measured=3.0, printed=2.0, tol=1e-12, why="exact arithmetic", M=7)
    e2.finalize(None)
    e3 = Evidence("a.b.d", "numeric", "m::test_y3", target="corrected")
    e3.tolerance(0.0, "exact")
    e3.holds(True, "y = 3")
    e3.finalize(None)
    return R.build_record([c1, c2], [e1, e2, e3], {"a.b.c": "verified", "a.b.d": "erratum"}, "fast")


def test_record_has_the_required_keys():
    rec = _record()
    for k in ("schema", "created", "git_sha", "profile", "environment", "claims", "summary"):
        assert k in rec
    assert set(rec["environment"]) >= {"python", "torch", "numpy", "sympy", "platform", "device"}
    c = rec["claims"][0]
    assert set(c) >= {"id", "paper_ref", "status", "printed", "verified", "depends_on", "evidence"}
    assert set(c["evidence"][0]) >= {"method", "check", "instances", "max_error", "tolerance", "passed",
                                     "seconds", "details"}
    assert rec["summary"]["verified"] == 1 and rec["summary"]["erratum"] == 1


def test_write_report_writes_three_files_and_lists_errata_first(tmp_path):
    paths = R.write_report(_record(), tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == ["verification.html", "verification.json", "verification.md"]
    rec = json.loads(paths["json"].read_text())
    assert rec["schema"] == 1
    md = paths["md"].read_text()
    assert md.index("Errata and refutations") < md.index("Claims × methods")
    assert "y is not 2" in md
    html = paths["html"].read_text()
    assert "data:image/png;base64," in html  # the summary plot is embedded
    assert "http://" not in html and "https://" not in html  # self-contained: nothing to fetch
    assert not list((tmp_path / "out").glob(".*tmp"))
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(paths["html"].stat().st_mode) == 0o666 & ~mask  # readable like any written file


def test_crash_while_rendering_leaves_no_partial_files(tmp_path, monkeypatch):
    def boom(rec):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(R, "render_html", boom)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        R.write_report(_record(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_crash_while_writing_leaves_no_temp_file(tmp_path, monkeypatch):
    import os

    real = os.replace

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        R.atomic_write_text(tmp_path / "f.json", "{}")
    monkeypatch.setattr(os, "replace", real)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_directory_gets_a_clear_error(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    with pytest.raises(R.ReportError, match="cannot create report directory"):
        R.ensure_writable_dir(f / "sub")
    with pytest.raises(R.ReportError, match="not a directory"):
        R.ensure_writable_dir(f)


def test_load_record_errors(tmp_path):
    with pytest.raises(R.ReportError, match="run `li2verify report` first"):
        R.load_record(tmp_path)
    (tmp_path / "verification.json").write_text("{not json")
    with pytest.raises(R.ReportError, match="not valid JSON"):
        R.load_record(tmp_path)
