"""Theorem 7's proof identities (App. G.2, Eqn 34): the isotypic projectors Π_k of the regular representation.

Claims, each followed by its checks:
- ``thm7.proof.central_idempotent`` — Eqn 34 and Π_kR_{h'}Π_k = Π_kR_{h'} = R_{h'}Π_k.
- ``thm7.proof.diag_character`` — diag(R_hᵀΠ_kR_{h'}) = (d_k/M) conj χ_k(hh'⁻¹) 1_M = (d_k/M) χ_k(h'⁻¹h) 1_M.

Symbolic checks use exact character tables of S3, D4 (order 8), Q8 and the cyclic control Z3 (complex characters):
the float64 characters of the irreps engine rounded to algebraic numbers and then *certified* exactly (row and
column orthogonality, χ(e) = d, Σd² = M), so no exact identity rests on the rounding; exact Π_k (Eqn 34) decide
both claims.  The helpers (groups, exact characters, exact projectors) are shared with the other ``thm7_*`` modules
in ``li2verify/experiments/modulation.py``.
"""

from __future__ import annotations


import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from li2verify.verify.claims import check, claim
from li2verify.groups.strategies import groups
from li2verify.groups.finite import cyclic, dihedral, quaternion, symmetric
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.modulation import (
    diag_block,
)
from li2verify.experiments.instances import modulation_instances
from li2verify.experiments.modulation import exact_characters, regular_sym, exact_projector, mat_zero


# exact character tables (symbolic checks)
_EXACT_GROUPS = (("S3", lambda: symmetric(3)), ("D4", lambda: dihedral(4)), ("Q8", lambda: quaternion(8)),
                 ("Z3 (cyclic control)", lambda: cyclic(3)))


@st.composite
def _group_and_elements(draw, max_order=16):
    G = draw(groups(max_order=max_order))
    M = G.order
    h = draw(st.integers(0, M - 1))
    hp = draw(st.integers(0, M - 1))
    return G, h, hp


CENTRAL = claim(
    "thm7.proof.central_idempotent",
    title="Eqn 34: Π_k by characters; central idempotent",
    paper_ref="Thm 7 proof, Eqn 34; App. G.2",
    printed=r"Since $\Pi_k$ is central and idempotent, it commutes with $R_{h'}$ and $\Pi_k^2 = \Pi_k$, hence $\Pi_k "
            r"R_{h'} \Pi_k = \Pi_k R_{h'} = R_{h'} \Pi_k$. ... $\Pi_k = \frac{d_k}{M} \sum_{g \in H} \overline{"
            r"\chi_k(g)} R_g = \frac{d_k}{M} \sum_{g \in H} \chi_k(g^{-1}) R_g$ (34)",
    assumptions=["unitary irreps C_k; Π_k the projector onto the isotypic subspace H_k"],
)


@check(CENTRAL, "numeric")
def test_eqn34_projector_is_central_idempotent(evidence, li2_profile):
    evidence.describe("Π_k from characters (Eqn 34) vs Q_kQ_k* from the unitary irrep matrices' Q columns (Peter–Weyl "
                      "basis of the irreps engine); Π_k² = Π_k; Π_kR_h = R_hΠ_k; Π_kR_hΠ_k = Π_kR_h; "
                      "(d_k/M)Σ conj χ_k(g)R_g = (d_k/M)Σ χ_k(g⁻¹)R_g; Σ_k Π_k = I")
    evidence.tolerance(1e-10, "float64 rounding of M-term sums of unit-modulus characters (M ≤ 24)")
    for inst in modulation_instances(li2_profile):
        fam, G, dec = inst.family, inst.group, inst.decomposition
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
        table, certified = exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        Rs = [regular_sym(G, h) for h in range(M)]
        Ps = {}
        for k, d, ch in table:
            P = exact_projector(G, d, ch)
            P2 = sp.zeros(M, M)
            for g in range(M):
                P2 += ch[G.inverse[g]] * Rs[g]
            evidence.holds(mat_zero(P2 * sp.Rational(d, M) - P), "conj χ(g) = χ(g⁻¹) form", family=fam)
            evidence.holds(mat_zero(P * P - P), f"Π_{k}² = Π_{k}", family=fam)
            evidence.holds(all(mat_zero(P * R - R * P) and mat_zero(P * R * P - P * R) for R in Rs),
                           f"Π_{k} central, Π_{k}R_hΠ_{k} = Π_{k}R_h", family=fam)
            evidence.holds(sp.simplify(P.trace() - d * d) == 0, f"tr Π_{k} = d²", family=fam)
            Ps[k] = P
        evidence.holds(all(mat_zero(Ps[a] * Ps[b]) for a in Ps for b in Ps if a != b), "Π_kΠ_l = 0", family=fam)
        evidence.holds(mat_zero(sum(Ps.values(), sp.zeros(M, M)) - sp.eye(M)), "Σ_k Π_k = I", family=fam)


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


@check(DIAG, "numeric")
def test_diag_formula_as_printed(evidence, li2_profile):
    evidence.describe("diag(R_hᵀΠ_kR_{h'}) (matrix products) vs (d_k/M)conj χ_k(hh'⁻¹)1 (first form) and vs "
                      "(d_k/M)χ_k(h'⁻¹h)1 (second printed form), all h, h', k; the second form's failures on complex "
                      "characters are recorded as counterexamples")
    evidence.tolerance(1e-12, "float64 rounding of permutation products and an M-term character sum")
    for inst in modulation_instances(li2_profile):
        fam, G, dec = inst.family, inst.group, inst.decomposition
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
    for inst in modulation_instances(li2_profile):
        fam, G, dec = inst.family, inst.group, inst.decomposition
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
        table, certified = exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        Rs = [regular_sym(G, h) for h in range(M)]
        worst = None
        for k, d, ch in table[1:]:
            P = exact_projector(G, d, ch)
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
        table, certified = exact_characters(G)
        evidence.holds(certified, "character table certified exactly", family=fam)
        Rs = [regular_sym(G, h) for h in range(M)]
        for k, d, ch in table[1:]:
            P = exact_projector(G, d, ch)
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
