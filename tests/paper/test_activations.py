"""The activation registry (li2verify.paper.activations.ACTIVATIONS), one test over every entry: σ′ and σ″
against central finite differences and against sympy's derivatives of the entry's expression, σ against its
sympy form, the declared behaviour of φ = σ′/x on x > 0, and the Hermite closed form against quadrature."""

import numpy as np
import pytest
import sympy as sp

from li2verify.paper.activations import ACTIVATIONS, PHI_MONOTONICITY
from li2verify.paper.hermite import hermite_coefficients, hermite_coefficients_closed_form

NAMES = sorted(ACTIVATIONS)


def _points(act):
    """Test points; for a σ with a kink at 0 keep the finite-difference stencil off it."""
    x = np.linspace(-3.0, 3.0, 25)
    return x[np.abs(x) > 0.1] if not act.smooth else x


@pytest.mark.parametrize("name", NAMES)
def test_first_and_second_derivatives_match_finite_differences(name):
    act = ACTIVATIONS[name]
    x, h = _points(act), 1e-5
    fd1 = (act(x + h) - act(x - h)) / (2 * h)
    assert np.allclose(act.grad(x), fd1, rtol=1e-7, atol=1e-7)
    assert act.np_grad2 is not None, "every registry entry gives σ″ (a.e.)"
    fd2 = (act.grad(x + h) - act.grad(x - h)) / (2 * h)
    assert np.allclose(act.np_grad2(x), fd2, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_match_sympy(name):
    act = ACTIVATIONS[name]
    z = sp.Symbol("x", real=True)
    expr = act.sympy_fn(z)
    d1, d2 = sp.diff(expr, z), sp.diff(expr, z, 2)
    for v in _points(act)[::3]:
        at = {z: sp.Float(float(v), 30)}
        assert float(expr.subs(at)) == pytest.approx(float(act(np.array(v))), rel=1e-12, abs=1e-12)
        assert float(d1.subs(at)) == pytest.approx(float(act.grad(np.array(v))), rel=1e-12, abs=1e-12)
        assert float(d2.subs(at)) == pytest.approx(float(act.np_grad2(np.array(v))), rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_phi_label_holds_on_the_positive_axis(name):
    act = ACTIVATIONS[name]
    assert act.phi is None or act.phi in PHI_MONOTONICITY
    x = np.geomspace(1e-2, 20.0, 400)
    phi = act.grad(x) / x
    d = np.diff(phi)
    tol = 1e-12 * np.abs(phi).max()
    if act.phi == "constant":
        assert np.all(np.abs(d) <= tol)
    elif act.phi == "nonincreasing":
        assert np.all(d <= tol)
    elif act.phi == "nondecreasing":
        assert np.all(d >= -tol)


@pytest.mark.parametrize("name", NAMES)
def test_hermite_closed_form_where_declared(name):
    act = ACTIVATIONS[name]
    if not act.hermite_closed_form:
        with pytest.raises(ValueError):
            hermite_coefficients_closed_form(name, 1.3, L=6)
        return
    closed = hermite_coefficients_closed_form(name, 1.3, L=6)
    assert np.allclose(closed, hermite_coefficients(act, 1.3, L=6, method="quad"), atol=1e-9)
