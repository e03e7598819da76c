"""Corollary 1 (flatness of the local maxima of E for group input) and the step of its proof about Abelian groups.

The Riemannian Hessian of E (σ = x², ‖w‖ = 1) is computed with ``li2verify.energy`` on the explicit data of all
M² pairs, at the constructed maximizers of every real isotypic component (every Frobenius–Schur type) and at
the converged points of a many-start ascent, for every group family of ``stage2_groups``.
"""

from __future__ import annotations

import numpy as np

from li2verify.activations import get_activation
from li2verify.claims import check, claim
from li2verify.irreps import irrep_decomposition
from li2verify import groups as G
from li2verify import landscape as L
from li2verify.profiles import active_profile

SQ = get_activation("square")
GROUPS = L.stage2_groups(active_profile().name)

FLAT = claim(
    "cor1.flatness.zero_eigenvalue",
    paper_ref="Cor 1; Sec 4.3 and App. F.1",
    printed=r"\text{Local maxima of } \mathcal{E} \text{ for group arithmetics tasks with } |H| = M > 2 \text{ are flat, i.e., "
            r"at least one eigenvalue of its Hessian is zero.}",
    verified=r"\text{A local maximum in irrep } k \text{ is flat iff } k \text{ is not a 1-dimensional real irrep; the kernel of the "
             r"Riemannian Hessian has dimension } 3(d_k-1) \text{ (real)}, 6d_k-4 \text{ (complex pair)}, 6d_k-6 "
             r"\text{ (quaternionic)}; \text{ at maxima of 1-dim real irreps (characters of order 2) the Hessian is negative definite}",
    assumptions=["sigma = x^2", "Hessian = Riemannian Hessian of E on the unit sphere (the constraint of Sec 4.1)"],
    depends_on=["thm2.local_maxima.form"],
    title="Flatness of the local maxima",
)
ABELIAN = claim(
    "cor1.proof.abelian_complex_irrep",
    paper_ref="Cor 1 proof; App. F.1",
    printed=r"\text{For Abelian group } H \text{ with } |H| = M > 2\text{, all irreducible representations are 1-dimensional, "
            r"and at least one of it is complex.}",
    verified=r"\text{An Abelian group has a complex irrep iff its exponent exceeds 2 (it is not } \mathbb{Z}_2^n\text{)}",
    title="Abelian groups of order > 2 have a complex irrep",
)


def _fam(fam, g, comp):
    return f"{fam}:{g.name}[{comp.kind} d={comp.degree}]"


@check(FLAT, "numeric")
def test_strict_maxima_exist_for_one_dim_real_irreps(evidence):
    evidence.describe("Riemannian Hessian spectrum at the constructed maximizer of every component of every group "
                      "with M > 2; a maximum whose largest eigenvalue is < 0 (no zero eigenvalue) contradicts Cor 1")
    evidence.tolerance(1e-9, "an eigenvalue counts as zero when |λ| ≤ 1e-9·E* (float64 Hessian of O(M²) terms)")
    rng = np.random.default_rng(1)
    n_strict = 0
    for fam, g in GROUPS:
        if g.order <= 2:
            continue
        dec = irrep_decomposition(g)
        for comp in L.real_components(dec):
            w = L.claimed_maximizer(g, dec, comp.k, rng)
            E = L.group_energy(w, g, SQ)
            eig = L.riemannian_hessian_spectrum(w, g, SQ)
            kd = L.kernel_dimension(eig, E, 1e-9)
            if kd == 0:
                if n_strict < 6:
                    # printed: at least one Hessian eigenvalue is zero, i.e. min_i |λ_i|/E* = 0 (to the tolerance)
                    evidence.counterexample("local maximum with negative-definite Hessian (not flat)",
                                            measured=float(np.abs(eig).min() / E), printed=0.0, group=g.name,
                                            M=g.order, component=comp.label, E=E, largest_eigenvalue=eig.max(),
                                            largest_over_E=eig.max() / E)
                n_strict += 1
            else:
                evidence.error(0.0, family=_fam(fam, g, comp), what="flat maximum")
    evidence.detail("strict_maxima_found", n_strict)


@check(FLAT, "numeric", target="corrected")
def test_kernel_dimension_by_irrep_type(evidence, li2_profile):
    evidence.describe("kernel dimension of the Riemannian Hessian (|λ| ≤ 1e-7·E*) at constructed maximizers (both "
                      "signs, several random α, β) and at converged ascent points vs 3(d−1) / 6d−4 / 6d−6; every "
                      "other eigenvalue ≤ −1e-3·E* (a spectral gap, so the count is not a tolerance artefact)")
    evidence.tolerance(0.0, "integer kernel dimensions must match exactly")
    rng = np.random.default_rng(2)
    gaps = []
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        pts = []
        for comp in comps:
            for sign in (1, -1):
                pts.append((comp, L.claimed_maximizer(g, dec, comp.k, rng, sign=sign), 1e-9))
        res = L.ascend(g, SQ, L.random_starts(g.order, li2_profile.pick(fast=6, thorough=30), rng), max_iter=4000,
                       gtol=1e-7)
        for j in range(res.W.shape[1]):
            pc = L.classify(res.W[:, j], g, dec, comps)
            comp = next(c for c in comps if c.k == pc.support[0])
            pts.append((comp, res.W[:, j], 1e-5))
        for comp, w, rtol in pts:
            E = L.group_energy(w, g, SQ)
            eig = L.riemannian_hessian_spectrum(w, g, SQ)
            kd = L.kernel_dimension(eig, E, rtol)
            nonzero = eig[np.abs(eig) > rtol * E]
            gaps.append(float(-nonzero.max() / E) if nonzero.size else np.inf)
            evidence.error(abs(kd - L.predicted_kernel_dimension(comp.degree, comp.fs)), family=_fam(fam, g, comp),
                           what=f"kernel dimension (got {kd})")
            evidence.error(0.0 if nonzero.max() < -1e-3 * E else 1.0, family=_fam(fam, g, comp),
                           what="spectral gap below the kernel")
    evidence.detail("smallest_gap_over_E", min(gaps))


@check(ABELIAN, "numeric")
def test_abelian_groups_have_a_complex_irrep(evidence):
    evidence.describe("Frobenius–Schur indicators from the irrep engine for Abelian groups of order > 2, including "
                      "elementary Abelian 2-groups")
    evidence.tolerance(0.0, "exact property")
    groups = [G.cyclic(3), G.cyclic(4), G.product_of_cyclic("2x2"), G.product_of_cyclic("2x2x2"),
              G.product_of_cyclic("2x4"), G.product_of_cyclic("2x2x2x2")]
    for g in groups:
        dec = irrep_decomposition(g)
        n_complex = int(np.sum(dec.fs_indicators == 0))
        has_complex = n_complex > 0
        if not has_complex:
            # printed: at least one irrep of an Abelian group of order > 2 is complex (FS indicator 0)
            evidence.counterexample("Abelian group of order > 2 with only real irreps", measured=n_complex, printed=1,
                                    relation=">=", tol=0, why="an integer count of irreps with FS indicator 0 (exact)",
                                    group=g.name, M=g.order, fs=dec.fs_indicators.tolist())
        else:
            evidence.holds(has_complex, "has a complex irrep", family=g.name)


@check(ABELIAN, "numeric", target="corrected")
def test_complex_irrep_iff_exponent_above_two(evidence):
    evidence.describe("for Abelian groups: (exists a complex irrep) == (some element has order > 2), from the engine's "
                      "FS indicators vs element orders computed from the Cayley table")
    evidence.tolerance(0.0, "exact property")
    specs = ["3", "4", "5", "6", "2x2", "2x2x2", "2x4", "2x2x2x2", "3x3", "2x6", "4x7", "2x2x9"]
    for spec in specs:
        g = G.product_of_cyclic(spec) if "x" in spec else G.cyclic(int(spec))
        dec = irrep_decomposition(g)
        e = g.identity
        orders = []
        for a in range(g.order):
            x, n = a, 1
            while x != e:
                x, n = g.table[x, a], n + 1
            orders.append(n)
        evidence.holds(bool(np.any(dec.fs_indicators == 0)) == (max(orders) > 2), "complex irrep iff exponent > 2",
                       family=g.name)


@check(FLAT, "numeric", target="corrected")
def test_degenerate_directions_are_the_maximizer_manifold(evidence):
    evidence.describe("at a constructed maximizer w(α, β, γ) = [Re(α*Cβ); P Re(γ*Cβ)] (normalized) of every component with "
                      "a nonzero kernel: the Hessian kernel vs the span of ∂w/∂(α, β, γ) (central differences, h = 1e-6): "
                      "equal dimensions and largest principal-angle sine between the two subspaces; E is constant along "
                      "the family (E(w(α+δ, β+δ', γ+δ'')) = E*)")
    evidence.tolerance(1e-6, "central differences with h = 1e-6 are accurate to ~1e-9; sines of principal angles and "
                             "relative energy differences below 1e-6")
    rng = np.random.default_rng(3)
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        for comp in L.real_components(dec):
            if comp.degree == 1 and comp.fs == 1:
                continue
            ir = dec.irreps[comp.k]
            cplx = ir.fs != 1
            def r():
                return rng.standard_normal(ir.degree) + (1j * rng.standard_normal(ir.degree) if cplx else 0)
            a, b, c = r(), r(), r()
            w = L.maximizer_from_params(g, ir, a, b, c)
            K = L.riemannian_hessian_kernel(w, g, SQ, 1e-7)
            Tm = L.maximizer_manifold_tangent(g, ir, a, b, c)
            U, s, _ = np.linalg.svd(Tm, full_matrices=False)
            Tb = U[:, s > 1e-6 * s.max()]
            evidence.error(abs(Tb.shape[1] - K.shape[1]), family=_fam(fam, g, comp),
                           what=f"manifold dim {Tb.shape[1]} vs kernel dim {K.shape[1]}")
            sines = np.linalg.svd(Tb - K @ (K.T @ Tb), compute_uv=False)
            evidence.error(float(sines.max()), family=_fam(fam, g, comp), what="principal-angle sine")
            Es = L.corrected_max_energy(g.order, comp.degree, comp.fs)
            for _ in range(3):
                w2 = L.maximizer_from_params(g, ir, a + 0.3 * r(), b + 0.3 * r(), c + 0.3 * r())
                evidence.close(L.group_energy(w2, g, SQ), Es, family=_fam(fam, g, comp), what="E constant on family")
