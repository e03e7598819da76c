"""Lemma 1 (Sec 3.1; App. F), the kernel of random features: its Hermite series, diagonal, off-diagonal
Lipschitz bound and the constants c1, c2.

Claims:
- ``lemma1.kernel.hermite_series`` — 𝒦(i,j) = E_w σ(wᵀx_i)σ(wᵀx_j) = Σ_l a_l(s_i)a_l(s_j)ρ_ij^l (Eqn 12 + Lemma 3).
- ``lemma1.kernel.parseval`` — 𝒦(i,i) = Σ a_l² = a = E[σ²(sZ)].
- ``lemma1.kernel.offdiag_lipschitz`` — |𝒦(i,j) − b| ≤ cε with c = Σ_{l≥1} l a_l² < ∞.
- ``lemma1.constants.c1_c2`` — c1, c2 > 0 "related to nonlinearity": c = a − b for x², ReLU, SiLU, tanh (closed
  forms vs quadrature).

Property checks (Hypothesis, no integer seeds): every claim has one (activations, norms, correlations, ε).
Symbolic evidence stays with lemma1.kernel.hermite_series (sympy, σ = x²).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from hypothesis import given

from li2verify.groups.strategies import bounded_floats
from li2verify.paper.activations import get_activation
from li2verify.paper.hermite import (
    dual_kernel,
    dual_kernel_quadrature,
    dual_kernel_series,
    gaussian_expectation,
    hermite_coefficients,
    hermite_coefficients_closed_form,
    lemma1_constants,
    relu_arccos_kernel,
)
from li2verify.paper.task import center, centering_matrix
from li2verify.utils.fits import fit_order
from li2verify.verify.claims import check, claim
from li2verify.experiments.gradient_structure import ACT_DRAWS, ACTS

SERIES = claim(
    "lemma1.kernel.hermite_series",
    title="𝒦(i,j) = Σ_l a_l(s_i)a_l(s_j)ρ_ij^l",
    paper_ref="Proof of Lemma 1, Eqn 12; Lemma 3",
    printed=r"$\mathcal{K}(i, j) = \mathbb{E}_{\mathbf{w}}[\sigma(\mathbf{w}^\top \mathbf{x}_i)\sigma(\mathbf{w}^\top "
            r"\mathbf{x}_j)]$ ... $= \sum_{l \geq 0} a_l(s_i) a_l(s_j) \rho_{ij}^l$, $a_l(s) = \frac{1}{\sqrt{l!}} "
            r"\mathbb{E}[\sigma(sZ) \text{He}_l(Z)]$",
    assumptions=["w ~ N(0, I_d)", "σ(s·) ∈ L²(γ)"],
    depends_on=["lemma3.hermite.correlation"],
)


# ---------------------------------------------------------------------------------------------------------------
@check(SERIES, "symbolic")
def test_series_square_symbolic(evidence):
    evidence.describe("sympy, σ(x) = x²: E[σ(s_iZ1)σ(s_jZ2)] by Gaussian moments (Z2 = ρX + √(1−ρ²)Y) vs "
                      "Σ a_l(s_i)a_l(s_j)ρ^l with a_l from sympy integrals of σ(sZ)He_l(Z)/√l!")
    x, y, rho = sp.symbols("x y rho", real=True)
    si, sj = sp.symbols("s_i s_j", positive=True)
    dens = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    mom = {k: sp.integrate(x**k * dens, (x, -sp.oo, sp.oo)) for k in range(5)}
    expr = sp.expand((si * x) ** 2 * (sj * (rho * x + sp.sqrt(1 - rho**2) * y)) ** 2)
    lhs = sum(c * mom[a] * mom[b] for (a, b), c in sp.Poly(expr, x, y).terms())

    def a_l(s, l):
        return sp.integrate((s * x) ** 2 * sp.hermite_prob(l, x) * dens, (x, -sp.oo, sp.oo)) / sp.sqrt(sp.factorial(l))

    rhs = sum(a_l(si, l) * a_l(sj, l) * rho**l for l in range(6))
    evidence.holds(sp.simplify(lhs - rhs) == 0, "E[(s_iZ1)²(s_jZ2)²] = Σ a_l a_l ρ^l", family="symbolic x²")
    evidence.holds(sp.simplify(lhs - si**2 * sj**2 * (1 + 2 * rho**2)) == 0, "= s_i²s_j²(1+2ρ²)", family="symbolic x²")


@check(SERIES, "numeric")
def test_series_vs_quadrature_and_monte_carlo(evidence, li2_profile):
    evidence.describe("Hermite series Σa_l(s_i)a_l(s_j)ρ^l (a_l by Gauss–Hermite, 60 terms; ReLU closed-form a_l, 400 "
                      "terms) vs 2-D Gauss–Hermite of E[σ(s_iZ1)σ(s_jZ2)] and the closed forms (x², arc-cosine); "
                      "and vs FFᵀ/K for K = 2·10⁵ random w (Monte Carlo, 6 standard errors)")
    evidence.tolerance(2e-3, "absolute; ReLU: 2-D Gauss–Hermite on a kinked integrand converges slowly (≈1e-3 at 120 "
                             "nodes), series truncation at 400 terms ≈1e-5; smooth σ reach 1e-9")
    rng = np.random.default_rng(77)
    for act in ACTS:
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            si, sj = rng.uniform(0.5, 1.8, 2)
            rho = rng.uniform(-0.9, 0.9)
            if act == "relu":
                ai = hermite_coefficients_closed_form("relu", si, 400)
                aj = hermite_coefficients_closed_form("relu", sj, 400)
            else:
                ai, aj = hermite_coefficients(act, si, 60), hermite_coefficients(act, sj, 60)
            ser = float(dual_kernel_series(ai, rho, aj))
            a = get_activation(act)
            x, w = np.polynomial.hermite_e.hermegauss(120)
            w = w / math.sqrt(2 * math.pi)
            X, Y = np.meshgrid(x, x, indexing="ij")
            quad = float(np.sum(np.outer(w, w) * a(si * X) * a(sj * (rho * X + math.sqrt(1 - rho**2) * Y))))
            evidence.error(abs(ser - quad), family=act, seed=seed, what="series vs 2-D quadrature")
            if act in ("square", "relu"):
                closed = (si * sj) ** 2 * (1 + 2 * rho**2) if act == "square" else \
                    si * sj * float(relu_arccos_kernel(rho))
                evidence.error(abs(ser - closed), family=act, seed=seed, what="series vs closed form")
        # Monte Carlo with an actual Gaussian weight vector on explicit inputs
        xi = np.array([1.2, 0.0, 0.0])
        xj = np.array([0.3, 0.9, 0.0])
        Wmc = rng.normal(size=(3, 200_000))
        prod = a(xi @ Wmc) * a(xj @ Wmc)
        si, sj = np.linalg.norm(xi), np.linalg.norm(xj)
        r = float(xi @ xj / (si * sj))
        ai = hermite_coefficients_closed_form("relu", si, 400) if act == "relu" else hermite_coefficients(act, si, 60)
        aj = hermite_coefficients_closed_form("relu", sj, 400) if act == "relu" else hermite_coefficients(act, sj, 60)
        se = prod.std() / math.sqrt(prod.size)
        evidence.holds(abs(prod.mean() - float(dual_kernel_series(ai, r, aj))) <= 6 * se, f"MC within 6 s.e. ({se:.1e})",
                       family=act)


def _coeffs(act, s, L):
    return hermite_coefficients_closed_form("relu", s, L) if act == "relu" else hermite_coefficients(act, s, 80)


@check(SERIES, "property")
@given(act=ACT_DRAWS, si=bounded_floats(0.5, 1.8), sj=bounded_floats(0.5, 1.8), rho=bounded_floats(-0.9, 0.9))
def test_series_property(evidence, act, si, sj, rho):
    evidence.describe("Hypothesis over σ ∈ {x², ReLU, SiLU, tanh}, norms s_i, s_j ∈ [0.5, 1.8], ρ ∈ [−0.9, 0.9]: Hermite "
                      "series Σa_l(s_i)a_l(s_j)ρ^l vs 2-D Gauss–Hermite quadrature of E[σ(s_iZ1)σ(s_jZ2)]")
    evidence.tolerance(2e-3, "absolute; ReLU: 2-D Gauss–Hermite on a kinked integrand (≈1e-3 at 120 nodes), series "
                             "truncation at 400 terms ≈1e-5; smooth σ reach 1e-9")
    ser = float(dual_kernel_series(_coeffs(act, si, 400), rho, _coeffs(act, sj, 400)))
    a = get_activation(act)
    x, w = np.polynomial.hermite_e.hermegauss(120)
    w = w / math.sqrt(2 * math.pi)
    X, Y = np.meshgrid(x, x, indexing="ij")
    quad = float(np.sum(np.outer(w, w) * a(si * X) * a(sj * (rho * X + math.sqrt(1 - rho**2) * Y))))
    evidence.error(abs(ser - quad), family=act, what="series vs 2-D quadrature")


PARSEVAL = claim(
    "lemma1.kernel.parseval",
    title="𝒦(i,i) = Σa_l² = E[σ²(sZ)] (Parseval)",
    paper_ref="Proof of Lemma 1",
    printed=r"$\mathcal{K}(i, i) = \sum_{l \geq 0} a_l^2(s) =: a$ ... Note that by Parseval's identity, "
            r"$a = \mathbb{E}_{Z \sim \mathcal{N}(0, 1)}[\sigma^2(sZ)]$.",
    depends_on=["lemma1.kernel.hermite_series"],
)


@check(PARSEVAL, "numeric")
def test_parseval(evidence, li2_profile):
    evidence.describe("Σ_{l≤L} a_l² (Gauss–Hermite coefficients; ReLU closed form) vs E[σ²(sZ)] by adaptive "
                      "quadrature; ReLU tail Σ_{l>L} a_l² ~ L^{-3/2} bounds the truncation")
    evidence.tolerance(5e-5, "absolute; ReLU truncation at L = 2000 leaves ≈ 1e-5; smooth σ ≈ 1e-9 at L = 80")
    rng = np.random.default_rng(3)
    for act in ACTS:
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            s = float(rng.uniform(0.5, 2.0))
            coeffs = hermite_coefficients_closed_form("relu", s, 2000) if act == "relu" else hermite_coefficients(act, s, 80)
            a = get_activation(act)
            evidence.error(abs(np.sum(coeffs**2) - gaussian_expectation(lambda z: a(s * z) ** 2)), family=act, seed=seed)


@check(PARSEVAL, "property")
@given(act=ACT_DRAWS, s=bounded_floats(0.5, 2.0))
def test_parseval_property(evidence, act, s):
    evidence.describe("Hypothesis over σ and s ∈ [0.5, 2]: Σ_{l≤L}a_l² vs E[σ²(sZ)] by adaptive quadrature")
    evidence.tolerance(5e-5, "absolute; ReLU truncation at L = 2000 leaves ≈ 1e-5 (s ≤ 2); smooth σ ≈ 1e-9 at L = 80")
    a = get_activation(act)
    evidence.error(abs(np.sum(_coeffs(act, s, 2000) ** 2) - gaussian_expectation(lambda z: a(s * z) ** 2)), family=act)


LIPSCHITZ = claim(
    "lemma1.kernel.offdiag_lipschitz",
    title="|𝒦(i,j) − b| ≤ cε, c = Σ_{l≥1} l a_l² < ∞",
    paper_ref="Proof of Lemma 1",
    printed=r"Let $c := \sum_{l \geq 1} l a_l^2(s) < +\infty$ (it is convergent due to the big factor $l!$ in the "
            r"denominator). Let $b := \sum_{l \geq 0} a_l^2(s) \rho^l$ and we have for all $i \neq j$: "
            r"$\|\mathcal{K}(i, j) - b\|_2 \leq \sum_{l \geq 0} a_l^2(s) \|\rho_{ij}^l - \rho^l\|_2 \leq \sum_{l \geq 1} "
            r"l a_l^2(s) \epsilon = c\epsilon$",
    assumptions=["ρ_ij, ρ are correlations (x_iᵀx_j/s²); ε in correlation units"],
    depends_on=["lemma1.kernel.hermite_series"],
    notes="c = Σ l a_l² = s²E[σ'(sZ)²] (Hermite derivative identity), finite for ReLU although a_l² decays only "
          "like l^{-5/2} (not 'due to l!'). Assumption (3) bounds the raw inner product x_iᵀx_i' − ρ; in "
          "correlation units ε becomes ε/s².",
)


@check(LIPSCHITZ, "numeric")
def test_lipschitz_bound(evidence, li2_profile):
    evidence.describe("max over ρ_ij ∈ [ρ−ε, ρ+ε] of |𝒦(ρ_ij) − 𝒦(ρ)| vs c_L·ε with c_L = Σ l a_l² (series) and "
                      "= s²E[σ'(sZ)²] (quadrature), fresh (s, ρ, ε)")
    evidence.tolerance(1e-4, "absolute; agreement of the two c_L computations (ReLU: series to L=2000 plus the "
                             "asymptotic tail a_L²L², whose own error is O(L^{-3/2}))")
    rng = np.random.default_rng(9)
    for act in ACTS:
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            s, rho, eps = float(rng.uniform(0.5, 1.5)), float(rng.uniform(-0.6, 0.6)), float(rng.uniform(0.01, 0.3))
            coeffs = hermite_coefficients_closed_form("relu", s, 2000) if act == "relu" else hermite_coefficients(act, s, 80)
            cL_series = float(np.sum(np.arange(coeffs.size) * coeffs**2))
            if act == "relu":  # a_l² ≈ C l^{-5/2} (even l): tail Σ_{l>L} l a_l² ≈ a_L² L², algebraic not factorial
                L = coeffs.size - 1
                tail = coeffs[L] ** 2 * L**2
                evidence.detail("relu_truncated_tail_at_L2000", tail)
                cL_series += tail
            cL = lemma1_constants(act, s, rho).c_L
            evidence.error(abs(cL_series - cL), family=act, seed=seed, what="Σ l a_l² vs s²E[σ'²]")
            grid = np.linspace(rho - eps, rho + eps, 41)
            dev = np.max(np.abs(np.asarray(dual_kernel(act, grid, s)) - float(dual_kernel(act, rho, s))))
            evidence.holds(dev <= cL * eps * (1 + 1e-9), f"|𝒦 − b| = {dev:.3g} ≤ cε = {cL * eps:.3g}", family=act,
                           seed=seed)
    a_relu = hermite_coefficients_closed_form("relu", 1.0, 4000)
    ls = np.arange(200, 4001, 2)
    f = fit_order(ls, a_relu[200::2] ** 2)
    evidence.detail("relu_a_l^2_decay_order", f.summary(-2.5))


@check(LIPSCHITZ, "property")
@given(act=ACT_DRAWS, s=bounded_floats(0.5, 1.5), rho=bounded_floats(-0.6, 0.6), eps=bounded_floats(0.0, 0.3))
def test_lipschitz_property(evidence, act, s, rho, eps):
    evidence.describe("Hypothesis over σ, s ∈ [0.5, 1.5], ρ ∈ [−0.6, 0.6], ε ∈ [0, 0.3]: max over ρ_ij ∈ [ρ−ε, ρ+ε] of "
                      "|𝒦(ρ_ij) − 𝒦(ρ)| ≤ c·ε with c = Σ l a_l² = s²E[σ'(sZ)²]")
    evidence.tolerance(0.0, "inequality asserted with relative slack 1e-9 (float64 rounding of the kernel)")
    cL = lemma1_constants(act, s, rho).c_L
    grid = np.linspace(rho - eps, rho + eps, 41)
    dev = float(np.max(np.abs(np.asarray(dual_kernel(act, grid, s)) - float(dual_kernel(act, rho, s)))))
    evidence.holds(dev <= cL * eps * (1 + 1e-9) + 1e-14, f"|𝒦 − b| = {dev:.3g} ≤ cε = {cL * eps:.3g}", family=act)


CONSTANTS = claim(
    "lemma1.constants.c1_c2",
    title="c1, c2 > 0 from the nonlinearity: c = a − b for x², ReLU, SiLU, tanh",
    paper_ref="Lemma 1 (Eqn 5) and its proof",
    printed=r"where $c_1, c_2 > 0$ are constants related to nonlinearity. ... Note that the input features and/or "
            r"weights can be scaled and what changes is $c_1$ and $c_2$.",
    assumptions=["c1 = a − b from F̃F̃ᵀ ≈ K(a−b)P1⊥ (proof); c2 is never defined — E[F̃ᵀF̃] = (n−1)(a−b)I "
                 "suggests c2 = a − b"],
    depends_on=["lemma1.kernel.parseval"],
    notes="Closed forms: x²: a = 3s⁴, b = s⁴(1+2ρ²), c = 2s⁴(1−ρ²); ReLU: a = s²/2, "
          "b = s²(√(1−ρ²) + (π − arccos ρ)ρ)/(2π); SiLU, tanh by quadrature.",
)


@check(CONSTANTS, "numeric")
def test_constants_closed_forms(evidence, li2_profile):
    evidence.describe("a, b, c = a − b: closed forms (x²: 3s⁴, s⁴(1+2ρ²); ReLU: s²/2, arc-cosine) vs 1-D/2-D "
                      "quadrature; c > 0 for all four activations and several (s, ρ)")
    evidence.tolerance(2e-3, "absolute; ReLU 2-D Gauss–Hermite on a kink (≈1e-3), smooth σ ≈ 1e-9")
    table = {}
    rng = np.random.default_rng(12)
    for act in ACTS:
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            s, rho = float(rng.uniform(0.5, 2.0)), float(rng.uniform(-0.8, 0.8))
            c = lemma1_constants(act, s, rho)
            a = get_activation(act)
            evidence.error(abs(c.a - gaussian_expectation(lambda z: a(s * z) ** 2)), family=act, seed=seed, what="a")
            evidence.error(abs(c.b - dual_kernel_quadrature(act, rho, s, nodes=120)), family=act, seed=seed, what="b")
            if act == "square":
                evidence.error(abs(c.c - 2 * s**4 * (1 - rho**2)), family=act, seed=seed, what="c closed form")
            evidence.holds(c.c > 0, "c = a − b > 0", family=act, seed=seed)
            table[f"{act},s={s:.2f},rho={rho:.2f}"] = {"a": c.a, "b": c.b, "c": c.c, "c_L": c.c_L}
    evidence.detail("constants", table)


@check(CONSTANTS, "numeric")
def test_constants_under_weight_scaling(evidence, li2_profile):
    evidence.describe("W ~ N(0, w²) on inputs of norm s: Monte Carlo F̃F̃ᵀ/K (K = 4·10⁴, ε = 0 inputs s·e_i, n = 8) vs "
                      "c(s·w)·P1⊥ from the Hermite constants at norm s·w; x² and ReLU also vs the homogeneity "
                      "c(λs) = λ⁴c(s), λ²c(s)")
    evidence.tolerance(0.05, "relative operator-norm deviation; Monte Carlo fluctuation ≈ 2√(n/K) ≈ 0.03")
    rng = np.random.default_rng(81)
    n = 8
    for act in ACTS:
        for w, s in ((0.5, 1.0), (2.0, 0.7)):
            X = s * np.eye(n)
            F = center(get_activation(act)(X @ (w * rng.normal(size=(n, 40_000)))))
            c = lemma1_constants(act, s * w, 0.0).c
            dev = np.linalg.norm(F @ F.T / F.shape[1] - c * centering_matrix(n), 2) / c
            evidence.error(dev, family=act, what=f"w={w}, s={s}")
    for act, p in (("square", 4), ("relu", 2)):
        evidence.error(abs(lemma1_constants(act, 1.7, 0.3).c / lemma1_constants(act, 1.0, 0.3).c - 1.7**p) / 1.7**p,
                       family=act, what="homogeneity")


@check(CONSTANTS, "property")
@given(act=ACT_DRAWS, s=bounded_floats(0.3, 2.5), rho=bounded_floats(-0.95, 0.95))
def test_constants_positive_property(evidence, act, s, rho):
    evidence.describe("Hypothesis over σ, s ∈ [0.3, 2.5], ρ ∈ [−0.95, 0.95]: c = a − b > 0 (a = E[σ²(sZ)], b = 𝒦 at ρ)")
    evidence.tolerance(0.0, "strict inequality; a − b is ≥ 1e-4·a on this range, far above float64 rounding")
    c = lemma1_constants(act, s, rho)
    evidence.holds(c.c > 1e-12 * max(c.a, 1e-300), f"c = {c.c:.3g} > 0 (a = {c.a:.3g})", family=act)
