"""The one matplotlib style of every figure li2verify draws (report figures, training curves, sweep plots).

Readable at slide size: no text under 9 pt at the size a figure is drawn (:data:`FONT`), PNGs at :data:`DPI`,
mathtext in the sans-serif face of the labels, so ``$c^{2p}$`` and ``$\\|G_F\\|_F$`` in a label render as
formulas.  :func:`use` applies it (the pytest plugin calls it once per run; the figure helpers call it before
drawing); call sites take their font sizes from :data:`FONT` instead of numbers of their own.
"""

from __future__ import annotations

from typing import Any

FONT = {"title": 10, "label": 10, "tick": 9, "legend": 9, "annotation": 9}
DPI = 150  # PNG resolution of saved figures (a 6-inch figure is 900 px wide: sharp when a page scales it down)
REPORT_DPI = 110  # figures embedded in the HTML report (page weight: every pixel is base64 in the page)

STYLE: dict[str, Any] = {
    "font.size": FONT["label"],
    "axes.titlesize": FONT["title"],
    "axes.labelsize": FONT["label"],
    "xtick.labelsize": FONT["tick"],
    "ytick.labelsize": FONT["tick"],
    "legend.fontsize": FONT["legend"],
    "figure.titlesize": FONT["title"] + 1,
    "mathtext.fontset": "dejavusans",
    "axes.grid": False,  # phase diagrams are images: a grid would cross every cell
    "lines.linewidth": 1.5,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "axes.formatter.limits": (-3, 4),  # scientific notation outside 1e-3 .. 1e4: ticks never carry 9 decimals
    "axes.formatter.useoffset": False,
}


def use() -> None:
    """Apply :data:`STYLE` to matplotlib's rcParams (idempotent)."""
    import matplotlib

    matplotlib.rcParams.update(STYLE)


def fontsize(kind: str) -> int:
    """The size in points of a kind of text: title, label, tick, legend or annotation."""
    return FONT[kind]
