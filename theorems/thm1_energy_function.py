"""Theorem 1 (Sec 4.1): independent feature learning is gradient ascent of the energy E (Eqns 6–7).

Claims:
- ``thm1.energy.gradient_ascent`` — ẇ_j = XᵀD_jỸỸᵀσ(Xw_j) (Eqn 6) is exactly ∇E(w_j), E = ½‖Ỹᵀσ(Xw_j)‖²
  (Eqn 7).
- ``thm1.energy.centering_identity`` — ỸᵀF = ỸᵀF̃ because P1⊥ is idempotent (Sec 4.1).
- ``thm1.linear_activation.single_maximum`` — with linear σ, E has no local maxima but one global maximum,
  the top eigenvector of XᵀỸỸᵀX ("Role played by the nonlinearity").
- ``thm1.linear_activation.group_degenerate`` — for group arithmetic the class means coincide and that
  direction is degenerate (LDA fails).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.paper.energy import energy, energy_gradient, riemannian_gradient, riemannian_hessian
from li2verify.groups.finite import cyclic, dicyclic, dihedral, product_of_cyclic, quaternion, symmetric
from li2verify.utils.profiles import active_profile
from li2verify.paper.task import center, centering_matrix, group_task, random_pairs
from li2verify.train.activations import torch_activation

EPS = np.finfo(float).eps

GRADIENT_ASCENT = claim(
    "thm1.energy.gradient_ascent",
    title="Eqn 6 is the gradient ascent of the energy E",
    paper_ref="Thm 1; Sec 4.1, Eqns 6–7",
    printed=r"The dynamics (Eqn. 6) $\dot{\mathbf{w}}_j = X^\top D_j \mathbf{g}_j,\ \mathbf{g}_j \propto "
            r"\tilde{Y}\tilde{Y}^\top \sigma(X\mathbf{w}_j)$ of independent feature learning is exactly the "
            r"gradient ascent dynamics of the energy function $\mathcal{E}(\mathbf{w}_j) = \frac{1}{2} "
            r"\|\tilde{Y}^\top \sigma(X\mathbf{w}_j)\|_2^2$ w.r.t. $\mathbf{w}_j$ (Eqn. 7)",
    assumptions=["σ differentiable (ReLU: almost everywhere, away from the kink)",
                 "g_j taken with proportionality constant 1 (any positive constant rescales time)",
                 "D_j = diag(σ'(Xw_j))"],
)

CENTERING = claim(
    "thm1.energy.centering_identity",
    title="Ỹᵀ F = Ỹᵀ F̃",
    paper_ref="Sec 4.1 (after Eqn 6)",
    printed=r"Note that $\tilde{Y}^\top F = \tilde{Y}^\top\tilde{F}$ since $P_1^\perp$ is idempotent.",
    assumptions=["P1⊥ = I − 11ᵀ/n"],
)

LINEAR_SINGLE = claim(
    "thm1.linear_activation.single_maximum",
    title="Linear σ: one global maximum, the top eigenvector of XᵀỸỸᵀX",
    paper_ref="Sec 4.3, 'Role played by the nonlinearity'",
    printed=r"Note that if $\sigma(x)$ is linear, then there is no local maxima, but only a global one, which "
            r"is the maximal eigenvector of $X^\top \tilde{Y} \tilde{Y}^\top X$.",
    assumptions=["on the unit sphere ‖w‖ = 1 (Sec 4.1's constraint)", "maximizer up to sign (±v is one direction)",
                 "top eigenvalue of XᵀỸỸᵀX simple (generic data)"],
    depends_on=["thm1.energy.gradient_ascent"],
    notes="With a repeated top eigenvalue the maxima form the unit sphere of the top eigenspace; see "
          "thm1.linear_activation.group_degenerate for the group-arithmetic case.",
)

LINEAR_GROUP = claim(
    "thm1.linear_activation.group_degenerate",
    title="Group arithmetic: class means coincide, linear E is degenerate",
    paper_ref="Sec 4.3, 'Role played by the nonlinearity'",
    printed=r"For group arithmetics tasks, for each target $h = h_1 h_2$, each group element ($h_1$ and $h_2$) "
            r"appears once and only once, the class-mean vectors are identical and thus LDA fails to identify "
            r"any meaningful directions.",
    assumptions=["all n = M² pairs", "σ linear"],
    depends_on=["thm1.linear_activation.single_maximum"],
    notes="Checked form: on the full data XᵀỸ = 0 exactly, so XᵀỸỸᵀX = 0 and E ≡ 0 for linear σ: every w "
          "is a (degenerate) maximum. On a random subset of pairs XᵀỸ ≠ 0 and the top eigenvector is a "
          "sampling artifact (recorded as a detail).",
)

ACTS = ["square", "relu", "silu", "tanh", "sigmoid"]


def _group_family(rng: np.random.Generator, max_order: int):
    """A random small group: cyclic, product of cyclic, or non-Abelian (dihedral, dicyclic, S3)."""
    r = rng.random()
    if r < 0.25:
        return [dihedral(3), dihedral(4), dihedral(5), quaternion(8), dicyclic(3)][int(rng.integers(0, 5))]
    if r < 0.65:
        return cyclic(int(rng.integers(3, max_order + 1)))
    a = int(rng.integers(2, 5))
    b = int(rng.integers(2, max(3, max_order // a) + 1))
    return product_of_cyclic(f"{a}x{b}")


def _away_from_kink(w: np.ndarray, X: np.ndarray, act, h: float) -> bool:
    return act.smooth or np.min(np.abs(X @ w)) > 100 * h


# -- symbolic -------------------------------------------------------------------------------------------
def _symbolic_gradient_gap(X: sp.Matrix, Y: sp.Matrix, w: sp.Matrix, sigma) -> sp.Matrix:
    """∇_w of ½‖Ỹᵀσ(Xw)‖² by sympy differentiation, minus Eqn 6's XᵀDỸỸᵀσ(Xw); simplified."""
    n = X.shape[0]
    P = sp.eye(n) - sp.ones(n, n) / n
    Yt = P * Y
    u = X * w
    s = u.applyfunc(sigma)
    E = sp.Rational(1, 2) * ((Yt.T * s).T * (Yt.T * s))[0, 0]
    grad = sp.Matrix([sp.diff(E, wi) for wi in w])
    x = sp.Symbol("x")
    D = sp.diag(*[sp.diff(sigma(x), x).subs(x, ui) for ui in u])  # σ'(u_i); a Subs(...) for generic σ
    closed = X.T * D * Yt * Yt.T * s
    return (grad - closed).applyfunc(lambda e: sp.simplify(sp.expand(e)))


@check(GRADIENT_ASCENT, "symbolic")
def test_energy_gradient_is_eqn6_symbolically(evidence):
    evidence.describe(
        "sympy differentiates E(w) = ½‖Ỹᵀσ(Xw)‖² w.r.t. symbolic weights and subtracts Eqn 6's "
        "XᵀDỸỸᵀσ(Xw); the difference must simplify to the zero vector. Instances: a generic symbolic X "
        "(3×2) and Y (3×2), and the Z3 group-arithmetic data (9×6) with symbolic w; σ = x² and an undefined "
        "differentiable function σ."
    )
    evidence.tolerance(0.0, "exact symbolic identity: the simplified difference must be exactly zero")
    sig_generic = sp.Function("sigma")
    sigmas = {"x^2": lambda z: z**2, "generic sigma": lambda z: sig_generic(z)}
    # generic symbolic data
    X = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"x{i}{j}", real=True))
    Y = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"y{i}{j}", real=True))
    w = sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"w{i}", real=True))
    for name, sig in sigmas.items():
        gap = _symbolic_gradient_gap(X, Y, w, sig)
        evidence.holds(gap == sp.zeros(*gap.shape), f"∇E − Eqn6 ≡ 0 for generic X, Y, σ = {name}",
                       family=f"generic 3x2, {name}")
    # the Z3 group-arithmetic instance
    t = group_task(cyclic(3))
    Xg, Yg = sp.Matrix(t.X.astype(int)), sp.Matrix(t.Y.astype(int))
    wg = sp.Matrix(6, 1, lambda i, j: sp.Symbol(f"w{i}", real=True))
    for name, sig in sigmas.items():
        gap = _symbolic_gradient_gap(Xg, Yg, wg, sig)
        evidence.holds(gap == sp.zeros(*gap.shape), f"∇E − Eqn6 ≡ 0 on Z3 data, σ = {name}",
                       family=f"Z3, {name}")


# -- numeric --------------------------------------------------------------------------------------------
def _autograd_energy_gradient(w, X, Y_tilde, activation: str) -> np.ndarray:
    """∇E(w) of Eqn 7's E(w) = ½‖Ỹᵀσ(Xw)‖² by torch autograd (float64)."""
    wt = torch.tensor(w, requires_grad=True, dtype=torch.float64)
    E = 0.5 * torch.sum((torch.tensor(Y_tilde).T @ torch_activation(activation)(torch.tensor(X) @ wt)) ** 2)
    (auto,) = torch.autograd.grad(E, wt)
    return auto.numpy()


@check(GRADIENT_ASCENT, "numeric")
def test_energy_gradient_matches_autograd(evidence, li2_profile):
    evidence.describe(
        "On random groups (cyclic and products) and random subsets of pairs, torch autograd (float64) of "
        "E(w) = ½‖Ỹᵀσ(Xw)‖² is compared with the closed form XᵀDỸỸᵀσ(Xw) of Eqn 6 computed in numpy."
    )
    evidence.tolerance(1e-12, "relative max-abs error; float64 rounding of sums over n ≤ 400 samples "
                              "and M ≤ 20 classes is ~n·M·eps ≈ 2e-12 in the worst case, typically ≤ 1e-14")
    rng = np.random.default_rng(20251)
    trials = li2_profile.pick(fast=25, thorough=200, paper=400)
    for seed in range(trials):
        rng = np.random.default_rng(seed)
        g = _group_family(rng, li2_profile.pick(fast=12, thorough=20))
        M = g.order
        n = int(rng.integers(max(2, M), M * M + 1))
        task = group_task(g, random_pairs(g, n, rng))
        act = get_activation(ACTS[seed % len(ACTS)])
        w = rng.normal(size=2 * M)
        closed = energy_gradient(w, task.X, task.Y_tilde, act)
        auto = _autograd_energy_gradient(w, task.X, task.Y_tilde, act.name)
        evidence.close(auto, closed, family=f"{g.name}/{act.name}", seed=seed, what="autograd vs Eqn 6")


@check(GRADIENT_ASCENT, "numeric")
def test_energy_gradient_matches_finite_differences(evidence, li2_profile):
    evidence.describe(
        "Central finite differences of E along every coordinate vs the closed form of Eqn 6 (float64), on "
        "random groups/pair subsets and activations square, relu, silu, tanh, sigmoid; for ReLU the point is "
        "redrawn until every pre-activation is 100 steps away from the kink."
    )
    h = 1e-5
    evidence.tolerance(1e-6, "relative error of a central difference with step h = 1e-5: truncation "
                             "O(h²·|E'''|) ≈ 1e-10 plus rounding O(eps·|E|/h) ≈ 1e-11·|E|; 1e-6 leaves 4 "
                             "orders of magnitude for |E'''| / |∇E| up to 1e4")
    for seed in range(li2_profile.pick(fast=10, thorough=60, paper=120)):
        rng = np.random.default_rng(1000 + seed)
        g = _group_family(rng, li2_profile.pick(fast=9, thorough=15))
        M = g.order
        task = group_task(g, random_pairs(g, int(rng.integers(M, M * M + 1)), rng))
        act = get_activation(ACTS[seed % len(ACTS)])
        w = rng.normal(size=2 * M)
        while not _away_from_kink(w, task.X, act, h):
            w = rng.normal(size=2 * M)
        f = lambda v: energy(v, task.X, task.Y_tilde, act)  # noqa: E731
        fd = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(2 * M)])
        evidence.close(fd, energy_gradient(w, task.X, task.Y_tilde, act), family=f"{g.name}/{act.name}",
                       seed=1000 + seed, what="finite differences vs Eqn 6")


@check(CENTERING, "numeric")
def test_centering_identity(evidence, li2_profile):
    evidence.describe(
        "ỸᵀF computed with the explicit centering matrix P1⊥ (n×n) vs ỸᵀF̃ with F̃ = F minus its column means, "
        "F = σ(XW) for random W on random group data; also ‖P1⊥² − P1⊥‖."
    )
    evidence.tolerance(1e-12, "relative; float64 rounding of length-n sums, n ≤ 400")
    for seed in range(li2_profile.pick(fast=15, thorough=100)):
        rng = np.random.default_rng(2000 + seed)
        g = _group_family(rng, 15)
        M = g.order
        task = group_task(g, random_pairs(g, int(rng.integers(M, M * M + 1)), rng))
        act = get_activation(ACTS[seed % len(ACTS)])
        F = act(task.X @ rng.normal(size=(2 * M, 7)))
        P = centering_matrix(task.n)
        evidence.close(P @ P, P, family=g.name, seed=2000 + seed, what="P1⊥ idempotent")
        evidence.close((P @ task.Y).T @ F, task.Y_tilde.T @ center(F), family=g.name, seed=2000 + seed,
                       what="ỸᵀF vs ỸᵀF̃")


@check(CENTERING, "symbolic")
def test_centering_identity_symbolically(evidence):
    evidence.describe("sympy: for n = 2..6, P1⊥ = I − 11ᵀ/n satisfies P1⊥² = P1⊥ exactly, and "
                      "(P1⊥Y)ᵀF − (P1⊥Y)ᵀ(P1⊥F) = 0 for fully symbolic Y (n×2) and F (n×2).")
    evidence.tolerance(0.0, "exact symbolic identity")
    for n in range(2, 7):
        P = sp.eye(n) - sp.ones(n, n) / n
        Y = sp.Matrix(n, 2, lambda i, j: sp.Symbol(f"y{i}{j}"))
        F = sp.Matrix(n, 2, lambda i, j: sp.Symbol(f"f{i}{j}"))
        evidence.holds((P * P - P).applyfunc(sp.simplify) == sp.zeros(n, n), f"P1⊥² = P1⊥ (n={n})",
                       family=f"n={n}")
        gap = ((P * Y).T * F - (P * Y).T * (P * F)).applyfunc(lambda e: sp.simplify(sp.expand(e)))
        evidence.holds(gap == sp.zeros(2, 2), f"ỸᵀF = ỸᵀF̃ (n={n})", family=f"n={n}")


# -- property -------------------------------------------------------------------------------------------
_MAXM = active_profile().pick(fast=10, thorough=24)


_GROUPS = st.one_of(
    st.integers(2, _MAXM).map(cyclic),
    st.integers(3, max(3, _MAXM // 2)).map(dihedral),
    st.integers(2, max(2, _MAXM // 4)).map(dicyclic),
    st.tuples(st.integers(2, 4), st.integers(2, 4)).map(lambda ab: product_of_cyclic(f"{ab[0]}x{ab[1]}")),
)


@check(GRADIENT_ASCENT, "property")
@given(
    g=_GROUPS,
    act_name=st.sampled_from(ACTS + ["relu2", "linear"]),
    frac=st.floats(0.1, 1.0),
    scale=st.floats(0.05, 3.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_energy_gradient_property(evidence, g, act_name, frac, scale, seed):
    evidence.describe(
        "Hypothesis over the group (cyclic, dihedral, dicyclic, products of cyclic), activation, data fraction n/M², weight scale and seed: the closed form "
        "of Eqn 6 equals torch autograd of Eqn 7, and a small step along it does not decrease E "
        "(gradient ascent: E(w + τ∇E) ≥ E(w) for τ = 1e-6/(1+‖∇E‖))."
    )
    evidence.tolerance(1e-11, "relative; float64 rounding over n ≤ M² ≤ 576 samples")
    if g.order > 24:  # input guard: the tolerance above is sized for n ≤ M² ≤ 576
        raise ValueError(f"group {g.name} of order {g.order} > 24 is outside the sizes this tolerance was set for")
    rng = np.random.default_rng(seed)
    M = g.order
    n = max(1, int(round(frac * M * M)))
    task = group_task(g, random_pairs(g, n, rng))
    act = get_activation(act_name)
    w = scale * rng.normal(size=2 * M)
    closed = energy_gradient(w, task.X, task.Y_tilde, act)
    wt = torch.tensor(w, requires_grad=True, dtype=torch.float64)
    E = 0.5 * torch.sum((torch.tensor(task.Y_tilde).T @ torch_activation(act.name)(torch.tensor(task.X) @ wt)) ** 2)
    (auto,) = torch.autograd.grad(E, wt)
    evidence.close(auto.numpy(), closed, family=f"{g.name}/{act_name}", seed=seed, what="autograd vs Eqn 6")
    tau = 1e-6 / (1.0 + np.linalg.norm(closed))
    e0 = energy(w, task.X, task.Y_tilde, act)
    e1 = energy(w + tau * closed, task.X, task.Y_tilde, act)
    # ascent: first-order gain τ‖∇E‖², minus rounding of E (~1e-15·E) and curvature O(τ²)
    evidence.holds(e1 - e0 >= -1e-13 * max(1.0, abs(e0)), "E does not decrease along Eqn 6's direction",
                   family=f"{g.name}/{act_name}", seed=seed)


# -- linear activation ----------------------------------------------------------------------------------
def _sphere_ascent(w0: np.ndarray, A: np.ndarray, steps: int = 3000) -> np.ndarray:
    """Projected gradient ascent of ½wᵀAw on the unit sphere."""
    w = w0 / np.linalg.norm(w0)
    lr = 0.5 / max(np.linalg.norm(A, 2), 1e-12)
    for _ in range(steps):
        w = w + lr * (A @ w)
        w /= np.linalg.norm(w)
    return w


@check(LINEAR_SINGLE, "numeric")
def test_linear_energy_has_one_maximum(evidence, li2_profile):
    evidence.describe(
        "Linear σ on random generic data (X Gaussian n×d, Y one-hot of random labels): (a) projected gradient "
        "ascent of E on the sphere from many random starts converges to ±v_top, the top eigenvector of "
        "XᵀỸỸᵀX (|⟨w, v_top⟩| → 1); (b) every other eigenvector is a critical point whose Riemannian "
        "Hessian has a positive eigenvalue (a saddle or minimum, not a local maximum); (c) E(v_top) = λ_max/2."
    )
    evidence.tolerance(1e-6, "1 − |⟨w, v_top⟩| after 3000 ascent steps: convergence factor per step "
                             "≤ (1 − gap/(2λ_max)) with spectral gap ≥ 5% of λ_max (instances with a smaller "
                             "gap are redrawn), so the residual is far below 1e-6")
    lin = get_activation("linear")
    for seed in range(li2_profile.pick(fast=6, thorough=40)):
        rng = np.random.default_rng(3000 + seed)
        while True:
            n, d, m = int(rng.integers(20, 60)), int(rng.integers(3, 9)), int(rng.integers(2, 6))
            X = rng.normal(size=(n, d))
            Y = np.eye(m)[rng.integers(0, m, size=n)]
            Yt = center(Y)
            A = X.T @ Yt @ Yt.T @ X
            lam, V = np.linalg.eigh(A)
            if lam[-1] - lam[-2] > 0.05 * lam[-1]:
                break
        v = V[:, -1]
        for start in range(li2_profile.pick(fast=8, thorough=30)):
            w = _sphere_ascent(rng.normal(size=d), A)
            evidence.error(1 - abs(w @ v), family=f"gaussian n={n} d={d}", seed=3000 + seed,
                           what="1 − |⟨w_converged, v_top⟩|")
        for k in range(d - 1):
            u = V[:, k]
            g = riemannian_gradient(u, X, Yt, lin)
            H = riemannian_hessian(u, X, Yt, lin)
            evidence.holds(np.linalg.norm(g) < 1e-8 * lam[-1] and np.linalg.eigvalsh(H).max() > 1e-9 * lam[-1],
                           f"eigenvector {k} is a critical point with an ascent direction (not a local max)",
                           family=f"gaussian n={n} d={d}", seed=3000 + seed)
        evidence.holds(abs(energy(v, X, Yt, lin) - lam[-1] / 2) < 1e-10 * lam[-1], "E(v_top) = λ_max/2",
                       seed=3000 + seed)


@check(LINEAR_GROUP, "symbolic")
def test_group_class_means_coincide_exactly(evidence, li2_profile):
    evidence.describe(
        "Exact rational arithmetic (sympy) on the full group-arithmetic data: XᵀỸ = 0, hence XᵀỸỸᵀX = 0 and "
        "the linear energy E(w) = ½wᵀXᵀỸỸᵀXw vanishes identically (symbolic w) — every direction is a "
        "degenerate maximum and LDA finds nothing."
    )
    evidence.tolerance(0.0, "exact rational arithmetic")
    groups = [cyclic(M) for M in range(2, li2_profile.pick(fast=8, thorough=14))] + [
        product_of_cyclic(s) for s in ("2x2", "2x3", "2x4", "3x3")
    ]
    groups += [dihedral(3), dihedral(4), quaternion(8), dicyclic(3), symmetric(3)]
    for g in groups:
        t = group_task(g)
        X, Y = sp.Matrix(t.X.astype(int)), sp.Matrix(t.Y.astype(int))
        n = X.shape[0]
        Yt = Y - sp.ones(n, 1) * (sp.ones(1, n) * Y) / n
        XtY = X.T * Yt
        evidence.holds(XtY == sp.zeros(*XtY.shape), "XᵀỸ = 0 exactly", family=g.name)
        w = sp.Matrix(X.shape[1], 1, lambda i, j: sp.Symbol(f"w{i}"))
        E = sp.expand(((Yt.T * X * w).T * (Yt.T * X * w))[0, 0] / 2)
        evidence.holds(E == 0, "linear E(w) ≡ 0", family=g.name)


@check(LINEAR_GROUP, "numeric")
def test_group_subsample_breaks_degeneracy(evidence, li2_profile):
    evidence.describe(
        "The degeneracy is a property of the full data: on a random half of the pairs XᵀỸ ≠ 0 in general. "
        "Recorded: ‖XᵀỸ‖_F on the full data (must be 0 to float64 rounding) and on random subsets."
    )
    evidence.tolerance(1e-12, "absolute; float64 sums of ±1/n terms over n = M² ≤ 196 samples")
    sub_norms = []
    for M in range(3, li2_profile.pick(fast=10, thorough=15)):
        g = cyclic(M)
        full = group_task(g)
        evidence.error(np.linalg.norm(full.X.T @ full.Y_tilde), family=g.name, what="‖XᵀỸ‖ on full data")
        rng = np.random.default_rng(M)
        half = group_task(g, random_pairs(g, M * M // 2, rng))
        sub_norms.append(float(np.linalg.norm(half.X.T @ half.Y_tilde)))
    evidence.detail("norm_XtYtilde_on_half_subsets", sub_norms)
    evidence.holds(min(sub_norms) > 1e-3, "subsampled data have XᵀỸ ≠ 0 (the top eigenvector exists but is a "
                                          "sampling artifact)")
