"""A sweep directory from Python or a notebook: :func:`load` gives ``results.csv`` as a typed pandas
DataFrame (one row per cell), :func:`load_boundary` the boundary p_c(M) as a :class:`~li2verify.sweep.boundary.
Boundary` (a table, the scaling fits, an HTML view in Jupyter).

pandas is optional (``pip install 'li2verify[notebook]'``); without it :func:`load` raises one ImportError
line saying so, and :class:`Boundary` still renders (``Boundary.table()`` is a list of dicts).
"""

from __future__ import annotations

import json
from pathlib import Path

from li2verify.sweep.boundary import _pandas
from li2verify.sweep.table import INT_FIELDS, ROW_FIELDS, STR_FIELDS, read_rows

#: columns whose few values are better held as categories
CATEGORY_FIELDS = ("family", "activation", "optimizer", "status")


def _sweep_dir(out) -> Path:
    p = Path(out)
    if not (p / "results.csv").is_file():
        raise FileNotFoundError(f"{str(p)!r} is not a sweep directory (no results.csv); run `li2verify sweep SPEC "
                                f"--out {p}` first")
    return p


def load(out: str | Path):
    """``out/results.csv`` as a pandas DataFrame: one row per cell (validated, :func:`li2verify.sweep.table.
    read_rows`), columns :data:`~li2verify.sweep.table.ROW_FIELDS` with types — integers as ``Int64`` (empty
    ``epoch_success``: <NA>), floats as ``float64`` (a diverged cell's accuracies: NaN), group and cell_id as
    ``string``, family/activation/optimizer/status as ``category`` — and ``success`` = best_test_acc ≥ threshold
    (boolean)."""
    pd = _pandas()
    rows = read_rows(_sweep_dir(out))
    df = pd.DataFrame(rows, columns=ROW_FIELDS)
    for k in ROW_FIELDS:
        if k in INT_FIELDS:
            df[k] = pd.array([None if v is None else int(v) for v in df[k]], dtype="Int64")
        elif k in CATEGORY_FIELDS:
            df[k] = df[k].astype("category")
        elif k in STR_FIELDS:
            df[k] = df[k].astype("string")
        else:
            df[k] = df[k].astype("float64")
    df["success"] = (df["best_test_acc"] >= df["threshold"]).astype(bool)
    return df


def load_boundary(out: str | Path, *, n_boot: int | None = None):
    """The boundary of a sweep directory: ``out/boundary.json`` as written by the sweep, or — when it is missing
    or ``n_boot`` is given — computed again from ``results.csv`` with the threshold of ``spec.resolved.toml``."""
    from li2verify.sweep.boundary import BOOTSTRAP, Boundary, critical_fraction, fit_families

    p = _sweep_dir(out)
    bj = p / "boundary.json"
    if bj.is_file() and n_boot is None:
        return Boundary.from_json(json.loads(bj.read_text(encoding="utf-8")))
    from li2verify.sweep.run import with_status
    from li2verify.sweep.spec import load_spec

    spec = load_spec(str(p / "spec.resolved.toml"))
    rows = with_status(read_rows(p), spec)
    crit = critical_fraction(rows, threshold=spec.threshold, n_boot=BOOTSTRAP if n_boot is None else n_boot)
    return Boundary(spec.threshold, crit, fit_families(crit))
