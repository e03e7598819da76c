"""A group spec is parsed once per process (li2verify.groups.spec caches parse_spec and from_spec on the spec's
text): a whole sweep — spec validation, order look-ups, plans, the training programs, the results table — parses
each distinct group spec once and builds each group once, and repeated resolutions return the same object."""

from li2verify.groups import spec as G
from li2verify.sweep.run import run_sweep
from li2verify.sweep.spec import SweepSpec
from li2verify.train.data import resolve_group


def test_a_sweep_parses_and_builds_each_group_spec_once(tmp_path):
    G.clear_spec_cache()
    groups = ["Z5", "2x4", "D6"]
    spec = SweepSpec.from_dict({"name": "t", "groups": groups, "p": 0.5, "seeds": [1, 2], "K": 8, "epochs": 3})
    rows = run_sweep(spec, tmp_path / "out")
    assert len(rows) == 6
    info = G.spec_cache_info()
    assert info["parses"].misses == len(groups), info  # one parse per distinct spec
    assert info["parses"].hits > 0, info              # ... looked up again many times
    assert info["builds"].misses == len(groups), info  # one group table per distinct spec
    G.clear_spec_cache()


def test_repeated_resolutions_return_the_same_group_object():
    G.clear_spec_cache()
    a, b = resolve_group("Q8"), G.from_spec("Q8")
    assert a is b
    assert G.spec_order("Q8") == a.order == 8
    assert G.spec_cache_info()["parses"].misses == 1 and G.spec_cache_info()["builds"].misses == 1
    assert G.parse_spec(71) is G.parse_spec("71")  # an int and its text share the entry
