"""Evidence records: a sweep too long for CI, run once, committed, and re-checked by sampling.

A record is a folder (committed to the repository) holding what one finished sweep measured and how::

    results.csv          the sweep's results table, one row per cell (li2verify.sweep.table)
    spec.resolved.toml   the resolved spec that produced it (every cell of it is in results.csv)
    provenance.json      git SHA, package versions, device, host, CPU, wall time of the run, engine version
    record.json          the manifest: format, engine version, SHA-256 of each file above and one digest over all
                         (li2verify.utils.sealed, shared with the run records of li2verify.experiments.run_records)

A claim decides from a record only through :func:`load_record`, which refuses (:class:`RecordRefused`, with the
reason) a record whose files do not match their digests, whose table does not cover exactly its spec's cells,
whose spec differs from the spec the claim expects, or that was made by another engine version
(:data:`li2verify.train.engine.ENGINE_VERSION`).  A refused record makes its claims inconclusive with that reason; it is never reused
silently.

CI re-executes a random sample of a record's cells (:func:`recheck`) and requires the same outcome: success or
not, and the epoch of success within :func:`epoch_tolerance`; where the device, the torch version, the CPU and the
number of threads each sampled cell trains with match the record's, the re-run must reproduce the recorded accuracies
bitwise.  The thread count is the engine's rule (:func:`li2verify.sweep.cells.program_threads`): one thread for a
small program whatever the process's count (so a pytest process, which runs at one thread, re-checks a caption-scale
record bitwise), else the process's count, the record's being its provenance's ``torch_threads``.  A record
made on a GPU is re-checked on a CPU the same way (tolerance, not bitwise).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import platform
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from li2verify.sweep.spec import Cell, SweepSpec, load_spec
from li2verify.sweep.table import RESULTS, read_rows
from li2verify.train.engine import ENGINE_VERSION
from li2verify.utils.sealed import MANIFEST, RecordRefused, open_sealed, write_sealed  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

SPEC_FILE = "spec.resolved.toml"
PROVENANCE = "provenance.json"
FILES = (RESULTS, SPEC_FILE, PROVENANCE)
#: Environment variable that fixes the sample of cells :func:`recheck` draws (otherwise drawn at random and logged).
SAMPLE_SEED_ENV = "LI2_RECORD_SAMPLE_SEED"


@dataclass(frozen=True)
class Record:
    """A loaded, verified evidence record."""

    path: Path
    spec: SweepSpec
    rows: list[dict]
    provenance: dict
    digest: str

    def rows_by_cell(self) -> dict[str, dict]:
        return {r["cell_id"]: r for r in self.rows}

    def summary(self) -> dict:
        """What a claim's evidence should cite: where, which digest, how made, how long it took."""
        p = self.provenance
        return {"record": str(self.path), "digest": self.digest, "cells": len(self.rows),
                "engine_version": p.get("engine_version"), "git_sha": p.get("git_sha"), "device": p.get("device"),
                "cpu": p.get("cpu"), "torch": p.get("versions", {}).get("torch"), "wall_s": p.get("wall_s")}


def cpu_model() -> str:
    """The CPU as bitwise reproducibility on a CPU needs it: model name, cache size, logical CPUs and a hash of the
    instruction-set flags (the BLAS kernels torch dispatches to, and their blocking, depend on them)."""
    info: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                k, _, v = line.partition(":")
                k = k.strip()
                if k in ("model name", "cache size", "flags") and k not in info:
                    info[k] = v.strip()
    except OSError:
        pass
    model = info.get("model name") or platform.processor() or platform.machine()
    flags = hashlib.sha256(" ".join(sorted(info.get("flags", "").split())).encode()).hexdigest()[:8]
    return f"{model}; cache {info.get('cache size', '?')}; {os.cpu_count()} CPUs; flags {flags}"


def _expected_cells(spec: SweepSpec) -> dict[str, Cell]:
    return {c.cell_id: c for c in spec.cells()}


def cell_of(spec: SweepSpec, row: dict) -> Cell:
    """The cell a recorded row measured, checked against the row's ``cell_id``: a cell of the grid, or for an
    adaptive search the spec's setting at the row's group, n, seed and epochs."""
    if spec.search != "adaptive":
        c = _expected_cells(spec).get(row["cell_id"])
    else:
        import dataclasses

        c = dataclasses.replace(spec.cells()[0], group=row["group"], p=None, n=int(row["n"]), seed=int(row["seed"]),
                                epochs=int(row["epochs"]))
    if c is None or c.cell_id != row["cell_id"]:
        raise RecordRefused(f"row {row['cell_id']} ({row['group']} seed {row['seed']}) is no cell of the record's "
                            "spec")
    return c


def write_record(sweep_dir: str | Path, dest: str | Path, *, device: str = "cpu", note: str = "") -> Path:
    """Write the evidence record of the finished sweep in ``sweep_dir`` to ``dest`` (created; an existing record
    there is replaced as a whole, never mixed: the new record is built in a temporary folder and renamed).

    Raises :class:`RecordRefused` if the sweep is not finished (a cell of its spec has no row) or has rows of
    cells outside its spec."""
    from li2verify.train.run import provenance

    src, dest = Path(sweep_dir), Path(dest)
    spec_path = src / SPEC_FILE
    if not spec_path.exists():
        raise RecordRefused(f"{src} is not a sweep directory (no {SPEC_FILE})")
    spec = load_spec(spec_path)
    rows = read_rows(src)
    _check_coverage(spec, rows, where=str(src))
    wall = sum(float(r["wall_s"]) for r in rows if r.get("wall_s") is not None and math.isfinite(r["wall_s"]))
    import torch

    prov = {**provenance(), "engine_version": ENGINE_VERSION, "device": device, "cpu": cpu_model(),
            "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(), "wall_s": round(wall, 3),
            "cells": len(rows), "note": note}
    prov.update(_extension_of(dest, rows, prov["cpu"]))
    digest = write_sealed(dest, {RESULTS: src / RESULTS, SPEC_FILE: spec_path,
                                 PROVENANCE: (json.dumps(prov, indent=2, sort_keys=True, allow_nan=False) + "\n").encode()},
                          engine_version=ENGINE_VERSION)
    log.info("evidence record %s: %d cells, digest %s", dest, len(rows), digest[:12])
    return dest


def _extension_of(dest: Path, rows: list[dict], cpu: str) -> dict:
    """Where a record is extended (its rows kept, new cells added: a longer horizon check): ``extends``, the earlier
    record's provenance (its digest, commit, time, CPU, cells and note); and when that record was made on another
    CPU, the new record's ``cpu`` says ``mixed`` and ``cpus`` counts the rows of each (so no re-check compares its
    cells bitwise against one CPU).  ``{}`` when ``dest`` holds no record sharing a row with ``rows``."""
    try:
        old = json.loads((dest / PROVENANCE).read_text(encoding="utf-8"))
        old_ids = {r["cell_id"] for r in read_rows(dest)}
        digest = json.loads((dest / MANIFEST).read_text(encoding="utf-8")).get("digest")
    except (OSError, ValueError, KeyError):
        return {}
    kept = sum(r["cell_id"] in old_ids for r in rows)
    if not kept:
        return {}
    out: dict = {"extends": {"digest": digest, "rows_kept": kept,
                             **{k: old.get(k) for k in ("git_sha", "time", "cpu", "cpus", "cells", "note", "extends")
                                if old.get(k) is not None}}}
    before = old.get("cpus") or {old.get("cpu", "unknown"): len(old_ids)}
    if set(before) != {cpu}:
        cpus = dict(before)
        cpus[cpu] = cpus.get(cpu, 0) + len(rows) - kept
        out.update(cpu=f"mixed: {'; '.join(f'{n} rows on {c}' for c, n in cpus.items())}", cpus=cpus)
    return out


def _check_coverage(spec: SweepSpec, rows: list[dict], *, where: str) -> None:
    """The rows are exactly the cells the spec trains: its grid, or for ``search = "adaptive"`` the cells the
    search visits when replayed from these rows (:func:`li2verify.sweep.adaptive.replay`)."""
    got = [r["cell_id"] for r in rows]
    if len(set(got)) != len(got):
        raise RecordRefused(f"{where}: a cell appears twice in {RESULTS}")
    if spec.search == "adaptive":
        from li2verify.sweep.adaptive import MissingCell, replay

        try:
            _, visited = replay(spec, rows)
        except MissingCell as e:
            raise RecordRefused(f"{where}: the search is not finished: {e}") from None
        extra = sorted(set(got) - visited)
        if extra:
            raise RecordRefused(f"{where}: {len(extra)} rows are cells the search does not visit (first cell_id "
                                f"{extra[0]})")
        return
    want = _expected_cells(spec)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing:
        raise RecordRefused(f"{where}: {len(missing)} of {len(want)} cells of the spec have no row (first: "
                            f"{want[missing[0]].group} seed {want[missing[0]].seed}); finish the sweep first")
    if extra:
        raise RecordRefused(f"{where}: {len(extra)} rows belong to no cell of the spec (first cell_id {extra[0]})")


def load_record(path: str | Path, *, expect_spec: SweepSpec | None = None) -> Record:
    """The verified record in ``path``; :class:`RecordRefused` with the reason when it cannot be trusted.

    ``expect_spec``: the spec the claim was written for; a record of any other grid or setting is refused."""
    path = Path(path)
    digest = open_sealed(path, FILES, engine_version=ENGINE_VERSION)["digest"]
    try:
        spec = load_spec(path / SPEC_FILE)
    except ValueError as e:
        raise RecordRefused(f"{path / SPEC_FILE}: {e}") from None
    if expect_spec is not None:
        a, b = _grid(spec), _grid(expect_spec)
        if a != b:
            diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            raise RecordRefused(f"{path}: the record's spec differs from the claim's in {', '.join(diff)}")
    rows = read_rows(path)
    _check_coverage(spec, rows, where=str(path))
    prov = json.loads((path / PROVENANCE).read_text(encoding="utf-8"))
    return Record(path=path, spec=spec, rows=rows, provenance=prov, digest=digest)


def _grid(spec: SweepSpec) -> dict:
    """The fields of a spec that decide what its cells measure (name, description and batching do not)."""
    d = spec.to_dict()
    for k in ("name", "description", "batch_cells"):
        d.pop(k, None)
    return d


def epoch_tolerance(recorded: int, eval_every: int) -> int:
    """How far a re-run's epoch of success may lie from the recorded one on another device or library build:
    two evaluation intervals or 10 % of the recorded epoch, whichever is larger.  Float32 reductions in another
    order change the trajectory by rounding, which moves a grokking transition by a few percent of its epoch
    (the perturbation tests of the trained claims measure this); it never turns success into failure away from
    the boundary."""
    return max(2 * eval_every, int(math.ceil(0.1 * recorded)))


@dataclass
class Recheck:
    """The outcome of re-executing a sample of a record's cells."""

    sample_seed: int
    bitwise: bool                       # device, torch and CPU match the record's: bitwise equality required
    cells: list[dict] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        return bool(self.cells) and all(c["agree"] for c in self.cells)

    def why(self) -> str:
        bad = [c for c in self.cells if not c["agree"]]
        return "; ".join(f"{c['group']} p={c['p']:.3g} seed {c['seed']}: {c['why']}" for c in bad)


def sample_cells(record: Record, k: int, seed: int, max_cell_seconds: float | None = None) -> list[dict]:
    """``k`` recorded rows drawn at random, with at least one success and one failure when the record has both
    (both outcomes are re-checked).  ``max_cell_seconds``: draw among the cells whose recorded wall time is at most
    this (the CI budget), when such cells of both outcomes exist; else among all."""
    rng = random.Random(seed)
    ok = [r for r in record.rows if r.get("epoch_success") is not None]
    no = [r for r in record.rows if r.get("epoch_success") is None]
    if max_cell_seconds is not None:
        cheap = [[r for r in pool if (r.get("wall_s") or 0.0) <= max_cell_seconds] for pool in (ok, no)]
        if all(c or not pool for c, pool in zip(cheap, (ok, no))):
            ok, no = cheap
    pick: list[dict] = []
    for pool in (ok, no):
        if pool and len(pick) < k:
            pick.append(rng.choice(pool))
    rest = [r for r in ok + no if r not in pick]
    pick += rng.sample(rest, min(len(rest), k - len(pick)))
    return pick


def recheck(record: Record, *, k: int = 2, device: str = "cpu", seed: int | None = None,
            max_cell_seconds: float | None = None) -> Recheck:
    """Re-train ``k`` sampled cells of ``record`` on ``device`` (:func:`sample_cells`) and compare each with its
    recorded row."""
    from li2verify.sweep.cells import program_threads, train_cells

    if seed is None:
        raw = os.environ.get(SAMPLE_SEED_ENV, "").strip()
        seed = int(raw) if raw else random.SystemRandom().randrange(2 ** 31)
    import torch

    p = record.provenance
    rows = sample_cells(record, k, seed, max_cell_seconds)
    spec = record.spec
    cells = [cell_of(spec, r) for r in rows]
    bitwise = (p.get("device") == device and p.get("versions", {}).get("torch") == torch.__version__
               and p.get("cpu") == cpu_model() and device == "cpu"
               and all(program_threads([c], p.get("torch_threads")) == program_threads([c]) for c in cells))
    out = Recheck(sample_seed=seed, bitwise=bitwise)
    t0 = time.time()
    fresh = train_cells(cells, device=device, eval_every=spec.eval_every,
                        threshold=spec.threshold, perturb=0.0, fit_threshold=spec.fit_threshold,
                        stop_on_success=spec.stop_on_success, batch_cells=spec.batch_cells)
    for old, new in zip(rows, fresh):
        out.cells.append(_compare(old, new, bitwise=bitwise, eval_every=record.spec.eval_every))
    log.info("re-checked %d cells of %s in %.1fs (sample seed %d): %s", len(rows), record.path, time.time() - t0,
             seed, "agree" if out.agree else out.why())
    return out


def _compare(old: dict, new: dict, *, bitwise: bool, eval_every: int) -> dict:
    e0, e1 = old.get("epoch_success"), new.get("epoch_success")
    c = {"group": old["group"], "p": old["p"], "seed": old["seed"], "cell_id": old["cell_id"],
         "recorded_epoch": e0, "rerun_epoch": e1, "recorded_best": old["best_test_acc"],
         "rerun_best": new["best_test_acc"], "agree": True, "why": ""}
    if (e0 is None) != (e1 is None):
        c.update(agree=False, why=f"recorded {'success at ' + str(e0) if e0 is not None else 'no success'}, "
                                  f"re-run {'success at ' + str(e1) if e1 is not None else 'no success'}")
    elif bitwise and (e0 != e1 or old["best_test_acc"] != new["best_test_acc"]
                      or old["final_test_acc"] != new["final_test_acc"]):
        c.update(agree=False, why=f"same device, torch and CPU but not bitwise: best test accuracy "
                                  f"{old['best_test_acc']!r} vs {new['best_test_acc']!r}, epoch {e0} vs {e1}")
    elif e0 is not None and abs(e1 - e0) > epoch_tolerance(e0, eval_every):
        c.update(agree=False, why=f"epoch of success {e1} vs recorded {e0}, beyond ±{epoch_tolerance(e0, eval_every)}")
    return c
