"""The torch side of the activation registry (li2verify.train.activations): the same names as the paper's registry,
the same values, autograd σ′ equal to the registry's σ′, and the fused path covering exactly the ``fused`` entries."""

import numpy as np
import pytest
import torch

from li2verify.paper.activations import ACTIVATIONS
from li2verify.train.activations import TORCH_ACTIVATIONS, torch_activation
from li2verify.train.models import FAST_ACTIVATIONS


def test_same_names_as_the_paper_registry():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)
    assert set(FAST_ACTIVATIONS) == {n for n, a in ACTIVATIONS.items() if a.fused}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_torch_values_and_autograd_derivative_match(name):
    act = ACTIVATIONS[name]
    x = np.linspace(-3.0, 3.0, 25)
    x = x[np.abs(x) > 0.1]
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = torch_activation(name)(xt)
    (g,) = torch.autograd.grad(y.sum(), [xt])
    assert np.allclose(y.detach().numpy(), act(x), rtol=1e-12, atol=1e-12)
    assert np.allclose(g.numpy(), act.grad(x), rtol=1e-12, atol=1e-12)
