"""The one centring helper: center(A) = P1⊥A with P1⊥ = I − 11ᵀ/n (Eqn 1), on numpy and on batched torch."""

import numpy as np

from li2verify.utils.arrays import center


def test_center_is_the_centering_projection():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 3))
    P = np.eye(6) - np.full((6, 6), 1 / 6)
    assert np.allclose(center(A), P @ A, atol=1e-14)
    assert np.allclose(center(A.T, 1), (P @ A).T, atol=1e-14)
    assert np.allclose(center(A.tolist()), P @ A, atol=1e-14)


def test_center_on_batched_tensors():
    torch = __import__("pytest").importorskip("torch")
    A = torch.randn(2, 5, 3, dtype=torch.float64)
    expect = np.stack([center(a.numpy()) for a in A])
    assert np.allclose(center(A, -2).numpy(), expect, atol=1e-14)
