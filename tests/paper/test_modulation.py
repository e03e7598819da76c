"""Unit tests of li2verify.paper.modulation (Thm 7 engine)."""

import numpy as np

from li2verify.paper.activations import get_activation
from li2verify.groups.finite import cyclic, dihedral
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.landscape import group_energy_and_gradient
from li2verify.paper.modulation import (
    block_rows, centered_targets, conjugation_closure, learned_prediction, modulated_energy_and_gradient,
    phi_S, residual_kernel,
)


def test_full_kernel_gives_the_plain_energy():
    G = cyclic(6)
    M = G.order
    W = np.random.default_rng(0).standard_normal((2 * M, 3))
    E1, G1 = modulated_energy_and_gradient(W, G, np.eye(M) - 1.0 / M)
    E2, G2 = group_energy_and_gradient(W, G, get_activation("square"))
    assert np.allclose(E1, E2) and np.allclose(G1, G2)


def test_empty_S_kernel_is_centering():
    dec = irrep_decomposition(dihedral(4))
    K = residual_kernel(dec, set())
    assert np.allclose(K, np.eye(8) - 1.0 / 8)


def test_abelian_phi_matches_kernel():
    dec = irrep_decomposition(cyclic(5))
    S = conjugation_closure(dec, [1])
    P = phi_S(dec, S)
    assert np.allclose(P @ P.conj().T, residual_kernel(dec, S))


def test_learned_prediction_reconstructs_when_all_irreps_learned():
    G = cyclic(5)
    dec = irrep_decomposition(G)
    net = learned_prediction(G, dec, {1, 2, 3, 4}, np.random.default_rng(1))
    assert np.allclose(net.Y_hat, centered_targets(G), atol=1e-9)


def test_block_rows_order():
    G = cyclic(3)
    A = np.arange(9.0).reshape(3, 3)
    R = block_rows(A, G)
    assert R.shape == (9, 3) and np.allclose(R[1], A[1])  # pair (0, 1) has target 1


def test_learned_prediction_does_not_fit_rounding_level_directions():
    """F̃ of the learned network is rank deficient by construction; its least-squares top layer must treat
    rounding-level singular values as zeros, so that Ŷ (the projection of Ỹ onto the learned components) does not
    depend on which random nodes span them.  With lstsq's default cutoff Ŷ moved by up to 8e-4 on SmallGroup(8,4)."""
    import itertools

    import numpy as np

    from li2verify.groups.irreps import irrep_decomposition
    from li2verify.groups.spec import from_spec
    from li2verify.paper.modulation import learned_prediction

    g = from_spec("8:4")
    dec = irrep_decomposition(g)
    ks = range(1, len(dec.irreps))
    worst = 0.0
    for r in range(1, len(ks)):
        for S in itertools.combinations(ks, r):
            S = set(S) | {dec.irreps[k].conjugate for k in S}
            a = learned_prediction(g, dec, S, np.random.default_rng(0))
            b = learned_prediction(g, dec, S, np.random.default_rng(1))
            worst = max(worst, float(np.abs(a.Y_hat - b.Y_hat).max()))
    assert worst < 1e-9
