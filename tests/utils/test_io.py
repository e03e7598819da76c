"""The one atomic writer (li2verify.utils.io): the target holds the old or the new content, never a torn one."""

import os

import pytest

from li2verify.utils.io import atomic_path, atomic_write_bytes, atomic_write_text, default_file_mode


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    p = tmp_path / "f.json"
    atomic_write_text(p, "{}\n")
    atomic_write_bytes(p, b"[1]\n")
    assert p.read_bytes() == b"[1]\n"
    assert os.listdir(tmp_path) == ["f.json"]
    assert (p.stat().st_mode & 0o777) == default_file_mode()


def test_a_failed_write_keeps_the_old_file(tmp_path):
    p = tmp_path / "fig.png"
    p.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(p) as tmp:
            assert tmp.suffix == ".png" and tmp.parent == tmp_path  # writers that infer the format still work
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert p.read_text() == "old" and os.listdir(tmp_path) == ["fig.png"]
