"""Hypothesis strategies for property checks: groups from every family, weights, matrices, parameters.

Every strategy here shrinks toward a small, readable instance: a group strategy shrinks toward the smallest
order of the first family (Z_2), a matrix toward zeros with small entries, a unit vector toward a basis-like
direction.  Property checks draw from these instead of handing an integer seed to numpy's generator, so that a
failing example shrinks to a counterexample the report can print.

Sizes come from the active profile (:func:`li2verify.utils.profiles.active_profile`): ``max_order`` defaults to
:data:`MAX_ORDER` of that profile.  The families come from the registry :data:`li2verify.groups.families.FAMILIES`
(the one place a new group family is added; its ``profiles`` say where property checks draw it);
``tests/groups/test_strategies.py`` draws from every entry of :data:`GROUP_FAMILIES`.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from li2verify.groups.families import FAMILIES, GroupFamily
from li2verify.groups.finite import FiniteGroup
from li2verify.groups.spec import from_spec
from li2verify.utils.profiles import active_profile

__all__ = ["GROUP_FAMILIES", "GroupFamily", "MAX_ORDER", "group_specs", "groups", "unit_vectors", "real_matrices",
           "bounded_floats", "max_order", "group"]

#: Largest group order drawn by default, per profile.
MAX_ORDER = {"fast": 24, "thorough": 48, "paper": 64}


def _catalog_specs() -> list[str]:
    from li2verify.groups.catalog import catalog_records

    return [f"{r.order}:{r.smallgroup_id}" for r in catalog_records(max_order=max(MAX_ORDER.values()))
            if not r.is_abelian]


#: The families property checks draw from: the entries of :data:`li2verify.groups.families.FAMILIES` that some
#: profile uses (cyclic, products Z2 × Zn, dihedral, dicyclic), in registry order, plus the shipped non-Abelian
#: catalog (drawn by index, smallest order first).  Order matters for shrinking: earlier families are simpler.
GROUP_FAMILIES: tuple[GroupFamily, ...] = tuple(f for f in FAMILIES.values() if f.profiles)


def max_order(profile_name: str | None = None) -> int:
    return MAX_ORDER[profile_name or active_profile().name]


@st.composite
def _family_member(draw, fam: GroupFamily, max_ord: int) -> str:
    n_max = fam.n_min
    while fam.order(n_max + 1) <= max_ord:
        n_max += 1
    return fam.spec(draw(st.integers(fam.n_min, n_max)))


def group_specs(max_order: int | None = None, families: tuple[str, ...] | None = None,
                catalog: bool = True, abelian: bool | None = None) -> st.SearchStrategy[str]:
    """Group specs from the registry's families (and the shipped non-Abelian catalog), of order ≤ ``max_order``;
    shrinks toward ``Z2``."""
    mo = max_order if max_order is not None else globals()["max_order"]()
    prof = active_profile().name
    fams = [f for f in GROUP_FAMILIES if (families is None or f.name in families) and prof in f.profiles
            and (abelian is None or f.abelian == abelian) and f.order(f.n_min) <= mo]
    parts = [_family_member(f, mo) for f in fams]
    if catalog and abelian is not True and (families is None or "catalog" in families):
        specs = [s for s in _catalog_specs() if int(s.split(":")[0]) <= mo]
        if specs:
            parts.append(st.sampled_from(specs))
    if not parts:
        raise ValueError(f"no group family has a member of order ≤ {mo} (families={families}, abelian={abelian})")
    return st.one_of(*parts)


def groups(max_order: int | None = None, families: tuple[str, ...] | None = None, catalog: bool = True,
           abelian: bool | None = None) -> st.SearchStrategy[FiniteGroup]:
    """Finite groups (built and cached by :func:`li2verify.groups.spec.from_spec`); see :func:`group_specs`."""
    return group_specs(max_order, families, catalog, abelian).map(group)


_CACHE: dict[str, FiniteGroup] = {}


def group(spec: str) -> FiniteGroup:
    """The group named by ``spec``, built once per process."""
    if spec not in _CACHE:
        _CACHE[spec] = from_spec(spec)
    return _CACHE[spec]


def bounded_floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Finite floats in [lo, hi] (no NaN, no infinity)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def real_matrices(shape, bound: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` with entries in [−bound, bound]; shrinks toward zeros."""
    return hnp.arrays(np.float64, shape, elements=bounded_floats(-bound, bound))


def unit_vectors(dim: int, bound: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """Unit vectors in ℝ^dim, drawn as bounded arrays and normalised (arrays of tiny norm are rejected)."""
    return real_matrices((dim,), bound).filter(lambda v: np.linalg.norm(v) > 1e-3).map(
        lambda v: v / np.linalg.norm(v))
