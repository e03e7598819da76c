"""``li2verify train`` and ``li2verify reproduce PRESET`` (issue 7)."""

from __future__ import annotations

import sys

import click

from li2verify.train.config import INPUT_MODES, LOSSES, MUON_ORTH, OPTIMIZERS


def _seeds(value: str) -> list[int]:
    value = value.strip()
    if "," in value or "-" in value[1:]:
        out = []
        for part in value.split(","):
            if "-" in part[1:]:
                a, b = part.split("-", 1)
                out += list(range(int(a), int(b) + 1))
            elif part:
                out.append(int(part))
        return out
    return list(range(int(value)))


@click.command("train")
@click.option("--group", default="71", show_default=True, help="group: an order (Z_M), '4x7' (product), or a name")
@click.option("--hidden", "-K", default=2048, show_default=True, help="hidden width K")
@click.option("--activation", default="square", show_default=True, help="σ: square, relu, relu2, silu, linear, ...")
@click.option("--wd", default=2e-4, show_default=True, help="weight decay η")
@click.option("--lr", default=1e-3, show_default=True, help="learning rate")
@click.option("--epochs", default=400, show_default=True, help="full-batch epochs (= steps)")
@click.option("--seeds", default="1", show_default=True,
              help="N (seeds 0..N-1) or a list '0,3,5' / range '0-14'; all seeds train in one batched program")
@click.option("--train-frac", default=0.4, show_default=True, help="n/M² (ignored with --n/--critical-ratio)")
@click.option("--n", "n", type=int, default=None, help="explicit number of training pairs (Fig 3: 2016)")
@click.option("--critical-ratio", type=float, default=None,
              help="paper code's split rule n = mult·M log M (its default multiplier is 2.7482)")
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default="adam", show_default=True)
@click.option("--loss", type=click.Choice(LOSSES), default="mse", show_default=True,
              help="mse = (1/n)‖P1⊥(Y−Ŷ)‖² (Eqn 1 centering, the code's scale); mse_sum = Eqn 1 literally; ce")
@click.option("--layers", default=1, show_default=True, help="hidden layers L (Sec 6)")
@click.option("--residual", is_flag=True, help="residual connections between hidden layers")
@click.option("--complex", "complex_weights", is_flag=True, help="complex weights, Ŷ = Re(σ(XW)V) (Fig 12)")
@click.option("--ridge-top", is_flag=True, help="V = ridge solution every step (Figs 13-14)")
@click.option("--top-init", default=1.0, show_default=True, help="top-layer init multiplier (0 = zero-init)")
@click.option("--beta", default=1.0, show_default=True, help="output scale β (App. H.3)")
@click.option("--muon-orth", type=click.Choice(MUON_ORTH), default="newton_schulz", show_default=True,
              help="Muon orthogonalization: Newton–Schulz (approximate) or exact polar factor (SVD)")
@click.option("--input-mode", type=click.Choice(INPUT_MODES), default="gather", show_default=True)
@click.option("--probes", default="gf_norm,ftf_offdiag,rho_tian,delta_cos", show_default=True,
              help="comma list of: gf_norm, ftf_offdiag, rho_tian, delta_cos, eigengap, energy, fourier, signmatch")
@click.option("--probe-every", default=10, show_default=True)
@click.option("--checkpoint-every", default=50, show_default=True)
@click.option("--out", "-o", default=None, type=click.Path(file_okay=False),
              help="run directory (default runs/<group>_K<K>_wd<η>); rerunning resumes it")
@click.option("--no-resume", is_flag=True, help="start over even if --out holds a checkpoint")
@click.option("--device", default="cpu", show_default=True, help="cpu or cuda (CUDA: TF32 off)")
@click.option("--dtype", type=click.Choice(["float32", "float64"]), default="float32", show_default=True)
@click.option("--threads", type=int, default=None, help="torch CPU threads (default: 1 for small problems)")
def train_cmd(group, hidden, activation, wd, lr, epochs, seeds, train_frac, n, critical_ratio, optimizer, loss,
              layers, residual, complex_weights, ridge_top, top_init, beta, muon_orth, input_mode, probes,
              probe_every, checkpoint_every, out, no_resume, device, dtype, threads):
    """Train the paper's 2-layer (or L-layer) network on a group-arithmetic task.

    \b
    Example (Fig 3, paper scale: ≈2.6 GFLOP per seed-epoch, minutes on a GPU with --device cuda):
      li2verify train --group 71 --hidden 2048 --n 2016 --wd 2e-4 --epochs 400 --seeds 15
    CPU-scale example (seconds):
      li2verify train --group 23 --hidden 256 --lr 5e-3 --wd 2e-3 --epochs 600 --seeds 5

    Writes OUT/config.json, OUT/metrics.csv (one row per epoch and seed), OUT/checkpoint.pt and
    OUT/status.json. A killed run is resumed by running the same command again.
    """
    from li2verify.train import TrainConfig, TrainingDiverged, train
    from li2verify.train.config import ConfigError

    try:
        cfg = TrainConfig(group=group, hidden=hidden, activation=activation, wd=wd, lr=lr, epochs=epochs,
                          seeds=_seeds(seeds), train_frac=None if (n or critical_ratio) else train_frac, n=n,
                          critical_ratio=critical_ratio, optimizer=optimizer, loss=loss, layers=layers,
                          residual=residual, complex_weights=complex_weights, ridge_top=ridge_top,
                          top_init=top_init, beta=beta, muon_orth=muon_orth, input_mode=input_mode,
                          probes=[p for p in probes.split(",") if p], probe_every=probe_every,
                          checkpoint_every=checkpoint_every, device=device, dtype=dtype, threads=threads).validate()
    except (ConfigError, ValueError) as e:
        raise click.UsageError(str(e)) from None
    out = out or f"runs/{group}_K{hidden}_wd{wd:g}"
    try:
        res = train(cfg, out, resume=not no_resume, progress=True)
    except TrainingDiverged as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except ConfigError as e:
        raise click.UsageError(str(e)) from None
    m = res.metrics
    click.echo(f"done: {res.status}; epoch {int(res.epochs[-1])}: train acc {m['train_acc'][-1].mean():.3f}, "
               f"test acc {m['test_acc'][-1].mean():.3f} (mean over {cfg.S} seeds); run dir {out}")


def _preset_help() -> str:
    from li2verify.reproduce import PRESETS

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
@click.option("--seeds", type=int, default=None, help="override the preset's number of seeds")
@click.option("--device", default="cpu", show_default=True, help="cpu or cuda")
def reproduce_cmd(preset, scale, out, seeds, device):
    """Reproduce one of the paper's training figures: writes OUT/PRESET.png, .svg and the numbers (.json)."""
    from li2verify.reproduce import PRESETS, run_preset

    if preset not in PRESETS:
        raise click.UsageError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    res = run_preset(preset, scale=scale, out=out, seeds=seeds, device=device, progress=True)
    click.echo(f"{preset}: wrote {', '.join(str(p) for p in res['files'])}")
    for line in res.get("summary_lines", []):
        click.echo("  " + line)
