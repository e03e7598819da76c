"""Finite groups and their representations (numpy only; imports :mod:`li2verify.utils` only).

- :mod:`.finite` — Cayley table → validated :class:`~.finite.FiniteGroup`; the families (cyclic, products,
  dihedral, dicyclic/quaternion, symmetric, alternating).
- :mod:`.families` — the registry of group families (name, constructor, parameter, order, profiles that draw it).
- :mod:`.spec` — the one parser of group specs (``"Z71"``, ``"4x7"``, ``"D8"``, ``"SmallGroup(8,3)"``, catalog names).
- :mod:`.catalog` — the shipped GAP export (``data/``), GAP re-export and cross-check.
- :mod:`.irreps` — character tables, Frobenius–Schur types, unitary irreps, isotypic projectors.
- :mod:`.strategies` — Hypothesis strategies over the families, for property checks.
"""
