"""``li2verify record make|check``: evidence records of sweeps too long for CI (li2verify.sweep.record)."""

from __future__ import annotations

import click


@click.group("record", context_settings={"help_option_names": ["-h", "--help"]})
def record_cmd():
    """Evidence records: a finished sweep's table, resolved spec and provenance under a SHA-256 manifest,
    committed to the repository; claims decide from them and CI re-trains a random sample of their cells.

    \b
      li2verify record make SWEEP_DIR DEST     write the record of a finished sweep
      li2verify record check DEST [-k 2]       verify digests and coverage, re-train k sampled cells
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
    from li2verify.sweep.record import RecordRefused, load_record, recheck

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
    click.echo(f"sample seed {out.sample_seed}; {'bitwise' if out.bitwise else 'tolerance'} comparison: "
               f"{'agree' if out.agree else 'DISAGREE'}")
    if not out.agree:
        raise SystemExit(1)
