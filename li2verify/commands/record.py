"""``li2verify record make|check``: evidence records of sweeps too long for CI (li2verify.sweep.record)."""

from __future__ import annotations

import click


@click.group("record", context_settings={"help_option_names": ["-h", "--help"]})
def record_cmd():
    """Evidence records: a finished sweep's table, resolved spec and provenance under a SHA-256 manifest, or a
    run record (a claim's long batched run: its arrays, definition and provenance), committed to the repository;
    claims decide from them and CI re-trains a random sample of their cells or units.

    \b
      li2verify record make SWEEP_DIR DEST     write the record of a finished sweep
      li2verify record run NAME                train and seal the run record NAME (resumable; --share i/n)
      li2verify record list                    the defined run records
      li2verify record check DEST [-k 2]       verify digests and coverage, re-train k sampled cells or units
    """


@record_cmd.command("make")
@click.argument("sweep_dir", type=click.Path(file_okay=False))
@click.argument("dest", type=click.Path(file_okay=False))
@click.option("--device", default="cpu", show_default=True, help="the device the sweep ran on (provenance)")
@click.option("--note", default="", help="a line for the provenance (what the record is for)")
def make_cmd(sweep_dir, dest, device, note):
    """Write the evidence record of the finished sweep in SWEEP_DIR to DEST (replaced as a whole)."""
    from li2verify.sweep.record import RecordRefused, load_record, write_record

    try:
        path = write_record(sweep_dir, dest, device=device, note=note)
        rec = load_record(path)
    except (RecordRefused, OSError, ValueError) as e:
        raise click.UsageError(" ".join(str(e).split())) from None
    click.echo(f"record {path}: {len(rec.rows)} cells, digest {rec.digest[:16]}")


@record_cmd.command("check")
@click.argument("dest", type=click.Path(file_okay=False))
@click.option("-k", "k", type=click.IntRange(0, 1000), default=2, show_default=True,
              help="cells to re-train (a success and a failure first); 0 checks digests and coverage only")
@click.option("--seed", type=int, default=None, help="which cells (default: drawn at random and printed)")
@click.option("--device", default="cpu", show_default=True)
def check_cmd(dest, k, seed, device):
    """Verify the record in DEST and re-train K of its cells; exit 1 when a re-run disagrees."""
    from pathlib import Path

    from li2verify.sweep.record import RecordRefused, load_record, recheck

    if (Path(dest) / "run.json").exists():
        _check_run_record(dest, k, seed)
        return
    try:
        rec = load_record(dest)
    except RecordRefused as e:
        raise click.UsageError(" ".join(str(e).split())) from None
    click.echo(f"record {dest}: {len(rec.rows)} cells, digest {rec.digest[:16]}, made {rec.provenance.get('time')} "
               f"on {rec.provenance.get('cpu')}")
    if k == 0:
        return
    out = recheck(rec, k=k, device=device, seed=seed)
    for c in out.cells:
        click.echo(f"  {c['group']} p={c['p']:.4g} seed {c['seed']}: recorded epoch {c['recorded_epoch']}, re-run "
                   f"{c['rerun_epoch']} — {'agrees' if c['agree'] else c['why']}")
    _verdict(out)


def _verdict(out):
    """The re-check's last line; exit 1 when a re-run disagrees with its record."""
    click.echo(f"sample seed {out.sample_seed}; {'bitwise' if out.bitwise else 'tolerance'} comparison: "
               f"{'agree' if out.agree else 'DISAGREE'}")
    if not out.agree:
        raise SystemExit(1)


def _check_run_record(dest, k, seed):
    import json
    from pathlib import Path

    from li2verify.experiments import run_records as R

    try:
        name = json.loads((Path(dest) / R.RUN_FILE).read_text(encoding="utf-8"))["name"]
        rec = R.load(name, dest)
    except (R.RecordRefused, KeyError, ValueError) as e:
        raise click.UsageError(" ".join(str(e).split())) from None
    click.echo(f"run record {dest} ({name}): {len(rec.spec.units)} units, digest {rec.digest[:16]}, made "
               f"{rec.provenance.get('time')} on {rec.provenance.get('cpu')}")
    if k == 0:
        return
    out = R.recheck(rec, k=k, seed=seed)
    for u in out.units:
        click.echo(f"  {u['unit']}: {'agrees' if u['agree'] else u['why']}")
    _verdict(out)


def _share(ctx, param, value):
    try:
        i, n = (int(x) for x in value.split("/"))
        if not 0 <= i < n:
            raise ValueError
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected i/n with 0 ≤ i < n, e.g. 0/2") from None
    return i, n


@record_cmd.command("run")
@click.argument("name")
@click.option("--work", type=click.Path(file_okay=False), default=None,
              help="folder for the finished parts (default runs/record-NAME); a rerun resumes from it")
@click.option("--dest", type=click.Path(file_okay=False), default=None, help="where to seal it (default evidence/NAME)")
@click.option("--share", default="0/1", show_default=True, callback=_share,
              help="train only every n-th part from the i-th (i/n), so n processes share one --work folder")
def run_cmd(name, work, dest, share):
    """Train the run record NAME (its parts not yet in --work) and seal it once every part is there."""
    import logging

    from li2verify.experiments import run_records as R

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        spec = R.get_spec(name)
    except KeyError as e:
        raise click.UsageError(str(e.args[0])) from None
    click.echo(f"{name}: {spec.description}")
    try:
        path = R.make(name, work or f"runs/record-{name}", dest, share=share, progress=click.echo)
    except (R.RecordRefused, OSError) as e:
        raise click.UsageError(" ".join(str(e).split())) from None
    if path is None:
        click.echo(f"{name}: this share is done; parts of other shares are missing (run them, then this again)")
    else:
        click.echo(f"run record {path}: digest {R.load(name, path).digest[:16]}")


@record_cmd.command("list")
def list_cmd():
    """The defined run records: name, units, what they measure."""
    from li2verify.experiments import run_records as R

    for name, spec in sorted(R.registry().items()):
        click.echo(f"{name}  ({len(spec.units)} units)  {spec.description}")
