"""σ on torch tensors for every name of the activation registry (:data:`li2verify.paper.activations.ACTIVATIONS`,
which holds the numpy/sympy forms and the closed-form facts); ``tests/train/test_activations.py`` checks that both
registries have the same names and agree in value."""

from __future__ import annotations

from typing import Callable

import torch

from li2verify.paper.activations import ACTIVATIONS

TORCH_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "square": lambda x: x * x,
    "linear": lambda x: x,
    "relu": torch.relu,
    "relu2": lambda x: torch.relu(x) ** 2,
    "silu": torch.nn.functional.silu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
}

if set(TORCH_ACTIVATIONS) != set(ACTIVATIONS):  # a registry entry without its torch form (or the reverse)
    raise ImportError(f"li2verify.train.activations and li2verify.paper.activations disagree: "
                      f"{sorted(set(TORCH_ACTIVATIONS) ^ set(ACTIVATIONS))}")


def torch_activation(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """σ on torch tensors for the registry entry ``name`` (a clear error lists the known names)."""
    try:
        return TORCH_ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(sorted(TORCH_ACTIVATIONS))}") from None
