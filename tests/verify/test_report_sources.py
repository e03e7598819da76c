"""Claims from another paper (a claim ``source``) get their own heading in the report, after the Li2 paper's stages."""

from li2verify.verify import report as R
from li2verify.verify.claims import REGISTRY, Claim, Evidence, Registry, claim

SRC = "Liu et al. 2022, Towards Understanding Grokking"


def _record():
    li2 = Claim(id="thm4.sample", paper_ref="Thm 4", printed="n ≥ M log M", module="theorems.thm4")
    a = Claim(id="other.rqi", paper_ref="Sec 3.1, Eqn 3", printed="RQI", module="theorems.conjectures.pkg.other_a",
              source=SRC)
    b = Claim(id="other.phase", paper_ref="App. A, Table 1", printed="phases", module="theorems.conjectures.pkg.other_b",
              source=SRC)
    c = Claim(id="other.flow", paper_ref="Sec 3.2, Eqn 4", printed="flow", module="theorems.conjectures.pkg.other_a",
              source=SRC)
    d = Claim(id="other.vs", paper_ref="conjecture (side by side): Sec 3.1", printed="x", module="m", source=SRC)
    evs = []
    for cl in (li2, a, b, c, d):
        e = Evidence(cl.id, "numeric", f"{cl.module}::test_{cl.id}")
        e.tolerance(0.0, "exact")
        e.holds(True, "x")
        e.finalize(None)
        evs.append(e)
    return R.build_record([li2, d, b, c, a], evs, {k.id: "verified" for k in (li2, a, b, c, d)}, "fast")


def test_a_claims_source_is_recorded_and_only_when_given():
    reg = Registry()
    c = claim("other.x", paper_ref="Sec 2", printed="p", source=SRC, registry=reg)
    assert c.to_dict()["source"] == SRC
    assert "source" not in claim("li2.x", paper_ref="Thm 1", printed="p", registry=reg).to_dict()
    assert "other.x" not in REGISTRY


def test_another_papers_claims_render_under_their_own_heading_in_section_order(tmp_path):
    rec = _record()
    view = R.build_view(rec)
    keys = [g["key"] for g in view["groups"]]
    src = [g for g in view["groups"] if g["title"] == SRC]
    assert len(src) == 1 and keys[-1] == src[0]["key"]          # after every Li2 stage
    assert [s["title"] for s in src[0]["sections"]] == ["Sec 3.1", "Sec 3.2", "App. A", "Conjectures"]
    assert [c["id"] for s in src[0]["sections"] for c in s["claims"]] == ["other.rqi", "other.flow", "other.phase",
                                                                           "other.vs"]
    li2 = [c["id"] for g in view["groups"] if g["title"] != SRC for s in g["sections"] for c in s["claims"]]
    assert li2 == ["thm4.sample"]
    assert (src[0]["key"], SRC) in view["stages"]                  # the stage filter offers it
    paths = R.write_report(rec, tmp_path / "out")
    html = paths["html"].read_text()
    md = paths["md"].read_text()
    assert html.index(f">{SRC}</h2>") < html.index(' id="other.rqi"') < html.index(' id="other.phase"')
    assert html.index(' id="thm4.sample"') < html.index(f">{SRC}</h2>")
    assert SRC in md and md.index(SRC) < md.index("`other.rqi`")
    ids = [s["key"] for g in view["groups"] for s in g["sections"]]
    assert len(ids) == len(set(ids))                                # section anchors stay unique
