"""Random deep networks on all pairs of a group, for the Sec 6 checks (Eqn 11 and its iteration).
"""

from __future__ import annotations

import torch

from li2verify.paper.task import all_pairs
from li2verify.train import TrainConfig
from li2verify.train.data import resolve_group
from li2verify.train.models import Batch, hidden, init_params


def random_deep_net(K: int, layers: int, seed: int, group: str = "23"):
    """``(cfg, params, batch, Fs)``: the package's L-layer σ = x² network at its random init (float64, one seed) on
    every pair of ``group``, and its hidden representations F_1..F_L on that batch."""
    g = resolve_group(group)
    pairs = all_pairs(g)
    y = g.table[pairs[:, 0], pairs[:, 1]]
    b = Batch(*(torch.as_tensor(x)[None] for x in (pairs[:, 0], pairs[:, 1], y)))
    cfg = TrainConfig(group=group, hidden=K, layers=layers, activation="square", seeds=[seed], dtype="float64",
                      probes=[], threads=1)
    p = init_params(cfg, g.order)
    _, Fs = hidden(p, b, cfg, g.order, return_all=True)
    return cfg, p, b, Fs


#: The Sec 6 claims' decision rule, written before the runs: ``G ∝ ỸỸᵀF`` counts as holding when cos(G, ỸỸᵀF) ≥ 0.99.
PROPORTIONAL_COS = 0.99


def record_cosines(evidence, cos_by_seed: dict, what: str, family: str, why: str, **data) -> None:
    """Hold every seed's cosine against the printed ∝ (cosine 1) under :data:`PROPORTIONAL_COS`: the worst seed is
    always passed to ``counterexample`` (so if every seed met the rule the call raises ``ErratumVanished``), every
    other seed is a counterexample if it fails the rule and a recorded instance if it meets it."""
    for i, s in enumerate(sorted(cos_by_seed, key=cos_by_seed.get)):
        c = cos_by_seed[s]
        if i > 0 and c >= PROPORTIONAL_COS:
            evidence.instance(family, s)
            continue
        evidence.counterexample(what, measured=c, printed=1.0, relation=">=", tol=1 - PROPORTIONAL_COS, why=why,
                                family=family, seed=s, **data)
