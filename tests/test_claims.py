"""The claim registry, evidence recording and the status rules of DESIGN.md."""

import numpy as np
import pytest

from li2verify.claims import ClaimError, Evidence, Registry, claim, claim_status


def _claim(reg, cid="x.y.z", **kw):
    kw.setdefault("paper_ref", "Thm 0")
    kw.setdefault("printed", "a statement")
    return claim(cid, registry=reg, **kw)


def test_duplicate_claim_with_different_definition_is_an_error():
    reg = Registry()
    _claim(reg)
    with pytest.raises(ClaimError, match=r"registered twice.*test_claims"):
        _claim(reg, printed="another statement")


def test_identical_reregistration_is_a_noop():
    reg = Registry()
    a = _claim(reg)
    assert _claim(reg) is a
    assert len(reg) == 1


@pytest.mark.parametrize("kw, msg", [
    ({"paper_ref": ""}, "paper_ref is required"),
    ({"printed": ""}, "printed statement is required"),
])
def test_claim_requires_reference_and_statement(kw, msg):
    with pytest.raises(ClaimError, match=msg):
        _claim(Registry(), **kw)


def test_bad_claim_id():
    with pytest.raises(ClaimError, match="without spaces"):
        _claim(Registry(), cid="has space")


def test_check_rejects_unknown_method_and_corrected_without_verified():
    from li2verify.claims import check

    c = _claim(Registry())
    with pytest.raises(ClaimError, match="unknown check method 'numerc'"):
        check(c, "numerc")
    with pytest.raises(ClaimError, match="needs the claim's verified statement"):
        check(c, "numeric", target="corrected")


def test_evidence_error_against_tolerance():
    ev = Evidence("c", "numeric", "chk")
    with pytest.raises(ValueError, match="tolerance"):
        ev.close(1.0, 1.0)
    ev.tolerance(1e-8, "float64 rounding")
    ev.close(np.ones(3), np.ones(3) + 1e-12, family="Z5", seed=1)
    with pytest.raises(AssertionError, match=r"exceeds tolerance 1.0e-08 \(float64 rounding\) \[family=Z5"):
        ev.close(np.ones(3), np.ones(3) * 2, family="Z5")
    assert ev.instances == 2 and ev.max_error == pytest.approx(0.5) and ev.families == ["Z5"]


def test_evidence_shape_mismatch_is_reported():
    ev = Evidence("c", "numeric", "chk")
    ev.tolerance(1e-8, "r")
    with pytest.raises(AssertionError, match="shapes differ"):
        ev.close(np.ones(3), np.ones(4))


@pytest.mark.parametrize("setup, raised, outcome", [
    (lambda e: e.instance("Z3"), None, "pass"),
    (lambda e: None, None, "broken"),  # recorded nothing: a test that cannot fail
    (lambda e: e.instance("Z3"), ValueError("boom"), "broken"),
    (lambda e: e.instance("Z3"), AssertionError("no"), "fail"),
    (lambda e: e.counterexample("printed constant wrong", M=5), None, "counterexample"),
    (lambda e: e.inconclusive("fit cannot separate orders"), None, "inconclusive"),
])
def test_evidence_outcomes(setup, raised, outcome):
    ev = Evidence("c", "numeric", "chk")
    setup(ev)
    ev.finalize(raised)
    assert ev.outcome == outcome


def _ev(outcome, target="printed"):
    return {"outcome": outcome, "target": target}


@pytest.mark.parametrize("verified, evs, status", [
    (None, [], "untested"),
    (None, [_ev("pass"), _ev("pass")], "verified"),
    (None, [_ev("pass"), _ev("counterexample")], "refuted"),
    ("fixed", [_ev("counterexample"), _ev("pass", "corrected")], "erratum"),
    ("fixed", [_ev("counterexample"), _ev("fail", "corrected")], "refuted"),
    ("fixed", [_ev("counterexample")], "refuted"),
    (None, [_ev("pass"), _ev("inconclusive")], "inconclusive"),
    (None, [_ev("pass"), _ev("broken")], "verified"),  # broken checks fail the run, not the claim
    (None, [_ev("skipped")], "untested"),
    (None, [_ev("fail")], "refuted"),
])
def test_claim_status_rules(verified, evs, status):
    c = _claim(Registry(), verified=verified)
    assert claim_status(c, evs) == status
