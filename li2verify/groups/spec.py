"""The one parser of group specs: ``"71"``/``"Z71"`` (cyclic), ``"4x7"`` (products of cyclic groups), ``"D8"``
(dihedral, named by its order as GAP and the catalog do), ``"S4"``/``"A5"``, ``"Q16"``, ``"Dic3"``, SmallGroup ids
(``"SmallGroup(8,3)"``, ``"8:3"``) and catalog names (``"SL(2,3)"``).  The training CLI, the training engine and
the Python API all use it; it sits above :mod:`.finite` and :mod:`.catalog`, so neither imports the other's parser.

Parsing happens once per spec string and process: :func:`parse_spec` and :func:`from_spec` are cached on the spec's
text (escnn-style cached instances), so repeated resolutions of one spec — a sweep's validation, its order look-ups,
its training engine — return the same ``(order, build)`` and the same :class:`FiniteGroup` object (its table is
read-only).  :func:`spec_cache_info` counts parses and builds (the tests read it).
"""

from __future__ import annotations

import functools
import re
from typing import Callable

import numpy as np

from li2verify.groups.families import FAMILIES
from li2verify.groups.finite import FiniteGroup, product_of_cyclic

MAX_SPEC_ORDER = 4096

SPEC_HELP = ("use an order ('71' or 'Z71': cyclic), a product of cyclic groups ('4x7', '2x2x3'), 'D8' (dihedral, "
             "named by its order as GAP and `li2verify groups list` do: D8 is the symmetries of the square), "
             "'S4'/'A5' (symmetric/alternating on n ≤ 6 points), 'Q8'/'Q16' (quaternion, by order), 'Dic3' "
             "(dicyclic, order 4n), a SmallGroup id 'SmallGroup(8,3)' / '8:3', or a name from "
             "`li2verify groups list` ('SL(2,3)', 'C3 : C4')")


class GroupSpecError(ValueError):
    """A group spec that names no group (or one too large to build); the message says why and what works."""


def _spec_error(spec, why: str) -> GroupSpecError:
    return GroupSpecError(f"group spec {str(spec)!r}: {why}")


def _member(family: str, n: int) -> tuple[int, "Callable[[], FiniteGroup]"]:
    """``(order, build)`` of member ``n`` of a registry family (:data:`li2verify.groups.families.FAMILIES`); the
    parser has checked ``n``."""
    fam = FAMILIES[family]
    return fam.order(n), lambda: fam.constructor(n)


def parse_spec(spec) -> tuple[int, "Callable[[], FiniteGroup]"]:
    """``(order, build)`` for a group spec without building the group (see :func:`from_spec`); raises
    :class:`GroupSpecError` for a spec that names no group, naming what is wrong.  This is the one parser of
    group specs (the training CLI, :mod:`li2verify.train.data` and the Python API all use it); the result is cached
    per spec text (``71`` and ``"71"`` share an entry; a spec that raises is not cached)."""
    return _parse(str(spec))


#: parsed specs kept per process (an entry is an int and a closure: a few hundred bytes)
PARSE_CACHE_SIZE = 4096
#: built groups kept per process (an order-M group holds an M×M int64 table: 134 MB at M = 4096)
BUILD_CACHE_SIZE = 16


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(spec: str) -> tuple[int, "Callable[[], FiniteGroup]"]:
    """The parser behind :func:`parse_spec`, on the spec's text."""
    raw = spec
    s = raw.strip()
    compact = s.replace(" ", "")
    if not s:
        raise GroupSpecError("empty group spec: " + SPEC_HELP)

    def small(o: int, i: int):
        from li2verify.groups.catalog import small_group

        def build():
            try:
                return small_group(o, i)
            except KeyError as e:
                raise _spec_error(spec, str(e.args[0])) from None
        return o, build

    m = re.fullmatch(r"[Zz]?([+-]?\d+)", compact)
    if m:
        M = int(m.group(1))
        if M < 1:
            raise _spec_error(spec, f"a cyclic group's order must be ≥ 1, got {M}")
        return _member("cyclic", M)
    if re.fullmatch(r"[Zz]?\d+([xX][Zz]?\d+)+", compact):
        orders = [int(x.lstrip("Zz")) for x in compact.lower().split("x")]
        if min(orders) < 1:
            raise _spec_error(spec, "factor orders must be ≥ 1")
        return int(np.prod(orders, dtype=object)), lambda: product_of_cyclic(compact.lower())
    if re.fullmatch(r"[Zz]?\d*([xX][Zz]?\d*)+", compact) and "x" in compact.lower():
        raise _spec_error(spec, "a product needs an order on both sides of every 'x' (e.g. '4x7')")
    m = re.fullmatch(r"(?:SmallGroup\()?(\d+)[,:](\d+)\)?", compact, flags=re.IGNORECASE)
    if m:
        o, i = int(m.group(1)), int(m.group(2))
        if o < 1 or i < 1:
            raise _spec_error(spec, "SmallGroup order and id must be ≥ 1")
        return small(o, i)
    m = re.fullmatch(r"(D|S|A|Q|Dic)([+-]?\d+)", compact, flags=re.IGNORECASE)
    if m:
        kind, n = m.group(1).lower(), int(m.group(2))
        if kind == "d":
            if n < 2 or n % 2:
                raise _spec_error(spec, f"dihedral groups are named by their order, as GAP and `li2verify groups "
                                        f"list` do (D8 = symmetries of the square, order 8); the order must be even "
                                        f"and ≥ 2, got {n}" + (f" (the symmetries of the {n}-gon are D{2 * n})"
                                                              if n >= 1 else ""))
            return _member("dihedral", n // 2)
        if kind in ("s", "a"):
            what = "symmetric" if kind == "s" else "alternating"
            if not 1 <= n <= 6:
                raise _spec_error(spec, f"{what} groups stop at n = 6 ({what[0].upper()}n acts on n points; "
                                        f"{what[0].upper()}7 would have order {5040 if kind == 's' else 2520}, "
                                        f"beyond the tables li2verify builds); got n = {n}")
            return _member(what, n)
        if kind == "q":
            if n < 8 or n % 4:
                raise _spec_error(spec, f"quaternion groups are named by their order, a multiple of 4 that is ≥ 8 "
                                        f"(Q8, Q16, ...), got {n}")
            return _member("quaternion", n // 4)
        if n < 1:
            raise _spec_error(spec, f"Dic<n> needs n ≥ 1 (order 4n), got {n}")
        return _member("dicyclic", n)
    # a name from the shipped catalog (`li2verify groups list`), e.g. 'SL(2,3)', 'C3 : C4', 'QD16'
    if re.search(r"[:()]|\bx\b|^(C\d|QD|SL|GL|PSL)", s):
        from li2verify.groups.catalog import find_by_name

        try:
            hits = find_by_name(s)
        except Exception as e:  # noqa: BLE001 - a broken catalog is reported as such
            raise _spec_error(spec, f"cannot look the name up in the shipped catalog: {e}") from None
        if len(hits) == 1:
            return small(*hits[0])
        if len(hits) > 1:
            ids = ", ".join(f"'{o}:{i}'" for o, i in hits)
            raise _spec_error(spec, f"several catalog groups have this name; give the SmallGroup id: {ids}")
        raise _spec_error(spec, "no group of the shipped catalog has this name (`li2verify groups list` shows the "
                                "names); " + SPEC_HELP)
    raise GroupSpecError(f"unknown group spec {raw!r}: " + SPEC_HELP)


def spec_order(spec) -> int:
    """The order of the group a spec names, without building it (:func:`parse_spec`, cached)."""
    if isinstance(spec, FiniteGroup):
        return spec.order
    return parse_spec(spec)[0]


def spec_cache_info() -> dict[str, "functools._CacheInfo"]:
    """``{"parses": …, "builds": …}``: the ``lru_cache`` statistics of the spec parser and of the group builder
    (``misses`` = specs parsed / groups built since the process started or :func:`clear_spec_cache`)."""
    return {"parses": _parse.cache_info(), "builds": _build.cache_info()}


def clear_spec_cache() -> None:
    """Forget every parsed spec and built group (tests; a long process that wants the tables' memory back)."""
    _parse.cache_clear()
    _build.cache_clear()


def from_spec(spec, max_order: int = MAX_SPEC_ORDER) -> FiniteGroup:
    """A group from a short spec: ``"71"``/``"Z71"`` (cyclic), ``"4x7"`` (product of cyclic groups),
    ``"D8"`` (dihedral of order 8, GAP's naming, as ``li2verify groups list`` shows it), ``"S4"``, ``"A5"``,
    ``"Q8"``/``"Q16"`` (by order), ``"Dic3"`` (order 12), a SmallGroup id ``"SmallGroup(8,3)"`` / ``"8:3"``, or a
    catalog name (``"SL(2,3)"``).  Raises :class:`GroupSpecError` naming what is wrong, also for orders above
    ``max_order`` (checked before any table is built)."""
    if isinstance(spec, FiniteGroup):
        return spec
    order, _ = parse_spec(spec)
    if order > max_order:
        raise _spec_error(spec, f"order {order} is too large: a group is an M×M Cayley table ({order}² entries, "
                                f"{order * order * 8 / 1e9:.3g} GB as int64); orders up to {max_order} are supported")
    return _build(str(spec))


@functools.lru_cache(maxsize=BUILD_CACHE_SIZE)
def _build(spec: str) -> FiniteGroup:
    """The group of a parsed spec, built once per spec text (the same object on every later call)."""
    try:
        return _parse(spec)[1]()
    except GroupSpecError:
        raise
    except ValueError as e:
        raise _spec_error(spec, str(e)) from None
