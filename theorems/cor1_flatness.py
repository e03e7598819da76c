"""Corollary 1 (flatness of the local maxima of E for group input) and the step of its proof about Abelian groups.

The Riemannian Hessian of E (σ = x², ‖w‖ = 1) is computed with ``li2verify.paper.energy`` on the explicit data of all
M² pairs, at the constructed maximizers of every real isotypic component (every Frobenius–Schur type) and at
the converged points of a many-start ascent, for every group family of ``stage2_groups``.

Methods for ``cor1.flatness.zero_eigenvalue``: numeric (float64 Hessians above); symbolic (exact rational Hessian
on the sphere at rational maximizers of every irrep of Z3, Z4, S3, inertia by Descartes' rule on the characteristic
polynomial: derives the number of zero eigenvalues, 0 at the real 1-dim irreps of Z4 and S3); property (Hypothesis
over groups of every family of order 3..16, the component and the maximizer parameters α, β, γ).
``cor1.proof.abelian_complex_irrep`` stays numeric only (a statement about finitely many named groups' characters).
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.groups.irreps import irrep_decomposition
from li2verify.groups import finite as G
from li2verify.paper import landscape as L
from li2verify.groups.strategies import groups, max_order
from li2verify.paper.exact import sphere_state
from li2verify.experiments.instances import STAGE2, family_label
from li2verify.experiments.local_maxima import draw_maximizer

SQ = get_activation("square")
GROUPS = STAGE2

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


_fam = family_label


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


# ==========================================================================================================
# exact Hessians on small groups (symbolic) and a Hypothesis search over groups and maximizers (property)
# ==========================================================================================================
@functools.lru_cache(maxsize=None)
def _exact_points():
    """Rational maximizer candidates w = [u; P(±u)] (unnormalized) on Z3, Z4, S3: u a real matrix coefficient of one
    irrep (rank-one Fourier coefficient).  (group, label, degree, fs, w)."""
    out = []
    z3, z4, s3 = G.cyclic(3), G.cyclic(4), G.symmetric(3)
    def join(g, u, sign):
        return [sp.Rational(x) for x in u] + [sign * sp.Rational(u[int(g.inverse[j])]) for j in range(g.order)]
    # Z3: complex pair k = ±1, u_g = Re(ω^g) = (1, −1/2, −1/2)
    out.append((z3, "Z3 complex pair d=1", 1, 0, join(z3, [1, sp.Rational(-1, 2), sp.Rational(-1, 2)], 1)))
    # Z4: the order-2 character (−1)^g (real, d=1) and the complex pair Re(i^g), Im(i^g)
    out.append((z4, "Z4 real d=1 (order-2 character)", 1, 1, join(z4, [1, -1, 1, -1], 1)))
    out.append((z4, "Z4 complex pair d=1", 1, 0, join(z4, [1, 0, -1, 0], -1)))
    # S3: sign character (real, d=1) and a matrix coefficient αᵀP_gβ of the standard irrep (α, β ⊥ 1: rational)
    perms = list(itertools.permutations(range(3)))
    sign = [sp.Matrix(3, 3, lambda a, b, p=p: 1 if p[b] == a else 0).det() for p in perms]
    out.append((s3, "S3 real d=1 (sign)", 1, 1, join(s3, sign, 1)))
    al, be = sp.Matrix([1, -1, 0]), sp.Matrix([1, 1, -2])
    std = [(al.T * sp.Matrix(3, 3, lambda a, b, p=p: 1 if p[b] == a else 0) * be)[0, 0] for p in perms]
    out.append((s3, "S3 real d=2 (standard)", 2, 1, join(s3, std, 1)))
    return out


@functools.lru_cache(maxsize=None)
def _exact_riemannian_hessian(i):
    """For the i-th point of :func:`_exact_points`: exact E*/‖w‖⁴, the Riemannian gradient residual and the
    (#pos, #zero, #neg) inertia of the Riemannian Hessian of E on the sphere at w/‖w‖.  With z_h = Σ_{g1g2=h}(x_pᵀw)²
    over the data rows x_p and q_h = z_h − z̄: ∇E = Σ_h q_h∇q_h, ∇²E = Σ_h ∇q_h∇q_hᵀ + q_h∇²q_h (exact rationals).
    E is homogeneous of degree 4, so at x = w/r the Riemannian gradient is ∝ r²∇E(w) − 4E(w)w and the Hessian on w⊥
    ∝ r²∇²E(w) − 4E(w)I; its inertia on w⊥ is read off a rational basis of w⊥ (Sylvester's law of inertia)."""
    g, _, _, _, w = _exact_points()[i]
    st = sphere_state(g, w)
    return st.energy, st.residual, st.inertia


@check(FLAT, "symbolic")
def test_flatness_exact_hessian_small_groups(evidence):
    evidence.describe("exact (rational arithmetic) on Z3, Z4, S3: E as a polynomial in w from the data of all M² pairs, "
                      "its exact gradient and Hessian at rational maximizers [u; ±Pu] of each irrep (u a matrix "
                      "coefficient); the Riemannian Hessian on the sphere (homogeneity: r²∇²E − 4E·I on w⊥); its "
                      "inertia by Descartes' rule on the characteristic polynomial (exact: all roots real). The printed "
                      "'at least one zero eigenvalue' vs the derived number of zero eigenvalues")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for i, (g, label, d, fs, w) in enumerate(_exact_points()):
        E, resid, (pos, zero, neg) = _exact_riemannian_hessian(i)
        evidence.holds(resid == sp.zeros(len(w), 1) and pos == 0, f"{label}: exact critical point, no positive "
                       f"eigenvalue (E* = {E})", family=label)
        evidence.detail(f"{label}: exact E*, (#pos, #zero, #neg)", [str(E), pos, zero, neg])
        if zero >= 1:
            evidence.holds(True, f"{label}: {zero} zero eigenvalue(s)", family=label)
        else:
            # printed: at least one Hessian eigenvalue of a local maximum is zero (M > 2); derived exactly: none
            evidence.counterexample("local maximum whose exact Riemannian Hessian has no zero eigenvalue (M > 2)",
                                    measured=zero, printed=1, relation=">=", tol=0,
                                    why="exact count of zero roots of the characteristic polynomial (rational "
                                        "arithmetic)", family=label, group=g.name, M=g.order, E_star=str(E),
                                    negative_eigenvalues=neg)


@check(FLAT, "symbolic", target="corrected")
def test_kernel_dimension_exact_small_groups(evidence):
    evidence.describe("exact on Z3, Z4, S3 (as the printed check): number of zero eigenvalues of the Riemannian "
                      "Hessian at the rational maximizer of each irrep vs the corrected 3(d−1) (real) / 6d−4 (complex "
                      "pair); all others negative; E* = M/(2d) (real), M/(4d) (complex pair)")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for i, (g, label, d, fs, w) in enumerate(_exact_points()):
        E, resid, (pos, zero, neg) = _exact_riemannian_hessian(i)
        evidence.holds(resid == sp.zeros(len(w), 1), "exact critical point", family=label)
        evidence.holds(pos == 0 and zero == L.predicted_kernel_dimension(d, fs),
                       f"kernel {zero} = predicted {L.predicted_kernel_dimension(d, fs)}, {pos} positive", family=label)
        evidence.holds(E == sp.Rational(g.order, 2 * d if fs == 1 else 4 * d), f"E* = {E}", family=label)


@check(FLAT, "property", target="corrected")
@given(g=groups(max_order=min(16, max_order())).filter(lambda g: g.order > 2), data=st.data())
def test_kernel_dimension_property(evidence, g, data):
    evidence.describe("Hypothesis over groups of order 3..16 of every family (cyclic, products, dihedral, dicyclic, "
                      "catalog; the statement assumes M > 2), the component and the parameters α, β, γ of the "
                      "maximizer [u; Pv] (u = Re(α*Cβ), v = Re(γ*Cβ)): kernel dimension of the Riemannian Hessian "
                      "(|λ| ≤ 1e-7·E*) vs 3(d−1) / 6d−4 / 6d−6, every other eigenvalue ≤ −1e-3·E*")
    evidence.tolerance(0.0, "integer kernel dimensions must match exactly (a spectral gap of 1e-3·E* below the "
                            "1e-7·E* threshold makes the count robust to float64 rounding)")
    dec, _, comp, w = draw_maximizer(data, g, v_other=True)
    E = L.group_energy(w, g, SQ)
    eig = L.riemannian_hessian_spectrum(w, g, SQ)
    kd = L.kernel_dimension(eig, E, 1e-7)
    nonzero = eig[np.abs(eig) > 1e-7 * E]
    fam = f"{g.name}[{comp.kind} d={comp.degree}]"
    evidence.error(abs(kd - L.predicted_kernel_dimension(comp.degree, comp.fs)), family=fam,
                   what=f"kernel dimension (got {kd})")
    evidence.holds(nonzero.size == 0 or nonzero.max() < -1e-3 * E, "spectral gap below the kernel", family=fam)
