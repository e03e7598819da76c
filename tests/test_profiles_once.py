"""Every figure setting is defined once, in :mod:`li2verify.train.presets`: the runs the empirical claims train for a
figure are the ones ``li2verify reproduce`` trains, up to what is recorded (probes, cadences, seeds, device, threads)
and the differences ``presets.CLAIM_DIFFERENCES`` states with their reasons.

The claims' runs are read by calling each cached run function with the training replaced by a recorder (nothing
is trained).  Looping over the registry: every (figure, scale) of ``FIGURE_SETTINGS`` is trained by a claim run
listed in :data:`CLAIM_RUNS` or named in :data:`REPRODUCE_ONLY`.  A second check: no claim module, experiment
module or reproduce spells a figure's setting out again as literal keyword arguments.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
from pathlib import Path

import pytest

import li2verify.train.run as run_module
from li2verify.train.presets import CLAIM_DIFFERENCES, FIGURE_SETTINGS, figure_conditions

ROOT = Path(__file__).resolve().parents[1]

#: fields that say what is recorded or where it runs, not what is trained
RECORDING = {"probes", "probe_every", "eval_every", "eigengap_window", "probe_mode", "probe_samples",
             "checkpoint_every", "seeds", "wd_per_seed", "device", "threads"}

S = (10, 11)
#: (figure, scale, run id of CLAIM_DIFFERENCES, module, cached run function, its arguments,
#: {the run's condition: the figure's condition}); a run of one config (``train``) is the condition ``"<train>"``.
CLAIM_RUNS = [
    ("fig3", "cpu", "fig3_grokking._cpu_runs", "theorems.fig3_grokking", "_cpu_runs", (5,), {}),
    ("fig3", "cpu", "eta_sweep.eta_runs", "li2verify.experiments.eta_sweep", "eta_runs", (S, 800),
     {f"eta={e:g}": "eta>0" for e in (5e-4, 1e-3, 2e-3, 4e-3)}),
    ("fig3", "cpu", "protocol_loss_centring._fig3_both", "theorems.protocol_loss_centring", "_fig3_both", (),
     {"text": "eta>0", "code": "eta>0"}),
    ("fig3", "cpu", "liu2022_side_by_side._li2_run", "theorems.conjectures.liu2022.liu2022_side_by_side", "_li2_run",
     (5,), {"<train>": "eta>0"}),
    ("fig3", "paper", "fig3_grokking._paper_fig3", "theorems.fig3_grokking", "_paper_fig3", ("cpu",), {}),
    ("fig3", "paper", "gram_diagonality.paper_gram", "li2verify.experiments.gram_diagonality", "paper_gram",
     ((0, 1), 800, "cpu"), {"<train>": "eta>0"}),
    ("repulsion", "paper", "study003_grokking_dynamics._paper_runs", "theorems.study003_grokking_dynamics",
     "_paper_runs", (S,), {}),
    *[("fig9", "paper", "fig9_muon.paper_runs", "li2verify.experiments.run_record_specs.fig9_muon", "paper_runs",
       (S, K), {}) for K in (32, 64)],
    ("fig10", "cpu", "fig10_deeper_relu._deep_runs", "theorems.fig10_deeper_relu", "_deep_runs", (S,), {}),
    ("fig11", "cpu", "protocol_loss_centring._text_runs", "theorems.protocol_loss_centring", "_text_runs", (S,),
     {"text": "real", "code_loss_only": "real"}),
    ("fig12", "cpu", "training_variants.fig12_runs", "li2verify.experiments.training_variants", "fig12_runs", (S,),
     {}),
    ("fig13", "cpu", "training_variants.ridge_runs", "li2verify.experiments.training_variants", "ridge_runs", (S,),
     {"ridge": "ridge V"}),
    *[("fig13", "paper", "fig13_14_ridge_speed._paper_runs", "theorems.fig13_14_ridge_speed", "_paper_runs",
       (M, S, "cpu"), {"baseline": "real (trained V)", "ridge": "ridge V"}) for M in (23, 89)],
    ("fig15", "cpu", "fig15_17_zero_init._zero_runs", "theorems.fig15_17_zero_init", "_zero_runs", ("23", S),
     {"regular": "top_init=1", "zero-init": "top_init=0 (zero-init)"}),
    ("fig16", "cpu", "fig15_17_zero_init._zero_runs", "theorems.fig15_17_zero_init", "_zero_runs", ("29", S),
     {"regular": "top_init=1", "zero-init": "top_init=0 (zero-init)"}),
]

#: (figure, scale) that only ``li2verify reproduce`` trains, and why no claim does
REPRODUCE_ONLY = {
    ("repulsion", "cpu"): "study003's sign-match and eigengap claims decide at paper 003's setting (the run record "
                          "study003-paper in fast/thorough, live in paper); reproduce repulsion draws the CPU scale",
    ("fig9", "cpu"): "fig9.muon.beats_adam_small_k is decided at the paper's setting (its run record) in every profile",
    ("fig10", "paper"): "fig10.deeper.later_grokking_fourier_lowest_layer runs the CPU scale in every profile",
    ("fig11", "paper"): "the fig13 paper setting (the same dict) is checked through fig13_14's paper runs",
    ("fig12", "paper"): "the fig13 paper setting (the same dict) is checked through fig13_14's paper runs",
    ("fig15", "paper"): "fig15_17.zero_init.accelerates runs the CPU scales of Figs 15-16 in every profile",
    ("fig16", "paper"): "fig15_17.zero_init.accelerates runs the CPU scales of Figs 15-16 in every profile",
    ("fig17", "cpu"): "fig15_17.zero_init.accelerates checks Z23 (fast) and Z29 (thorough), not Z31",
    ("fig17", "paper"): "fig15_17.zero_init.accelerates runs the CPU scales of Figs 15-16 in every profile",
}


class _Recorded(Exception):
    pass


def _what_it_trains(monkeypatch, module: str, fn: str, args: tuple) -> dict:
    """``{condition: TrainConfig}`` the cached run function ``module.fn(*args)`` would train (nothing is trained)."""
    m = importlib.import_module(module)
    seen = {}

    def conditions(conds, seeds, **kw):
        seen.update(conds)
        raise _Recorded

    def one(cfg, *a, **kw):
        seen["<train>"] = cfg
        raise _Recorded

    if hasattr(m, "train_conditions"):
        monkeypatch.setattr(m, "train_conditions", conditions)
    if hasattr(m, "train"):
        monkeypatch.setattr(m, "train", one)
    monkeypatch.setattr(run_module, "train", one)
    f = getattr(m, fn)
    with pytest.raises(_Recorded):
        getattr(f, "__wrapped__", f)(*args)
    return seen


def _trajectory(cfg) -> dict:
    return {k: v for k, v in dataclasses.asdict(cfg).items() if k not in RECORDING}


@pytest.mark.parametrize("figure,scale", [(f, s) for f in FIGURE_SETTINGS for s in FIGURE_SETTINGS[f]])
def test_every_figure_setting_is_checked_or_reproduce_only(figure, scale):
    claimed = {(f, s) for f, s, *_ in CLAIM_RUNS}
    assert ((figure, scale) in claimed) != ((figure, scale) in REPRODUCE_ONLY), (
        f"{figure} at {scale} scale: list the claim runs that train it in CLAIM_RUNS, or say in REPRODUCE_ONLY why "
        "none does (exactly one of the two)")


def test_every_stated_difference_belongs_to_a_checked_claim_run():
    assert set(CLAIM_DIFFERENCES) <= {(f, s, rid) for f, s, rid, *_ in CLAIM_RUNS}


@pytest.mark.parametrize("figure,scale,run_id,module,fn,args,names", CLAIM_RUNS,
                         ids=[f"{r[2]}{r[5]}" for r in CLAIM_RUNS])
def test_claim_run_trains_its_figure_setting(monkeypatch, figure, scale, run_id, module, fn, args, names):
    trained = _what_it_trains(monkeypatch, module, fn, args)
    preset = figure_conditions(figure, scale)
    allowed, _reason = CLAIM_DIFFERENCES.get((figure, scale, run_id), ({}, ""))
    assert trained
    for name, cfg in trained.items():
        want = _trajectory(preset[names.get(name, name)])
        got = _trajectory(cfg)
        diff = {k: got[k] for k in got if got[k] != want[k]}
        unstated = {k: v for k, v in diff.items() if k not in allowed or allowed[k] not in ("*", v)}
        assert not unstated, (f"{run_id}{args} condition {name!r} trains {figure}'s {scale} setting with {unstated}, "
                              f"not a stated difference ({allowed}; presets.CLAIM_DIFFERENCES)")
        stale = {k for k, v in allowed.items() if v != "*" and k not in diff}
        assert not stale, f"{run_id}: the stated difference in {stale} is not one any more"


# ------------------------------------------------------------------------------ no setting spelled out again
IDENTITY = ("group", "hidden", "lr", "wd", "train_frac", "n")


def _literal_settings(path: Path):
    """``(line, {key: constant})`` of every ``TrainConfig(...)`` / ``dict(...)`` call in ``path`` with constant keywords."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in ("TrainConfig", "dict"):
                kw = {k.arg: k.value.value for k in node.keywords
                      if k.arg in IDENTITY and isinstance(k.value, ast.Constant)}
                yield node.lineno, kw


def test_no_figure_setting_is_spelled_out_again():
    files = [*sorted((ROOT / "theorems").rglob("*.py")), *sorted((ROOT / "li2verify" / "experiments").glob("*.py")),
             ROOT / "li2verify" / "train" / "reproduce.py"]
    hits = []
    for path in files:
        for line, kw in _literal_settings(path):
            if not {"group", "hidden", "lr"} <= set(kw):
                continue
            for figure, scales in FIGURE_SETTINGS.items():
                for scale, s in scales.items():
                    if all(kw[k] == s.get(k) for k in kw):
                        hits.append(f"{path.relative_to(ROOT)}:{line} restates {figure} at {scale} scale")
    assert not hits, "use li2verify.train.presets.figure_setting / figure_conditions:\n" + "\n".join(hits)
