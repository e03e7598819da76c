"""Lemma 2 (Sec 5.3; App. G.3, Eqn 35): Muon ascends E_joint and has the stationary points of gradient flow.

Which Muon: the paper defines Muon by the exact polar factor U Vᵀ of G = U D Vᵀ (Sec 5.3).  Practice (Jordan
et al., 2024) uses 5 Newton–Schulz steps of the quintic (3.4445, −4.7750, 2.0315) after Frobenius
normalization, which maps G to U φ(D/‖G‖_F) Vᵀ with φ ≠ 1.  Both are checked.

Claims:
- ``lemma2.muon.inner_product`` — ⟨UVᵀ, G⟩_F = tr D ≥ 0, = 0 iff G = 0 (Eqn 35), exact polar factor.
- ``lemma2.muon.stationary_points`` — Muon ascends E_joint(W) = Σ_j E(w_j) and is stationary iff G_W = 0.
- ``lemma2.muon.newton_schulz`` — the same two statements for the Newton–Schulz Muon of practice.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.paper.energy import energy, energy_gradient
from li2verify.groups.finite import cyclic, product_of_cyclic
from li2verify.paper.muon import MUON_NS_COEFFS, MUON_NS_STEPS, newton_schulz, newton_schulz_scalar, polar_factor
from li2verify.paper.task import group_task

INNER = claim(
    "lemma2.muon.inner_product",
    title="⟨UVᵀ, G⟩ = tr D ≥ 0, zero iff G = 0",
    paper_ref="Lemma 2 proof; App. G.3, Eqn 35",
    printed=r"$\langle \hat{G}, G \rangle_F = \text{tr}(\hat{G}^\top G) = \text{tr}(VU^\top UDV^\top) = \text{tr}(D) "
            r"\geq 0$ (35) ... Furthermore, $\langle \hat{G}, G \rangle_F = 0$ iff $D = 0$, which means that $G = 0$.",
    assumptions=["Ĝ = UVᵀ from the thin SVD (exact polar factor); for rank-deficient G the partial isometry"],
)

STATIONARY = claim(
    "lemma2.muon.stationary_points",
    title="Muon ascends E_joint; stationary iff G_W = 0",
    paper_ref="Lemma 2; Sec 5.3",
    printed=r"Muon finds ascending direction to maximize the joint energy function $\mathcal{E}_{\text{joint}}(W) = "
            r"\sum_j \mathcal{E}(\mathbf{w}_j)$ and has stationary points iff the original gradient $G_W$ vanishes.",
    assumptions=["Muon = exact polar factor of G_W = [∇_{w_1}E, …, ∇_{w_K}E] (the paper's definition)",
                 "unconstrained W (no sphere projection), as in the proof"],
    depends_on=["lemma2.muon.inner_product", "thm1.energy.gradient_ascent"],
)

NS = claim(
    "lemma2.muon.newton_schulz",
    title="Lemma 2 for Muon as implemented (Newton–Schulz)",
    paper_ref="Lemma 2; Sec 5.3 (Muon of Jordan et al., 2024)",
    printed=r"Muon finds ascending direction to maximize the joint energy function $\mathcal{E}_{\text{joint}}(W) = "
            r"\sum_j \mathcal{E}(\mathbf{w}_j)$ and has stationary points iff the original gradient $G_W$ vanishes.",
    assumptions=["Muon = 5 Newton–Schulz steps of p(x) = 3.4445x − 4.7750x³ + 2.0315x⁵ on G/(‖G‖_F + 1e-7), "
                 "float64 (the reference implementation runs it in bfloat16)"],
    depends_on=["lemma2.muon.inner_product"],
    notes="Newton–Schulz Muon is not the polar factor: it returns U φ(D/‖G‖_F) Vᵀ with φ(x) ∈ ~[0.47, 1.2]; "
          "the lemma still holds because a + b y + c y² has no real root (b² − 4ac < 0), so φ > 0 on (0, ∞).",
)


def _matrices(rng: np.random.Generator):
    """Test matrices: tall, wide, square, rank-deficient, tiny rank-1."""
    yield "tall 9x4", rng.standard_normal((9, 4))
    yield "wide 4x9", rng.standard_normal((4, 9))
    yield "square 6x6", rng.standard_normal((6, 6))
    yield "rank-2 8x7", rng.standard_normal((8, 2)) @ rng.standard_normal((2, 7))
    yield "rank-1 1e-8 scale", 1e-8 * np.outer(rng.standard_normal(5), rng.standard_normal(3))


@check(INNER, "symbolic")
def test_trace_identity_symbolic(evidence):
    evidence.describe("sympy: with U, V rotations by symbolic angles θ, ψ and D = diag(d1, d2), simplify "
                      "tr((UVᵀ)ᵀ U D Vᵀ) − (d1 + d2)")
    th, ps, d1, d2 = sp.symbols("theta psi d1 d2", real=True)

    def rot(a):
        return sp.Matrix([[sp.cos(a), -sp.sin(a)], [sp.sin(a), sp.cos(a)]])

    U, V, D = rot(th), rot(ps), sp.diag(d1, d2)
    G = U * D * V.T
    diff = sp.simplify(((U * V.T).T * G).trace() - (d1 + d2))
    evidence.holds(diff == 0, f"tr(ĜᵀG) − tr D simplifies to {diff}")


@check(INNER, "numeric")
def test_inner_product_is_nuclear_norm(evidence, li2_profile):
    evidence.describe("⟨polar(G), G⟩_F (SVD) vs tr((GᵀG)^{1/2}) from an eigendecomposition of GᵀG; positivity for "
                      "G ≠ 0 (including a 1e-8-scaled rank-1 G); ⟨·,·⟩ = 0 and polar(0) = 0 for G = 0")
    evidence.tolerance(1e-10, "float64 rounding of an SVD vs an eigendecomposition of the smaller Gram, relative "
                              "to ‖G‖_F; Gram eigenvalues below 100·size·eps·λ_max (rounding of exact zeros, "
                              "whose square roots would be ~√eps) are set to 0")
    for seed in range(li2_profile.pick(fast=5, thorough=50)):
        rng = np.random.default_rng(seed)
        for fam, G in _matrices(rng):
            ip = float(np.sum(polar_factor(G) * G))
            small = G.T @ G if G.shape[0] >= G.shape[1] else G @ G.T
            lam = np.linalg.eigvalsh(small)
            lam = np.where(lam > 100 * max(G.shape) * np.finfo(float).eps * lam.max(), lam, 0.0)
            nuc = float(np.sum(np.sqrt(lam)))
            rel = abs(ip - nuc) / np.linalg.norm(G)
            evidence.error(rel, family=fam, seed=seed, what="⟨UVᵀ,G⟩ vs tr D")
            evidence.holds(ip > 0, "⟨UVᵀ, G⟩ > 0 for G ≠ 0", family=fam, seed=seed)
    Z = np.zeros((4, 3))
    evidence.holds(float(np.sum(polar_factor(Z) * Z)) == 0 and not polar_factor(Z).any(), "G = 0 gives 0",
                   family="zero")


def _task(name: str):
    G = cyclic(7) if name == "Z7" else product_of_cyclic("2x3")
    return group_task(G)


@check(STATIONARY, "numeric")
def test_muon_ascends_joint_energy_and_is_stationary_iff_gradient_vanishes(evidence, li2_profile):
    evidence.describe(
        "E_joint(W) = Σ_j ½‖Ỹᵀσ(Xw_j)‖² on group tasks (σ = x², relu-free smooth); G_W from Eqn 6 per column. "
        "The directional derivative of E_joint along D = polar(G_W) by central differences vs ‖G_W‖_* "
        "(eigenvalues of GᵀG): positive, so Muon ascends; ‖polar(G)‖_F² = rank G, so Muon is stationary iff "
        "G_W = 0 (checked at random W and at W with zero columns, where σ = x² gives ∇E = 0).")
    evidence.tolerance(1e-6, "central difference of a quartic (σ = x²) with h = 1e-4: O(h²‖∇³E‖) ≲ 1e-7 relative")
    act = get_activation("square")
    for seed in range(li2_profile.pick(fast=3, thorough=20)):
        rng = np.random.default_rng(seed)
        for fam in ["Z7", "Z2xZ3"]:
            t = _task(fam)
            d, K = t.X.shape[1], 5
            W = rng.standard_normal((d, K)) / np.sqrt(d)
            W[:, 0] = 0.0  # a node at the trivial critical point
            Gw = np.column_stack([energy_gradient(W[:, j], t.X, t.Y_tilde, act) for j in range(K)])
            D = polar_factor(Gw)

            def Ej(Wm):
                return sum(energy(Wm[:, j], t.X, t.Y_tilde, act) for j in range(K))

            h = 1e-4
            dE = (Ej(W + h * D) - Ej(W - h * D)) / (2 * h)
            nuc = float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(Gw.T @ Gw), 0, None))))
            evidence.close(dE, nuc, family=fam, seed=seed, what="dE_joint/dt along Muon vs ‖G‖_*")
            evidence.holds(dE > 0, "Muon direction ascends E_joint", family=fam, seed=seed)
            evidence.holds(float(np.abs(D[:, 0]).max()) < 1e-12, "node with ∇E = 0 is not moved by Muon (≤ 1e-12)",
                           family=fam, seed=seed)
            evidence.holds(round(float(np.sum(D * D))) == np.linalg.matrix_rank(Gw), "‖polar(G)‖² = rank G",
                           family=fam, seed=seed)
            Z = np.zeros_like(W)
            G0 = np.column_stack([energy_gradient(Z[:, j], t.X, t.Y_tilde, act) for j in range(K)])
            evidence.holds(not G0.any() and not polar_factor(G0).any(), "G_W = 0 ⇒ Muon stationary", family=fam,
                           seed=seed)


@check(NS, "symbolic")
def test_newton_schulz_polynomial_has_positive_gain(evidence):
    evidence.describe("sympy: p(x)/x = a + b y + c y² (y = x²) with Muon's (a, b, c) has no real root and c > 0, so "
                      "p(x) > 0 for x > 0 and the 5-fold composition φ is positive on (0, ∞)")
    a, b, c = (sp.Rational(str(v)) for v in MUON_NS_COEFFS)
    y = sp.symbols("y", real=True)
    roots = sp.solve(sp.Eq(a + b * y + c * y**2, 0), y)
    disc = b**2 - 4 * a * c
    evidence.detail("discriminant", float(disc))
    evidence.holds(disc < 0 and c > 0 and len([r for r in roots if r.is_real]) == 0,
                   f"a + b y + c y² > 0 for all real y (discriminant {float(disc):.3f})")


@check(NS, "numeric")
def test_newton_schulz_keeps_singular_vectors_and_ascends(evidence, li2_profile):
    evidence.describe("NS(G) (matrix iteration) vs U φ(D/(‖G‖_F + 1e-7)) Vᵀ (scalar iteration on the SVD); "
                      "⟨NS(G), G⟩ > 0 for G ≠ 0; NS(0) = 0; distance of NS(G) to the polar factor recorded")
    evidence.tolerance(1e-9, "float64 rounding through 5 quintic steps with |p'| ≤ ~3.5 (error amplification ≲ 3.5⁵)")
    worst_polar = 0.0
    for seed in range(li2_profile.pick(fast=5, thorough=50)):
        rng = np.random.default_rng(seed)
        for fam, G in _matrices(rng):
            U, s, Vt = np.linalg.svd(G, full_matrices=False)
            expect = U @ np.diag(newton_schulz_scalar(s / (np.linalg.norm(G) + 1e-7))) @ Vt
            N = newton_schulz(G)
            evidence.close(N, expect, family=fam, seed=seed, what="NS(G) vs Uφ(D)Vᵀ")
            evidence.holds(float(np.sum(N * G)) > 0, "⟨NS(G), G⟩ > 0", family=fam, seed=seed)
            if "rank" not in fam:
                worst_polar = max(worst_polar, float(np.abs(N - polar_factor(G)).max()))
    evidence.holds(not newton_schulz(np.zeros((3, 4))).any(), "NS(0) = 0", family="zero")
    xs = np.logspace(-3, 0, 7)
    evidence.detail("phi_on_logspace(1e-3..1)", dict(zip([f"{x:.3g}" for x in xs], newton_schulz_scalar(xs))))
    evidence.detail("max_entry_distance_NS_to_polar_full_rank", worst_polar)
    evidence.detail("ns_steps_and_coeffs", {"steps": MUON_NS_STEPS, "coeffs": MUON_NS_COEFFS})
