"""Theorem 2, the bounds of its proof (App. F.1, Eqns 20–21) and the location of the global maximum.

Claims:
- ``thm2.proof.eqn20_21`` — the bound of Eqns 20–21 at maximizers.
- ``thm2.proof.global_maximum`` — where the global maximum of E lies.

Instances: every family of ``li2verify.paper.landscape.stage2_groups`` (prime/composite cyclic, products of cyclic
groups, dihedral, symmetric, alternating, quaternion, dicyclic, Z3xS3, Z7:Z3), hence every Frobenius–Schur
type (real, complex, quaternionic) and degrees 1–3.
"""

from __future__ import annotations

import numpy as np

from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper import landscape as L
from li2verify.verify.claims import check, claim
from li2verify.experiments.instances import family_label
from li2verify.experiments.local_maxima import GROUPS, SQ, many_start_ascent, starts_per_group

EQN2021 = claim(
    "thm2.proof.eqn20_21",
    paper_ref="Thm 2 proof; App. F.1, Eqns 20-21",
    printed=r"\mathcal{E} \leq \frac{M}{2} \sum_{k \neq 0} \frac{a_k b_k}{d_k} \leq \frac{M}{8} \sum_{k \neq 0} \frac{c_k^2}{d_k}, "
            r"\quad \text{subject to } \sum_{k \neq 0} c_k = 1",
    verified=r"\mathcal{E} \leq 2M \sum_{k \neq 0} \frac{a_k b_k}{d_k} \leq \frac{M}{2} \sum_{k \neq 0} \frac{c_k^2}{d_k}"
             r"\ (a_k=\|\Pi_k u\|^2,\ b_k=\|\Pi_k v\|^2,\ c_k=a_k+b_k)",
    depends_on=["thm2.proof.quadratic_s", "thm2.proof.eqn19"],
    title="Cauchy-Schwarz bound on E",
)


def _abc(g, dec, w):
    u, v = L.split_uv(w, g)
    a, b = {}, {}
    for ir in dec.irreps[1:]:
        Pk = dec.projector(ir.k)
        a[ir.k] = float(np.real(np.vdot(Pk @ u, Pk @ u)))
        b[ir.k] = float(np.real(np.vdot(Pk @ v, Pk @ v)))
    return a, b


@check(EQN2021, "numeric")
def test_eqn20_21_printed_bound_at_maximizers(evidence):
    evidence.describe("E at the constructed maximizers (rank-one u, v = u, ‖w‖=1) vs the printed bound "
                      "(M/8)Σ_k c_k²/d_k and the middle term (M/2)Σ a_kb_k/d_k")
    evidence.tolerance(1e-10, "float64 rounding, relative")
    rng = np.random.default_rng(20)
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        for comp in L.real_components(dec):
            w = L.claimed_maximizer(g, dec, comp.k, rng)
            E = L.group_energy(w, g, SQ)
            a, b = _abc(g, dec, w)
            mid = 0.5 * g.order * sum(a[k] * b[k] / dec.irreps[k].degree for k in a)
            top = g.order / 8 * sum((a[k] + b[k]) ** 2 / dec.irreps[k].degree for k in a)
            if E > mid * (1 + evidence.tol) or E > top * (1 + evidence.tol):
                # printed: E ≤ (M/2)Σa_kb_k/d_k ≤ (M/8)Σc_k²/d_k; measured E against each printed bound it exceeds
                for bound, which in ((mid, "middle term (M/2)Σa_kb_k/d_k"), (top, "bound (M/8)Σc_k²/d_k")):
                    if E > bound * (1 + evidence.tol):
                        evidence.counterexample(f"E exceeds the printed {which} of Eqns 20-21", measured=E,
                                                printed=bound, relation="<=", rel=True, group=g.name,
                                                component=comp.label, ratio=E / bound)
            else:
                evidence.error(0.0, family=family_label(fam, g, comp), what="printed bound")


@check(EQN2021, "numeric", target="corrected")
def test_eqn20_21_corrected_bound(evidence, li2_profile):
    evidence.describe("E(w) ≤ 2MΣa_kb_k/d_k ≤ (M/2)Σc_k²/d_k for random w on the sphere, with equality at the "
                      "constructed maximizers (rank-one u, v=±u)")
    evidence.tolerance(1e-10, "float64 rounding, relative")
    rng = np.random.default_rng(21)
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        M = g.order
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            w = L.sphere_project(rng.standard_normal((2 * M, 1)))[:, 0]
            E = L.group_energy(w, g, SQ)
            a, b = _abc(g, dec, w)
            mid = 2 * M * sum(a[k] * b[k] / dec.irreps[k].degree for k in a)
            top = M / 2 * sum((a[k] + b[k]) ** 2 / dec.irreps[k].degree for k in a)
            evidence.error(max(0.0, E - mid) / mid, family=family_label(fam, g), seed=seed, what="E ≤ 2MΣab/d")
            evidence.error(max(0.0, mid - top) / top, family=family_label(fam, g), seed=seed, what="2MΣab/d ≤ (M/2)Σc²/d")
        for comp in L.real_components(dec):
            w = L.claimed_maximizer(g, dec, comp.k, rng)
            E = L.group_energy(w, g, SQ)
            a, b = _abc(g, dec, w)
            mid = 2 * M * sum(a[k] * b[k] / dec.irreps[k].degree for k in a)
            if comp.fs != -1:  # quaternionic: Cauchy-Schwarz is not tight (rank two over C), see energy_value
                evidence.close(E, mid, family=family_label(fam, g, comp), what="equality at maximizer")
            else:
                evidence.close(E, mid / 2, family=family_label(fam, g, comp), what="quaternionic maximizer at half the bound")


GLOBAL = claim(
    "thm2.proof.global_maximum",
    paper_ref="Thm 2 proof; App. F.1, after Eqn 21",
    printed=r"\text{which has one global maxima (i.e., } c_{k_0} = 1 \text{ for } k_0 = \arg \min_k d_k\text{) and multiple local maxima}",
    verified=r"\text{the global maximum of } \mathcal{E} \text{ on } \|\mathbf{w}\|=1 \text{ is } \max_k \mathcal{E}^*_k, "
             r"\mathcal{E}^*_k = M/(2d_k) \ (\nu_k = 1),\ M/(4d_k)\ (\nu_k \in \{0,-1\}): \text{ attained at } "
             r"k_0 = \arg\min_k d_k(2 - [\nu_k = 1]) \text{, not always at } \arg\min_k d_k \text{ (e.g. SL(2,5))}",
    depends_on=["thm2.local_maxima.energy_value"],
    title="Where the global maximum of E is",
)


@check(GLOBAL, "numeric")
def test_global_maximum_location(evidence, li2_profile):
    evidence.describe("for every group family and SL(2,5) (order 120; nontrivial irreps of degrees 2–6, the 2-dim ones "
                      "quaternionic): the energies of the constructed maximizers of every component; is the largest "
                      "attained at a component of minimal degree? (+ the best many-start ascent energy on the "
                      "fast-profile groups)")
    evidence.tolerance(1e-9, "float64 energies, relative")
    rng = np.random.default_rng(60)
    for fam, g in [*GROUPS, ("special-linear", L.special_linear_2(5))]:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        Es = {c.k: L.group_energy(L.claimed_maximizer(g, dec, c.k, rng), g, SQ) for c in comps}
        best = max(Es.values())
        dmin = min(c.degree for c in comps)
        at_min = max(Es[c.k] for c in comps if c.degree == dmin)
        if at_min < best * (1 - evidence.tol):
            kbest = max(comps, key=lambda c: Es[c.k])
            # printed: the global maximum is attained at k0 = argmin_k d_k, so the best energy over the minimal-degree
            # components is at least the best energy over all components (energy gap, relative)
            evidence.counterexample("global maximum not at argmin_k d_k", measured=at_min, printed=best,
                                    relation=">=", rel=True, group=g.name, M=g.order, best_component=kbest.label,
                                    min_degree_kinds=sorted({c.kind for c in comps if c.degree == dmin}))
        else:
            evidence.error(0.0, family=family_label(fam, g), what="global max at minimal degree")


@check(GLOBAL, "numeric", target="corrected")
def test_global_maximum_corrected(evidence, li2_profile):
    evidence.describe("max over components of E at the constructed maximizers equals max_k E*_k (corrected constants) and "
                      "the best energy reached by many-start ascent (fast groups; SL(2,5) in thorough)")
    evidence.tolerance(1e-6, "ascent energies converge to ~1e-12; 1e-6 leaves margin, relative")
    rng = np.random.default_rng(61)
    extra = li2_profile.pick(fast=[], thorough=[("special-linear", L.special_linear_2(5))])
    for fam, g in [*GROUPS, *extra]:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        Estar = max(L.corrected_max_energy(g.order, c.degree, c.fs) for c in comps)
        Ebest = max(L.group_energy(L.claimed_maximizer(g, dec, c.k, rng), g, SQ) for c in comps)
        evidence.close(Ebest, Estar, family=family_label(fam, g), what="max constructed vs max E*")
        if g.order <= 36:
            res = many_start_ascent(g.name, starts_per_group(li2_profile, g.order), 0)
        else:
            res = L.ascend(g, SQ, L.random_starts(g.order, 24, rng), max_iter=3000, gtol=1e-7)
        evidence.close(res.energy.max(), Estar, family=family_label(fam, g), what="best ascent energy vs max E*")
