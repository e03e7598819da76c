"""Many cells in one tensor program: a cell trained among others equals the cell trained alone and the same
cell trained by `li2verify train` (li2verify.train.run.train), bitwise on CPU; perturbation as in train."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from li2verify.sweep.cells import learned_nodes, plan_programs, train_cells
from li2verify.sweep.spec import SweepSpec
from li2verify.train.config import INIT_PERTURBATION_ENV
from li2verify.train.run import train


def _spec(**kw) -> SweepSpec:
    d = {"groups": ["Z11"], "p": [0.3, 0.5, 0.7], "seeds": [0, 2], "wd": [2e-4, 1e-3], "K": 32, "epochs": 25,
         "lr": 1e-2, "eval_every": 5}
    d.update(kw)
    return SweepSpec.from_dict(d)


@pytest.mark.parametrize("extra", [{}, {"optimizer": "adamw"}, {"optimizer": "sgd", "activation": "relu"}])
def test_cell_in_a_batch_equals_the_cell_alone_and_the_train_command_bitwise(extra):
    """The fused path (σ = x², ReLU or linear, MSE: the paper's setting) with Adam, AdamW or SGD."""
    cells = _spec(**extra).cells()  # 12 cells: 3 sizes n × 2 η × 2 seeds in one program
    assert len(plan_programs(cells)) == 1
    rows = train_cells(cells, eval_every=5, return_params=True, history=True)
    for i in (0, 7, 11):
        c = cells[i]
        alone = train_cells([c], eval_every=5, return_params=True)[0]
        res = train(c.train_config(eval_every=5))
        for k in ("W", "V"):
            assert torch.equal(rows[i]["params"][k], alone["params"][k]), (i, k)
            assert torch.equal(rows[i]["params"][k], res.params[k][0]), (i, k)
        assert rows[i]["final_test_acc"] == alone["final_test_acc"] == float(res.metrics["test_acc"][-1, 0])
        assert rows[i]["train_acc"] == float(res.metrics["train_acc"][-1, 0])
        np.testing.assert_array_equal(rows[i]["history"]["test_acc"], res.metrics["test_acc"][::5, 0])
        assert rows[i]["n"] == res.extras["task"].n


@pytest.mark.parametrize("extra", [{"optimizer": "muon"}, {"activation": "tanh", "loss": "ce"}])
def test_other_cells_agree_with_the_train_command_to_rounding(extra):
    """Muon orthogonalizes with batched matmuls that block differently for different batch sizes, and the
    vectorized transcendental kernels (tanh, log-softmax) round a tensor's tail elements differently from its
    body, so a cell's position in the batch matters (as in the engine's own batched-vs-alone test): equal to
    float32 rounding, not bitwise."""
    cells = _spec(epochs=15, **extra).cells()
    rows = train_cells(cells, eval_every=5, return_params=True)
    for i in (0, 11):
        res = train(cells[i].train_config(eval_every=5))
        torch.testing.assert_close(rows[i]["params"]["W"], res.params["W"][0], rtol=1e-4, atol=1e-5)


def test_init_perturbation_is_honoured_like_train(monkeypatch):
    cells = _spec(epochs=5).cells()[:3]
    plain = train_cells(cells, return_params=True)
    monkeypatch.setenv(INIT_PERTURBATION_ENV, "1e-3")
    pert = train_cells(cells, return_params=True)
    res = train(cells[1].train_config())  # train reads the same variable
    assert torch.equal(pert[1]["params"]["W"], res.params["W"][0])
    assert not torch.equal(pert[1]["params"]["W"], plain[1]["params"]["W"])
    explicit = train_cells(cells, return_params=True, perturb=0.0)  # an explicit value overrides the variable
    assert torch.equal(explicit[1]["params"]["W"], plain[1]["params"]["W"])


def test_rows_come_back_in_input_order_across_programs():
    cells = _spec(lr=[1e-2, 2e-2], epochs=3).cells()
    assert len(plan_programs(cells)) == 2
    assert len(plan_programs(cells, batch_cells=5)) == 6  # 12 cells per lr → 5 + 5 + 2
    rows = train_cells(list(reversed(cells)), batch_cells=5, return_params=True)
    assert [r["cell_id"] for r in rows] == [c.cell_id for c in reversed(cells)]
    W = learned_nodes(rows[0])
    assert W.shape == (32, 22)
    assert rows[0]["family"] == "cyclic prime" and rows[0]["M"] == 11 and rows[0]["max_dk"] == 1
    assert all(np.isfinite(r["energy"]) and r["energy"] > 0 for r in rows)


def test_group_info_of_non_abelian_and_product_groups():
    from li2verify.sweep.table import group_info

    assert group_info("SmallGroup(8,3)") == {"M": 8, "family": "non-Abelian", "max_dk": 2}
    assert group_info("2x4") == {"M": 8, "family": "product", "max_dk": 1}
    assert group_info("Z12")["family"] == "cyclic composite"
    assert group_info("Z13")["family"] == "cyclic prime"


def test_energy_is_the_engine_energy_probe():
    from li2verify.sweep.spec import Cell

    cells = [Cell("Z11", p, None, s, 1e-2, 1e-3, 32, 30) for p in (0.3, 0.5) for s in (0, 1)]
    rows = train_cells(cells, return_params=True)
    for c, r in zip(cells, rows):
        res = train(c.train_config(probes=["energy"], probe_every=30))
        assert r["energy"] == pytest.approx(float(res.metrics["energy_mean"][-1, 0]), rel=1e-12)
        # E of the unit-norm nodes, computed here in numpy from the split: ½‖Ỹᵀσ(X w_j/‖w_j‖)‖², σ = x²
        from li2verify.train.data import make_split, resolve_group

        sp = make_split(resolve_group("Z11"), c.n_train, c.seed)
        W = r["params"]["W"].double().numpy()
        W = W / np.linalg.norm(W, axis=0)
        F = (W[sp.train_pairs[:, 0]] + W[11 + sp.train_pairs[:, 1]]) ** 2
        Y = np.eye(11)[sp.train_targets]
        Y -= Y.mean(0)
        assert r["energy_unit"] == pytest.approx(float(np.mean(0.5 * ((Y.T @ F) ** 2).sum(0))), rel=1e-9)


def test_init_from_given_weights_continues_a_run_on_a_training_subset():
    """Sec 4.5's ungrokking setup: cell B (same seed, smaller n) starts from cell A's final weights; its training
    pairs are a subset of A's; with 0 epochs B returns A's weights unchanged, and a network that fits A's
    training set fits B's."""
    from li2verify.sweep.spec import Cell
    from li2verify.train.data import make_split, resolve_group

    A = Cell("Z11", 0.6, None, 2, 1e-2, 1e-3, 32, 20)
    B = Cell("Z11", 0.3, None, 2, 1e-2, 1e-3, 32, 0)  # 0 epochs: evaluates the given weights on B's split
    G = resolve_group("Z11")
    a, b = make_split(G, A.n_train, 2), make_split(G, B.n_train, 2)
    assert {tuple(x) for x in b.train_pairs} <= {tuple(x) for x in a.train_pairs}
    ra = train_cells([A], return_params=True)[0]
    rb = train_cells([B], return_params=True, init={B.cell_id: ra["params"]})[0]
    for k in ("W", "V"):
        assert torch.equal(rb["params"][k], ra["params"][k])
    assert rb["train_acc"] == 1.0 or ra["train_acc"] < 1.0  # B's pairs are among A's training pairs
    with pytest.raises(ValueError, match="has shape"):
        train_cells([B], init={B.cell_id: {"W": torch.zeros(3, 3), "V": torch.zeros(32, 11)}})


def test_stop_on_success_changes_no_outcome_and_stops_where_every_cell_succeeded():
    """Z19 at lr 1e-2 generalizes at p = 0.6 around epoch 90: with stop_on_success the program stops at the first
    evaluation where both cells succeeded; success and the epoch of success are those of the full run."""
    from li2verify.sweep.cells import train_cells
    from li2verify.sweep.spec import SweepSpec

    cells = SweepSpec(groups=["Z19"], p=[0.6], seeds=[0, 1], lr=[1e-2], wd=[2e-3], K=[128], epochs=[200],
                      eval_every=5).cells()
    full = train_cells(cells, eval_every=5)
    stop = train_cells(cells, eval_every=5, stop_on_success=True)
    assert [r["epoch_success"] for r in stop] == [r["epoch_success"] for r in full]
    assert all(r["epoch_success"] is not None for r in full)
    assert {r["epochs_run"] for r in stop} == {max(r["epoch_success"] for r in full)}
    assert {r["epochs_run"] for r in full} == {200}
