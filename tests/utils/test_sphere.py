"""The one sphere-ascent routine (li2verify.utils.sphere) on an energy whose maxima are known: E(w) = ½wᵀAw on
‖w‖ = 1 is maximized by the top eigenvector of A, with value λ_max/2."""

import numpy as np
import pytest

from li2verify.utils.sphere import riemannian_gradient, sphere_ascent, sphere_project


def _quadratic(A):
    return lambda W: (0.5 * np.sum(W * (A @ W), axis=0), A @ W)


@pytest.mark.parametrize("accept", ["nondecreasing", "increasing"])
def test_ascent_reaches_the_top_eigenvector(accept):
    rng = np.random.default_rng(0)
    Q = np.linalg.qr(rng.standard_normal((6, 6)))[0]
    A = Q @ np.diag([5.0, 3.0, 2.0, 1.0, 0.5, 0.1]) @ Q.T
    r = sphere_ascent(_quadratic(A), rng.standard_normal((6, 4)), gtol=1e-6, accept=accept)
    assert np.all(r.converged)
    assert np.allclose(r.energy, 2.5, atol=1e-10)
    assert np.allclose(np.abs(Q[:, 0] @ r.W), 1.0, atol=1e-6)


def test_fixed_schedule_takes_exactly_the_projected_step():
    rng = np.random.default_rng(1)
    A = np.diag([3.0, 1.0, 0.5])
    W0 = sphere_project(rng.standard_normal((3, 2)))
    r = sphere_ascent(_quadratic(A), W0, max_iter=1, gtol=None, lr0=0.01, grow=1.0, shrink=1.0, lr_min=0.0,
                      accept="always", freeze_done=False)
    expected = sphere_project(W0 + 0.01 * riemannian_gradient(W0, A @ W0))
    assert np.allclose(r.W, expected, rtol=0, atol=1e-15)
