"""The adaptive boundary search: bisection to the stated resolution, non-monotone and unfit cells reported and kept
out of the estimate, the horizon check, resume from results.csv, and a real search on trained networks.

The search logic is tested against outcome tables whose boundary is known (a runner that answers from a rule);
the trained-network test checks that a real search brackets a boundary that the cells on either side confirm."""

from __future__ import annotations

import math

import pytest

from li2verify.sweep.adaptive import search_boundary, store_runner
from li2verify.sweep.spec import SweepSpec
from li2verify.sweep.table import read_rows


def _spec(**kw) -> SweepSpec:
    base = dict(groups=["Z23"], p=[0.1, 0.3, 0.5, 0.7, 0.9], seeds=[0, 1, 2], lr=[5e-3], wd=[2e-3], K=[64],
                epochs=[100], eval_every=5)
    base.update(kw)
    return SweepSpec(**base).validate()


def rule_runner(boundary, *, unfit=(), flip=(), moved_at=None, log=None):
    """Answer each cell from a rule: success iff n ≥ boundary[seed] (except n in ``flip``: the opposite); a cell
    (seed, n) in ``unfit`` fits neither set (train accuracy 0.5, test 0.05); at twice the epochs the boundary is
    ``moved_at[seed]``."""
    def run(cells):
        rows = []
        for c in cells:
            if log is not None:
                log.append(c)
            b = boundary[c.seed]
            if moved_at is not None and c.epochs > 100:
                b = moved_at[c.seed]
            ok = (c.n >= b) != (c.n in flip)
            bad = (c.seed, c.n) in unfit
            rows.append({"best_test_acc": 0.05 if bad else 1.0 if ok else 0.2, "train_acc": 0.5 if bad else 1.0,
                         "status": "unfit" if bad else "complete", "cell_id": c.cell_id})
        return rows
    return run


def test_bisection_brackets_each_seed_to_the_resolution():
    spec = _spec()
    bnd = {0: 140, 1: 201, 2: 333}
    calls = []
    res = search_boundary(spec, rule_runner(bnd, log=calls), resolution=1.1, horizon_check=False)
    for st in res["seeds"]:
        b = bnd[st["seed"]]
        assert st["lo"] < b <= st["hi"], st
        assert st["hi"] / st["lo"] <= 1.1 or st["hi"] - st["lo"] == 1
    g = res["groups"]["Z23"]
    M2 = 23 * 23
    gm = math.exp(sum(math.log(math.sqrt(s["lo"] * s["hi"])) for s in res["seeds"]) / 3)
    assert g["n_c"] == pytest.approx(gm) and g["p_c"] == pytest.approx(gm / M2)
    assert g["ci"][0] <= g["p_c"] <= g["ci"][1] <= 1
    # a full grid at the same resolution between the coarse extremes would need ~log(0.9/0.1)/log(1.1) ≈ 23 sizes
    assert res["cells_trained"] < 23 * 3 / 2, res["cells_trained"]
    assert len({c.cell_id for c in calls}) == len(calls), "no cell trained twice"


def test_non_monotone_outcome_is_reported_not_fitted_through():
    spec = _spec(seeds=[0])
    n_fail_above = round(0.7 * 23 * 23)  # a failing cell above the boundary at 0.3
    res = search_boundary(spec, rule_runner({0: 150}, flip={n_fail_above}), resolution=1.2, horizon_check=False)
    g = res["groups"]["Z23"]
    assert g["non_monotone"] == [(0, [n_fail_above])]
    st = res["seeds"][0]
    assert st["lo"] < 150 <= st["hi"]


def test_unfit_cells_leave_their_seed_out_of_the_estimate():
    spec = _spec()
    n03 = round(0.3 * 23 * 23)
    res = search_boundary(spec, rule_runner({0: 140, 1: 140, 2: 140}, unfit={(s, n03) for s in range(3)}),
                          resolution=1.2, horizon_check=False)
    g = res["groups"]["Z23"]
    assert g["unfit"] == 3 and g["p_c"] is None, g
    # seed 1's cell at p = 0.3 does not fit: seed 1 is left out, seeds 0 and 2 decide
    res = search_boundary(spec, rule_runner({0: 140, 1: 300, 2: 200}, unfit={(1, n03)}), resolution=1.2,
                          horizon_check=False)
    g = res["groups"]["Z23"]
    assert g["unfit"] == 1 and g["used_seeds"] == 2
    assert [b[0] for b in g["brackets"]] == [0, 2]


def test_censored_groups_have_no_estimate():
    res = search_boundary(_spec(), rule_runner({0: 1, 1: 1, 2: 1}), horizon_check=False)
    assert res["groups"]["Z23"]["censored"] == "below" and res["groups"]["Z23"]["p_c"] is None
    res = search_boundary(_spec(), rule_runner({0: 10 ** 6, 1: 10 ** 6, 2: 10 ** 6}), horizon_check=False)
    assert res["groups"]["Z23"]["censored"] == "above"


@pytest.mark.parametrize("moved,verdict", [({0: 140, 1: 201, 2: 333}, "converged"),
                                           ({0: 135, 1: 190, 2: 320}, "converged"),  # moved inside the brackets
                                           ({0: 40, 1: 60, 2: 90}, "not converged"),
                                           ({0: 20, 1: 201, 2: 333}, "not converged")])
def test_horizon_check(moved, verdict):
    res = search_boundary(_spec(), rule_runner({0: 140, 1: 201, 2: 333}, moved_at=moved), resolution=1.1)
    assert res["groups"]["Z23"]["horizon"] == verdict


def _by_epochs(boundaries: dict):
    """A rule runner whose boundary per seed depends on the cell's epochs (``{epochs: {seed: n}}``)."""
    def run(cells):
        return [{"best_test_acc": 1.0 if c.n >= boundaries[c.epochs][c.seed] else 0.2, "train_acc": 1.0,
                 "status": "complete", "cell_id": c.cell_id} for c in cells]
    return run


@pytest.mark.parametrize("at4,verdict4", [({0: 130, 1: 185, 2: 310}, "converged"),
                                          ({0: 60, 1: 60, 2: 60}, "not converged")])
def test_second_horizon_check_starts_from_the_first_checks_brackets(at4, verdict4):
    """horizon_checks = 2: the search at 4E starts from the 2E brackets and is judged against the 2E interval; the
    first check's verdict stays the group's ``horizon``."""
    first, at2 = {0: 140, 1: 201, 2: 333}, {0: 135, 1: 190, 2: 320}
    calls = []
    runner = _by_epochs({100: first, 200: at2, 400: at4})
    res = search_boundary(_spec(horizon_checks=2), lambda cells: calls.extend(cells) or runner(cells), resolution=1.1)
    g = res["groups"]["Z23"]
    assert g["horizon"] == "converged" and [h["epochs"] for h in g["horizons"]] == [200, 400]
    assert [h["horizon"] for h in g["horizons"]] == ["converged", verdict4]
    lo2, hi2 = g["horizons"][0]["n_c_ci"]
    assert (lo2 <= g["horizons"][1]["n_c"] <= hi2) == (verdict4 == "converged")
    for seed, lo, hi in g["horizons"][0]["brackets"]:    # each 4E search began at its seed's 2E n_lo
        assert any(c.epochs == 400 and c.seed == seed and c.n == lo for c in calls)
        assert lo < at2[seed] <= hi
    one = search_boundary(_spec(), runner, resolution=1.1)["groups"]["Z23"]
    assert one["at_2x_epochs"] == g["at_2x_epochs"] and len(one["horizons"]) == 1


def test_trained_search_brackets_a_real_boundary_and_resumes(tmp_path):
    """Z19, lr 1e-2, K 128, 200 epochs: fails at p = 0.2, succeeds at p = 0.6 (both seeds).  The search's
    brackets are confirmed by the trained cells at their ends, and a rerun trains nothing new."""
    spec = _spec(groups=["Z19"], p=[0.2, 0.6], seeds=[0, 1], lr=[1e-2], K=[128], epochs=[200])
    out = tmp_path / "new" / "sweep"  # created by the runner before it trains
    res = search_boundary(spec, store_runner(spec, out), resolution=1.3, horizon_check=False)
    rows = {(r["n"], r["seed"]): r for r in read_rows(out)}
    for st in res["seeds"]:
        assert st["lo"] is not None and st["hi"] is not None, st
        assert rows[(st["lo"], st["seed"])]["best_test_acc"] < 0.9 <= rows[(st["hi"], st["seed"])]["best_test_acc"]
    n_rows = len(rows)
    again = search_boundary(spec, store_runner(spec, out), resolution=1.3, horizon_check=False)
    assert len(read_rows(out)) == n_rows
    assert again["groups"] == res["groups"]


def test_search_under_ray_trains_the_same_cells_to_the_same_rows(tmp_path):
    """``--ray local`` with an adaptive spec: each round's programs are Ray tasks (one thread each), and the search
    visits the same cells with bitwise the same outcomes as in this process at one thread."""
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'li2verify[ray]'; CI installs it)")
    from li2verify.sweep.adaptive import run_adaptive
    from li2verify.train.threads import torch_threads

    spec = _spec(groups=["Z13"], p=[0.2, 0.7], seeds=[0, 1], lr=[1e-2], K=[32], epochs=[60], search="adaptive",
                 resolution=1.3, horizon_check=False)
    with torch_threads(1):
        here = run_adaptive(spec, tmp_path / "here")
    there = run_adaptive(spec, tmp_path / "ray", ray="local", num_cpus=2)
    keep = ("cell_id", "best_test_acc", "final_test_acc", "train_acc", "epoch_success", "energy", "epochs_run", "status")
    rows = {p: sorted(({k: r.get(k) for k in keep} for r in read_rows(tmp_path / p)), key=lambda r: r["cell_id"])
            for p in ("here", "ray")}
    assert rows["here"] and rows["here"] == rows["ray"]
    assert there["groups"] == here["groups"]
