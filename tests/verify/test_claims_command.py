"""``li2verify claims``: from any directory, in the paper's order, from the last report without importing the theorem
modules (real subprocesses)."""

import json
import subprocess
import sys
import time


def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "li2verify", "claims", *args], capture_output=True, text=True,
                          cwd=cwd)


def test_claims_from_a_subdirectory_in_paper_order_without_importing_theorems(tmp_path):
    d = tmp_path / "theorems"
    d.mkdir()
    (d / "__init__.py").write_text("")
    # a module that must not be imported on the fast path: importing it fails loudly
    (d / "thm_boom.py").write_text("raise SystemExit('imported a theorem module')\n")
    (d / "expected_status.json").write_text(json.dumps(
        {"schema": 1, "claims": {"thm4.late": "verified", "prop1.early": "erratum"}}))
    from li2verify.verify import report as R
    from li2verify.verify.claims import Claim

    claims = [Claim(id="thm4.late", paper_ref="Thm 4", printed="x", module="theorems.thm_boom"),
              Claim(id="prop1.early", paper_ref="Prop 1", printed="y", module="theorems.thm_boom")]
    R.write_report(R.build_record(claims, [], {"thm4.late": "verified", "prop1.early": "verified"}, "fast"),
                   tmp_path / "reports")
    sub = tmp_path / "docs" / "deep"
    sub.mkdir(parents=True)
    t0 = time.perf_counter()
    r = _run(cwd=sub)
    assert r.returncode == 0, r.stderr
    assert time.perf_counter() - t0 < 10  # the interpreter's start dominates; no theorem module is imported
    lines = r.stdout.splitlines()
    early = next(i for i, line in enumerate(lines) if "prop1.early" in line)
    late = next(i for i, line in enumerate(lines) if "thm4.late" in line)
    assert early < late  # Prop 1 (Sec 3.1) before Thm 4 (Sec 4.5), not alphabetical
    assert lines[early].startswith("!!") and "status change" in lines[0]  # verified, expected erratum
    rows = json.loads(_run("--json", cwd=sub).stdout)
    assert [r["id"] for r in rows] == ["prop1.early", "thm4.late"] and rows[0]["changed"]


def test_claims_bad_expected_file_is_a_one_line_usage_error(tmp_path):
    d = tmp_path / "theorems"
    d.mkdir()
    (d / "expected_status.json").write_text("{not json")
    r = _run(cwd=tmp_path)
    assert r.returncode == 2 and "not a valid expected-status file" in r.stderr and "Traceback" not in r.stderr
