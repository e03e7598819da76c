"""Unit tests of li2verify.paper.hermite (orthonormal Hermite system, coefficients, dual kernels, Lemma 1 constants)."""

import math

import numpy as np
import pytest

from li2verify.paper.hermite import (dual_kernel, dual_kernel_quadrature, dual_kernel_series, gauss_hermite,
                               hermite_coefficients, hermite_coefficients_closed_form, kernel_matrix,
                               lemma1_constants, phi_all, relu_arccos_kernel, square_kernel)


def test_phi_orthonormal_under_gauss_hermite():
    x, w = gauss_hermite(80)
    P = phi_all(x, 30)
    assert np.allclose((P * w) @ P.T, np.eye(31), atol=1e-10)


def test_phi_matches_numpy_hermite_e():
    z = np.linspace(-3, 3, 7)
    for l in range(8):
        c = np.zeros(l + 1)
        c[l] = 1
        assert np.allclose(phi_all(z, 8)[l], np.polynomial.hermite_e.hermeval(z, c) / math.sqrt(math.factorial(l)))


@pytest.mark.parametrize("name", ["square", "linear", "relu"])
@pytest.mark.parametrize("s", [0.7, 1.0, math.sqrt(2)])
def test_closed_form_coefficients_match_quadrature(name, s):
    assert np.allclose(hermite_coefficients(name, s, 10, "quad"), hermite_coefficients_closed_form(name, s, 10),
                       atol=1e-10)


def test_closed_form_kernels():
    rho = np.linspace(-0.9, 0.9, 7)
    assert np.allclose(square_kernel(rho, 1.3), dual_kernel_quadrature("square", rho, 1.3), rtol=1e-12)
    assert np.allclose(relu_arccos_kernel(rho), dual_kernel_series(hermite_coefficients_closed_form("relu", 1, 600), rho),
                       atol=1e-6)
    assert abs(relu_arccos_kernel(1.0) - 0.5) < 1e-15 and abs(relu_arccos_kernel(0.0) - 1 / (2 * np.pi)) < 1e-15


def test_lemma1_constants_parseval():
    for name in ["silu", "tanh", "sigmoid"]:
        c = lemma1_constants(name, 1.2, 0.3)
        a = hermite_coefficients(name, 1.2, 80)
        assert abs(c.a - np.sum(a**2)) < 1e-7
        assert abs(c.c_L - np.sum(np.arange(81) * a**2)) < 1e-5
        assert c.c > 0


def test_kernel_matrix_requires_equal_norms():
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="equal norm"):
        kernel_matrix(X, "relu")
    X = np.array([[1.0, 0.0], [0.6, 0.8]])
    K = kernel_matrix(X, "square")
    assert np.allclose(K, [[3, 1 + 2 * 0.36], [1 + 2 * 0.36, 3]])
    assert abs(dual_kernel("silu", 1.0) - lemma1_constants("silu").a) < 1e-7


def test_one_hot_pair_kernel_spectrum():
    from li2verify.groups.finite import cyclic
    from li2verify.paper.hermite import centered_kernel, one_hot_pair_kernel
    from li2verify.paper.task import group_task

    t = group_task(cyclic(4))
    k = one_hot_pair_kernel("square", 4)
    assert (k.a, k.b0, k.b1) == pytest.approx((12.0, 4.0, 6.0))
    ev = np.sort(np.linalg.eigvalsh(centered_kernel(t.X, "square")))
    assert np.allclose(ev, np.sort(np.r_[0, [k.c_main] * 6, [k.c_int] * 9]), atol=1e-10)
