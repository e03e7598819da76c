"""Figures of a sweep, fit for a talk: the phase diagram per family (Fig 5 / Fig 8's panels: x = M, y = p, colour =
mean test accuracy over seeds, each box labelled with its successful seeds k/N) and the boundary p_c(M) with its
bootstrap intervals and the fitted candidate laws (p_c = c·f(M)/M², f ∈ {M log M, M, M²})."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from li2verify.utils.io import atomic_path
from li2verify.utils.plotstyle import DPI, FONT


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=DPI)
    plt.close(fig)
    return path


def _p_row(r: dict) -> float:
    """The heatmap's y value: the spec's fraction (rows of one grid line share it across M), else the realized
    p = n/M² to two significant digits."""
    ps = r.get("p_spec")
    if ps is not None and not (isinstance(ps, float) and math.isnan(ps)):
        return float(ps)
    return float(f"{float(r['p']):.2g}")


def phase_heatmap(rows: list[dict], family: str, path: str | Path, *, threshold: float = 0.9,
                  key: str = "final_test_acc") -> Path:
    """x = group order M, y = training fraction p = n/M², colour = mean ``key`` over seeds; each box shows
    'k/N': seeds whose best test accuracy reached ``threshold``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from li2verify.train.figures import new_figure

    rs = [r for r in rows if r["family"] == family]
    groups = sorted({(r["M"], r["group"]) for r in rs})
    ps = sorted({_p_row(r) for r in rs})
    A = np.full((len(ps), len(groups)), np.nan)
    lab = [["" for _ in groups] for _ in ps]
    for j, (M, g) in enumerate(groups):
        for i, p in enumerate(ps):
            sel = [r for r in rs if r["group"] == g and _p_row(r) == p]
            if sel:
                A[i, j] = np.nanmean([r[key] for r in sel])
                k = sum(1 for r in sel if np.nan_to_num(r["best_test_acc"], nan=-1) >= threshold)
                lab[i][j] = f"{k}/{len(sel)}"
    fig, axes = new_figure(1, 1, w=max(4.0, 0.55 * len(groups) + 2.2), h=max(3.2, 0.32 * len(ps) + 1.6))
    ax = axes[0][0]
    im = ax.imshow(A, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=1)
    for i in range(len(ps)):
        for j in range(len(groups)):
            if lab[i][j]:
                ax.text(j, i, lab[i][j], ha="center", va="center", fontsize=FONT["annotation"],
                        color="black" if (np.nan_to_num(A[i, j]) > 0.6) else "white")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([g if g.lstrip("Z").isdigit() and g.startswith("Z") else f"{g}\n(M={M})"
                        for M, g in groups], fontsize=FONT["tick"], rotation=0)
    ax.set_yticks(range(len(ps)))
    ax.set_yticklabels([f"{p:.3g}" for p in ps], fontsize=FONT["tick"])
    ax.set_xlabel("group (order M)", fontsize=FONT["label"])
    ax.set_ylabel("training fraction $p = n/M^2$ ($n$ rounded per $M$)", fontsize=FONT["label"])
    nseeds = max((int(s.split("/")[1]) for row in lab for s in row if s), default=0)
    ax.set_title(f"Phase diagram, {family} groups\nmean final test accuracy over {nseeds} seeds\n"
                 f"(labels: seeds with best test accuracy ≥ {threshold:g})", fontsize=FONT["label"])
    cb = fig.colorbar(im, ax=ax)
    cb.set_label("test accuracy (fraction correct)", fontsize=FONT["label"])
    fig.tight_layout()
    return _save(fig, Path(path))


def boundary_plot(crit: dict[str, dict], fits: dict[str, dict], path: str | Path) -> Path:
    """p_c against M per family (bootstrap interval as error bars; censored groups as open triangles at the grid
    edge), with the fitted power law and the candidate laws of each family."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from li2verify.train.figures import new_figure

    fig, axes = new_figure(1, 1, w=5.6, h=4.0)
    ax = axes[0][0]
    fams = sorted({e["family"] for e in crit.values()})
    styles = {"M log M": ":", "M": "--", "M^2": "-."}
    for i, fam in enumerate(fams):
        es = sorted([e for e in crit.values() if e["family"] == fam], key=lambda e: e["M"])
        col = f"C{i}"
        ok = [e for e in es if math.isfinite(e["p_c"])]
        if ok:
            Ms = np.array([e["M"] for e in ok], float)
            pc = np.array([e["p_c"] for e in ok])
            lo = pc - np.array([e["ci"][0] for e in ok])
            hi = np.array([e["ci"][1] for e in ok]) - pc
            ax.errorbar(Ms, pc, yerr=[lo, hi], fmt="o", color=col, capsize=2, ms=4,
                        label=f"{fam}: $p_c$ (95% bootstrap interval)")
        for e in es:
            if e["censored"] == "below":
                ax.plot(e["M"], min(e["p_grid"]), "v", mfc="none", color=col, ms=5)
            elif e["censored"] == "above":
                ax.plot(e["M"], max(e["p_grid"]), "^", mfc="none", color=col, ms=5)
        f = fits.get(fam)
        if f:
            Mg = np.linspace(f["M_range"][0], f["M_range"][1], 50)
            ax.plot(Mg, math.exp(f["b"]) * Mg ** f["a"] / Mg ** 2, "-", color=col, lw=1,
                    label=f"{fam}: fit $n_c \\propto M^{{{f['a']:.2f}}}$ [{f['a_ci'][0]:.2f}, {f['a_ci'][1]:.2f}]")
            from li2verify.sweep.boundary import LAWS

            for name, law in f["laws"].items():
                ax.plot(Mg, law["c"] * LAWS[name](Mg) / Mg ** 2, styles.get(name, ":"), color=col, lw=0.8,
                        alpha=0.7, label=f"{fam}: $n_c \\propto$ {name} (ΔAIC {law['delta_aic']:.1f})")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    Ms_all = sorted({e["M"] for e in crit.values()})
    if Ms_all:  # label every measured order: a narrow M range has no labelled decade on a log axis
        ax.set_xticks(Ms_all)
    lo_y, hi_y = (lambda a, b: (min(a, b / 1.5), max(b, a * 1.5)))(*ax.get_ylim())  # all censored: not a sliver
    ax.set_yticks([t for t in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0) if lo_y <= t <= hi_y])
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_formatter(NullFormatter())
    ax.set_ylim(lo_y, hi_y)
    ax.set_xlabel("group order M (log scale)", fontsize=FONT["label"])
    ax.set_ylabel("critical training fraction $p_c = n_c/M^2$ (log scale)", fontsize=FONT["label"])
    ax.set_title("Generalization boundary $p_c(M)$ and candidate laws (Thm 4: $n_c \\propto M \\log M$)", fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=FONT["legend"], loc="best")
    fig.tight_layout()
    return _save(fig, Path(path))
