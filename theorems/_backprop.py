"""Shared by the Proposition 1 modules (``prop1_backprop_gradient``, ``prop1_proof_expansion``): the time grid
of the small-time fits and the random-feature group instance (F̃, Ỹ, F, Y, Z) built on
``theorems/_instances.lazy_instance``.
"""

from __future__ import annotations


from li2verify.utils.fits import geometric
from theorems._instances import lazy_instance


TS = geometric(1e-5, 1e-2, 8)


def _group_instance(family: str, seed: int, K: int | None = None, act: str = "square", w_scale: float = 0.5):
    """(F̃, Ỹ, F, Y, Z): random features σ(XW) on all pairs of the group, Z iid N(0,1) K×M (direction of V0)."""
    i = lazy_instance(family, seed, K, act, w_scale)
    return i.Ft, i.Yt, i.F, i.task.Y, i.Z
