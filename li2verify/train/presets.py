"""The figure settings: what ``li2verify reproduce figN`` (:mod:`li2verify.train.reproduce`) trains and what the
empirical claims in ``theorems/`` train for the same figure, each defined once here.

A figure's *setting* (:data:`FIGURE_SETTINGS`) holds the fields of :class:`TrainConfig` that decide the trajectory
(group, K, split, σ, depth, optimizer, lr, η, horizon, protocol) at each scale; its *conditions*
(:data:`FIGURE_CONDITIONS`) are the named changes that make the figure's curves (η > 0 vs η = 0, Adam vs Muon, …).
What is *recorded* — probes and their cadence, the evaluation cadence, the seeds — is each user's choice: the
reproduce defaults are :data:`REPRODUCE`, a claim states its own.  A claim that trains a figure's setting with
another value of a trajectory field says so in :data:`CLAIM_DIFFERENCES`, with the reason
(tests/test_profiles_once.py fails on any other difference).

Scales: ``"cpu"``, a small instance where the phenomenon appears within minutes on 2 cores; ``"paper"``, the
published sizes (meant for a GPU).  Every figure trains as the paper's code trains (``protocol="code"``,
:mod:`li2verify.train.protocols`): the figures were drawn with it.

- Fig 3 (Sec 1, Sec 3.1): grokking with weight decay η > 0, none with η = 0.  ``"cpu"``: Z_23, K = 256, p = 0.4
  (n = 212), σ = x², Adam lr 5e-3, η = 2e-3 vs 0, 400 epochs, one thread; ``"paper"``: Z_71, K = 2048, n = 2016
  (40 %), Adam lr 1e-3, η = 2e-4, 400 epochs.
- ``repulsion`` (paper 003): Fig 3's setting, σ = x² with η > 0 and η = 0, and σ = ReLU over twice the horizon.
- Fig 9 (Sec 5.3): Adam vs Muon at small K (K < M).  ``"paper"``: Z_71, K = 64 (the run record also trains 32),
  p = 0.4, lr 1e-3, η = 2e-4, 3000 epochs, the training script's Muon (``muon_style="script"``, one lr for Muon on W
  and Adam on V); the source of each value: li2verify/experiments/run_record_specs/fig9_muon.py.
- Fig 10 (Sec 6): 2/3/4-layer ReLU nets.
- Figs 11–13 (App. I): Fig 11's real-weight baseline (K = 256, 80 % train, lr 5e-3, η = 5e-5), complex weights
  (Fig 12), the ridge top layer with λ = nη/2 (Fig 13, :func:`matched_ridge`).
- Figs 15–17 (Sec 3.2): zero-init vs regular init of the top layer.
"""

from __future__ import annotations

from typing import Sequence

from li2verify.train.config import TrainConfig
from li2verify.train.data import train_size
from li2verify.utils.profiles import SeedSet


def matched_ridge(n: int, eta: float) -> float:
    """The ridge λ that matches weight decay η on the top layer under a loss with the 1/n scale.

    Adam's L2 ``weight_decay`` η adds ηV to the gradient of J = (1/n)‖FV − Y‖², i.e. it minimises
    J + (η/2)‖V‖²; stationarity: (2/n)Fᵀ(FV − Y) + ηV = 0 ⇔ V = (FᵀF + (nη/2)I)⁻¹FᵀY.  So λ = nη/2, the
    ridge of Prop 1 (written for Eqn 1's ½‖·‖² without 1/n, where λ = η) in the code's loss scale."""
    return n * eta / 2.0


_FIG3 = {"cpu": dict(group="23", hidden=256, train_frac=0.4, lr=5e-3, wd=2e-3, epochs=400, threads=1,
                     protocol="code"),
         "paper": dict(group="71", hidden=2048, n=2016, train_frac=None, lr=1e-3, wd=2e-4, epochs=400,
                       protocol="code")}
_FIG11 = {"cpu": dict(group="23", hidden=256, train_frac=0.8, lr=5e-3, wd=5e-5, epochs=300, threads=1,
                      protocol="code"),
          "paper": dict(group="89", hidden=256, train_frac=0.8, lr=5e-3, wd=5e-5, epochs=2000, protocol="code")}


def _zero_init(M_cpu: int, M_paper: int) -> dict:
    return {"cpu": dict(group=str(M_cpu), hidden=256, train_frac=0.4, lr=5e-3, wd=1e-3, epochs=500, threads=1,
                        protocol="code"),
            "paper": dict(group=str(M_paper), hidden=1024, train_frac=0.3, lr=5e-3, wd=5e-5, epochs=2000,
                          protocol="code")}


#: Figure → scale → the trajectory fields of the figure's base run (:class:`TrainConfig` keyword arguments).
#: Figs 11, 12 and 13 share one setting; ``repulsion`` is Fig 3's.
FIGURE_SETTINGS: dict[str, dict[str, dict]] = {
    "fig3": _FIG3,
    "repulsion": _FIG3,
    "fig9": {"cpu": dict(group="23", hidden=16, train_frac=0.5, lr=2e-3, wd=2e-4, epochs=400, threads=1,
                         protocol="code"),
             "paper": dict(group="71", hidden=64, train_frac=0.4, lr=1e-3, wd=2e-4, epochs=3000, protocol="code",
                           muon_style="script")},
    # cpu horizon 1600: at 800 epochs no 3-layer net of the claim's pilot had grokked (fig10_deeper_relu's notes)
    "fig10": {"cpu": dict(group="23", hidden=256, train_frac=0.5, lr=5e-3, wd=2e-3, epochs=1600, activation="relu",
                          threads=1, protocol="code"),
              "paper": dict(group="71", hidden=2048, train_frac=0.4, lr=1e-3, wd=2e-4, epochs=3000,
                            activation="relu", protocol="code")},
    "fig11": _FIG11,
    "fig12": _FIG11,
    "fig13": _FIG11,
    "fig15": _zero_init(23, 41),
    "fig16": _zero_init(29, 89),
    "fig17": _zero_init(31, 127),
}


def _ridge_v(setting: dict) -> dict:
    """Fig 13's condition: the ridge top layer V = (F̃ᵀF̃ + λI)⁻¹F̃ᵀỸ every step with λ = nη/2 (n under the code's split)."""
    n = train_size(int(setting["group"]), train_frac=setting["train_frac"], protocol=setting["protocol"])
    return dict(ridge_top=True, ridge_reg=matched_ridge(n, setting["wd"]))


def _muon(setting: dict, orth: str) -> dict:
    """Fig 9's Muon condition: at the paper's scale the training script's Muon (``muon_style="script"``: Muon on W
    with the script's one learning rate, Adam on V); at the cpu scale Muon at lr 2e-2 on W (fixed by the claim's
    pilot runs, fig9.muon.beats_adam_small_k's assumptions)."""
    if setting.get("muon_style") == "script":
        return dict(optimizer="muon", muon_orth=orth)
    return dict(optimizer="muon", muon_orth=orth, muon_lr=2e-2)


_ZERO_INIT = {"top_init=1": dict(top_init=1.0), "top_init=0 (zero-init)": dict(top_init=0.0)}

#: Figure → condition → the fields it changes in the setting (a callable of the setting where the change depends on
#: the scale).  The order is the figure's legend order.
FIGURE_CONDITIONS: dict[str, dict[str, dict | object]] = {
    "fig3": {"eta>0": {}, "eta=0": dict(wd=0.0)},
    "repulsion": {"x2 eta>0": {}, "x2 eta=0": dict(wd=0.0),
                  "relu eta>0": lambda s: dict(activation="relu", epochs=2 * s["epochs"])},
    "fig9": {"adam": dict(optimizer="adam"),
             "muon(NS)": lambda s: _muon(s, "newton_schulz"),
             "muon(polar)": lambda s: _muon(s, "polar")},
    "fig10": {f"{L + 1}-layer": dict(layers=L) for L in (1, 2, 3)},
    "fig11": {"real": {}},
    "fig12": {"real": {}, "complex": dict(complex_weights=True)},
    "fig13": {"real (trained V)": {}, "ridge V": _ridge_v},
    "fig15": _ZERO_INIT,
    "fig16": _ZERO_INIT,
    "fig17": _ZERO_INIT,
}

#: Fig 3's seeds by profile (0, 1, …): ``reproduce fig3`` draws the fast count at cpu scale and the paper count at
#: paper scale; the fig3.* claims train the count of their profile.
FIG3_SEEDS = SeedSet(first=0, fast=5, thorough=10, paper=15)

#: ``li2verify reproduce``'s recording by figure and scale: default number of seeds, probes and their cadence, the
#: evaluation cadence (what is recorded, never what is trained).
REPRODUCE: dict[str, dict[str, dict]] = {
    "fig3": {"cpu": dict(seeds=FIG3_SEEDS.fast, probe_every=10), "paper": dict(seeds=FIG3_SEEDS.paper, probe_every=5)},
    "repulsion": {"cpu": dict(seeds=3, probe_every=50, eval_every=5), "paper": dict(seeds=5, probe_every=25)},
    "fig9": {"cpu": dict(seeds=3, probe_every=50, eval_every=10), "paper": dict(seeds=5, probe_every=50)},
    "fig10": {"cpu": dict(seeds=2, probe_every=100, eval_every=10, probes=["fourier"]),
              "paper": dict(seeds=5, probe_every=50, probes=["fourier"])},
    **{f: {"cpu": dict(seeds=3, probe_every=50, eval_every=5), "paper": dict(seeds=5, probe_every=50)}
       for f in ("fig11", "fig12", "fig13", "fig15", "fig16", "fig17")},
}

#: Where a claim trains a figure's setting with another value of a trajectory field, and why:
#: (figure, scale, the claim's run) → ({field: the claim's value}, reason).  A value ``"*"`` means "varies" (a sweep).
CLAIM_DIFFERENCES: dict[tuple[str, str, str], tuple[dict, str]] = {
    ("fig3", "cpu", "eta_sweep.eta_runs"): (
        {"wd": "*", "epochs": "*"},
        "fig3.gf_norm.settles_prop_eta and study003.grok_time.inverse_eta sweep η ∈ {5e-4, 1e-3, 2e-3, 4e-3}: the "
        "first reads the late ‖G_F‖ at 2500 epochs (the record fig3-eta-sweep; live in paper), the second the "
        "grokking epoch within 800 (fast) or 2500: at 400 the smallest η's runs have not settled (at 800 the η = 5e-4 "
        "runs were still falling, fig3.gf_norm.settles_prop_eta's notes)"),
    ("fig3", "paper", "gram_diagonality.paper_gram"): (
        {"epochs": "*"},
        "fig3.gram.near_diagonal_8pct reads the Grams of the caption's 15 seeds over 800 epochs (the record fig3-gram in "
        "fast/thorough, live in paper; its claim states the horizon)"),
    ("fig9", "paper", "fig9_muon.paper_runs"): (
        {"hidden": "*"},
        "the run record fig9-muon-paper (fig9.muon.beats_adam_small_k) trains K = 32 and K = 64: the paper gives no K, "
        "only ‘K relatively small compared to M’ (its claim states both)"),
    ("fig11", "cpu", "protocol_loss_centring._text_runs"): (
        {"protocol": "*", "epochs": 600},
        "protocol.loss_centring trains Fig 11's setting under Eqn 1 as printed (text) and the loss-only ablation: "
        "the protocol is what it measures; 600 epochs because the text protocol's pilot did not grok within 200 "
        "(its claim's assumptions)"),
    ("fig3", "cpu", "protocol_loss_centring._fig3_both"): (
        {"protocol": "*"},
        "protocol.loss_centring records Fig 3's diagnostics under the text and the code protocol: the protocol is "
        "what it measures"),
    ("fig13", "paper", "fig13_14_ridge_speed._paper_runs"): (
        {"group": "*", "epochs": 500, "ridge_reg": "*"},
        "fig13_14.ridge_top.speed_by_m compares grokking epochs at M = 23, 41, 89, 127 (λ = nη/2 at each M's n) within "
        "Fig 14's 500-epoch horizon; reproduce draws Figs 11-13 at M = 89 over 2000 epochs"),
    ("fig13", "cpu", "training_variants.ridge_runs"): (
        {"epochs": 500},
        "fig13.ridge_top.still_groks and fig13_14.ridge_top.speed_by_m read the ridge run to Fig 14's caption's "
        "500 epochs (‘M = 23 for 500 epochs’; under a 300-epoch horizon a seed had not grokked, the claim's notes); "
        "reproduce fig13 draws both conditions over Fig 11's 300 epochs"),
}


def _check_figure(figure: str, scale: str) -> None:
    if figure not in FIGURE_SETTINGS:
        raise ValueError(f"unknown figure {figure!r}; choose one of {', '.join(FIGURE_SETTINGS)}")
    if scale not in FIGURE_SETTINGS[figure]:
        raise ValueError(f"unknown {figure} scale {scale!r}; choose one of {', '.join(FIGURE_SETTINGS[figure])}")


def figure_setting(figure: str, scale: str = "cpu", **changes) -> TrainConfig:
    """The base run of ``figure`` at ``scale`` (:data:`FIGURE_SETTINGS`) with ``changes`` (recording fields, seeds,
    device; a trajectory field only as stated in :data:`CLAIM_DIFFERENCES`)."""
    _check_figure(figure, scale)
    return TrainConfig(**{**FIGURE_SETTINGS[figure][scale], **changes})


def figure_conditions(figure: str, scale: str = "cpu", **changes) -> dict[str, TrainConfig]:
    """``{condition: TrainConfig}`` of ``figure`` at ``scale``, in legend order: the setting with each condition's
    change (:data:`FIGURE_CONDITIONS`), then ``changes`` (as in :func:`figure_setting`)."""
    _check_figure(figure, scale)
    s = FIGURE_SETTINGS[figure][scale]
    out = {}
    for name, c in FIGURE_CONDITIONS[figure].items():
        c = c(s) if callable(c) else c
        out[name] = TrainConfig(**{**s, **c, **changes})
    return out


def fig3_setup(scale: str = "cpu", *, probes: Sequence[str] = ("gf_norm", "delta_cos"),
               probe_every: int | None = None, device: str = "cpu") -> tuple[dict[str, TrainConfig], float, int]:
    """Fig 3's two conditions at ``scale``: ``({"eta>0": cfg, "eta=0": cfg}, η, default seed count)``; the two
    configs differ only in ``wd``.  ``probes`` / ``probe_every`` (default: :data:`REPRODUCE`'s cadence) choose what
    is recorded; they do not change the trajectory."""
    _check_figure("fig3", scale)
    rec = REPRODUCE["fig3"][scale]
    conds = figure_conditions("fig3", scale, device=device, probes=list(probes),
                              probe_every=rec["probe_every"] if probe_every is None else probe_every)
    return conds, FIGURE_SETTINGS["fig3"][scale]["wd"], rec["seeds"]
