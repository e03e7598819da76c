"""The registry of group families: where a new family of finite groups goes.

Each :class:`GroupFamily` names its members by one integer parameter ``n``: how to build the member
(``constructor``), its spec string for :func:`li2verify.groups.spec.from_spec` (``spec``), its order, the
parameter range, whether its members are Abelian, and which run profiles draw it in property checks
(``profiles``; :mod:`li2verify.groups.strategies` draws every family with a non-empty ``profiles``, in registry
order, which is the shrinking order: earlier families are simpler).  ``tests/groups/test_families.py`` builds
members of every entry and checks them against the spec parser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from li2verify.groups.finite import (FiniteGroup, alternating, cyclic, dicyclic, dihedral, product_of_cyclic, quaternion,
                                     symmetric)

ALL_PROFILES = ("fast", "thorough", "paper")


@dataclass(frozen=True)
class GroupFamily:
    """A family of finite groups indexed by an integer parameter ``n`` (``n_min ≤ n ≤ n_max``)."""

    name: str
    spec: Callable[[int], str]  # the member's spec for from_spec, e.g. n ↦ "D{2n}"
    order: Callable[[int], int]
    n_min: int
    abelian: bool
    constructor: Callable[[int], FiniteGroup] | None = None
    parameter: str = "n"  # what n is, in words
    n_max: int | None = None
    profiles: tuple[str, ...] = ()  # run profiles whose property checks draw from this family

    def build(self, n: int) -> FiniteGroup:
        """The member with parameter ``n``."""
        if n < self.n_min or (self.n_max is not None and n > self.n_max):
            raise ValueError(f"{self.name}: parameter {n} outside [{self.n_min}, {self.n_max or '∞'}]")
        return self.constructor(n)


FAMILIES: dict[str, GroupFamily] = {f.name: f for f in (
    GroupFamily("cyclic", lambda n: f"Z{n}", lambda n: n, 2, True, cyclic, "the order", profiles=ALL_PROFILES),
    GroupFamily("product", lambda n: f"2x{n}", lambda n: 2 * n, 2, True, lambda n: product_of_cyclic(f"2x{n}"),
                "the second factor's order (Z2 × Zn)", profiles=ALL_PROFILES),
    GroupFamily("dihedral", lambda n: f"D{2 * n}", lambda n: 2 * n, 3, False, dihedral,
                "the number of polygon vertices (order 2n)", profiles=ALL_PROFILES),
    GroupFamily("dicyclic", lambda n: f"Dic{n}", lambda n: 4 * n, 2, False, dicyclic, "n (order 4n)",
                profiles=ALL_PROFILES),
    GroupFamily("quaternion", lambda m: f"Q{4 * m}", lambda m: 4 * m, 2, False, lambda m: quaternion(4 * m),
                "m (order 4m; Q_{4m} = Dic_m)"),
    GroupFamily("symmetric", lambda n: f"S{n}", math.factorial, 1, False, symmetric, "the number of points",
                n_max=6),
    GroupFamily("alternating", lambda n: f"A{n}", lambda n: math.factorial(n) // (2 if n >= 2 else 1), 1, False,
                alternating, "the number of points", n_max=6),
)}


def family(name: str) -> GroupFamily:
    """The registry entry called ``name`` (a clear error lists the known names)."""
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown group family {name!r}; known: {', '.join(FAMILIES)}") from None
