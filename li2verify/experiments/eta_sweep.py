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


def eta_epochs(profile) -> int:
    return profile.pick(fast=800, thorough=2500, paper=2500)


@lru_cache(maxsize=None)
def eta_runs(seeds: tuple, epochs: int = 800):
    """Fig 3's CPU setting (:mod:`li2verify.train.presets`) at each η of :data:`ETAS` over ``epochs``."""
    b = figure_setting("fig3", "cpu", epochs=epochs, probe_every=20, probes=["gf_norm"], eval_every=2)
    return train_conditions({f"eta={e:g}": b.replace(wd=e) for e in ETAS}, list(seeds))


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
            gf = r.metrics["gf_norm"][:, j]
            ok = np.isfinite(gf)
            ep, gv = r.epochs[ok], gf[ok]
            g75 = gv[np.flatnonzero(ep <= 0.75 * ep[-1])[-1]]
            g.append((e, float(gv[-1]), float(abs(gv[-1] - g75) / gv[-1])))
    return S, np.array(x), np.array(t), never, g
