"""The shipped GAP SmallGroups catalog: reading, writing, browsing, and re-exporting with GAP.

Records are JSON lines (``groups/export_smallgroups.g`` writes them), gzip-compressed in
``li2verify/groups/data/*.jsonl.gz`` so that nobody needs GAP to use the suite.  The first seven fields are those
of the paper's own group collection file (App. J.2): ``order``, ``smallgroup_id``, ``name``, ``table``,
``index_base``, ``irrep_degrees``, ``num_irreps``; the others carry GAP's own character table for
cross-checking :mod:`li2verify.groups.irreps`: ``class_of``, ``class_sizes``, ``conductor``, ``characters`` (rows in
GAP's ``Irr`` order — which differs between GAP versions, so match characters by value), ``fs_indicators``.

A malformed or truncated record raises :class:`CatalogError` naming the file, the line and the field, e.g.
``groups.jsonl.gz, line 12: field 'table': row 3 has 7 entries, expected 8``.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from li2verify.groups.finite import FiniteGroup, GroupTableError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
GAP_SCRIPT = Path(__file__).resolve().parents[2] / "groups" / "export_smallgroups.g"  # the repository's groups/
NAMES_FILE = Path(__file__).resolve().parents[2] / "groups" / "names.tsv"

#: the shipped catalog files (name, smallest order, largest order), in load order; a group appearing twice
#: keeps its first record.  Only the files covering the requested orders are read.
CATALOG_FILES = (
    ("smallgroups_nonabelian_le64.jsonl.gz", 1, 64),
    ("smallgroups_nonabelian_maxdeg2_65_128.jsonl.gz", 65, 128),
)

PAPER_FIELDS = ("order", "smallgroup_id", "name", "table", "index_base", "irrep_degrees", "num_irreps")
GAP_FIELDS = ("class_of", "class_sizes", "conductor", "characters", "fs_indicators")


class CatalogError(ValueError):
    """A malformed catalog record; the message names the source, line and field."""


@dataclass(eq=False)
class CatalogRecord:
    """One exported group: the paper's fields plus GAP's character data (see module docstring)."""

    order: int
    smallgroup_id: int
    name: str
    table: np.ndarray
    irrep_degrees: list[int]
    num_irreps: int
    index_base: int = 0
    class_of: np.ndarray | None = None
    class_sizes: list[int] | None = None
    conductor: int | None = None
    characters: np.ndarray | None = None  # complex [GAP irrep, GAP class]
    fs_indicators: list[int] | None = None
    is_abelian: bool | None = None
    gap_version: str | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def key(self) -> tuple[int, int]:
        return (self.order, self.smallgroup_id)

    @property
    def label(self) -> str:
        return f"SmallGroup({self.order},{self.smallgroup_id})"

    @property
    def max_degree(self) -> int:
        return int(max(self.irrep_degrees))

    def group(self) -> FiniteGroup:
        """The :class:`FiniteGroup` of this record (validated Cayley table)."""
        return FiniteGroup(self.table, name=f"{self.label} = {self.name}")

    def element_characters(self) -> np.ndarray:
        """GAP's characters as a complex [irrep, element] array (values on each element)."""
        if self.characters is None or self.class_of is None:
            raise CatalogError(f"{self.label}: record has no GAP character data")
        return self.characters[:, self.class_of]

    def to_json(self) -> dict:
        """The record as a JSON object (the original field order; the table 0-based)."""
        if not self.raw:
            return _record_to_raw(self)
        out = {k: (0 if k == "index_base" else v) for k, v in self.raw.items()}
        out["table"] = self.table.tolist()
        return out


# -- parsing -------------------------------------------------------------------------------------------------
def _cyc_value(v, N: int, where: str) -> complex:
    """A GAP cyclotomic from the export: an integer, or a list of [e, num, den] terms Σ num/den·E(N)^e."""
    if type(v) is int:
        return complex(v)
    if isinstance(v, bool):
        raise CatalogError(f"{where}: expected an integer or a list of [e, num, den] terms, got {v!r}")
    if isinstance(v, int):
        return complex(v)
    if not isinstance(v, list) or not v:
        raise CatalogError(f"{where}: expected an integer or a list of [e, num, den] terms, got {v!r}")
    z = 0j
    for term in v:
        if (not isinstance(term, list) or len(term) != 3 or not all(isinstance(x, int) and not isinstance(x, bool)
                                                                    for x in term) or term[2] == 0):
            raise CatalogError(f"{where}: bad cyclotomic term {term!r} (expected [e, num, den])")
        e, num, den = term
        z += num / den * np.exp(2j * np.pi * e / N)
    return z


def _int_list(obj, where: str, length: int | None = None) -> list[int]:
    if not isinstance(obj, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in obj):
        raise CatalogError(f"{where}: expected a list of integers")
    if length is not None and len(obj) != length:
        raise CatalogError(f"{where}: expected {length} entries, got {len(obj)}")
    return obj


def parse_record(obj, source: str = "<record>", line: int = 0, validate_table: bool = True) -> CatalogRecord:
    """A :class:`CatalogRecord` from one decoded JSON object; errors name ``source:line`` and the field."""
    at = f"{source}, line {line}" if line else source

    def where(fieldname: str) -> str:
        return f"{at}: field '{fieldname}'"

    if not isinstance(obj, dict):
        raise CatalogError(f"{at}: record is not a JSON object")
    for f in PAPER_FIELDS:
        if f not in obj:
            raise CatalogError(f"{where(f)}: missing (record truncated or not a group export?)")
    for f in ("order", "smallgroup_id", "num_irreps", "index_base"):
        if not isinstance(obj[f], int) or isinstance(obj[f], bool):
            raise CatalogError(f"{where(f)}: expected an integer, got {type(obj[f]).__name__}")
    order, base = obj["order"], obj["index_base"]
    if order < 1:
        raise CatalogError(f"{where('order')}: must be positive, got {order}")
    if base not in (0, 1):
        raise CatalogError(f"{where('index_base')}: must be 0 or 1, got {base}")
    if not isinstance(obj["name"], str):
        raise CatalogError(f"{where('name')}: expected a string")
    rows = obj["table"]
    table = None
    if isinstance(rows, list) and len(rows) == order:
        try:
            arr = np.array(rows)
        except (ValueError, TypeError):
            arr = None
        if arr is not None and arr.shape == (order, order) and arr.dtype.kind in "iu":
            table = arr.astype(np.int64) - base
    if table is not None:
        table = table.astype(np.int32)  # compact in memory; FiniteGroup converts to int64
    if table is None:  # slow path: say exactly what is wrong
        if not isinstance(rows, list) or len(rows) != order:
            n = len(rows) if isinstance(rows, list) else type(rows).__name__
            raise CatalogError(f"{where('table')}: expected {order} rows, got {n}")
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != order:
                n = len(row) if isinstance(row, list) else type(row).__name__
                raise CatalogError(f"{where('table')}: row {i} has {n} entries, expected {order}")
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in row):
                raise CatalogError(f"{where('table')}: row {i} has a non-integer entry")
        table = (np.array(rows, dtype=np.int64) - base).astype(np.int32)
    degrees = _int_list(obj["irrep_degrees"], where("irrep_degrees"))
    if len(degrees) != obj["num_irreps"]:
        raise CatalogError(f"{where('num_irreps')}: {obj['num_irreps']} but irrep_degrees has {len(degrees)} entries")
    if sum(d * d for d in degrees) != order:
        raise CatalogError(f"{where('irrep_degrees')}: Σ d² = {sum(d * d for d in degrees)} != order {order}")
    rec = CatalogRecord(order=order, smallgroup_id=obj["smallgroup_id"], name=obj["name"], table=table,
                        irrep_degrees=degrees, num_irreps=obj["num_irreps"], index_base=0,
                        is_abelian=obj.get("is_abelian"), gap_version=obj.get("gap_version"),
                        raw={k: v for k, v in obj.items() if k != "table"})  # the table lives in .table
    if validate_table:
        try:
            FiniteGroup(table, name=rec.label)
        except GroupTableError as exc:
            raise CatalogError(f"{where('table')}: not a group table: {exc}") from None
    if any(f in obj for f in GAP_FIELDS):
        for f in GAP_FIELDS:
            if f not in obj:
                raise CatalogError(f"{where(f)}: missing (the GAP character fields come together)")
        r = len(degrees)
        rec.class_sizes = _int_list(obj["class_sizes"], where("class_sizes"), r)
        class_of = np.array(_int_list(obj["class_of"], where("class_of"), order), dtype=np.int64)
        if len(class_of) and (class_of.min() < 0 or class_of.max() >= r):
            raise CatalogError(f"{where('class_of')}: class index out of range 0..{r - 1}")
        if np.bincount(class_of, minlength=r).tolist() != rec.class_sizes:
            raise CatalogError(f"{where('class_of')}: class counts disagree with class_sizes")
        rec.class_of = class_of
        N = obj["conductor"]
        if not isinstance(N, int) or isinstance(N, bool) or N < 1:
            raise CatalogError(f"{where('conductor')}: expected a positive integer, got {N!r}")
        rec.conductor = N
        chars = obj["characters"]
        if not isinstance(chars, list) or len(chars) != r:
            raise CatalogError(f"{where('characters')}: expected {r} rows (one per irrep)")
        vals = np.empty((r, r), dtype=complex)
        for i, row in enumerate(chars):
            if not isinstance(row, list) or len(row) != r:
                raise CatalogError(f"{where('characters')}: row {i} does not have {r} class values")
            for j, v in enumerate(row):
                vals[i, j] = _cyc_value(v, N, f"{where('characters')}[{i}][{j}]")
        rec.characters = vals
        fs = _int_list(obj["fs_indicators"], where("fs_indicators"), r)
        if not set(fs) <= {-1, 0, 1}:
            raise CatalogError(f"{where('fs_indicators')}: values must be -1, 0 or 1")
        rec.fs_indicators = fs
    return rec


def _record_to_raw(rec: CatalogRecord) -> dict:
    out = {"order": rec.order, "smallgroup_id": rec.smallgroup_id, "name": rec.name, "index_base": 0,
           "irrep_degrees": list(rec.irrep_degrees), "num_irreps": rec.num_irreps,
           "table": rec.table.tolist()}
    return out


def _open_text(path: Path):
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def read_catalog(path, validate_table: bool = True) -> Iterator[CatalogRecord]:
    """Records of a JSON-lines export (``.jsonl`` or ``.jsonl.gz``); malformed or truncated lines raise
    :class:`CatalogError` naming the file, line and field."""
    path = Path(path)
    source = path.name
    lineno = 0
    try:
        with _open_text(path) as fh:
            for lineno, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise CatalogError(f"{source}, line {lineno}: not valid JSON (truncated record?): {exc.msg} "
                                       f"at column {exc.colno}") from None
                yield parse_record(obj, source=source, line=lineno, validate_table=validate_table)
    except (EOFError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CatalogError(f"{source}, line {lineno + 1}: compressed stream is truncated or corrupt ({exc})") from None


def write_catalog(records: Iterable[CatalogRecord | dict], path) -> int:
    """Write records as JSON lines (gzip when the path ends in .gz); returns the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    tmp = path.with_name(path.name + ".tmp")
    opener = (lambda p: gzip.open(p, "wt", encoding="utf-8", compresslevel=9)) if path.suffix == ".gz" else (
        lambda p: open(p, "w", encoding="utf-8"))
    with opener(tmp) as fh:
        for rec in records:
            obj = rec.to_json() if isinstance(rec, CatalogRecord) else rec
            fh.write(json.dumps(obj, separators=(",", ":")) + "\n")
            n += 1
    os.replace(tmp, path)
    return n


# -- the shipped catalog ---------------------------------------------------------------------------------------
def shipped_files(min_order: int = 1, max_order: int | None = None) -> list[Path]:
    """The shipped catalog files present in this installation that cover orders min_order..max_order."""
    hi = float("inf") if max_order is None else max_order
    return [DATA_DIR / f for f, lo_f, hi_f in CATALOG_FILES
            if (DATA_DIR / f).exists() and lo_f <= hi and hi_f >= min_order]


@lru_cache(maxsize=None)
def _load_file(path: Path) -> tuple[CatalogRecord, ...]:
    # tables are validated when a record's group() is built (FiniteGroup validates every table)
    recs = tuple(read_catalog(path, validate_table=False))
    if not recs:  # a shipped file is never empty: an empty one is a truncated copy, not "no groups"
        raise CatalogError(f"{path.name}: the shipped catalog file holds no records (empty or truncated "
                           f"file at {path}); reinstall li2verify or re-export with `li2verify groups export`")
    return recs


def _norm_name(name: str) -> str:
    return "".join(str(name).split()).lower()


def find_by_name(name: str) -> list[tuple[int, int]]:
    """``(order, id)`` of the shipped groups whose GAP name (as ``li2verify groups list`` shows it) is ``name``
    (whitespace and case ignored).  Reads ``groups/names.tsv`` when present (fast), else the catalog."""
    key = _norm_name(name)
    hits: list[tuple[int, int]] = []
    if NAMES_FILE.exists():
        for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit() and _norm_name(parts[2]) == key:
                hits.append((int(parts[0]), int(parts[1])))
        if hits:
            return sorted(hits)
    return sorted(r.key for r in load_catalog() if _norm_name(r.name) == key)


def load_catalog(min_order: int = 1, max_order: int | None = None) -> tuple[CatalogRecord, ...]:
    """Shipped records with min_order <= order <= max_order, sorted by (order, id).  Each file is parsed once
    per process; Cayley tables are validated when :meth:`CatalogRecord.group` builds the group."""
    seen: dict[tuple[int, int], CatalogRecord] = {}
    for path in shipped_files(min_order, max_order):
        for rec in _load_file(path):
            if rec.order >= min_order and (max_order is None or rec.order <= max_order):
                seen.setdefault(rec.key, rec)
    return tuple(sorted(seen.values(), key=lambda r: r.key))


def catalog_records(max_order: int | None = None, min_order: int = 1, max_degree: int | None = None,
                    order: int | None = None) -> list[CatalogRecord]:
    """Browse the shipped catalog with simple filters."""
    if order is not None:
        min_order, max_order = max(min_order, order), order if max_order is None else min(max_order, order)
    out = []
    for r in load_catalog(min_order, max_order):
        if order is not None and r.order != order:
            continue
        if r.order < min_order or (max_order is not None and r.order > max_order):
            continue
        if max_degree is not None and r.max_degree > max_degree:
            continue
        out.append(r)
    return out


def get_record(order: int, smallgroup_id: int) -> CatalogRecord:
    for r in load_catalog(order, order):
        if r.key == (order, smallgroup_id):
            return r
    raise KeyError(f"SmallGroup({order},{smallgroup_id}) is not in the shipped catalog "
                   f"(it holds the non-Abelian groups of order <= 64 and those of order <= 128 with max irrep "
                   f"degree 2; Abelian groups: use li2verify.groups.finite.product_of_cyclic)")


_GROUP_CACHE: dict[tuple[int, int], FiniteGroup] = {}


def small_group(order: int, smallgroup_id: int) -> FiniteGroup:
    """SmallGroup(order, id) from the shipped catalog, as a :class:`FiniteGroup` (one object per id, so the
    irrep decomposition cache is shared)."""
    key = (int(order), int(smallgroup_id))
    if key not in _GROUP_CACHE:
        _GROUP_CACHE[key] = get_record(*key).group()
    return _GROUP_CACHE[key]


def fig5_nonabelian_groups() -> list[CatalogRecord]:
    """Non-Abelian groups with max_k d_k = 2 and order <= 127, one per order (the smallest SmallGroup id):
    the paper's Fig 5 (bottom right) / Fig 8 (right) selection rule of App. J.2."""
    best: dict[int, CatalogRecord] = {}
    for r in load_catalog(1, 127):
        if r.order <= 127 and r.max_degree == 2 and r.order not in best:
            best[r.order] = r
    return [best[o] for o in sorted(best)]


# -- cross-check against GAP ------------------------------------------------------------------------------------
def compare_with_gap(rec: CatalogRecord, dec) -> dict:
    """Match the engine's irreps to GAP's characters *by value* (GAP's Irr order is version dependent).

    Returns ``max_char_error`` (worst |χ_engine(g) − χ_GAP(g)| over matched pairs and elements),
    ``unmatched`` (GAP characters with no engine character within 1e-6), ``fs_mismatches`` (matched pairs whose
    Frobenius–Schur indicators differ) and ``degree_multiset_equal``."""
    gap = rec.element_characters()
    ours = np.array([ir.character for ir in dec.irreps])
    dist = np.abs(gap[:, None, :] - ours[None, :, :]).max(axis=2)  # [gap irrep, engine irrep]
    match = np.argmin(dist, axis=1)
    worst = float(dist[np.arange(len(gap)), match].max())
    unmatched = int((dist[np.arange(len(gap)), match] > 1e-6).sum())
    unmatched += len(gap) - len(set(match.tolist()))
    fs_bad = sum(int(rec.fs_indicators[i] != dec.irreps[match[i]].fs) for i in range(len(gap)))
    return {"max_char_error": worst, "unmatched": unmatched, "fs_mismatches": fs_bad,
            "degree_multiset_equal": sorted(rec.irrep_degrees) == sorted(dec.degrees.tolist()),
            "match": match.tolist()}


# -- re-export with GAP ---------------------------------------------------------------------------------------
class GapNotFound(RuntimeError):
    """GAP is not installed (``gap`` is not on PATH)."""


def gap_executable() -> str | None:
    return shutil.which("gap")


def _gap_string(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def export_with_gap(out, max_order: int, min_order: int = 1, nonabelian: bool = True, max_degree: int = 0,
                    ids: list[tuple[int, int]] | None = None, names_file: Path | str | None = NAMES_FILE,
                    skip_names_above: int | None = None, timeout: float | None = None,
                    gap: str | None = None) -> list[CatalogRecord]:
    """Run ``groups/export_smallgroups.g`` with GAP and return the parsed records (written to ``out``; gzip
    when ``out`` ends in .gz).  Raises :class:`GapNotFound` when GAP is missing."""
    gap = gap or gap_executable()
    if not gap:
        raise GapNotFound("GAP is not installed: `apt-get install -y gap-core gap-libs gap-smallgrp`")
    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "export.jsonl"
        ids_g = "[" + ", ".join(f"[{int(n)}, {int(i)}]" for n, i in (ids or [])) + "]"
        prelude = (
            f"LI2_MIN_ORDER := {int(min_order)};; LI2_MAX_ORDER := {int(max_order)};;\n"
            f"LI2_NONABELIAN := {'true' if nonabelian else 'false'};; LI2_MAX_DEGREE := {int(max_degree)};;\n"
            f"LI2_IDS := {ids_g};; LI2_OUT := {_gap_string(raw)};;\n"
            f"LI2_NAMES := {_gap_string(names_file or '')};;\n"
            + (f"LI2_SKIP_NAMES_ABOVE := {int(skip_names_above)};;\n" if skip_names_above else "")
            + f"Read({_gap_string(GAP_SCRIPT)});;\nQUIT;;\n"
        )
        (Path(tmp) / "prelude.g").write_text(prelude)
        proc = subprocess.run([gap, "-q", "-b", str(Path(tmp) / "prelude.g")], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not raw.exists():
            raise RuntimeError(f"GAP export failed (rc={proc.returncode}): {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        log.info("%s", proc.stdout.strip())
        records = list(read_catalog(raw))
        if out.suffix == ".gz":
            with open(raw, "rb") as src, gzip.open(out.with_name(out.name + ".tmp"), "wb", compresslevel=9) as dst:
                shutil.copyfileobj(src, dst)
            os.replace(out.with_name(out.name + ".tmp"), out)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(raw, out)
    return records


def update_names_file(records: Iterable[CatalogRecord], path: Path | str = NAMES_FILE) -> int:
    """Add the StructureDescription names of ``records`` to the names cache (order<TAB>id<TAB>name)."""
    path = Path(path)
    names: dict[tuple[int, int], str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                names[(int(parts[0]), int(parts[1]))] = parts[2]
    for r in records:
        if not r.name.startswith("SmallGroup("):
            names.setdefault(r.key, r.name)
    path.write_text("".join(f"{o}\t{i}\t{n}\n" for (o, i), n in sorted(names.items())))
    return len(names)
