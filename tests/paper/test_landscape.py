"""Unit tests of li2verify.paper.landscape: batched energy/gradient, ascent, classification, claimed maximizers."""

import numpy as np
import pytest

from li2verify.paper import landscape as L
from li2verify.paper.activations import get_activation
from li2verify.paper.energy import energy, energy_gradient
from li2verify.groups.finite import cyclic, symmetric, quaternion
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.task import group_task

SQ = get_activation("square")


@pytest.mark.parametrize("act", ["square", "tanh", "silu"])
@pytest.mark.parametrize("g", [cyclic(5), symmetric(3)], ids=lambda g: g.name)
def test_batched_energy_matches_energy_module(g, act):
    a = get_activation(act)
    task = group_task(g)
    rng = np.random.default_rng(0)
    W = rng.standard_normal((2 * g.order, 4))
    E, G = L.group_energy_and_gradient(W, g, a)
    for j in range(4):
        assert E[j] == pytest.approx(energy(W[:, j], task.X, task.Y_tilde, a), rel=1e-12)
        np.testing.assert_allclose(G[:, j], energy_gradient(W[:, j], task.X, task.Y_tilde, a), rtol=1e-10, atol=1e-12)
    e1, g1 = L.group_energy_and_gradient(W[:, 0], g, a)
    assert e1 == pytest.approx(E[0]) and g1.shape == (2 * g.order,)


def test_wrong_length_is_a_clear_error():
    with pytest.raises(ValueError, match="2M"):
        L.group_energy(np.ones(7), cyclic(5), SQ)


def test_split_join_roundtrip():
    g = symmetric(3)
    rng = np.random.default_rng(1)
    u, v = rng.standard_normal(6), rng.standard_normal(6)
    w = L.join_uv(u, v, g)
    u2, v2 = L.split_uv(w, g)
    np.testing.assert_array_equal(u, u2)
    np.testing.assert_array_equal(v, v2)
    # w = [u; Pv]
    np.testing.assert_array_equal(w[6:], g.inverse_operator @ v)


def test_ascent_is_monotone_and_converges():
    g = cyclic(7)
    rng = np.random.default_rng(2)
    W0 = L.random_starts(7, 6, rng)
    E0 = L.group_energy(W0, g, SQ)
    res = L.ascend(g, SQ, W0, max_iter=4000, gtol=1e-7)
    assert np.all(res.energy >= E0)
    assert np.all(res.converged)
    np.testing.assert_allclose(np.linalg.norm(res.W, axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(res.energy, 7 / 4, rtol=1e-8)


@pytest.mark.parametrize("g", [cyclic(6), symmetric(3), quaternion(8)], ids=lambda g: g.name)
def test_claimed_maximizer_is_critical_and_classified(g):
    dec = irrep_decomposition(g)
    comps = L.real_components(dec)
    rng = np.random.default_rng(3)
    for c in comps:
        w = L.claimed_maximizer(g, dec, c.k, rng)
        pc = L.classify(w, g, dec, comps)
        assert pc.support == [c.k]
        assert pc.sign == 1
        assert pc.energy == pytest.approx(L.corrected_max_energy(g.order, c.degree, c.fs), rel=1e-10)
        assert pc.grad_norm < 1e-10 * pc.energy
        eig = L.riemannian_hessian_spectrum(w, g, SQ)
        assert eig.max() < 1e-9 * pc.energy
        assert L.kernel_dimension(eig, pc.energy, 1e-9) == L.predicted_kernel_dimension(c.degree, c.fs)


def test_real_components_cover_the_nontrivial_space():
    g = symmetric(4)
    comps = L.real_components(irrep_decomposition(g))
    B = np.concatenate([c.basis for c in comps], axis=1)
    assert B.shape == (24, 23)
    np.testing.assert_allclose(B.T @ B, np.eye(23), atol=1e-10)
    np.testing.assert_allclose(B.T @ np.ones(24), 0, atol=1e-10)


def test_printed_and_corrected_constants():
    assert L.printed_max_energy(12, 2, 1) == 12 / 16
    assert L.printed_max_energy(12, 1, 0) == 12 / 16
    assert L.printed_max_energy(8, 2, -1) is None
    assert L.corrected_max_energy(12, 2, 1) == 3.0
    assert L.corrected_max_energy(8, 2, -1) == 1.0


def test_stage2_groups_cover_every_fs_type():
    kinds = set()
    for _, g in L.stage2_groups("fast"):
        dec = irrep_decomposition(g)
        kinds |= {(int(ir.fs), int(ir.degree) > 1) for ir in dec.irreps[1:]}
    assert {(1, False), (1, True), (0, False), (0, True), (-1, True)} <= kinds
