"""The li2verify command line (real subprocesses)."""

import json
import subprocess
import sys
import textwrap


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "li2verify", *args], capture_output=True, text=True, cwd=cwd)


def _demo(tmp_path):
    d = tmp_path / "theorems"
    d.mkdir()
    (d / "__init__.py").write_text("")
    (d / "thm_cli_demo.py").write_text(textwrap.dedent("""
        from li2verify.verify.claims import claim, check
        C = claim("cli.demo", paper_ref="Thm 0", printed="2 > 1")

        @check(C, "numeric")
        def test_demo(evidence):
            evidence.tolerance(0.0, "exact")
            evidence.holds(2 > 1, "2 > 1", family="ints")
    """))
    (d / "expected_status.json").write_text(json.dumps({"schema": 1, "claims": {"cli.demo": "verified"}}))
    return d


def test_help_on_every_command():
    for args in ([], ["report"], ["claims"]):
        r = run(*args, "--help")
        assert r.returncode == 0 and "Usage:" in r.stdout, (args, r.stderr)
    assert "verification report" in run("report", "--help").stdout


def test_report_writes_three_files_and_prints_where(tmp_path):
    _demo(tmp_path)
    r = run("report", "--out", "rep", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 verified" in r.stdout and "verification.html" in r.stdout
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == [
        "verification.html", "verification.json", "verification.md"]
    r = run("claims", "--report", "rep", cwd=tmp_path)
    assert "cli.demo" in r.stdout and "verified" in r.stdout


def test_report_bad_profile_and_missing_theorems(tmp_path):
    r = run("report", "--profile", "huge", cwd=tmp_path)
    assert r.returncode == 2 and "'huge' is not one of" in r.stderr
    r = run("report", cwd=tmp_path)
    assert r.returncode == 2 and "no theorems directory" in r.stderr


def test_report_unwritable_out_dir(tmp_path):
    _demo(tmp_path)
    (tmp_path / "f").write_text("x")
    r = run("report", "--out", "f/sub", cwd=tmp_path)
    assert r.returncode == 2 and "cannot create report directory" in r.stderr
