"""The pytest plugin, exercised through real pytest subprocesses on small theorem directories."""

import json
import textwrap

import pytest

HEADER = """
from li2verify.claims import claim, check
"""


def _theorems(pytester, body, expected=None, name="thm_demo.py"):
    d = pytester.path / "theorems"
    d.mkdir(exist_ok=True)
    (d / "__init__.py").write_text("")
    (d / name).write_text(HEADER + textwrap.dedent(body))
    if expected is not None:
        (d / "expected_status.json").write_text(json.dumps({"schema": 1, "claims": expected}))
    return d


OK = """
C = claim("demo.ok", paper_ref="Thm 0", printed="1 + 1 = 2")

@check(C, "numeric")
def test_ok(evidence):
    evidence.tolerance(0.0, "exact integer arithmetic")
    evidence.close(1 + 1, 2, rel=False, family="ints")
"""


def test_unknown_profile_is_a_usage_error(pytester):
    _theorems(pytester, OK, {"demo.ok": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-profile", "quick")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*unknown li2verify profile 'quick'; choose one of: fast, thorough, paper*"])


def test_env_profile_is_validated_too(pytester, monkeypatch):
    _theorems(pytester, OK, {"demo.ok": "verified"})
    monkeypatch.setenv("LI2_PROFILE", "huge")
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == pytest.ExitCode.USAGE_ERROR


def test_modules_under_theorems_are_collected_and_the_report_is_written(pytester):
    _theorems(pytester, OK, {"demo.ok": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    r.assert_outcomes(passed=1)
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    (c,) = [c for c in rec["claims"] if c["id"] == "demo.ok"]
    assert c["status"] == "verified" and c["evidence"][0]["instances"] == 1
    assert (pytester.path / "out" / "verification.html").exists()


def test_a_check_that_raises_is_broken_not_refuted(pytester):
    _theorems(pytester, """
        C = claim("demo.crash", paper_ref="Thm 0", printed="s")

        @check(C, "numeric")
        def test_crash(evidence):
            evidence.instance("Z3")
            raise ValueError("engine exploded")
    """, {"demo.crash": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    r.stdout.fnmatch_lines(["*BROKEN check*test_crash: ValueError: engine exploded*"])
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    assert rec["broken_checks"] == 1
    assert rec["claims"][0]["evidence"][0]["outcome"] == "broken"


def test_a_check_that_records_nothing_fails(pytester):
    _theorems(pytester, """
        C = claim("demo.empty", paper_ref="Thm 0", printed="s")

        @check(C, "numeric")
        def test_nothing(evidence):
            assert True
    """, {"demo.empty": "untested"})
    r = pytester.runpytest_subprocess("theorems")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*recorded no evidence*cannot fail is a defect*"])


def test_counterexample_with_verified_correction_is_an_erratum_and_ci_stays_green(pytester):
    _theorems(pytester, """
        C = claim("demo.constant", paper_ref="Thm 0", printed="E* = M/8", verified="E* = M/4")

        @check(C, "numeric")
        def test_printed(evidence):
            got, printed = 5 / 4, 5 / 8
            assert abs(got - printed) > 0.1
            evidence.counterexample("E* differs from the printed M/8", M=5, computed=got, printed=printed)

        @check(C, "numeric", target="corrected")
        def test_corrected(evidence):
            evidence.tolerance(1e-12, "rounding")
            evidence.close(5 / 4, 5 / 4, family="Z5")
    """, {"demo.constant": "erratum"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    r.assert_outcomes(passed=2)
    assert r.ret == 0
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    assert rec["claims"][0]["status"] == "erratum"
    assert "E* differs" in (pytester.path / "out" / "verification.md").read_text()


def test_status_change_fails_the_run_until_accepted(pytester):
    d = _theorems(pytester, OK, {"demo.ok": "refuted"})
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    r.stdout.fnmatch_lines(["*demo.ok: status 'verified', expected 'refuted'*"])
    r = pytester.runpytest_subprocess("theorems", "--li2-accept-status")
    assert r.ret == 0
    assert json.loads((d / "expected_status.json").read_text())["claims"]["demo.ok"] == "verified"
    assert pytester.runpytest_subprocess("theorems").ret == 0


def test_new_claim_must_be_acknowledged(pytester):
    _theorems(pytester, OK, {})
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    r.stdout.fnmatch_lines(["*demo.ok: status 'verified' but the claim is not in expected_status.json*"])


def test_deselected_claims_are_not_guarded(pytester):
    _theorems(pytester, OK + """
D = claim("demo.other", paper_ref="Thm 0", printed="t")

@check(D, "numeric")
def test_other(evidence):
    evidence.tolerance(0.0, "exact")
    evidence.close(0, 0, rel=False)
""", {"demo.ok": "verified"})
    r = pytester.runpytest_subprocess("theorems", "-k", "test_ok")
    assert r.ret == 0


def test_hypothesis_examples_accumulate_into_one_evidence(pytester):
    _theorems(pytester, """
        from hypothesis import given, strategies as st
        C = claim("demo.prop", paper_ref="Thm 0", printed="x*0 = 0")

        @check(C, "property")
        @given(x=st.integers(-100, 100))
        def test_prop(evidence, x):
            evidence.tolerance(0.0, "exact")
            evidence.close(x * 0, 0, rel=False, family="ints")
    """, {"demo.prop": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    assert r.ret == 0
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    assert rec["claims"][0]["evidence"][0]["instances"] == 20  # li2-fast: max_examples=20, derandomized


def test_unwritable_report_dir_is_a_usage_error(pytester):
    _theorems(pytester, OK, {"demo.ok": "verified"})
    (pytester.path / "blocker").write_text("a file, not a directory")
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "blocker/sub")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*cannot create report directory*"])


def test_gpu_checks_are_skipped_without_cuda(pytester):
    _theorems(pytester, """
        import pytest
        C = claim("demo.gpu", paper_ref="Thm 0", printed="big run")

        @pytest.mark.gpu
        @check(C, "empirical")
        def test_big(evidence):
            evidence.instance("Z71")
    """, {})
    r = pytester.runpytest_subprocess("theorems", "-rs")
    r.assert_outcomes(skipped=1)
    r.stdout.fnmatch_lines(["*needs a CUDA device*"])
    assert r.ret == 0


def test_profile_overrides_in_the_expected_file(pytester):
    d = _theorems(pytester, """
        C = claim("demo.profiled", paper_ref="Thm 0", printed="more seeds decide it")

        @check(C, "empirical")
        def test_seeds(evidence, li2_profile):
            evidence.instance("Z5")
            if li2_profile.name == "fast":
                evidence.inconclusive("2 of 3 seeds")
    """, {"demo.profiled": "inconclusive"})
    assert pytester.runpytest_subprocess("theorems").ret == 0
    r = pytester.runpytest_subprocess("theorems", "--li2-profile", "thorough")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    r.stdout.fnmatch_lines(["*demo.profiled: status 'verified', expected 'inconclusive' (profile thorough)*"])
    assert pytester.runpytest_subprocess("theorems", "--li2-profile", "thorough", "--li2-accept-status").ret == 0
    data = json.loads((d / "expected_status.json").read_text())
    assert data["claims"] == {"demo.profiled": "inconclusive"}  # the fast status is untouched
    assert data["profiles"] == {"thorough": {"demo.profiled": "verified"}}
    assert pytester.runpytest_subprocess("theorems", "--li2-profile", "thorough").ret == 0
    assert pytester.runpytest_subprocess("theorems").ret == 0


def test_malformed_expected_file_is_a_usage_error(pytester):
    d = _theorems(pytester, OK)
    (d / "expected_status.json").write_text('{"schema": 1, "claims": {"demo.ok": "proven"}}')
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown statuses {'demo.ok': 'proven'}" in r.stderr.str()
    r.assert_outcomes()  # it fails before any check runs
