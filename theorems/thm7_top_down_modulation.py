"""Theorem 7 (Sec 5.2; App. G.2, Eqn 34): top-down modulation.

With a subset S of irreps learned by the hidden layer (σ = x²), the residual of the ridge top layer is carried
by the missing irreps, the backpropagated gradient is modulated accordingly, and the modified energy E_S has
local maxima only on the missing irreps.

Claims:
- ``thm7.proof.central_idempotent`` — Eqn 34 and Π_kR_{h'}Π_k = Π_kR_{h'} = R_{h'}Π_k.
- ``thm7.proof.diag_character`` — diag(R_hᵀΠ_kR_{h'}) = (d_k/M) conj χ_k(hh'⁻¹) 1_M = (d_k/M) χ_k(h'⁻¹h) 1_M.
- ``thm7.modulation.residual`` — Ŷ − Ỹ = Φ_SΦ_S* ⊗ 1_M.
- ``thm7.modulation.gradient`` — G_F ∝ (Φ_S ⊗ 1_M)(Φ_S ⊗ 1_M)*F.
- ``thm7.modulation.energy_form`` — E_S = ½‖Φ_S*z‖² = (M/2)Σ_{k≠0,k∉S}(1/d_k)|Σ_r tr Ŝ_{k,r}|².
- ``thm7.modulation.maxima_on_missing`` — E_S only has local maxima on the missing irreps k ∉ S.

Ŷ_S is computed from an actual σ = x² hidden layer whose nodes lie in the isotypic subspaces of S (least-squares
top layer, η = 0), never from the formulas under test.  S is closed under conjugation (real networks).

Symbolic checks use exact character tables of S3, D4 (order 8), Q8 and the cyclic control Z3 (complex characters):
the float64 characters of the irreps engine rounded to algebraic numbers and then *certified* exactly (row and
column orthogonality, χ(e) = d, Σd² = M), so no exact identity rests on the rounding. Exact Π_k (Eqn 34) decide
``central_idempotent`` and ``diag_character``; an exact σ = x² network with integer node coefficients in the
(rational) isotypic subspaces of S and an exact least-squares top layer decides ``residual`` (printed sign and
Φ_SΦ_S* vs the derived Σ_{k∉S}Π_k). Not symbolic, with the reason (also recorded as a detail of the property checks):
``gradient`` and ``energy_form`` are the residual kernel pushed through the chain rule (their exact content is
the residual identity, checked symbolically; the rest is float64 autograd-level algebra checked numerically), and
``maxima_on_missing`` is a statement about all local maxima of a degree-4 polynomial on a sphere in ℝ^{2M}, whose
critical set cannot be enumerated exactly beyond toy sizes.
"""

from __future__ import annotations

import random

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.groups.strategies import groups, real_matrices, unit_vectors
from li2verify.groups.finite import cyclic, dicyclic, dihedral, direct_product, product_of_cyclic, quaternion, symmetric
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.modulation import (
    ascend_modulated,
    block_rows,
    centered_targets,
    component_masses,
    conjugation_closure,
    diag_block,
    learned_prediction,
    missing_irreps,
    modulated_energy_and_gradient,
    phi_S,
    printed_energy_S,
    residual_kernel,
    targets,
    trace_form_energy_S,
)

CENTRAL = claim(
    "thm7.proof.central_idempotent",
    title="Eqn 34: Π_k by characters; central idempotent",
    paper_ref="Thm 7 proof, Eqn 34; App. G.2",
    printed=r"Since $\Pi_k$ is central and idempotent, it commutes with $R_{h'}$ and $\Pi_k^2 = \Pi_k$, hence $\Pi_k "
            r"R_{h'} \Pi_k = \Pi_k R_{h'} = R_{h'} \Pi_k$. ... $\Pi_k = \frac{d_k}{M} \sum_{g \in H} \overline{"
            r"\chi_k(g)} R_g = \frac{d_k}{M} \sum_{g \in H} \chi_k(g^{-1}) R_g$ (34)",
    assumptions=["unitary irreps C_k; Π_k the projector onto the isotypic subspace H_k"],
)

DIAG = claim(
    "thm7.proof.diag_character",
    title="diag(R_hᵀΠ_kR_h') in terms of χ_k",
    paper_ref="Thm 7 proof, App. G.2",
    printed=r"$\text{diag}(R_h^\top (\Pi_k R_{h'})) = \frac{d_k}{M} \overline{\chi_k(hh'^{-1})} \mathbf{1}_M = "
            r"\frac{d_k}{M} \chi_k(h'^{-1}h) \mathbf{1}_M$, where we used $\overline{\chi_k(a)} = \chi_k(a^{-1})$",
    verified=r"$\text{diag}(R_h^\top \Pi_k R_{h'}) = \frac{d_k}{M} \overline{\chi_k(hh'^{-1})} \mathbf{1}_M = "
             r"\frac{d_k}{M} \chi_k(h'h^{-1}) \mathbf{1}_M$ (= $\frac{d_k}{M}\chi_k(h'^{-1}h)\mathbf{1}_M$ only when "
             r"$\chi_k$ is real)",
    assumptions=["R_h e_g = e_{hg}; Π_k from Eqn 34"],
    depends_on=["thm7.proof.central_idempotent"],
)

RESIDUAL = claim(
    "thm7.modulation.residual",
    title="Ŷ − Ỹ = Φ_SΦ_S* ⊗ 1_M",
    paper_ref="Thm 7 proof, App. G.2",
    printed=r"$[\hat{Y} - \tilde{Y}]_{(\text{rows for block } h), h'} = \frac{1}{M} \sum_{k \neq 0, k \notin "
            r"\mathcal{S}} d_k \chi_k(h) \overline{\chi_k(h')} \mathbf{1}_M$. which means that $\hat{Y} - \tilde{Y} "
            r"= \Phi_{\mathcal{S}} \Phi_{\mathcal{S}}^* \otimes \mathbf{1}_M$, where $\Phi_{\mathcal{S}} := \left[ "
            r"\sqrt{\frac{d_k}{M}} \chi_k(\cdot) \right]_{k \neq 0, k \notin \mathcal{S}} \in \mathbb{C}^{M \times "
            r"(\kappa(H) - |\mathcal{S}| - 1)}$",
    verified=r"$\tilde{Y} - \hat{Y} = \Big(\sum_{k \neq 0, k \notin \mathcal{S}} \Pi_k\Big) \otimes \mathbf{1}_M$, "
             r"$[\Pi_k]_{h,h'} = \frac{d_k}{M}\overline{\chi_k(hh'^{-1})}$; this equals $+\Phi_{\mathcal{S}}"
             r"\Phi_{\mathcal{S}}^* \otimes \mathbf{1}_M$ iff every missing irrep has $d_k = 1$ (e.g. Abelian $H$); "
             r"$\Phi_{\mathcal{S}}$ has $\kappa(H) - |\mathcal{S}|$ columns",
    assumptions=["σ = x², all M² pairs, ordering by target", "S closed under conjugation (real weights), "
                 "trivial irrep not in S", "features of S span End(H_k) (Thm 3 (2), real version w = [u; Pv])",
                 "top layer least squares, η = 0 (Thm 3 (3))"],
    depends_on=["thm7.proof.diag_character"],
    notes="Ŷ is the orthogonal projection of Ỹ onto the learned features, so ⟨Ỹ − Ŷ, Ỹ⟩ = ‖Ỹ − Ŷ‖² ≥ 0: the "
          "residual Ŷ − Ỹ is negative semidefinite in this sense, and the printed +Φ_SΦ_S* has the wrong sign even "
          "for Abelian groups. For d_k > 1, χ_k(h)conj χ_k(h') ≠ d_k·conj χ_k(hh'⁻¹)/... — characters are not "
          "multiplicative, so the step from 'Σ_{k∈S} (d_k/M)χ_k(h'⁻¹h)' to 'χ_k(h)conj χ_k(h')' fails.",
)

GRADIENT = claim(
    "thm7.modulation.gradient",
    title="G_F ∝ (Φ_S ⊗ 1_M)(Φ_S ⊗ 1_M)*F",
    paper_ref="Thm 7 statement; proof in App. G.2",
    printed=r"if the hidden layer learns only a subset $\mathcal{S}$ of irreps, then the backpropagated gradient "
            r"$G_F \propto (\Phi_{\mathcal{S}} \otimes \mathbf{1}_M)(\Phi_{\mathcal{S}} \otimes \mathbf{1}_M)^* F$",
    verified=r"$G_F \propto (\tilde{Y} - \hat{Y})\tilde{Y}^\top F = (\Psi_{\mathcal{S}} \otimes \mathbf{1}_M)"
             r"(\Psi_{\mathcal{S}} \otimes \mathbf{1}_M)^* F$ with $\Psi_{\mathcal{S}}$ an orthonormal basis of "
             r"$\bigoplus_{k \neq 0, k \notin \mathcal{S}} \mathcal{H}_k$ ($\Psi_{\mathcal{S}}\Psi_{\mathcal{S}}^* = "
             r"\sum_{k\notin\mathcal{S}}\Pi_k$); $\Psi_{\mathcal{S}}$ may be replaced by $\Phi_{\mathcal{S}}$ iff every "
             r"missing irrep is 1-dimensional",
    assumptions=["G_F taken as (Ỹ − Ŷ_S)ỸᵀF: the Stage II form G_F ∝ ỸỸᵀF (Eqn 5) with the target replaced by "
                 "the residual of the partially learned network (the proof's 'G_F ∝ (Ŷ − Ỹ)ỸᵀF' with its sign "
                 "flip undone; the two sign flips of the proof cancel)", "∝ with a positive constant"],
    depends_on=["thm7.modulation.residual"],
)

ENERGY = claim(
    "thm7.modulation.energy_form",
    title="E_S = ½‖Φ_S*z‖² = (M/2)Σ(1/d_k)|Σ_r tr Ŝ_{k,r}|²",
    paper_ref="Thm 7 proof, App. G.2",
    printed=r"$\mathcal{E}_S = \frac{1}{2} \|(\Phi_S \otimes \mathbf{1}_M)^* F\|_2^2 = \frac{1}{2} \|\Phi_S^* \mathbf{z}"
            r"\|_2^2$ ... $\mathcal{E}_S = \frac{1}{2} \sum_{k \neq 0, k \notin \mathcal{S}} \frac{M}{d_k} |\langle "
            r"\Pi_k, S \rangle|^2 = \frac{M}{2} \sum_{k \neq 0, k \notin \mathcal{S}} \frac{1}{d_k} \left| \sum_r "
            r"\text{tr}(\hat{S}_{k,r}) \right|^2$",
    verified=r"The energy whose gradient ascent is the modulated dynamics $\dot{\mathbf{w}} = X^\top D\,\mathbf{g}$, "
             r"$\mathbf{g} = (\tilde Y - \hat Y)\tilde Y^\top\sigma(X\mathbf{w})$, is $\mathcal{E}_S = \frac{1}{2} "
             r"\sum_{k \neq 0, k\notin\mathcal{S}} \mathbf{z}^\top \Pi_k \mathbf{z} = \frac12\|\Psi_{\mathcal{S}}^*"
             r"\mathbf{z}\|^2$; it equals the printed $\frac12\|\Phi_S^*\mathbf{z}\|^2$ iff every missing irrep is "
             r"1-dimensional (for $d_k > 1$, $\frac{M}{d_k}|\langle\Pi_k,S\rangle|^2 = d_k|\langle \chi_k/\sqrt{M},"
             r"\mathbf{z}\rangle|^2$ sees only the class-function part of $\mathbf{z}$, weighted by $d_k$)",
    assumptions=["σ = x²; z_h = Σ_{h1h2=h} σ(w1[h1] + w2[h2]) = ⟨R_h, S⟩ (Eqn 13), w = [u; Pv]",
                 "S closed under conjugation"],
    depends_on=["thm7.modulation.gradient"],
    notes="The printed trace form is 'exactly the same form as Eqn 19' and inherits Eqn 19's error for d_k ≥ 2 "
          "(thm2.proof.eqn19, erratum): Σ_h vec C_k(h) vec C_k(h)* = (M/d_k) I, not (M/d_k) vec(I)vec(I)*. For "
          "Abelian groups (all d_k = 1) the printed energy is right; the failure is confined to missing irreps of "
          "degree > 1 (this module's S3 instance: printed 0.068 vs modulated 0.093).",
)

MAXIMA = claim(
    "thm7.modulation.maxima_on_missing",
    title="E_S has local maxima only on the missing irreps",
    paper_ref="Thm 7 statement; proof in App. G.2",
    printed=r"which yields a modified $\mathcal{E}_{\mathcal{S}}$ that only has local maxima on the missing irreps "
            r"$k \notin \mathcal{S}$.",
    assumptions=["σ = x², ‖w‖ = 1, all M² pairs; E_S the printed modified energy ½‖Φ_S*z‖² = ½zᵀRe(Φ_SΦ_S*)z "
                 "(Thm 7 proof, App. G.2); S closed under conjugation",
                 "converged points of many-start projected ascent are taken as the local maxima found"],
    depends_on=["thm7.modulation.energy_form"],
    notes="Re-decided 2026-12-01: the printed statement is checked with the printed object, E_S = ½‖Φ_S*z‖² "
          "(the energy the proof derives, with Φ_S of characters), not with the energy of the modulated gradient "
          "½zᵀ(Σ_{k∉S}Π_k)z that the check used before (that one is the corrected energy of "
          "thm7.modulation.energy_form, an erratum). Under the rule that a claim is decided on the printed object, "
          "the printed E_S measurably holds: every converged ascent point has mass ≤ 1e-6 on the learned irreps and "
          "lies in a single missing component, on every group family including the cases where every irrep of "
          "degree > 1 is missing; it stays verified. The corrected energy shows the same behaviour (recorded as a "
          "detail of the check, not deciding it).",
)


def _groups(profile):
    fast = [("Z7", cyclic(7)), ("Z2xZ3", product_of_cyclic("2x3")), ("D8", dihedral(4)), ("S3", symmetric(3)),
            ("Q8", quaternion(8)), ("Dic3", dicyclic(3))]
    if profile.name == "fast":
        return fast
    return fast + [("Z9", cyclic(9)), ("Z2xZ2xZ3", product_of_cyclic("2x2x3")), ("D10", dihedral(5)),
                   ("Z3xS3", direct_product(cyclic(3), symmetric(3))), ("S4", symmetric(4))]


def _components(dec):
    return sorted({min(ir.k, ir.conjugate) for ir in dec.irreps[1:]})


def _random_S(dec, rng):
    comps = _components(dec)
    m = int(rng.integers(1, len(comps))) if len(comps) > 1 else 1
    return conjugation_closure(dec, rng.choice(comps, m, replace=False))


def _abelian_missing(dec, S):
    return all(dec.irreps[k].degree == 1 for k in missing_irreps(dec, S))


# ---------------------------------------------------------------------------------------------------------------
# exact character tables (symbolic checks)
# ---------------------------------------------------------------------------------------------------------------
_EXACT_GROUPS = (("S3", lambda: symmetric(3)), ("D4", lambda: dihedral(4)), ("Q8", lambda: quaternion(8)),
                 ("Z3 (cyclic control)", lambda: cyclic(3)))


def _round_algebraic(z: complex):
    """A float64 character value rounded to an algebraic number (integers, halves, √3/2 multiples of i)."""
    re = sp.nsimplify(round(z.real * 2) / 2)
    im_s3 = z.imag / (np.sqrt(3) / 2)
    if abs(z.imag) < 1e-9:
        im = 0
    elif abs(im_s3 - round(im_s3)) < 1e-9:
        im = sp.Integer(round(im_s3)) * sp.sqrt(3) / 2
    else:
        im = sp.nsimplify(round(z.imag * 2) / 2)
    return sp.nsimplify(re) + sp.I * im


def _exact_characters(G):
    """[(k, d_k, [χ_k(g)]_g)] exact, certified: χ(e) = d, Σ_g χ_i(g)conj χ_j(g) = Mδ_ij, Σ d² = M, and the number
    of irreps = the number of conjugacy classes (column orthogonality then follows)."""
    dec = irrep_decomposition(G)
    M = G.order
    table = [(ir.k, ir.degree, [_round_algebraic(complex(c)) for c in ir.character]) for ir in dec.irreps]
    ok = all(sp.simplify(ch[G.identity] - d) == 0 for _, d, ch in table)
    gram = [[sp.simplify(sp.expand(sum(x * sp.conjugate(y) for x, y in zip(a, b)))) for _, _, b in table] for _, _, a in table]
    ok = ok and all(gram[i][j] == (M if i == j else 0) for i in range(len(table)) for j in range(len(table)))
    ok = ok and sum(d * d for _, d, _ in table) == M
    classes = {frozenset(int(G.table[G.table[x, g], G.inverse[x]]) for x in range(M)) for g in range(M)}
    ok = ok and len(classes) == len(table)
    return table, bool(ok)


def _regular_sym(G, h):
    return sp.Matrix(G.regular_representation(h).astype(int))


def _exact_projector(G, d, ch):
    M = G.order
    P = sp.zeros(M, M)
    for g in range(M):
        P += sp.conjugate(ch[g]) * _regular_sym(G, g)
    return (P * sp.Rational(d, M)).applyfunc(sp.expand)


def _mat_zero(A) -> bool:
    """Exact zero test; entries lie in Q(i, √3), where expansion is a canonical form."""
    return all(sp.expand(x) == 0 for x in A)


@check(CENTRAL, "numeric")
def test_eqn34_projector_is_central_idempotent(evidence, li2_profile):
    evidence.describe("Π_k from characters (Eqn 34) vs Q_kQ_k* from the unitary irrep matrices' Q columns (Peter–Weyl "
                      "basis of the irreps engine); Π_k² = Π_k; Π_kR_h = R_hΠ_k; Π_kR_hΠ_k = Π_kR_h; "
                      "(d_k/M)Σ conj χ_k(g)R_g = (d_k/M)Σ χ_k(g⁻¹)R_g; Σ_k Π_k = I")
    evidence.tolerance(1e-10, "float64 rounding of M-term sums of unit-modulus characters (M ≤ 24)")
    for fam, G in _groups(li2_profile):
        dec = irrep_decomposition(G)
        M = G.order
        Rs = [G.regular_representation(h) for h in range(M)]
        tot = np.zeros((M, M), dtype=complex)
        for ir in dec.irreps:
            P = sum(np.conj(ir.character[g]) * Rs[g] for g in range(M)) * ir.degree / M
            P2 = sum(ir.character[G.inverse[g]] * Rs[g] for g in range(M)) * ir.degree / M
            Qk = dec.isotypic_basis(ir.k)
            evidence.close(P, Qk @ Qk.conj().T, family=fam, what=f"Eqn 34 vs Q_kQ_k*, k={ir.k}")
            evidence.close(P2, P, family=fam, what="conj χ(g) = χ(g⁻¹)")
            evidence.close(P @ P, P, family=fam, what="Π² = Π")
            for h in range(0, M, max(1, M // 4)):
                evidence.close(P @ Rs[h], Rs[h] @ P, family=fam, what="central")
                evidence.close(P @ Rs[h] @ P, P @ Rs[h], family=fam, what="ΠRΠ = ΠR")
            tot += P
        evidence.close(tot, np.eye(M), family=fam, what="Σ Π_k = I")


@check(CENTRAL, "symbolic")
def test_eqn34_exact(evidence):
    evidence.describe("exact (sympy, certified character tables of S3, D4, Q8 and the cyclic control Z3): Π_k = "
                      "(d_k/M)Σ_g conj χ_k(g)R_g and (d_k/M)Σ_g χ_k(g⁻¹)R_g (Eqn 34, both printed forms); Π_k² = Π_k, "
                      "Π_kR_h = R_hΠ_k and Π_kR_hΠ_k = Π_kR_h for every h, Π_kΠ_l = 0 (k ≠ l), Σ_kΠ_k = I, tr Π_k = d_k²")
    evidence.tolerance(0.0, "exact algebraic arithmetic")
    for fam, make in _EXACT_GROUPS:
        G = make()
        M = G.order
        table, certified = _exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        Rs = [_regular_sym(G, h) for h in range(M)]
        Ps = {}
        for k, d, ch in table:
            P = _exact_projector(G, d, ch)
            P2 = sp.zeros(M, M)
            for g in range(M):
                P2 += ch[G.inverse[g]] * Rs[g]
            evidence.holds(_mat_zero(P2 * sp.Rational(d, M) - P), "conj χ(g) = χ(g⁻¹) form", family=fam)
            evidence.holds(_mat_zero(P * P - P), f"Π_{k}² = Π_{k}", family=fam)
            evidence.holds(all(_mat_zero(P * R - R * P) and _mat_zero(P * R * P - P * R) for R in Rs),
                           f"Π_{k} central, Π_{k}R_hΠ_{k} = Π_{k}R_h", family=fam)
            evidence.holds(sp.simplify(P.trace() - d * d) == 0, f"tr Π_{k} = d²", family=fam)
            Ps[k] = P
        evidence.holds(all(_mat_zero(Ps[a] * Ps[b]) for a in Ps for b in Ps if a != b), "Π_kΠ_l = 0", family=fam)
        evidence.holds(_mat_zero(sum(Ps.values(), sp.zeros(M, M)) - sp.eye(M)), "Σ_k Π_k = I", family=fam)


@st.composite
def _group_and_elements(draw, max_order=16):
    G = draw(groups(max_order=max_order))
    M = G.order
    h = draw(st.integers(0, M - 1))
    hp = draw(st.integers(0, M - 1))
    return G, h, hp


@check(CENTRAL, "property")
@given(inst=_group_and_elements())
def test_eqn34_property(evidence, inst):
    evidence.describe("Hypothesis over groups of every family (order ≤ 16) and a drawn h: Π_k from characters (Eqn 34) "
                      "is idempotent, commutes with R_h, Π_kR_hΠ_k = Π_kR_h, and Σ_k Π_k = I")
    evidence.tolerance(1e-10, "float64 rounding of M-term sums of characters of modulus ≤ d_k ≤ 4 (M ≤ 16)")
    G, h, _ = inst
    dec = irrep_decomposition(G)
    M = G.order
    Rs = [G.regular_representation(g) for g in range(M)]
    tot = np.zeros((M, M), dtype=complex)
    for ir in dec.irreps:
        P = sum(np.conj(ir.character[g]) * Rs[g] for g in range(M)) * ir.degree / M
        evidence.close(P @ P, P, rel=False, family=G.name, what="Π² = Π")
        evidence.close(P @ Rs[h], Rs[h] @ P, rel=False, family=G.name, what="Π R_h = R_h Π")
        evidence.close(P @ Rs[h] @ P, P @ Rs[h], rel=False, family=G.name, what="Π R_h Π = Π R_h")
        tot += P
    evidence.close(tot, np.eye(M), rel=False, family=G.name, what="Σ Π_k = I")


@check(DIAG, "numeric")
def test_diag_formula_as_printed(evidence, li2_profile):
    evidence.describe("diag(R_hᵀΠ_kR_{h'}) (matrix products) vs (d_k/M)conj χ_k(hh'⁻¹)1 (first form) and vs "
                      "(d_k/M)χ_k(h'⁻¹h)1 (second printed form), all h, h', k; the second form's failures on complex "
                      "characters are recorded as counterexamples")
    evidence.tolerance(1e-12, "float64 rounding of permutation products and an M-term character sum")
    for fam, G in _groups(li2_profile):
        dec = irrep_decomposition(G)
        M = G.order
        worst, worst_at = 0.0, None
        for ir in dec.irreps[1:]:
            P = dec.projector(ir.k)
            for h in range(M):
                for hp in range(M):
                    d = diag_block(G, P, h, hp)
                    first = ir.degree / M * np.conj(ir.character[G.table[h, G.inverse[hp]]]) * np.ones(M)
                    second = ir.degree / M * ir.character[G.table[G.inverse[hp], h]] * np.ones(M)
                    evidence.close(d, first, rel=False, family=fam, what="diag vs (d/M)conj χ(hh'⁻¹)")
                    e = float(np.abs(d - second).max())
                    if e > worst:
                        worst, worst_at = e, (d, second, ir.k, h, hp)
        evidence.instance(fam)
        if worst > evidence.tol and len(evidence.counterexamples) < 3:
            d, second, k, h, hp = worst_at
            # measured: the diagonal block from matrix products; printed: the second printed form (d_k/M)χ_k(h'⁻¹h)1
            evidence.counterexample("diag(R_hᵀΠ_kR_h') ≠ (d_k/M)χ_k(h'⁻¹h)1 (complex characters)", measured=d,
                                    printed=second, group=fam, k=k, h=h, h_prime=hp)


@check(DIAG, "numeric", target="corrected")
def test_diag_formula_corrected(evidence, li2_profile):
    evidence.describe("diag(R_hᵀΠ_kR_{h'}) vs (d_k/M)χ_k(h'h⁻¹)1 for all h, h', k")
    evidence.tolerance(1e-12, "float64 rounding of permutation products and an M-term character sum")
    for fam, G in _groups(li2_profile):
        dec = irrep_decomposition(G)
        M = G.order
        for ir in dec.irreps[1:]:
            P = dec.projector(ir.k)
            for h in range(M):
                for hp in range(M):
                    expect = ir.degree / M * ir.character[G.table[hp, G.inverse[h]]] * np.ones(M)
                    evidence.close(diag_block(G, P, h, hp), expect, rel=False, family=fam, what="diag formula")


@check(DIAG, "symbolic")
def test_diag_formula_exact(evidence):
    evidence.describe("exact (sympy, certified characters): diag(R_hᵀΠ_kR_{h'}) from exact matrix products vs the "
                      "printed (d_k/M)conj χ_k(hh'⁻¹)1 and (d_k/M)χ_k(h'⁻¹h)1, all h, h', k ≠ 0, on S3, D4, Q8 (real "
                      "characters: both printed forms hold) and the cyclic control Z3 (complex characters: the second "
                      "form fails, recorded as a counterexample with exact values)")
    evidence.tolerance(0.0, "exact algebraic arithmetic")
    for fam, make in _EXACT_GROUPS:
        G = make()
        M = G.order
        table, certified = _exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        Rs = [_regular_sym(G, h) for h in range(M)]
        worst = None
        for k, d, ch in table[1:]:
            P = _exact_projector(G, d, ch)
            for h in range(M):
                for hp in range(M):
                    D = (Rs[h].T * P * Rs[hp]).diagonal()
                    first = sp.Rational(d, M) * sp.conjugate(ch[G.table[h, G.inverse[hp]]])
                    evidence.holds(all(sp.expand(x - first) == 0 for x in D), "diag = (d/M)conj χ(hh'⁻¹)1",
                                   family=fam)
                    second = sp.Rational(d, M) * ch[G.table[G.inverse[hp], h]]
                    gap = sp.expand(D[0] - second)
                    if gap != 0 and (worst is None or abs(complex(gap)) > abs(complex(worst[0]))):
                        worst = (gap, D[0], second, k, h, hp)
        if worst is None:
            evidence.holds(True, "second printed form (d/M)χ(h'⁻¹h) holds (real characters)", family=fam)
        else:
            gap, meas, printed, k, h, hp = worst
            evidence.counterexample("diag(R_hᵀΠ_kR_h') ≠ (d_k/M)χ_k(h'⁻¹h)1 (complex character)", measured=meas,
                                    printed=printed, family=fam, k=k, h=h, h_prime=hp)


@check(DIAG, "symbolic", target="corrected")
def test_diag_formula_exact_corrected(evidence):
    evidence.describe("exact: diag(R_hᵀΠ_kR_{h'}) = (d_k/M)χ_k(h'h⁻¹)1 for all h, h', k on S3, D4, Q8, Z3")
    evidence.tolerance(0.0, "exact algebraic arithmetic")
    for fam, make in _EXACT_GROUPS:
        G = make()
        M = G.order
        table, certified = _exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        Rs = [_regular_sym(G, h) for h in range(M)]
        for k, d, ch in table[1:]:
            P = _exact_projector(G, d, ch)
            ok = all(all(sp.expand(x - sp.Rational(d, M) * ch[G.table[hp, G.inverse[h]]]) == 0
                         for x in (Rs[h].T * P * Rs[hp]).diagonal()) for h in range(M) for hp in range(M))
            evidence.holds(ok, f"diag formula, k={k}", family=fam)


@check(DIAG, "property", target="corrected")
@given(inst=_group_and_elements(max_order=24))
def test_diag_formula_property(evidence, inst):
    evidence.describe("Hypothesis over groups of every family (order ≤ 24) and drawn h, h': diag(R_hᵀΠ_kR_{h'}) = "
                      "(d_k/M)χ_k(h'h⁻¹)1 for every k")
    evidence.tolerance(1e-12, "float64 rounding of permutation products and an M-term character sum")
    G, h, hp = inst
    dec = irrep_decomposition(G)
    M = G.order
    for ir in dec.irreps[1:]:
        expect = ir.degree / M * ir.character[G.table[hp, G.inverse[h]]] * np.ones(M)
        evidence.close(diag_block(G, dec.projector(ir.k), h, hp), expect, rel=False, family=G.name,
                       what="diag formula")


def _residual_instances(profile):
    for fam, G in _groups(profile):
        dec = irrep_decomposition(G)
        for seed in range(profile.pick(fast=2, thorough=5)):
            rng = np.random.default_rng(seed)
            S = _random_S(dec, rng)
            net = learned_prediction(G, dec, S, rng)
            yield fam, G, dec, S, seed, net, rng


@check(RESIDUAL, "numeric")
def test_residual_as_printed(evidence, li2_profile):
    evidence.describe("Ŷ_S from a trained-in-closed-form σ = x² layer (nodes in the isotypic subspaces of S, least "
                      "squares V) vs the printed Ŷ − Ỹ = Φ_SΦ_S* ⊗ 1_M; also the column count of Φ_S vs the "
                      "printed κ(H) − |S| − 1")
    evidence.tolerance(1e-8, "least squares on n = M² rows with cond(F̃) ≲ 1e4 (features spanning End(H_k)); "
                             "float64, absolute on entries of size ≤ 1")
    ce_groups, col_groups = set(), set()
    for fam, G, dec, S, seed, net, rng in _residual_instances(li2_profile):
        Yt = centered_targets(G)
        P = phi_S(dec, S)
        printed = block_rows(np.real(P @ P.conj().T), G)
        err = float(np.abs((net.Y_hat - Yt) - printed).max())
        evidence.instance(fam, seed)
        kappa = len(dec.irreps) - 1  # κ(H) = number of nontrivial irreps (Sec 4.2, Eqn 8)
        if err > evidence.tol and fam not in ce_groups:
            ce_groups.add(fam)
            evidence.counterexample("Ŷ − Ỹ ≠ Φ_SΦ_S* ⊗ 1_M", measured=net.Y_hat - Yt, printed=printed, group=fam,
                                    S=sorted(S), seed=seed,
                                    sign_flipped_error=float(np.abs((Yt - net.Y_hat) - printed).max()),
                                    degrees_missing=[dec.irreps[k].degree for k in missing_irreps(dec, S)])
        if fam not in col_groups:
            col_groups.add(fam)
            # measured: columns of Φ_S = [√(d_k/M)χ_k]_{k≠0, k∉S} as built; printed: κ(H) − |S| − 1
            evidence.counterexample("Φ_S has κ(H) − |S| columns, not κ(H) − |S| − 1", measured=P.shape[1],
                                    printed=kappa - len(S) - 1, tol=0, why="integer column count (exact)",
                                    group=fam, kappa=kappa, S_size=len(S))


@check(RESIDUAL, "numeric", target="corrected")
def test_residual_is_sum_of_missing_projectors(evidence, li2_profile):
    evidence.describe("Ỹ − Ŷ_S (least squares on learned features) vs (Σ_{k≠0,k∉S}Π_k) ⊗ 1_M, and vs +Φ_SΦ_S* ⊗ 1_M "
                      "when every missing irrep is 1-dimensional")
    evidence.tolerance(1e-9, "least squares on n = M² rows with cond(F̃) ≲ 1e4 (features spanning End(H_k)); "
                             "float64")
    for fam, G, dec, S, seed, net, rng in _residual_instances(li2_profile):
        Yt = centered_targets(G)
        K = residual_kernel(dec, S)
        evidence.close(Yt - net.Y_hat, block_rows(np.real(K), G), rel=False, family=fam, seed=seed,
                       what="Ỹ − Ŷ vs K_S ⊗ 1")
        evidence.holds(np.abs(K.imag).max() < 1e-12, "K_S real for conjugation-closed S", family=fam, seed=seed)
        if _abelian_missing(dec, S):
            P = phi_S(dec, S)
            evidence.close(Yt - net.Y_hat, block_rows(np.real(P @ P.conj().T), G), rel=False, family=fam,
                           seed=seed, what="Ỹ − Ŷ vs Φ_SΦ_S* ⊗ 1 (1-dim missing irreps)")


_RESIDUAL_CASES = (("S3", lambda: symmetric(3), "degree-1"), ("D4", lambda: dihedral(4), "degree-1 but one"),
                   ("Q8", lambda: quaternion(8), "degree-1"), ("Z4 (cyclic control)", lambda: cyclic(4), "real"))


def _exact_residual(G, table, which):
    """Exact Ỹ − Ŷ_S for σ = x² features spanning the learned components (rational arithmetic, DomainMatrix).

    S = the nontrivial irreps of degree 1 ("degree-1"), all of them but the last one ("degree-1 but one") or the
    real nontrivial ones ("real"), closed under conjugation.  The features of a component with real isotypic
    basis b_1..b_r (columns of Σ Π_k over the component, rational here) are all quadratic monomials of
    w = [u; Pv], u, v in the component: b_i[h1]b_j[h2⁻¹], (b_ib_j)[h1], (b_ib_j)[h2⁻¹] — the span of σ(Xw) over
    generic nodes (Thm 3's 'features span End(H_k)'). Ŷ = the orthogonal projection of Ỹ on the centered
    features (least squares, η = 0)."""
    from sympy.polys.matrices import DomainMatrix

    M = G.order
    nontriv = [(k, d, ch) for k, d, ch in table[1:]]
    if which == "real":
        S = [k for k, d, ch in nontriv if all(sp.im(c) == 0 for c in ch)]
    else:
        S = [k for k, d, ch in nontriv if d == 1]
        if which == "degree-1 but one":
            S = S[:-1]
    proj = {k: _exact_projector(G, d, ch) for k, d, ch in table}
    cols = []
    inv = G.inverse
    for k in S:
        B = proj[k].columnspace()
        r = len(B)
        for i in range(r):
            for j in range(r):
                cols.append([B[i][h1] * B[j][inv[h2]] for h1 in range(M) for h2 in range(M)])
            for j in range(i, r):
                cols.append([B[i][h1] * B[j][h1] for h1 in range(M) for h2 in range(M)])
                cols.append([B[i][inv[h2]] * B[j][inv[h2]] for h1 in range(M) for h2 in range(M)])
    n = M * M
    t = [int(G.table[h1, h2]) for h1 in range(M) for h2 in range(M)]
    Yt = sp.Matrix(n, M, lambda i, j: (1 if t[i] == j else 0) - sp.Rational(1, M))
    if cols:
        F = sp.Matrix(cols).T
        F = F - sp.ones(n, 1) * (sp.ones(1, n) * F) / n
        Fd = DomainMatrix.from_Matrix(F).convert_to(sp.QQ)
        piv = Fd.rref()[1]  # pivot columns: independent columns of F
        Fi = DomainMatrix.from_Matrix(F.extract(list(range(n)), list(piv))).convert_to(sp.QQ)
        Yd = DomainMatrix.from_Matrix(Yt).convert_to(sp.QQ)
        Ft = Fi.transpose()
        V = (Ft * Fi).inv() * (Ft * Yd)
        Yhat = (Fi * V).to_Matrix()
    else:
        Yhat = sp.zeros(n, M)
    missing = [k for k, _, _ in nontriv if k not in S]
    K = sum((proj[k] for k in missing), sp.zeros(M, M))
    Phi = sp.Matrix([[sp.sqrt(sp.Rational(d, M)) * ch[g] for k, d, ch in nontriv if k in missing] for g in range(M)])
    return S, missing, Yt, Yhat, K, Phi, t


@check(RESIDUAL, "symbolic")
def test_residual_exact(evidence):
    evidence.describe("exact (rational arithmetic, certified characters): Ŷ_S of a σ = x² layer whose features span "
                      "the learned components (least squares, η = 0) on S3 (S = sign), D4 (S = two of its three "
                      "nontrivial 1-dim irreps), Q8 (S = its 1-dim irreps) and the cyclic control Z4 (S = its real "
                      "nontrivial irrep); Ŷ − Ỹ vs the printed Φ_SΦ_S* ⊗ 1_M, the worst entry recorded exactly")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for fam, make, which in _RESIDUAL_CASES:
        G = make()
        table, certified = _exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        S, missing, Yt, Yhat, K, Phi, t = _exact_residual(G, table, which)
        printed = (Phi * Phi.H).applyfunc(sp.expand)
        R = Yhat - Yt
        diff = [(sp.expand(R[i, j] - printed[t[i], j]), i, j) for i in range(len(t)) for j in range(G.order)]
        gap, i, j = max(diff, key=lambda x: abs(complex(x[0])))
        evidence.counterexample("Ŷ − Ỹ ≠ Φ_SΦ_S* ⊗ 1_M (worst entry, exact)", measured=R[i, j],
                                printed=printed[t[i], j], family=fam, S=S, missing=missing,
                                row=i, column=j)


@check(RESIDUAL, "symbolic", target="corrected")
def test_residual_exact_corrected(evidence):
    evidence.describe("exact: Ỹ − Ŷ_S = (Σ_{k≠0,k∉S}Π_k) ⊗ 1_M on the same four instances (S3, D4, Q8, Z4), and = "
                      "+Φ_SΦ_S* ⊗ 1_M exactly when every missing irrep has degree 1 (Z4)")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for fam, make, which in _RESIDUAL_CASES:
        G = make()
        table, certified = _exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        S, missing, Yt, Yhat, K, Phi, t = _exact_residual(G, table, which)
        R = Yt - Yhat
        evidence.holds(all(sp.simplify(R[i, j] - K[t[i], j]) == 0 for i in range(len(t)) for j in range(G.order)),
                       "Ỹ − Ŷ = K_S ⊗ 1", family=fam)
        one_dim = all(d == 1 for k, d, _ in table if k in missing)
        if one_dim:
            evidence.holds(_mat_zero(Phi * Phi.H - K), "Φ_SΦ_S* = K_S (missing irreps 1-dim)", family=fam)


@st.composite
def _group_and_learned(draw, max_order=16):
    """A group of any family, and S: a drawn proper subset of its real components (closed under conjugation,
    trivial irrep excluded, at least one component missing)."""
    G = draw(groups(max_order=max_order).filter(lambda g: len(_components(irrep_decomposition(g))) >= 1))
    dec = irrep_decomposition(G)
    comps = _components(dec)
    mask = draw(st.lists(st.booleans(), min_size=len(comps), max_size=len(comps)).filter(lambda m: not all(m)))
    return G, dec, conjugation_closure(dec, [c for c, b in zip(comps, mask) if b])


def _spanning_prediction(G, dec, S):
    """Ŷ_S (float64) from the quadratic monomials that span σ = x² features of nodes w = [u; Pv] in the learned
    components (see _exact_residual), least squares with η = 0."""
    M = G.order
    inv = G.inverse
    cols, done = [], set()
    for k in sorted(S):
        if k in done:
            continue
        done |= {k, dec.irreps[k].conjugate}
        B = dec.real_subspace(k)
        r = B.shape[1]
        for i in range(r):
            for j in range(r):
                cols.append(np.outer(B[:, i], B[inv, j]).ravel())
            for j in range(i, r):
                cols.append(np.repeat(B[:, i] * B[:, j], M))
                cols.append(np.tile(B[inv, i] * B[inv, j], M))
    Yt = centered_targets(G)
    if not cols:
        return Yt, np.zeros_like(Yt)
    F = np.column_stack(cols)
    F = F - F.mean(axis=0)
    # the monomials are linearly dependent: project on the left singular vectors whose singular values are not
    # rounding noise (exact nonzero singular values are O(0.1–1) on these instances; rounding leaves ~1e-14, which
    # lstsq's default cutoff eps·max(n, K) can keep, adding a spurious direction to the projection)
    U, sv, _ = np.linalg.svd(F, full_matrices=False)
    U = U[:, sv > 1e-10 * sv.max()]
    return Yt, U @ (U.T @ Yt)


@check(RESIDUAL, "property", target="corrected")
@given(inst=_group_and_learned())
def test_residual_property(evidence, inst):
    evidence.describe("Hypothesis over groups of every family (order ≤ 16) and drawn conjugation-closed S (a proper "
                      "subset of the real components): Ŷ_S from features spanning the learned components (least "
                      "squares, η = 0) and Ỹ − Ŷ_S vs (Σ_{k≠0,k∉S}Π_k) ⊗ 1_M")
    evidence.tolerance(1e-9, "orthogonal projection on n = M² ≤ 256 rows onto the singular vectors of the features "
                             "with σ > 1e-10·σ_max; float64, absolute on entries of size ≤ 1")
    G, dec, S = inst
    Yt, Yhat = _spanning_prediction(G, dec, S)
    evidence.close(Yt - Yhat, block_rows(np.real(residual_kernel(dec, S)), G), rel=False, family=G.name,
                   what="Ỹ − Ŷ vs K_S ⊗ 1")
    evidence.detail("symbolic (gradient, energy_form)", "not separate: the exact content of thm7.modulation.gradient and "
                    "energy_form is this residual kernel (checked exactly in test_residual_exact*), the rest is the "
                    "chain rule, checked numerically")


@check(GRADIENT, "numeric")
def test_gradient_as_printed(evidence, li2_profile):
    evidence.describe("G_F = (Ỹ − Ŷ_S)ỸᵀF for random new-node features F = σ(XW) vs (Φ_S⊗1)(Φ_S⊗1)*F: cosine "
                      "similarity of the flattened matrices (1 iff proportional with a positive constant); "
                      "counterexample when it differs from 1")
    evidence.tolerance(1e-9, "1 − cosine of two float64 matrices built from an η = 0 least-squares fit (cond ≲ 1e4): "
                             "≲ 1e-12 when proportional")
    worst = 1.0
    for fam, G, dec, S, seed, net, rng in _residual_instances(li2_profile):
        M = G.order
        W = rng.standard_normal((2 * M, 4))
        F = (W[:M, None, :] + W[None, M:, :]).reshape(M * M, -1) ** 2
        Yt = centered_targets(G)
        lhs = (Yt - net.Y_hat) @ (Yt.T @ F)
        P = phi_S(dec, S)
        t = targets(G)
        rhs = np.real(P @ P.conj().T)[np.ix_(t, t)] @ F
        cos = float(np.sum(lhs * rhs) / (np.linalg.norm(lhs) * np.linalg.norm(rhs)))
        worst = min(worst, cos)
        evidence.instance(fam, seed)
        if 1 - cos > evidence.tol and fam not in {c["group"] for c in evidence.counterexamples}:
            # printed: G_F ∝ (Φ_S⊗1)(Φ_S⊗1)*F with a positive constant, i.e. cosine 1
            evidence.counterexample("G_F not ∝ (Φ_S⊗1)(Φ_S⊗1)*F", measured=cos, printed=1.0, group=fam,
                                    S=sorted(S), seed=seed)
    evidence.detail("worst_cosine", worst)


@check(GRADIENT, "numeric", target="corrected")
def test_gradient_with_isotypic_basis(evidence, li2_profile):
    evidence.describe("G_F = (Ỹ − Ŷ_S)ỸᵀF vs (Ψ_S⊗1)(Ψ_S⊗1)*F with Ψ_S the irreps engine's isotypic bases of the "
                      "missing irreps (independent of Ŷ_S)")
    evidence.tolerance(1e-9, "least-squares residual (cond ≲ 1e4) times n = M² sums, relative to the max entry")
    for fam, G, dec, S, seed, net, rng in _residual_instances(li2_profile):
        M = G.order
        W = rng.standard_normal((2 * M, 4))
        F = (W[:M, None, :] + W[None, M:, :]).reshape(M * M, -1) ** 2
        Yt = centered_targets(G)
        lhs = (Yt - net.Y_hat) @ (Yt.T @ F)
        Psi = np.concatenate([dec.isotypic_basis(k) for k in missing_irreps(dec, S)], axis=1)
        t = targets(G)
        rhs = np.real(Psi @ Psi.conj().T)[np.ix_(t, t)] @ F
        evidence.close(lhs, rhs, family=fam, seed=seed, what="G_F vs (Ψ⊗1)(Ψ⊗1)*F")


@check(ENERGY, "numeric")
def test_energy_form_as_printed(evidence, li2_profile):
    evidence.describe("At random w: ½‖Φ_S*z‖² vs its printed trace form ½Σ(M/d_k)|⟨Π_k,S⟩|² (must agree: same "
                      "expression) and vs ½zᵀK_Sz, the energy whose gradient is the modulated G_F (finite-difference "
                      "check of ∇(½zᵀK_Sz) = XᵀD(K_S⊗11ᵀ)σ(Xw)); counterexample when printed ≠ modulated energy")
    evidence.tolerance(1e-6, "internal identities: float64 (1e-10); finite-difference gradient of a quartic with "
                             "h = 1e-5: O(h²) ≲ 1e-6 relative")
    for fam, G, dec, S, seed, net, rng in _residual_instances(li2_profile):
        M = G.order
        w = rng.standard_normal(2 * M) / np.sqrt(2 * M)
        Ep = float(printed_energy_S(w, G, dec, S)[0])
        Et = trace_form_energy_S(w, G, dec, S)
        evidence.close(Ep, Et, family=fam, seed=seed, what="½‖Φ*z‖² vs trace form")
        K = np.real(residual_kernel(dec, S))
        Em, g = modulated_energy_and_gradient(w, G, K)
        e = rng.standard_normal(2 * M)
        h = 1e-5
        fd = (modulated_energy_and_gradient(w + h * e, G, K)[0] - modulated_energy_and_gradient(w - h * e, G, K)[0]) / (2 * h)
        evidence.close(fd, g @ e, family=fam, seed=seed, what="∇E_S finite difference")
        act = get_activation("square")
        z = np.zeros(M)
        np.add.at(z, targets(G), act(w[:M, None] + w[None, M:]).ravel())
        sc = 0.5 * float(z @ z)  # rounding scale of zᵀKz (the trivial component cancels)
        if abs(Ep - Em) > 1e-9 * sc and fam not in {c["group"] for c in evidence.counterexamples}:
            # measured: the energy of the modulated gradient ½zᵀK_Sz; printed: ½‖Φ_S*z‖² (both relative to ½‖z‖²)
            evidence.counterexample("printed E_S (characters) ≠ ½zᵀK_Sz", measured=Em / sc, printed=Ep / sc,
                                    tol=1e-9, why="float64 rounding of M-term sums relative to ½‖z‖² (the trivial "
                                                  "component of z, often dominant, cancels in zᵀKz)",
                                    group=fam, S=sorted(S), seed=seed, E_printed=Ep, E_modulated=Em)


@check(ENERGY, "numeric", target="corrected")
def test_energy_form_corrected(evidence, li2_profile):
    evidence.describe("½zᵀK_Sz vs ½‖Ψ_S*z‖² (isotypic bases) at random w, and vs ½‖Φ_S*z‖² when every missing irrep "
                      "is 1-dimensional; the ratio printed/modulated is recorded (it can be on either side of 1 "
                      "when some d_k > 1: ‖Φ_k‖² = d_k)")
    ratios = []
    evidence.tolerance(1e-10, "float64 rounding of M-term sums, measured relative to ½‖z‖² (the trivial "
                              "component of z, often dominant, cancels in zᵀKz)")
    act = get_activation("square")
    for fam, G, dec, S, seed, net, rng in _residual_instances(li2_profile):
        M = G.order
        w = rng.standard_normal(2 * M) / np.sqrt(2 * M)
        K = np.real(residual_kernel(dec, S))
        Em, _ = modulated_energy_and_gradient(w, G, K)
        T = np.zeros((M * M, M))
        T[np.arange(M * M), targets(G)] = 1.0
        z = T.T @ act(w[:M, None] + w[None, M:]).ravel()
        Psi = np.concatenate([dec.isotypic_basis(k) for k in missing_irreps(dec, S)], axis=1)
        sc = 0.5 * float(z @ z)
        evidence.close(Em / sc, 0.5 * float(np.sum(np.abs(Psi.conj().T @ z) ** 2)) / sc, rel=False, family=fam,
                       seed=seed, what="½zᵀKz vs ½‖Ψ*z‖² (relative to ½‖z‖²)")
        Ep = float(printed_energy_S(w, G, dec, S)[0])
        ratios.append(Ep / Em)
        if _abelian_missing(dec, S):
            evidence.close(Ep / sc, Em / sc, rel=False, family=fam, seed=seed,
                           what="equal when missing irreps are 1-dim (relative to ½‖z‖²)")
    evidence.detail("printed_over_modulated_range", [min(ratios), max(ratios)])


@check(MAXIMA, "numeric")
def test_modulated_energy_maxima_lie_in_missing_irreps(evidence, li2_profile):
    evidence.describe("Many-start projected gradient ascent of the printed E_S = ½‖Φ_S*z‖² = ½zᵀRe(Φ_SΦ_S*)z on ‖w‖ = 1 "
                      "(σ = x², all M² pairs) for random conjugation-closed S; every converged point "
                      "(Riemannian gradient ≤ 1e-6·max(1,E)) is classified by the masses ‖B_kᵀu‖² + ‖B_kᵀv‖² of its real isotypic components: the mass on "
                      "components of S must vanish and the point must lie in one missing component. Per non-Abelian "
                      "group, besides a random S, the S that leaves every irrep of degree > 1 missing (real, complex "
                      "and quaternionic 2-dim irreps: D4, S3, Q8, Dic3). The same ascent on the energy of the modulated "
                      "gradient ½zᵀ(Σ_{k∉S}Π_k)z (the corrected E_S of thm7.modulation.energy_form) is recorded as a "
                      "detail only")
    evidence.tolerance(1e-6, "mass on the learned components at a converged point: ascent stops at Riemannian "
                             "gradient ≤ 1e-6·max(1,E); masses are quadratic in the distance to the maximum, ≲ 1e-6 leaves margin")
    starts = li2_profile.pick(fast=12, thorough=60)
    summary = []
    for fam, G in _groups(li2_profile):
        dec = irrep_decomposition(G)
        M = G.order
        comps = _components(dec)
        big = [c for c in comps if dec.irreps[c].degree > 1]
        choices = [("random", seed) for seed in range(li2_profile.pick(fast=1, thorough=3))]
        if big and len(big) < len(comps):  # the hard case: every irrep of degree > 1 missing, the 1-dim ones learned
            choices.append(("all d_k>1 missing", 0))
        for how, seed in choices:
            rng = np.random.default_rng(500 + seed + (1000 if how != "random" else 0))
            S = _random_S(dec, rng) if how == "random" else conjugation_closure(dec, [c for c in comps if c not in big])
            P = phi_S(dec, S)
            K_printed = np.real(P @ P.conj().T)  # real for conjugation-closed S
            W0 = rng.standard_normal((2 * M, starts))
            res = ascend_modulated(G, K_printed, W0, max_iter=li2_profile.pick(fast=6000, thorough=30000), gtol=1e-7)
            Scomps = {min(k, dec.irreps[k].conjugate) for k in S}
            # not deciding: the same starts on the corrected energy ½zᵀ(Σ_{k∉S}Π_k)z
            res_c = ascend_modulated(G, np.real(residual_kernel(dec, S)), W0,
                                     max_iter=li2_profile.pick(fast=6000, thorough=30000), gtol=1e-7)
            corr_on_S = [sum(component_masses(res_c.W[:, b], G, dec)[c] for c in Scomps)
                         for b in range(starts) if res_c.converged[b]]
            reached, unconv = set(), 0
            for b in range(starts):
                if not res.converged[b]:
                    unconv += 1
                    continue
                m = component_masses(res.W[:, b], G, dec)
                on_S = sum(m[c] for c in Scomps)
                evidence.error(on_S, family=fam, seed=seed, what="mass on learned irreps at a converged point")
                missing_mass = {c: v for c, v in m.items() if c not in Scomps}
                top = max(missing_mass, key=missing_mass.get)
                evidence.holds(sum(missing_mass.values()) - missing_mass[top] < 1e-6,
                               "converged point lies in a single missing component", family=fam, seed=seed)
                reached.add(top)
            summary.append({"group": fam, "choice": how, "S": sorted(S), "missing_components": sorted(set(_components(dec)) - Scomps),
                            "reached": sorted(reached), "unconverged_starts": unconv, "starts": starts,
                            "corrected_energy_max_mass_on_S": max(corr_on_S) if corr_on_S else None,
                            "corrected_energy_unconverged": int(np.sum(~res_c.converged))})
    evidence.detail("runs", summary)


@st.composite
def _maxima_instances(draw):
    G, dec, S = draw(_group_and_learned(max_order=12))
    w0 = draw(unit_vectors(2 * G.order))
    return G, dec, S, w0


@check(MAXIMA, "property")
@given(inst=_maxima_instances())
def test_modulated_maxima_property(evidence, inst):
    evidence.describe("Hypothesis over groups of every family (order ≤ 12), drawn conjugation-closed S (proper subset "
                      "of the real components) and a drawn start w₀ on the unit sphere: projected ascent of the printed "
                      "E_S = ½zᵀRe(Φ_SΦ_S*)z from w₀; at a converged point that is a local maximum (Riemannian Hessian on "
                      "the tangent space negative semidefinite up to 1e-6·|wᵀ∇E|) the mass on the learned components vanishes and the "
                      "point lies in a single missing component (unconverged runs and saddles reached from special "
                      "starts are recorded, not decided)")
    evidence.tolerance(1e-6, "mass on the learned components at a converged point (Riemannian gradient ≤ 1e-7·max(1,E); "
                             "masses are quadratic in the distance to the maximum)")
    G, dec, S, w0 = inst
    P = phi_S(dec, S)
    res = ascend_modulated(G, np.real(P @ P.conj().T), w0[:, None], max_iter=6000, gtol=1e-7)
    evidence.detail("symbolic", "does not apply: the claim is about every local maximum of a degree-4 polynomial on "
                    "the unit sphere of ℝ^{2M}; its critical set cannot be enumerated exactly beyond toy sizes")
    if not res.converged[0]:
        evidence.detail(f"unconverged {G.name}", {"S": sorted(S), "grad": float(res.grad_norm[0])})
        evidence.instance(G.name)
        return
    w = res.W[:, 0]
    # a converged point from a special (e.g. symmetric) start can be a saddle: keep only local maxima, decided by
    # the Riemannian Hessian on the tangent space, P(∇²E)P − (wᵀ∇E)P, with ∇²E by central differences of the exact
    # gradient (step 1e-5: truncation ~1e-10, rounding ~1e-11 relative); local maximum iff its largest eigenvalue
    # is ≤ 1e-6·|wᵀ∇E| (flat directions of continuous families of maxima give ~0)
    Kp = np.real(P @ P.conj().T)
    n2 = 2 * G.order
    _, g0 = modulated_energy_and_gradient(w[:, None], G, Kp)
    hstep = 1e-5
    Wp = w[:, None] + hstep * np.eye(n2)
    Wm = w[:, None] - hstep * np.eye(n2)
    H = (modulated_energy_and_gradient(Wp, G, Kp)[1] - modulated_energy_and_gradient(Wm, G, Kp)[1]) / (2 * hstep)
    H = (H + H.T) / 2
    Q = np.linalg.svd(np.eye(n2) - np.outer(w, w))[0][:, : n2 - 1]  # orthonormal basis of w⊥
    radial = float(w @ g0[:, 0])
    lam_max = float(np.linalg.eigvalsh(Q.T @ H @ Q - radial * np.eye(n2 - 1)).max())
    if lam_max > 1e-6 * max(abs(radial), 1e-300):
        evidence.detail(f"saddle reached {G.name}", {"S": sorted(S), "largest tangent Hessian eigenvalue": lam_max,
                                                     "wᵀ∇E": radial})
        evidence.instance(G.name)
        return
    m = component_masses(w, G, dec)
    Scomps = {min(k, dec.irreps[k].conjugate) for k in S}
    evidence.error(sum(m[c] for c in Scomps), family=G.name, what="mass on learned irreps at a local maximum")
    miss = {c: v for c, v in m.items() if c not in Scomps}
    top = max(miss, key=miss.get)
    evidence.error(sum(miss.values()) - miss[top], family=G.name, what="mass outside the dominant missing component")
