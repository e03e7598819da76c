"""Unit tests of li2verify.paper.reconstruction."""

import numpy as np
import pytest

from li2verify.paper import reconstruction as RC
from li2verify.groups.finite import cyclic, symmetric, product_of_cyclic, alternating
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.task import all_pairs


def test_cross_feature_is_the_cross_term_of_a_conjugate_node():
    g = symmetric(3)
    rng = np.random.default_rng(0)
    u = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    F = RC.node_features([u], g, second="conj", signs=(1,))[:, 0]
    pr = all_pairs(g)
    sq = u[pr[:, 0]] ** 2 + u.conj()[g.inverse[pr[:, 1]]] ** 2
    np.testing.assert_allclose(F - sq, RC.cross_feature(np.outer(u, u.conj()), g), atol=1e-12)


def test_cross_feature_gram_is_four_times_frobenius():
    g = cyclic(4)
    rng = np.random.default_rng(1)
    U = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    V = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    assert np.vdot(RC.cross_feature(U, g), RC.cross_feature(V, g)) == pytest.approx(4 * np.trace(U.conj().T @ V))


def test_exact_reconstruction_with_conjugate_nodes():
    g = cyclic(5)
    dec = irrep_decomposition(g)
    rng = np.random.default_rng(2)
    us = [u for ir in dec.irreps[1:] for u in RC.learned_weights(dec, ir.k, rng)]
    assert len(us) * 2 == RC.node_count(dec) == 8
    assert RC.reconstruction_residual(RC.node_features(us, g, second="conj"), g) < 1e-10
    assert RC.reconstruction_residual(RC.node_features(us, g, second="same"), g) > 0.1


def test_node_count_and_bound():
    dec = irrep_decomposition(alternating(4))
    assert RC.node_count(dec) == 2 * (1 + 1 + 81)
    assert RC.node_count_bound(12, 3) == 2 * (81 + 2)
    ab = irrep_decomposition(product_of_cyclic("2x6"))
    assert RC.node_count(ab) == 2 * 12 - 2


def test_bad_second_mode_is_an_error():
    with pytest.raises(ValueError, match="second"):
        RC.node_features([np.ones(3)], cyclic(3), second="nope")
