"""The sweep driver: outputs, resume after a real kill (no cell lost or written twice), Ray local mode with a
worker killed mid-program (retried, each cell written once), and the CLI's help and one-line errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from li2verify.sweep.run import KILL_ONCE_ENV, run_sweep
from li2verify.sweep.spec import load_spec
from li2verify.sweep.table import RESULTS, read_rows

ROOT = Path(__file__).resolve().parents[2]
SPEC = """name = "tiny"
groups = ["Z7", "Z11"]
p = [0.3, 0.6]
seeds = 2
lr = 1e-2
wd = 1e-3
K = 32
epochs = {epochs}
eval_every = 5
batch_cells = {batch}
"""
OUTCOME = ("final_test_acc", "best_test_acc", "epoch_success", "train_acc", "energy", "energy_unit", "n", "p")


def _write_spec(tmp_path: Path, epochs: int = 40, batch: int = 2) -> Path:
    f = tmp_path / "tiny.toml"
    f.write_text(SPEC.format(epochs=epochs, batch=batch))
    return f


def _outcomes(rows):
    return {r["cell_id"]: tuple(r[k] for k in OUTCOME) for r in rows}


def test_in_process_sweep_writes_table_plots_and_resolved_spec(tmp_path):
    spec = load_spec(str(_write_spec(tmp_path)), ["epochs=20"])
    rows = run_sweep(spec, tmp_path / "out")
    assert len(rows) == 8 and len({r["cell_id"] for r in rows}) == 8
    assert _outcomes(read_rows(tmp_path / "out")) == _outcomes(rows)
    for f in ("spec.resolved.toml", "results.csv", "phase_cyclic_prime.png", "boundary.png", "boundary.json"):
        assert (tmp_path / "out" / f).stat().st_size > 0, f
    assert load_spec(str(tmp_path / "out" / "spec.resolved.toml")).to_dict() == spec.to_dict()
    again = run_sweep(spec, tmp_path / "out")  # everything done: nothing retrained, same rows
    assert [r["wall_s"] for r in again] == [r["wall_s"] for r in rows]


def test_a_killed_sweep_resumes_without_losing_or_duplicating_cells(tmp_path):
    spec_file = _write_spec(tmp_path, epochs=300, batch=1)  # 8 programs of one cell each
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "li2verify", "sweep", str(spec_file), "--out", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(read_rows(out)) < 2:
            assert proc.poll() is None, "the sweep finished before it could be killed"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    before = read_rows(out)
    assert 2 <= len(before) < 8, len(before)
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{len(before)} already done" in again.stderr
    after = read_rows(out)
    ids = [r["cell_id"] for r in after]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert after[:len(before)] == before  # rows written before the kill are untouched
    # and every cell's outcome is the one an uninterrupted run gives (training is deterministic on CPU)
    from li2verify.sweep.cells import train_cells

    spec = load_spec(str(spec_file))
    ref = train_cells(spec.cells(), eval_every=spec.eval_every, threshold=spec.threshold)
    assert _outcomes(after) == _outcomes(ref)


def test_ray_local_retries_a_killed_worker_and_writes_each_cell_once(tmp_path, monkeypatch):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'li2verify[ray]'; CI installs it)")
    marker = tmp_path / "killed.marker"
    monkeypatch.setenv(KILL_ONCE_ENV, f"{marker}:1")  # the first program holding a seed-1 cell kills its worker
    spec = load_spec(str(_write_spec(tmp_path)))
    rows = run_sweep(spec, tmp_path / "out", ray="local", num_cpus=2, outputs=False)
    assert marker.exists()  # a worker really died mid-program
    on_disk = read_rows(tmp_path / "out")
    assert len(on_disk) == 8 and len({r["cell_id"] for r in on_disk}) == 8
    text = (tmp_path / "out" / RESULTS).read_text()
    assert all(text.count(r["cell_id"]) == 1 for r in on_disk)
    from li2verify.sweep.cells import train_cells

    ref = train_cells(spec.cells(), eval_every=spec.eval_every, threshold=spec.threshold, batch_cells=2)
    assert _outcomes(rows) == _outcomes(ref) == _outcomes(on_disk)


class _Result:
    def __init__(self, r):
        self.returncode, self.stdout, self.stderr = r.exit_code, r.stdout, r.stderr


def _cli(*args):
    """In process (click's runner; stdout and stderr apart): the command's exit status and output as a real
    process gives them (tests/sweep/test_sweep_hardening.py runs real processes too)."""
    from click.testing import CliRunner

    from li2verify.cli import main

    return _Result(CliRunner().invoke(main, ["sweep", *map(str, args)]))


def test_cli_help_explains_specs_overrides_resume_and_ray():
    r = _cli("--help")
    assert r.returncode == 0
    for word in ("SPEC", "KEY=VALUE", "Resume", "--ray local", "results.csv", "critical_ratio", "threshold"):
        assert word in r.stdout, word


@pytest.mark.parametrize("args, needle", [
    (["nope"], "spec 'nope': no such file"),
    (["fast", "p=1.5"], "p: training fractions must lie in (0, 1)"),
    (["fast", "colour=red"], "unknown key 'colour'"),
    (["fast", "--num-cpus", "0"], "--num-cpus must be ≥ 1"),
    (["fast", "--device", "tpu"], "--device tpu"),
])
def test_cli_bad_input_is_a_one_line_error_with_exit_2(args, needle):
    r = _cli(*args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert len([ln for ln in r.stderr.splitlines() if ln.startswith("Error:")]) == 1


def test_cli_refuses_a_directory_holding_another_table(tmp_path):
    (tmp_path / RESULTS).write_text("a,b\n1,2\n")
    r = _cli("fast", "--out", str(tmp_path))
    assert r.returncode == 2 and "not a sweep results table" in r.stderr and "Traceback" not in r.stderr


def test_cli_dry_run_counts_cells_and_programs(tmp_path):
    r = _cli("fast", "--dry-run", "--out", str(tmp_path / "o"))
    assert r.returncode == 0
    assert "90 cells (0 already in" in r.stdout and "programs to run" in r.stdout  # 5 groups × 6 p × 3 seeds
