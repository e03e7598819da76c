"""Sweep specs: packaged specs, key=value overrides, the resolved spec round trip, cells, and one-line errors."""

from __future__ import annotations

import itertools

import pytest

from li2verify.sweep.spec import PACKAGED, PROFILE_SPECS, Cell, SpecError, SweepSpec, load_spec, parse_override
from li2verify.train.config import TrainConfig


@pytest.mark.parametrize("name", PACKAGED)
def test_packaged_specs_load_and_their_grid_is_the_product(name):
    s = load_spec(name)
    cells = s.cells()
    n_sizes = len(s.p or s.n or s.critical_ratio)
    assert len(cells) == len(s.groups) * n_sizes * len(s.seeds) * len(s.lr) * len(s.wd) * len(s.K) * len(s.epochs)
    assert len({c.cell_id for c in cells}) == len(cells)
    assert 0 < s.threshold <= 1


def test_fast_spec_is_the_ci_scale():
    s = load_spec("fast")
    assert max(Cell(g, 0.5, None, 0, 1e-3, 0, 8, 1).M for g in s.groups) <= 23
    assert s.K == [256] and len(s.seeds) == 3


def test_every_profile_trains_packaged_specs_of_one_setting():
    """The scaling-law claims' grid of each profile is its packaged specs (li2verify.experiments.sweeps): one
    optimizer setting, the claims' success threshold, no cell twice."""
    from li2verify.experiments.sweeps import profile_specs
    from li2verify.utils.profiles import PROFILES

    assert set(PROFILE_SPECS) == set(PROFILES)
    for profile, names in PROFILE_SPECS.items():
        assert set(names) <= set(PACKAGED) and names[0] == profile
        ids = [c.cell_id for s in profile_specs(profile) for c in s.cells()]
        assert len(set(ids)) == len(ids)


def test_resolved_spec_round_trips(tmp_path):
    s = load_spec("fast", ["epochs=50", "p=0.3,0.6", "groups=Z5,Z7", "seeds=[0, 3]", "lr=[1e-3, 5e-3]"])
    f = tmp_path / "spec.resolved.toml"
    f.write_text(s.to_toml())
    back = load_spec(str(f))
    assert [c.cell_id for c in back.cells()] == [c.cell_id for c in s.cells()]
    assert back.to_dict() == s.to_dict()


def test_overrides():
    s = load_spec("fast", ["epochs=50", "p=0.3,0.6", "groups=Z5,Z7", "seeds=2", "wd=0", "activation=x2"])
    assert s.epochs == [50] and s.p == [0.3, 0.6] and s.groups == ["Z5", "Z7"] and s.seeds == [0, 1]
    assert s.wd == [0.0] and s.activation == "square"
    expect = list(itertools.product(["Z5", "Z7"], [0.3, 0.6], [0, 1]))
    assert [(c.group, c.p, c.seed) for c in s.cells()] == expect
    s2 = load_spec("fast", ["n=[10, 20]", "groups=Z7"])  # a size override replaces the spec's p grid
    assert s2.p is None and [c.n_train for c in s2.cells()][::3] == [10, 20]
    s3 = load_spec("fast", ["critical_ratio=1.0", "groups=Z11"])
    assert {c.n_train for c in s3.cells()} == {round(11 * 2.3978952727983707)}
    assert parse_override("groups=Z5") == ("groups", ["Z5"])
    assert parse_override('groups=["4x7", "SmallGroup(8,3)"]') == ("groups", ["4x7", "SmallGroup(8,3)"])


def test_cell_is_the_train_command_with_that_seed():
    c = Cell("Z11", 0.4, None, 3, 5e-3, 2e-3, 64, 100)
    cfg = c.train_config()
    assert cfg.seeds == [3] and cfg.train_frac == 0.4 and cfg.hidden == 64 and cfg.wd == 2e-3 and cfg.lr == 5e-3
    ref = TrainConfig(group="Z11", train_frac=0.4, hidden=64, lr=5e-3, wd=2e-3, epochs=100, seeds=[3], probes=[])
    assert cfg.trajectory_key() == ref.trajectory_key()
    assert c.cell_id == Cell("Z11", 0.4, None, 3, 5e-3, 2e-3, 64, 100).cell_id != Cell(
        "Z11", 0.4, None, 4, 5e-3, 2e-3, 64, 100).cell_id


@pytest.mark.parametrize("overrides, needle", [
    (["p=2"], "p: training fractions must lie in (0, 1)"),
    (["bogus=1"], "unknown key 'bogus'"),
    (["epochs"], "expected key=value"),
    (["groups=Z1x"], "groups: group spec 'Z1x'"),
    (["n=[1000]", "groups=Z5"], "group Z5 (M = 5): n must lie in 1..M²−1 = 24"),
    (["seeds=0"], "seeds: N must lie in 1.."),
    (["lr=-1"], "lr: must be > 0"),
    (["optimizer=lbfgs"], "optimizer: 'lbfgs' is not one of"),
    (["threshold=1.5"], "threshold: an accuracy in (0, 1]"),
    (["K=2.5"], "K: 2.5 is not an integer"),
    (["horizon_checks=5"], "horizon_checks: how many times the horizon check doubles the epochs, 1..4"),
])
def test_bad_overrides_are_one_line_errors(overrides, needle):
    with pytest.raises(SpecError) as e:
        load_spec("fast", overrides)
    assert needle in str(e.value) and "\n" not in str(e.value)


def test_bad_files(tmp_path):
    with pytest.raises(SpecError, match="no such file, and not a packaged spec"):
        load_spec(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("groups = [Z5\n")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(str(bad))
    both = tmp_path / "both.toml"
    both.write_text('groups = ["Z5"]\np = [0.5]\nn = [10]\n')
    with pytest.raises(SpecError, match="p and n both set the training set size"):
        load_spec(str(both))
    none = tmp_path / "none.toml"
    none.write_text('groups = ["Z5"]\n')
    with pytest.raises(SpecError, match="give the training set size"):
        load_spec(str(none))


def test_from_dict_in_code():
    s = SweepSpec.from_dict({"name": "t", "groups": ["Z5", "2x4"], "p": 0.5, "seeds": [1], "K": 8, "epochs": 3})
    assert [(c.group, c.seed, c.K) for c in s.cells()] == [("Z5", 1, 8), ("2x4", 1, 8)]


def test_yaml_spec_gives_the_same_cells_as_toml(tmp_path):
    pytest.importorskip("yaml", reason="YAML specs need PyYAML (TOML specs do not)")
    y = tmp_path / "s.yaml"
    y.write_text("name: y\ngroups: [Z5, Z7]\np: [0.3, 0.6]\nseeds: 2\nK: 8\nepochs: 3\n")
    t = tmp_path / "s.toml"
    t.write_text('name = "y"\ngroups = ["Z5", "Z7"]\np = [0.3, 0.6]\nseeds = 2\nK = 8\nepochs = 3\n')
    assert [c.cell_id for c in load_spec(str(y)).cells()] == [c.cell_id for c in load_spec(str(t)).cells()]
