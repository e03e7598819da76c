"""The group-family registry (li2verify.groups.families.FAMILIES), one test over every entry: its first members
have the declared order and commutativity, and the spec the entry names for each member parses (li2verify.groups.spec)
to the same group (same order, same Cayley table)."""

import numpy as np
import pytest

from li2verify.groups import strategies as S
from li2verify.groups.families import ALL_PROFILES, FAMILIES, family
from li2verify.groups.spec import parse_spec


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_family_builds_members_the_spec_parser_agrees_with(name):
    fam = FAMILIES[name]
    assert fam.name == name and set(fam.profiles) <= set(ALL_PROFILES)
    last = fam.n_min + 3 if fam.n_max is None else min(fam.n_min + 3, fam.n_max)
    abelian = []
    for n in range(fam.n_min, last + 1):
        g = fam.build(n)
        assert g.order == fam.order(n)
        abelian.append(g.is_abelian)
        order, build = parse_spec(fam.spec(n))
        assert order == fam.order(n)
        assert np.array_equal(build().table, g.table)
    assert all(abelian) if fam.abelian else not all(abelian)  # S1, S2, A1..A3 are Abelian, S3, A4 are not
    if fam.n_max is not None:
        with pytest.raises(ValueError):
            fam.build(fam.n_max + 1)


def test_property_checks_draw_exactly_the_profiled_families_in_registry_order():
    assert [f.name for f in S.GROUP_FAMILIES] == [f.name for f in FAMILIES.values() if f.profiles]
    assert [f.name for f in S.GROUP_FAMILIES][:4] == ["cyclic", "product", "dihedral", "dicyclic"]
    with pytest.raises(ValueError, match="known"):
        family("nope")
