"""The figure settings (li2verify.train.presets): Fig 3's setup is the one the fig3.* claims train, up to the recorded
probes and their cadence; conditions change only their own fields; Fig 13's ridge is λ = nη/2."""

import dataclasses

import pytest

from li2verify.train import TrainConfig
from li2verify.train.presets import (FIGURE_CONDITIONS, FIGURE_SETTINGS, REPRODUCE, fig3_setup, figure_conditions,
                                     figure_setting)

TRAJECTORY_IRRELEVANT = {"probes", "probe_every"}


def _trajectory(cfg: TrainConfig) -> dict:
    return {k: v for k, v in dataclasses.asdict(cfg).items() if k not in TRAJECTORY_IRRELEVANT}


def test_fig3_cpu_setup_is_the_claims_setup():
    conds, eta, n_seeds = fig3_setup("cpu", probe_every=1)
    claims = TrainConfig(group="23", hidden=256, train_frac=0.4, lr=5e-3, epochs=400, probe_every=1,
                         probes=["gf_norm", "delta_cos"], seeds=[0], threads=1, protocol="code")
    assert (eta, n_seeds) == (2e-3, 5)
    assert conds["eta>0"] == claims.replace(wd=2e-3) and conds["eta=0"] == claims.replace(wd=0.0)


def test_fig3_paper_setup_is_the_papers():
    conds, eta, n_seeds = fig3_setup("paper", probes=["gf_norm"])
    paper = TrainConfig(group="71", hidden=2048, n=2016, train_frac=None, lr=1e-3, epochs=400, probes=["gf_norm"],
                        probe_every=5, protocol="code")
    assert (eta, n_seeds) == (2e-4, 15)
    assert _trajectory(conds["eta>0"]) == _trajectory(paper.replace(wd=2e-4))


@pytest.mark.parametrize("scale", sorted(FIGURE_SETTINGS["fig3"]))
def test_probes_do_not_enter_the_trajectory_fields(scale):
    a, _, _ = fig3_setup(scale)
    b, _, _ = fig3_setup(scale, probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos"], probe_every=3)
    assert _trajectory(a["eta>0"]) == _trajectory(b["eta>0"]) and a["eta=0"].wd == 0.0


@pytest.mark.parametrize("figure", sorted(FIGURE_SETTINGS))
def test_every_figure_has_conditions_and_reproduce_defaults_at_every_scale(figure):
    assert FIGURE_CONDITIONS[figure]
    assert set(REPRODUCE[figure]) == set(FIGURE_SETTINGS[figure]) == {"cpu", "paper"}
    for scale in FIGURE_SETTINGS[figure]:
        base = figure_setting(figure, scale).validate()
        for name, cfg in figure_conditions(figure, scale).items():
            changed = {k for k, v in dataclasses.asdict(cfg.validate()).items() if getattr(base, k) != v}
            c = FIGURE_CONDITIONS[figure][name]
            assert changed <= set(c(FIGURE_SETTINGS[figure][scale]) if callable(c) else c), (figure, scale, name)


def test_fig13_ridge_is_the_matched_ridge_at_each_scale():
    # λ = nη/2 with the code split's n (423 of 23², 6336 of 89²): the constants reproduce used to spell out
    assert figure_conditions("fig13", "cpu")["ridge V"].ridge_reg == 423 * 5e-5 / 2
    assert figure_conditions("fig13", "paper")["ridge V"].ridge_reg == 6336 * 5e-5 / 2
    assert not figure_conditions("fig13", "cpu")["real (trained V)"].ridge_top


def test_unknown_figure_or_scale_is_named():
    with pytest.raises(ValueError, match="unknown figure 'fig99'"):
        figure_setting("fig99")
    with pytest.raises(ValueError, match="unknown fig9 scale 'gpu'"):
        figure_conditions("fig9", "gpu")
