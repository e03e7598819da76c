"""The shared Fig 3 setup (li2verify.train.presets): the configuration ``li2verify reproduce fig3`` trains is the one
the fig3.* empirical claims train, up to the recorded probes and their cadence."""

import dataclasses

import pytest

from li2verify.train import TrainConfig
from li2verify.train.presets import FIG3_SIZES, fig3_setup

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


@pytest.mark.parametrize("scale", sorted(FIG3_SIZES))
def test_probes_do_not_enter_the_trajectory_fields(scale):
    a, _, _ = fig3_setup(scale)
    b, _, _ = fig3_setup(scale, probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos"], probe_every=3)
    assert _trajectory(a["eta>0"]) == _trajectory(b["eta>0"]) and a["eta=0"].wd == 0.0
