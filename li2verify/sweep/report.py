"""Outputs of a finished sweep: phase diagrams per family, the boundary p_c(M) and its fits (plot + JSON)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def write_outputs(rows: list[dict], out: str | Path, *, threshold: float) -> dict:
    """Write ``phase_<family>.png`` per family, ``boundary.json`` and ``boundary.png`` into ``out``."""
    from li2verify.sweep.boundary import critical_fraction, fit_families
    from li2verify.sweep.plots import boundary_plot, phase_heatmap
    from li2verify.utils.io import atomic_write_text

    out = Path(out)
    files = {}
    for fam in sorted({r["family"] for r in rows}):
        path = out / f"phase_{fam.replace(' ', '_').replace('-', '_')}.png"
        phase_heatmap(rows, fam, path, threshold=threshold)
        files[f"phase {fam}"] = str(path)
    crit = critical_fraction(rows, threshold=threshold)
    fits = fit_families(crit)
    atomic_write_text(out / "boundary.json", strict_json({"threshold": threshold, "critical": crit, "fits": fits}))
    boundary_plot(crit, fits, out / "boundary.png")
    files["boundary"] = str(out / "boundary.png")
    return files


def strict_json(obj) -> str:
    """``obj`` as strict JSON text: NaN/±inf as null, numpy numbers as Python numbers (the engine's
    :func:`li2verify.train.reproduce._jsonable`), never a bare NaN or Infinity (``allow_nan=False``)."""
    from li2verify.train.reproduce import _jsonable

    return json.dumps(_jsonable(obj), indent=1, allow_nan=False, ensure_ascii=False)
