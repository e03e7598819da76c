"""Figures of training runs fit for a talk: panel titles in words, y axes with units, x axis in epochs, the
median over seeds with its 25–75 % band, a legend naming every condition in every panel, and the plotted curves
kept for CSV export.  Used by the ``reproduce`` presets and by the empirical theorem modules' report plots.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from li2verify.utils.io import atomic_path
from li2verify.utils.plotstyle import FONT, use as use_style


def training_curves(runs: dict, keys, title: str, log_keys=(), w: float = 3.6, h: float = 2.8):
    """One panel per metric in ``keys``, one curve (median and IQR band over seeds) per condition of ``runs``
    (``{condition: RunResult}``); ``log_keys`` on a log scale."""
    fig, axes = new_figure(1, len(keys), w, h)
    for i, (c, r) in enumerate(runs.items()):
        for a, k in zip(axes[0], keys):
            if k in r.metrics:
                plot_curves(a, r, k, pretty_condition(c), f"C{i}", log=k in log_keys)
    legends(axes)
    fig.suptitle(title, fontsize=FONT["title"])
    fig.tight_layout()
    return fig


# Panel titles in words and y-axis labels with units (the x axis is always training epochs).
METRICS = {
    "train_acc": ("Training accuracy", "accuracy (fraction correct)"),
    "test_acc": ("Test accuracy", "accuracy (fraction correct)"),
    "train_loss": ("Training loss", "loss (MSE)"),
    "test_loss": ("Test loss", "loss (MSE)"),
    "gf_norm": ("Backpropagated gradient ‖G_F‖", "‖G_F‖_F (Frobenius norm)"),
    "ftf_offdiag": ("Off-diagonal part of F̃ᵀF̃", "off-diagonal / diagonal (ratio)"),
    "rho_tian": ("Feature-interaction ratio ρ", "ρ (ratio)"),
    "ffT_dist": ("Distance of P₁⊥FFᵀ from a multiple of P₁⊥", "relative distance (ratio)"),
    "dV_cos": ("Change of the top layer ΔV", "1 − cos(V_t, V_{t+1})"),
    "dW_cos": ("Change of the hidden layer ΔW", "1 − cos(W_t, W_{t+1})"),
    "fourier_conc": ("Fourier concentration of the lowest layer", "energy in the top frequency (fraction)"),
    "signmatch": ("Thm 6 sign rule, approximate projector", "pairs matching the sign rule (fraction)"),
    "signmatch_exact": ("Thm 6 sign rule, exact projector", "pairs matching the sign rule (fraction)"),
    "gap23": ("Eigengap σ₂/σ₃ of ΔW", "σ₂/σ₃ (ratio)"),
}


def pretty_condition(c: str) -> str:
    """``eta>0`` → ``η > 0``, ``x2 eta=0`` → ``σ = x², η = 0`` (legend text)."""
    t = c.replace("eta", "η").replace(">", " > ").replace("=", " = ").replace("  ", " ")
    t = t.replace("x2 ", "σ = x², ").replace("relu ", "σ = ReLU, ")
    return t


def plot_curves(ax, res, key, label, color, log=False):
    """Median over seeds (line) and the 25–75 % band across seeds; the curve is kept on the figure for CSV."""
    e = res.epochs
    v = res.metrics[key]
    ok = np.isfinite(v[:, 0])
    med = np.nanmedian(v[ok], axis=1)
    n = v.shape[1]
    ax.plot(e[ok], med, color=color, label=f"{label} (median of {n} seed{'s' if n != 1 else ''})")
    q25 = q75 = med
    if n > 1:
        q25, q75 = np.nanpercentile(v[ok], 25, 1), np.nanpercentile(v[ok], 75, 1)
        ax.fill_between(e[ok], q25, q75, color=color, alpha=0.2, lw=0)
    if log:
        ax.set_yscale("log")
    title, ylabel = METRICS.get(key, (key.replace("_", " "), key))
    ax.set_title(title, fontsize=FONT["title"])
    ax.set_xlabel("epoch", fontsize=FONT["label"])
    ax.set_ylabel(ylabel + (" (log scale)" if log else ""), fontsize=FONT["label"])
    ax.tick_params(labelsize=7)
    curves = ax.figure.__dict__.setdefault("_li2_curves", [])
    curves.append({"condition": label, "metric": key, "epochs": e[ok], "median": med, "q25": q25, "q75": q75,
                   "seeds": n})


def legends(axes) -> None:
    """A legend in every panel that has curves (each names every condition shown there)."""
    for a in np.ravel(axes):
        if a.get_legend_handles_labels()[0]:
            a.legend(fontsize=FONT["legend"], loc="best")


def write_curves_csv(fig, path: Path) -> Path | None:
    """The curves a figure plots as CSV: condition, metric, epoch, median, q25, q75, seeds."""
    import csv

    curves = getattr(fig, "_li2_curves", None)
    if not curves:
        return None
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["condition", "metric", "epoch", "median", "q25", "q75", "seeds"])
        for c in curves:
            for ep, m, lo, hi in zip(c["epochs"], c["median"], c["q25"], c["q75"]):
                w.writerow([c["condition"], c["metric"], f"{float(ep):g}", repr(float(m)), repr(float(lo)),
                            repr(float(hi)), c["seeds"]])
    return path


def new_figure(nrows, ncols, w=4.2, h=3.2):
    import matplotlib.pyplot as plt

    use_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), squeeze=False)
    return fig, axes


