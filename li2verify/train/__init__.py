"""Training engine: the paper's networks on group-arithmetic tasks, batched over seeds.

Modules:

- :mod:`~li2verify.train.activations`  σ on torch tensors for every name of the activation registry.
- :mod:`~li2verify.train.config`  ``TrainConfig``: every knob of a run (model, loss, optimizer, data, probes).
- :mod:`~li2verify.train.data`    seeded train/test splits from :mod:`li2verify.groups.finite` / :mod:`li2verify.paper.task`.
- :mod:`~li2verify.train.models`  ``Ŷ = β σ(XW)V`` (Eqn 1) with XW as a gather, L-layer variant (Sec 6),
  complex weights (Fig 12), ridge top layer (Figs 13–14), zero-init / top-layer multiplier (Figs 15–17).
- :mod:`~li2verify.train.optim`   batched SGD / Adam / AdamW / Muon (per-seed learning rate and weight decay).
- :mod:`~li2verify.train.probes`  the Li2 probes (‖G_F‖, off-diagonal ratio of F̃ᵀF̃, ρ_tian, ΔW/ΔV, eigengap,
  Fourier concentration, Thm 6 sign-match) with their costs.
- :mod:`~li2verify.train.run`     the training loop, run directory, checkpoints, resume, divergence stop.
- :mod:`~li2verify.train.batched` many seeds (and η values) in one tensor program; one-seed-at-a-time reference.
- :mod:`~li2verify.train.presets` named setups shared by ``li2verify reproduce`` and the empirical claims (Fig 3).
- :mod:`~li2verify.train.repulsion` trained group-arithmetic features for Thm 6 (paper 003's setup).
"""

from li2verify.train.config import TrainConfig

__all__ = ["TrainConfig", "RunResult", "TrainingDiverged", "load_metrics", "train"]
_FROM_RUN = ("RunResult", "TrainingDiverged", "load_metrics", "train")


def __getattr__(name: str):
    """The run API, imported on first use so that ``li2verify --help`` and the CLI's option tables never load
    torch."""
    if name in _FROM_RUN:
        from li2verify.train import run

        return getattr(run, name)
    raise AttributeError(f"module 'li2verify.train' has no attribute {name!r}")
