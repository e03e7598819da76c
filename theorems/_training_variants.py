"""Shared by the training-variant modules of App. H/I (``fig9_muon_small_k``, ``fig10_deeper_relu``,
``fig12_complex_weights``, ``fig13_ridge_top``, ``fig13_14_ridge_speed``, ``fig15_17_zero_init``): seeds, the
grokking epoch, the ‘groks’ and ‘groks earlier’ decision rules, the paired comparison, the accuracy plot, and the
M = 23 runs of Figs 12-13 (real/complex weights, ridge top layer), cached per process so that the modules reading
them share one training run.

All runs are CPU-scale instances chosen by pilot runs on seeds 0–2; the recorded checks use seeds 10, 11, …
(never the pilot seeds), with the decision rule stated in each claim's assumptions before the run.
Grokking time t_grok = first epoch with test accuracy ≥ 0.9; a seed that never reaches it within the horizon
counts as t_grok = horizon + 1 in paired comparisons, and a pair in which NEITHER run reaches it is undecided
(two censored runs cannot be ordered).  Every decision is the dead-band seed rule (``evidence.seed_vote``):
5 seeds in ``fast`` (10-14), so that one undecided seed cannot change a unanimous outcome.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.train import TrainConfig
from li2verify.train.batched import train_conditions
from li2verify.train.empirical import censored_difference, t_grok
from li2verify.train.figures import training_curves
from li2verify.verify.claims import SeedRule

SEED0 = 10


def seeds_for(profile) -> list[int]:
    return list(range(SEED0, SEED0 + profile.pick(fast=5, thorough=10, paper=15)))


def t_grok_90(r, thr=0.9):
    """Per-seed first epoch with test acc ≥ thr (horizon + 1 if never)."""
    return t_grok(r.metrics, r.epochs, thr)


def max_acc(r):
    return np.nanmax(r.metrics["test_acc"], 0)


# Decision rules written 2026-12-01 before the runs (quoted in the claims' assumptions).
#: ‘groks’: the test accuracy reaches 0.9 within the horizon; margin 0.03 (≈ 3 % of the test pairs: a run that
#: touches 0.9 by a hair, or misses it by one, is undecided).
R_GROKS = SeedRule("max test acc within the horizon", 0.9, 0.03, ">=")


#: ‘A groks earlier than B on the same seed’: t_grok(B) − t_grok(A) > 0 epochs, margin 2 evaluation intervals
#: (t_grok is read on an eval grid; a one-interval shift of each run is undecided); NaN when both are censored.
def r_earlier(metric: str, eval_every: int) -> SeedRule:
    return SeedRule(metric, 0.0, 2.0 * eval_every, ">=")


def paired(evidence, a_run, b_run, name_a, name_b, seeds, family, what, horizon, eval_every):
    a, b = t_grok_90(a_run), t_grok_90(b_run)
    evidence.detail(f"t_grok {name_a} per seed (horizon + 1 = never)", a.tolist())
    evidence.detail(f"t_grok {name_b} per seed (horizon + 1 = never)", b.tolist())
    ok1 = evidence.seed_vote(R_GROKS, max_acc(a_run), seeds=seeds, family=family,
                             what=f"{name_a} groks (test acc reaches 0.9) within {horizon} epochs")
    d = censored_difference(b, a, horizon)
    ok2 = evidence.seed_vote(r_earlier(f"t_grok({name_b}) − t_grok({name_a}), epochs", eval_every), d,
                             seeds=seeds, family=family, what=what, t_a=a.tolist(), t_b=b.tolist())
    return ok1 and ok2


@lru_cache(maxsize=None)
def fig12_runs(seeds: tuple, ridge_reg: float = 0.1, epochs: int = 300):
    b = TrainConfig(group="23", hidden=256, train_frac=0.8, lr=5e-3, wd=5e-5, epochs=epochs, probes=[], threads=1,
                    eval_every=5, ridge_reg=ridge_reg)
    return train_conditions({"real": b, "complex": b.replace(complex_weights=True)}, list(seeds))


@lru_cache(maxsize=None)
def ridge_runs(seeds: tuple, ridge_reg: float = 5e-5, epochs: int = 500):
    """Fig 13's V = V_ridge variant (λ = η = 5e-5, Prop 1) at Fig 14's horizon for M = 23 (500 epochs)."""
    b = TrainConfig(group="23", hidden=256, train_frac=0.8, lr=5e-3, wd=5e-5, epochs=epochs, probes=[], threads=1,
                    eval_every=5, ridge_reg=ridge_reg, ridge_top=True)
    return train_conditions({"ridge": b}, list(seeds))["ridge"]


def plot_acc(runs, title):
    """Train and test accuracy per condition (median and IQR over seeds), labelled for a talk."""
    return training_curves(runs, ("train_acc", "test_acc"), title)
