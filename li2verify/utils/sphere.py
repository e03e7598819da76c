"""The unit sphere: projection, Riemannian gradient, and the one batched Riemannian ascent routine.

Every ascent of an energy on ``‖w‖ = 1`` in the package (the landscape of E, Thm 2; the modulated E_K, Thm 7;
the single-target E_h, Thm 5; the subsampled Ê, Thm 4) is :func:`sphere_ascent` with a different energy and
step schedule.  Columns of ``W`` (n×B) are B independent starting points, advanced together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

EnergyAndGradient = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def sphere_project(W: np.ndarray) -> np.ndarray:
    """Normalize every column to unit norm."""
    return W / np.linalg.norm(W, axis=0, keepdims=True)


def riemannian_gradient(W: np.ndarray, G: np.ndarray) -> np.ndarray:
    """(I − wwᵀ)∇E for every column: the Euclidean gradient ``G`` projected on the sphere's tangent space at ``W``."""
    return G - W * np.sum(W * G, axis=0, keepdims=True)


@dataclass
class SphereAscent:
    """Result of :func:`sphere_ascent`: final points (columns of ``W``), their energies and Riemannian gradient
    norms, the number of iterations run, and ``converged`` (gradient ≤ 10·gtol·max(gtol_floor, E))."""

    W: np.ndarray
    energy: np.ndarray
    grad_norm: np.ndarray
    iterations: int
    converged: np.ndarray


def sphere_ascent(energy_and_grad: EnergyAndGradient, W0: np.ndarray, *, max_iter: int = 20000,
                  gtol: float | None = 1e-10, gtol_floor: float = 1.0, gtol_abs: float = 0.0, lr0: float = 0.1,
                  grow: float = 1.2, shrink: float = 0.5, lr_min: float = 1e-14, lr_max: float = np.inf,
                  lr_stop: float | None = None, accept: str = "nondecreasing", freeze_done: bool = True,
                  stall: int | None = None, step_over_energy: bool = False) -> SphereAscent:
    """Projected (Riemannian) gradient ascent on the unit sphere, all columns of ``W0`` at once.

    Step: ``w ← (w + η (I − wwᵀ)∇E)/‖·‖`` with η = the per-start step ``lr`` (or ``lr/E(w)`` when
    ``step_over_energy``, for an energy homogeneous in ‖w‖ whose curvature scales with E).

    * ``accept``: ``"nondecreasing"`` (keep the step iff E does not decrease), ``"increasing"`` (iff E strictly
      grows) or ``"always"`` (plain fixed-schedule iteration).  Accepted steps multiply ``lr`` by ``grow``,
      rejected ones by ``shrink``; ``lr`` is clipped to [``lr_min``, ``lr_max``].  With the first two E is
      monotone along every run.
    * A start is *done* when its Riemannian gradient norm is ≤ ``gtol``·max(``gtol_floor``, E) + ``gtol_abs``
      (never when ``gtol`` is None), or — with ``stall`` — when E has not grown by a relative 1e-14 for ``stall``
      iterations (the float64 floor).  ``freeze_done`` stops moving done starts; the loop ends when all are
      done, after ``max_iter`` iterations, or when every ``lr`` is below ``lr_stop``.
    """
    W = sphere_project(np.array(W0, dtype=float, copy=True))
    B = W.shape[1]
    lr = np.full(B, float(lr0))
    E, G = energy_and_grad(W)
    if stall is not None:
        best_at = np.zeros(B, dtype=int)  # iteration of the last relative improvement > 1e-14
        E_ref = E.copy()
    it = 0
    for it in range(1, max_iter + 1):
        RG = riemannian_gradient(W, G)
        gn = np.linalg.norm(RG, axis=0)
        done = np.zeros(B, dtype=bool) if gtol is None else gn <= gtol * np.maximum(gtol_floor, E) + gtol_abs
        if stall is not None:
            done |= it - best_at > stall
        if np.all(done):
            break
        eta = lr / np.maximum(E, 1e-300) if step_over_energy else lr
        Wn = sphere_project(W + eta * RG)
        En, Gn = energy_and_grad(Wn)
        if accept == "always":
            ok = np.ones(B, dtype=bool)
        elif accept == "nondecreasing":
            ok = En >= E
        elif accept == "increasing":
            ok = En > E
        else:
            raise ValueError(f"accept must be 'always', 'nondecreasing' or 'increasing', not {accept!r}")
        if freeze_done:
            ok &= ~done
        W[:, ok], E[ok], G[:, ok] = Wn[:, ok], En[ok], Gn[:, ok]
        if stall is not None:
            gained = E > E_ref * (1 + 1e-14) + 1e-300
            best_at[gained] = it
            E_ref[gained] = E[gained]
        stepped = np.where(ok, lr * grow, lr * shrink)
        lr = np.clip(np.where(done, lr, stepped) if freeze_done else stepped, lr_min, lr_max)
        if lr_stop is not None and np.all(lr < lr_stop):
            break
    gn = np.linalg.norm(riemannian_gradient(W, G), axis=0)
    tol = np.inf if gtol is None else gtol
    return SphereAscent(W, E, gn, it, gn <= tol * np.maximum(gtol_floor, E) * 10)
