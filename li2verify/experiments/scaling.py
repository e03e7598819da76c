"""The decision of a family's scaling claim (Figs 5 and 8): fit n_c = p_c·M² ∝ M^a over the groups with a boundary
(``li2verify.sweep.boundary.fit_scaling``) and decide ‘p_c decreases with M’ (a < 2) or ‘n_c ∝ M log M’ on a's 95%
interval; the evidence tables and plots of that decision.  :func:`decide_family` reads a profile's trained grid
(:mod:`li2verify.experiments.sweeps`), :func:`decide_fit` any list of boundary entries (also those of a committed
evidence record, :mod:`li2verify.experiments.records`).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from li2verify.experiments.sweeps import THRESHOLD, family_boundaries, grid_rows, scale


def finite(e: dict) -> bool:
    return math.isfinite(e.get("p_c", math.nan))


def boundary_table(entries: list[dict]) -> list[dict]:
    """The evidence table of a family's boundary: p_c, its interval, n_c, success counts per p."""
    return [{"group": e["group"], "M": e["M"], "max d_k": e["max_dk"], "p_c": round(e["p_c"], 4),
             "p_c 95% CI": [round(v, 4) for v in e["ci"]], "n_c = p_c·M²": round(e["n_c"], 1),
             "censored": e["censored"], "successes per p": e["success"]} for e in entries]


def fit_summary(f: dict) -> dict:
    """A fit of :func:`li2verify.sweep.boundary.fit_scaling`, rounded for the report."""
    return {"a (n_c ∝ M^a)": round(f["a"], 3), "a 95% CI": [round(v, 3) for v in f["a_ci"]],
            "a SE": round(f["a_se"], 3), "M range": f["M_range"], "groups": f["n"],
            "best by AIC": f["best"],
            "laws": {k: {"exponent over these M": round(v["exponent"], 3), "ΔAIC": round(v["delta_aic"], 2),
                         "inside a's CI": v["inside_ci"]} for k, v in f["laws"].items()}}


def attach_png(evidence, draw, caption: str) -> None:
    """Attach a figure the sweep engine writes to a file (``li2verify.sweep.plots``): ``draw(path)`` writes it, the
    PNG is embedded as written."""
    with tempfile.TemporaryDirectory() as d:
        evidence.plot_png(Path(draw(Path(d) / "fig.png")).read_bytes(), caption)


def decide_family(evidence, profile_name: str, family: str, part: str, device: str = "cpu"):
    """Fit n_c = p_c·M² ∝ M^a over the family's groups with a boundary inside the grid and decide ``part``:

    - ``"decreases"``: p_c decreases with M ⇔ a < 2: holds when a's 95% CI lies below 2, a counterexample when
      it lies above 2, inconclusive when it contains 2;
    - ``"m_log_m"``: n_c ∝ M log M: holds when the exponent of M log M over the same M lies inside a's 95% CI,
      a counterexample (measured a against that exponent, tolerance = the distance from a to the CI's edge on
      that side) when outside.

    Fewer than 3 groups with a boundary inside the grid: inconclusive.  Returns the fit (or None)."""
    from li2verify.sweep.plots import phase_heatmap

    entries = family_boundaries(profile_name, family, device)
    for e in entries:
        evidence.instance(e["group"])
    evidence.detail("scale", scale(profile_name))
    evidence.detail(f"{family}: boundary per group", boundary_table(entries))
    rows = [r for r in grid_rows(profile_name, device) if r["family"] == family]
    if rows and part == "decreases":  # the plots once per claim (its first check)
        attach_png(evidence, lambda p: phase_heatmap(rows, family, p, threshold=THRESHOLD),
                   f"Phase diagram, {family} Z_M / groups ({profile_name} profile): mean final test accuracy; "
                   "labels = seeds whose best test accuracy reached 0.9")
    return decide_fit(evidence, entries, family, part, caption_scale=profile_name == "paper",
                      where=f"the grid of the {profile_name} profile", scale_name=f"the {profile_name} profile's")


def decide_fit(evidence, entries: list[dict], family: str, part: str, *, caption_scale: bool, where: str,
               scale_name: str, min_groups: int = 3, fit: dict | None = None):
    """Fit n_c = p_c·M² ∝ M^a over the ``entries`` with a boundary (a finite ``p_c``) and decide ``part`` (see
    :func:`decide_family`).  ``caption_scale``: the entries were measured at the caption's lr, η and K, so the
    M log M part is decided; otherwise it is a scope note.  ``fit``: that fit when the caller has already made it
    on the same entries (``fit_boundaries`` is deterministic).  Returns the fit (or None)."""
    from li2verify.sweep.boundary import fit_boundaries
    from li2verify.sweep.plots import boundary_plot

    ok = [e for e in entries if finite(e)]
    cens = [e["group"] for e in entries if not finite(e)]
    if cens:
        evidence.detail(f"{family}: groups without a boundary (not fitted)",
                        {e["group"]: e.get("censored") or e.get("why") for e in entries if not finite(e)})
    if len({e["M"] for e in ok}) < min_groups:
        evidence.inconclusive(f"{family}: {len(ok)} group(s) with a boundary in {where} "
                              f"({[e['group'] for e in ok]}); a scaling fit needs ≥ {min_groups}"
                              + (f"; not fitted: {cens}" if cens else ""))
        return None
    f = fit or fit_boundaries(ok)
    evidence.detail(f"{family}: fit of n_c ∝ M^a and candidate laws", fit_summary(f))
    if part == "decreases":
        attach_png(evidence, lambda p: boundary_plot({e["group"]: e for e in entries}, {family: f}, p),
                   f"{family}: p_c(M) with 95% intervals, the fitted power law and the candidate laws")
    a, (lo, hi) = f["a"], f["a_ci"]
    if part == "decreases":
        evidence.tolerance(0.0, "decided on a's 95% bootstrap interval (the interval is the uncertainty)")
        if hi < 2:
            return f
        if lo > 2:
            evidence.counterexample(f"{family}: p_c does not decrease with M: n_c ∝ M^a with a's 95% CI "
                                    f"[{lo:.2f}, {hi:.2f}] above 2", measured=lo, printed=2.0, relation="<=",
                                    family=family)
            return f
        evidence.inconclusive(f"{family}: a = {a:.2f}, 95% CI [{lo:.2f}, {hi:.2f}] contains 2 (p_c flat)")
        return f
    e = f["laws"]["M log M"]["exponent"]
    if not caption_scale:
        inside = "inside" if lo <= e <= hi else "outside"
        evidence.inconclusive(
            f"{family}: at this scale n_c ∝ M^{a:.2f} (95% CI [{lo:.2f}, {hi:.2f}]); the exponent of M log M over "
            f"M = {f['M_range'][0]:g}..{f['M_range'][1]:g} is {e:.2f}, {inside} the interval; best law by AIC: "
            f"{f['best']}. The caption's law is stated for lr 5e-4, η 2e-4, K = 2048: a fit at {scale_name} "
            f"scale is a scope note, not a verdict on it")
        return f
    if lo <= e <= hi:
        return f
    tol = (a - lo) if e < a else (hi - a)
    evidence.counterexample(f"{family}: n_c ∝ M^{a:.2f} (95% CI [{lo:.2f}, {hi:.2f}]) excludes M log M (exponent "
                            f"{e:.2f} over M = {f['M_range'][0]:g}..{f['M_range'][1]:g}); best law by AIC: {f['best']}",
                            measured=a, printed=e, relation="==", tol=tol,
                            why="the distance from the fitted a to its 95% bootstrap interval's edge on the side of "
                                "the M log M exponent", family=family)
    return f
