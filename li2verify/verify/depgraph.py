"""The claims' ``depends_on`` graph, laid out by graphviz's ``dot`` at report time and embedded as inline SVG.

Nodes are the claims that rest on or are rested on by another: a claim one column to the right of the furthest
claim it rests on, each column in the paper's order top down (held by invisible edges in a ``rank=same`` group),
laid out left to right (a claim to the right of what it rests on, each column in paper order), coloured by
status and carrying ``data-claim`` for the report's script (click → the claim's statement and status).  When the
``dot`` binary is not installed the report says so in one line instead of drawing a graph (``apt-get install
graphviz``).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from html import escape
from typing import Any, Iterable

log = logging.getLogger(__name__)

COLORS = {"verified": "#2e7d32", "erratum": "#ef6c00", "refuted": "#c62828", "inconclusive": "#757575",
          "untested": "#bdbdbd"}
TEXT = {"verified": "#ffffff", "erratum": "#000000", "refuted": "#ffffff", "inconclusive": "#ffffff",
        "untested": "#000000"}


class GraphUnavailable(RuntimeError):
    """No layout engine: the message says what to install."""


def dot_source(claims: Iterable[dict[str, Any]]) -> tuple[str, list[str]]:
    """The DOT text of the graph (edges ``dependency -> user``) and its nodes in the paper's order (the order of
    ``claims``); ``("", [])`` when no claim depends on another."""
    claims = list(claims)
    status = {c["id"]: c["status"] for c in claims}
    edges = [(d, c["id"]) for c in claims for d in c.get("depends_on", []) if d in status]
    order = {c["id"]: i for i, c in enumerate(claims)}
    nodes = sorted({n for e in edges for n in e}, key=order.__getitem__)
    if not nodes:
        return "", []
    q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    lines = ["digraph deps {", ' graph [rankdir=LR, nodesep=0.08, ranksep=0.5, bgcolor="transparent"];',
             ' node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, height=0.25, margin="0.06,0.03"];',
             ' edge [color="#8a8a8a", arrowsize=0.6];']
    # Columns: a claim one column right of the furthest claim it rests on (longest path); within a column the
    # paper's order, top down, held by invisible edges inside a rank=same group.
    deps: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        deps[b].append(a)
    col: dict[str, int] = {}

    def depth(n: str, seen: frozenset = frozenset()) -> int:
        if n not in col:
            col[n] = 0 if n in seen else 1 + max((depth(d, seen | {n}) for d in deps[n]), default=-1)
        return col[n]

    for n in nodes:
        depth(n)
    for c in sorted(set(col.values())):
        members = [n for n in nodes if col[n] == c]
        chain = " -> ".join(q(n) for n in members)
        lines.append(f" {{ rank=same; {chain}{' [style=invis]' if len(members) > 1 else ''}; }}")
    for n in nodes:
        s = status[n]
        lines.append(f" {q(n)} [id={q('g_' + n)}, fillcolor={q(COLORS.get(s, '#cccccc'))}, "
                     f"fontcolor={q(TEXT.get(s, '#000000'))}, tooltip={q(n + ': ' + s)}];")
    for a, b in sorted(edges, key=lambda e: (order[e[1]], order[e[0]])):
        lines.append(f" {q(a)} -> {q(b)} [tooltip={q(b + ' rests on ' + a)}];")
    lines.append("}")
    return "\n".join(lines) + "\n", nodes


def layout_svg(dot: str, timeout: float = 60.0) -> str:
    """``dot -Tsvg`` of ``dot``; raises :class:`GraphUnavailable` when graphviz is missing or fails."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphUnavailable("graphviz's `dot` is not installed (apt-get install graphviz): the dependency graph "
                               "is not drawn; every claim still lists what it rests on and what uses it")
    try:
        out = subprocess.run([exe, "-Tsvg"], input=dot, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as e:
        raise GraphUnavailable(f"graphviz's `dot` failed: {e}") from None
    if out.returncode != 0:
        raise GraphUnavailable(f"graphviz's `dot` failed: {out.stderr.strip()[:200]}")
    return out.stdout


def _clean(svg: str, nodes: list[str], status: dict[str, str]) -> str:
    """The SVG for inlining: no XML prolog or DOCTYPE, no fixed size (the page scales it), a class, and the claim
    id and status on each node group."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", svg)  # inline SVG in HTML needs no namespace URLs
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="depgraph" role="img" '
                 'aria-label="dependency graph of the claims"', svg, count=1)
    from html import unescape

    def node(m: re.Match) -> str:
        n = unescape(m.group(1))
        if n not in status:
            return m.group(0)
        return (f'<g class="node" data-claim="{escape(n, quote=True)}" data-status="{escape(status[n], quote=True)}" '
                f'tabindex="0">')

    return re.sub(r'<g id="g_([^"]*)" class="node">', node, svg)


def dependency_svg(claims: Iterable[dict[str, Any]]) -> str:
    """Inline SVG markup of the dependency graph ('' when no claim depends on another); raises
    :class:`GraphUnavailable` when it cannot be laid out."""
    claims = list(claims)
    dot, nodes = dot_source(claims)
    if not nodes:
        return ""
    return _clean(layout_svg(dot), nodes, {c["id"]: c["status"] for c in claims})
