"""Unit tests of li2verify.paper.memorization."""

import numpy as np
import pytest

from li2verify.paper import memorization as MZ
from li2verify.groups.finite import cyclic, symmetric


def test_phi_values():
    x = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(MZ.phi(MZ.memorization_activation("square"), x), 2.0)
    np.testing.assert_allclose(MZ.phi(MZ.memorization_activation("cube"), x), 3 * x)
    np.testing.assert_allclose(MZ.phi(MZ.memorization_activation("relu"), x), 1 / x)
    np.testing.assert_allclose(MZ.phi(MZ.memorization_activation("log_gap"), x), 1 / (1 + x))


def test_phi_inverse_roundtrip_and_threshold():
    act = MZ.memorization_activation("tanh")
    for y in (0.1, 1.0, 10.0):
        assert MZ.phi(act, MZ.phi_inverse(act, y)) == pytest.approx(y, rel=1e-10)
    assert MZ.phi_inverse(MZ.memorization_activation("log_gap"), 1.5) == 0.0


def test_spreading_solution_budget_and_relu_proportional():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    s, lam = MZ.spreading_solution(p, MZ.memorization_activation("relu"))
    assert s @ s == pytest.approx(2.0)
    np.testing.assert_allclose(s, np.sqrt(2) * p / np.linalg.norm(p), rtol=1e-10)
    assert lam > 0


def test_mirror_ascent_matches_closed_form():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5))
    for name in ("silu", "sigmoid"):
        act = MZ.memorization_activation(name)
        np.testing.assert_allclose(MZ.mirror_ascent_t(p, act, iters=3000), MZ.spreading_solution(p, act)[0], atol=1e-10)


def test_local_maxima_counts():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(4))
    assert MZ.local_maxima_F(p, MZ.memorization_activation("cube"), rng, 8)[0].shape[1] == 4
    S, Fv = MZ.local_maxima_F(p, MZ.memorization_activation("square"), rng, 8)
    assert S.shape[1] == 1
    np.testing.assert_allclose(S[:, 0], MZ.focused_solution(p), atol=1e-9)


def test_single_target_data_and_energy():
    g = symmetric(3)
    d = MZ.SingleTarget(g, 4)
    # every row pairs g with g⁻¹h, whose product is h
    assert np.all(g.table[np.arange(6), d.partner] == 4)
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.ones(6))
    act = MZ.memorization_activation("silu")
    w = rng.standard_normal(12)
    E, G = MZ.single_target_energy(w, d, p, act)
    assert E == pytest.approx(0.5 * (p @ act(d.X @ w)) ** 2)
    eps = 1e-6
    num = np.array([(MZ.single_target_energy(w + eps * e, d, p, act)[0] - MZ.single_target_energy(w - eps * e, d, p, act)[0])
                    / (2 * eps) for e in np.eye(12)])
    np.testing.assert_allclose(G, num, rtol=1e-6, atol=1e-9)
    Wb = np.stack([w, -w], axis=1)
    Eb, Gb = MZ.single_target_energy(Wb, d, p, act)
    np.testing.assert_allclose(Gb[:, 0], G)
    assert MZ.literal_centered_energy(w, d, p, act) == pytest.approx(0.0, abs=1e-14)


def test_w_of_s_roundtrip():
    d = MZ.SingleTarget(cyclic(5), 2)
    s = np.array([0.2, 0.5, 0.9, 0.3, 0.7])
    s *= np.sqrt(2) / np.linalg.norm(s)
    w = d.w_of_s(s)
    assert np.linalg.norm(w) == pytest.approx(1.0)
    np.testing.assert_allclose(d.s_of_w(w), s)
