"""``li2verify train`` and ``li2verify reproduce PRESET``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from li2verify.train.config import INPUT_MODES, LOSSES, MUON_ORTH, OPTIMIZERS, PROTOCOLS


MAX_SEEDS = 100_000


def _seeds(value: str) -> list[int]:
    """``N`` (seeds 0..N−1), a list ``0,3,5`` or ranges ``0-14`` / ``0-4,9``; a BadParameter naming --seeds."""
    import re

    def bad(why: str):
        return click.BadParameter(f"{value!r}: {why} (give N for seeds 0..N-1, a list '0,3,5' or a range '0-14')",
                                  param_hint="'--seeds'")

    v = value.strip()
    if re.fullmatch(r"\d+", v):
        n = int(v)
        if not 1 <= n <= MAX_SEEDS:
            raise bad(f"the number of seeds must lie in 1..{MAX_SEEDS}, got {n}")
        return list(range(n))
    out: list[int] = []
    for part in v.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise bad(f"{part!r} is not a seed (an integer ≥ 0) or a range a-b" if part else "empty entry")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if hi < lo:
            raise bad(f"range {part!r} goes down")
        if hi - lo + 1 + len(out) > MAX_SEEDS:
            raise bad(f"more than {MAX_SEEDS} seeds")
        out += list(range(lo, hi + 1))
    if len(set(out)) != len(out):
        raise bad("a seed appears twice")
    return out


def _run_dir_name(group: str, hidden: int, wd: float) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(group)).strip("_.") or "group"
    return f"runs/{safe[:40]}_K{hidden}_wd{wd:g}"


@click.command("train")
@click.option("--group", default="71", show_default=True,
              help="group: an order (71 = Z_71), a product '4x7', D8/S4/A5/Q16/Dic3, a SmallGroup id '8:3' or "
                   "'SmallGroup(8,3)', or a name from `li2verify groups list` (D8 is dihedral of order 8, as there)")
@click.option("--hidden", "-K", default=2048, show_default=True, help="hidden width K")
@click.option("--activation", default="square", show_default=True, help="σ: square, relu, relu2, silu, linear, ...")
@click.option("--wd", default=2e-4, show_default=True, help="weight decay η")
@click.option("--lr", default=1e-3, show_default=True, help="learning rate")
@click.option("--epochs", default=400, show_default=True, help="full-batch epochs (= steps)")
@click.option("--seeds", default="1", show_default=True,
              help="N (seeds 0..N-1) or a list '0,3,5' / range '0-14'; all seeds train in one batched program")
@click.option("--train-frac", default=0.4, show_default=True,
              help="n/M², in (0, 1) (give only one of --train-frac, --n, --critical-ratio)")
@click.option("--n", "n", type=int, default=None, help="explicit number of training pairs (Fig 3: 2016)")
@click.option("--critical-ratio", type=float, default=None,
              help="paper code's split rule n = mult·M log M (its default multiplier is 2.7482)")
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default="adam", show_default=True)
@click.option("--protocol", type=click.Choice(PROTOCOLS), default="text", show_default=True,
              help="text = Eqn 1 as printed (W ~ U(±1/√M) per input block, MSE residual centred along samples, "
                   "ridge on centred F); code = the paper's training script (W ~ U(±1/√(2M)), MSE centred along "
                   "the M classes with targets one_hot − 1/M, ridge on the uncentred F, test split ⌈(1−p)M²⌉); "
                   "code_loss_only = an ablation (text's init, code's loss). The paper's figures were drawn with code")
@click.option("--loss", type=click.Choice(LOSSES), default="mse", show_default=True,
              help="mse = (1/n)‖P(Y−Ŷ)‖² (P: the protocol's centring, the code's scale); mse_sum = ½‖P(Y−Ŷ)‖²; ce")
@click.option("--layers", default=1, show_default=True, help="hidden layers L (Sec 6)")
@click.option("--residual", is_flag=True, help="residual connections between hidden layers")
@click.option("--complex", "complex_weights", is_flag=True, help="complex weights, Ŷ = Re(σ(XW)V) (Fig 12)")
@click.option("--ridge-top", is_flag=True, help="V = ridge solution every step (Figs 13-14)")
@click.option("--ridge-reg", default=1e-3, show_default=True,
              help="λ of the ridge top layer (the code's set_weight_reg; its own setting, not --wd)")
@click.option("--top-init", default=1.0, show_default=True, help="top-layer init multiplier (0 = zero-init)")
@click.option("--beta", default=1.0, show_default=True, help="output scale β (App. H.3)")
@click.option("--muon-orth", type=click.Choice(MUON_ORTH), default="newton_schulz", show_default=True,
              help="Muon orthogonalization: Newton–Schulz (approximate) or exact polar factor (SVD)")
@click.option("--input-mode", type=click.Choice(INPUT_MODES), default="gather", show_default=True)
@click.option("--probes", default="gf_norm,ftf_offdiag,rho_tian,delta_cos", show_default=True,
              help="comma list of: gf_norm, ftf_offdiag, rho_tian, delta_cos, eigengap, energy, fourier, signmatch")
@click.option("--probe-every", default=10, show_default=True, help="epochs between diagnostics (1 = every epoch)")
@click.option("--probe-mode", type=click.Choice(["fast", "exact"]), default="fast", show_default=True,
              help="fast: ‖G_F‖ exact from the step's own forward, the F̃ᵀF̃ off-diagonal ratio and ρ_tian estimated "
                   "from sampled columns/rows with their standard errors in *_se columns; exact: not sampled, from one "
                   "K×K Gram of the step's features per seed (float32 blocks summed in float64; float64 forms "
                   "for nets other than the 2-layer real MSE net), about 5× a training step at Fig 3 size")
@click.option("--probe-samples", type=int, default=64, show_default=True,
              help="fast mode: sampled rows of FFᵀ for ρ_tian (4× as many columns for F̃ᵀF̃)")
@click.option("--checkpoint-every", default=50, show_default=True)
@click.option("--out", "-o", default=None, type=click.Path(file_okay=False),
              help="run directory (default runs/<group>_K<K>_wd<η>); rerunning resumes it")
@click.option("--no-resume", is_flag=True, help="start over even if --out holds a checkpoint")
@click.option("--device", default="cpu", show_default=True, help="cpu or cuda (CUDA: TF32 off)")
@click.option("--dtype", type=click.Choice(["float32", "float64"]), default="float32", show_default=True)
@click.option("--threads", type=int, default=None, help="torch CPU threads (default: 1 for small problems)")
@click.option("--max-memory", type=float, default=None, metavar="GB",
              help="memory the run may use (default: 90% of what the device has free); a run whose estimated "
                   "peak exceeds it is refused before it starts")
@click.option("--tensorboard", default=None, type=click.Path(file_okay=False), metavar="DIR",
              help="also write TensorBoard event files to DIR/seed<s>: every logged metric (losses, accuracies, "
                   "every probe) per epoch; needs `pip install 'li2verify[tensorboard]'`")
@click.pass_context
def train_cmd(ctx, group, hidden, activation, wd, lr, epochs, seeds, train_frac, n, critical_ratio, optimizer, protocol,
              loss, layers, residual, complex_weights, ridge_top, ridge_reg, top_init, beta, muon_orth, input_mode, probes,
              probe_every, probe_mode, probe_samples, checkpoint_every, out, no_resume, device, dtype, threads, max_memory,
              tensorboard):
    """Train the paper's 2-layer (or L-layer) network on a group-arithmetic task.

    \b
    Example (Fig 3, paper scale: ≈2.6 GFLOP per seed-epoch, minutes on a GPU with --device cuda):
      li2verify train --group 71 --hidden 2048 --n 2016 --wd 2e-4 --epochs 400 --seeds 15
    CPU-scale example (seconds):
      li2verify train --group 23 --hidden 256 --lr 5e-3 --wd 2e-3 --epochs 600 --seeds 5
    Fig 11's baseline as the paper's code trains it (groks within ~150 epochs):
      li2verify train --protocol code --group 23 --hidden 256 --lr 5e-3 --wd 5e-5 --train-frac 0.8 --epochs 200

    Writes OUT/config.json, OUT/metrics.csv (one row per epoch and seed), OUT/checkpoint.pt (weights only:
    nothing in it is ever executed), OUT/status.json and OUT/provenance.json (command line, git SHA, package
    versions). A killed run is resumed by running the same command again; a run that would not fit in memory
    is refused before it starts (see --max-memory).
    """
    from li2verify.train import TrainConfig, TrainingDiverged, train
    from li2verify.train.config import ConfigError

    seed_list = _seeds(seeds)
    explicit_frac = ctx.get_parameter_source("train_frac") not in (click.core.ParameterSource.DEFAULT, None)
    given = [o for o, v in (("--n", n), ("--critical-ratio", critical_ratio)) if v is not None]
    if explicit_frac:
        given.insert(0, "--train-frac")
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} both set the number of training pairs; give only one")
    if max_memory is not None and not (max_memory == max_memory and 0 < max_memory < float("inf")):
        raise click.BadParameter(f"must be a positive number of GB, got {max_memory}", param_hint="'--max-memory'")
    try:
        cfg = TrainConfig(group=group, hidden=hidden, activation=activation, wd=wd, lr=lr, epochs=epochs,
                          seeds=seed_list, train_frac=None if (n is not None or critical_ratio is not None)
                          else train_frac, n=n, critical_ratio=critical_ratio, optimizer=optimizer, loss=loss,
                          protocol=protocol, ridge_reg=ridge_reg, layers=layers, residual=residual, complex_weights=complex_weights, ridge_top=ridge_top,
                          top_init=top_init, beta=beta, muon_orth=muon_orth, input_mode=input_mode,
                          probes=[p.strip() for p in probes.split(",") if p.strip()], probe_every=probe_every,
                          probe_mode=probe_mode, probe_samples=probe_samples,
                          checkpoint_every=checkpoint_every, device=device, dtype=dtype, threads=threads).validate()
    except (ConfigError, ValueError) as e:
        raise click.UsageError(_cli_message(str(e))) from None
    out = out or _run_dir_name(group, hidden, wd)
    tb = None
    if tensorboard is not None:
        from li2verify.sweep.tracking import TrackingError, TrainTensorBoard

        try:
            tb = TrainTensorBoard(tensorboard, cfg.seeds)
        except TrackingError as e:
            raise click.UsageError(str(e)) from None
        except OSError as e:
            raise click.UsageError(f"--tensorboard {tensorboard}: {e.strerror or e}") from None
    try:
        res = train(cfg, out, resume=not no_resume, progress=True, on_epoch=tb,
                    max_memory=None if max_memory is None else max_memory * 1e9)
    except TrainingDiverged as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except (ConfigError, ValueError) as e:
        raise click.UsageError(_cli_message(str(e))) from None
    except Exception as e:  # noqa: BLE001 - never a traceback on the terminal; -vv shows it in the log
        _internal_error(e, out)
    finally:
        if tb is not None:
            tb.close()
    m = res.metrics
    click.echo(f"done: {res.status} (protocol {cfg.protocol}); epoch {int(res.epochs[-1])}: train acc {m['train_acc'][-1].mean():.3f}, "
               f"test acc {m['test_acc'][-1].mean():.3f} (mean over {cfg.S} seeds); run dir {out}")


_CLI_NAMES = {"TrainConfig.hidden": "--hidden", "TrainConfig.lr": "--lr", "TrainConfig.wd": "--wd",
              "TrainConfig.n": "--n", "TrainConfig.critical_ratio": "--critical-ratio",
              "TrainConfig.train_frac": "--train-frac", "TrainConfig.activation": "--activation",
              "TrainConfig.group": "--group", "TrainConfig.device": "--device", "TrainConfig.epochs": "--epochs",
              "TrainConfig.beta": "--beta", "TrainConfig.top_init": "--top-init", "TrainConfig.layers": "--layers",
              "TrainConfig.probes": "--probes", "TrainConfig.seeds": "--seeds", "TrainConfig.threads": "--threads",
              "TrainConfig.probe_every": "--probe-every", "TrainConfig.checkpoint_every": "--checkpoint-every",
              "TrainConfig.optimizer": "--optimizer", "TrainConfig.ridge_top": "--ridge-top",
              "TrainConfig.protocol": "--protocol", "TrainConfig.ridge_reg": "--ridge-reg"}


def _cli_message(msg: str) -> str:
    """A library message on one line, with the CLI option instead of the TrainConfig field where there is one."""
    head, sep, rest = msg.partition(": ")
    if sep and head in _CLI_NAMES:
        msg = f"{_CLI_NAMES[head]}: {rest}"
    return " ".join(msg.split())


def _internal_error(e: BaseException, out=None) -> None:
    import logging

    logging.getLogger(__name__).debug("traceback", exc_info=e)
    where = f" (status in {out}/status.json)" if out else ""
    click.echo(f"error: {type(e).__name__}: {' '.join(str(e).split())[:500]}{where}; rerun with -vv for the "
               "traceback", err=True)
    sys.exit(1)


def _preset_help() -> str:
    from li2verify.train.reproduce import PRESETS

    lines = ["\b", "Presets (cost at --scale cpu on 2 cores / at --scale paper):"]
    for name, p in PRESETS.items():
        lines.append(f"  {name:10s} {p.summary}")
        lines.append(f"  {'':10s}   cost: {p.cost}")
    return "\n".join(lines)


class _ReproduceCommand(click.Command):
    def get_help(self, ctx):
        return super().get_help(ctx) + "\n\n" + _preset_help().replace("\b\n", "")


@click.command("reproduce", cls=_ReproduceCommand)
@click.argument("preset")
@click.option("--scale", type=click.Choice(["cpu", "paper"]), default="cpu", show_default=True,
              help="cpu: a small instance where the phenomenon appears in minutes; paper: the published sizes")
@click.option("--out", "-o", default="figures", show_default=True, type=click.Path(file_okay=False),
              help="directory for <preset>.png/.svg, <preset>.json and the run directories")
@click.option("--seeds", type=click.IntRange(min=1, max=MAX_SEEDS), default=None,
              help="override the preset's number of seeds (≥ 1)")
@click.option("--device", default="cpu", show_default=True, help="cpu or cuda")
def reproduce_cmd(preset, scale, out, seeds, device):
    """Reproduce one of the paper's training figures: writes OUT/PRESET.png, .svg and the numbers (.json)."""
    from li2verify.train.reproduce import PRESETS, run_preset
    from li2verify.train.config import ConfigError
    from li2verify.train.run import TrainingDiverged, _prepare_run_dir, check_device

    if preset not in PRESETS:
        raise click.UsageError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    try:
        check_device(device)
        _prepare_run_dir(Path(out))
    except ConfigError as e:
        raise click.UsageError(_cli_message(str(e)).replace("TrainConfig.device", "--device")) from None
    try:
        res = run_preset(preset, scale=scale, out=out, seeds=seeds, device=device, progress=True)
    except TrainingDiverged as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except (ConfigError, ValueError) as e:
        raise click.UsageError(_cli_message(str(e))) from None
    except Exception as e:  # noqa: BLE001
        _internal_error(e, None)
    click.echo(f"{preset}: wrote {', '.join(str(p) for p in res['files'])}")
    for line in res.get("summary_lines", []):
        click.echo("  " + line)
