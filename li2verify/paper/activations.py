"""Activation functions σ used by the paper: the registry (:data:`ACTIVATIONS`), where a user adds one.

Each :class:`Activation` carries σ, σ′ and σ″ on numpy arrays (float64), a sympy expression (for symbolic
derivations; ReLU is given piecewise through ``Max``), and its known structure: whether a closed-form Hermite
expansion exists (:func:`li2verify.paper.hermite.hermite_coefficients_closed_form`), how φ(x) = σ′(x)/x behaves on
x > 0 (Lemma 6, Thm 5), and whether the fused training path (:func:`li2verify.train.models.manual_grads`) covers
it.  ``tests/paper/test_activations.py`` checks every entry (σ′ and σ″ against finite differences and sympy, the φ
label on a grid, the Hermite closed form against quadrature).

The paper layer never imports torch: σ on torch tensors for the registry's names is
:func:`li2verify.train.activations.torch_activation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

#: φ = σ′/x labels: on x > 0, φ is constant, nonincreasing or nondecreasing (None: none of these).
PHI_MONOTONICITY = ("constant", "nonincreasing", "nondecreasing")


@dataclass(frozen=True)
class Activation:
    name: str
    np_fn: Callable[[np.ndarray], np.ndarray]
    np_grad: Callable[[np.ndarray], np.ndarray]
    tensor_fn: Callable | None  # σ on tensors for an activation outside the registry (registry: train.activations)
    sympy_fn: Callable | None  # sympy expression builder: x -> expr
    np_grad2: Callable[[np.ndarray], np.ndarray] | None = None  # σ'' (None where it is a distribution)
    smooth: bool = True  # False: σ' has a jump (ReLU); finite differences must avoid the kink
    hermite_closed_form: bool = False  # hermite.hermite_coefficients_closed_form knows this σ
    phi: str | None = None  # φ(x) = σ'(x)/x on x > 0: one of PHI_MONOTONICITY, or None
    fused: bool = False  # the fused training path (train.models.manual_grads) covers this σ

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.np_fn(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.np_grad(x)



def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _sp():
    import sympy

    return sympy


ACTIVATIONS: dict[str, Activation] = {
    "square": Activation(
        "square", lambda x: x * x, lambda x: 2.0 * x, None, lambda x: x**2,
        np_grad2=lambda x: np.full_like(x, 2.0, dtype=float), hermite_closed_form=True, phi="constant", fused=True,
    ),
    "linear": Activation(
        "linear", lambda x: np.array(x, dtype=float, copy=True), lambda x: np.ones_like(x, dtype=float),
        None, lambda x: x, np_grad2=lambda x: np.zeros_like(x, dtype=float), hermite_closed_form=True,
        phi="nonincreasing", fused=True,
    ),
    "relu": Activation(
        "relu", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float),
        None, lambda x: _sp().Max(x, 0), np_grad2=lambda x: np.zeros_like(x, dtype=float),
        smooth=False, hermite_closed_form=True, phi="nonincreasing", fused=True,
    ),
    "relu2": Activation(
        "relu2", lambda x: np.maximum(x, 0.0) ** 2, lambda x: 2.0 * np.maximum(x, 0.0),
        None, lambda x: _sp().Max(x, 0) ** 2,
        np_grad2=lambda x: 2.0 * (x > 0).astype(float), smooth=False, phi="constant",
    ),
    "silu": Activation(
        "silu", lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) * (1.0 + x * (1.0 - _sigmoid(x))),
        None, lambda x: x / (1 + _sp().exp(-x)),
        np_grad2=lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (2 + x * (1 - 2 * _sigmoid(x))), phi="nonincreasing",
    ),
    "tanh": Activation(
        "tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, None, lambda x: _sp().tanh(x),
        np_grad2=lambda x: -2.0 * np.tanh(x) * (1.0 - np.tanh(x) ** 2), phi="nonincreasing",
    ),
    "sigmoid": Activation(
        "sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)), None,
        lambda x: 1 / (1 + _sp().exp(-x)),
        np_grad2=lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)), phi="nonincreasing",
    ),
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a clear error lists the known names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(sorted(ACTIVATIONS))}") from None
