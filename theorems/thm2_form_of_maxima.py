"""Theorem 2 (local maxima of E for group input, σ = x²): the form of the local maxima.

Claims:
- ``thm2.local_maxima.form`` — numeric (many-start ascent on every stage-2 group), symbolic (on S3 a maximum
  [u; Pv] with v ≠ ±u and a non-critical [u; Pu] with u ∈ H_k of rank two) and property (Hypothesis over groups of
  every family, components, maximizer parameters).

Instances: every family of ``li2verify.paper.landscape.stage2_groups`` (prime/composite cyclic, products of cyclic
groups, dihedral, symmetric, alternating, quaternion, dicyclic, Z3xS3, Z7:Z3), hence every Frobenius–Schur
type (real, complex, quaternionic) and degrees 1–3.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper import landscape as L
from li2verify.verify.claims import check, claim
from li2verify.experiments.instances import family_label
from li2verify.experiments.local_maxima import (
    GROUPS,
    SQ,
    many_start_ascent,
    check_is_local_max,
    draw_maximizer,
    exact_local_max_points,
    exact_state,
    given_groups,
    starts_per_group,
)

FORM = claim(
    "thm2.local_maxima.form",
    paper_ref="Thm 2; Sec 4.3 and App. F.1",
    printed=r"\mathcal{E} \text{ has multiple local maxima } \mathbf{w}^* = [\mathbf{u}; \pm P\mathbf{u}] ... "
            r"\mathbf{u} \in \mathcal{H}_k \ (\text{real}),\ \mathbf{u} \in \mathcal{H}_k \oplus \mathcal{H}_{\bar{k}} \ (\text{complex})",
    verified=r"\mathbf{w}=[\mathbf{u}; P\mathbf{v}] \text{ is a local maximum iff } \mathbf{u},\mathbf{v} \in \mathcal{H}^{\mathbb R}_k "
             r"\text{ (one real isotypic subspace)}, \|\mathbf{u}\|^2=\|\mathbf{v}\|^2=\tfrac12 \text{ and } "
             r"\hat{\mathbf{u}}(k)=\mathbf{a}\mathbf{x}^*, \hat{\mathbf{v}}(k)=\mathbf{b}\mathbf{x}^* "
             r"\text{ (rank one over } \mathbb{R},\mathbb{C},\mathbb{H}\text{ for real, complex, quaternionic } k\text{; shared right factor)}; "
             r"[\mathbf{u};\pm P\mathbf{u}] \text{ is the special case } \mathbf{b}=\pm\mathbf{a}",
    assumptions=["sigma = x^2", "||w|| = 1", "all M^2 pairs",
                 "Fourier coefficient x̂(k) = Σ_g x_g C_k(g); E = (2/M) Σ_k d_k ||û(k) v̂(k)*||_F^2"],
    depends_on=["thm2.local_maxima.energy_value"],
    title="Which points are the local maxima",
)


@check(FORM, "numeric")
def test_maxima_outside_printed_form(evidence, li2_profile):
    evidence.describe("(a) points [u; Pv] with v ≠ ±u (v = Re(γ*C_k(g)β), same right factor β; and v = R_g u) in "
                      "complex or d_k ≥ 2 components: are they local maxima (E = E*, zero gradient, Hessian ≤ 0)? "
                      "(b) [u; Pu] with a generic u ∈ H_k (d_k ≥ 2): is it a critical point with the E* of its "
                      "component? (c) how many converged ascent points have the [u; ±Pu] form")
    evidence.tolerance(1e-9, "float64 rounding of gradient and Hessian at exactly constructed points, relative to E")
    rng = np.random.default_rng(10)
    n_other = n_generic = 0
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        for comp in comps:
            if comp.degree == 1 and comp.fs == 1:
                continue
            w = L.claimed_maximizer(g, dec, comp.k, rng, v_factor="other")
            E, eig = check_is_local_max(evidence, g, w, family_label(fam, g, comp), "[u; Pv], v ≠ ±u")
            u, v = L.split_uv(w, g)
            if n_other < 4:
                # w = [u; Pv] determines u, v; printed: every local maximum has v = ±u, i.e. min‖v ∓ u‖ = 0
                evidence.counterexample("local maximum not of the form [u; ±Pu]",
                                        measured=min(np.linalg.norm(v - u), np.linalg.norm(v + u)), printed=0.0,
                                        tol=1e-9, why="u, v of a constructed point are exact to float64 rounding "
                                                      "(~1e-15 for unit vectors); a larger distance is not rounding",
                                        group=g.name, component=comp.label, E=E, max_hessian_eig=eig.max())
            n_other += 1
            # a translate: [u; P R_g u] for a generator-like g with R_g u ≠ ±u
            wu = L.claimed_maximizer(g, dec, comp.k, rng)
            u, _ = L.split_uv(wu, g)
            for h in range(1, g.order):
                vt = g.regular_representation(h) @ u
                if min(np.linalg.norm(vt - u), np.linalg.norm(vt + u)) > 1e-3:
                    wt = L.join_uv(u, vt, g)
                    check_is_local_max(evidence, g, wt, family_label(fam, g, comp), "[u; P R_h u]")
                    break
            if comp.degree >= 2:
                B = comp.basis
                u = B @ rng.standard_normal(B.shape[1])
                u /= np.linalg.norm(u) * np.sqrt(2)
                wg = L.join_uv(u, u, g)
                Eg, Gg = L.group_energy_and_gradient(wg, g, SQ)
                Es = L.corrected_max_energy(g.order, comp.degree, comp.fs)
                rgn = np.linalg.norm(Gg - wg * (wg @ Gg))
                if Eg < Es * (1 - 1e-6):
                    if n_generic < 4:
                        # printed: w* = [u; Pu] with u ∈ H_k is a local maximum, hence a critical point on the sphere:
                        # Riemannian gradient / E = 0 (to float64 rounding at an exactly constructed point)
                        evidence.counterexample("[u; Pu] with generic u ∈ H_k is not a local maximum",
                                                measured=rgn / Eg, printed=0.0, group=g.name, component=comp.label,
                                                E=Eg, E_star=Es)
                    n_generic += 1
                else:  # H_k^R ≅ ℍ (quaternionic, d = 2): every nonzero u has rank one over ℍ
                    evidence.error(rgn / Eg, family=family_label(fam, g, comp), what="generic u in a rank-one-only component")
    n_form = n_total = 0
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        res = many_start_ascent(g.name, starts_per_group(li2_profile, g.order), 0)
        for j in range(res.W.shape[1]):
            pc = L.classify(res.W[:, j], g, dec, comps, form_tol=1e-4)
            n_total += 1
            n_form += pc.sign != 0
    evidence.detail("maxima_off_form_constructed", n_other)
    evidence.detail("generic_u_in_Hk_not_maximal", n_generic)
    evidence.detail("ascent_points_of_form_[u;±Pu]", f"{n_form} of {n_total}")


@check(FORM, "numeric", target="corrected")
def test_corrected_characterization(evidence, li2_profile):
    evidence.describe("every converged ascent point: single real isotypic component, ‖u‖²=‖v‖²=½, alignment "
                      "‖û v̂*‖/(‖û‖‖v̂‖) = 1 (real, complex) or 1/√2 (quaternionic: rank one over ℍ); and the converse "
                      "on sampled points: generic (u, v=u) in H_k with alignment < bound has E < E*")
    evidence.tolerance(1e-5, "ascent stops at Riemannian gradient 1e-7·E; masses and alignment converge linearly")
    rng = np.random.default_rng(11)
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        res = many_start_ascent(g.name, starts_per_group(li2_profile, g.order), 0)
        for j in range(res.W.shape[1]):
            pc = L.classify(res.W[:, j], g, dec, comps)
            evidence.holds(pc.single, "converged point lies in one component", family=family_label(fam, g), seed=j)
            comp = next(c for c in comps if c.k == pc.support[0])
            evidence.close(pc.mass_u[comp.k], 0.5, rel=False, family=family_label(fam, g, comp), seed=j, what="‖u‖²")
            evidence.close(pc.mass_v[comp.k], 0.5, rel=False, family=family_label(fam, g, comp), seed=j, what="‖v‖²")
            target = 1 / np.sqrt(2) if comp.fs == -1 else 1.0
            evidence.close(pc.alignment, target, rel=False, family=family_label(fam, g, comp), seed=j, what="alignment")
        for comp in comps:
            if comp.degree < 2 or (comp.fs == -1 and comp.degree == 2):  # H_k^R ≅ ℍ: every u is rank one over ℍ
                continue
            B = comp.basis
            u = B @ rng.standard_normal(B.shape[1])
            u /= np.linalg.norm(u) * np.sqrt(2)
            pc = L.classify(L.join_uv(u, u, g), g, dec, comps)
            bound = 1 / np.sqrt(2) if comp.fs == -1 else 1.0
            Es = L.corrected_max_energy(g.order, comp.degree, comp.fs)
            evidence.holds(pc.alignment < bound - 1e-3 and pc.energy < Es * (1 - 1e-3),
                           "misaligned point in H_k has E < E*", family=family_label(fam, g, comp))


@check(FORM, "symbolic")
def test_form_exact_s3(evidence):
    evidence.describe("exact on S3 (standard irrep, d = 2): (a) w = [u; Pv] with u = αᵀP_gβ, v = γᵀP_gβ, v ≠ ±u: exact "
                      "critical point with no positive Riemannian-Hessian eigenvalue and E = E* of [u; Pu] (a local "
                      "maximum outside the printed form); (b) [u; Pu], u = αᵀP_gβ + α'ᵀP_gβ' ∈ H_k of rank two: exact "
                      "Riemannian gradient ≠ 0, so it is not a local maximum although of the printed form")
    evidence.tolerance(0.0, "exact rational arithmetic")
    pts = exact_local_max_points()
    Estar = exact_state(next(i for i, p in enumerate(pts) if p[1] == "S3 real d=2 (standard)"))[0]
    for i, (g, label, d, fs, w, kind) in enumerate(pts):
        if kind == "off-form":
            E, r, (pos, zero, neg) = exact_state(i)
            evidence.holds(r == 0 and pos == 0 and E == Estar, f"{label}: critical, Hessian ≤ 0, E = E* = {E}",
                           family=label)
            M = g.order
            u, v = sp.Matrix(w[:M]), sp.Matrix([w[M + int(g.inverse[j])] for j in range(M)])
            dist = min(((v - u).T * (v - u))[0, 0], ((v + u).T * (v + u))[0, 0]) / (u.T * u)[0, 0]
            # w = [u; Pv] determines u, v; printed: every local maximum has v = ±u, i.e. min‖v ∓ u‖²/‖u‖² = 0
            evidence.counterexample("local maximum not of the form [u; ±Pu] (exact)", measured=dist, printed=0,
                                    family=label, group="S3", E=str(E), kernel_dimension=zero)
        elif kind == "generic":
            E, r, _ = exact_state(i)
            # printed: [u; Pu] with u ∈ H_k is a local maximum, hence critical: exact ‖Riemannian gradient‖² = 0
            evidence.counterexample("[u; Pu] with u ∈ H_k (rank two) is not a critical point (exact)", measured=r,
                                    printed=0, family=label, group="S3", E=str(E), E_star=str(Estar))


@check(FORM, "symbolic", target="corrected")
def test_form_exact_s3_corrected(evidence):
    evidence.describe("exact on Z3, Z4, S3: every rational point [u; Pv] with rank-one Fourier coefficients and a "
                      "shared right factor (v = ±u and, on S3's standard irrep, v = γᵀP_gβ ≠ ±u) is an exact critical "
                      "point with no positive Riemannian-Hessian eigenvalue; the rank-two [u; Pu] is not critical")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for i, (g, label, d, fs, w, kind) in enumerate(exact_local_max_points()):
        E, r, (pos, zero, neg) = exact_state(i)
        if kind == "generic":
            evidence.holds(r != 0, f"{label}: not critical", family=label)
        else:
            evidence.holds(r == 0 and pos == 0, f"{label}: critical, Hessian ≤ 0", family=label)


@check(FORM, "property", target="corrected")
@given_groups(24)
def test_form_property(evidence, g, data):
    evidence.describe("Hypothesis over groups of order ≤ 24 of every family, the component and α, β, γ: [u; Pv] with "
                      "u = Re(α*C_kβ), v = Re(γ*C_kβ) (shared right factor, v ≠ ±u in general) is a local maximum "
                      "(Riemannian gradient 0, Hessian ≤ 0, E = E*); and for a drawn u ∈ H_k^ℝ (coefficients in the "
                      "component's real basis), [u; Pu] has E ≤ E*, strictly below when its Fourier alignment is "
                      "< 1 (real, complex) or < 1/√2 (quaternionic) by 1e-3")
    evidence.tolerance(1e-9, "float64 rounding of E, its gradient and Hessian over M² ≤ 576 samples, relative to E")
    from hypothesis import assume

    from li2verify.groups.strategies import real_matrices

    dec, comps, comp, w = draw_maximizer(data, g, v_other=True)
    fam = family_label("", g, comp)
    E, _ = check_is_local_max(evidence, g, w, fam, "[u; Pv]")
    Es = L.corrected_max_energy(g.order, comp.degree, comp.fs)
    evidence.close(E, Es, family=fam, what="E* at [u; Pv]")
    c = data.draw(real_matrices((comp.basis.shape[1],)), label="coefficients of u in H_k^R")
    u = comp.basis @ c
    assume(np.linalg.norm(u) > 1e-3)
    u = u / (np.linalg.norm(u) * np.sqrt(2))
    pc = L.classify(L.join_uv(u, u, g), g, dec, comps)
    bound = 1 / np.sqrt(2) if comp.fs == -1 else 1.0
    evidence.holds(pc.energy <= Es * (1 + 1e-9), f"E = {pc.energy:.6g} ≤ E* = {Es:.6g}", family=fam)
    if pc.alignment < bound - 1e-3:
        evidence.holds(pc.energy < Es * (1 - 1e-9), f"misaligned ({pc.alignment:.4f}) ⇒ E < E*", family=fam)
