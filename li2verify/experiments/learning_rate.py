"""The learning-rate runs near the boundary of Figs 6-7 and Sec 4.5 (``fig6_7_learning_rate``, ``sec4_ungrokking``):
Z_23 at one training fraction inside the pilot's boundary band, each learning rate trained for the same ‘time’
lr·t by the sweep engine (``li2verify.sweep.cells.train_cells``), cached per process; and the Fourier (isotypic)
concentration of the learned first-layer nodes.
"""

from __future__ import annotations

from functools import lru_cache

from li2verify.experiments.seeds import LR_SEEDS
from li2verify.experiments.sweeps import THRESHOLD
from li2verify.sweep.cells import train_cells

#: Figs 6-7 at CPU scale: Z_23 at p = 0.35 (inside the boundary band of the pilot: 0-5 of 6 seeds generalize at
#: lr 5e-3), K = 256, η = 2e-3; each learning rate trained for epochs = LR_TIME / lr (the same ‘time’ lr·t, so that
#: the comparison is between end points and not between speeds, see fig6_7_learning_rate's notes).
LR_GROUP, LR_P, LR_WD, LR_K, LR_TIME = "Z23", 0.35, 2e-3, 256, 4.0
#: the protocol of these runs: the paper's code (li2verify.train.protocols), the one that drew Figs 6-7
LR_PROTOCOL = "code"
#: the small and the large learning rate of each profile's decision are the first and the last of its tuple
LRS = {"fast": (2e-3, 2e-2), "thorough": (1e-3, 2e-3, 5e-3, 1e-2, 2e-2), "paper": (1e-3, 2e-3, 5e-3)}


def lr_epochs(lr: float) -> int:
    return int(round(LR_TIME / lr))


@lru_cache(maxsize=None)
def lr_rows(profile_name: str, device: str = "cpu") -> dict[float, list[dict]]:
    """Per learning rate, one row per seed (with the final weights and the test-accuracy history)."""
    from li2verify.sweep.spec import Cell

    out = {}
    for lr in LRS[profile_name]:
        cells = [Cell(LR_GROUP, LR_P, None, s, lr, LR_WD, LR_K, lr_epochs(lr), protocol=LR_PROTOCOL)
                 for s in LR_SEEDS[profile_name]]
        out[lr] = train_cells(cells, device=device, eval_every=max(1, lr_epochs(lr) // 100), threshold=THRESHOLD,
                              return_params=True, history=True)
    return out


def fourier_mass(W2M_K, group: str) -> float:
    """Norm-weighted Fourier (isotypic) concentration of learned nodes: Σ_j ‖w_j‖² max_k ‖Π_k w_j‖²/‖P1⊥w_j‖²
    over Σ_j ‖w_j‖² (both input blocks, trivial part removed; Thm 2's maximizers have 1, a memorizing node ≈
    its share of a random direction).  ``W2M_K``: (2M, K) array."""
    import numpy as np

    from li2verify.train.data import resolve_group
    from li2verify.train.probes import isotypic_bases

    G = resolve_group(group)
    M = G.order
    W = np.asarray(W2M_K, float)
    Wa, Wb = W[:M] - W[:M].mean(0), W[M:] - W[M:].mean(0)
    tot = (Wa ** 2).sum(0) + (Wb ** 2).sum(0)
    fr = np.max([((B.T @ Wa) ** 2).sum(0) + ((B.T @ Wb) ** 2).sum(0) for B in isotypic_bases(G)], axis=0)
    return float(np.sum(fr) / np.sum(tot))
