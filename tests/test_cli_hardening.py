"""The small CLI items of the sweep-hardening issue outside ``sweep``: train's messages (a pickle checkpoint is
refused without quoting torch's advice to run it, --checkpoint-every names itself), a corrupt provenance.json
is kept beside, ``report --device`` is checked as ``train`` checks it, ``groups show`` takes the specs
``train --group`` takes, ``groups list`` refuses negative bounds, and ``li2verify.sweep.load`` without pandas
is one ImportError line."""

from __future__ import annotations

import json
import os
import pickle
import sys

import torch
from click.testing import CliRunner

from li2verify.cli import main

from cli_assertions import one_line_error as _one_line_error

TRAIN = ["train", "--group", "7", "--hidden", "8", "--epochs", "4", "--checkpoint-every", "2", "--probes", "gf_norm"]


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


class _Payload:
    def __reduce__(self):
        return (os.getpid, ())


def test_pickle_checkpoint_error_does_not_advise_running_it(tmp_path):
    assert _cli(*TRAIN, "--out", tmp_path).exit_code == 0
    ck = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    ck["prev"] = _Payload()
    with open(tmp_path / "checkpoint.pt", "wb") as f:
        torch.save(ck, f, pickle_module=pickle)
    line = _one_line_error(_cli(*TRAIN[:-4], "--epochs", "6", *TRAIN[-4:], "--out", tmp_path))
    assert "--no-resume" in line and "weights_only" not in line and "other than tensors" in line


def test_checkpoint_every_zero_names_itself(tmp_path):
    line = _one_line_error(_cli(*TRAIN[:-4], "--checkpoint-every", "0", "--out", tmp_path / "r"))
    assert "--checkpoint-every" in line and "--probe-every" not in line


def test_corrupt_provenance_is_kept_beside(tmp_path):
    assert _cli(*TRAIN, "--out", tmp_path).exit_code == 0
    (tmp_path / "provenance.json").write_text('{"starts": [{"command": ["first"]}')  # torn
    assert _cli(*TRAIN[:-4], "--epochs", "6", *TRAIN[-4:], "--out", tmp_path).exit_code == 0
    assert (tmp_path / "provenance.json.corrupt").read_text().startswith('{"starts": [{"command": ["first"]}')
    assert len(json.loads((tmp_path / "provenance.json").read_text())["starts"]) == 1


def test_report_device_is_checked_as_train_checks_it(tmp_path):
    line = _one_line_error(_cli("report", "--device", "foo", "--out", tmp_path))
    assert "--device foo" in line and "not a torch device" in line and "CUDA" not in line


def test_groups_show_takes_train_specs_and_list_refuses_negative_bounds():
    heads = set()
    for args in (["D8"], ["8", "3"], ["SmallGroup(8,3)"]):
        r = _cli("groups", "show", *args, "--no-check")
        assert r.exit_code == 0, r.output
        heads.add(r.output.splitlines()[0])
    assert len(heads) == 1 and "SmallGroup(8,3) = D8" in r.output
    assert "no group of the shipped catalog" in _one_line_error(_cli("groups", "show", "foo"))
    for opt in ("--max-degree", "--order", "--max-order", "--min-order"):
        assert opt in _one_line_error(_cli("groups", "list", opt, "-1"))


def test_sweep_load_without_pandas_is_one_import_error_line(tmp_path, monkeypatch):
    import pytest

    import li2verify.sweep as sweep

    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(ImportError) as e:
        sweep.load(tmp_path)
    assert str(e.value) == "li2verify.sweep.load needs pandas: pip install 'li2verify[notebook]'"


def test_one_error_boundary_for_every_command(monkeypatch):
    """An unexpected exception in any command is one ``error:`` line (exit 1, a bug), memory one line (exit 2)."""
    from li2verify.groups import catalog

    def boom(**kw):
        raise ValueError("a bug\nwith a second line")

    monkeypatch.setattr(catalog, "catalog_records", boom)
    r = _cli("groups", "list")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert [ln for ln in r.output.splitlines() if ln.startswith("error:")] == [
        "error: ValueError: a bug with a second line; rerun with -vv for the traceback"]

    def oom(**kw):
        raise MemoryError

    monkeypatch.setattr(catalog, "catalog_records", oom)
    assert "out of memory" in _one_line_error(_cli("groups", "list"))
