"""Presets that reproduce the paper's training figures (Figs 3, 9–17) and the repulsion study of paper 003.

Each preset trains at ``scale="cpu"`` (a small instance where the phenomenon appears within minutes on
2 cores; the sizes are recorded in the numbers) or ``scale="paper"`` (the published sizes; meant for a GPU),
and returns ``{"numbers": {...}, "figure": matplotlib.Figure}``; :func:`run_preset` writes
``<out>/<preset>.png``, ``.svg`` and ``.json``.  All seeds of a preset (and conditions that share shapes, e.g.
η > 0 and η = 0) are batched into one tensor program (:mod:`li2verify.train.batched`).

What each preset trains is its figure's setting in :mod:`li2verify.train.presets` (``FIGURE_SETTINGS``,
``FIGURE_CONDITIONS``), the one the empirical claims of the same figure train (their stated differences:
``presets.CLAIM_DIFFERENCES``); what it records and its default seed count are ``presets.REPRODUCE``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from li2verify.train.batched import train_conditions
from li2verify.train.empirical import first_epoch
from li2verify.train.figures import METRICS, legends as _legends, new_figure as _fig, plot_curves as _plot_curves  # noqa: F401
from li2verify.train.figures import pretty_condition, write_curves_csv  # noqa: F401
from li2verify.train.presets import FIGURE_SETTINGS, REPRODUCE, fig3_setup, figure_conditions
from li2verify.utils.io import atomic_path, atomic_write_text

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------------ helpers
def grok_stats(res, thr_test: float = 0.9, thr_train: float = 0.99) -> dict[str, list[float]]:
    """Per seed: epoch train acc ≥ thr_train (memorized), epoch test acc ≥ thr_test (grokked), final test acc."""
    e = res.epochs
    S = res.metrics["test_acc"].shape[1]
    mem = [first_epoch(res.metrics["train_acc"][:, s], e, thr_train) for s in range(S)]
    grk = [first_epoch(res.metrics["test_acc"][:, s], e, thr_test) for s in range(S)]
    tail = max(1, len(e) // 20)
    fin = [float(np.nanmean(res.metrics["test_acc"][-tail:, s])) for s in range(S)]
    return {"memorize_epoch": mem, "grok_epoch": grk, "final_test_acc": fin,
            "final_test_loss": [float(x) for x in res.metrics["test_loss"][-1]]}


def _seeds(n: int | None, default: int) -> list[int]:
    return list(range(n if n is not None else default))


# ------------------------------------------------------------------------------------------------ presets

def fig3(scale="cpu", seeds=None, device="cpu", progress=False, out=None, probes_extra=()):
    """Fig 3: grokking with η > 0, none with η = 0; ‖G_F‖; F̃ᵀF̃ / P1⊥FFᵀ near-diagonal; ΔV then ΔW."""
    conds, eta, n_seeds = fig3_setup(scale, device=device,
                                     probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos", *probes_extra])
    S = _seeds(seeds, n_seeds)
    base = conds["eta>0"]
    runs = train_conditions(conds, S, progress=progress, out=out)
    nums = {"scale": scale, "config": {k: v for k, v in base.to_dict().items() if k not in ("seeds",)},
            "eta": eta, "seeds": S, "conditions": {}}
    for c, r in runs.items():
        e = r.epochs
        gf = r.metrics["gf_norm"]
        ok = np.isfinite(gf[:, 0])
        tail = ok & (e >= e[-1] * 0.8)
        d = grok_stats(r)
        d.update({
            "gf_init": gf[0].tolist(),
            "gf_peak": np.nanmax(gf, 0).tolist(),
            "gf_peak_epoch": [float(e[ok][np.nanargmax(gf[ok, j])]) for j in range(len(S))],
            "gf_late": np.nanmedian(gf[tail], 0).tolist(),
            "ftf_offdiag_max": np.nanmax(r.metrics["ftf_offdiag"], 0).tolist(),
            "rho_tian_max": np.nanmax(r.metrics["rho_tian"], 0).tolist(),
            "ffT_dist_max": np.nanmax(r.metrics["ffT_dist"], 0).tolist(),
            "dV_peak_epoch": [float(e[1:][np.nanargmax(r.metrics["dV_cos"][1:, j])]) for j in range(len(S))],
            "dW_peak_epoch": [float(e[1:][np.nanargmax(r.metrics["dW_cos"][1:, j])]) for j in range(len(S))],
            "dV_peak": np.nanmax(r.metrics["dV_cos"][1:], 0).tolist(),
            "dW_peak": np.nanmax(r.metrics["dW_cos"][1:], 0).tolist(),
        })
        nums["conditions"][c] = d
    fig, ax = _fig(2, 4)
    for i, (c, r) in enumerate(runs.items()):
        col = "C0" if c == "eta>0" else "C3"
        for j, (k, lg) in enumerate((("train_acc", False), ("test_acc", False), ("gf_norm", True),
                                     ("ftf_offdiag", False), ("rho_tian", False), ("ffT_dist", False),
                                     ("dV_cos", True), ("dW_cos", True))):
            _plot_curves(ax[j // 4, j % 4], r, k, f"η = {eta:g} (weight decay)" if c == "eta>0" else "η = 0",
                         col, lg)
    _legends(ax)
    fig.suptitle(f"Fig 3: grokking with weight decay η = {eta:g} vs none (η = 0) — Z{base.group}, "
                 f"K = {base.hidden} hidden nodes, {scale} scale, {len(S)} seeds per condition; band: 25–75 % of seeds")
    fig.tight_layout()
    return {"numbers": nums, "figure": fig, "runs": runs}


def _cmp_preset(name, title, metric_keys=("train_acc", "test_acc", "test_loss")):
    """A preset comparing the conditions of figure ``name`` (:func:`li2verify.train.presets.figure_conditions`)
    recorded as :data:`li2verify.train.presets.REPRODUCE` says."""
    def run(scale="cpu", seeds=None, device="cpu", progress=False, out=None):
        rec = dict(REPRODUCE[name][scale])
        S = _seeds(seeds, rec.pop("seeds"))
        rec.setdefault("probes", [])
        conds = figure_conditions(name, scale, device=device, **rec)
        runs = train_conditions(conds, S, progress=progress, out=out)
        nums = {"scale": scale, "seeds": S, "sizes": {**FIGURE_SETTINGS[name][scale], **rec}, "conditions": {}}
        for c, r in runs.items():
            d = grok_stats(r)
            if "fourier_conc" in r.metrics:
                d["fourier_conc_final"] = r.metrics["fourier_conc"][-1].tolist()
                d["fourier_conc_init"] = r.metrics["fourier_conc"][0].tolist()
            nums["conditions"][c] = d
        keys = list(metric_keys) + (["fourier_conc"] if any("fourier_conc" in r.metrics for r in runs.values())
                                    else [])
        fig, ax = _fig(1, len(keys))
        for i, (c, r) in enumerate(runs.items()):
            for j, k in enumerate(keys):
                if k in r.metrics:
                    _plot_curves(ax[0, j], r, k, pretty_condition(c), f"C{i}", k == "test_loss")
        _legends(ax)
        fig.suptitle(f"{title} ({scale} scale, {len(S)} seeds per condition; band: 25–75 % of seeds)")
        fig.tight_layout()
        return {"numbers": nums, "figure": fig, "runs": runs}

    run.__name__ = name
    return run


fig9 = _cmp_preset("fig9", "Fig 9: Adam vs Muon at small K")
fig10 = _cmp_preset("fig10", "Fig 10: 2/3/4-layer ReLU nets; Fourier concentration of the lowest layer")
fig11 = _cmp_preset("fig11", "Fig 11: real weights (baseline)")
fig12 = _cmp_preset("fig12", "Fig 12: complex vs real weights")
fig13 = _cmp_preset("fig13", "Fig 13: ridge top layer vs trained V")
fig15 = _cmp_preset("fig15", "Fig 15: zero-init vs regular init")
fig16 = _cmp_preset("fig16", "Fig 16: zero-init vs regular init")
fig17 = _cmp_preset("fig17", "Fig 17: zero-init vs regular init")


def repulsion(scale="cpu", seeds=None, device="cpu", progress=False, out=None):
    """Paper 003: Thm 6 sign-match over training (approximate vs exact projector), the rolling σ2/σ3
    eigengap of ΔW and its slope detector, for σ = x² (η > 0 and η = 0) and σ = ReLU."""
    from li2verify.train.probes import eigengap_fire

    rec = dict(REPRODUCE["repulsion"][scale])
    S = _seeds(seeds, rec.pop("seeds"))
    eta = FIGURE_SETTINGS["repulsion"][scale]["wd"]
    conds = figure_conditions("repulsion", scale, device=device, probes=["signmatch", "eigengap", "rho_tian"],
                              eigengap_window=20, **rec)
    runs = train_conditions(conds, S, progress=progress, out=out)
    lag, t_min = 25, 100  # paper 003 Eqn 6, its printed constants
    nums = {"scale": scale, "seeds": S, "eta": eta, "detector": {"window": 20, "lag": lag, "threshold": 0.04,
                                                                 "t_min": t_min}, "conditions": {}}
    for c, r in runs.items():
        d = grok_stats(r)
        d["fire_epoch"] = [eigengap_fire(r.metrics["gap23"][:, j], r.epochs, lag, 0.04, t_min)
                           for j in range(len(S))]
        sm, se = r.metrics["signmatch"], r.metrics["signmatch_exact"]
        ok = np.isfinite(sm[:, 0])
        d["signmatch_epochs"] = r.epochs[ok].tolist()
        d["signmatch_approx"] = sm[ok].tolist()
        d["signmatch_exact"] = se[ok].tolist()
        late = r.epochs >= r.epochs[-1] * 0.5
        d["gap23_late_median"] = np.nanmedian(r.metrics["gap23"][late], 0).tolist()
        d["rho_tian_max"] = np.nanmax(r.metrics["rho_tian"], 0).tolist()
        nums["conditions"][c] = d
    fig, ax = _fig(1, 4)
    for i, (c, r) in enumerate(runs.items()):
        for j, (k, lg) in enumerate((("test_acc", False), ("signmatch", False), ("signmatch_exact", False),
                                     ("gap23", True))):
            _plot_curves(ax[0, j], r, k, pretty_condition(c).replace("η > 0", f"η = {eta:g}"), f"C{i}", lg)
    _legends(ax)
    fig.suptitle(f"Thm 6 sign rule and the ΔW eigengap over training ({scale} scale, {len(S)} seeds per "
                 "condition; band: 25–75 % of seeds)")
    fig.tight_layout()
    return {"numbers": nums, "figure": fig, "runs": runs}


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str
    cost: str
    fn: Callable


PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("fig3", "grokking with η>0 vs none with η=0; ‖G_F‖, F̃ᵀF̃ off-diagonal ratio, ρ_tian, ΔV/ΔW "
                   "(cpu: Z23, K=256, p=0.4, lr 5e-3, η=2e-3, 400 ep, 5+5 seeds; paper: Z71, K=2048, n=2016, "
                   "η=2e-4, 15+15 seeds)", "cpu ≈ 0.5 min; paper ≈ 1.6 TFLOP (GPU minutes, CPU ≈ 1 h)", fig3),
    Preset("fig9", "Adam vs Muon (Newton–Schulz and exact polar) at small K (cpu: Z23, K=16; paper: Z71, K=64, "
                   "the training script's Muon)", "cpu ≈ 0.5 min; paper ≈ 2-3 core-min (5 seeds, probes)", fig9),
    Preset("fig10", "2/3/4-layer ReLU nets: grokking time and Fourier concentration of the lowest layer "
                    "(cpu: Z23, K=256, lr 5e-3, η=2e-3, 1600 ep; paper: Z71, K=2048)", "cpu ≈ 1-2 min; paper: GPU ~10 min",
           fig10),
    Preset("fig11", "real-weight baseline of Figs 12-13 (cpu: Z23, K=256, 80% train, lr 5e-3, η=5e-5)",
           "cpu < 0.5 min; paper (M=89): GPU minutes", fig11),
    Preset("fig12", "complex vs real weights (same setting as fig11)", "cpu ≈ 1 min; paper: GPU minutes", fig12),
    Preset("fig13", "ridge-regression top layer (λ = nη/2) every step vs trained V (same setting as fig11)",
           "cpu ≈ 1 min; paper: GPU minutes", fig13),
    Preset("fig15", "zero-init (V(0)=0) vs regular init (cpu: Z23, K=256, p=0.4, η=1e-3; paper: M=41, K=1024)",
           "cpu ≈ 0.5 min; paper: GPU minutes", fig15),
    Preset("fig16", "zero-init vs regular init (cpu: Z29; paper: M=89, K=1024)", "cpu ≈ 0.5 min", fig16),
    Preset("fig17", "zero-init vs regular init (cpu: Z31; paper: M=127, K=1024, η=5e-5, lr 5e-3)",
           "cpu ≈ 1 min", fig17),
    Preset("repulsion", "paper 003: Thm 6 sign-match (approx. vs exact projector), ΔW σ2/σ3 eigengap detector, "
                        "x² vs ReLU, η>0 vs η=0 (Fig 3's setting)", "cpu ≈ 2 min; paper: GPU ~10 min", repulsion),
]}


def _jsonable(o):
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, (np.floating, float)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, np.ndarray):
        return _jsonable(o.tolist())
    return o


def run_preset(name: str, scale: str = "cpu", out: str | Path = "figures", seeds: int | None = None,
               device: str = "cpu", progress: bool = False) -> dict:
    """Run a preset and write ``out/name.png``, ``out/name.svg``, ``out/name.json`` and the plotted curves as
    ``out/name.curves.csv`` (atomically)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    res = PRESETS[name].fn(scale=scale, seeds=seeds, device=device, progress=progress, out=out / f"{name}_runs")
    files = []
    for ext in ("png", "svg"):
        p = out / f"{name}.{ext}"
        with atomic_path(p) as tmp:
            res["figure"].savefig(tmp, dpi=120)
        files.append(p)
    p = out / f"{name}.json"
    atomic_write_text(p, json.dumps(_jsonable(res["numbers"]), indent=2, ensure_ascii=False))
    files.append(p)
    csv_path = write_curves_csv(res["figure"], out / f"{name}.curves.csv")
    if csv_path is not None:
        files.append(csv_path)
    lines = []
    for c, d in res["numbers"].get("conditions", {}).items():
        g = [x for x in d["grok_epoch"] if np.isfinite(x)]
        lines.append(f"{c}: grokked (test acc ≥ 0.9) in {len(g)}/{len(d['grok_epoch'])} seeds"
                     + (f", median epoch {np.median(g):.0f}" if g else "")
                     + f"; final test acc {np.mean(d['final_test_acc']):.3f}")
    res["files"] = files
    res["summary_lines"] = lines
    return res
