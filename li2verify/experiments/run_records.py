"""Run records: evidence for a claim whose run is too long for CI and is not a sweep (a batched training program,
a set of seeds at a figure's setting), run once by ``li2verify record run NAME``, committed under
``evidence/NAME`` and re-checked by CI by re-executing a random sample of its units.

A run record is defined by a :class:`RunRecordSpec` in the registry (:func:`register`; the package's own are in the modules of
:mod:`li2verify.experiments.run_record_specs`): the configuration it measures, the independent *units* it is made
of (one trained model each), a ``compute`` that trains a list of units and returns named arrays with one leading
row per unit, and the re-check: a configuration for the re-run (e.g. a prefix of the horizon) and a ``compare``
that says whether a re-run unit agrees with its recorded row (bitwise where the CPU and torch are
the record's; else within the spec's stated tolerance).

The folder (sealed by :mod:`li2verify.utils.sealed`, the manifest shared with the sweep records)::

    run.json          name, description, config, units: what the record measures
    results.npz       the arrays, row i = unit i
    provenance.json   git SHA, versions, CPU, threads, wall time (per part and in all)
    record.json       SHA-256 of each file and one digest over all, engine version

Making one is resumable and shareable: units are trained in parts of ``batch`` units, each written atomically to
a work folder as it finishes (a kill loses at most the part in progress); ``--share i/n`` trains every n-th part
only, so n processes fill one work folder without overlap, and the run that finds every part seals the record.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from li2verify.experiments.record_definitions import _REGISTRY, Arrays, RunRecordSpec, first_index, register  # noqa: F401
from li2verify.experiments.records import EVIDENCE
from li2verify.train.engine import ENGINE_VERSION
from li2verify.utils.io import atomic_write_bytes
from li2verify.utils.sealed import RecordRefused, open_sealed, write_sealed

log = logging.getLogger(__name__)

RUN_FILE, RESULTS_FILE, PROVENANCE_FILE = "run.json", "results.npz", "provenance.json"
FILES = (RUN_FILE, RESULTS_FILE, PROVENANCE_FILE)
#: Fixes the units the re-check draws (otherwise drawn at random, and recorded in the evidence).
SAMPLE_SEED_ENV = "LI2_RECORD_SAMPLE_SEED"

def registry() -> dict[str, RunRecordSpec]:
    """Every defined run record, the package's own included."""
    import li2verify.experiments.run_record_specs  # noqa: F401  (registers the package's records)

    return dict(_REGISTRY)


def get_spec(name: str) -> RunRecordSpec:
    reg = registry()
    if name not in reg:
        raise KeyError(f"no run record named {name!r}; defined: {', '.join(sorted(reg))}")
    return reg[name]


@dataclass(frozen=True)
class RunRecord:
    """A loaded, verified run record."""

    path: Path
    spec: RunRecordSpec
    arrays: Arrays
    provenance: dict
    digest: str

    def unit(self, i: int) -> Arrays:
        return {k: v[i] for k, v in self.arrays.items()}

    def summary(self) -> dict:
        p = self.provenance
        return {"record": str(self.path), "digest": self.digest, "units": len(self.spec.units),
                "engine_version": ENGINE_VERSION, "git_sha": p.get("git_sha"), "cpu": p.get("cpu"),
                "torch": p.get("versions", {}).get("torch"), "torch_threads": p.get("torch_threads"),
                "wall_s": p.get("wall_s")}


def _canon(obj) -> str:
    return json.dumps(obj, sort_keys=True, allow_nan=False)


def _npz_bytes(arrays: Arrays) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def _parts(spec: RunRecordSpec) -> list[list[int]]:
    n = len(spec.units)
    return [list(range(i, min(i + spec.batch, n))) for i in range(0, n, spec.batch)]


def _hardware() -> dict:
    import torch

    from li2verify.sweep.record import cpu_model

    return {"cpu": cpu_model(), "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "torch": torch.__version__}


def _adopt_work(work: Path, spec: RunRecordSpec, progress: Callable[[str], None] | None) -> None:
    """Make ``work`` the work folder of ``spec``.  A folder of another definition under the same configuration (more
    or other units) keeps what it measured: its finished units are carried into the parts of ``spec`` that consist
    of them only (a unit's row does not depend on its part — the definitions' contract), and its old parts move to
    ``superseded-<time>/``.  Another configuration is refused.  Shares starting together take turns (a lock file)."""
    ident, want = work / RUN_FILE, json.loads(_canon(spec.manifest()))
    lock = work / ".adopting"
    for _ in range(600):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            time.sleep(0.5)
    else:
        raise RecordRefused(f"{lock} is held for 5 minutes: another process is adopting {work}, or died doing it "
                            "(remove the file)")
    try:
        if not ident.exists():
            atomic_write_bytes(ident, (_canon(spec.manifest()) + "\n").encode())
            return
        old = json.loads(ident.read_text(encoding="utf-8"))
        if old == want:
            return
        if old.get("config") != want["config"]:
            raise RecordRefused(f"{work} holds parts of {old.get('name')!r} under another configuration; use a fresh "
                                "--work folder")
        rows: dict[str, tuple[dict, dict]] = {}
        old_parts = sorted(work.glob("part-*.npz"))
        for f in old_parts:
            with np.load(f) as z:
                meta = json.loads(str(z["__meta__"]))
                for r, i in enumerate(meta["units"]):
                    rows[_canon(old["units"][i])] = ({k: z[k][r] for k in z.files if k != "__meta__"},
                                                     {**meta, "wall_s": meta["wall_s"] / len(meta["units"])})
        attic = work / f"superseded-{time.strftime('%Y%m%dT%H%M%S')}"
        attic.mkdir()
        for f in old_parts + [ident]:
            os.replace(f, attic / f.name)
        carried = 0
        for j, idx in enumerate(_parts(spec)):
            got = [rows.get(_canon(spec.units[i])) for i in idx]
            if all(got):
                arrays = {k: np.stack([g[0][k] for g in got]) for k in got[0][0]}
                meta = {**got[0][1], "wall_s": round(sum(g[1]["wall_s"] for g in got), 3), "units": idx,
                        "carried_from": str(attic.name)}
                atomic_write_bytes(work / f"part-{j:04d}.npz", _npz_bytes({**arrays, "__meta__": np.array(_canon(meta))}))
                carried += len(idx)
        atomic_write_bytes(ident, (_canon(spec.manifest()) + "\n").encode())
        if progress:
            progress(f"{spec.name}: {work} held another definition; {carried} of its units carried over, its parts "
                     f"kept in {attic.name}")
    finally:
        os.close(fd)
        os.unlink(lock)


def make(name: str, work: str | Path, dest: str | Path | None = None, *, share: tuple[int, int] = (0, 1),
         progress: Callable[[str], None] | None = None) -> Path | None:
    """Train the parts of run record ``name`` that ``work`` lacks (every ``share[1]``-th part from ``share[0]``),
    then, when every part is there, seal the record at ``dest`` (default ``evidence/NAME``) and return its path;
    None while parts are missing (another share's)."""
    from li2verify.train.run import provenance

    spec = get_spec(name)
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    _adopt_work(work, spec, progress)
    parts = _parts(spec)
    i0, n_share = share
    for j, idx in enumerate(parts):
        f = work / f"part-{j:04d}.npz"
        if f.exists() or j % n_share != i0:
            continue
        t0 = time.time()
        arrays = spec.compute(spec.config, [spec.units[i] for i in idx])
        meta = {**_hardware(), "wall_s": round(time.time() - t0, 3), "units": idx, "time": time.strftime("%FT%T%z")}
        atomic_write_bytes(f, _npz_bytes({**arrays, "__meta__": np.array(_canon(meta))}))
        if progress:
            progress(f"{name}: part {j + 1}/{len(parts)} ({len(idx)} units) in {meta['wall_s']:.0f} s")
    files = [work / f"part-{j:04d}.npz" for j in range(len(parts))]
    if not all(f.exists() for f in files):
        return None
    chunks, metas = [], []
    for f in files:
        with np.load(f) as z:
            metas.append(json.loads(str(z["__meta__"])))
            chunks.append({k: z[k] for k in z.files if k != "__meta__"})
    arrays = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
    prov = {**provenance(), "engine_version": ENGINE_VERSION, **_hardware(),
            "wall_s": round(sum(m["wall_s"] for m in metas), 3), "parts": metas}
    dest = Path(dest) if dest is not None else EVIDENCE / name
    write_sealed(dest, {RUN_FILE: (json.dumps(spec.manifest(), indent=1, sort_keys=True) + "\n").encode(),
                        RESULTS_FILE: _npz_bytes(arrays),
                        PROVENANCE_FILE: (json.dumps(prov, indent=2, sort_keys=True) + "\n").encode()},
                 engine_version=ENGINE_VERSION, extra={"kind": "run"})
    return dest


def load(name: str, path: str | Path | None = None) -> RunRecord:
    """The verified run record ``name`` (at ``path``, default ``evidence/NAME``); :class:`RecordRefused` when its
    files fail their digests, another engine made it, or it measured anything other than the current definition."""
    spec = get_spec(name)
    path = Path(path) if path is not None else EVIDENCE / name
    digest = open_sealed(path, FILES, engine_version=ENGINE_VERSION)["digest"]
    got = json.loads((path / RUN_FILE).read_text(encoding="utf-8"))
    want = json.loads(_canon(spec.manifest()))
    if got != want:
        diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        raise RecordRefused(f"{path}: the record measured another definition of {name!r} (differs in "
                            f"{', '.join(diff)}); re-make it with li2verify record run {name}")
    with np.load(path / RESULTS_FILE) as z:
        arrays = {k: z[k] for k in z.files}
    bad = [k for k, v in arrays.items() if v.shape[:1] != (len(spec.units),)]
    if bad:
        raise RecordRefused(f"{path}: arrays {bad} do not have one row per unit ({len(spec.units)})")
    prov = json.loads((path / PROVENANCE_FILE).read_text(encoding="utf-8"))
    return RunRecord(path=path, spec=spec, arrays=arrays, provenance=prov, digest=digest)


@dataclass
class RunRecheck:
    """The outcome of re-executing a sample of a run record's units."""

    sample_seed: int
    bitwise: bool
    rule: str
    units: list[dict] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        return bool(self.units) and all(u["agree"] for u in self.units)

    def why(self) -> str:
        return "; ".join(f"unit {u['unit']}: {u['why']}" for u in self.units if not u["agree"])


def recheck(rec: RunRecord, *, k: int = 2, seed: int | None = None) -> RunRecheck:
    """Re-run ``k`` units of ``rec`` drawn at random (under the spec's re-check configuration, at the record's torch
    thread count) and compare each with its recorded row: bitwise where the CPU and torch are the record's, else by
    the spec's rule."""
    if seed is None:
        raw = os.environ.get(SAMPLE_SEED_ENV, "").strip()
        seed = int(raw) if raw else random.SystemRandom().randrange(2 ** 31)
    from li2verify.train.config import INIT_PERTURBATION_ENV
    from li2verify.train.threads import torch_threads

    spec = rec.spec
    hw, p = _hardware(), rec.provenance
    bitwise = all(p.get(key) == hw[key] for key in ("cpu", "torch"))
    pool = spec.recheck_pool(spec.units) if spec.recheck_pool else list(range(len(spec.units)))
    pick = sorted(random.Random(seed).sample(pool, min(k, len(pool))))
    t0 = time.time()
    saved = os.environ.pop(INIT_PERTURBATION_ENV, None)     # the record was made unperturbed: re-run it so
    try:
        with torch_threads(p.get("torch_threads")):           # at the record's thread count: its parts ran under it
            fresh = spec.compute(spec.recheck_config(spec.config), [spec.units[i] for i in pick])
    finally:
        if saved is not None:
            os.environ[INIT_PERTURBATION_ENV] = saved
    out = RunRecheck(sample_seed=seed, bitwise=bitwise, rule=spec.recheck_rule)
    for j, i in enumerate(pick):
        why = spec.compare(rec.unit(i), {key: v[j] for key, v in fresh.items()}, bitwise)
        out.units.append({"unit": spec.units[i], "agree": why is None, "why": why or ""})
    log.info("re-checked %d units of %s in %.1fs (sample seed %d): %s", len(pick), rec.path, time.time() - t0, seed,
             "agree" if out.agree else out.why())
    return out


def load_checked(name: str, k: int = 2) -> tuple[RunRecord, RunRecheck]:
    """(record, its re-check), cached per process: a claim module's checks share one re-check."""
    if name not in _CHECKED:
        rec = load(name)
        _CHECKED[name] = (rec, recheck(rec, k=k))
    return _CHECKED[name]


_CHECKED: dict[str, tuple[RunRecord, RunRecheck]] = {}


def record_for_claim(evidence, name: str) -> RunRecord | None:
    """The run record ``name`` for a claim's check, re-checked (:func:`load_checked`), with its summary, scale and
    re-check in the evidence; None — the check made inconclusive with the reason — when the record is not made yet,
    is refused (altered, another engine or definition) or a re-run unit disagrees with it."""
    if not (EVIDENCE / name).exists():
        evidence.inconclusive(f"evidence record {name} not made yet (li2verify record run {name}): nothing decided")
        return None
    try:
        rec, chk = load_checked(name)
    except RecordRefused as e:
        evidence.inconclusive(f"evidence record {name} refused: {' '.join(str(e).split())}")
        return None
    evidence.detail("evidence record", rec.summary())
    evidence.detail("re-check of sampled units", {"sample seed": chk.sample_seed, "bitwise": chk.bitwise,
                                                  "rule": chk.rule, "units": chk.units})
    if not chk.agree:
        evidence.inconclusive(f"evidence record {name} not reproduced by this engine: {chk.why()}")
        return None
    evidence.detail("scale", rec.spec.description)
    return rec
