"""``li2verify groups``: browse the shipped SmallGroups catalog, show a group's irreps, re-export with GAP."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
import numpy as np


def _fmt(z: complex, digits: int = 3) -> str:
    re_, im = round(float(np.real(z)), digits), round(float(np.imag(z)), digits)
    re_ = 0.0 if re_ == 0 else re_
    im = 0.0 if im == 0 else im

    def num(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else f"{x:.{digits}f}".rstrip("0")

    if im == 0:
        return num(re_)
    if re_ == 0:
        return f"{num(im)}i"
    return f"{num(re_)}{'+' if im > 0 else '-'}{num(abs(im))}i"


def _degree_summary(degrees) -> str:
    c = Counter(int(d) for d in degrees)
    return " ".join(f"{d}^{m}" if m > 1 else f"{d}" for d, m in sorted(c.items()))


def _fs_summary(fs) -> str:
    c = Counter(int(x) for x in fs)
    return f"R{c.get(1, 0)} C{c.get(0, 0)} H{c.get(-1, 0)}"


class _CatalogGroup(click.Group):
    """A damaged catalog (truncated, empty, malformed record) is a one-line error naming the file, not a
    traceback and not "0 groups"."""

    def invoke(self, ctx):
        from li2verify.groups.catalog import CatalogError

        try:
            return super().invoke(ctx)
        except CatalogError as exc:
            raise click.ClickException(f"the group catalog is damaged: {exc}") from None


@click.group("groups", cls=_CatalogGroup)
def groups() -> None:
    """The group catalog: non-Abelian SmallGroups exported from GAP, with their irreps."""


@groups.command("list")
@click.option("--order", type=click.IntRange(min=1), default=None, help="only this order")
@click.option("--max-order", type=click.IntRange(min=1), default=None, help="only orders <= N")
@click.option("--min-order", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--max-degree", type=click.IntRange(min=1), default=None,
              help="only groups whose largest irrep degree is <= d")
@click.option("--fig5", is_flag=True, help="the paper's Fig 5 selection: one max-degree-2 group per order <= 127")
@click.option("--json", "as_json", is_flag=True, help="print JSON lines instead of a table")
def list_cmd(order, max_order, min_order, max_degree, fig5, as_json) -> None:
    """List the shipped catalog (SmallGroup id, name, irrep degrees and FS types from GAP's export)."""
    from li2verify.groups import catalog

    recs = catalog.fig5_nonabelian_groups() if fig5 else catalog.catalog_records(
        max_order=max_order, min_order=min_order, max_degree=max_degree, order=order)
    if as_json:
        for r in recs:
            click.echo(json.dumps({"order": r.order, "smallgroup_id": r.smallgroup_id, "name": r.name,
                                   "irrep_degrees": r.irrep_degrees, "fs_indicators": r.fs_indicators}))
        return
    click.echo(f"{'order':>5} {'id':>5}  {'name':<28} {'irreps':>6}  {'FS':<12} degrees")
    for r in recs:
        click.echo(f"{r.order:>5} {r.smallgroup_id:>5}  {r.name[:28]:<28} {r.num_irreps:>6}  "
                   f"{_fs_summary(r.fs_indicators or []):<12} {_degree_summary(r.irrep_degrees)}")
    files = ", ".join(p.name for p in catalog.shipped_files())
    click.echo(f"{len(recs)} groups (from {files or 'no shipped files'})")


def _catalog_id(spec: str) -> tuple[int, int]:
    """(order, SmallGroup id) of a catalog group named as ``li2verify train --group`` names it: ``8:3``,
    ``SmallGroup(8,3)`` or a catalog name (``D8``, ``Q16``, ``SL(2,3)``)."""
    import re

    from li2verify.groups import catalog

    m = re.fullmatch(r"(?:SmallGroup\()?(\d+)[,:](\d+)\)?", spec.replace(" ", ""), flags=re.IGNORECASE)
    if m:
        return int(m.group(1)), int(m.group(2))
    hits = catalog.find_by_name(spec.strip())
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise click.BadParameter(f"several catalog groups are named {spec!r}: "
                                 + ", ".join(f"{o}:{i}" for o, i in hits), param_hint="GROUP")
    raise click.BadParameter(f"{spec!r} is no group of the shipped catalog (non-Abelian SmallGroups; "
                             "`li2verify groups list` shows their names); give ORDER ID, ORDER:ID or a name",
                             param_hint="GROUP")


@groups.command("show")
@click.argument("group")
@click.argument("smallgroup_id", type=int, required=False)
@click.option("--matrices", is_flag=True, help="also print C_k(g) for the first few elements")
@click.option("--check/--no-check", default=True, show_default=True,
              help="run the engine identities and compare with GAP's characters")
def show_cmd(group, smallgroup_id, matrices, check) -> None:
    """Show a catalog group — `show 8 3`, `show 8:3`, `show D8` (named as `li2verify train --group` names it):
    degrees, FS types and the character table computed by li2verify.groups.irreps."""
    from li2verify.groups import catalog
    from li2verify.groups.irreps import consistency_errors, irrep_decomposition

    if smallgroup_id is not None:
        try:
            order = int(group)
        except ValueError:
            raise click.BadParameter(f"{group!r} is not an order (give ORDER ID, ORDER:ID or a name)",
                                     param_hint="GROUP") from None
    else:
        order, smallgroup_id = _catalog_id(group)

    try:
        rec = catalog.get_record(order, smallgroup_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    g = rec.group()
    dec = irrep_decomposition(g)
    click.echo(f"SmallGroup({order},{smallgroup_id}) = {rec.name}   order {g.order}, "
               f"{'Abelian' if g.is_abelian else 'non-Abelian'}, exponent {g.exponent}, centre of order "
               f"{len(g.center)}, {len(dec.classes)} classes")
    click.echo(f"irrep degrees: {dec.degrees.tolist()}   (Σ d² = {int((dec.degrees ** 2).sum())})")
    click.echo("FS indicators: " + ", ".join(f"{ir.fs:+d}" for ir in dec.irreps))
    click.echo("irreps: " + ", ".join(
        f"{ir.k}:d{ir.degree} {ir.kind}" + (f"(conj {ir.conjugate})" if ir.fs == 0 else "")
        for ir in dec.irreps))
    reps = dec.class_representatives
    click.echo("\ncharacter table (rows: irreps; columns: classes, size / order of representative)")
    heads = [f"{int(s)}/{int(g.element_orders[r])}" for s, r in zip(dec.class_sizes, reps)]
    cells = [[_fmt(v) for v in row] for row in dec.character_table]
    w = max(max(len(h) for h in heads), max(len(c) for row in cells for c in row)) + 1
    click.echo("      " + "".join(f"{h:>{w}}" for h in heads))
    for ir, row in zip(dec.irreps, cells):
        click.echo(f"χ{ir.k:<3}{'+0-'[1 - ir.fs]} " + "".join(f"{c:>{w}}" for c in row))
    if matrices:
        for ir in dec.irreps:
            click.echo(f"\nC_{ir.k} ({ir.kind}, d={ir.degree}):")
            for h in range(min(g.order, 3)):
                click.echo(f"  g={h}: " + np.array2string(np.round(ir.matrices[h], 4), max_line_width=160))
    if check:
        err = consistency_errors(dec)
        worst = max(err, key=err.get)
        click.echo(f"\nengine identities: worst {worst} = {err[worst]:.2e} (homomorphism, unitarity, Schur "
                   f"orthogonality, Q block-diagonalization, projectors)")
        if rec.characters is not None:
            cmp_ = catalog.compare_with_gap(rec, dec)
            click.echo(f"vs GAP {rec.gap_version}: characters matched by value, max |Δχ| = "
                       f"{cmp_['max_char_error']:.2e}, unmatched {cmp_['unmatched']}, "
                       f"FS mismatches {cmp_['fs_mismatches']}")


@groups.command("export")
@click.option("--max-order", type=int, required=True, help="export SmallGroups of order <= N")
@click.option("--min-order", type=int, default=1, show_default=True)
@click.option("--max-degree", type=int, default=0, show_default=True,
              help="keep only groups whose largest irrep degree is <= d (0: no filter)")
@click.option("--abelian/--nonabelian-only", "abelian", default=False, show_default=True,
              help="include Abelian groups")
@click.option("--id", "ids", multiple=True, metavar="ORDER:ID", help="export these SmallGroups instead of a range")
@click.option("--skip-names-above", type=int, default=None,
              help="no StructureDescription above this order unless cached in groups/names.tsv (it is slow)")
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="output .jsonl or .jsonl.gz (default: groups/export_<min>_<max>.jsonl.gz)")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="compare the export with the shipped catalog and the engine")
def export_cmd(max_order, min_order, max_degree, abelian, ids, skip_names_above, out, compare) -> None:
    """Re-run groups/export_smallgroups.g with GAP (needs `gap` on PATH)."""
    from li2verify.groups import catalog
    from li2verify.groups.irreps import irrep_decomposition

    pairs = []
    for s in ids:
        try:
            o, i = (int(x) for x in s.split(":"))
        except ValueError:
            raise click.BadParameter(f"expected ORDER:ID, got {s!r}", param_hint="--id") from None
        pairs.append((o, i))
    out = Path(out) if out else Path("groups") / f"export_{min_order}_{max_order}.jsonl.gz"
    try:
        recs = catalog.export_with_gap(out, max_order=max_order, min_order=min_order, nonabelian=not abelian,
                                       max_degree=max_degree, ids=pairs, skip_names_above=skip_names_above)
    except catalog.GapNotFound as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"exported {len(recs)} groups to {out}")
    if not compare:
        return
    shipped = {r.key: r for r in catalog.load_catalog()}
    worst, bad = 0.0, []
    for r in recs:
        s = shipped.get(r.key)
        if s is not None and not np.array_equal(s.table, r.table):
            bad.append(f"{r.label}: table differs from the shipped one")
        cmp_ = catalog.compare_with_gap(r, irrep_decomposition(r.group()))
        worst = max(worst, cmp_["max_char_error"])
        if cmp_["unmatched"] or cmp_["fs_mismatches"]:
            bad.append(f"{r.label}: {cmp_['unmatched']} unmatched characters, {cmp_['fs_mismatches']} FS mismatches")
    click.echo(f"engine vs GAP: max |Δχ| = {worst:.2e}; {len(bad)} problems")
    for b in bad:
        click.echo("  " + b)
    if bad:
        raise SystemExit(1)
