"""``li2verify sweep SPEC [KEY=VALUE ...]``: train a grid of cells and write the results table and plots."""

from __future__ import annotations

import os
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
@click.option("--ray-timeout", type=float, default=60.0, show_default=True, metavar="S",
              help="a --ray cluster address that does not connect within S seconds is an error (no TCP answer: "
                   "10 s at most)")
@click.option("--num-cpus", type=int, default=None, help="CPUs of the local Ray instance (--ray local; default: all)")
@click.option("--device", default="cpu", show_default=True, help="torch device: cpu or cuda")
@click.option("--no-progress", is_flag=True, help="no progress bar")
@click.option("--max-memory", type=float, default=None, metavar="GB",
              help="refuse a sweep whose largest program needs more (default: 90% of the available memory)")
@click.option("--max-hours", type=float, default=None, metavar="H",
              help="refuse a sweep whose time estimate exceeds H hours (default 72)")
@click.option("--tensorboard", "tensorboard", default=None, type=click.Path(file_okay=False), metavar="DIR",
              help="also write TensorBoard event files to DIR: one run per cell (test/train accuracy and train loss "
                   "per epoch, the cell's hparams with its outcome); needs `pip install 'li2verify[tensorboard]'`")
@click.option("--dry-run", is_flag=True, help="print the resolved spec, the number of cells and programs and the "
                                              "memory and time estimate; train nothing")
def sweep_cmd(spec, overrides, out, ray_address, ray_timeout, num_cpus, device, no_progress, max_memory, max_hours,
              tensorboard, dry_run):
    """Train a sweep: groups × training fraction p (or n) × seeds × lr × η × K × epochs.

    \b
    SPEC is a packaged spec (fast, fast-composite, thorough, paper, caption-prime, caption-composite,
    caption-nonabelian, caption-products) or a
    TOML/YAML file of keys:
      name, groups = ["Z5", "Z7", "4x7", "SmallGroup(24,12)"], p = [0.2, 0.4] (or n = [...], or
      critical_ratio = [...]: n = c·M log M), seeds = 3 (or [0, 3]), lr, wd (η), K, epochs (one value or a
      list each: the grid is their product), activation (square = σ(x) = x²), loss (mse = centred MSE),
      optimizer (adam, adamw, sgd, muon), dtype, threshold (success = best test accuracy ≥ threshold,
      fixed before the run), eval_every, batch_cells (cells per tensor program), protocol (text = Eqn 1
      as printed, code = the paper's script), fit_threshold (a cell that neither generalizes nor reaches
      this train accuracy is "unfit"), stop_on_success (stop a program once all its cells succeeded),
      search (grid, or adaptive: bisect n per group and seed to n_hi/n_lo ≤ resolution, then repeat at
      twice the epochs when horizon_check = true; writes OUT/adaptive.json).
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
    retried and its cells are written once. Without --ray everything runs in this process. An address that
    accepts no connection within 10 s is an error.

    \b
    Safety: the memory of the largest program and the time of the sweep are estimated before anything is
    allocated (the training engine's estimators); a sweep over --max-memory or --max-hours is refused. Two
    sweeps may write into one --out at once (the table is merged under a lock). Bad input is a one-line
    error with exit status 2. OUT/provenance.json records every start (command, git SHA, versions, host).
    """
    from li2verify.sweep.run import DEFAULT_MAX_HOURS, SweepError, plan_sweep, run_sweep
    from li2verify.sweep.spec import SpecError, load_spec
    from li2verify.train.config import ConfigError, env_init_perturbation

    def fail(msg: str):
        raise click.UsageError(" ".join(str(msg).split()))

    if num_cpus is not None and num_cpus < 1:
        fail(f"--num-cpus must be ≥ 1, got {num_cpus}")
    if num_cpus is not None and ray_address != "local":
        fail("--num-cpus sets the CPUs of a local Ray instance: give it with --ray local (a cluster has its own)")
    for opt, v in (("--max-memory", max_memory), ("--max-hours", max_hours), ("--ray-timeout", ray_timeout)):
        if v is not None and not (v == v and 0 < v < float("inf")):
            fail(f"{opt} must be a positive number, got {v}")
    try:
        env_init_perturbation()
        sp = load_spec(spec, list(overrides))
        if device != "cpu":
            from li2verify.train.run import check_device

            check_device(device)
    except (SpecError, ConfigError) as e:
        fail(str(e).replace("TrainConfig.device", f"--device {device}"))
    out = out or f"sweeps/{sp.name}"
    try:
        from li2verify.sweep.run import pending_cells

        if os.path.exists(out) and not os.path.isdir(out):
            raise SweepError(f"--out {out!r} exists and is not a directory")
        todo, done = pending_cells(sp, out if os.path.isdir(out) else None)
        plan = plan_sweep(sp, todo, device=device, max_memory=None if max_memory is None else max_memory * 1e9,
                          max_hours=DEFAULT_MAX_HOURS if max_hours is None else max_hours)
    except SweepError as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot read {out}: {e.strerror or e}")
    from li2verify.train.run import _fmt_bytes
    from li2verify.sweep.run import _fmt_hours

    n_cells = len(todo) + len(done)
    estimate = (f"estimate: largest program ≈ {_fmt_bytes(plan['memory'])}, ≈ {_fmt_hours(plan['seconds'])} on "
                f"{device} for the {len(todo)} cells to train")
    if dry_run:
        click.echo(sp.to_toml())
        click.echo(f"{n_cells} cells ({len(done)} already in {out}/results.csv), {plan['programs']} programs to run; "
                   f"{estimate}")
        return
    click.echo(f"sweep {sp.name}: {n_cells} cells, {len(done)} already done, out {out}; {estimate}", err=True)
    if sp.search == "adaptive":
        _adaptive(sp, out, device, ray_address, num_cpus, ray_timeout)
        return
    try:
        rows = run_sweep(sp, out, ray=ray_address, progress=not no_progress, device=device, num_cpus=num_cpus,
                         max_memory=None if max_memory is None else max_memory * 1e9,
                         max_hours=DEFAULT_MAX_HOURS if max_hours is None else max_hours, tensorboard=tensorboard,
                         command=list(sys.argv), ray_timeout=ray_timeout)
    except (SweepError, SpecError, ConfigError) as e:
        fail(str(e))
    except KeyboardInterrupt:
        click.echo(f"interrupted: finished cells are in {out}/results.csv; rerun the same command to resume", err=True)
        sys.exit(130)
    except MemoryError:
        fail("out of memory although the estimate said the sweep fits; lower K or batch_cells, or set --max-memory")
    except Exception as e:  # noqa: BLE001 - never a traceback on the terminal; -vv shows it in the log
        from li2verify.commands.train import _internal_error

        _internal_error(e, None)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("complete", "unfit", "diverged")}
    click.echo(f"{len(rows)} cells ({', '.join(f'{v} {k}' for k, v in counts.items() if v or k == 'complete')}) in "
               f"{out}/results.csv; plots: {out}/phase_*.png, {out}/boundary.png")


def _adaptive(sp, out: str, device: str, ray_address: str | None, num_cpus: int | None, ray_timeout: float) -> None:
    """``search = "adaptive"``: the boundary search of li2verify.sweep.adaptive instead of the full grid (with
    --ray, each round's programs are Ray tasks)."""
    from li2verify.sweep.adaptive import run_adaptive
    from li2verify.sweep.run import SweepError

    try:
        res = run_adaptive(sp, out, device=device, ray=ray_address, num_cpus=num_cpus, ray_timeout=ray_timeout)
    except SweepError as e:
        raise click.UsageError(" ".join(str(e).split())) from None
    except KeyboardInterrupt:
        click.echo(f"interrupted: finished cells are in {out}/results.csv; rerun the same command to resume", err=True)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - never a traceback on the terminal; -vv shows it in the log
        from li2verify.commands.train import _internal_error

        _internal_error(e, None)
    for g, e in res["groups"].items():
        where = (f"p_c = {e['p_c']:.4g} [{e['ci'][0]:.4g}, {e['ci'][1]:.4g}], horizon {e['horizon']}"
                 if e["p_c"] is not None else f"no boundary (censored {e['censored']}, unfit seeds {e['unfit']})")
        for h in e.get("horizons", [])[1:]:
            where += (f"; at {h['epochs']} epochs p_c = {h['p_c']:.4g}, {h['horizon']}" if h.get("p_c") is not None
                      else f"; at {h['epochs']} epochs {h['horizon']}")
        click.echo(f"{g}: {where}")
    click.echo(f"{res['cells_trained']} cells in {res['rounds']} rounds; {out}/results.csv, {out}/adaptive.json")
