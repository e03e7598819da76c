"""The verification report: one run record (JSON, the source) rendered to Markdown and self-contained HTML.

All three files are rendered in memory first and written as one set (:func:`write_report`: one run id, staged
complete, then switched into place; :func:`load_record` refuses a mixed set), so a crash while rendering or
writing never leaves a half-written report or a mix of old and new files.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from li2verify.utils.numbers import fmt_key, fmt_num, humanize  # noqa: F401  (one formatter, re-exported)
from li2verify.utils.io import atomic_write_text, default_file_mode, probe_writable_dir  # noqa: F401  (re-exported)
from li2verify.verify.claims import METHODS, STATUSES, Claim, Evidence, status_with_ancestry, worst_error

log = logging.getLogger(__name__)

SCHEMA = 1
FILES = {"json": "verification.json", "md": "verification.md", "html": "verification.html"}
_SYMBOL = {"pass": "✓", "counterexample": "✗", "fail": "✗!", "vanished": "✓!", "inconclusive": "?",
           "broken": "BROKEN", "skipped": "skip"}


class ReportError(RuntimeError):
    """The report cannot be written (e.g. an unwritable output directory)."""


def ensure_writable_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and prove it is writable; raise :class:`ReportError` naming the problem."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise ReportError(f"report path {str(p)!r} exists and is not a directory")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReportError(f"cannot create report directory {str(p)!r}: {e.strerror or e}") from None
    try:
        probe_writable_dir(p)
    except OSError as e:
        raise ReportError(f"report directory {str(p)!r} is not writable: {e.strerror or e}") from None
    return p


def git_sha(cwd: str | os.PathLike | None = None) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5)
        sha = out.stdout.strip()
        if out.returncode == 0 and sha:
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd,
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


def environment(device: str = "cpu") -> dict[str, str]:
    def ver(mod: str) -> str:
        try:
            return __import__(mod).__version__
        except Exception:
            return "not installed"

    return {
        "python": platform.python_version(),
        "torch": ver("torch"),
        "numpy": ver("numpy"),
        "sympy": ver("sympy"),
        "scipy": ver("scipy"),
        "hypothesis": ver("hypothesis"),
        "platform": platform.platform(),
        "device": device,
        "cpu_count": str(os.cpu_count()),
    }


def build_record(claims: Iterable[Claim], evidence: Iterable[Evidence], statuses: dict[str, str],
                 profile: str, device: str = "cpu", extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run record (the JSON shape described in docs/reading_the_report.md): one entry per claim with its status and evidence."""
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for ev in evidence:
        by_claim.setdefault(ev.claim_id, []).append(ev.to_dict())
    out_claims = []
    for c in claims:
        d = c.to_dict()
        d["status"] = statuses.get(c.id, "untested")
        d["evidence"] = sorted(by_claim.get(c.id, []), key=lambda e: (METHODS.index(e["method"]), e["check"]))
        out_claims.append(d)
    summary = {s: 0 for s in STATUSES}
    for d in out_claims:
        summary[d["status"]] += 1
    broken = sum(1 for ev in by_claim.values() for e in ev if e["outcome"] == "broken")
    rec = {
        "schema": SCHEMA,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git_sha": git_sha(),
        "profile": profile,
        "environment": environment(device),
        "claims": out_claims,
        "summary": summary,
        "broken_checks": broken,
    }
    if extra:
        rec.update(extra)
    return rec


def load_record(path: str | os.PathLike) -> dict[str, Any]:
    """Read a ``verification.json``; a clear error if it is not one, or if the .md/.html beside it belong to
    another run (a mixed set).  A switch interrupted by a kill is finished first (:func:`write_report`)."""
    p = Path(path)
    if p.is_dir():
        p = p / FILES["json"]
    if p.name == FILES["json"] and p.parent.is_dir() and any(p.parent.glob(_STAGING + "*")):
        try:
            _roll_forward(p.parent)  # finish a switch a killed writer left half done
        except OSError:
            pass
    try:
        rec = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"no report at {str(p)!r}: run `li2verify report` first") from None
    except ValueError as e:
        raise ReportError(f"{str(p)!r} is not valid JSON: {e}") from None
    if not isinstance(rec, dict) or rec.get("schema") != SCHEMA or "claims" not in rec:
        raise ReportError(f"{str(p)!r} is not a li2verify report (schema {SCHEMA})")
    if p.name == FILES["json"]:
        _check_set(p, rec)
    return rec


# -- rendering ---------------------------------------------------------------------------------------------
# The HTML and Markdown are rendered from Jinja2 templates (li2verify/verify/templates/) over one *view* of the record
# built here: the record stays the single source, the view only orders, formats and cross-links it.

def _method_cell(claim: dict[str, Any], method: str) -> str:
    """One claim × method cell: the outcome marks per target, e.g. ``printed ✗ · corrected ✓``."""
    evs = [e for e in claim["evidence"] if e["method"] == method]
    if not evs:
        return "–"
    parts = []
    for target in ("printed", "corrected"):
        outs = sorted({e["outcome"] for e in evs if e.get("target", "printed") == target},
                      key=lambda o: list(_SYMBOL).index(o))
        if outs:
            parts.append(f"{target} " + " ".join(_SYMBOL[o] for o in outs))
    return " · ".join(parts)


def _ordered(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Errata and refutations first, then inconclusive, then the rest (by id) -- the CLI's summary order."""
    rank = {"refuted": 0, "erratum": 1, "inconclusive": 2, "verified": 3, "untested": 4}
    return sorted(rec["claims"], key=lambda c: (rank[c["status"]], _natural(c["id"])))


# -- the paper's order ------------------------------------------------------------------------------------
STAGES = (
    ("intro", "Introduction and problem setup (Sec 1–2)"),
    ("stage1", "Stage I: lazy learning (Sec 3; App. H)"),
    ("stage2", "Stage II: independent feature learning (Sec 4; App. F)"),
    ("stage3", "Stage III: interactive feature learning (Sec 5; App. G)"),
    ("deeper", "Deeper architectures (Sec 6)"),
    ("appendix", "When grokking happens, discussion and experiments (App. E, I, J)"),
    ("other", "Other sources and conjectures"),
)
SECTIONS = {  # section key -> (stage, title in words)
    "1": ("intro", "1 Introduction"), "2": ("intro", "2 Problem formulation"),
    "3": ("stage1", "3 Stage I: lazy learning"),
    "3.1": ("stage1", "3.1 The backpropagated gradient G_F"),
    "3.2": ("stage1", "3.2 Zero-init accelerates feature learning"),
    "4": ("stage2", "4 Stage II: independent feature learning"),
    "4.1": ("stage2", "4.1 The energy function"), "4.2": ("stage2", "4.2 Group arithmetic tasks"),
    "4.3": ("stage2", "4.3 Local maxima of the energy function"),
    "4.4": ("stage2", "4.4 Representation power of learned features"),
    "4.5": ("stage2", "4.5 Scaling laws of memorization and generalization"),
    "5": ("stage3", "5 Stage III: interactive feature learning"),
    "5.1": ("stage3", "5.1 Repulsion of similar features"), "5.2": ("stage3", "5.2 Top-down modulation"),
    "5.3": ("stage3", "5.3 Diversity enhancement with Muon"),
    "6": ("deeper", "6 Extension to deeper architectures"), "7": ("deeper", "7 Conclusion"),
    "E": ("appendix", "App. E When does grokking happen?"), "I": ("appendix", "App. I Discussion"),
    "J": ("appendix", "App. J More experiments"),
    "other": ("other", "Other sources and conjectures"),
}
# Where each numbered result is stated (its section, and its line in the paper: the order within a section).
_OBJECTS = {
    ("Prop", 1): ("3.1", 77), ("Lemma", 1): ("3.1", 89), ("Lemma", 3): ("3.1", 382), ("Lemma", 4): ("3.1", 410),
    ("Lemma", 11): ("3.1", 1299), ("Prop", 2): ("3.1", 1327), ("Prop", 3): ("3.1", 1395),
    ("Prop", 4): ("3.1", 1427), ("Thm", 1): ("4.1", 117), ("Thm", 2): ("4.3", 154), ("Cor", 1): ("4.3", 158),
    ("Cor", 2): ("4.3", 162), ("Thm", 3): ("4.4", 172), ("Thm", 4): ("4.5", 187), ("Thm", 5): ("4.5", 193),
    ("Lemma", 5): ("4.5", 762), ("Lemma", 6): ("4.5", 772), ("Thm", 6): ("5.1", 219), ("Thm", 7): ("5.2", 231),
    ("Lemma", 2): ("5.3", 239), ("Thm", 8): ("5.3", 243), ("Lemma", 7): ("5.3", 938), ("Lemma", 8): ("5.3", 972),
    ("Lemma", 9): ("5.3", 1040), ("Lemma", 10): ("5.3", 1128),
}
_APPENDIX = {"F.1": "4.3", "F.2": "4.4", "F.3": "4.5", "F.4": "4.5", "F": "4", "G.1": "5.1", "G.2": "5.2",
             "G.3": "5.3", "G": "5", "H": "3.1", "E": "E", "I": "I", "J": "J"}
_FIGURES = {1: "1", 2: "1", 3: "1", 4: "4.3", 5: "4.4", 6: "4.5", 7: "4.5", 8: "J", 9: "5.3", 10: "6"}
_REF = re.compile(r"\b(Thm|Theorem|Lemma|Cor|Corollary|Prop|Proposition)s?\.?\s*(\d+)|\bSec(?:tion)?s?\.?\s*(\d+(?:\.\d+)?)"
                  r"|\bApp(?:endix)?\.?\s*([A-J](?:\.\d+)?)|\bFigs?\.?\s*(\d+)|\bEqns?\.?\s*(\d+)")
_KIND = {"Theorem": "Thm", "Corollary": "Cor", "Proposition": "Prop"}


def _natural(s: str) -> tuple:
    """``lemma2`` before ``lemma10``."""
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s))


def paper_position(paper_ref: str) -> dict[str, Any]:
    """Stage, section and a sort key for a claim's ``paper_ref`` (``"Thm 2 proof; App. F.1, Eqns 13-15"``): the
    first numbered result, section or appendix it names decides the section (a figure only when nothing else is
    named); within a section, results in the order they are stated, statements before proofs, then equations."""
    ref = paper_ref or ""
    if re.match(r"\s*(paper\s|conjecture)", ref, re.I):
        sec, line, eqn = "other", 10 ** 6, 10 ** 6
    else:
        sec = line = eqn = fig = None
        for m in _REF.finditer(ref):
            kind, num, s, app, f, e = m.groups()
            if kind and line is None:
                key = (_KIND.get(kind, kind), int(num))
                if key in _OBJECTS:
                    osec, line = _OBJECTS[key]
                    sec = sec or osec
            elif s and sec is None:
                sec = s if s in SECTIONS else s.split(".")[0]
            elif app and sec is None:
                sec = _APPENDIX.get(app) or _APPENDIX.get(app[0])
            elif f and fig is None:
                fig = int(f)
            elif e and eqn is None:
                eqn = int(e)
        if sec is None and fig is not None:
            sec = _FIGURES.get(fig, "J")
        if sec not in SECTIONS:
            sec = "other"
        line = 10 ** 5 if line is None else line
        eqn = 10 ** 5 if eqn is None else eqn
    proof = 1 if re.search(r"\bproof\b", ref, re.I) else 0
    stage = SECTIONS[sec][0]
    order = [k for k, _ in STAGES].index(stage)
    sec_key = tuple(_natural(sec))
    return {"stage": stage, "section": sec, "section_title": SECTIONS[sec][1],
            "key": (order, sec_key, line, proof, eqn)}


_SOURCE_REF = re.compile(r"\b(?:Sec(?:tion)?s?\.?\s*(\d+(?:\.\d+)?)|App(?:endix)?\.?\s*([A-Z](?:\.\d+)?))")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "source"


def source_position(source: str, paper_ref: str) -> dict[str, Any]:
    """Stage, section and sort key of a claim from another paper (a claim with a ``source``): its own stage, titled
    by the source, and sections by the first ``Sec N`` / ``App. X`` its ``paper_ref`` names (sections first, then
    appendices; "other" when it names neither), and a last section for a ``paper_ref`` starting "conjecture"."""
    stage = "src-" + _slug(source)
    m = _SOURCE_REF.search(paper_ref or "")
    if re.match(r"\s*conjecture", paper_ref or "", re.I):  # a conjecture about the source, not a statement of it
        sec, title, key = "conjectures", "Conjectures", (3, ())
    elif m and m.group(1):
        sec, title, key = m.group(1), f"Sec {m.group(1)}", (0, tuple(_natural(m.group(1))))
    elif m:
        sec, title, key = m.group(2), f"App. {m.group(2)}", (1, tuple(_natural(m.group(2))))
    else:
        sec, title, key = "other", "Other", (2, ())
    return {"stage": stage, "stage_title": source, "section": f"{stage}-{_slug(sec)}", "section_title": title,
            "key": (len(STAGES), source, key)}


def position(c: dict[str, Any]) -> dict[str, Any]:
    """:func:`source_position` for a claim with a ``source``, else :func:`paper_position` (the Li2 paper)."""
    if c.get("source"):
        return source_position(c["source"], c.get("paper_ref", ""))
    return paper_position(c.get("paper_ref", ""))


def paper_order(claims: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Li2 paper's claims in its order, then each other source's claims (by source, then section)."""
    return sorted(claims, key=lambda c: (position(c)["key"], _natural(c["id"])))


# -- numbers and text for humans --------------------------------------------------------------------------
_EXACT = re.compile(r"^[-+*/^() .0-9a-zA-Z_]*(sqrt|pi|I\b|/|\*\*)[-+*/^() .0-9a-zA-Z_]*$")


def exact_html(v: Any) -> str | None:
    """MathML for an exact value recorded as a sympy string (``sqrt(2)/2``, ``M/(16*d)``); None when ``v`` is
    not one."""
    if not isinstance(v, str) or len(v) > 200 or not _EXACT.match(v):
        return None
    try:
        import sympy

        expr = sympy.sympify(v, evaluate=False)
        from li2verify.verify.mathml import to_mathml

        return to_mathml(sympy.latex(expr))
    except Exception:
        return None


# -- the view ---------------------------------------------------------------------------------------------
def rerun_command(check: str) -> str:
    """``pytest theorems/thm2_energy_value.py::test_x`` for a check named ``theorems.thm2_energy_value::test_x``."""
    mod, _, fn = check.partition("::")
    path = mod.replace(".", "/") + ".py" if mod else ""
    node = f"{path}::{fn}" if fn else path
    return f"pytest '{node}'" if re.search(r"[\[\] ()]", node) else f"pytest {node}"


def _strength(evs: list[dict[str, Any]]) -> dict[str, Any]:
    fams = sorted({f for e in evs for f in e["families"]}, key=_natural)
    seeds = sorted({s for e in evs for s in e["seeds"]})
    worst = [worst_error(e) for e in evs]
    worst = [w for w in worst if w[0] is not None]
    return {"instances": sum(e["instances"] for e in evs), "families": fams, "seeds": len(seeds),
            "checks": len(evs), "methods": sorted({e["method"] for e in evs}, key=METHODS.index),
            "worst": max(worst, key=lambda t: (t[0] != t[0], t[0])) if worst else None,
            "worst_is_violation": any(e["counterexamples"] for e in evs)}


_SIZE_KEYS = ("M", "order", "n", "K", "d", "dim", "N", "size", "L")


def _smallest(ces: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The counterexample on the smallest instance (by the first size parameter it records), else the first."""
    if not ces:
        return None

    def size(ce):
        for k in _SIZE_KEYS:
            if isinstance(ce.get(k), (int, float)) and not isinstance(ce.get(k), bool):
                return (0, float(ce[k]))
        fam = str(ce.get("family", ce.get("group", "")))
        m = re.search(r"\d+", fam)
        return (1, float(m.group(0))) if m else (2, 0.0)

    return min(ces, key=size)


_CE_FIELDS = ("what", "measured", "printed", "relation", "violation", "tolerance", "tolerance_reason")


def _ce_view(ce: dict[str, Any], ev: dict[str, Any] | None = None) -> dict[str, Any]:
    inst = {k: v for k, v in ce.items() if k not in _CE_FIELDS}
    return {"what": humanize(ce.get("what", "")), "measured": ce.get("measured"), "printed": ce.get("printed"),
            "relation": ce.get("relation", "=="), "violation": ce.get("violation"), "tolerance": ce.get("tolerance"),
            "tolerance_reason": humanize(ce.get("tolerance_reason", "")), "instance": inst,
            "check": ev["check"] if ev else "", "method": ev["method"] if ev else ""}


def build_view(rec: dict[str, Any]) -> dict[str, Any]:
    """Everything the templates show, derived from the record (ordered, cross-linked, formatted lazily)."""
    claims = paper_order(rec["claims"])
    ids = {c["id"] for c in claims}
    used_by: dict[str, list[str]] = {c["id"]: [] for c in claims}
    for c in claims:
        for d in c["depends_on"]:
            used_by.setdefault(d, []).append(c["id"])
    rests = rec.get("rests_on", {}) or {}
    views = []
    for c in claims:
        pos = position(c)
        evs = c["evidence"]
        ces = [(ce, e) for e in evs if e.get("target", "printed") == "printed" for ce in e["counterexamples"]]
        small = _smallest([ce for ce, _ in ces])
        small_ev = next((e for ce, e in ces if ce is small), None)
        views.append({
            **c, "stage": pos["stage"], "section": pos["section"], "section_title": pos["section_title"],
            "shown_status": _shown_status(rec, c), "rests": rests.get(c["id"]),
            "used_by": sorted(used_by.get(c["id"], []), key=_natural),
            "depends": [{"id": d, "known": d in ids} for d in c["depends_on"]],
            "methods": sorted({e["method"] for e in evs}, key=METHODS.index),
            "cells": {m: _method_cell(c, m) for m in METHODS},
            "printed_strength": _strength([e for e in evs if e.get("target", "printed") == "printed"]),
            "corrected_strength": _strength([e for e in evs if e.get("target") == "corrected"]),
            "counterexample": _ce_view(small, small_ev) if small is not None else None,
            "n_counterexamples": len(ces),
            "rerun": f"pytest {(c.get('module') or 'theorems').split('.')[0]}/ --li2-claim {c['id']}",
            "evidence": [{**e, "ce_views": [_ce_view(ce) for ce in e["counterexamples"]], "worst": worst_error(e)}
                         for e in evs],
        })
    groups = []
    sources = {}  # other papers' stages, in order of appearance (paper_order sorts them after the Li2 stages)
    for c in claims:
        if c.get("source"):
            p = position(c)
            sources.setdefault(p["stage"], p["stage_title"])
    all_stages = list(STAGES) + list(sources.items())
    for stage, stitle in all_stages:
        secs = []
        for v in views:
            if v["stage"] != stage:
                continue
            if not secs or secs[-1]["key"] != v["section"]:
                secs.append({"key": v["section"], "title": v["section_title"], "claims": []})
            secs[-1]["claims"].append(v)
        if secs:
            groups.append({"key": stage, "title": stitle, "sections": secs,
                           "n": sum(len(s["claims"]) for s in secs)})
    return {
        "rec": rec, "claims": views, "groups": groups, "alerts": _alerts(rec),
        "errata": [v for v in views if v["status"] in ("erratum", "refuted")],
        "methods": METHODS, "statuses": STATUSES, "stages": [s for s in all_stages if any(g["key"] == s[0] for g in groups)],
        "summary": rec["summary"], "partial": rec.get("selection"),
    }


def _alerts(rec: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """What must be read before anything else: status changes, broken checks, vanished errata."""
    out = []
    if rec.get("status_mismatches"):
        out.append(("Status changes against the committed expected statuses (a regression, or a fix to "
                    "acknowledge with --li2-accept-status)", [humanize(m) for m in rec["status_mismatches"]]))
    broken = [f"{e['check']}: {humanize(e['message'])}" for c in rec["claims"] for e in c["evidence"]
              if e["outcome"] == "broken"]
    if broken:
        out.append(("Broken checks (the engine failed; no verdict was drawn from them)", broken))
    vanished = [f"{e['check']}: {humanize(e['message'])}" for c in rec["claims"] for e in c["evidence"]
                if e["outcome"] == "vanished"]
    if vanished:
        out.append(("Errata that vanished (the printed statement held where a counterexample was recorded)", vanished))
    return out


def _shown_status(rec: dict[str, Any], c: dict[str, Any]) -> str:
    """The claim's status, with the weakest status it rests on when that is weaker."""
    rest = (rec.get("rests_on") or {}).get(c["id"])
    return status_with_ancestry(c["status"], rest) if rest else c["status"]


def _md_cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")  # a field name (x_range, E_star): code, not math


def _env(kind: str):
    import jinja2

    from li2verify.verify import mathml

    env = jinja2.Environment(loader=jinja2.PackageLoader("li2verify.verify", "templates"),
                             autoescape=(kind == "html"), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    M = jinja2.utils.markupsafe.Markup
    esc = jinja2.utils.markupsafe.escape

    def breaks(text: str, after: str) -> Any:  # a line may break after these separators, never inside a word
        return M("".join(f"{esc(p)}<wbr>" if re.fullmatch(after, p) else str(esc(p))
                         for p in re.split(f"({after})", str(text)) if p))

    env.filters.update({
        "text": lambda t: M(mathml.text_html(humanize(t))) if kind == "html" else humanize(t),
        "key": (lambda k: M(f"<code class='k'>{esc(k)}</code>") if isinstance(k, str) and _IDENT.fullmatch(k)
                else M(mathml.text_html(fmt_key(k)))) if kind == "html" else fmt_key, "cmd": lambda t: breaks(t, r"/|::"), "idbreak": lambda t: breaks(t, r"[._]"),
        "num": fmt_num, "human": humanize, "natural": _natural, "rerun": rerun_command,
        "short": lambda check: check.split("::")[-1],
        "math": lambda t: M(mathml.statement_html(t)),
        "prose": lambda t: M(mathml.prose_html(t)),
        "mdmath": mathml.statement_markdown, "mdcell": _md_cell,
        "exact": lambda v: M(exact_html(v)) if exact_html(v) else fmt_num(v),
        "mdexact": lambda v: f"${v}$" if exact_html(v) else fmt_num(v),
        "json": lambda v: json.dumps(v, ensure_ascii=False), "png": compact_png,
    })
    env.tests.update({"mapping": lambda v: isinstance(v, dict), "seq": lambda v: isinstance(v, (list, tuple)),
                      "scalar": lambda v: not isinstance(v, (dict, list, tuple)),
                      "table": lambda v: isinstance(v, list) and bool(v) and all(isinstance(r, dict) for r in v)})
    env.globals.update({"rows": 50 if kind == "html" else 200, "symbols": _SYMBOL, "columns": _columns, "stage_title": dict(STAGES),
                        "status_colors": _STATUS_COLORS})
    return env


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


_STATUS_COLORS = {"verified": "#2e7d32", "erratum": "#ef6c00", "refuted": "#c62828", "inconclusive": "#757575",
                  "untested": "#bdbdbd"}


def render_markdown(rec: dict[str, Any]) -> str:
    return _env("md").get_template("report.md.j2").render(**build_view(rec))


def _summary_plot(rec: dict[str, Any]) -> str:
    """A bar chart of claims per status, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from li2verify.utils import plotstyle

    plotstyle.use()
    fig, ax = plt.subplots(figsize=(5, 2.2))
    names = list(rec["summary"])
    ax.barh(names, [rec["summary"][s] for s in names], color=[_STATUS_COLORS[s] for s in names])
    ax.invert_yaxis()
    ax.set_xlabel("number of claims")
    ax.set_title("Claims per status")
    for i, s in enumerate(names):
        ax.text(rec["summary"][s], i, f" {rec['summary'][s]}", va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@lru_cache(maxsize=256)
def compact_png(png_base64: str) -> str:
    """A plot's PNG for the page: requantized to at most 256 colours without dithering and optimized (plots are
    lines and flat fills: about a third of the bytes, the same picture); the original when that is not smaller
    or cannot be read.  The JSON keeps the PNG as the check wrote it."""
    try:
        from PIL import Image

        im = Image.open(io.BytesIO(base64.b64decode(png_base64, validate=True)))
        q = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        q.save(buf, "PNG", optimize=True)
    except Exception:  # a PNG Pillow cannot read is shown as recorded
        return png_base64
    out = base64.b64encode(buf.getvalue()).decode()
    return out if len(out) < len(png_base64) else png_base64


def render_html(rec: dict[str, Any]) -> str:
    from li2verify.verify.depgraph import GraphUnavailable, dependency_svg

    view = build_view(rec)
    try:
        graph_svg, graph_note = dependency_svg(view["claims"]), ""
    except GraphUnavailable as e:
        log.warning("%s", e)
        graph_svg, graph_note = "", str(e)
    return _env("html").get_template("report.html.j2").render(
        **view, summary_png=_summary_plot(rec), graph_svg=graph_svg, graph_note=graph_note)


RUN_ID_MARK = "li2verify-run-id:"
_STAGING = ".verification-staging-"


def _id_comment(run_id: str) -> str:
    return f"\n<!-- {RUN_ID_MARK} {run_id} -->\n"


def _file_run_id(path: Path) -> str | None:
    """The run id a rendered .md/.html file ends with (None when absent: a pre-run-id report or a foreign file)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 512))
            tail = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    i = tail.rfind(RUN_ID_MARK)
    if i < 0:
        return None
    return tail[i + len(RUN_ID_MARK):].split("-->")[0].strip() or None


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _roll_forward(d: Path) -> bool:
    """Finish an interrupted switch: move the files left in a complete staging directory into place.
    Returns whether anything was moved."""
    moved = False
    for st in sorted(d.glob(_STAGING + "*")):
        if not (st / "COMPLETE").exists():
            continue
        for name in FILES.values():
            if (st / name).exists():
                try:
                    os.replace(st / name, d / name)
                    moved = True
                except OSError:
                    return moved
        _rmtree(st)
    if moved:
        _fsync_dir(d)
    return moved


def _rmtree(p: Path) -> None:
    import shutil

    shutil.rmtree(p, ignore_errors=True)


def write_report(rec: dict[str, Any], out_dir: str | os.PathLike) -> dict[str, Path]:
    """Render all three files in memory and write them as one set.  Returns their paths.

    The files carry one run id (``run_id`` in the JSON, a trailing comment in the .md and .html).  They are
    written complete into a staging directory beside them (marked ``COMPLETE``), then switched into place one
    by one and the staging directory removed.  A kill before the mark leaves the old set untouched; a kill
    during the switch leaves the rest of the new set staged: :func:`load_record` (and the next write) finish
    the switch, and a reader never accepts a mixed set (the run ids are checked on read)."""
    import uuid

    d = ensure_writable_dir(out_dir)
    run_id = f"{_dt.datetime.now(_dt.timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:12]}"
    rec = {**rec, "run_id": run_id}
    texts = {
        "json": json.dumps(rec, indent=1, default=str, ensure_ascii=False) + "\n",
        "md": render_markdown(rec) + _id_comment(run_id),
        "html": render_html(rec) + _id_comment(run_id),
    }
    _roll_forward(d)
    for st in d.glob(_STAGING + "*"):  # incomplete leftovers of a killed writer
        _rmtree(st)
    st = Path(tempfile.mkdtemp(prefix=_STAGING, dir=d))
    paths = {k: d / FILES[k] for k in FILES}
    try:
        for k in ("md", "html", "json"):
            f = st / FILES[k]
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(texts[k])
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(f, default_file_mode())
        (st / "COMPLETE").write_text(run_id)
        _fsync_dir(st)
        for k in ("md", "html", "json"):
            os.replace(st / FILES[k], paths[k])
        _fsync_dir(d)
    except BaseException:
        if not (st / "COMPLETE").exists():
            _rmtree(st)
        raise
    _rmtree(st)
    return paths


def _check_set(p: Path, rec: dict[str, Any]) -> None:
    rid = rec.get("run_id")
    if not rid:
        return  # a report written before run ids: nothing to compare
    for k in ("md", "html"):
        other = p.parent / FILES[k]
        if other.exists():
            oid = _file_run_id(other)
            if oid != rid:
                raise ReportError(f"{str(p.parent)!r} holds a mixed report: {FILES['json']} is from run {rid} but "
                                  f"{FILES[k]} is from {'run ' + oid if oid else 'another run'} (a write was "
                                  "interrupted); run `li2verify report` again")


def claim_rows(rec: dict[str, Any], expected: dict[str, str], registered: Iterable[dict[str, Any]] = ()
               ) -> list[dict[str, Any]]:
    """The rows of ``li2verify claims``, in the paper's order (:func:`paper_order`): each claim of the last run
    record ``rec`` (and of ``registered`` claim dicts the record lacks) with its last status, its committed
    ``expected`` status, the number of checks that ran, and the status shown through what it rests on."""
    by_id = {c["id"]: c for c in registered}
    by_id.update({c["id"]: c for c in rec.get("claims", [])})
    for cid in expected:  # listed in the expected-status file, in neither: still a row
        by_id.setdefault(cid, {"id": cid, "paper_ref": "", "evidence": []})
    rests = rec.get("rests_on", {}) or {}
    rows = []
    for c in paper_order(by_id.values()):
        pos = position(c)
        last = c.get("status", "(not run)")
        ran = last not in ("(not run)", "untested")
        rows.append({
            "id": c["id"], "paper_ref": c.get("paper_ref", ""), "section": (f"{pos['stage_title']} — " if pos.get("stage_title") else "") + pos["section_title"],
            "last": last, "expected": expected.get(c["id"], "(none)"),
            "checks": len({e["check"] for e in c.get("evidence", [])}),
            "changed": ran and last != expected.get(c["id"]),
            "rests_on": status_with_ancestry(last, rests[c["id"]]) if ran and c["id"] in rests else None})
    return rows


def summary_lines(rec: dict[str, Any], width: int = 100) -> list[str]:
    """A one-screen text summary of a run record (for the CLI)."""
    lines = [f"li2verify {rec['profile']} profile · git {rec['git_sha'][:12]} · " +
             ", ".join(f"{n} {s}" for s, n in rec["summary"].items())]
    if rec.get("broken_checks"):
        lines.append(f"!! {rec['broken_checks']} broken checks (the engine failed, see the report)")
    for c in _ordered(rec):
        if c["status"] in ("erratum", "refuted", "inconclusive"):
            lines.append(f"  {c['status']:<12} {c['id']:<48} {c['paper_ref']}"[:width])
    return [*(f"!! status change: {m}"[:width] for m in rec.get("status_mismatches", [])), *lines]


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the `li2verify report` command")
