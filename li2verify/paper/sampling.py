"""Thm 4 (Sec 4.5, App. F.3): do the local maxima of Thm 2 survive in the empirical energy Ê of a random subset
of pairs?

Ê is Eqn 7 on the sampled pairs (X, Ỹ = P1⊥Y centred over the sample).  A Thm 2 maximizer w* of irrep component
k is *kept* at sample size n when Riemannian gradient ascent of Ê started at w* converges to a point whose
mass in the same real isotypic component (u- and v-parts, w = [u; Pv]) is at least ``mass_threshold``: the
local maximum has moved (Ê ≠ E) but stayed in the irrep.  When it is lost, ascent leaves the component.
"""

from __future__ import annotations

import numpy as np

from li2verify.groups.finite import FiniteGroup
from li2verify.paper.landscape import claimed_maximizer, split_uv
from li2verify.paper.task import group_task, random_pairs
from li2verify.utils.sphere import sphere_ascent


def subsampled_energy_and_gradient(W: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray):
    """Ê(w) = ½‖Ỹᵀ(Xw)²‖² (σ = x², Eqn 7) and ∇Ê = Xᵀ(2Xw ⊙ ỸỸᵀ(Xw)²) (Eqn 6), for every column of ``W``."""
    U = X @ W
    Z = Y_tilde.T @ (U * U)
    return 0.5 * np.sum(Z * Z, axis=0), X.T @ (2.0 * U * (Y_tilde @ Z))


def subsampled_ascent(W: np.ndarray, X: np.ndarray, Y_tilde: np.ndarray, iters: int = 400,
                      step: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Riemannian gradient ascent of Ê on the unit sphere for every column of ``W`` (2M×B), ``iters`` steps of
    size ``step/Ê(w)`` (Ê is quartic, so its curvature scales with Ê), every step kept
    (:func:`li2verify.utils.sphere.sphere_ascent`).  Returns (W, Ê(W))."""
    r = sphere_ascent(lambda V: subsampled_energy_and_gradient(V, X, Y_tilde), W, max_iter=iters, gtol=None,
                      lr0=step, grow=1.0, shrink=1.0, lr_min=0.0, accept="always", freeze_done=False,
                      step_over_energy=True)
    return r.W, r.energy


def component_mass(W: np.ndarray, basis: np.ndarray, group: FiniteGroup) -> np.ndarray:
    """Fraction of ‖w‖² in the real isotypic subspace spanned by ``basis`` (M×r), u- and v-parts together."""
    u, v = split_uv(W, group)
    return (np.sum((basis.T @ u) ** 2, axis=0) + np.sum((basis.T @ v) ** 2, axis=0)) / np.sum(W * W, axis=0)


def kept_fraction(group: FiniteGroup, dec, comp, n: int, trials: int, seed: int,
                  mass_threshold: float = 0.8) -> float:
    """Fraction of ``trials`` random n-subsets (and random maximizers of component ``comp``) whose maximum is kept."""
    kept = 0
    for t in range(trials):
        rng = np.random.default_rng([seed, n, t])
        task = group_task(group, random_pairs(group, n, rng))
        w0 = claimed_maximizer(group, dec, comp.k, rng)
        W, _ = subsampled_ascent(w0[:, None], task.X, task.Y_tilde)
        kept += int(component_mass(W, comp.basis, group)[0] >= mass_threshold)
    return kept / trials


def critical_sample_count(group: FiniteGroup, dec, comp, trials: int, delta: float, seed: int,
                          grid: int = 14, mass_threshold: float = 0.8) -> int:
    """The smallest n on a geometric grid between M and M² at which the maximum is kept in ≥ 1 − δ of the trials."""
    M = group.order
    for n in np.unique(np.geomspace(M, M * M, grid).round().astype(int)):
        if kept_fraction(group, dec, comp, int(n), trials, seed, mass_threshold) >= 1 - delta:
            return int(n)
    return M * M
