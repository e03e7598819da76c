"""Activation functions σ used by the paper, in the three forms the suite needs.

Each :class:`Activation` gives σ and σ' on numpy arrays (float64), σ on torch tensors (for autograd and
training), and a sympy expression (for symbolic derivations; ``None`` where σ is not elementary-smooth, e.g.
ReLU is given piecewise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    name: str
    np_fn: Callable[[np.ndarray], np.ndarray]
    np_grad: Callable[[np.ndarray], np.ndarray]
    torch_fn: Callable
    sympy_fn: Callable  # sympy expression builder: x -> expr
    np_grad2: Callable[[np.ndarray], np.ndarray] | None = None  # σ'' (None where it is a distribution)
    smooth: bool = True  # False: σ' has a jump (ReLU); finite differences must avoid the kink

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.np_fn(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.np_grad(x)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _t():
    import torch

    return torch


def _sp():
    import sympy

    return sympy


ACTIVATIONS: dict[str, Activation] = {
    "square": Activation(
        "square", lambda x: x * x, lambda x: 2.0 * x, lambda x: x * x, lambda x: x**2,
        np_grad2=lambda x: np.full_like(x, 2.0, dtype=float),
    ),
    "linear": Activation(
        "linear", lambda x: np.array(x, dtype=float, copy=True), lambda x: np.ones_like(x, dtype=float),
        lambda x: x, lambda x: x, np_grad2=lambda x: np.zeros_like(x, dtype=float),
    ),
    "relu": Activation(
        "relu", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float),
        lambda x: _t().relu(x), lambda x: _sp().Max(x, 0), np_grad2=lambda x: np.zeros_like(x, dtype=float),
        smooth=False,
    ),
    "relu2": Activation(
        "relu2", lambda x: np.maximum(x, 0.0) ** 2, lambda x: 2.0 * np.maximum(x, 0.0),
        lambda x: _t().relu(x) ** 2, lambda x: _sp().Max(x, 0) ** 2,
        np_grad2=lambda x: 2.0 * (x > 0).astype(float), smooth=False,
    ),
    "silu": Activation(
        "silu", lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) * (1.0 + x * (1.0 - _sigmoid(x))),
        lambda x: _t().nn.functional.silu(x), lambda x: x / (1 + _sp().exp(-x)),
        np_grad2=lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (2 + x * (1 - 2 * _sigmoid(x))),
    ),
    "tanh": Activation(
        "tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, lambda x: _t().tanh(x), lambda x: _sp().tanh(x),
        np_grad2=lambda x: -2.0 * np.tanh(x) * (1.0 - np.tanh(x) ** 2),
    ),
    "sigmoid": Activation(
        "sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)), lambda x: _t().sigmoid(x),
        lambda x: 1 / (1 + _sp().exp(-x)),
        np_grad2=lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)),
    ),
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a clear error lists the known names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(sorted(ACTIVATIONS))}") from None
