"""The sweep's results table: one row per cell in ``results.csv`` (atomic rewrite, resumable, no duplicates).

Columns (:data:`ROW_FIELDS`): the cell (group, its family, order M, largest irrep degree max d_k, p = n/M², n,
seed, lr, η, K, epochs; ``p`` is the realized n/M², ``p_spec`` the spec's fraction that n was rounded from, empty
for cells given by n), the outcome (final and best test accuracy over the evaluation epochs, the first
evaluation epoch at which test accuracy ≥ the spec's threshold — empty if never —, final train accuracy, the
mean energy E of the learned hidden nodes on the training set and of the unit-norm nodes, Eqn 7), the wall time
(the program's time divided by its cells), the number of cells in its program, the status, and ``cell_id``.

The file is rewritten atomically (temporary file + rename) with every batch of new rows, so a kill leaves either
the old or the new table; a row whose ``cell_id`` is already present is not written again.
"""

from __future__ import annotations

import csv
import io
import math
from functools import lru_cache
from pathlib import Path

from li2verify.groups.spec import spec_order
from li2verify.utils.io import atomic_write_text

ROW_FIELDS = ["group", "family", "M", "max_dk", "p", "p_spec", "n", "seed", "lr", "wd", "K", "epochs", "activation",
              "optimizer", "final_test_acc", "best_test_acc", "epoch_success", "threshold", "train_acc", "energy",
              "energy_unit", "wall_s", "program_cells", "status", "cell_id"]
INT_FIELDS = {"M", "max_dk", "n", "seed", "K", "epochs", "epoch_success", "program_cells"}
STR_FIELDS = {"group", "family", "activation", "optimizer", "status", "cell_id"}
RESULTS = "results.csv"


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
           "epochs": cell.epochs, "activation": cell.activation, "optimizer": cell.optimizer, "cell_id": cell.cell_id}
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


def read_rows(out_dir: str | Path) -> list[dict]:
    """The rows of ``out_dir/results.csv`` (numbers parsed; an empty ``epoch_success`` is None); [] if absent.
    A torn last line (a kill during a non-atomic copy) is dropped."""
    path = Path(out_dir) / RESULTS
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = rows[0]
    if "cell_id" not in header:
        raise ValueError(f"{path} is not a sweep results table (no cell_id column)")
    out = []
    for r in rows[1:]:
        if len(r) != len(header):
            continue
        out.append({k: _parse(k, v) for k, v in zip(header, r)})
    return out


def append_rows(out_dir: str | Path, rows: list[dict]) -> int:
    """Add ``rows`` to ``out_dir/results.csv`` (atomic rewrite); rows whose ``cell_id`` is already in the table
    are skipped.  Returns the number of rows added."""
    path = Path(out_dir) / RESULTS
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
