"""Unit tests of li2verify.paper.repulsion (Thm 6 engine)."""

import numpy as np
import pytest

from li2verify.paper.repulsion import (
    all_pairs_schur, all_pairs_sign_match, approx_residual_similarity, pair_schur, residual_similarity_explicit,
    ridge_inverse_chol, sign_match, top_similar_pairs, woodbury_inverse,
)
from li2verify.paper.task import center


@pytest.mark.parametrize("shape,eta", [((40, 20), 1e-2), ((20, 40), 1e-1), ((30, 30), 1.0)])
def test_all_pairs_formula_matches_explicit_projector(shape, eta):
    rng = np.random.default_rng(0)
    F = center(rng.standard_normal(shape))
    B = ridge_inverse_chol(F, eta)
    sch = all_pairs_schur(B)
    for j, l in [(0, 1), (5, 9), (12, 3)]:
        be = residual_similarity_explicit(F, eta, j, l)
        assert abs(be - sch.beta[j, l]) < 1e-8 * max(1, abs(be))
        ps = pair_schur(F, eta, j, l)
        assert np.isclose(ps.alpha_resid, sch.alpha[j, l], rtol=1e-8)
        assert np.isclose(ps.gamma_resid, sch.gamma[j, l], rtol=1e-8)
        assert np.isclose(ps.q12, B[j, l], rtol=1e-8)


def test_b_requires_positive_definite_gram():
    F = center(np.random.default_rng(1).standard_normal((10, 20)))
    with pytest.raises(ValueError, match="not positive definite"):
        ridge_inverse_chol(F, 0.0)


def test_woodbury_equals_direct_inverse():
    F = center(np.random.default_rng(2).standard_normal((15, 25)))
    assert np.allclose(woodbury_inverse(F, 0.5), ridge_inverse_chol(F, 0.5), atol=1e-10)


def test_full_projector_identity_makes_approximate_test_vacuous():
    """F̃ᵀP_ηF̃ = ηI − η²B, so f̃_jᵀP_ηf̃_l = −η² b_jl for j ≠ l."""
    F = center(np.random.default_rng(3).standard_normal((20, 12)))
    eta = 0.3
    B = ridge_inverse_chol(F, eta)
    pairs = top_similar_pairs(F, 10)
    a = approx_residual_similarity(F, eta, pairs, B, "resolvent")
    b = approx_residual_similarity(F, eta, pairs, B, "identity")
    assert np.allclose(a, b, rtol=1e-10, atol=1e-14)


def test_top_similar_pairs_are_sorted_and_unordered():
    F = center(np.random.default_rng(4).standard_normal((20, 15)))
    p = top_similar_pairs(F, 7)
    assert p.shape == (7, 2) and np.all(p[:, 0] < p[:, 1])
    Fn = F / np.linalg.norm(F, axis=0)
    c = [(Fn[:, j] @ Fn[:, l]) for j, l in p]
    assert all(c[i] >= c[i + 1] for i in range(len(c) - 1))


def test_sign_match_counts_undecided_apart():
    sm = sign_match(np.array([1.0, -2.0, 1e-20]), np.array([-1.0, 3.0, 5.0]), threshold=1e-10)
    assert (sm.pairs, sm.matches, sm.undecided, sm.rate) == (3, 2, 1, 1.0)


def test_all_pairs_sign_match_is_total():
    F = center(np.random.default_rng(5).standard_normal((30, 50)))
    sm, _ = all_pairs_sign_match(F, 1e-2)
    assert sm.pairs == 50 * 49 // 2 and sm.matches == sm.pairs - sm.undecided
