"""Theorem 2 (local maxima of E for group input, σ = x²): there are no other local maxima, and maxima of
different irreps are disconnected.

Claims:
- ``thm2.local_maxima.no_other`` — numeric (many-start ascent), symbolic (the energy on great circles between
  maximizers of two components is c⁴E1 + s⁴E2, so no interior maximum there -- an exact enumeration of all
  critical points, a cubic system in 2M unknowns with positive-dimensional solution sets, is out of reach,
  recorded as a detail of that check) and property (Hypothesis over groups and ascent starting points).
- ``thm2.local_maxima.disconnected`` — maxima of different irreps are separated.

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
from li2verify.experiments.local_maxima import (GROUPS, SQ, exact_maximizers, exact_state, given_groups, many_start_ascent,
                                                starts_per_group)

NO_OTHER = claim(
    "thm2.local_maxima.no_other",
    paper_ref="Thm 2; App. F.1, Eqns 21-23",
    printed=r"\text{No other local maxima exist.}",
    assumptions=["sigma = x^2", "read as: every local maximum lies in a single irrep subspace H_k (real/quaternionic) or "
                 "H_k + H_kbar (complex pair); energy and form are checked in energy_value and form"],
    depends_on=["thm2.local_maxima.form"],
    title="No local maxima outside single-irrep subspaces (many-start ascent)",
)


@check(NO_OTHER, "numeric")
def test_no_local_maxima_outside_single_irreps(evidence, li2_profile):
    evidence.describe("many-start Riemannian gradient ascent of E (σ=x²) on ‖w‖=1 from Gaussian starts, every group; "
                      "each converged point with Hessian ≤ 0 must lie in one real isotypic subspace (u and v mass in "
                      "a single H_k or H_k⊕H_k̄); a converged point with mass in two components is a counterexample")
    evidence.tolerance(1e-6, "mass outside the supporting component, relative to ‖w‖²=1, after convergence to "
                             "Riemannian gradient ≤ 1e-7·E (mass ~ gradient²)")
    counts = {}
    saddles = 0
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        res = many_start_ascent(g.name, starts_per_group(li2_profile, g.order), 0)
        for j in range(res.W.shape[1]):
            w = res.W[:, j]
            pc = L.classify(w, g, dec, comps, mass_tol=1e-4)
            eig = L.riemannian_hessian_spectrum(w, g, SQ)
            if eig.max() > 1e-6 * pc.energy:
                saddles += 1
                continue
            if not pc.single:
                # printed: the local maximum lies in one component: mass outside its heaviest component = 0
                mass = {c.k: pc.mass_u[c.k] + pc.mass_v[c.k] for c in comps}
                top = max(mass, key=mass.get)
                evidence.counterexample("local maximum spread over several irreps",
                                        measured=sum(m for k, m in mass.items() if k != top) + abs(pc.trivial_mass),
                                        printed=0.0, group=g.name, seed=j, support=pc.support, E=pc.energy)
                continue
            k = pc.support[0]
            off = sum(pc.mass_u[c.k] + pc.mass_v[c.k] for c in comps if c.k != k) + abs(pc.trivial_mass)
            evidence.error(off, family=family_label(fam, g, next(c for c in comps if c.k == k)), seed=j,
                           what="mass outside the single component")
            key = f"{g.name}:{next(c for c in comps if c.k == k).label}"
            counts[key] = counts.get(key, 0) + 1
    evidence.detail("basin_counts", counts)
    evidence.detail("saddles_or_unconverged", saddles)


@check(NO_OTHER, "symbolic")
def test_no_mixed_maxima_on_great_circles_exact(evidence):
    evidence.describe("exact on Z4 and S3: for maximizers w1, w2 (unit, exact) of two different components, "
                      "E(c·w1 + s·w2) with symbolic c, s (c² + s² = 1) from the data vs c⁴E1 + s⁴E2 (no cross term); "
                      "then E = t²E1 + (1−t)²E2 in t = c² is strictly convex, so no interior point of the great circle "
                      "is a local maximum. The full statement (no critical point with mass in two components is a "
                      "maximum) is a statement about all solutions of a cubic polynomial system in 2M unknowns; exact "
                      "enumeration is not attempted (recorded as a detail)")
    evidence.tolerance(0.0, "exact polynomial identity")
    c, s_ = sp.symbols("c s", real=True)
    pts = exact_maximizers()
    for gname in ("Z4", "S3"):
        mine = [(i, p) for i, p in pts if p[0].name == gname]
        for a in range(len(mine)):
            for b in range(a + 1, len(mine)):
                (i1, p1), (i2, p2) = mine[a], mine[b]
                g = p1[0]
                w1, w2 = sp.Matrix(p1[4]), sp.Matrix(p2[4])
                w1 = w1 / sp.sqrt((w1.T * w1)[0, 0])
                w2 = w2 / sp.sqrt((w2.T * w2)[0, 0])
                if sp.simplify((w1.T * w2)[0, 0]) != 0:
                    continue
                wt = c * w1 + s_ * w2
                M = g.order
                z = [0] * M
                for h1 in range(M):
                    for h2 in range(M):
                        z[int(g.table[h1, h2])] += (wt[h1] + wt[M + h2]) ** 2
                zb = sum(z) / M
                Et = sp.Rational(1, 2) * sum((x - zb) ** 2 for x in z)
                E1, E2 = exact_state(i1)[0], exact_state(i2)[0]
                diff = sp.expand(Et - c ** 4 * E1 - s_ ** 4 * E2)
                evidence.holds(diff == 0 and E1 + E2 > 0, f"E(cw1 + sw2) = c⁴E1 + s⁴E2 ({p1[1]} / {p2[1]})",
                               family=f"{p1[1]} | {p2[1]}")
    evidence.detail("method limit", "symbolic evidence covers great circles between maximizers of different components "
                    "(no cross term, convex in c²); an exact enumeration of all critical points of E on S^{2M−1} (cubic "
                    "system in 2M ≥ 6 unknowns, positive-dimensional solution sets) is out of reach of exact methods here")


@check(NO_OTHER, "property")
@given_groups(12)
def test_no_other_property(evidence, g, data):
    evidence.describe("Hypothesis over groups of order ≤ 12 of every family and the starting point of a Riemannian "
                      "gradient ascent of E (σ = x²) on ‖w‖ = 1 (a bounded array, normalized): a converged point "
                      "whose Hessian is ≤ 0 must lie in one real isotypic subspace; saddles and unconverged runs are "
                      "counted, not judged")
    evidence.tolerance(1e-6, "mass outside the supporting component, relative to ‖w‖² = 1, after convergence to "
                             "Riemannian gradient ≤ 1e-7·E (mass ~ gradient²)")
    from hypothesis import assume

    from li2verify.groups.strategies import real_matrices

    M = g.order
    w0 = data.draw(real_matrices((2 * M,)), label="start")
    assume(np.linalg.norm(w0) > 1e-3)
    dec = irrep_decomposition(g)
    comps = L.real_components(dec)
    res = L.ascend(g, SQ, (w0 / np.linalg.norm(w0))[:, None], max_iter=4000, gtol=1e-7)
    w = res.W[:, 0]
    pc = L.classify(w, g, dec, comps, mass_tol=1e-4)
    eig = L.riemannian_hessian_spectrum(w, g, SQ)
    if pc.energy <= 0 or pc.grad_norm > 1e-6 * pc.energy or eig.max() > 1e-6 * pc.energy:
        evidence.instance(f"{g.name} (saddle or unconverged: not judged)")
        return
    if not pc.single:
        mass = {c.k: pc.mass_u[c.k] + pc.mass_v[c.k] for c in comps}
        top = max(mass, key=mass.get)
        # printed: the local maximum lies in one component: mass outside its heaviest component = 0
        evidence.counterexample("local maximum spread over several irreps",
                                measured=sum(m for k, m in mass.items() if k != top) + abs(pc.trivial_mass),
                                printed=0.0, group=g.name, support=pc.support, E=pc.energy)
        return
    k = pc.support[0]
    off = sum(pc.mass_u[c.k] + pc.mass_v[c.k] for c in comps if c.k != k) + abs(pc.trivial_mass)
    evidence.error(off, family=g.name, what="mass outside the single component")


DISCONNECTED = claim(
    "thm2.local_maxima.disconnected",
    paper_ref="Thm 2",
    printed=r"\text{These local maxima are not connected.}",
    assumptions=["read as: maxima in different irreps lie in different connected components of the set of maxima"],
    title="Maxima of different irreps are disconnected",
    notes="Within one irrep the maxima form a connected manifold when the irrep is complex or has d_k >= 2: "
          "[u; Pu] and [u; -Pu] are joined by a path of maxima (detail 'sign_path'); only for 1-dim real irreps "
          "are the maxima isolated points.",
)


@check(DISCONNECTED, "numeric")
def test_maxima_of_different_irreps_are_separated(evidence, li2_profile):
    evidence.describe("pairwise distance between converged maxima of different components (≥ √2: supports are "
                      "orthogonal unit vectors, so the sets of maxima of different irreps are disjoint compact sets); "
                      "and within a component, whether [u;Pu] and [u;−Pu] are joined by a path of maxima "
                      "v(θ) = cos θ·u + sin θ·u' (E constant along it)")
    evidence.tolerance(1e-6, "distance and energy along the path, float64 after ascent to gradient 1e-7·E")
    rng = np.random.default_rng(12)
    joined = {}
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        res = many_start_ascent(g.name, starts_per_group(li2_profile, g.order), 0)
        labels = [L.classify(res.W[:, j], g, dec, comps).support[0] for j in range(res.W.shape[1])]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                if labels[i] != labels[j]:
                    dist = np.linalg.norm(res.W[:, i] - res.W[:, j])
                    evidence.error(max(0.0, np.sqrt(2) - dist), family=family_label(fam, g), what="distance between irreps")
        for comp in comps:
            w = L.claimed_maximizer(g, dec, comp.k, rng)
            u, _ = L.split_uv(w, g)
            w2 = L.claimed_maximizer(g, dec, comp.k, rng, v_factor="other")
            # v' in the maximizer set orthogonal to u with the same right factor: use Gram-Schmidt on the 'other' v
            u0, v0 = L.split_uv(w2, g)
            vp = v0 - (v0 @ u0) / (u0 @ u0) * u0
            if np.linalg.norm(vp) < 1e-8 or comp.degree == 1 and comp.fs == 1:
                joined[comp.kind + f" d={comp.degree}"] = False
                continue
            vp *= np.linalg.norm(u0) / np.linalg.norm(vp)
            Es = [L.group_energy(L.join_uv(u0, np.cos(t) * u0 + np.sin(t) * vp, g), g, SQ)
                  for t in np.linspace(0, np.pi, 13)]
            evidence.close(np.array(Es), np.full(13, Es[0]), family=family_label(fam, g, comp), what="E along the sign path")
            joined[comp.kind + f" d={comp.degree}"] = True
    evidence.detail("sign_path_[u;Pu]_to_[u;-Pu]_through_maxima", joined)
