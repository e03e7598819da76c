"""The weight-decay sweep shared by ``study003_grokking_dynamics`` (grokking time against η) and
``fig3_grokking`` (late ‖G_F‖ against η): η ∈ {5e-4, 1e-3, 2e-3, 4e-3} on Z_23, K = 256, p = 0.4, σ = x², Adam lr
5e-3, every η batched in one tensor program and cached per process, so the two modules share one training run.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.train import TrainConfig
from li2verify.train.batched import train_conditions


# η sweep (a log–log fit, not a seed vote): 3 seeds in fast.
SWEEP_SEEDS = {"fast": [10, 11, 12], "thorough": [10, 11, 12, 13, 14], "paper": list(range(10, 25))}
ETAS = (5e-4, 1e-3, 2e-3, 4e-3)


def sweep_seeds(profile):
    return SWEEP_SEEDS[profile.name]


def eta_epochs(profile) -> int:
    return profile.pick(fast=800, thorough=2500, paper=2500)


@lru_cache(maxsize=None)
def eta_runs(seeds: tuple, epochs: int = 800):
    b = TrainConfig(group="23", hidden=256, train_frac=0.4, lr=5e-3, epochs=epochs, probe_every=20,
                    probes=["gf_norm"], threads=1, eval_every=2, protocol="code")
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
