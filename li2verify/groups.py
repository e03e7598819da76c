"""Finite groups from Cayley tables (Sec. 4.2).

A :class:`FiniteGroup` holds a validated Cayley table ``table[a, b] = index of a·b`` over elements
``0..M-1`` (element 0 need not be the identity) and the derived data the paper uses: identity, inverses,
the regular representation ``R_h`` (``e_{h1 h2} = R_{h1} e_{h2}``) and the inverse operator ``P``
(``P e_h = e_{h^{-1}}``).

This is the single constructor path for groups: every other constructor (cyclic, products, GAP exports)
builds a table and calls :class:`FiniteGroup`.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np


class GroupTableError(ValueError):
    """A Cayley table that is not a group table; the message names the axiom and where it fails."""


class FiniteGroup:
    """A finite group given by its Cayley table (0-based indices)."""

    def __init__(self, table, name: str = "") -> None:
        t = np.asarray(table)
        if t.ndim != 2 or t.shape[0] != t.shape[1]:
            raise GroupTableError(f"Cayley table must be square, got shape {t.shape}")
        if t.shape[0] == 0:
            raise GroupTableError("Cayley table is empty")
        if not np.issubdtype(t.dtype, np.integer):
            if not np.all(np.equal(np.mod(t, 1), 0)):
                raise GroupTableError("Cayley table entries must be integers")
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
        for r in range(M):
            if len(np.unique(t[r])) != M:
                raise GroupTableError(f"not a Latin square: row {r} repeats an element")
        for c in range(M):
            if len(np.unique(t[:, c])) != M:
                raise GroupTableError(f"not a Latin square: column {c} repeats an element")
        ids = [e for e in range(M) if np.array_equal(t[e], ar) and np.array_equal(t[:, e], ar)]
        if not ids:
            raise GroupTableError("no identity element: no e with e·x = x·e = x for all x")
        e = ids[0]
        inv = np.empty(M, dtype=np.int64)
        for a in range(M):
            right = np.flatnonzero(t[a] == e)
            if len(right) != 1 or t[right[0], a] != e:
                raise GroupTableError(f"element {a} has no two-sided inverse")
            inv[a] = right[0]
        # associativity, vectorized: (a·b)·c == a·(b·c) for all triples
        lhs = t[t]  # lhs[a, b, c] = (a·b)·c
        rhs = t[ar[:, None, None], t[None, :, :]]  # rhs[a, b, c] = a·(b·c)
        bad = np.argwhere(lhs != rhs)
        if len(bad):
            a, b, c = (int(x) for x in bad[0])
            raise GroupTableError(
                f"not associative: ({a}·{b})·{c} = {lhs[a, b, c]} but {a}·({b}·{c}) = {rhs[a, b, c]}"
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

    def __repr__(self) -> str:
        return f"FiniteGroup({self.name!r}, order={self.order})"


def cyclic(M: int) -> FiniteGroup:
    """Z_M: modular addition (Cor 2)."""
    if int(M) != M or M < 1:
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
