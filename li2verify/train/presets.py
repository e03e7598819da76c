"""Named experiment setups shared by ``li2verify reproduce`` (:mod:`li2verify.train.reproduce`) and the empirical
claims in ``theorems/``: one definition per figure, so the figure a user reproduces and the run a claim decides on
are the same training configuration (they may differ only in which probes are recorded, and how often).

Fig 3 (Sec 1, Sec 3.1): grokking with weight decay η > 0, none with η = 0.  Both scales train as the paper's code
trains (``protocol="code"``, :mod:`li2verify.train.protocols`): the figure was drawn with it.

- ``"cpu"``: Z_23, K = 256, p = 0.4 (n = 212), σ = x², Adam lr 5e-3, η = 2e-3 vs 0, 400 epochs, 5 seeds, one
  thread (the same phenomena as the paper's, in ≈ 20 s on a 2-core machine).
- ``"paper"``: the paper's Z_71, K = 2048, n = 2016 (40 %), Adam lr 1e-3, η = 2e-4, 400 epochs, 15 seeds.
"""

from __future__ import annotations

from typing import Sequence

from li2verify.train.config import TrainConfig

#: Fig 3's training setups by scale: the TrainConfig fields, plus ``wd`` (the η > 0 condition's weight decay)
#: and ``seeds`` (default number of seeds per condition).
FIG3_SIZES = {
    "cpu": dict(group="23", hidden=256, train_frac=0.4, lr=5e-3, wd=2e-3, epochs=400, seeds=5, threads=1,
                protocol="code"),
    "paper": dict(group="71", hidden=2048, n=2016, lr=1e-3, wd=2e-4, epochs=400, seeds=15, protocol="code"),
}
#: The probe cadence ``li2verify reproduce fig3`` uses at each scale.
FIG3_PROBE_EVERY = {"cpu": 10, "paper": 5}


def fig3_setup(scale: str = "cpu", *, probes: Sequence[str] = ("gf_norm", "delta_cos"),
               probe_every: int | None = None, device: str = "cpu") -> tuple[dict[str, TrainConfig], float, int]:
    """Fig 3's two conditions at ``scale``: ``({"eta>0": cfg, "eta=0": cfg}, η, default seed count)``; the two
    configs differ only in ``wd``.  ``probes`` / ``probe_every`` (default :data:`FIG3_PROBE_EVERY`) choose what
    is recorded; they do not change the trajectory."""
    if scale not in FIG3_SIZES:
        raise ValueError(f"unknown Fig 3 scale {scale!r}; choose one of {', '.join(FIG3_SIZES)}")
    s = dict(FIG3_SIZES[scale])
    n_seeds = s.pop("seeds")
    eta = s.pop("wd")
    n = s.pop("n", None)
    fr = s.pop("train_frac", None)
    base = TrainConfig(**s, n=n, train_frac=fr if n is None else None, device=device, probes=list(probes),
                       probe_every=FIG3_PROBE_EVERY[scale] if probe_every is None else probe_every)
    return {"eta>0": base.replace(wd=eta), "eta=0": base.replace(wd=0.0)}, eta, n_seeds
