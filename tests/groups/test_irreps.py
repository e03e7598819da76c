"""Unit tests of li2verify.groups.irreps: every defining identity of the decomposition, to float64 precision.

Groups: cyclic, products of cyclic groups, dihedral, S3/S4/S5, A4/A5, Q8/Q16, dicyclic (this file), and every
group of the shipped GAP catalog (tests/test_catalog.py).  Hypothesis: random products of cyclic groups and
random relabelings of Cayley tables.

Tolerance: TOL = 1e-10 on every identity.  The decomposition is built from two Hermitian eigen-decompositions
(class algebra, r×r; one random commutant element, M×M) whose eigenvector errors are ~ε·‖T‖/gap with
ε = 2.2e-16, ‖T‖ = O(1) and eigenvalue gaps ≳ 1e-4 for M ≤ 128; the identities then sum ≤ M terms of size ≤ 1,
so errors of ~1e-13 are expected (observed ≤ 2e-13).  1e-10 leaves three orders of magnitude and still
catches any real defect (a wrong matrix entry is O(1/d)).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from li2verify.groups.finite import alternating, cyclic, dicyclic, dihedral, direct_product, product_of_cyclic, quaternion, symmetric
from li2verify.groups.irreps import character_table, consistency_errors, irrep_decomposition
from li2verify.utils.profiles import active_profile

TOL = 1e-10

GROUPS = {
    "Z1": lambda: cyclic(1),
    "Z2": lambda: cyclic(2),
    "Z7": lambda: cyclic(7),
    "Z12": lambda: cyclic(12),
    "4x7": lambda: product_of_cyclic("4x7"),
    "2x2x9": lambda: product_of_cyclic("2x2x9"),
    "D3": lambda: dihedral(3),
    "D4": lambda: dihedral(4),
    "D5": lambda: dihedral(5),
    "D8": lambda: dihedral(8),
    "S3": lambda: symmetric(3),
    "S4": lambda: symmetric(4),
    "S5": lambda: symmetric(5),
    "A4": lambda: alternating(4),
    "A5": lambda: alternating(5),
    "Q8": lambda: quaternion(8),
    "Q16": lambda: quaternion(16),
    "Dic3": lambda: dicyclic(3),
    "Dic5": lambda: dicyclic(5),
    "S3xZ3": lambda: direct_product(symmetric(3), cyclic(3)),
    "Q8xZ3": lambda: direct_product(quaternion(8), cyclic(3)),
}

# (degrees sorted, number of FS=+1 / 0 / -1 irreps): textbook facts, independent of the engine
KNOWN = {
    "S3": ([1, 1, 2], (3, 0, 0)),
    "S4": ([1, 1, 2, 3, 3], (5, 0, 0)),
    "S5": ([1, 1, 4, 4, 5, 5, 6], (7, 0, 0)),
    "A4": ([1, 1, 1, 3], (2, 2, 0)),
    "A5": ([1, 3, 3, 4, 5], (5, 0, 0)),
    "Q8": ([1, 1, 1, 1, 2], (4, 0, 1)),
    "Q16": ([1, 1, 1, 1, 2, 2, 2], (5, 0, 2)),
    "Dic3": ([1, 1, 1, 1, 2, 2], (3, 2, 1)),
    "D5": ([1, 1, 2, 2], (4, 0, 0)),
    "Z7": ([1] * 7, (1, 6, 0)),
    "Q8xZ3": ([1] * 12 + [2] * 3, (4, 10, 1)),  # 2-dim ⊗ nontrivial Z3 character is complex
}


def _assert_consistent(dec, label):
    err = consistency_errors(dec)
    bad = {k: v for k, v in err.items() if not v <= TOL}
    assert not bad, f"{label}: identities violated beyond {TOL}: {bad}"
    return err


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_decomposition_identities(name):
    g = GROUPS[name]()
    dec = irrep_decomposition(g)
    _assert_consistent(dec, name)
    assert dec.irreps[0].degree == 1 and np.allclose(dec.irreps[0].character, 1)
    assert int((dec.degrees**2).sum()) == g.order
    assert len(dec.irreps) == len(dec.classes) == len(g.conjugacy_classes)
    assert irrep_decomposition(g) is dec  # cached per group object


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_degrees_and_fs(name):
    degrees, (nreal, ncomplex, nquat) = KNOWN[name]
    dec = irrep_decomposition(GROUPS[name]())
    assert sorted(dec.degrees.tolist()) == degrees
    fs = dec.fs_indicators.tolist()
    assert (fs.count(1), fs.count(0), fs.count(-1)) == (nreal, ncomplex, nquat)


def test_a5_golden_ratio_characters():
    dec = irrep_decomposition(alternating(5))
    phi = (1 + 5**0.5) / 2
    values = np.concatenate([ir.character for ir in dec.irreps if ir.degree == 3])
    assert np.isclose(values, phi).any() and np.isclose(values, 1 - phi).any()


def test_cyclic_characters_are_roots_of_unity():
    M = 9
    dec = irrep_decomposition(cyclic(M))
    got = sorted(tuple(np.round(ir.character, 9)) for ir in dec.irreps)
    want = sorted(tuple(np.round(np.exp(2j * np.pi * k * np.arange(M) / M), 9)) for k in range(M))
    assert np.allclose(np.array(got), np.array(want), atol=1e-9)


def test_real_forms_of_s3_are_real_and_quaternionic_block_of_q8():
    dec = irrep_decomposition(symmetric(3))
    two = [ir for ir in dec.irreps if ir.degree == 2][0]
    assert np.abs(two.matrices.imag).max() == 0 and two.real_matrices.shape == (6, 2, 2)
    q = [ir for ir in irrep_decomposition(quaternion()).irreps if ir.degree == 2][0]
    assert q.fs == -1 and q.real_matrices.shape == (8, 4, 4) and q.conjugate == q.k


def test_projector_matches_eqn34_definition():
    g = dicyclic(3)
    dec = irrep_decomposition(g)
    for ir in dec.irreps:
        P = sum(np.conj(ir.character[h]) * g.regular_representation(h) for h in range(g.order))
        P = P * ir.degree / g.order
        assert np.abs(P - dec.projector(ir.k)).max() < TOL


def test_character_table_is_independent_of_the_random_seed():
    g = symmetric(4)
    t0, d0 = character_table(g, seed=0)
    t1, d1 = character_table(g, seed=123)
    key = lambda row: tuple(np.round(row.real, 8)) + tuple(np.round(row.imag, 8))  # noqa: E731
    assert sorted(map(key, t0)) == sorted(map(key, t1))
    assert sorted(d0.tolist()) == sorted(d1.tolist())


_MAX_FACTOR = active_profile().pick(fast=12, thorough=30)
_MAX_ORDER = active_profile().pick(fast=64, thorough=128)


@settings(max_examples=active_profile().pick(fast=10, thorough=100), deadline=None)
@given(st.lists(st.integers(1, _MAX_FACTOR), min_size=1, max_size=3).filter(lambda fs: np.prod(fs) <= _MAX_ORDER))
def test_random_products_of_cyclic_groups(factors):
    g = product_of_cyclic("x".join(map(str, factors)))
    dec = irrep_decomposition(g)
    _assert_consistent(dec, g.name)
    assert (dec.degrees == 1).all()
    # FS: an Abelian character is real iff its values are ±1; number of real characters = #{g : g² = e}
    n_real = int((dec.fs_indicators == 1).sum())
    assert n_real == int((g.table[np.arange(g.order), np.arange(g.order)] == g.identity).sum())


_RELABEL_GROUPS = ["S3", "A4", "Q8", "Dic3", "D5", "S4", "Q16", "4x7"]


@settings(max_examples=active_profile().pick(fast=12, thorough=80), deadline=None)
@given(name=st.sampled_from(_RELABEL_GROUPS), seed=st.integers(0, 2**31 - 1))
def test_relabeling_gives_the_same_irreps_permuted(name, seed):
    g = GROUPS[name]()
    perm = np.random.default_rng(seed).permutation(g.order)
    h = g.relabel(perm)
    d1, d2 = irrep_decomposition(g), irrep_decomposition(h)
    _assert_consistent(d2, f"{name} relabeled")
    assert sorted(zip(d1.degrees.tolist(), d1.fs_indicators.tolist())) == sorted(
        zip(d2.degrees.tolist(), d2.fs_indicators.tolist()))
    used = set()
    for ir in d2.irreps:
        chi = ir.character[perm]  # χ'(perm[x]) = χ(x)
        k = d1.index_of_character(chi, tol=1e-9)
        assert k not in used and d1.irreps[k].fs == ir.fs and d1.irreps[k].degree == ir.degree
        used.add(k)


def test_irrep_kind_is_one_label_read_by_every_layer():
    from li2verify.groups.irreps import FS_KINDS, irrep_kind
    from li2verify.paper.landscape import real_components

    dec = irrep_decomposition(quaternion())  # Q8: four real characters and one quaternionic irrep
    assert [ir.kind for ir in dec.irreps] == [irrep_kind(ir.fs) for ir in dec.irreps]
    assert sorted({ir.kind for ir in dec.irreps}) == ["quaternionic", "real"]
    assert {c.kind for c in real_components(dec)} == {FS_KINDS[c.fs] for c in real_components(dec)}
    assert irrep_decomposition(cyclic(5)).irreps[1].kind == "complex"
