"""Atomic file writes, the one implementation: write to a temporary file in the target's directory, then
``os.replace`` it over the target, so a reader (or a resumed run after a kill) sees the old file or the new one,
never a torn one."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def default_file_mode() -> int:
    """0666 minus the process umask (what ``open(path, "w")`` would give)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same suffix, so writers that infer the format from it work);
    on normal exit its contents are fsynced, given the default file mode and moved over ``path``; on an
    exception the temporary file is removed and ``path`` is untouched."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, default_file_mode())  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically (:func:`atomic_path`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def probe_writable_dir(path: str | os.PathLike) -> None:
    """Create ``path`` (and parents) if needed and prove a file can be created in it; raises ``OSError``."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".li2-write-test-", dir=p)
    os.close(fd)
    os.unlink(tmp)
