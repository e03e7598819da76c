"""The pytest plugin, exercised through real pytest subprocesses on small theorem directories."""

import json
import textwrap

import pytest

HEADER = """
from li2verify.verify.claims import claim, check
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
            evidence.counterexample("E* differs from the printed M/8", measured=got, printed=printed, tol=1e-12,
                                    why="float64 rounding of one division", M=5)

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
    assert "passed" not in r.stdout.str()  # it fails before any check runs


# -- verdict integrity: only measured violations decide a claim ---------------------------------------------
ERRATUM = """
from li2verify.verify.claims import claim, check

def printed_energy(M):
    return {printed_formula}

C = claim("demo.energy", paper_ref="Thm 2", printed="E* = M/8", verified="E* = M/4")

@check(C, "numeric")
def test_printed_energy(evidence):
    evidence.tolerance(1e-12, "float64 rounding of one division")
    for M in (5, 7):
        measured = M / 4  # the energy computed by the engine
        evidence.counterexample("E* differs from the printed value", measured=measured,
                                printed=printed_energy(M), M=M, family=f"Z{{M}}")

@check(C, "numeric", target="corrected")
def test_corrected_energy(evidence):
    evidence.tolerance(1e-12, "float64 rounding")
    evidence.close(5 / 4, 5 / 4, family="Z5")
"""


def test_an_erratum_check_fails_when_the_printed_formula_is_right(pytester):
    d = pytester.path / "theorems"
    d.mkdir()
    (d / "expected_status.json").write_text(json.dumps({"schema": 1, "claims": {"demo.energy": "erratum"}}))
    (d / "thm_energy.py").write_text(ERRATUM.format(printed_formula="M / 8"))
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == 0
    r.assert_outcomes(passed=2)
    # the same check, with the paper's formula replaced by the correct one: the erratum must not survive
    (d / "thm_energy.py").write_text(ERRATUM.format(printed_formula="M / 4"))
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    r.assert_outcomes(passed=1, failed=1)
    r.stdout.fnmatch_lines(["*STATUS CHANGED*", "*demo.energy: status 'verified', expected 'erratum'*",
                            "*ERRATUM VANISHED*holds on this instance*", "*1 failed, 1 passed, 1 status changed*"])
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    assert rec["status_changes"] == [{"id": "demo.energy", "status": "verified", "expected": "erratum"}]
    md = (pytester.path / "out" / "verification.md").read_text()
    assert md.index("Status changes") < md.index("Summary")  # the first thing a reader sees
    html = (pytester.path / "out" / "verification.html").read_text()
    assert html.index("Status changes") < html.index("Summary")


def test_an_assertion_inside_a_library_is_broken_not_refuted(pytester):
    _theorems(pytester, """
        import numpy as np
        C = claim("demo.lib", paper_ref="Thm 0", printed="s")
        D = claim("demo.torch", paper_ref="Thm 0", printed="t")

        @check(C, "numeric")
        def test_numpy_assert(evidence):
            evidence.instance("Z3")
            np.testing.assert_allclose(1.0, 2.0)  # an AssertionError, but not the evidence API's

        @check(D, "empirical")
        def test_torch_cuda(evidence):
            import torch
            evidence.instance("Z3")
            torch.zeros(1).cuda()  # CPU-only torch raises AssertionError("Torch not compiled with CUDA enabled")
    """, {"demo.lib": "verified", "demo.torch": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    assert rec["broken_checks"] == 2
    assert {c["id"]: c["status"] for c in rec["claims"]} == {"demo.lib": "untested", "demo.torch": "untested"}
    r.stdout.fnmatch_lines(["*BROKEN check*test_numpy_assert: AssertionError*"])


def test_a_declared_counterexample_is_broken(pytester):
    _theorems(pytester, """
        C = claim("demo.declared", paper_ref="Thm 0", printed="E* = M/8")

        @check(C, "numeric")
        def test_declared(evidence):
            evidence.counterexamples.append({"what": "E* differs"})  # declared: no measurement, no tolerance
    """, {"demo.declared": "refuted"})
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == pytest.ExitCode.TESTS_FAILED
    r.stdout.fnmatch_lines(["*BROKEN*without a measured violation*E* differs*"])


def test_unknown_dependency_and_cycles_fail_collection(pytester):
    _theorems(pytester, """
        C = claim("demo.a", paper_ref="Thm 0", printed="s", depends_on=["demo.nowhere"])

        @check(C, "numeric")
        def test_a(evidence):
            evidence.instance("Z3")
    """, {"demo.a": "verified"})
    r = pytester.runpytest_subprocess("theorems")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    assert "claim 'demo.a' (module theorems.thm_demo) depends on unknown claim 'demo.nowhere'" in r.stderr.str()
    assert "passed" not in r.stdout.str()  # it fails before any check runs


def test_report_shows_the_weakest_ancestor(pytester):
    _theorems(pytester, """
        A = claim("demo.base", paper_ref="Thm 1", printed="E* = M/8", verified="E* = M/4")
        B = claim("demo.user", paper_ref="Thm 2", printed="uses Thm 1", depends_on=["demo.base"])

        @check(A, "numeric")
        def test_base(evidence):
            evidence.counterexample("E*", measured=1.25, printed=0.625, tol=1e-12, why="rounding", M=5)

        @check(A, "numeric", target="corrected")
        def test_base_fixed(evidence):
            evidence.tolerance(0.0, "exact")
            evidence.close(1, 1, rel=False)

        @check(B, "numeric")
        def test_user(evidence):
            evidence.tolerance(0.0, "exact")
            evidence.close(1, 1, rel=False)
    """, {"demo.base": "erratum", "demo.user": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    assert r.ret == 0
    r.stdout.fnmatch_lines(["*demo.user: verified · rests on erratum demo.base*"])
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    assert rec["rests_on"]["demo.user"]["weakest"] == "erratum"
    assert "rests on erratum" in (pytester.path / "out" / "verification.md").read_text()


def test_cuda_device_without_cuda_is_a_usage_error(pytester):
    _theorems(pytester, OK, {"demo.ok": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-device", "cuda")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*--li2-device cuda: this torch*sees no CUDA device*"])


def test_the_plugin_sets_one_blas_thread_unless_told_otherwise(pytester, monkeypatch):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    _theorems(pytester, """
        import os
        C = claim("demo.threads", paper_ref="Thm 0", printed="s")

        @check(C, "numeric")
        def test_threads(evidence):
            evidence.tolerance(0.0, "exact")
            evidence.holds(os.environ["OPENBLAS_NUM_THREADS"] == "1" == os.environ["OMP_NUM_THREADS"], "one thread")
    """, {"demo.threads": "verified"})
    assert pytester.runpytest_subprocess("theorems").ret == 0


def test_a_failing_property_reports_its_shrunk_counterexample(pytester):
    _theorems(pytester, """
        from hypothesis import given
        from li2verify.groups.strategies import group_specs, group
        C = claim("demo.odd", paper_ref="Thm 0", printed="every finite group has odd order")

        @check(C, "property")
        @given(spec=group_specs(max_order=24))
        def test_odd(evidence, spec):
            evidence.tolerance(0.0, "exact integer arithmetic")
            evidence.error(1 - group(spec).order % 2, family=spec, what="1 − (order mod 2)")
    """, {"demo.odd": "refuted"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")
    assert r.ret == pytest.ExitCode.TESTS_FAILED  # an unexpected violation is a red test and a refutation
    rec = json.loads((pytester.path / "out" / "verification.json").read_text())
    (ev,) = rec["claims"][0]["evidence"]
    assert rec["claims"][0]["status"] == "refuted" and ev["outcome"] == "fail"
    assert ev["details"]["falsifying example (shrunk by Hypothesis)"] == "test_odd( spec='Z2', )"


TWO = OK + """
D = claim("demo.other", paper_ref="Thm 0", printed="t")

@check(D, "numeric")
def test_other(evidence):
    evidence.tolerance(0.0, "exact")
    evidence.close(0, 0, rel=False)
"""


def test_li2_claim_selects_by_claim_id_prefix_and_writes_its_own_report(pytester):
    _theorems(pytester, TWO, {"demo.ok": "verified", "demo.other": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out")  # the full report
    assert r.ret == 0
    full = (pytester.path / "out" / "verification.json").read_text()
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out", "--li2-claim", "demo.o")
    r.assert_outcomes(passed=2)  # both ids start with demo.o
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out", "--li2-claim", "demo.ok")
    r.assert_outcomes(passed=1, deselected=1)
    assert r.ret == 0
    assert (pytester.path / "out" / "verification.json").read_text() == full  # the full report is untouched
    part = pytester.path / "out" / "partial" / "claim-demo.ok" / "verification.json"
    rec = json.loads(part.read_text())
    assert rec["selection"] == "--li2-claim demo.ok"
    assert {c["id"]: c["status"] for c in rec["claims"]} == {"demo.ok": "verified", "demo.other": "untested"}
    assert "partial run" in (part.parent / "verification.html").read_text()


def test_k_matches_claim_ids_and_a_partial_run_overwrites_only_when_asked(pytester):
    _theorems(pytester, TWO, {"demo.ok": "verified", "demo.other": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out", "-k", "demo.other")
    r.assert_outcomes(passed=1, deselected=1)
    assert (pytester.path / "out" / "partial" / "k-demo.other" / "verification.json").exists()
    assert not (pytester.path / "out" / "verification.json").exists()
    r = pytester.runpytest_subprocess("theorems", "--li2-report", "out", "-k", "demo.other", "--li2-report-overwrite")
    assert json.loads((pytester.path / "out" / "verification.json").read_text())["selection"] == "-k 'demo.other'"


def test_li2_claim_without_a_match_is_a_usage_error(pytester):
    _theorems(pytester, TWO, {"demo.ok": "verified", "demo.other": "verified"})
    r = pytester.runpytest_subprocess("theorems", "--li2-claim", "demo.okk")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*--li2-claim: no claim id starts with 'demo.okk' (did you mean demo.ok*"])


def test_junit_records_carry_claim_method_status_and_worst_error(pytester):
    """A CI dashboard reads --junitxml: an erratum is a passing test, so the claim and its status must be there."""
    import xml.etree.ElementTree as ET

    d = pytester.path / "theorems"
    d.mkdir()
    (d / "expected_status.json").write_text(json.dumps({"schema": 1, "claims": {"demo.energy": "erratum"}}))
    (d / "thm_energy.py").write_text(ERRATUM.format(printed_formula="M / 8"))
    r = pytester.runpytest_subprocess("theorems", "--junitxml", "out.xml")
    r.assert_outcomes(passed=2)
    root = ET.parse(pytester.path / "out.xml").getroot()
    cases = {c.get("name"): {p.get("name"): p.get("value") for p in c.iter("property")} for c in root.iter("testcase")}
    printed, corrected = cases["test_printed_energy"], cases["test_corrected_energy"]
    assert printed["li2.claim"] == corrected["li2.claim"] == "demo.energy"
    assert printed["li2.status"] == corrected["li2.status"] == "erratum"
    assert (printed["li2.method"], printed["li2.target"], printed["li2.outcome"]) == ("numeric", "printed",
                                                                                     "counterexample")
    assert float(printed["li2.worst_error"]) == pytest.approx(7 / 4 - 7 / 8, rel=1e-3)  # M = 7: measured − printed
    assert printed["li2.tolerance"] == "1e-12" and corrected["li2.outcome"] == "pass"
    suite = {p.get("name"): p.get("value") for p in root.find("testsuite/properties")}
    assert suite["li2.claims.erratum"] == "1" and suite["li2.claims.verified"] == "0"
