"""Sealed folders, the one implementation behind every evidence record: a set of files written together under a
manifest (``record.json``) that holds the SHA-256 of each file and one digest over all of them and the engine
version that made them.  A folder is written whole or not at all (built in a temporary sibling, then renamed over
the destination), and opened only through :func:`open_sealed`, which refuses it — :class:`RecordRefused`, with the
reason — when a file is missing, extra in the manifest or changed, or when another engine version made it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

MANIFEST = "record.json"
FORMAT = 1


class RecordRefused(ValueError):
    """A record that cannot decide anything (the message says why: digest, coverage, spec or engine version)."""


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def digest_of(file_hashes: dict[str, str], engine_version: int) -> str:
    """The digest over a record's file hashes and the engine version that made it."""
    blob = json.dumps({"format": FORMAT, "engine_version": engine_version, "files": file_hashes}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def write_sealed(dest: str | Path, files: dict[str, Path | bytes], *, engine_version: int,
                 extra: dict | None = None) -> str:
    """Write ``files`` (name → source path or bytes) and their manifest to ``dest`` as a whole: an existing folder
    there is replaced, never mixed.  ``extra`` adds keys to the manifest.  Returns the digest."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for name, src in files.items():
            if isinstance(src, bytes):
                (tmp / name).write_bytes(src)
            else:
                shutil.copyfile(src, tmp / name)
        hashes = {f: sha256_file(tmp / f) for f in files}
        digest = digest_of(hashes, engine_version)
        manifest = {**(extra or {}), "format": FORMAT, "engine_version": engine_version, "files": hashes,
                    "digest": digest}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old.{os.getpid()}")
            os.replace(dest, old)
        os.replace(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return digest


def open_sealed(path: str | Path, files: tuple[str, ...], *, engine_version: int) -> dict:
    """The manifest of the sealed folder ``path`` holding exactly ``files``, after checking every file against it;
    :class:`RecordRefused` with the reason otherwise."""
    path = Path(path)
    mpath = path / MANIFEST
    if not mpath.exists():
        raise RecordRefused(f"no evidence record at {path} (no {MANIFEST})")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        hashes = manifest["files"]
        digest = manifest["digest"]
        made_by = manifest["engine_version"]
    except (ValueError, KeyError, TypeError) as e:
        raise RecordRefused(f"{mpath}: not a record manifest ({type(e).__name__}: {e})") from None
    if set(hashes) != set(files):
        raise RecordRefused(f"{mpath}: lists files {sorted(hashes)}, a record has {sorted(files)}")
    for f in files:
        if not (path / f).exists():
            raise RecordRefused(f"{path}: {f} is missing")
        h = sha256_file(path / f)
        if h != hashes[f]:
            raise RecordRefused(f"{path / f}: its SHA-256 {h[:12]}… differs from the manifest's {hashes[f][:12]}… "
                                "(the file was changed after the record was made)")
    if made_by != engine_version:
        raise RecordRefused(f"{path}: made by engine version {made_by}, this engine is version {engine_version}; "
                            "re-make the record")
    if digest_of(hashes, engine_version) != digest:
        raise RecordRefused(f"{mpath}: the manifest's digest does not match its file hashes")
    return manifest
