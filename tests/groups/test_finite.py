"""Unit tests of li2verify.groups.finite: constructors, derived data, and table validation with precise errors.

Hypothesis: random corruptions of valid tables must be rejected, and whatever the error message claims
(the row/column and repeated element, the out-of-range entry, the missing identity or inverse, the failing
triple (a, b, c)) is re-checked on the corrupted table — so a wrong message fails the test.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from li2verify.groups.finite import FiniteGroup, GroupTableError, alternating, cyclic, dicyclic, dihedral, direct_product, product_of_cyclic, quaternion, symmetric
from li2verify.groups.spec import from_spec
from li2verify.utils.profiles import active_profile

# a loop (Latin square with identity 0) in which element 1 has different left and right inverses
LOOP_NO_INVERSE = [[0, 1, 2, 3, 4], [1, 4, 0, 2, 3], [2, 3, 1, 4, 0], [3, 0, 4, 1, 2], [4, 2, 3, 0, 1]]
# a loop of order 5 with two-sided inverses (every x·x = 0) that is not associative
LOOP_NONASSOC = [[0, 1, 2, 3, 4], [1, 0, 3, 4, 2], [2, 4, 0, 1, 3], [3, 2, 4, 0, 1], [4, 3, 1, 2, 0]]


def _is_group_table(t) -> bool:
    try:
        FiniteGroup(t)
        return True
    except GroupTableError:
        return False


# -- constructors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, order, n_classes, abelian, centre, exponent",
    [
        (lambda: cyclic(12), 12, 12, True, 12, 12),
        (lambda: product_of_cyclic("2x2x9"), 36, 36, True, 36, 18),
        (lambda: dihedral(4), 8, 5, False, 2, 4),
        (lambda: dihedral(5), 10, 4, False, 1, 10),
        (lambda: symmetric(3), 6, 3, False, 1, 6),
        (lambda: symmetric(4), 24, 5, False, 1, 12),
        (lambda: symmetric(5), 120, 7, False, 1, 60),
        (lambda: alternating(4), 12, 4, False, 1, 6),
        (lambda: alternating(5), 60, 5, False, 1, 30),
        (lambda: quaternion(), 8, 5, False, 2, 4),
        (lambda: quaternion(16), 16, 7, False, 2, 8),
        (lambda: dicyclic(3), 12, 6, False, 2, 12),
        (lambda: direct_product(symmetric(3), cyclic(2)), 12, 6, False, 2, 6),
    ],
)
def test_constructors_give_the_textbook_groups(make, order, n_classes, abelian, centre, exponent):
    g = make()
    assert g.order == order
    assert len(g.conjugacy_classes) == n_classes
    assert g.is_abelian is abelian
    assert len(g.center) == centre
    assert g.exponent == exponent
    assert sum(len(c) for c in g.conjugacy_classes) == order
    assert g.conjugacy_classes[0].tolist() == [g.identity]


def test_quaternion_group_relations():
    g = quaternion()
    orders = sorted(g.element_orders.tolist())
    assert orders == [1, 2, 4, 4, 4, 4, 4, 4]  # one involution (−1), six elements of order 4


def test_element_orders_divide_the_group_order_and_powers_hit_identity():
    g = dicyclic(5)
    for x in range(g.order):
        n = int(g.element_orders[x])
        assert g.order % n == 0
        y = g.identity
        for _ in range(n):
            y = g.table[y, x]
        assert y == g.identity


def test_from_spec():
    assert from_spec("Z7").order == 7 and from_spec("71").order == 71
    assert from_spec("4x7").order == 28
    assert from_spec("D10").order == 10 and from_spec("S4").order == 24
    assert from_spec("D8").order == 8 and from_spec("D8").name == "D8" == dihedral(4).name
    assert from_spec("A5").order == 60 and from_spec("Q8").order == 8 and from_spec("Dic3").order == 12
    with pytest.raises(ValueError, match="unknown group spec"):
        from_spec("nonsense")


@pytest.mark.parametrize("spec, why", [
    ("foo", "unknown group spec"), ("0", "order must be ≥ 1"), ("-5", "order must be ≥ 1"),
    ("4x", "both sides of every 'x'"), ("S7", "symmetric groups stop at n = 6"), ("A9", "stop at n = 6"),
    ("D5", "named by their order"), ("Q6", "multiple of 4"), ("", "empty group spec"),
    ("100000", "too large"), ("2x2x2x2x2x2x2x2x2x2x2x2x2", "too large"),
])
def test_from_spec_rejects_with_a_named_reason(spec, why):
    from li2verify.groups.spec import GroupSpecError, spec_order

    with pytest.raises(GroupSpecError, match=why):
        from_spec(spec)
    if why != "too large":
        with pytest.raises(GroupSpecError):
            spec_order(spec)


def test_spec_order_without_building():
    from li2verify.groups.spec import spec_order

    assert spec_order("2x2x2x2x2x2x2x2x2x2") == 1024 and spec_order("100000") == 100000
    assert spec_order("Q16") == 16 and spec_order("D8") == 8 and spec_order("S5") == 120 and spec_order("A5") == 60
    assert spec_order("Dic3") == 12 and spec_order("8:3") == 8


def test_regular_representation_and_inverse_operator():
    g = symmetric(3)
    for a in range(6):
        for b in range(6):
            assert np.array_equal(g.regular_representation(a) @ g.regular_representation(b),
                                  g.regular_representation(g.table[a, b]))
    P = g.inverse_operator
    assert np.array_equal(P @ P, np.eye(6)) and np.array_equal(P, P.T)


def test_identity_need_not_be_element_zero():
    g = cyclic(6).relabel([3, 0, 1, 2, 4, 5])
    assert g.identity == 3 and g.inverse[3] == 3


# -- validation: precise messages ---------------------------------------------------------------------------
def test_not_square():
    with pytest.raises(GroupTableError, match=r"must be square, got shape \(2, 3\)"):
        FiniteGroup([[0, 1, 0], [1, 0, 1]])
    with pytest.raises(GroupTableError, match="square"):
        FiniteGroup([[0, 1], [1]])
    with pytest.raises(GroupTableError, match="empty"):
        FiniteGroup(np.zeros((0, 0), dtype=int))


def test_entries_out_of_range_and_non_integer():
    with pytest.raises(GroupTableError, match=r"entry table\[1, 0\] = 2 is out of range 0\.\.1"):
        FiniteGroup([[0, 1], [2, 0]])
    with pytest.raises(GroupTableError, match=r"entry table\[0, 1\] = -1"):
        FiniteGroup([[0, -1], [1, 0]])
    with pytest.raises(GroupTableError, match=r"integers: table\[0, 1\] = 0\.5"):
        FiniteGroup([[0.0, 0.5], [1.0, 0.0]])


def test_latin_square_row_and_column():
    t = cyclic(4).table.copy()
    t[2, 3] = t[2, 0]
    with pytest.raises(GroupTableError, match=r"not a Latin square: row 2 contains element 2 twice \(at columns 0 and 3\)"):
        FiniteGroup(t)
    t = cyclic(4).table.copy()
    t[1, [0, 1]] = t[1, [1, 0]]  # rows stay permutations, columns 0 and 1 break
    with pytest.raises(GroupTableError, match=r"not a Latin square: column 0 contains element 2 twice"):
        FiniteGroup(t)


def test_no_identity():
    t = cyclic(5).table[:, [0, 2, 1, 3, 4]]
    with pytest.raises(GroupTableError, match="no identity element"):
        FiniteGroup(t)


def test_missing_inverse():
    with pytest.raises(GroupTableError,
                       match=r"missing inverse: element 1 has no two-sided inverse \(1·2 = 0 but 3·1 = 0"):
        FiniteGroup(LOOP_NO_INVERSE)


def test_non_associative_names_a_failing_triple():
    with pytest.raises(GroupTableError, match=r"not associative") as info:
        FiniteGroup(LOOP_NONASSOC)
    _check_message(np.array(LOOP_NONASSOC), str(info.value))


def test_associativity_check_is_vectorized_and_fast_for_hundreds():
    import time

    g = direct_product(symmetric(5), cyclic(3))  # M = 360
    t0 = time.perf_counter()
    FiniteGroup(g.table)
    assert time.perf_counter() - t0 < 5.0


def test_light_test_agrees_with_brute_force_on_random_loops():
    """Random Latin squares with identity (loops) of order 6: the validator's verdict on associativity must
    equal the brute-force check over all M³ triples."""
    rng = np.random.default_rng(7)
    base = cyclic(6).table
    seen_assoc = seen_nonassoc = 0
    for _ in range(200):
        t = base.copy()
        for _ in range(3):  # random intercalate switches away from the identity row/column
            cands = [(a, c, b, d) for a in range(1, 6) for c in range(a + 1, 6) for b in range(1, 6)
                     for d in range(b + 1, 6) if t[a, b] == t[c, d] and t[a, d] == t[c, b]]
            if not cands:
                break
            a, c, b, d = cands[rng.integers(len(cands))]
            x, y = t[a, b], t[a, d]
            t[a, b], t[c, d], t[a, d], t[c, b] = y, y, x, x
        brute = bool(np.array_equal(t[t], t[np.arange(6)[:, None, None], t[None, :, :]]))
        try:  # identity 0 is kept, so the loop is a group iff it is associative
            FiniteGroup(t)
            verdict = True
        except GroupTableError as exc:
            verdict = False
            _check_message(t, str(exc))
        assert verdict == brute
        seen_assoc += brute
        seen_nonassoc += not brute
    assert seen_nonassoc > 0


# -- Hypothesis: random corruptions ------------------------------------------------------------------------
def _check_message(t: np.ndarray, msg: str) -> None:
    """Re-check on table ``t`` whatever the GroupTableError message claims."""
    M = t.shape[0]
    ar = np.arange(M)
    m = re.search(r"not a Latin square: (row|column) (\d+) contains element (\d+) twice \(at \w+ (\d+) and (\d+)\)", msg)
    if m:
        kind, r, v, p, q = m.group(1), *map(int, m.groups()[1:])
        line = t[r] if kind == "row" else t[:, r]
        assert line[p] == v and line[q] == v and p != q, msg
        # and every earlier row (or, for a column error, every row and earlier column) is a permutation
        if kind == "row":
            assert all(sorted(t[i]) == list(range(M)) for i in range(r)), msg
        else:
            assert all(sorted(t[i]) == list(range(M)) for i in range(M)), msg
            assert all(sorted(t[:, j]) == list(range(M)) for j in range(r)), msg
        return
    m = re.search(r"entry table\[(\d+), (\d+)\] = (-?\d+) is out of range", msg)
    if m:
        i, j, v = map(int, m.groups())
        assert t[i, j] == v and not 0 <= v < M, msg
        return
    if "no identity element" in msg:
        assert not any((t[e] == ar).all() and (t[:, e] == ar).all() for e in range(M)), msg
        return
    m = re.search(r"missing inverse: element (\d+) has no two-sided inverse \((\d+)·(\d+) = (\d+) but (\d+)·(\d+) = (\d+)", msg)
    if m:
        a, a1, b, e1, c, a2, e2 = map(int, m.groups())
        assert a == a1 == a2 and t[a, b] == e1 == e2 and t[c, a] == e1 and b != c, msg
        return
    m = re.search(r"not associative: \((\d+)·(\d+)\)·(\d+) = (\d+) but (\d+)·\((\d+)·(\d+)\) = (\d+)", msg)
    if m:
        a, b, c, x, a_, b_, c_, y = map(int, m.groups())
        assert (a, b, c) == (a_, b_, c_), msg
        assert t[t[a, b], c] == x and t[a, t[b, c]] == y and x != y, msg
        return
    raise AssertionError(f"unrecognized validation message: {msg}")


_BASE = {
    "Z5": lambda: cyclic(5),
    "Z6": lambda: cyclic(6),
    "2x4": lambda: product_of_cyclic("2x4"),
    "2x2x2": lambda: product_of_cyclic("2x2x2"),
    "S3": lambda: symmetric(3),
    "D4": lambda: dihedral(4),
    "Q8": lambda: quaternion(),
    "A4": lambda: alternating(4),
}
_N = active_profile().pick(fast=60, thorough=400)


@st.composite
def corrupted_tables(draw):
    name = draw(st.sampled_from(sorted(_BASE)))
    t = _BASE[name]().table.copy()
    M = t.shape[0]
    kind = draw(st.sampled_from(["entry", "range", "swap_cols", "swap_rows", "values", "intercalate"]))
    i, j = draw(st.integers(0, M - 1)), draw(st.integers(0, M - 1))
    if kind == "entry":
        v = draw(st.integers(0, M - 2))
        t[i, j] = v if v < t[i, j] else v + 1
    elif kind == "range":
        t[i, j] = draw(st.sampled_from([-1, M, M + 7, -5]))
    elif kind in ("swap_cols", "swap_rows"):
        k = draw(st.integers(0, M - 2))
        k = k if k < j else k + 1
        if kind == "swap_cols":
            t[:, [j, k]] = t[:, [k, j]]
        else:
            t[[j, k]] = t[[k, j]]
    elif kind == "values":
        u = draw(st.integers(0, M - 2))
        u = u if u < j else u + 1
        t = np.where(t == u, -1, t)
        t = np.where(t == j, u, t)
        t = np.where(t == -1, j, t)
    else:  # intercalate switch: keeps the Latin property, may break identity/inverse/associativity
        cands = [(a, c, b, d) for a in range(M) for c in range(a + 1, M) for b in range(M) for d in range(b + 1, M)
                 if t[a, b] == t[c, d] and t[a, d] == t[c, b]]
        if cands:
            a, c, b, d = cands[draw(st.integers(0, len(cands) - 1))]
            x, y = t[a, b], t[a, d]
            t[a, b], t[c, d], t[a, d], t[c, b] = y, y, x, x
    return name, kind, t


@settings(max_examples=_N, deadline=None)
@given(corrupted_tables())
def test_random_corruptions_are_rejected_with_a_true_message(case):
    name, kind, t = case
    try:
        FiniteGroup(t)
    except GroupTableError as exc:
        _check_message(t, str(exc))
        if kind == "entry":
            assert "not a Latin square: row" in str(exc)
        if kind == "range":
            assert "out of range" in str(exc)
        return
    # no error: only an intercalate switch can produce another group table (e.g. Z4 <-> Z2xZ2 squares),
    # and then it must really be associative (brute force over all triples: checks Light's test)
    assert kind == "intercalate", f"{name}: corruption {kind} was accepted"
    assert np.array_equal(t[t], t[np.arange(len(t))[:, None, None], t[None, :, :]])


@settings(max_examples=active_profile().pick(fast=20, thorough=100), deadline=None)
@given(st.sampled_from(sorted(_BASE)), st.integers(0, 2**31 - 1))
def test_relabeling_preserves_derived_data(name, seed):
    g = _BASE[name]()
    perm = np.random.default_rng(seed).permutation(g.order)
    h = g.relabel(perm)
    assert h.identity == perm[g.identity]
    assert np.array_equal(h.inverse[perm], perm[g.inverse])
    assert np.array_equal(h.element_orders[perm], g.element_orders)
    assert sorted(map(len, h.conjugacy_classes)) == sorted(map(len, g.conjugacy_classes))
    assert sorted(perm[g.center].tolist()) == sorted(h.center.tolist())
