"""Training protocols: the paper's *text* (Eqn 1 as printed) and the paper's *code* (the script that drew its figures).

A protocol fixes the four things in which the two differ; everything else (optimizer, schedule, probes) is shared.
This module is the ONE place they are implemented: :mod:`li2verify.train.models` (init, loss, ridge top, the fused
manual gradients), :mod:`li2verify.train.probes` (G_F of Eqn 2) and :mod:`li2verify.train.data` (the split size)
read them from here, and ``tests/train/test_protocols.py`` loops over :data:`PROTOCOLS`.

``"text"`` (Eqn 1, Sec 2):
  - first layer W ~ U(±1/√M), fan-in M per input block (XW = W[h1] + W[M + h2]);
  - loss (1/n)‖P1⊥(Y − Ŷ)‖²_F: the residual is centred along the **sample** axis, P1⊥ = I − 11ᵀ/n;
  - ridge top V = (F̃ᵀF̃ + λI)⁻¹F̃ᵀỸ with F̃ = P1⊥F, Ỹ = P1⊥Y (Prop 1);
  - split n = round(p·M²) (critical ratio: round(mult·M log M)).

``"code"`` (the paper's training script):
  - first layer one ``nn.Linear(2M, K)`` on the concatenated one-hot pair: W ~ U(±1/√(2M)), fan-in 2M;
  - the "mse" loss centres each sample's output along the **class** axis: o_c = o − (1/M)Σ_j o_j and
    loss = mean_i Σ_c o_c² − 2·o_c[y_i] + 1 − 1/M = (1/n)Σ_i ‖P⊥_class o_i − (e_{y_i} − 1/M)‖²;
  - targets Y = one_hot − 1/M where a target matrix is needed; the ridge top solves
    V = (FᵀF + λI)⁻¹FᵀY on the **uncentred** F (the code's SVD with reg s/(s² + λ)), λ its own setting;
  - split by a seeded shuffle with n = M² − ⌈(1 − p)·M²⌉ (critical ratio: n = M² − ⌈(1 − mult·ln M/M)·M²⌉);
  - deeper layers (Sec 6) as the code stacks them: F_l = σ(F_{l−1} + F_{l−1}W_l) (the text: σ(F_{l−1}W_l), with
    ``residual`` adding F_{l−1} after σ; under ``"code"`` the skip is already inside σ and ``residual`` is refused).

V ~ U(±1/√K) × top-layer multiplier, and W_l ~ U(±1/√K) for deeper layers, are the same under both.

Gradient of the code's loss.  With P = I − 11ᵀ/M (class axis) and t_i = e_{y_i} − 1/M ∈ range P,
∂/∂o_i ‖Po_i − t_i‖² = 2P(Po_i − t_i) = 2(Po_i − t_i) = 2·P(o_i − e_{y_i}); so under both protocols the residual is
R = P(Ŷ − Y) with P the protocol's centring (samples for text, classes for code), loss c‖R‖² and ∂J/∂Ŷ = 2cR.
That is why one fused backward (:func:`li2verify.train.models.manual_grads`) serves both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from li2verify.utils.arrays import center as _center

# No torch at import time: li2verify.train.data (and through it the sweep spec and the CLI) reads the split rule
# from here without loading torch; the tensor functions below take torch tensors.

#: Protocol names, the default first.  ``"code_loss_only"`` is an ablation, not a third reading of the paper: the
#: text's init and split with the code's class-centred loss and ridge, so that text vs code_loss_only isolates the
#: loss centring (claim ``protocol.loss_centring``).
PROTOCOLS = ("text", "code", "code_loss_only")
#: The default of :class:`li2verify.train.config.TrainConfig`: ``"text"`` keeps every earlier run bitwise reproducible;
#: the claims about the paper's figures and the figure presets set ``"code"`` explicitly.
DEFAULT_PROTOCOL = "text"


@dataclass(frozen=True)
class Protocol:
    """What a protocol decides (see the module docstring)."""

    name: str
    first_fan_in_blocks: int   # W's fan-in in units of M: 1 (text: per block) or 2 (code: concatenated one-hot)
    centre_axis: int           # axis of the (S, n, M) residual that is centred: −2 samples (text), −1 classes (code)
    ridge_centred: bool        # ridge top on P1⊥F, P1⊥Y (text) or on the uncentred F and Y = one_hot − 1/M (code)
    split_rounding: str        # "round": n = round(p·M²); "ceil_test": n = M² − ⌈(1 − p)·M²⌉
    summary: str
    deep_in_act: bool = False  # deeper layers F_l = σ(F_{l−1} + F_{l−1}W_l) (code) instead of σ(F_{l−1}W_l) (text)


REGISTRY: dict[str, Protocol] = {
    "text": Protocol("text", 1, -2, True, "round",
                     "Eqn 1 as printed: W ~ U(±1/√M) per block, residual centred along samples (P1⊥), "
                     "ridge on centred F̃, Ỹ"),
    "code": Protocol("code", 2, -1, False, "ceil_test",
                     "the paper's code: W ~ U(±1/√(2M)), residual centred along classes, targets one_hot − 1/M, "
                     "ridge on uncentred F, deeper layers σ(F + FW_l)", deep_in_act=True),
    "code_loss_only": Protocol("code_loss_only", 1, -1, False, "round",
                               "ablation: the text's init W ~ U(±1/√M) and split, the code's class-centred loss and "
                               "uncentred ridge"),
}


def get(name: str) -> Protocol:
    """The :class:`Protocol` called ``name`` (``ValueError`` naming the known ones otherwise)."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown protocol {name!r}; known: {', '.join(PROTOCOLS)}") from None


def first_layer_fan_in(M: int, protocol: str) -> int:
    """W's fan-in: M (text: per input block) or 2M (code); the init is U(±1/√fan-in)."""
    return get(protocol).first_fan_in_blocks * M


def centre(R, protocol: str):
    """The protocol's projection of a (S, n, M) residual: P1⊥ along samples (text) or along classes (code)."""
    return _center(R, get(protocol).centre_axis)


def residual(out, y, protocol: str):
    """R = P(Ŷ − Y) for one-hot Y of labels ``y`` (S, n): the loss is c‖R‖²_F and ∂J/∂Ŷ = 2cR (module docstring)."""
    import torch

    R = out.clone()
    R.scatter_add_(-1, y.unsqueeze(-1), torch.full((*y.shape, 1), -1.0, dtype=R.dtype, device=R.device))
    return centre(R, protocol)


def ridge_targets(y, M: int, protocol: str, dtype=None):
    """The ridge top layer's target matrix: P1⊥Y (text) or Y − 1/M (code), Y one-hot (S, n, M), float64 by default."""
    import torch

    dtype = torch.float64 if dtype is None else dtype
    Y = torch.zeros(*y.shape, M, dtype=dtype, device=y.device).scatter_(-1, y.unsqueeze(-1), 1.0)
    return _center(Y, -2) if get(protocol).ridge_centred else Y - 1.0 / M


def ridge_features(F, protocol: str):
    """The ridge top layer's design matrix: P1⊥F (text) or F itself (code)."""
    return _center(F, -2) if get(protocol).ridge_centred else F


def split_size(M2: int, frac: float, protocol: str) -> int:
    """Training pairs for a fraction ``frac`` of the M2 pairs: round(frac·M2) (text) or M2 − ⌈(1 − frac)·M2⌉ (code:
    a held-out fraction 1 − frac rounded up, as a seeded shuffle with that test size gives)."""
    if get(protocol).split_rounding == "round":
        return int(round(frac * M2))
    return M2 - int(math.ceil((1.0 - frac) * M2 - 1e-9))
