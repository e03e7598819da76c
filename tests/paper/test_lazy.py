"""Unit tests of li2verify.paper.lazy (top-layer gradient flow with F fixed)."""

import numpy as np
import pytest

from li2verify.paper.lazy import (LazyFlow, eqn4, fixed_point_gradient, fixed_point_gradient_beta, integrate_flow,
                            objective_J, p_eta_direct, p_eta_woodbury)
from li2verify.paper.task import center


def _inst(seed, n=9, K=5, M=3):
    rng = np.random.default_rng(seed)
    return center(rng.normal(size=(n, K))), center(rng.normal(size=(n, M))), 0.3 * rng.normal(size=(K, M))


@pytest.mark.parametrize("eta,beta", [(0.0, 1.0), (0.2, 1.0), (0.1, 2.5)])
def test_three_flows_agree(eta, beta):
    F, Y, V0 = _inst(1)
    fl = LazyFlow(F, Y, V0, eta, beta)
    ts = [0.0, 0.05, 0.7, 3.0]
    Vi = integrate_flow(F, Y, V0, ts, eta, beta)
    for t, v in zip(ts, Vi):
        assert np.allclose(fl.V(t), v, atol=1e-9)
        assert np.allclose(fl.V_closed_form(t), v, atol=1e-9)


def test_flow_decreases_objective_and_reaches_fixed_point():
    F, Y, V0 = _inst(2)
    fl = LazyFlow(F, Y, V0, 0.3)
    Js = [objective_J(fl.V(t), F, Y, 0.3) for t in np.linspace(0, 5, 20)]
    assert np.all(np.diff(Js) <= 1e-12)
    assert np.allclose(fl.G(1e4), fl.G_star(), atol=1e-10)
    assert np.allclose(fl.G_star(), eqn4(F, Y, 0.3), atol=1e-12)
    assert np.allclose(fixed_point_gradient(F, Y, 0.3, 1.7), fixed_point_gradient_beta(F, Y, 0.3, 1.7), atol=1e-12)


def test_singular_A_spectral_form():
    F, Y, V0 = _inst(3, n=6, K=9)
    fl = LazyFlow(F, Y, V0, 0.0)
    assert fl.lambda_min < 1e-10
    Vi = integrate_flow(F, Y, V0, [2.0])[0]
    assert np.allclose(fl.V(2.0), Vi, atol=1e-9)


def test_taylor_coefficients_match_finite_time():
    F, Y, V0 = _inst(4)
    fl = LazyFlow(F, Y, V0, 0.4, 1.3)
    Gk = fl.taylor_G(4)
    errs = [np.linalg.norm(fl.G(t) - sum(g * t**k for k, g in enumerate(Gk))) for t in (2e-3, 1e-3)]
    assert errs[1] < 1e-6 and 25 < errs[0] / errs[1] < 40  # remainder O(t^5): halving t divides it by ~32


def test_woodbury_and_errors():
    F, _, _ = _inst(5)
    assert np.allclose(p_eta_direct(F, 0.7), p_eta_woodbury(F, 0.7), atol=1e-12)
    with pytest.raises(ValueError):
        p_eta_woodbury(F, 0.0)
    with pytest.raises(ValueError, match="V0"):
        LazyFlow(F, np.zeros((9, 3)), np.zeros((2, 3)))


def test_pushthrough_and_modal_and_symbolic_taylor():
    import sympy as sp

    from li2verify.paper.lazy import (fixed_point_gradient_pushthrough, modal_gradient_eta0, sym_matrix, sym_taylor)

    F, Y, V0 = _inst(6, n=8, K=12)
    assert np.allclose(fixed_point_gradient_pushthrough(F, Y, 0.3), eqn4(F, Y, 0.3), atol=1e-12)
    F, _, V0 = _inst(7, n=10, K=4)
    Y = F @ np.random.default_rng(0).normal(size=(4, 3))
    G = modal_gradient_eta0(F, Y, V0, 0.7)[0]
    assert np.allclose(G, LazyFlow(F, Y, V0, 0.0).G(0.7), atol=1e-10)
    Fs, Ys, Vs = sym_matrix("f", 2, 1), sym_matrix("y", 2, 1), sym_matrix("v", 1, 1)
    _, _, Gs, _, _ = sym_taylor(Fs, Ys, Vs, 0, 1)
    num = {**{s: 1.0 for s in Fs}, **{s: 2.0 for s in Ys}, **{s: 0.5 for s in Vs}}
    fl = LazyFlow(np.ones((2, 1)), 2 * np.ones((2, 1)), 0.5 * np.ones((1, 1)))
    assert np.allclose(np.array(Gs[1].subs(num), dtype=float), fl.taylor_G(1)[1])
    assert sp.Matrix(Gs[0]).shape == (2, 1)
