"""The verification report: one run record (JSON, the source) rendered to Markdown and self-contained HTML.

All three files are rendered in memory first and written as one set (:func:`write_report`: one run id, staged
complete, then switched into place; :func:`load_record` refuses a mixed set), so a crash while rendering or
writing never leaves a half-written report or a mix of old and new files.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

from li2verify.claims import METHODS, STATUSES, Claim, Evidence, status_with_ancestry

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
        fd, tmp = tempfile.mkstemp(prefix=".li2-write-test-", dir=p)
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise ReportError(f"report directory {str(p)!r} is not writable: {e.strerror or e}") from None
    return p


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same directory and ``os.replace``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, _default_file_mode())  # mkstemp makes 0600; a report is meant to be read by others
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _default_file_mode() -> int:
    """0666 minus the process umask (what ``open(path, "w")`` would give)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


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
    """The run record (JSON shape of issue 2): one entry per claim with its status and evidence."""
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
def _method_cell(claim: dict[str, Any], method: str) -> str:
    evs = [e for e in claim["evidence"] if e["method"] == method]
    if not evs:
        return "–"
    outs = sorted({e["outcome"] for e in evs}, key=lambda o: list(_SYMBOL).index(o))
    return " ".join(_SYMBOL[o] for o in outs)


def _ordered(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Errata and refutations first, then inconclusive, then the rest (by id)."""
    rank = {"refuted": 0, "erratum": 1, "inconclusive": 2, "verified": 3, "untested": 4}
    return sorted(rec["claims"], key=lambda c: (rank[c["status"]], c["id"]))


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.2e}"
    return str(x)


def _alerts(rec: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """What must be read before anything else: status changes, broken checks, vanished errata."""
    out = []
    if rec.get("status_mismatches"):
        out.append(("Status changes against the committed expected statuses (a regression, or a fix to "
                    "acknowledge with --li2-accept-status)", list(rec["status_mismatches"])))
    broken = [f"{e['check']}: {e['message']}" for c in rec["claims"] for e in c["evidence"] if e["outcome"] == "broken"]
    if broken:
        out.append(("Broken checks (the engine failed; no verdict was drawn from them)", broken))
    vanished = [f"{e['check']}: {e['message']}" for c in rec["claims"] for e in c["evidence"]
                if e["outcome"] == "vanished"]
    if vanished:
        out.append(("Errata that vanished (the printed statement held where a counterexample was recorded)", vanished))
    return out


def _shown_status(rec: dict[str, Any], c: dict[str, Any]) -> str:
    """The claim's status, with the weakest status it rests on when that is weaker."""
    rest = rec.get("rests_on", {}).get(c["id"])
    return status_with_ancestry(c["status"], rest) if rest else c["status"]


def render_markdown(rec: dict[str, Any]) -> str:
    lines = ["# li2verify verification report", ""]
    for title, items in _alerts(rec):
        lines += [f"## {title}", ""] + [f"- **{m}**" for m in items] + [""]
    lines += [
        f"Profile **{rec['profile']}** · created {rec['created']} · git `{rec['git_sha']}` · "
        f"python {rec['environment']['python']}, torch {rec['environment']['torch']}, "
        f"device {rec['environment']['device']}",
        "",
        "Summary: " + ", ".join(f"{n} {s}" for s, n in rec["summary"].items()) +
        (f" · **{rec.get('broken_checks', 0)} broken checks**" if rec.get("broken_checks") else ""),
        "",
        "Legend: ✓ passed · ✗ counterexample to the printed statement · ✗! unexpected failure · "
        "? inconclusive · – no check by this method",
        "",
    ]
    bad = [c for c in _ordered(rec) if c["status"] in ("erratum", "refuted")]
    if bad:
        lines += ["## Errata and refutations", ""]
        for c in bad:
            lines.append(f"- **{c['id']}** ({c['paper_ref']}) — **{c['status']}**")
            for e in c["evidence"]:
                for ce in e["counterexamples"][:3]:
                    lines.append(f"  - counterexample ({e['method']}): " +
                                 "; ".join(f"{k}={v}" for k, v in ce.items()))
        lines.append("")
    lines += ["## Claims × methods", "", "| claim | paper | status | " + " | ".join(METHODS) + " |",
              "|---|---|---|" + "---|" * len(METHODS)]
    for c in _ordered(rec):
        lines.append(f"| `{c['id']}` | {c['paper_ref']} | **{_shown_status(rec, c)}** | " +
                     " | ".join(_method_cell(c, m) for m in METHODS) + " |")
    lines += ["", "## Claims in detail", ""]
    for c in _ordered(rec):
        lines += [f"### `{c['id']}` — {_shown_status(rec, c)}", "", f"*{c['paper_ref']}*" + (f" — {c['title']}" if c["title"] else ""), ""]
        lines += ["| as printed | as verified |", "|---|---|",
                  f"| {_md_cell(c['printed'])} | {_md_cell(c['verified'] or '(same as printed)')} |", ""]
        if c["assumptions"]:
            lines.append("Assumptions: " + "; ".join(c["assumptions"]))
        if c["depends_on"]:
            lines.append("Depends on: " + ", ".join(f"`{d}`" for d in c["depends_on"]))
        if c.get("notes"):
            lines.append(f"Notes: {c['notes']}")
        lines.append("")
        if c["evidence"]:
            lines += ["| method | check | target | outcome | instances | max error | tolerance | seconds |",
                      "|---|---|---|---|---|---|---|---|"]
            for e in c["evidence"]:
                lines.append(f"| {e['method']} | `{e['check'].split('::')[-1]}` | {e['target']} | {e['outcome']} | "
                             f"{e['instances']} | {_fmt(e['max_error'])} | {_fmt(e['tolerance'])} | {e['seconds']:.2f} |")
            lines.append("")
            for e in c["evidence"]:
                bits = []
                if e["description"]:
                    bits.append(e["description"])
                if e["tolerance_reason"]:
                    bits.append(f"tolerance: {e['tolerance_reason']}")
                if e["families"]:
                    bits.append("families: " + ", ".join(e["families"][:20]) + (" …" if len(e["families"]) > 20 else ""))
                if e["seeds"]:
                    bits.append(f"seeds: {len(e['seeds'])}")
                if e["details"]:
                    bits.append("details: " + json.dumps(e["details"], default=str)[:600])
                if e["message"]:
                    bits.append(f"message: {e['message'][:400]}")
                for ce in e["counterexamples"][:5]:
                    bits.append("counterexample: " + json.dumps(ce, default=str)[:600])
                lines.append(f"- `{e['check'].split('::')[-1]}`: " + " · ".join(bits))
                for p in e["plots"]:
                    lines.append(f"  - plot: {p['caption']} (see the HTML report)")
            lines.append("")
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _summary_plot(rec: dict[str, Any]) -> str:
    """A bar chart of claims per status, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    colors = {"verified": "#2e7d32", "erratum": "#ef6c00", "refuted": "#c62828", "inconclusive": "#757575",
              "untested": "#bdbdbd"}
    fig, ax = plt.subplots(figsize=(5, 2.2))
    names = list(rec["summary"])
    ax.barh(names, [rec["summary"][s] for s in names], color=[colors[s] for s in names])
    ax.invert_yaxis()
    ax.set_xlabel("claims")
    for i, s in enumerate(names):
        ax.text(rec["summary"][s], i, f" {rec['summary'][s]}", va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 7px;vertical-align:top;font-size:13px}
th{background:#f3f3f3}.verified{background:#e8f5e9}.erratum{background:#fff3e0}.refuted{background:#ffebee}
.inconclusive{background:#eeeeee}.untested{background:#fafafa;color:#888}code{font-size:12px}
.cmp td{width:50%}.ev{font-size:13px;margin:.2em 0 .2em 1em}.bad{color:#c62828;font-weight:bold}
details{margin:.3em 0}h3{margin-top:1.6em}img{max-width:100%}
.alert{border:2px solid #c62828;background:#ffebee;padding:0 1em;margin:1em 0}
"""


def render_html(rec: dict[str, Any]) -> str:
    e = html.escape
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>li2verify report</title><style>{_CSS}</style></head><body>",
           "<h1>li2verify verification report</h1>",
           *[f"<div class='alert'><h2 class='bad'>{e(title)}</h2><ul>" + "".join(f"<li>{e(m)}</li>" for m in items)
             + "</ul></div>" for title, items in _alerts(rec)],
           f"<p>Profile <b>{e(rec['profile'])}</b> · created {e(rec['created'])} · git <code>{e(rec['git_sha'])}</code> · "
           + " · ".join(f"{e(k)} {e(str(v))}" for k, v in rec["environment"].items()) + "</p>",
           f"<p><img alt='claims per status' src='data:image/png;base64,{_summary_plot(rec)}'></p>",
           "<p>Summary: " + ", ".join(f"{n} {e(s)}" for s, n in rec["summary"].items()) +
           (f" · <span class='bad'>{rec['broken_checks']} broken checks</span>" if rec.get("broken_checks") else "") + "</p>",
           "<p>Legend: ✓ passed · ✗ counterexample to the printed statement · ✗! unexpected failure · ? inconclusive · – no check by this method</p>"]
    bad = [c for c in _ordered(rec) if c["status"] in ("erratum", "refuted")]
    if bad:
        out.append("<h2>Errata and refutations</h2><ul>")
        for c in bad:
            out.append(f"<li><a href='#{e(c['id'])}'><code>{e(c['id'])}</code></a> ({e(c['paper_ref'])}) — <b>{e(c['status'])}</b><ul>")
            for ev in c["evidence"]:
                for ce in ev["counterexamples"][:3]:
                    out.append("<li>counterexample (" + e(ev["method"]) + "): " +
                               e("; ".join(f"{k}={v}" for k, v in ce.items()))[:800] + "</li>")
            out.append("</ul></li>")
        out.append("</ul>")
    out.append("<h2>Claims × methods</h2><table><tr><th>claim</th><th>paper</th><th>status</th>" +
               "".join(f"<th>{m}</th>" for m in METHODS) + "</tr>")
    for c in _ordered(rec):
        out.append(f"<tr class='{c['status']}'><td><a href='#{e(c['id'])}'><code>{e(c['id'])}</code></a></td>"
                   f"<td>{e(c['paper_ref'])}</td><td><b>{e(_shown_status(rec, c))}</b></td>" +
                   "".join(f"<td>{e(_method_cell(c, m))}</td>" for m in METHODS) + "</tr>")
    out.append("</table><h2>Claims in detail</h2>")
    for c in _ordered(rec):
        out.append(f"<h3 id='{e(c['id'])}' class='{c['status']}'><code>{e(c['id'])}</code> — "
                   f"{e(_shown_status(rec, c))}</h3>")
        out.append(f"<p><i>{e(c['paper_ref'])}</i>" + (f" — {e(c['title'])}" if c["title"] else "") + "</p>")
        out.append("<table class='cmp'><tr><th>as printed</th><th>as verified</th></tr>"
                   f"<tr><td><code>{e(c['printed'])}</code></td><td><code>{e(c['verified'] or '(same as printed)')}</code></td></tr></table>")
        if c["assumptions"]:
            out.append("<p>Assumptions: " + e("; ".join(c["assumptions"])) + "</p>")
        if c["depends_on"]:
            out.append("<p>Depends on: " + ", ".join(f"<a href='#{e(d)}'><code>{e(d)}</code></a>" for d in c["depends_on"]) + "</p>")
        if c.get("notes"):
            out.append(f"<p>Notes: {e(c['notes'])}</p>")
        if not c["evidence"]:
            out.append("<p>No check ran.</p>")
            continue
        out.append("<table><tr><th>method</th><th>check</th><th>target</th><th>outcome</th><th>instances</th>"
                   "<th>max error</th><th>tolerance</th><th>seconds</th></tr>")
        for ev in c["evidence"]:
            out.append(f"<tr><td>{ev['method']}</td><td><code>{e(ev['check'].split('::')[-1])}</code></td><td>{ev['target']}</td>"
                       f"<td>{'<span class=bad>' if ev['outcome'] in ('broken', 'fail') else ''}{ev['outcome']}"
                       f"{'</span>' if ev['outcome'] in ('broken', 'fail') else ''}</td><td>{ev['instances']}</td>"
                       f"<td>{_fmt(ev['max_error'])}</td><td>{_fmt(ev['tolerance'])}</td><td>{ev['seconds']:.2f}</td></tr>")
        out.append("</table>")
        for ev in c["evidence"]:
            out.append(f"<details class='ev'><summary><code>{e(ev['check'].split('::')[-1])}</code> — {e(ev['description'][:200])}</summary>")
            if ev["tolerance_reason"]:
                out.append(f"<p>Tolerance {_fmt(ev['tolerance'])}: {e(ev['tolerance_reason'])}</p>")
            if ev["families"]:
                out.append("<p>Families: " + e(", ".join(ev["families"])) + "</p>")
            if ev["seeds"]:
                out.append(f"<p>Seeds: {e(str(ev['seeds'][:50]))}{' …' if len(ev['seeds']) > 50 else ''}</p>")
            if ev["message"]:
                out.append(f"<p>Message: {e(ev['message'])}</p>")
            for ce in ev["counterexamples"]:
                out.append("<p class='bad'>Counterexample: <code>" + e(json.dumps(ce, default=str))[:2000] + "</code></p>")
            if ev["details"]:
                out.append("<pre>" + e(json.dumps(ev["details"], indent=1, default=str))[:4000] + "</pre>")
            for p in ev["plots"]:
                out.append(f"<figure><img alt='{e(p['caption'])}' src='data:image/png;base64,{p['png_base64']}'>"
                           f"<figcaption>{e(p['caption'])}</figcaption></figure>")
            out.append("</details>")
    out.append("</body></html>")
    return "\n".join(out)


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
        "json": json.dumps(rec, indent=1, default=str) + "\n",
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
            os.chmod(f, _default_file_mode())
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
