"""Array helpers shared by every layer: the one centring routine P1⊥ (Eqn 1)."""

from __future__ import annotations

import numpy as np


def center(A, axis: int = 0):
    """P1⊥A along ``axis`` (the sample axis): A minus its means along that axis, no n×n matrix formed.

    Works on numpy arrays (array-likes are converted) and on torch tensors (duck-typed, so the layers below
    ``train`` never import torch): ``center(A)`` for a numpy n×… array, ``center(A, -2)`` for a batched
    (seeds, n, …) tensor."""
    if not hasattr(A, "mean") or isinstance(A, (list, tuple)):
        A = np.asarray(A)
    return A - A.mean(axis, keepdims=True)
