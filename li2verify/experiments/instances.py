"""The profile-sized group instances that theorem modules iterate over, in one place.

An :class:`Instance` is one group of an instance list: its family label, the group, its irrep decomposition and
the real isotypic components (both computed once, on first use, and shared by every module that iterates over the
instance).  Iterating an instance yields ``(family, group)``, so ``for fam, g in STAGE2:`` reads as before.

- ``STAGE2`` — every family and Frobenius–Schur type (``li2verify.paper.landscape.stage2_groups`` at the active
  profile, built on first use): Thms 2–3, Cor 1, App. I; ``stage2_instances(profile_name)`` for a named profile.
- ``modulation_instances(profile)`` — the groups of Theorem 7 (learned irrep subsets S, one missing irrep at least).
- ``LAZY_FAMILIES`` — the three small groups of the Stage I (lazy-learning) checks, by label, and
  ``lazy_instance(family, seed, K)`` — one random-feature instance on all pairs of such a group.
- ``lazy_arrays(family, seed, K)`` — the same instance as the tuple (F̃, Ỹ, F, Y, Z) the Prop 1 checks unpack.
- ``family_label(family, group, component)`` — the one family label the evidence records (``family:group[kind d=…]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from li2verify.groups.finite import (
    FiniteGroup,
    cyclic,
    dicyclic,
    dihedral,
    direct_product,
    product_of_cyclic,
    quaternion,
    symmetric,
)
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper import landscape as L
from li2verify.paper.activations import get_activation
from li2verify.paper.lazy import random_feature_instance
from li2verify.paper.task import group_task
from li2verify.utils.profiles import active_profile


def family_label(family: str, g, comp=None) -> str:
    """``family:group`` and, for one real isotypic component, ``[kind d=degree]``."""
    return f"{family}:{g.name}" + (f"[{comp.kind} d={comp.degree}]" if comp is not None else "")


@dataclass(eq=False)
class Instance:
    """One group instance: ``family`` label, ``group``; ``decomposition`` and ``components`` on first use."""

    family: str
    group: FiniteGroup

    @property
    def label(self) -> str:
        return family_label(self.family, self.group)

    @cached_property
    def decomposition(self):
        return irrep_decomposition(self.group)

    @cached_property
    def components(self):
        """The nontrivial real isotypic subspaces (``landscape.real_components``)."""
        return L.real_components(self.decomposition)

    def __iter__(self):
        yield self.family
        yield self.group


def instances(pairs) -> tuple[Instance, ...]:
    return tuple(Instance(f, g) for f, g in pairs)


def stage2_instances(profile_name: str | None = None) -> tuple[Instance, ...]:
    """Every family and Frobenius–Schur type at a profile (default: the active one; fast: 17 groups, thorough adds
    17 more).  One tuple per profile, so the decompositions are computed once."""
    return _stage2_instances(profile_name or active_profile().name)


@lru_cache(maxsize=None)
def _stage2_instances(profile_name: str) -> tuple[Instance, ...]:
    return instances(L.stage2_groups(profile_name))


def __getattr__(name: str):
    """``STAGE2``: :func:`stage2_instances` of the active profile, read when a module imports it (the pytest plugin
    sets the profile before theorem modules are imported)."""
    if name == "STAGE2":
        return stage2_instances()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def modulation_instances(profile) -> tuple[Instance, ...]:
    """Theorem 7's groups: Abelian (prime, product), dihedral, symmetric, quaternionic (Q8, Dic3); thorough adds
    larger ones of the same kinds.  Labels by order (``D8`` is the dihedral group of order 8).  One tuple per
    profile, so the decompositions are computed once."""
    return _modulation_instances(profile.name)


@lru_cache(maxsize=None)
def _modulation_instances(profile_name: str) -> tuple[Instance, ...]:
    fast = [("Z7", cyclic(7)), ("Z2xZ3", product_of_cyclic("2x3")), ("D8", dihedral(4)), ("S3", symmetric(3)),
            ("Q8", quaternion(8)), ("Dic3", dicyclic(3))]
    if profile_name == "fast":
        return instances(fast)
    return instances(fast + [("Z9", cyclic(9)), ("Z2xZ2xZ3", product_of_cyclic("2x2x3")), ("D10", dihedral(5)),
                             ("Z3xS3", direct_product(cyclic(3), symmetric(3))), ("S4", symmetric(4))])


#: The Stage I (lazy-learning) groups by label: constructors, so that each check builds its own task.
LAZY_FAMILIES = {"Z5": lambda: cyclic(5), "Z2xZ3": lambda: product_of_cyclic("2x3"), "D6": lambda: dihedral(3)}


@dataclass(eq=False)
class LazyInstance:
    """Random features F = σ(XW) on all pairs of a group, centred F̃, Ỹ, and Z iid N(0, 1) K×M (direction of V0)."""

    task: object
    Ft: np.ndarray
    Yt: np.ndarray
    F: np.ndarray
    Z: np.ndarray


def lazy_instance(family: str, seed: int, K: int | None = None, act: str = "square",
                  w_scale: float = 0.5) -> LazyInstance:
    """One Stage I instance of ``LAZY_FAMILIES[family]``: W and then Z drawn from ``default_rng(seed)`` in that
    order; K defaults to n // 2."""
    task = group_task(LAZY_FAMILIES[family]())
    rng = np.random.default_rng(seed)
    K = task.n // 2 if K is None else K
    Ft, Yt, F = random_feature_instance(task.X, task.Y, K, get_activation(act), rng, w_scale)
    return LazyInstance(task, Ft, Yt, F, rng.normal(size=(K, task.M)))


def lazy_arrays(family: str, seed: int, K: int | None = None, act: str = "square", w_scale: float = 0.5):
    """``(F̃, Ỹ, F, Y, Z)`` of :func:`lazy_instance` (Prop 1's random features σ(XW) on all pairs of the group, Z iid
    N(0, 1) K×M the direction of V0), as the Proposition 1 checks unpack them."""
    i = lazy_instance(family, seed, K, act, w_scale)
    return i.Ft, i.Yt, i.F, i.task.Y, i.Z
