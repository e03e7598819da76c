"""Finite groups from Cayley tables (Sec. 4.2).

A :class:`FiniteGroup` holds a validated Cayley table ``table[a, b] = index of a·b`` over elements
``0..M-1`` (element 0 need not be the identity) and the derived data the paper uses: identity, inverses,
element orders, conjugacy classes, centre, the regular representation ``R_h`` (``e_{h1 h2} = R_{h1} e_{h2}``)
and the inverse operator ``P`` (``P e_h = e_{h^{-1}}``).

This is the single constructor path for groups: every other constructor (cyclic, products, dihedral,
symmetric, alternating, dicyclic/quaternion, GAP exports via :mod:`li2verify.groups.catalog`) builds a table and
calls :class:`FiniteGroup`, which validates it.  Validation errors (:class:`GroupTableError`) name the axiom
and where it fails: the shape, the out-of-range entry, the row/column of a Latin-square violation and the
repeated element, the element without a two-sided inverse, or one failing triple ``(a, b, c)``.
Associativity is checked by Light's test over a generating set (O(M²·|S|), vectorized), see docs/irreps.md.
"""

from __future__ import annotations

import itertools
from functools import cached_property

import numpy as np


class GroupTableError(ValueError):
    """A Cayley table that is not a group table; the message names the axiom and where it fails."""


class FiniteGroup:
    """A finite group given by its Cayley table (0-based indices).

    ``table[a, b]`` is the index of ``a·b``.  The table is validated on construction (square, integer
    entries in ``0..M-1``, Latin square, identity, two-sided inverses, associativity) and stored read-only.
    """

    def __init__(self, table, name: str = "") -> None:
        try:
            t = np.asarray(table)
        except Exception as exc:  # ragged nested lists on new numpy
            raise GroupTableError(f"Cayley table must be square, got a ragged array ({exc})") from None
        if t.dtype == object:
            raise GroupTableError("Cayley table must be square, got a ragged array of rows")
        if t.ndim != 2 or t.shape[0] != t.shape[1]:
            raise GroupTableError(f"Cayley table must be square, got shape {t.shape}")
        if t.shape[0] == 0:
            raise GroupTableError("Cayley table is empty")
        if t.dtype == bool or not (np.issubdtype(t.dtype, np.integer) or np.issubdtype(t.dtype, np.floating)):
            raise GroupTableError(f"Cayley table entries must be integers, got dtype {t.dtype}")
        if not np.issubdtype(t.dtype, np.integer):
            bad = np.argwhere(~np.isfinite(t) | (np.mod(np.where(np.isfinite(t), t, 0), 1) != 0))
            if len(bad):
                i, j = (int(x) for x in bad[0])
                raise GroupTableError(f"Cayley table entries must be integers: table[{i}, {j}] = {t[i, j].item()!r}")
            t = t.astype(np.int64)
        M = t.shape[0]
        if t.min() < 0 or t.max() >= M:
            bad = np.argwhere((t < 0) | (t >= M))[0]
            raise GroupTableError(
                f"entry table[{bad[0]}, {bad[1]}] = {t[bad[0], bad[1]]} is out of range 0..{M - 1}"
            )
        self.table = np.ascontiguousarray(t, dtype=np.int64)
        self.table.setflags(write=False)
        self.name = name or f"group of order {M}"
        self._validate()

    # -- validation ------------------------------------------------------------------------------------
    def _validate(self) -> None:
        t, M = self.table, self.order
        ar = np.arange(M)
        for axis, what in ((1, "row"), (0, "column")):
            s = np.sort(t, axis=axis)
            bad = np.argwhere(s != (ar[None, :] if axis == 1 else ar[:, None]))
            if len(bad):
                r = int(bad[0][0] if axis == 1 else bad[0][1])
                line = t[r] if axis == 1 else t[:, r]
                vals, counts = np.unique(line, return_counts=True)
                v = int(vals[np.argmax(counts > 1)])
                pos = np.flatnonzero(line == v)[:2]
                other = "column" if axis == 1 else "row"
                raise GroupTableError(
                    f"not a Latin square: {what} {r} contains element {v} twice "
                    f"(at {other}s {int(pos[0])} and {int(pos[1])})"
                )
        left_id = np.flatnonzero((t == ar[None, :]).all(axis=1))  # e·x = x
        right_id = np.flatnonzero((t == ar[:, None]).all(axis=0))  # x·e = x
        ids = np.intersect1d(left_id, right_id)
        if not len(ids):
            raise GroupTableError("no identity element: no e with e·x = x·e = x for all x")
        e = int(ids[0])
        right_inv = np.argmax(t == e, axis=1)  # a·right_inv[a] = e (unique: Latin square)
        left_inv = np.argmax(t == e, axis=0)  # left_inv[a]·a = e
        bad = np.flatnonzero(right_inv != left_inv)
        if len(bad):
            a = int(bad[0])
            raise GroupTableError(
                f"missing inverse: element {a} has no two-sided inverse "
                f"({a}·{int(right_inv[a])} = {e} but {int(left_inv[a])}·{a} = {e}, identity {e})"
            )
        inv = right_inv.astype(np.int64)
        # associativity by Light's test, vectorized: the set Y of b with (a·b)·c = a·(b·c) for all a, c is
        # closed under multiplication ((a·b1b2)·c = ((a·b1)·b2)·c = (a·b1)·(b2·c) = a·(b1·(b2·c)) =
        # a·((b1·b2)·c)), so it suffices to check b in a generating set: O(M²·|S|) instead of O(M³)
        gens: list[int] = []
        member = np.zeros(M, dtype=bool)
        member[e] = True
        for g in range(M):
            if member.all():
                break
            if member[g]:
                continue
            gens.append(g)
            frontier = np.flatnonzero(member)
            while len(frontier):  # all left-associated words e·s1·s2·… in the generators
                nxt = np.unique(t[frontier[:, None], np.array(gens)[None, :]].ravel())
                nxt = nxt[~member[nxt]]
                member[nxt] = True
                frontier = nxt
        for b in gens:
            lhs = t[t[:, b]]  # lhs[a, c] = (a·b)·c
            rhs = t[:, t[b]]  # rhs[a, c] = a·(b·c)
            bad = np.argwhere(lhs != rhs)
            if len(bad):
                a, c = (int(x) for x in bad[0])
                raise GroupTableError(
                    f"not associative: ({a}·{b})·{c} = {lhs[a, c]} but {a}·({b}·{c}) = {rhs[a, c]}"
                )
        self._identity = e
        self._inverse = inv
        self._inverse.setflags(write=False)

    # -- basic data ------------------------------------------------------------------------------------
    @property
    def order(self) -> int:
        """M = |H|."""
        return int(self.table.shape[0])

    @property
    def identity(self) -> int:
        return self._identity

    @property
    def inverse(self) -> np.ndarray:
        """``inverse[a]`` is the index of a⁻¹."""
        return self._inverse

    def mul(self, a, b):
        """a·b (vectorized over index arrays)."""
        return self.table[a, b]

    @cached_property
    def is_abelian(self) -> bool:
        return bool(np.array_equal(self.table, self.table.T))

    @cached_property
    def element_orders(self) -> np.ndarray:
        """``element_orders[g]`` = the least n ≥ 1 with gⁿ = e."""
        M, e = self.order, self.identity
        ar = np.arange(M)
        orders = np.zeros(M, dtype=np.int64)
        cur = ar.copy()
        for n in range(1, M + 1):
            hit = (cur == e) & (orders == 0)
            orders[hit] = n
            if orders.all():
                break
            cur = self.table[cur, ar]
        orders.setflags(write=False)
        return orders

    @cached_property
    def exponent(self) -> int:
        """lcm of the element orders."""
        return int(np.lcm.reduce(self.element_orders))

    @cached_property
    def _class_data(self) -> tuple[list[np.ndarray], np.ndarray]:
        t, inv, M = self.table, self.inverse, self.order
        ar = np.arange(M)
        conj = t[t[:, ar], inv[:, None]]  # conj[x, g] = x g x⁻¹
        class_of = np.full(M, -1, dtype=np.int64)
        classes: list[np.ndarray] = []
        # identity class first, then classes in order of their smallest element
        for g in itertools.chain([self.identity], range(M)):
            if class_of[g] >= 0:
                continue
            members = np.unique(conj[:, g])
            class_of[members] = len(classes)
            members.setflags(write=False)
            classes.append(members)
        class_of.setflags(write=False)
        return classes, class_of

    @property
    def conjugacy_classes(self) -> list[np.ndarray]:
        """Conjugacy classes as sorted element-index arrays; the identity class {e} is first, the others are
        ordered by their smallest element."""
        return self._class_data[0]

    @property
    def class_of(self) -> np.ndarray:
        """``class_of[g]`` = index of g's class in :attr:`conjugacy_classes`."""
        return self._class_data[1]

    def generated_subgroup(self, gens) -> np.ndarray:
        """Sorted element indices of the subgroup generated by ``gens``."""
        gens = np.asarray(list(gens), dtype=np.int64)
        member = np.zeros(self.order, dtype=bool)
        member[self.identity] = True
        frontier = np.array([self.identity])
        while len(frontier) and len(gens):
            nxt = np.unique(self.table[frontier[:, None], gens[None, :]].ravel())
            nxt = nxt[~member[nxt]]
            member[nxt] = True
            frontier = nxt
        return np.flatnonzero(member)

    @cached_property
    def generators(self) -> np.ndarray:
        """A small generating set, chosen greedily (elements of largest order first, then smallest index).

        Identities that are multiplicative in h (C(h)C(x) = C(hx), R_h Q = Q B(h), R_h Π = Π R_h) hold for all
        h as soon as they hold for every generator h."""
        order_idx = sorted(range(self.order), key=lambda g: (-int(self.element_orders[g]), g))
        gens: list[int] = []
        member = np.zeros(self.order, dtype=bool)
        member[self.identity] = True
        for g in order_idx:
            if member.all():
                break
            if not member[g]:
                gens.append(g)
                member[self.generated_subgroup(gens)] = True
        out = np.array(gens, dtype=np.int64)
        out.setflags(write=False)
        return out

    @cached_property
    def center(self) -> np.ndarray:
        """Z(H): the elements that commute with every element."""
        c = np.flatnonzero((self.table == self.table.T).all(axis=0))
        c.setflags(write=False)
        return c

    def regular_representation(self, h: int) -> np.ndarray:
        """R_h (Sec 4.2): the M×M permutation matrix with ``R_h e_g = e_{h·g}``."""
        M = self.order
        R = np.zeros((M, M))
        R[self.table[h], np.arange(M)] = 1.0
        return R

    @cached_property
    def inverse_operator(self) -> np.ndarray:
        """P (Sec 4.2): ``P e_h = e_{h⁻¹}``; P² = I, Pᵀ = P."""
        M = self.order
        P = np.zeros((M, M))
        P[self.inverse, np.arange(M)] = 1.0
        return P

    def relabel(self, perm, name: str | None = None) -> "FiniteGroup":
        """The same group with element ``g`` renamed ``perm[g]`` (an isomorphic copy)."""
        perm = np.asarray(perm, dtype=np.int64)
        M = self.order
        if sorted(perm.tolist()) != list(range(M)):
            raise ValueError("relabel needs a permutation of 0..M-1")
        new = np.empty_like(self.table)
        new[perm[:, None], perm[None, :]] = perm[self.table]
        return FiniteGroup(new, name=self.name if name is None else name)

    def __repr__(self) -> str:
        return f"FiniteGroup({self.name!r}, order={self.order})"


# -- constructors ----------------------------------------------------------------------------------------
def _positive_int(n, what: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or int(n) != n or n < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def cyclic(M: int) -> FiniteGroup:
    """Z_M: modular addition (Cor 2)."""
    if isinstance(M, bool) or int(M) != M or M < 1:
        raise ValueError(f"cyclic group order must be a positive integer, got {M!r}")
    M = int(M)
    a = np.arange(M)
    return FiniteGroup((a[:, None] + a[None, :]) % M, name=f"Z{M}")


def direct_product(*groups: FiniteGroup) -> FiniteGroup:
    """G1 × G2 × ... with elements ordered lexicographically (last factor fastest)."""
    if not groups:
        raise ValueError("direct_product needs at least one group")
    t = groups[0].table
    name = groups[0].name
    for g in groups[1:]:
        m1, m2 = t.shape[0], g.order
        t = (t[:, None, :, None] * m2 + g.table[None, :, None, :]).reshape(m1 * m2, m1 * m2)
        name = f"{name}x{g.name}"
    return FiniteGroup(t, name=name)


def product_of_cyclic(spec: str) -> FiniteGroup:
    """The product group of the paper's Fig 5/8 from a spec string such as ``"4x7"`` or ``"2x2x9"``."""
    parts = str(spec).lower().replace("z", "").split("x")
    try:
        orders = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"bad product spec {spec!r}: expected factors like '4x7' or '2x2x9'") from None
    if any(o < 1 for o in orders):
        raise ValueError(f"bad product spec {spec!r}: factor orders must be positive")
    g = direct_product(*[cyclic(o) for o in orders])
    g.name = "x".join(f"Z{o}" for o in orders)
    return g


def from_permutations(perms, name: str = "") -> FiniteGroup:
    """The group whose elements are the given permutations (each a tuple of images of 0..n-1), composed
    as functions: ``(p·q)(i) = p(q(i))``.  The list must be closed under composition."""
    perms = [tuple(int(x) for x in p) for p in perms]
    index = {p: i for i, p in enumerate(perms)}
    if len(index) != len(perms):
        raise ValueError("from_permutations: repeated permutation")
    P = np.array(perms, dtype=np.int64)
    n = P.shape[1]
    comp = P[:, P]  # comp[a, b, i] = p_a(p_b(i))
    weights = n ** np.arange(n, dtype=np.int64)
    codes = P @ weights
    order = np.argsort(codes)
    ccodes = comp @ weights
    pos = np.searchsorted(codes[order], ccodes).clip(0, len(perms) - 1)
    if not np.array_equal(codes[order][pos], ccodes):
        raise ValueError("from_permutations: the permutations are not closed under composition")
    table = order[pos]
    return FiniteGroup(table, name=name)


def _parity(p) -> int:
    p = list(p)
    seen, sign = [False] * len(p), 0
    for i in range(len(p)):
        if not seen[i]:
            j, length = i, 0
            while not seen[j]:
                seen[j] = True
                j = p[j]
                length += 1
            sign += length - 1
    return sign % 2


def symmetric(n: int) -> FiniteGroup:
    """S_n (all permutations of n points, lexicographic order, identity first); n <= 6."""
    n = _positive_int(n, "symmetric group degree")
    if n > 6:
        raise ValueError(f"symmetric(n) supports n <= 6 (order {n}! tables are large), got {n}")
    return from_permutations(list(itertools.permutations(range(n))), name=f"S{n}")


def alternating(n: int) -> FiniteGroup:
    """A_n (even permutations of n points, lexicographic order, identity first); n <= 6."""
    n = _positive_int(n, "alternating group degree")
    if n > 6:
        raise ValueError(f"alternating(n) supports n <= 6, got {n}")
    perms = [p for p in itertools.permutations(range(n)) if _parity(p) == 0]
    return from_permutations(perms, name=f"A{n}")


def dihedral(n: int) -> FiniteGroup:
    """The symmetries of the regular n-gon, of order 2n; named ``D{2n}`` as GAP (DihedralGroup(2n)), the
    catalog and :func:`from_spec` name it (``dihedral(4)`` is ``"D8"``).

    Elements ``r^i`` are indices ``i`` and ``s r^i`` are ``n + i``; ``s r s = r⁻¹``."""
    n = _positive_int(n, "dihedral group n (number of polygon vertices)")
    idx = np.arange(2 * n)
    refl, rot = idx // n, idx % n  # element = s^refl r^rot
    # (s^a r^i)(s^b r^j) = s^(a+b) r^((-1)^b i + j)
    a, i = refl[:, None], rot[:, None]
    b, j = refl[None, :], rot[None, :]
    new_rot = (np.where(b == 1, -i, i) + j) % n
    table = ((a + b) % 2) * n + new_rot
    return FiniteGroup(table, name=f"D{2 * n}")


def dicyclic(n: int) -> FiniteGroup:
    """Dic_n, the dicyclic group of order 4n: ⟨a, x | a^{2n} = 1, x² = aⁿ, x⁻¹ a x = a⁻¹⟩.

    Dic_2 is the quaternion group Q8; Dic_n for n a power of 2 is the generalized quaternion group.
    Elements ``a^i`` are indices ``i`` and ``a^i x`` are ``2n + i``."""
    n = _positive_int(n, "dicyclic group n")
    m = 2 * n
    idx = np.arange(2 * m)
    xs, pw = idx // m, idx % m  # element = a^pw x^xs
    # (a^i x^p)(a^j x^q): x a^j = a^{-j} x, x² = a^n
    i, p = pw[:, None], xs[:, None]
    j, q = pw[None, :], xs[None, :]
    jj = np.where(p == 1, -j, j)
    extra = np.where((p == 1) & (q == 1), n, 0)
    table = ((p + q) % 2) * m + (i + jj + extra) % m
    return FiniteGroup(table, name=f"Dic{n}")


def quaternion(order: int = 8) -> FiniteGroup:
    """The (generalized) quaternion group Q_order = Dic_{order/4}; ``quaternion()`` is Q8."""
    order = _positive_int(order, "quaternion group order", minimum=8)
    if order % 4:
        raise ValueError(f"quaternion group order must be a multiple of 4, got {order}")
    g = dicyclic(order // 4)
    g.name = f"Q{order}"
    return g


#: the largest order :func:`from_spec` builds: a group is an M×M int64 Cayley table (M = 4096: 134 MB, and
#: validation needs a few tables' worth of temporaries)
