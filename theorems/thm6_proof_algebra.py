"""Theorem 6's algebra (Sec 5.1; App. G.1): Eqn 9's column expansion, the proof's 2×2 Schur complement, and the
pair projector P_{η,−jl} — each claim followed by its checks.

Claims:
- ``thm6.repulsion.column_expansion`` — Eqn 9, [F̃B]_j = b_jj f̃_j + Σ_{l=1}^K b_jl f̃_l, as printed (the sum
  includes l = j, so b_jj f̃_j is counted twice; the proof's form sums over l ≠ j).
- ``thm6.proof.schur_complement`` — every step of the proof: top-left 2×2 block of G⁻¹ is S⁻¹, α/β/γ as
  ridge residuals, q_12 = −β/(αγ − β²), αγ − β² > 0.
- ``thm6.projector.is_projection`` — "P_{η,−jl} ... is a projection matrix".

The random-feature families are shared with ``thm6_feature_repulsion`` (``li2verify/experiments/repulsion.py``).
"""

from __future__ import annotations


import numpy as np
import sympy as sp

from li2verify.verify.claims import check, claim
from li2verify.paper.repulsion import (
    EPS,
    gram_condition,
    pair_projector,
    pair_schur,
    ridge_inverse_chol,
)
from li2verify.experiments.repulsion import random_family, FAMILIES, feature_pairs


COLUMN = claim(
    "thm6.repulsion.column_expansion",
    title="Eqn 9: the j-th column of F̃B",
    paper_ref="Thm 6; Sec 5.1 and App. G.1, Eqn 9",
    printed=r"The $j$-th column of $\tilde{F}B$ is given by: $[\tilde{F}B]_j = b_{jj}\tilde{\mathbf{f}}_j + "
            r"\sum_{l=1}^K b_{jl}\tilde{\mathbf{f}}_l$ (9)",
    verified=r"$[\tilde{F}B]_j = b_{jj}\tilde{\mathbf{f}}_j + \sum_{l \neq j} b_{jl}\tilde{\mathbf{f}}_l$ "
             r"(the proof's form $q_{jj}\tilde{\mathbf{f}}_j + \sum_{m\neq j} q_{mj}\tilde{\mathbf{f}}_m$)",
    assumptions=["B = (F̃ᵀF̃ + ηI)⁻¹ exists (η > 0, or η = 0 with F̃ of full column rank)"],
    notes="A typo in the statement (Sec 5.1 and App. G.1 both print Σ_{l=1}^K); the proof's last display has the "
          "right form (q_jj f̃_j + Σ_{m≠j} q_mj f̃_m). Nothing else in Thm 6 depends on it.",
)


# Eqn 9
@check(COLUMN, "numeric")
def test_eqn9_as_printed_double_counts_the_diagonal(evidence, li2_profile):
    evidence.describe("Column j of F̃B (matrix product) vs the printed right-hand side b_jj f̃_j + Σ_{l=1}^K "
                      "b_jl f̃_l; the difference is b_jj f̃_j, recorded as a counterexample when nonzero")
    evidence.tolerance(1e-10, "float64 rounding of K-term column sums, cond(G) ≤ 1e6 on these families")
    worst = 0.0
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(seed)
        for fam in FAMILIES[:3]:
            F, eta = random_family(fam, rng)
            B = ridge_inverse_chol(F, eta)
            FB = F @ B
            j = int(rng.integers(F.shape[1]))
            printed = B[j, j] * F[:, j] + F @ B[:, j]
            rel = np.linalg.norm(FB[:, j] - printed) / np.linalg.norm(FB[:, j])
            worst = max(worst, rel)
            # measured: column j of the matrix product; printed: the right-hand side of Eqn 9 as printed
            # (max-abs difference relative to max |printed|, against the check's float64 tolerance)
            evidence.counterexample("Eqn 9 as printed (Σ over l = 1..K) ≠ [F̃B]_j", measured=FB[:, j],
                                    printed=printed, rel=True, family=fam, seed=seed, j=j,
                                    relative_error_2norm=rel, b_jj=B[j, j])
    evidence.detail("worst_relative_error_printed", worst)


@check(COLUMN, "numeric", target="corrected")
def test_eqn9_with_sum_over_l_ne_j(evidence, li2_profile):
    evidence.describe("Column j of F̃B (matrix product) vs b_jj f̃_j + Σ_{l≠j} b_jl f̃_l (explicit loop over l)")
    evidence.tolerance(1e-10, "float64 rounding of K-term column sums relative to ‖[F̃B]_j‖, cond(G) ≤ 1e6")
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(seed)
        for fam in FAMILIES[:3]:
            F, eta = random_family(fam, rng)
            B = ridge_inverse_chol(F, eta)
            for j in rng.choice(F.shape[1], 3, replace=False):
                rhs = B[j, j] * F[:, j] + sum(B[j, l] * F[:, l] for l in range(F.shape[1]) if l != j)
                evidence.close(rhs, (F @ B)[:, j], family=fam, seed=seed, what=f"[F̃B]_{j}")


SCHUR = claim(
    "thm6.proof.schur_complement",
    title="Thm 6 proof: 2×2 Schur complement, ridge residuals, q_12",
    paper_ref="Thm 6 proof, App. G.1",
    printed=r"the top-left $2 \times 2$ block of $G^{-1}$ equals $S^{-1}$ ... $S^{-1} = \frac{1}{\alpha\gamma - "
            r"\beta^2} \begin{bmatrix} \gamma & -\beta \\ -\beta & \alpha \end{bmatrix}$ with $\alpha\gamma - "
            r"\beta^2 > 0$ ... $q_{12} = (S^{-1})_{12} = -\frac{\beta}{\alpha\gamma - \beta^2}$ ... "
            r"$\alpha = \eta + \tilde{\mathbf{f}}_1^\top P_{\eta,r} \tilde{\mathbf{f}}_1, \beta = "
            r"\tilde{\mathbf{f}}_1^\top P_{\eta,r} \tilde{\mathbf{f}}_2, \gamma = \eta + \tilde{\mathbf{f}}_2^\top "
            r"P_{\eta,r} \tilde{\mathbf{f}}_2$",
    assumptions=["η > 0 (H = F̃_rᵀF̃_r + ηI positive definite), or η = 0 with F̃ of full column rank"],
)


# Proof steps
@check(SCHUR, "symbolic")
def test_schur_block_inverse_symbolic(evidence):
    evidence.describe("sympy, K = 3 with a symbolic symmetric G = [[a, b, u], [b, c, v], [u, v, h]] (the remainder block "
                      "H = h is 1×1): the top-left 2×2 block of G⁻¹ minus S⁻¹ (S = [[a,b],[b,c]] − [u,v]ᵀh⁻¹[u,v]) "
                      "simplifies to 0; (G⁻¹)_12 = −β/(αγ − β²); αγ − β² = det G / h; and the all-pairs read-back "
                      "β = −b_12/(b_11 b_22 − b_12²) with b = G⁻¹")
    a, b, c, u, v, h = sp.symbols("a b c u v h", real=True)
    G = sp.Matrix([[a, b, u], [b, c, v], [u, v, h]])
    Gi = G.inv()
    S = sp.Matrix([[a, b], [b, c]]) - sp.Matrix([[u], [v]]) * sp.Matrix([[u, v]]) / h
    al, be, ga = S[0, 0], S[0, 1], S[1, 1]
    evidence.holds(sp.simplify(Gi[:2, :2] - S.inv()) == sp.zeros(2, 2), "top-left 2×2 block of G⁻¹ = S⁻¹")
    evidence.holds(sp.simplify(Gi[0, 1] + be / (al * ga - be**2)) == 0, "q_12 = −β/(αγ − β²)")
    evidence.holds(sp.simplify(al * ga - be**2 - G.det() / h) == 0, "αγ − β² = det G / det H (> 0 when G ≻ 0)")
    evidence.holds(sp.simplify(-Gi[0, 1] / (Gi[0, 0] * Gi[1, 1] - Gi[0, 1] ** 2) - be) == 0,
                   "β = −b_12/(b_11 b_22 − b_12²) (all-pairs formula)")
    evidence.holds(sp.simplify(Gi[1, 1] / (Gi[0, 0] * Gi[1, 1] - Gi[0, 1] ** 2) - al) == 0,
                   "α = b_22/(b_11 b_22 − b_12²)")


@check(SCHUR, "numeric")
def test_schur_block_inverse_and_ridge_residuals(evidence, li2_profile):
    evidence.describe(
        "Per sampled pair: S from its block definition (a − uᵀH⁻¹u, b − uᵀH⁻¹v, c − vᵀH⁻¹v) vs the inverse of "
        "the (j,l) 2×2 block of G⁻¹ (Cholesky inverse of the whole G); α, β, γ vs their ridge-residual forms "
        "η + f̃ᵀP_{η,−jl}f̃ (P from an n×n resolvent, independent of H); q_12 = −β/(αγ−β²) vs b_jl; αγ − β² > 0. "
        "Errors are measured in units of eps·cond(G), relative to √(ac) = √((‖f̃_j‖²+η)(‖f̃_l‖²+η)) (the scale "
        "of the terms that cancel in a − uᵀH⁻¹u) and, for q_12, to max|B|.")
    evidence.tolerance(1e3, "error / (eps·cond(G)·scale): a backward-stable inverse/solve has forward error "
                            "≲ c·K·eps·cond; K ≤ 60 here, c ≤ 10")
    for seed in range(li2_profile.pick(fast=2, thorough=10)):
        rng = np.random.default_rng(100 + seed)
        for fam in FAMILIES:
            F, eta = random_family(fam, rng)
            B = ridge_inverse_chol(F, eta)
            cond = gram_condition(F, eta)
            unit = EPS * cond
            for (j, l) in feature_pairs(F.shape[1], 4, rng):
                ps = pair_schur(F, eta, j, l)
                S_from_B = np.linalg.inv(B[np.ix_([j, l], [j, l])])
                scale = np.sqrt(ps.a * ps.c)
                S = np.array([[ps.alpha, ps.beta], [ps.beta, ps.gamma]])
                evidence.error(np.max(np.abs(S - S_from_B)) / scale / unit, family=fam, seed=seed,
                               what="S (block definition) vs inv of 2×2 block of G⁻¹")
                R = np.array([[ps.alpha_resid, ps.beta_resid], [ps.beta_resid, ps.gamma_resid]])
                evidence.error(np.max(np.abs(S - R)) / scale / unit, family=fam, seed=seed,
                               what="α,β,γ vs ridge-residual forms")
                evidence.error(abs(ps.q12 - B[j, l]) / np.abs(B).max() / unit, family=fam, seed=seed,
                               what="q_12 = −β/(αγ−β²) vs b_jl")
                evidence.holds(ps.det > 0 and np.linalg.det(S_from_B) > 0, "αγ − β² > 0", family=fam, seed=seed)


PROJ = claim(
    "thm6.projector.is_projection",
    title="P_{η,−jl} is a projection matrix",
    paper_ref="Thm 6 statement (Sec 5.1)",
    printed=r"$P_{\eta,-jl} := I - \tilde{F}_{-jl}(\tilde{F}_{-jl}^\top \tilde{F}_{-jl} + \eta I)^{-1} "
            r"\tilde{F}_{-jl}^\top$ is a projection matrix",
    verified=r"$P_{\eta,-jl} = \eta(\tilde{F}_{-jl}\tilde{F}_{-jl}^\top + \eta I)^{-1}$ is symmetric with spectrum "
             r"in $(0, 1]$ (eigenvalues $\eta/(\sigma_i^2+\eta)$); it is an (orthogonal) projection only for "
             r"$\eta = 0$ or when every nonzero singular value of $\tilde{F}_{-jl}$ is absent",
    assumptions=["η ≥ 0"],
    notes="Terminology: the paper itself writes the full-feature version as P_η = η(F̃F̃ᵀ + ηI)⁻¹ (App. H, 'by "
          "Woodbury'), a shrinkage/resolvent rather than an idempotent; nothing in the proof of Thm 6 uses P² = P. "
          "Recorded because the printed sentence is false for every η > 0, not because the theorem depends on it.",
)


# "is a projection matrix"
@check(PROJ, "numeric")
def test_pair_projector_is_idempotent(evidence, li2_profile):
    evidence.describe("‖P² − P‖₂ for P = P_{η,−jl} built as printed; a projection has P² = P")
    evidence.tolerance(1e-10, "float64 rounding of an n×n product, cond(H) ≤ 1e4 on these families")
    for seed in range(li2_profile.pick(fast=2, thorough=6)):
        rng = np.random.default_rng(300 + seed)
        for fam in ["K<n,eta=1e-2", "K>n,eta=10", "K<n,eta=0"]:
            F, eta = random_family(fam, rng)
            P = pair_projector(F, eta, 0, 1)
            gap = np.linalg.norm(P @ P - P, 2)
            if eta > 0:
                # printed: P is a projection, so ‖P² − P‖₂ = 0 up to the check's float64 tolerance
                evidence.counterexample("P_{η,−jl}² ≠ P_{η,−jl} for η > 0", measured=gap, printed=0.0,
                                        family=fam, seed=seed, eta=eta)
            else:
                evidence.error(gap, family=fam, seed=seed, what="‖P²−P‖ at η = 0")


@check(PROJ, "numeric", target="corrected")
def test_pair_projector_is_a_resolvent_with_spectrum_in_0_1(evidence, li2_profile):
    evidence.describe("P_{η,−jl} as printed vs η(F̃_rF̃_rᵀ + ηI)⁻¹; its eigenvalues vs η/(σ_i² + η) from the SVD "
                      "of F̃_r (and 1 on the complement)")
    evidence.tolerance(1e-9, "float64 rounding, cond(F̃_rᵀF̃_r + ηI) ≤ 1e5 on these families")
    for seed in range(li2_profile.pick(fast=2, thorough=6)):
        rng = np.random.default_rng(400 + seed)
        for fam in ["K<n,eta=1e-2", "K>n,eta=10", "K>n,eta=1e-3"]:
            F, eta = random_family(fam, rng)
            n = F.shape[0]
            P = pair_projector(F, eta, 0, 1)
            Fr = F[:, 2:]
            evidence.close(P, eta * np.linalg.inv(Fr @ Fr.T + eta * np.eye(n)), family=fam, seed=seed,
                           what="P vs η(F̃_rF̃_rᵀ+ηI)⁻¹")
            s = np.linalg.svd(Fr, compute_uv=False)
            s2 = np.concatenate([s**2, np.zeros(n - len(s))])
            expect = np.sort(eta / (s2 + eta))
            evidence.close(np.sort(np.linalg.eigvalsh(0.5 * (P + P.T))), expect, family=fam, seed=seed,
                           what="spectrum η/(σ²+η)")
            evidence.holds(bool(np.all(expect > 0) and np.all(expect <= 1)), "spectrum in (0, 1]", family=fam,
                           seed=seed)
