"""Sec 5.3, after Thm 8: the link between the dynamics of Eqn 10 (ẇ = A(w)w) and the energy E of Eqn 7.

Claim ``sec5.eqn10.energy_link``: for a homogeneous activation σ(x) = Cσ'(x)x, Eqn 6's independent dynamics
ẇ = XᵀDỸỸᵀσ(Xw) = ∇_wE is ẇ = C·A(w)w with the PSD matrix A(w) = XᵀD(w)ỸỸᵀD(w)X, D(w) = diag(σ'(Xw)).

- symbolic: sympy differentiates E(w) = ½‖Ỹᵀσ(Xw)‖² on generic symbols (X 3×2, Ỹ 3×2, w ∈ ℝ²) for σ = x², x³
  (C = 1/2, 1/3) and for ReLU on every sign pattern of Xw (C = 1), and the difference ∇E − C·A(w)w simplifies
  to 0; Eqn 10's A(w) written as BᵀB (B = ỸᵀDX) has a nonnegative quadratic form wᵀAw = ‖Bw‖²;
- numeric: fresh random group tasks (random pairs of Z_7, Z_2×Z_4, D_8), w ~ N(0, I): torch autograd of E vs
  C·A(w)w in float64, smallest eigenvalue of A(w) ≥ 0; SiLU (not homogeneous) recorded as a scope note;
- property: Hypothesis groups of every family, unit w, σ ∈ {x², ReLU, ReLU², linear}.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import given, strategies as st

from li2verify.groups import strategies as ST
from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.paper.energy import energy_gradient
from li2verify.groups.finite import cyclic, dihedral, product_of_cyclic
from li2verify.paper.task import group_task, random_pairs
from li2verify.train.activations import torch_activation

LINK = claim(
    "sec5.eqn10.energy_link",
    title="Homogeneous σ: Eqn 6 is ẇ = C·A(w)w with the PSD A(w) = XᵀD(w)ỸỸᵀD(w)X (the link of Eqn 10 to E)",
    paper_ref="Sec 5.3, after Thm 8 (Eqn 10); Eqns 6-7",
    printed=r"Note that Eqn. 10 is closely related to $\mathcal{E}$, under the assumption of homogeneous/reversible "
            r"activation, i.e., $\sigma(x) = C\sigma'(x)x$ with a constant $C$ (Zhao et al., 2024; Tian et al., 2020). "
            r"In such setting, Eqn. 6 is related to the gradient dynamics with a PSD matrix "
            r"$A(\mathbf{w}) = X^\top D(\mathbf{w})\tilde{Y}\tilde{Y}^\top D(\mathbf{w})X$.",
    assumptions=["‘related’ read as the identity ẇ = ∇E(w) = C·A(w)w (Eqn 6 = Eqn 10's form up to the constant C), "
                 "D(w) = diag(σ'(Xw)), and A(w) ⪰ 0",
                 "σ homogeneous: σ(x) = Cσ'(x)x (x^p: C = 1/p; ReLU, linear: C = 1; ReLU²: C = 1/2); a "
                 "non-homogeneous σ (SiLU) is outside the statement (scope note)"],
    depends_on=["thm1.energy.gradient_ascent"],
)

HOMOG = {"square": 0.5, "relu": 1.0, "relu2": 0.5, "linear": 1.0}


def _A(w, X, Yt, act):
    DX = act.grad(X @ w)[:, None] * X
    B = Yt.T @ DX
    return B.T @ B


def _sym_inst(n=3, d=2, m=2):
    X = sp.Matrix(n, d, lambda i, j: sp.Symbol(f"x{i}{j}", real=True))
    Y = sp.Matrix(n, m, lambda i, j: sp.Symbol(f"y{i}{j}", real=True))
    w = sp.Matrix(d, 1, lambda i, j: sp.Symbol(f"w{i}", real=True))
    return X, Y, w


@check(LINK, "symbolic")
def test_eqn6_is_C_A_w_symbolic(evidence):
    evidence.describe("sympy: ∇_w of E(w) = ½‖Ỹᵀσ(Xw)‖² by differentiation on generic symbols (X 3×2, Ỹ 3×2, w) "
                      "minus C·XᵀDỸỸᵀDXw, simplified: σ = x² (C = 1/2), x³ (C = 1/3), ReLU on each of the 8 sign "
                      "patterns of Xw (σ(u) = s·u, σ' = s ∈ {0, 1}, C = 1); and wᵀA(w)w − ‖ỸᵀDXw‖² = 0")
    evidence.tolerance(0.0, "exact symbolic identities (simplify to 0)")
    X, Y, w = _sym_inst()
    u = X * w
    for name, p in (("x^2", 2), ("x^3", 3)):
        sig = u.applyfunc(lambda z: z**p)
        E = sp.Rational(1, 2) * sum(c**2 for c in (Y.T * sig))
        grad = sp.Matrix([sp.diff(E, wi) for wi in w])
        D = sp.diag(*[p * z ** (p - 1) for z in u])
        A = X.T * D * Y * Y.T * D * X
        evidence.holds(sp.expand(grad - sp.Rational(1, p) * A * w) == sp.zeros(2, 1), f"{name}: ∇E = (1/{p})A(w)w",
                       family=f"symbolic {name}")
        evidence.holds(sp.expand((w.T * A * w)[0] - sum(c**2 for c in (Y.T * D * X * w))) == 0,
                       f"{name}: wᵀAw = ‖ỸᵀDXw‖² ≥ 0", family=f"symbolic {name}")
    for pattern in range(8):
        s = [(pattern >> i) & 1 for i in range(3)]
        sig = sp.Matrix([si * z for si, z in zip(s, u)])
        E = sp.Rational(1, 2) * sum(c**2 for c in (Y.T * sig))
        grad = sp.Matrix([sp.diff(E, wi) for wi in w])
        D = sp.diag(*s)
        A = X.T * D * Y * Y.T * D * X
        evidence.holds(sp.expand(grad - A * w) == sp.zeros(2, 1), f"ReLU pattern {s}: ∇E = A(w)w",
                       family="symbolic ReLU")


FAMS = {"Z7": lambda: cyclic(7), "Z2xZ4": lambda: product_of_cyclic("2x4"), "D8": lambda: dihedral(4)}


def _autograd_energy_gradient(w, X, Yt, activation: str) -> np.ndarray:
    """∇E(w) of E = ½‖Ỹᵀσ(Xw)‖² by torch autograd (float64)."""
    wt = torch.tensor(w, requires_grad=True)
    z = torch.tensor(Yt).T @ torch_activation(activation)(torch.tensor(X) @ wt)
    (gr,) = torch.autograd.grad(0.5 * (z**2).sum(), [wt])
    return gr.numpy()


@check(LINK, "numeric")
def test_eqn6_is_C_A_w_numeric(evidence, li2_profile):
    evidence.describe("Random group tasks (n random pairs), w ~ N(0, I): torch float64 autograd of E = ½‖Ỹᵀσ(Xw)‖² "
                      "vs C·A(w)w (numpy); λ_min(A(w)) ≥ −1e-10·λ_max; SiLU recorded as a scope note")
    evidence.tolerance(1e-12, "float64 rounding of O(n·M)-term sums, relative to max |∇E|")
    scope = {}
    for fam, mk in FAMS.items():
        g = mk()
        for seed in range(li2_profile.pick(fast=4, thorough=20)):
            rng = np.random.default_rng(seed)
            task = group_task(g, random_pairs(g, int(rng.integers(g.order, g.order**2 + 1)), rng))
            X, Yt = task.X, task.Y_tilde
            w = rng.normal(size=X.shape[1])
            for name, C in HOMOG.items():
                act = get_activation(name)
                gr = _autograd_energy_gradient(w, X, Yt, name)
                A = _A(w, X, Yt, act)
                evidence.close(gr, C * A @ w, family=f"{fam} {name}", seed=seed, what="∇E − C·A(w)w")
                ev = np.linalg.eigvalsh(A)
                evidence.error(max(0.0, -ev[0]) / max(1.0, ev[-1]), family=f"{fam} {name}", seed=seed,
                               what="negative part of λ_min(A(w))")
            silu = get_activation("silu")
            A = _A(w, X, Yt, silu)
            ge = energy_gradient(w, X, Yt, silu)
            cands = [float(np.linalg.norm(ge - c * A @ w) / np.linalg.norm(ge)) for c in (0.5, 1.0)]
            scope[f"{fam} seed {seed}"] = min(cands)
    evidence.detail("scope note", "SiLU is not homogeneous (σ(x) ≠ Cσ'(x)x): min over C ∈ {1/2, 1} of "
                                  "‖∇E − C·A(w)w‖/‖∇E‖ per instance (outside the statement, not a counterexample)")
    evidence.detail("scope note: SiLU relative mismatch", scope)


@check(LINK, "property")
@given(spec=ST.group_specs(max_order=min(ST.max_order(), 16)), act=st.sampled_from(sorted(HOMOG)),
       data=st.data())
def test_eqn6_is_C_A_w_property(evidence, spec, act, data):
    evidence.describe("Hypothesis: all M² pairs of a group of any family, unit w: ∇E(w) (li2verify.paper.energy) vs "
                      "C·A(w)w, and A(w) ⪰ 0")
    evidence.tolerance(1e-11, "float64 rounding of O(M²·M)-term sums relative to max(|∇E|, 1)")
    g = ST.group(spec)
    task = group_task(g)
    w = data.draw(ST.unit_vectors(2 * g.order), label="w")
    a = get_activation(act)
    A = _A(w, task.X, task.Y_tilde, a)
    ge = energy_gradient(w, task.X, task.Y_tilde, a)
    scale = max(1.0, float(np.abs(ge).max()))
    evidence.error(float(np.abs(ge - HOMOG[act] * A @ w).max()) / scale, family=f"{spec} {act}",
                   what="∇E − C·A(w)w")
    ev = np.linalg.eigvalsh(A)
    evidence.error(max(0.0, -ev[0]) / max(1.0, ev[-1]), family=f"{spec} {act}", what="negative part of λ_min(A)")
