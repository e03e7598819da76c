"""The claim registry, evidence recording and the status rules of the README."""

import numpy as np
import pytest

from li2verify.verify.claims import (ClaimError, ErratumVanished, Evidence, Registry, SeedRule, StatementFails, claim,
                              claim_status, dependency_problems, measured_violation, rests_on, status_with_ancestry)


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
    from li2verify.verify.claims import check

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
    with pytest.raises(StatementFails, match=r"exceeds tolerance 1.0e-08 \(float64 rounding\) \[family=Z5"):
        ev.close(np.ones(3), np.ones(3) * 2, family="Z5")
    assert ev.instances == 2 and ev.max_error == pytest.approx(0.5) and ev.families == ["Z5"]


def test_evidence_shape_mismatch_is_reported():
    ev = Evidence("c", "numeric", "chk")
    ev.tolerance(1e-8, "r")
    with pytest.raises(StatementFails, match="shapes differ"):
        ev.close(np.ones(3), np.ones(4))


@pytest.mark.parametrize("setup, raised, outcome", [
    (lambda e: e.instance("Z3"), None, "pass"),
    (lambda e: None, None, "broken"),  # recorded nothing: a test that cannot fail
    (lambda e: e.instance("Z3"), ValueError("boom"), "broken"),
    (lambda e: e.instance("Z3"), StatementFails("measured 2 > 1"), "fail"),
    (lambda e: e.instance("Z3"), AssertionError("an assert inside a library"), "broken"),
    (lambda e: e.instance("Z3"), ExceptionGroup("two", [StatementFails("a"), StatementFails("b")]), "fail"),
    (lambda e: e.instance("Z3"), ExceptionGroup("two", [StatementFails("a"), AssertionError("b")]), "broken"),
    (lambda e: e.instance("Z3"), ErratumVanished("holds"), "vanished"),
    (lambda e: e.counterexample("printed constant wrong", measured=5 / 4, printed=5 / 8, tol=1e-12, why="rounding"),
     None, "counterexample"),
    # declared, not measured: a counterexample appended without its violation is broken
    (lambda e: e.counterexamples.append({"what": "printed constant wrong"}), None, "broken"),
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
    ("fixed", [_ev("vanished"), _ev("pass", "corrected")], "verified"),  # the erratum vanished: a status change
])
def test_claim_status_rules(verified, evs, status):
    c = _claim(Registry(), verified=verified)
    assert claim_status(c, evs) == status


def test_counterexample_is_measured_never_declared():
    ev = Evidence("c", "numeric", "chk")
    with pytest.raises(TypeError):
        ev.counterexample("E* differs", M=5)  # no measurement at all
    with pytest.raises(ValueError, match="tolerance"):
        ev.counterexample("E* differs", measured=1.25, printed=0.625)  # no tolerance, no reason
    ev.tolerance(1e-12, "float64 rounding of one division")
    v = ev.counterexample("E* differs", measured=5 / 4, printed=5 / 8, M=5)
    assert v == pytest.approx(0.625)
    rec = ev.counterexamples[0]
    assert rec["measured"] == 1.25 and rec["printed"] == 0.625 and rec["violation"] > rec["tolerance"]
    # the printed value was right after all: the erratum vanishes, loudly
    with pytest.raises(ErratumVanished, match="holds on this instance"):
        ev.counterexample("E* differs", measured=5 / 4, printed=5 / 4 + 1e-15)


@pytest.mark.parametrize("measured, printed, relation, rel, violation", [
    (3.0, 2.0, "==", False, 1.0),
    (np.array([1.0, 3.0]), np.array([1.0, 2.0]), "==", True, 0.5),
    (3.0, 2.0, "<=", False, 1.0),     # printed upper bound 2 exceeded by 1
    (1.0, 2.0, "<=", False, -1.0),    # within the bound: no violation
    (1.0, 2.0, ">=", False, 1.0),     # below the printed lower bound
    (True, False, "==", False, 1.0),
])
def test_measured_violation(measured, printed, relation, rel, violation):
    assert measured_violation(measured, printed, relation, rel=rel) == pytest.approx(violation)


def test_measured_violation_is_exact_for_sympy():
    import sympy as sp

    x = sp.Symbol("x")
    assert measured_violation((x + 1) ** 2, x**2 + 2 * x + 1) == 0.0
    assert measured_violation((x + 1) ** 2, x**2 + 1) == float("inf")
    assert measured_violation(sp.Rational(1, 2), sp.Rational(1, 3)) == pytest.approx(1 / 6)


def test_seed_vote_dead_band_counts_undecided_seeds_against_the_verdict():
    rule = SeedRule("sign-match", threshold=0.95, margin=0.02, direction=">=", k_frac=0.8)
    assert [rule.vote(v) for v in (0.99, 0.96, 0.93, 0.90, float("nan"))] == [True, None, None, False, None]

    def run(values):
        ev = Evidence("c", "empirical", "chk")
        out = ev.seed_vote(rule, values, seeds=range(len(values)), family="Z23")
        return out, ev

    assert run([0.99, 0.99, 0.98, 0.99, 0.97 + 1e-9])[0] is True           # 5/5 outside the band
    out, ev = run([0.99, 0.99, 0.98, 0.99, 0.96])                            # 4/5 ≥ 80%, one undecided
    assert out is True
    out, ev = run([0.99, 0.99, 0.98, 0.96, 0.96])                            # 3 show it, 2 undecided
    assert out is None and ev.inconclusive_reasons
    out, ev = run([0.90, 0.90, 0.96, 0.99, 0.80])                            # ≤ ⌊5/2⌋ even counting the undecided
    assert out is False and ev.counterexamples[0]["violation"] > ev.counterexamples[0]["tolerance"]
    assert len(ev.details["sign-match [per seed]"]) == 5
    # the verdict does not move when an undecided seed lands anywhere inside the band
    for v in np.linspace(0.93, 0.97, 9):
        assert run([0.99, 0.99, 0.98, 0.99, v])[0] is True
        assert run([0.90, 0.90, v, 0.99, 0.80])[0] is False


def test_dependency_problems_name_unknown_ids_and_cycles():
    r = Registry()
    claim("a.x", paper_ref="Thm 1", printed="p", depends_on=["b.y"], registry=r)
    claim("b.y", paper_ref="Thm 1", printed="p", depends_on=["a.x", "nowhere.z"], registry=r)
    probs = dependency_problems(r)
    assert any("unknown claim 'nowhere.z'" in p for p in probs)
    assert any(p.startswith("dependency cycle: a.x → b.y → a.x") for p in probs)
    assert dependency_problems(r, known={"nowhere.z"}) == ["dependency cycle: a.x → b.y → a.x"]


def test_rests_on_reports_the_weakest_ancestor():
    graph = {"c": ["b"], "b": ["a", "d"], "a": [], "d": []}
    rest = rests_on("c", graph, {"b": "verified", "a": "erratum", "d": "inconclusive"})
    assert rest["weakest"] == "erratum" and rest["ancestors"] == 3
    assert status_with_ancestry("verified", rest) == "verified · rests on erratum a"
    assert status_with_ancestry("refuted", rest) == "refuted"


def test_plot_png_embeds_the_bytes_as_written_and_refuses_other_data():
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    ev = Evidence("c", "empirical", "chk")
    ev.plot_png(buf.getvalue(), "a line")
    assert base64.b64decode(ev.plots[0]["png_base64"]) == buf.getvalue()
    assert ev.plots[0]["caption"] == "a line"
    with pytest.raises(ValueError, match="not a PNG"):
        ev.plot_png(b"GIF89a...", "not a png")
