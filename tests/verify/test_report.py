"""The report writer: JSON shape, rendering, atomic writes, clear errors."""

import json

import pytest

from li2verify.verify import report as R
from li2verify.verify.claims import Claim, Evidence


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


# -- the blueprint report ---------------------------------------------------------------------------------------
def _rich_record():
    base = Claim(id="demo.base", paper_ref="Thm 2; Sec 4.3 and App. F.1", printed=r"$\mathcal{E}^* = M/8d_k$",
                 verified=r"\mathcal{E}^* = \frac{M}{4 d_k} \text{ for a real irrep}", module="theorems.thm_demo",
                 notes="a note with a dict {'E': 2.9999999999999987, 'k': 3}")
    user = Claim(id="demo.user", paper_ref="Thm 3; Sec 4.4", printed=r"\text{uses } \mathcal{E}^*",
                 depends_on=["demo.base"], module="theorems.thm_demo")
    lazy = Claim(id="lemma10.first", paper_ref="Lemma 10, Eqn 39; App. G.3", printed="T ≥ L", module="theorems.thm_demo")
    lemma2 = Claim(id="lemma2.first", paper_ref="Prop 1 (Sec 3.1)", printed="plain words", module="theorems.thm_demo")
    e1 = Evidence("demo.base", "symbolic", "theorems.thm_demo::test_printed")
    import sympy

    e1.counterexample("E* differs", measured=sympy.Rational(5, 4), printed=sympy.Rational(5, 8), tol=0,
                      why="exact arithmetic", M=5, group="Z5")
    e1.counterexample("E* differs", measured=sympy.Rational(7, 4), printed=sympy.Rational(7, 8), tol=0,
                      why="exact arithmetic", M=7, group="Z7")
    e1.detail("per group", [{"group": "Z5", "E": 1.2500000000000002}, {"group": "Z7", "E": 1.7499999999999998}])
    e1.finalize(None)
    e2 = Evidence("demo.base", "numeric", "theorems.thm_demo::test_fixed[Z5]", target="corrected")
    e2.tolerance(1e-12, "float64 rounding")
    e2.close(1.25, 1.25000000000001, family="Z5", seed=3)
    e2.finalize(None)
    e3 = Evidence("demo.user", "numeric", "theorems.thm_demo::test_user")
    e3.tolerance(0.0, "exact")
    e3.holds(True, "ok", family="Z3")
    e3.finalize(None)
    statuses = {"demo.base": "erratum", "demo.user": "verified", "lemma10.first": "untested", "lemma2.first": "untested"}
    from li2verify.verify.claims import rests_on

    graph = {"demo.user": ["demo.base"], "demo.base": []}
    return R.build_record([user, base, lazy, lemma2], [e1, e2, e3], statuses, "fast",
                          extra={"rests_on": {"demo.user": rests_on("demo.user", graph, statuses)}})


def test_numbers_for_humans():
    assert R.fmt_num(2.9999999999999987) == "3" and R.fmt_num(-11.999999999999993) == "−12"
    assert R.fmt_num(0.0) == "0" and R.fmt_num(1000.0) == "1000" and R.fmt_num(0.25) == "0.25"
    assert R.fmt_num(1.23456e-7) == "1.235×10⁻⁷" and R.fmt_num(None) == "–" and R.fmt_num(7) == "7"
    assert R.humanize("E=2.9999999999999987; largest_eigenvalue=-11.999999999999993") == "E=3; largest_eigenvalue=−12"
    assert R.humanize("got {'a': 0.30000000000000004, 'b': 'x'}") == "got (a = 0.3, b = x)"
    assert "<math" in R.exact_html("sqrt(2)/2") and R.exact_html("Z5") is None


def test_paper_order_groups_by_stage_and_section():
    order = [c["id"] for c in R.paper_order(_rich_record()["claims"])]
    assert order == ["lemma2.first", "demo.base", "demo.user", "lemma10.first"]  # Sec 3.1, 4.3, 4.4, 5.3
    assert R.paper_position("Thm 2 proof; App. F.1, Eqns 13-15")["section"] == "4.3"
    assert R.paper_position("Fig 10; Sec 6")["stage"] == "deeper"
    assert R.paper_position("paper 003, abstract")["stage"] == "other"
    assert R._natural("lemma2") < R._natural("lemma10")


def test_html_is_a_blueprint(tmp_path):
    import re

    paths = R.write_report(_rich_record(), tmp_path)
    html = paths["html"].read_text()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "http://" not in html and "https://" not in html
    assert html.count("<math") >= 4 and "\\mathcal" not in re.sub(r'alttext="[^"]*"', "", html)
    # the erratum: printed and corrected side by side, smallest counterexample (M=5 of 2), strength
    card = html[html.index("erratum-card"):html.index('id="graph"')]
    assert "As printed" in card and "As verified (the correction)" in card and "of 2 recorded" in card
    assert "<td>5</td>" in card and "exact arithmetic" in card and "worst error" in card
    # navigation: ToC, filters, search, anchors, used-by, rests-on, graph node links, rerun commands
    assert 'id="toc"' in html and 'id="search"' in html and 'name="status"' in html
    assert 'id="demo.base"' in html and "Used by: <a href=\"#demo.user\">" in html
    assert 'class="node" data-claim="demo.base"' in html and 'href="#demo.base"' in html
    assert "pytest theorems/<wbr>thm_demo.py::<wbr>test_printed" in html and "--li2-claim demo.base" in html
    from html import unescape

    assert "pytest 'theorems/thm_demo.py::test_fixed[Z5]'" in unescape(html.replace("<wbr>", ""))
    assert "printed ✗" in html and "corrected ✓" in html
    # numbers: no float with more than 6 significant digits outside the raw data
    for m in re.finditer(r"(?<![\w.#-])\d+\.\d+(?:e[-+]?\d+)?", re.sub(r"<(?:img|svg)[^>]*>|data:[^'\"]+", "", html)):
        assert len(m.group(0).replace(".", "").lstrip("0").split("e")[0]) <= 6, m.group(0)
    assert "(E = 3, k = 3)" in html  # a dict repr in notes, as key = value


def test_markdown_has_math_delimited_paper_order_and_utf8_json(tmp_path):
    paths = R.write_report(_rich_record(), tmp_path)
    md = paths["md"].read_text()
    assert r"$\mathcal{E}^* = \frac{M}{4 d_k}$ for a real irrep" in md  # delimiter-less LaTeX gets delimiters
    assert md.index("lemma2.first") < md.index("lemma10.first")
    assert md.index("Summary") < md.index("Errata and refutations") < md.index("Claims × methods")
    assert "verified · rests on erratum demo.base" in md
    raw = paths["json"].read_text(encoding="utf-8")
    assert "\\u" not in raw and "≥" in raw


def test_templates_ship_with_the_package():
    from importlib.resources import files

    names = {p.name for p in files("li2verify.verify").joinpath("templates").iterdir()}
    assert {"report.html.j2", "report.md.j2", "report.css", "report.js"} <= names


def test_dependency_graph_is_laid_out_by_dot_or_says_what_is_missing(monkeypatch):
    import shutil

    from li2verify.verify.depgraph import dot_source

    claims = [{"id": "a.one", "status": "erratum", "depends_on": []},
              {"id": "b.two", "status": "verified", "depends_on": ["a.one"]},
              {"id": "c.alone", "status": "verified", "depends_on": []}]
    dot, nodes = dot_source(claims)
    assert nodes == ["a.one", "b.two"] and '"a.one" -> "b.two"' in dot
    # columns by longest path, each in the paper's order (the order of the claims given), held by invisible edges
    three = [{"id": i, "status": "verified", "depends_on": d} for i, d in
             (("p.z", []), ("p.a", []), ("q.user", ["p.a", "p.z"]), ("q.m", ["p.z"]))]
    dot3, _ = dot_source(three)
    assert '{ rank=same; "p.z" -> "p.a" [style=invis]; }' in dot3
    assert '{ rank=same; "q.user" -> "q.m" [style=invis]; }' in dot3
    if shutil.which("dot"):
        html = R.render_html(_record_with_deps())
        assert '<g class="node" data-claim="demo.b" data-status="verified"' in html and "http://" not in html
    monkeypatch.setenv("PATH", "/nonexistent")
    html = R.render_html(_record_with_deps())
    assert "dot` is not installed (apt-get install graphviz)" in html and "data-claim=" not in html


def _record_with_deps():
    a = Claim(id="demo.a", paper_ref="Thm 2", printed="x = 1", module="theorems.thm_demo")
    b = Claim(id="demo.b", paper_ref="Thm 3", printed="y = 2", depends_on=["demo.a"], module="theorems.thm_demo")
    return R.build_record([a, b], [], {"demo.a": "verified", "demo.b": "verified"}, "fast")


def test_claim_rows_are_in_paper_order_with_checks_from_the_record():
    rec = {"claims": [
        {"id": "thm4.x", "paper_ref": "Thm 4", "status": "verified", "evidence": [{"check": "m::a"}, {"check": "m::b"}]},
        {"id": "prop1.y", "paper_ref": "Prop 1", "status": "erratum", "evidence": [{"check": "m::c"}]}]}
    rows = R.claim_rows(rec, {"thm4.x": "verified", "prop1.y": "verified", "lemma1.z": "verified"})
    assert [r["id"] for r in rows][:2] == ["prop1.y", "thm4.x"]
    assert rows[0]["changed"] and rows[0]["checks"] == 1 and rows[1]["checks"] == 2
    assert any(r["id"] == "lemma1.z" and r["last"] == "(not run)" for r in rows)
