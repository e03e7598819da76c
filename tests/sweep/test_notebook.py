"""The notebook face of a sweep: ``li2verify.sweep.load`` (typed DataFrame, one row per cell), the Boundary
object (table, HTML), the example of docs/sweeps.md run as written, and TensorBoard event files of ``sweep``
and ``train`` read back with TensorBoard's own reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from li2verify.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = """name = "nb"
groups = ["Z7", "Z11"]
p = [0.3, 0.6]
seeds = 2
lr = 1e-2
wd = 1e-3
K = 32
epochs = 30
eval_every = 5
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    d = tmp_path_factory.mktemp("nb")
    (d / "nb.toml").write_text(SPEC)
    import importlib.util

    # event files only where TensorBoard is installed (the `tensorboard` extra); the other tests need no tracker
    tb = ["--tensorboard", str(d / "tb")] if importlib.util.find_spec("tensorboard") is not None else []
    r = CliRunner().invoke(main, ["sweep", str(d / "nb.toml"), "--out", str(d / "out"), "--no-progress", *tb])
    assert r.exit_code == 0, r.output
    return d


def test_load_gives_one_typed_row_per_cell(swept):
    pd = pytest.importorskip("pandas")
    import li2verify.sweep as sweep

    df = sweep.load(swept / "out")
    assert len(df) == 8 and df["cell_id"].is_unique
    assert str(df.dtypes["M"]) == "Int64" and str(df.dtypes["epoch_success"]) == "Int64"
    assert df.dtypes["best_test_acc"] == "float64" and str(df.dtypes["status"]) == "category"
    assert str(df.dtypes["group"]) == "string" and str(df.dtypes["success"]) == "bool"
    assert set(df["group"]) == {"Z7", "Z11"} and (df["p"] == df["n"] / df["M"] ** 2).all()
    assert isinstance(df, pd.DataFrame)
    with pytest.raises(FileNotFoundError, match="not a sweep directory"):
        sweep.load(swept / "nothing")


def test_boundary_object_has_a_table_and_an_html_view(swept):
    import json

    import li2verify.sweep as sweep

    b = sweep.load_boundary(swept / "out")
    rows = b.table()
    assert {r["group"] for r in rows} == {"Z7", "Z11"} and all(r["status"] for r in rows)
    html = b._repr_html_()
    assert html.startswith("<div>") and "<table>" in html and "Z11" in html and "status" in html
    again = sweep.load_boundary(swept / "out", n_boot=20)  # computed from results.csv and the resolved spec
    assert {r["group"]: r["status"] for r in again.table()} == {r["group"]: r["status"] for r in rows}
    json.loads((swept / "out" / "boundary.json").read_text(), parse_constant=lambda c: 1 / 0)


def test_the_docs_notebook_example_runs(swept):
    pytest.importorskip("pandas")
    text = (ROOT / "docs" / "sweeps.md").read_text()
    section = text[text.index("## In a notebook"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "sweeps/fast" in code
    ns: dict = {}
    exec(compile(code.replace("sweeps/fast", str(swept / "out")), "docs/sweeps.md", "exec"), ns)
    assert len(ns["df"]) == 8 and "<table>" in ns["html"]


def _scalars(run_dir: Path) -> dict:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(run_dir))
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def test_sweep_tensorboard_event_files_read_back(swept):
    pytest.importorskip("tensorboard")
    import li2verify.sweep as sweep

    runs = sorted(p for p in (swept / "tb" / "nb").iterdir() if p.is_dir())
    assert len(runs) == 8
    rows = {r["cell_id"]: r for r in sweep.load(swept / "out").to_dict("records")}
    sc = _scalars(runs[0])
    assert [s for s, _ in sc["test_acc"]] == [0, 5, 10, 15, 20, 25, 30]
    assert [s for s, _ in sc["train_loss"]] == list(range(31)) and len(sc["train_acc"]) == 31
    best = max(v for _, v in sc["test_acc"])
    assert any(abs(r["best_test_acc"] - best) < 1e-6 for r in rows.values())  # the curve is the cell's
    hp = [p for p in runs[0].rglob("events.out.tfevents.*")]
    assert any(b"hparam/best_test_acc" in p.read_bytes() for p in hp)  # hparams with the outcome


def test_train_tensorboard_logs_every_metric_per_seed(tmp_path):
    pytest.importorskip("tensorboard")
    r = CliRunner().invoke(main, ["train", "--group", "7", "--hidden", "8", "--epochs", "6", "--seeds", "0,1",
                                  "--probe-every", "3", "--probes", "gf_norm,rho_tian", "--out", str(tmp_path / "r"),
                                  "--tensorboard", str(tmp_path / "tb")])
    assert r.exit_code == 0, r.output
    for s in (0, 1):
        sc = _scalars(tmp_path / "tb" / f"seed{s}")
        assert [e for e, _ in sc["train_loss"]] == list(range(7)) and len(sc["test_acc"]) == 7
        assert [e for e, _ in sc["gf_norm"]] == [0, 3, 6]  # every probe at the epochs it ran
