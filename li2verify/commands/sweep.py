"""``li2verify sweep SPEC [KEY=VALUE ...]``: train a grid of cells and write the results table and plots."""

from __future__ import annotations

import sys

import click


@click.command("sweep", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("spec")
@click.argument("overrides", nargs=-1)
@click.option("--out", "-o", default=None, type=click.Path(file_okay=False),
              help="sweep directory (default sweeps/<spec name>); rerunning the same command resumes it")
@click.option("--ray", "ray_address", default=None, metavar="local|ADDRESS",
              help="run each tensor program as a Ray task: 'local' starts Ray on this machine, anything else is a "
                   "cluster address (ray://host:10001 or host:6379); needs `pip install 'li2verify[ray]'`")
@click.option("--num-cpus", type=int, default=None, help="CPUs of the local Ray instance (default: all)")
@click.option("--device", default="cpu", show_default=True, help="torch device: cpu or cuda")
@click.option("--no-progress", is_flag=True, help="no progress bar")
@click.option("--dry-run", is_flag=True, help="print the resolved spec and the number of cells and programs, train "
                                              "nothing")
def sweep_cmd(spec, overrides, out, ray_address, num_cpus, device, no_progress, dry_run):
    """Train a sweep: groups × training fraction p (or n) × seeds × lr × η × K × epochs.

    \b
    SPEC is a packaged spec (fast, thorough, paper) or a TOML/YAML file of keys:
      name, groups = ["Z5", "Z7", "4x7", "SmallGroup(24,12)"], p = [0.2, 0.4] (or n = [...], or
      critical_ratio = [...]: n = c·M log M), seeds = 3 (or [0, 3]), lr, wd (η), K, epochs (one value or a
      list each: the grid is their product), activation (square = σ(x) = x²), loss (mse = centred MSE),
      optimizer (adam, adamw, sgd, muon), dtype, threshold (success = best test accuracy ≥ threshold,
      fixed before the run), eval_every, batch_cells (cells per tensor program).
    KEY=VALUE overrides a key: epochs=300  p=0.2,0.4  groups=Z5,Z7  seeds=5  lr=[1e-3,5e-3].

    \b
    Writes OUT/spec.resolved.toml (the spec after overrides), OUT/results.csv (one row per cell: group,
    family, M, max d_k, p, n, seed, lr, η, K, epochs, final/best test accuracy, first epoch at the
    threshold, train accuracy, energy of the learned nodes, wall time), OUT/phase_<family>.png (x = M,
    y = p, colour = mean test accuracy) and OUT/boundary.png/.json (p_c(M) by logistic fit with bootstrap
    intervals; n_c ∝ M^a against M log M, M, M²).

    \b
    Resume: cells are identified by all their fields; rerunning the same command skips cells already in
    results.csv (a killed sweep loses at most the programs in flight, never a written row, and writes no
    row twice). Cells sharing group, K, lr, epochs, activation, loss, optimizer and dtype train in one tensor
    program (each with its own split, init, η and optimizer state); cell seed s reproduces
    `li2verify train --seeds s` at the same settings.

    \b
    Ray: --ray local (or --ray ADDRESS) sends each program to Ray as a task; a worker lost mid-program is
    retried and its cells are written once. Without --ray everything runs in this process.
    """
    from li2verify.sweep.spec import SpecError, load_spec, plan_programs

    if num_cpus is not None and num_cpus < 1:
        raise click.UsageError(f"--num-cpus must be ≥ 1, got {num_cpus}")
    try:
        sp = load_spec(spec, list(overrides))
    except SpecError as e:
        raise click.UsageError(str(e)) from None
    out = out or f"sweeps/{sp.name}"
    if device != "cpu":
        from li2verify.train.config import ConfigError
        from li2verify.train.run import check_device

        try:
            check_device(device)
        except ConfigError as e:
            raise click.UsageError(f"--device {device}: {e}") from None
    cells = sp.cells()
    from li2verify.sweep.table import read_rows

    try:
        finished = {r["cell_id"] for r in read_rows(out)}
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise click.UsageError(f"cannot read the sweep table: {e}; use another --out") from None
    todo = [c for c in cells if c.cell_id not in finished]
    done = [c for c in cells if c.cell_id in finished]
    if dry_run:
        click.echo(sp.to_toml())
        click.echo(f"{len(cells)} cells ({len(done)} already in {out}/results.csv), "
                   f"{len(plan_programs(todo, sp.batch_cells))} programs to run")
        return
    from li2verify.sweep.run import SweepError, run_sweep

    click.echo(f"sweep {sp.name}: {len(cells)} cells, {len(done)} already done, out {out}", err=True)
    try:
        rows = run_sweep(sp, out, ray=ray_address, progress=not no_progress, device=device, num_cpus=num_cpus)
    except SweepError as e:
        raise click.UsageError(str(e)) from None
    except KeyboardInterrupt:
        click.echo(f"interrupted: finished cells are in {out}/results.csv; rerun the same command to resume", err=True)
        sys.exit(130)
    ok = sum(1 for r in rows if r["status"] == "complete")
    click.echo(f"{len(rows)} cells ({ok} complete) in {out}/results.csv; plots: {out}/phase_*.png, {out}/boundary.png")
