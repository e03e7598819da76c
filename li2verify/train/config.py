"""``TrainConfig``: the complete description of a training run (saved as ``config.json`` in the run directory).

Defaults follow the paper's Fig 3 and its code (``luckmatters/ssl/real-dataset/cogo/modular_addition_simple2.py``):
σ(x) = x², MSE, Adam with L2 weight decay η (``torch.optim.Adam(weight_decay=η)``), lr 1e-3, full batch,
nn.Linear-style uniform init W ~ U(±1/√M) per input block, V ~ U(±1/√K) × top-layer multiplier.

Loss scale.  Eqn 1 is ½‖P1⊥(Y − Ŷ)‖²_F; the paper's code averages over samples (no ½).  Because Adam's L2 weight
decay adds η·θ to the gradient, the *scale* of the loss decides what a given η means, so the default
``loss="mse"`` is (1/n)‖P1⊥(Y − Ŷ)‖²_F: Eqn 1's centering along samples with the code's normalization.
``loss="mse_sum"`` is Eqn 1 literally (½, sum); ``loss="ce"`` is cross-entropy (mean over samples).

Protocol.  ``protocol="text"`` (the default, today's behaviour bit for bit) is Eqn 1 as printed; ``protocol="code"``
is the paper's training script: W ~ U(±1/√(2M)), the MSE centred along the class axis, ridge on the uncentred F,
the split rounded as a seeded shuffle with test size 1 − p rounds it (:mod:`li2verify.train.protocols`).  The
figure presets and the claims about the paper's figures set ``"code"``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

OPTIMIZERS = ("sgd", "adam", "adamw", "muon")
LOSSES = ("mse", "mse_sum", "ce")
INPUT_MODES = ("gather", "dense")
MUON_ORTH = ("newton_schulz", "polar")
#: How Muon's step is set up (li2verify.train.optim): ``"class_defaults"``, the constructor defaults of the paper
#: code's ``MuonEnhanced`` (β = 0.95 Nesterov, update × max(1, rows/cols)^½, W orthogonalized per input block as the
#: earlier script's layera/layerb); ``"script"``, the arguments the later training script passes it (β2 = 0.99 plain
#: momentum, no rescaling, the one K × 2M matrix W orthogonalized whole).
MUON_STYLES = ("class_defaults", "script")
PROTOCOLS = ("text", "code", "code_loss_only")  # li2verify.train.protocols.PROTOCOLS (checked equal by tests/train/test_protocols.py)
PROBE_MODES = ("fast", "exact")


SEED_ALIAS = 100000  # seed values s and s + k·SEED_ALIAS share split and init (matched controls in one program)


#: Environment variable read by :func:`apply_env_perturbation` (set by the pytest option ``--li2-perturb-init REL``).
INIT_PERTURBATION_ENV = "LI2_INIT_PERTURBATION"


def env_init_perturbation() -> float:
    """The relative init perturbation requested through ``$LI2_INIT_PERTURBATION`` (0 when unset or empty)."""
    import os

    raw = os.environ.get(INIT_PERTURBATION_ENV, "").strip()
    if not raw:
        return 0.0
    try:
        rel = float(raw)
    except ValueError:
        raise ConfigError(f"${INIT_PERTURBATION_ENV}={raw!r} is not a number") from None
    if not (0.0 <= rel < 1.0):
        raise ConfigError(f"${INIT_PERTURBATION_ENV}={raw!r} must lie in [0, 1)")
    return rel


def apply_env_perturbation(cfg: "TrainConfig") -> "TrainConfig":
    """``cfg`` with ``init_perturbation`` set from ``$LI2_INIT_PERTURBATION`` when the config leaves it at 0.

    The single place where the environment reaches a run: :func:`li2verify.train.run.train` calls it, so every
    empirical check of a pytest run is perturbed without editing the checks (tests/train/test_empirical_stability.py)."""
    rel = env_init_perturbation()
    if rel and not cfg.init_perturbation:
        return cfg.replace(init_perturbation=rel)
    return cfg


def step_threads(work: float, process_threads: int | None = None) -> int:
    """CPU threads for a full-batch step of ``work`` = Σ_seeds n·K·M: 1 when the step is small (< 2e8, many small
    matrix problems, where intra-op threads cost more than they give), else the process's count (``process_threads``,
    default torch's current count)."""
    if work < 2e8:
        return 1
    if process_threads is not None:
        return int(process_threads)
    import torch

    return torch.get_num_threads()


class ConfigError(ValueError):
    """A training configuration that cannot run (says which field and why)."""


@dataclass
class TrainConfig:
    # task / data
    group: str = "71"                 # "71" (Z_71), "4x7" (Z4×Z7), or a name groups.py knows (e.g. "D5")
    train_frac: float | None = 0.4    # p = n/M² (Fig 3: 2016/5041 ≈ 0.4); ignored when n is given
    n: int | None = None              # explicit number of training pairs
    critical_ratio: float | None = None  # paper code's rule: n = round(mult · M log M) (overrides n/train_frac)
    # model
    hidden: int = 2048                # K
    activation: str = "square"        # see li2verify.paper.activations
    layers: int = 1                   # number of hidden layers L (Sec 6); 1 = the 2-layer net of Eqn 1
    residual: bool = False            # F_l = σ(F_{l−1}W_l) + F_{l−1} for l ≥ 2
    complex_weights: bool = False     # Fig 12: W, V complex, Ŷ = Re(β σ(XW)V)
    ridge_top: bool = False           # Figs 13-14: V = (F̃ᵀF̃ + λI)⁻¹F̃ᵀỸ every step, not trained
    ridge_reg: float = 1e-3           # λ of the ridge top layer (the code's set_weight_reg)
    top_init: float = 1.0             # top-layer init multiplier; 0 = zero-init (Figs 15-17)
    init_perturbation: float = 0.0    # relative rounding-level perturbation of the initial weights (stability
    #                                   tests): w ← w·(1 + r·u), u ~ U(−1, 1) from a separate seeded generator
    beta: float = 1.0                 # output scale β (App. H.3)
    input_mode: str = "gather"        # "gather": XW = W[h1] + W[M+h2]; "dense": one-hot matmul
    # loss / optimizer
    protocol: str = "text"            # "text": Eqn 1 as printed; "code": the paper's training script (init 1/√(2M),
    #                                   class-centred MSE, uncentred ridge): li2verify.train.protocols
    loss: str = "mse"
    optimizer: str = "adam"
    lr: float = 1e-3
    wd: float = 2e-4                  # the paper's η (weight decay)
    momentum: float = 0.9             # SGD momentum (the code's value)
    muon_orth: str = "newton_schulz"  # Muon orthogonalization: 5-step Newton–Schulz (code's coeffs) or exact polar
    muon_params: str = "W"            # "W": Muon on W (Adam on V and deeper layers); "all": Muon on every matrix
    muon_lr: float | None = None      # learning rate of the Muon part (default: lr)
    muon_style: str = "class_defaults"  # MUON_STYLES: the code's MuonEnhanced defaults or its script's arguments
    # run
    epochs: int = 400
    seeds: list[int] = field(default_factory=lambda: [0])
    wd_per_seed: list[float] | None = None  # batch η values along the seed axis (η-sweep in one program)
    device: str = "cpu"
    dtype: str = "float32"
    probe_every: int = 10             # expensive probes every k epochs (plus epoch 0 and the last)
    eval_every: int = 1               # test loss/accuracy every k epochs (plus the last); NaN in between
    probes: list[str] = field(default_factory=lambda: ["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos"])
    probe_mode: str = "fast"          # "fast": ‖G_F‖ exact from the step's own forward, F̃ᵀF̃ ratio and ρ sampled
    #                                   with standard errors (columns *_se), O(nK + sample) per probe; "exact":
    #                                   not sampled, O(nK²) from one K×K Gram of the step's F (float32 blocks
    #                                   summed in float64, li2verify.train.grams); float64 forms on a float64
    #                                   forward where "fast" does not apply (deeper, complex, ridge-top, non-MSE)
    probe_samples: int = 64           # fast mode: sampled rows of FFᵀ for ρ; 4× as many sampled columns for F̃ᵀF̃
    eigengap_window: int = 20         # rolling window of ΔW for the σ2/σ3 detector (paper 003, Eqn 5)
    checkpoint_every: int = 50
    threads: int | None = None        # torch CPU threads during the run; None = auto (1 for small problems:
    #                                   on a shared 2-core machine OpenMP spin-waits make 2 threads ~20× slower)

    def validate(self) -> "TrainConfig":
        def bad(f, msg):
            raise ConfigError(f"TrainConfig.{f}: {msg}")

        self._validate_values(bad)  # types and finiteness first: the checks below compare numbers
        if self.optimizer not in OPTIMIZERS:
            bad("optimizer", f"{self.optimizer!r} is not one of {OPTIMIZERS}")
        if self.protocol not in PROTOCOLS:
            bad("protocol", f"{self.protocol!r} is not one of {PROTOCOLS} (text: Eqn 1 as printed; code: the paper's "
                            "training script)")
        if self.protocol == "code" and self.residual:
            bad("residual", "the code protocol's deeper layers are σ(F + FW_l), the skip inside σ; residual (σ(FW_l) + F) "
                            "belongs to the text protocol")
        if self.loss not in LOSSES:
            bad("loss", f"{self.loss!r} is not one of {LOSSES}")
        if self.input_mode not in INPUT_MODES:
            bad("input_mode", f"{self.input_mode!r} is not one of {INPUT_MODES}")
        if self.muon_orth not in MUON_ORTH:
            bad("muon_orth", f"{self.muon_orth!r} is not one of {MUON_ORTH}")
        if self.probe_mode not in PROBE_MODES:
            bad("probe_mode", f"{self.probe_mode!r} is not one of {PROBE_MODES}")
        if self.muon_style not in MUON_STYLES:
            bad("muon_style", f"{self.muon_style!r} is not one of {MUON_STYLES}")
        if self.muon_params not in ("W", "all"):
            bad("muon_params", "must be 'W' or 'all'")
        if self.hidden < 1:
            bad("hidden", f"must be ≥ 1, got {self.hidden}")
        if self.layers < 1:
            bad("layers", f"must be ≥ 1, got {self.layers}")
        if self.epochs < 0:
            bad("epochs", f"must be ≥ 0, got {self.epochs}")
        if not self.seeds:
            bad("seeds", "needs at least one seed")
        if len(set(self.seeds)) != len(self.seeds):
            bad("seeds", f"duplicate seeds in {self.seeds}")
        if self.wd_per_seed is not None and len(self.wd_per_seed) != len(self.seeds):
            bad("wd_per_seed", f"has {len(self.wd_per_seed)} values for {len(self.seeds)} seeds")
        if self.ridge_top and self.loss == "ce":
            bad("ridge_top", "the ridge top layer solves the MSE problem; use loss='mse'")
        if self.ridge_top and self.complex_weights:
            bad("ridge_top", "ridge top layer with complex weights is not implemented")
        if self.dtype not in ("float32", "float64"):
            bad("dtype", "must be float32 or float64")
        for f in ("probe_every", "checkpoint_every", "eval_every"):
            if getattr(self, f) < 1:
                bad(f, f"must be ≥ 1, got {getattr(self, f)}")
        if self.train_frac is not None and not 0 < self.train_frac <= 1:
            bad("train_frac", f"must lie in (0, 1], got {self.train_frac}")
        if self.n is None and self.train_frac is None and self.critical_ratio is None:
            bad("n", "give one of n, train_frac, critical_ratio")
        if self.threads is not None and self.threads < 1:
            bad("threads", f"must be ≥ 1, got {self.threads}")
        if not (0.0 <= self.init_perturbation < 1.0):
            bad("init_perturbation", f"must lie in [0, 1), got {self.init_perturbation}")
        return self

    def _validate_values(self, bad) -> None:
        """Numbers that would run and silently mean nothing (NaN/inf, a negative learning rate, conflicting
        split rules, an unknown activation or probe) are refused here, before anything is built."""
        import math
        from numbers import Integral, Real

        def num(f, *, lo=None, lo_open=False, hi=None, hi_open=False, none_ok=False, what=""):
            v = getattr(self, f)
            if v is None and none_ok:
                return
            if isinstance(v, bool) or not isinstance(v, Real):
                bad(f, f"must be a number, got {v!r}")
            if not math.isfinite(v):
                bad(f, f"must be a finite number, got {v}")
            if lo is not None and (v <= lo if lo_open else v < lo):
                bad(f, f"must be {'>' if lo_open else '≥'} {lo:g}{what}, got {v:g}")
            if hi is not None and (v >= hi if hi_open else v > hi):
                bad(f, f"must be {'<' if hi_open else '≤'} {hi:g}{what}, got {v:g}")

        for f in ("hidden", "layers", "epochs", "probe_every", "checkpoint_every", "eval_every", "eigengap_window",
                  "probe_samples"):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, Integral):
                bad(f, f"must be an integer, got {v!r}")
        if not isinstance(self.seeds, (list, tuple)) or not all(
                isinstance(s, Integral) and not isinstance(s, bool) and s >= 0 for s in self.seeds):
            bad("seeds", f"must be a list of integers ≥ 0, got {self.seeds!r}")
        num("lr", lo=0, lo_open=True, what=" (a learning rate)")
        num("muon_lr", lo=0, lo_open=True, none_ok=True)
        num("wd", lo=0, what=" (weight decay η)")
        num("momentum", lo=0, hi=1, hi_open=True)
        num("ridge_reg", lo=0, lo_open=True)
        num("top_init")
        num("beta", lo=0, lo_open=True, what=" (output scale β)")
        num("init_perturbation")
        num("train_frac", lo=0, lo_open=True, hi=1, hi_open=True, none_ok=True,
            what=" (a fraction of the M² pairs that leaves a test set)")
        num("critical_ratio", lo=0, lo_open=True, none_ok=True)
        if self.n is not None and (isinstance(self.n, bool) or not isinstance(self.n, Integral) or self.n < 1):
            bad("n", f"must be an integer ≥ 1, got {self.n!r}")
        if self.n is not None and self.critical_ratio is not None:
            bad("n", "give n or critical_ratio, not both (critical_ratio would silently override n)")
        if self.wd_per_seed is not None:
            for w in self.wd_per_seed:
                if isinstance(w, bool) or not isinstance(w, Real) or not math.isfinite(w) or w < 0:
                    bad("wd_per_seed", f"values must be finite and ≥ 0, got {w!r}")
        if self.probe_samples < 2:
            bad("probe_samples", f"must be ≥ 2 (a standard error needs two sampled rows), got {self.probe_samples}")
        if self.eigengap_window < 3:
            bad("eigengap_window", f"must be ≥ 3 (σ1..σ3 of the window Gram), got {self.eigengap_window}")
        if not isinstance(self.probes, list) or not all(isinstance(p, str) for p in self.probes):
            bad("probes", f"must be a list of probe names, got {self.probes!r}")
        from li2verify.paper.activations import ACTIVATIONS

        if self.activation not in ACTIVATIONS:
            bad("activation", f"unknown activation {self.activation!r}; known: {', '.join(sorted(ACTIVATIONS))}")
        if self.optimizer == "muon" and self.complex_weights:
            bad("optimizer", "Muon with complex weights is not implemented")
        if self.complex_weights and self.activation not in ("square", "linear", "tanh", "sigmoid"):
            bad("activation", f"{self.activation!r} is not defined on complex numbers (complex weights, Fig 12): "
                              "use square, linear, tanh or sigmoid")
        if not isinstance(self.device, str) or not self.device:
            bad("device", f"must be a device name such as 'cpu' or 'cuda', got {self.device!r}")

    def cpu_threads(self, M: int, n: int) -> int:
        """Threads for this run: ``threads`` if set, else :func:`step_threads` of S·n·K·M."""
        if self.threads is not None:
            return self.threads
        return step_threads(self.S * n * self.hidden * M)

    @property
    def S(self) -> int:
        return len(self.seeds)

    def wd_values(self) -> list[float]:
        return list(self.wd_per_seed) if self.wd_per_seed is not None else [self.wd] * self.S

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ConfigError(f"unknown TrainConfig fields: {sorted(unknown)}")
        return cls(**d).validate()

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def replace(self, **kw) -> "TrainConfig":
        return dataclasses.replace(self, **kw).validate()

    def trajectory_key(self) -> dict[str, Any]:
        """Fields that determine the trajectory (resume refuses a checkpoint whose key differs).

        ``epochs``, ``device``, ``checkpoint_every`` may change between a run and its resume."""
        d = self.to_dict()
        for k in ("epochs", "device", "checkpoint_every"):
            d.pop(k)
        return d
