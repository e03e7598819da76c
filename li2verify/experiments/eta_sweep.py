"""The weight-decay sweep shared by ``study003_grokking_dynamics`` (grokking time against η) and
``fig3_grokking`` (late ‖G_F‖ against η): η ∈ {5e-4, 1e-3, 2e-3, 4e-3} on Z_23, K = 256, p = 0.4, σ = x², Adam lr
5e-3, every η batched in one tensor program and cached per process, so the two modules share one training run.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.experiments.seeds import ETA_SWEEP
from li2verify.train.batched import train_conditions
from li2verify.train.presets import figure_setting

ETAS = (5e-4, 1e-3, 2e-3, 4e-3)


def sweep_seeds(profile):
    """The sweep's seeds (:data:`~li2verify.experiments.seeds.ETA_SWEEP`: a log–log fit, not a seed vote)."""
    return ETA_SWEEP[profile]


#: the horizon at which every run of the sweep had settled in the audit run (≤ 1.4% over the last quarter; at 800 the
#: η = 5e-4 runs were still falling): thorough, paper and the record fig3-eta-sweep
SETTLED_HORIZON = 2500


def eta_epochs(profile) -> int:
    return profile.pick(fast=800, thorough=SETTLED_HORIZON, paper=SETTLED_HORIZON)


#: the record of the sweep at its settling horizon (li2verify.experiments.run_record_specs.fig3)
ETA_RECORD = "fig3-eta-sweep"
#: ‖G_F‖ probe cadence and test/train-accuracy cadence of the sweep (epochs)
GF_EVERY, ACC_EVERY = 20, 2


@lru_cache(maxsize=None)
def eta_runs(seeds: tuple, epochs: int = 800, etas: tuple = ETAS):
    """Fig 3's CPU setting (:mod:`li2verify.train.presets`) at each η of ``etas`` (default :data:`ETAS`) over
    ``epochs``, all in one batched program (a run does not depend on which others share it)."""
    b = figure_setting("fig3", "cpu", epochs=epochs, probe_every=GF_EVERY, probes=["gf_norm"], eval_every=ACC_EVERY)
    return train_conditions({f"eta={e:g}": b.replace(wd=e) for e in etas}, list(seeds))


def gf_point(eta: float, epochs: np.ndarray, gf: np.ndarray) -> tuple[float, float, float]:
    """(η, ‖G_F‖ at the horizon, its relative change over the last quarter) of one run: ``gf`` is the run's
    ‖G_F‖ by epoch (NaN where not probed); the change compares the horizon T with the last probe ≤ 0.75·T (Sec 3.1's
    ‘converge exponentially to O(η)’ read as settled when it is ≤ 5%, fig3.gf_norm.settles_prop_eta)."""
    ok = np.isfinite(gf)
    ep, gv = np.asarray(epochs)[ok], np.asarray(gf)[ok]
    g75 = gv[np.flatnonzero(ep <= 0.75 * ep[-1])[-1]]
    return float(eta), float(gv[-1]), float(abs(gv[-1] - g75) / gv[-1])


def eta_data(profile):
    S = sweep_seeds(profile)
    runs = eta_runs(tuple(S), eta_epochs(profile))
    x, t, g = [], [], []
    never = 0
    for e in ETAS:
        r = runs[f"eta={e:g}"]
        for j in range(len(S)):
            v = np.nan_to_num(r.metrics["test_acc"][:, j], nan=-1)
            idx = np.flatnonzero(v >= 0.5)
            if idx.size:
                x.append(e)
                t.append(float(r.epochs[idx[0]]))
            else:
                never += 1
            g.append(gf_point(e, r.epochs, r.metrics["gf_norm"][:, j]))
    return S, np.array(x), np.array(t), never, g
