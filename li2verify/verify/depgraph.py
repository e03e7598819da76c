"""The claims' ``depends_on`` graph as an inline SVG: layered left to right (a claim to the right of what it rests
on), nodes coloured by status and linking to the claim (``#<claim id>``).  The layout is computed here (longest-
path layers, a few barycentre sweeps to reduce crossings), so no graphviz binary is needed.
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable

COLORS = {"verified": "#2e7d32", "erratum": "#ef6c00", "refuted": "#c62828", "inconclusive": "#757575",
          "untested": "#bdbdbd"}
TEXT = {"verified": "#fff", "erratum": "#000", "refuted": "#fff", "inconclusive": "#fff", "untested": "#000"}
NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 250, 22, 60, 8, 10


def layout(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """(layer, row) per node for edges ``(dependency, user)``: a node's layer is 1 + the largest layer of what it
    rests on; rows ordered by the mean row of the neighbours (4 sweeps)."""
    deps: dict[str, list[str]] = {n: [] for n in nodes}
    users: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        deps[b].append(a)
        users[a].append(b)
    layer: dict[str, int] = {}

    def depth(n: str, stack: frozenset = frozenset()) -> int:
        if n in layer:
            return layer[n]
        if n in stack:  # a cycle (rejected at collection; be safe here)
            return 0
        layer[n] = 1 + max((depth(d, stack | {n}) for d in deps[n]), default=-1)
        return layer[n]

    for n in nodes:
        depth(n)
    cols: dict[int, list[str]] = {}
    for n in nodes:
        cols.setdefault(layer[n], []).append(n)
    row = {n: i for col in cols.values() for i, n in enumerate(col)}
    for sweep in range(4):
        order = sorted(cols) if sweep % 2 == 0 else sorted(cols, reverse=True)
        for li in order:
            nb = deps if sweep % 2 == 0 else users

            def bary(n: str) -> float:
                r = [row[m] for m in nb[n]]
                return sum(r) / len(r) if r else row[n]

            cols[li].sort(key=lambda n: (bary(n), n))
            for i, n in enumerate(cols[li]):
                row[n] = i
    return {n: (layer[n], row[n]) for n in nodes}


def dependency_svg(claims: Iterable[dict[str, Any]], width_limit: int | None = None) -> str:
    """SVG markup (no XML declaration, no external reference) for the claims that depend on or are depended on by
    another; empty string when there are none."""
    claims = list(claims)
    status = {c["id"]: c["status"] for c in claims}
    edges = [(d, c["id"]) for c in claims for d in c.get("depends_on", []) if d in status]
    nodes = sorted({n for e in edges for n in e}, key=lambda n: [c["id"] for c in claims].index(n))
    if not nodes:
        return ""
    pos = layout(nodes, edges)
    n_layers = 1 + max(l for l, _ in pos.values())
    n_rows = 1 + max(r for _, r in pos.values())
    W = PAD * 2 + n_layers * NODE_W + (n_layers - 1) * GAP_X
    H = PAD * 2 + n_rows * (NODE_H + GAP_Y)

    def xy(n: str) -> tuple[int, int]:
        l, r = pos[n]
        return PAD + l * (NODE_W + GAP_X), PAD + r * (NODE_H + GAP_Y)

    out = [f'<svg class="depgraph" role="img" aria-label="dependency graph of the claims" width="{W}" height="{H}" '
           f'viewBox="0 0 {W} {H}" font-family="system-ui,sans-serif" font-size="11">',
           '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
           'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#777"/></marker></defs>']
    for a, b in edges:
        (xa, ya), (xb, yb) = xy(a), xy(b)
        x1, y1, x2, y2 = xa + NODE_W, ya + NODE_H / 2, xb, yb + NODE_H / 2
        mx = (x1 + x2) / 2
        out.append(f'<path class="edge" d="M{x1},{y1} C{mx},{y1} {mx},{y2} {x2 - 2},{y2}" fill="none" '
                   f'stroke="#999" stroke-width="1.2" marker-end="url(#arrow)"><title>{escape(b)} rests on '
                   f'{escape(a)}</title></path>')
    for n in nodes:
        x, y = xy(n)
        s = status[n]
        label = n if len(n) <= 40 else n[:38] + "…"
        out.append(f'<a href="#{escape(n, quote=True)}" class="node" data-claim="{escape(n, quote=True)}">'
                   f'<title>{escape(n)}: {escape(s)}</title>'
                   f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="4" fill="{COLORS.get(s, "#ccc")}"/>'
                   f'<text x="{x + 6}" y="{y + 15}" fill="{TEXT.get(s, "#000")}">{escape(label)}</text></a>')
    out.append("</svg>")
    return "".join(out)
