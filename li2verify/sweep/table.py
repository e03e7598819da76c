"""The sweep's results table: one row per cell in ``results.csv`` (atomic rewrite, resumable, no duplicates).

Columns (:data:`ROW_FIELDS`): the cell (group, its family, order M, largest irrep degree max d_k, p = n/M², n,
seed, lr, η, K, epochs; ``p`` is the realized n/M², ``p_spec`` the spec's fraction that n was rounded from, empty
for cells given by n), the outcome (final and best test accuracy over the evaluation epochs, the first
evaluation epoch at which test accuracy ≥ the spec's threshold — empty if never —, final train accuracy, the
mean energy E of the learned hidden nodes on the training set and of the unit-norm nodes, Eqn 7), the wall time
(the program's time divided by its cells), the number of cells in its program, the status, and ``cell_id``.

The file is rewritten atomically (temporary file + rename) with every batch of new rows, so a kill leaves either
the old or the new table; a row whose ``cell_id`` is already present is not written again.  Every rewrite is a
*locked merge*: under an exclusive ``flock`` on ``.results.lock`` in the sweep directory the table is read again,
the new rows are added to what is there now, and the result is renamed over it — two sweeps writing into one
directory (two processes, two machines on one NFS-less host) lose no row.

Reading validates every row (:class:`TableError` names the line and the field): types, ranges (accuracies in
[0, 1] or empty for a diverged cell, 0 < p < 1, 1 ≤ n < M², epoch_success ≤ epochs, a known status, a 12-hex
``cell_id``) and duplicate cells.  Only a torn *last* line without its newline (a kill during a non-atomic
copy of the file) is dropped, with a warning.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import logging
import math
import os
import re
from functools import lru_cache
from pathlib import Path

from li2verify.groups.spec import spec_order
from li2verify.utils.io import atomic_write_text

ROW_FIELDS = ["group", "family", "M", "max_dk", "p", "p_spec", "n", "seed", "lr", "wd", "K", "epochs", "activation",
              "optimizer", "final_test_acc", "best_test_acc", "epoch_success", "threshold", "train_acc", "energy",
              "energy_unit", "wall_s", "program_cells", "status", "cell_id", "protocol", "epochs_run"]
#: columns added after tables were first written: a table without them reads with these values (every earlier
#: cell was trained under the text protocol, to its last epoch)
OPTIONAL_FIELDS = {"protocol": lambda r: "text", "epochs_run": lambda r: r["epochs"]}
INT_FIELDS = {"M", "max_dk", "n", "seed", "K", "epochs", "epoch_success", "program_cells", "epochs_run"}
STR_FIELDS = {"group", "family", "activation", "optimizer", "status", "cell_id", "protocol"}
RESULTS = "results.csv"
LOCK = ".results.lock"
#: a cell's status: trained to the end; loss became NaN/inf; final train accuracy below the spec's fit_threshold
STATUSES = ("complete", "diverged", "unfit")

log = logging.getLogger(__name__)


class TableError(ValueError):
    """``results.csv`` holds something that is not a valid row (the message names the line and the field)."""


@contextlib.contextmanager
def locked(out_dir: str | Path):
    """An exclusive lock on the sweep directory's table (``flock`` on ``out_dir/.results.lock``; blocks until
    the other writer's merge is done — a merge takes milliseconds)."""
    path = Path(out_dir) / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


@lru_cache(maxsize=None)
def group_info(group: str) -> dict:
    """Order M, family and max d_k (largest complex irrep degree) of a group spec.

    Families (Fig 5 / Fig 8's panels): ``cyclic prime`` (Z_p), ``cyclic composite`` (Z_M, M composite),
    ``product`` (Abelian, not cyclic: Z_4 ⊗ Z_7 is cyclic and counts as cyclic composite only when given as
    ``Z28``; a product spec such as ``4x7`` is a product group), ``non-Abelian``."""
    from li2verify.train.data import resolve_group

    s = str(group).strip()
    M = spec_order(s)
    G = resolve_group(s)
    if not G.is_abelian:
        from li2verify.groups.irreps import irrep_decomposition

        dk = int(max(irrep_decomposition(G).degrees))
        fam = "non-Abelian"
    else:
        dk = 1
        cyclic_spec = s.lstrip("Zz").isdigit()
        if cyclic_spec:
            fam = "cyclic prime" if _is_prime(M) else "cyclic composite"
        else:
            fam = "product"
    return {"M": M, "family": fam, "max_dk": dk}


def _is_prime(m: int) -> bool:
    return m >= 2 and all(m % q for q in range(2, int(math.isqrt(m)) + 1))


def row_for(cell, **values) -> dict:
    """A result row for ``cell`` (its grid fields and group info) with the measured ``values``."""
    info = group_info(cell.group)
    n = cell.n_train
    row = {"group": cell.group, "family": info["family"], "M": info["M"], "max_dk": info["max_dk"],
           "p": n / info["M"] ** 2, "p_spec": cell.p, "n": n, "seed": cell.seed, "lr": cell.lr, "wd": cell.wd, "K": cell.K,
           "epochs": cell.epochs, "activation": cell.activation, "optimizer": cell.optimizer, "cell_id": cell.cell_id,
           "protocol": cell.protocol, "epochs_run": cell.epochs}
    row.update(values)
    return row


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    return str(v)


def _parse(k: str, v: str):
    if k in STR_FIELDS:
        return v
    if v == "":
        return None if k in INT_FIELDS else math.nan
    if k in INT_FIELDS:
        return int(v)
    return float(v)


_CELL_ID = re.compile(r"[0-9a-f]{12}")
#: (field, low, high, empty allowed): the range every row must satisfy
_RANGES = [("M", 2, None, False), ("max_dk", 1, None, False), ("seed", 0, None, False), ("K", 1, None, False),
           ("epochs", 0, None, False), ("program_cells", 1, None, False), ("lr", 0, None, False),
           ("wd", 0, None, False), ("threshold", 0, 1, False), ("wall_s", 0, None, False),
           ("final_test_acc", 0, 1, True), ("best_test_acc", 0, 1, True), ("train_acc", 0, 1, True)]


def validate_row(r: dict) -> None:
    """Raise ValueError naming the first field of ``r`` (a parsed row) that is out of range or inconsistent."""
    for k, lo, hi, empty_ok in _RANGES:
        v = r.get(k)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            if empty_ok:
                continue
            raise ValueError(f"{k} is empty")
        if not math.isfinite(v) or v < lo or (hi is not None and v > hi) or (k in ("lr", "threshold") and v == 0):
            raise ValueError(f"{k} = {v!r} is outside {'(' if k in ('lr', 'threshold') else '['}{lo}, "
                             f"{hi if hi is not None else '∞'}{']' if hi is not None else ')'}")
    M, n = r["M"], r.get("n")
    if n is None or not 1 <= n < M * M:
        raise ValueError(f"n = {n!r} is outside 1..M²−1 = {M * M - 1}")
    p = r.get("p")
    if p is None or not (isinstance(p, float) and abs(p - n / (M * M)) <= 1e-9):
        raise ValueError(f"p = {p!r} is not n/M² = {n / (M * M)!r}")
    es = r.get("epoch_success")
    if es is not None and not 0 <= es <= r["epochs"]:
        raise ValueError(f"epoch_success = {es} is outside 0..epochs = {r['epochs']}")
    er = r.get("epochs_run", r["epochs"])
    if er is None or not 0 <= er <= r["epochs"]:
        raise ValueError(f"epochs_run = {er!r} is outside 0..epochs = {r['epochs']}")
    if r.get("status") not in STATUSES:
        raise ValueError(f"status {r.get('status')!r} is not one of {', '.join(STATUSES)}")
    if r["status"] != "diverged" and any(math.isnan(r[k]) for k in ("final_test_acc", "best_test_acc", "train_acc")):
        raise ValueError(f"an accuracy is empty but the status is {r['status']!r} (only a diverged cell has none)")
    if not _CELL_ID.fullmatch(str(r.get("cell_id", ""))):
        raise ValueError(f"cell_id {r.get('cell_id')!r} is not 12 hex digits")
    if not r.get("group"):
        raise ValueError("group is empty")


def read_rows(out_dir: str | Path, *, validate: bool = True) -> list[dict]:
    """The rows of ``out_dir/results.csv`` (numbers parsed; an empty ``epoch_success`` is None); [] if absent.
    Every row is validated (:func:`validate_row`) and a cell may appear once; anything else raises
    :class:`TableError` naming the line.  A torn last line (a kill during a non-atomic copy) is dropped."""
    path = Path(out_dir) / RESULTS
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise TableError(f"{path} is not a sweep results table (not UTF-8 text at byte {e.start})") from None
    if text and not text.endswith("\n"):
        log.warning("%s: dropping a torn last line (no newline): %r", path, text[text.rfind("\n") + 1:][:80])
        text = text[:text.rfind("\n") + 1]
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise TableError(f"{path} is not a sweep results table ({e})") from None
    if not rows:
        return []
    header = rows[0]
    if "cell_id" not in header:
        raise TableError(f"{path} is not a sweep results table (no cell_id column)")
    missing = [k for k in ROW_FIELDS if k not in header and k not in OPTIONAL_FIELDS]
    if missing or len(set(header)) != len(header):
        raise TableError(f"{path}: the header lacks {', '.join(missing)}" if missing else
                         f"{path}: the header names a column twice")
    out = []
    first_line: dict[str, int] = {}
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise TableError(f"{path} line {i}: {len(r)} fields, the header has {len(header)}")
        try:
            row = {k: _parse(k, v) for k, v in zip(header, r)}
            for k, default in OPTIONAL_FIELDS.items():
                if k not in row:
                    row[k] = default(row)
            if validate:
                validate_row(row)
        except ValueError as e:
            raise TableError(f"{path} line {i}: {' '.join(str(e).split())[:200]}") from None
        cid = row["cell_id"]
        if cid in first_line:
            raise TableError(f"{path} line {i}: cell {cid} is already on line {first_line[cid]} (a cell is one row)")
        first_line[cid] = i
        out.append(row)
    return out


def append_rows(out_dir: str | Path, rows: list[dict]) -> int:
    """Add ``rows`` to ``out_dir/results.csv`` (atomic rewrite); rows whose ``cell_id`` is already in the table
    are skipped.  Returns the number of rows added."""
    path = Path(out_dir) / RESULTS
    # rows built before a column existed get its default (as a table without that column reads)
    rows = [{**r, **{k: f(r) for k, f in OPTIONAL_FIELDS.items() if r.get(k) is None}} for r in rows]
    for r in rows:
        try:
            validate_row(r)
        except (ValueError, KeyError, TypeError) as e:
            raise TableError(f"refusing to write a row of cell {r.get('cell_id')}: {e}") from None
    with locked(out_dir):  # read, merge and rename under the lock: a concurrent writer's rows are kept
        old = read_rows(out_dir)
        seen = {r["cell_id"] for r in old}
        new = []
        for r in rows:
            if r["cell_id"] in seen:
                continue
            seen.add(r["cell_id"])
            new.append(r)
        if not new and path.exists():
            return 0
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(ROW_FIELDS)
        for r in old + new:
            w.writerow([_fmt(r.get(k)) for k in ROW_FIELDS])
        atomic_write_text(path, buf.getvalue())
    return len(new)
