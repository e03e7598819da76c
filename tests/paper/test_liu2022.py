"""li2verify.paper.liu2022: each object against an independent computation."""

import itertools

import numpy as np
import pytest

from li2verify.paper import liu2022 as L


def test_parallelograms_match_a_brute_force_count_and_the_papers_p4_example():
    D0 = L.full_dataset(4)
    assert len(D0) == 10
    P = L.parallelograms(D0)
    # App. E, Eqn 19 lists the 3 parallelograms of p = 4 whose four symbols make an equation that is not trivial;
    # P0 (unordered pairs of distinct samples with equal sum) holds 4: (0,2)-(1,1), (0,3)-(1,2), (1,3)-(2,2), and
    # nothing else gives a new row of A beyond Eqn 20's three equations (rank 2 = p - 2)
    brute = [(a, b) for a, b in itertools.combinations(map(tuple, D0), 2) if sum(a) == sum(b)]
    assert len(P) == len(brute)
    A = L.constraint_matrix(P, 4)
    eqn20 = np.array([[1, -2, 1, 0], [1, -1, -1, 1], [0, 1, -2, 1]], dtype=float)
    assert L.rank(A) == L.rank(eqn20) == L.rank(np.vstack([A, eqn20])) == 2
    assert L.nullity(P, 4) == 2


def test_rqi_of_linear_and_random_representations():
    p = 10
    P0 = L.parallelograms(L.full_dataset(p))
    a, b = np.array([0.3, -1.0]), np.array([0.7, 0.2])
    E_lin = a + np.arange(p)[:, None] * b
    assert L.rqi(E_lin, P0) == 1.0
    rng = np.random.default_rng(0)
    assert L.rqi(rng.normal(size=(p, 2)), P0) < 0.05
    # hand count on a small perturbation: move E_9 and every parallelogram using 9 (and not twice) breaks
    E = E_lin.copy()
    E[9] += 1.0
    uses9 = np.array([(q == 9).sum() for q in P0])
    left, right = (P0[:, :2] == 9).sum(1), (P0[:, 2:] == 9).sum(1)
    assert L.rqi(E, P0) == pytest.approx(np.mean(left == right))
    assert uses9.max() >= 1


def test_predicted_accuracy_of_a_linear_and_of_a_random_representation():
    p = 10
    rng = np.random.default_rng(1)
    D = L.random_training_set(p, 30, rng)
    # a linear representation closes every parallelogram: exactly the samples whose sum occurs in D are derived
    D0 = L.full_dataset(p)
    reachable = np.isin(D0.sum(1), D.sum(1)).mean()
    assert L.predicted_accuracy(D, np.arange(p, dtype=float), p) == pytest.approx(reachable)
    assert L.predicted_accuracy(D, rng.normal(size=p) * 10, p) == pytest.approx(30 / 55)


def test_effective_gradient_matches_finite_differences_and_loss_is_scale_invariant():
    rng = np.random.default_rng(2)
    D = L.random_training_set(10, 35, rng)
    P = L.parallelograms(D)
    E = rng.normal(size=(10, 2))
    g = L.effective_gradient(E, P)
    h = 1e-6
    fd = np.zeros_like(E)
    for i in range(10):
        for d in range(2):
            Ep, Em = E.copy(), E.copy()
            Ep[i, d] += h
            Em[i, d] -= h
            fd[i, d] = (L.effective_loss(Ep, P) - L.effective_loss(Em, P)) / (2 * h)
    assert np.max(np.abs(g - fd)) < 1e-7 * max(1.0, np.max(np.abs(fd)))
    assert L.effective_loss(3.7 * E, P) == pytest.approx(L.effective_loss(E, P), rel=1e-12)


def test_lambda3_is_zero_when_the_set_leaves_extra_freedom_and_matches_the_hessian_spectrum():
    rng = np.random.default_rng(3)
    for n in (10, 45):
        D = L.random_training_set(10, n, rng)
        P = L.parallelograms(D)
        lam3 = L.grokking_rate(P, 10)
        A = L.constraint_matrix(P, 10)
        ev = np.sort(np.linalg.eigvalsh(A.T @ A)) * 2 / (len(P) * 10) if len(P) else np.zeros(10)
        if L.nullity(P, 10) > 2:
            assert lam3 == 0.0
        else:
            assert lam3 == pytest.approx(ev[2], rel=1e-9) and lam3 > 0


def test_effective_flow_conserves_Z0_and_rate_from_curve_reads_an_exponential():
    rng = np.random.default_rng(4)
    P = L.parallelograms(L.random_training_set(10, 40, rng))
    E = rng.normal(size=10)
    ts, traj = L.effective_flow(E, P, 50.0, 500)
    Z = np.sum(traj ** 2, axis=(1, 2))
    assert np.max(np.abs(Z - Z[0])) < 1e-6 * Z[0]
    t = np.linspace(0, 10, 50)
    assert L.rate_from_curve(t, 3 * np.exp(-0.37 * t)) == pytest.approx(0.37, rel=1e-9)


def test_threshold_sizes_agree_with_the_grid_probability():
    # the fraction of random n-sets implying the structure equals P(n* <= n) of random orderings
    n_star = L.threshold_sizes(10, 300, seed=0)
    prob, _ = L.unique_structure_probability(10, 25, 300, np.random.default_rng(9))
    assert abs(np.mean(n_star <= 25) - prob) < 0.12
    assert L.implies_full_structure(L.full_dataset(10), 10)


def test_spanning_parallelograms_have_the_span_of_all_of_them():
    rng = np.random.default_rng(5)
    for modulus, ordered in ((None, False), (7, True)):
        p = 7
        D = L.random_training_set(p, 25, rng, ordered=ordered)
        A = L.constraint_matrix(L.parallelograms(D, modulus), p, ordered)
        S = L.constraint_matrix(L.spanning_parallelograms(D, modulus), p, ordered)
        assert L.rank(S) == L.rank(A) == L.rank(np.vstack([A, S]))


def test_phase_follows_table_1():
    assert L.phase(100, 500, 1e5, 1e3) == "comprehension"
    assert L.phase(100, 5000, 1e5, 1e3) == "grokking"
    assert L.phase(100, np.nan, 1e5, 1e3) == "memorization"
    assert L.phase(np.nan, np.nan, 1e5, 1e3) == "confusion"
    assert L.phase(2e5, 500, 1e5, 1e3) == "unclassified"


def test_circle_rqi_of_fourier_and_random_first_layers():
    M, K = 11, 40
    rng = np.random.default_rng(6)
    a = np.arange(M)[:, None]
    k = rng.integers(1, M // 2 + 1, K)
    WL = np.cos(2 * np.pi * k * a / M + rng.uniform(0, 6.3, K))
    WR = np.cos(2 * np.pi * k * a / M + rng.uniform(0, 6.3, K))
    quads = L.modular_quadruples(M, 500, rng)
    assert np.all((quads[:, 0] + quads[:, 1]) % M == (quads[:, 2] + quads[:, 3]) % M)
    assert L.circle_rqi(WL, WR, quads) == 1.0
    assert L.circle_rqi(rng.normal(size=(M, K)), rng.normal(size=(M, K)), quads) == 0.0
    # additive parallelograms fail on cos features (Def. 1 is not the right notion for them)
    err = L.parallelogram_errors(WL, quads, WR)
    assert np.median(err) > 1.0
