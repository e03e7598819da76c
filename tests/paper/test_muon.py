"""Unit tests of li2verify.paper.muon (Lemma 2, Lemma 9 engine)."""

import numpy as np
import pytest

from li2verify.paper.muon import (
    MUON_NS_COEFFS, eqn37_corrected, gram_inverse_root, lemma9_first_order, lemma9_vector_exact,
    lemma9_vector_formula, muon_power, newton_schulz, newton_schulz_scalar, polar_factor,
)


def test_polar_factor_is_partial_isometry_with_nuclear_inner_product():
    G = np.random.default_rng(0).standard_normal((7, 4))
    P = polar_factor(G)
    assert np.allclose(P.T @ P, np.eye(4), atol=1e-12)
    assert np.isclose(np.sum(P * G), np.linalg.norm(G, "nuc"))
    assert not polar_factor(np.zeros((3, 2))).any()


def test_polar_factor_rank_deficient():
    rng = np.random.default_rng(1)
    G = rng.standard_normal((6, 1)) @ rng.standard_normal((1, 5))
    P = polar_factor(G)
    assert np.isclose(np.sum(P * P), 1.0) and np.isclose(np.sum(P * G), np.linalg.norm(G, "nuc"))


def test_newton_schulz_shapes_and_scalar_map():
    rng = np.random.default_rng(2)
    for shape in [(5, 9), (9, 5), (6, 6)]:
        G = rng.standard_normal(shape)
        U, s, Vt = np.linalg.svd(G, full_matrices=False)
        N = newton_schulz(G)
        assert N.shape == shape
        assert np.allclose(N, U @ np.diag(newton_schulz_scalar(s / (np.linalg.norm(G) + 1e-7))) @ Vt, atol=1e-10)


def test_newton_schulz_coefficients_are_jordan_2024():
    assert MUON_NS_COEFFS == (3.4445, -4.7750, 2.0315)
    a, b, c = MUON_NS_COEFFS
    assert b * b - 4 * a * c < 0


def test_muon_power_c2_is_polar():
    A = np.random.default_rng(3).standard_normal((8, 3))
    assert np.allclose(muon_power(A, 2.0), polar_factor(A), atol=1e-12)
    with pytest.raises(ValueError):
        muon_power(np.zeros((4, 2)), 2.0)


def test_lemma9_closed_form_and_first_order():
    rng = np.random.default_rng(4)
    Q, _ = np.linalg.qr(rng.standard_normal((9, 3)))
    v = 1e-3 * (Q @ rng.standard_normal(3)) + 0.3 * (np.eye(9) - Q @ Q.T) @ rng.standard_normal(9)
    exact = polar_factor(np.column_stack([Q, v]))[:, -1]
    assert np.allclose(exact, lemma9_vector_exact(Q, v), atol=1e-12)
    assert np.linalg.norm(exact - lemma9_vector_formula(Q, v)) < 1e-5
    assert np.allclose(lemma9_first_order(Q, v[:, None], 2.0)[:, 0], lemma9_vector_formula(Q, v), atol=1e-12)


def test_eqn37_corrected_first_order():
    rng = np.random.default_rng(5)
    C = 1e-4 * rng.standard_normal((3, 2))
    X = rng.standard_normal((2, 2))
    T = X @ X.T + np.eye(2)
    G = np.block([[np.eye(3), C], [C.T, C.T @ C + T]])
    assert np.abs(gram_inverse_root(G, 2.0) - eqn37_corrected(C, T, 2.0)).max() < 1e-7


def test_one_newton_schulz_two_named_schedules():
    from li2verify.paper.muon import JORDAN_NS_SCHEDULE, PAPER_CODE_NS_SCHEDULE

    assert JORDAN_NS_SCHEDULE == (MUON_NS_COEFFS,) * 5 and JORDAN_NS_SCHEDULE != PAPER_CODE_NS_SCHEDULE
    rng = np.random.default_rng(3)
    G = rng.normal(size=(4, 6))
    U, s, Vt = np.linalg.svd(G, full_matrices=False)
    for sched in (JORDAN_NS_SCHEDULE, PAPER_CODE_NS_SCHEDULE):
        expect = U @ np.diag(newton_schulz_scalar(s / (np.linalg.norm(G) + 1e-7), schedule=sched)) @ Vt
        assert np.allclose(newton_schulz(G, schedule=sched), expect, atol=1e-10)
    batch = rng.normal(size=(3, 5, 2))  # batched, rows > cols
    assert np.allclose(newton_schulz(batch), np.stack([newton_schulz(b) for b in batch]), atol=1e-12)
