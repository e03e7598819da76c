"""The Hypothesis strategy registry: every group family yields valid groups, and failures shrink small."""

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings

from li2verify.groups import strategies as S


@pytest.mark.parametrize("fam", S.GROUP_FAMILIES, ids=lambda f: f.name)
def test_every_family_draws_groups_of_its_declared_order(fam):
    @settings(max_examples=10, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(spec=S.group_specs(max_order=24, families=(fam.name,), catalog=False))
    def draw(spec):
        g = S.group(spec)
        assert g.order <= 24
        assert g.is_abelian == fam.abelian

    draw()


def test_catalog_groups_are_drawn_and_non_abelian():
    spec = find(S.group_specs(max_order=24, families=("catalog",)), lambda s: True)
    g = S.group(spec)
    assert ":" in spec and g.order <= 24 and not g.is_abelian


def test_a_failing_group_property_shrinks_to_the_smallest_counterexample():
    # "every group has odd order" is false; the shrunk counterexample is the simplest group, Z2
    assert find(S.group_specs(max_order=24), lambda s: S.group(s).order % 2 == 0) == "Z2"
    v = find(S.unit_vectors(4), lambda v: v[0] > 0.5)
    assert np.isclose(np.linalg.norm(v), 1.0)
