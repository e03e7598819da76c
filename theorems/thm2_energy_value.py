"""Theorem 2 (local maxima of E for group input, σ = x²): the energy value at the local maxima.

Claims:
- ``thm2.local_maxima.energy_value`` — numeric (constructed maximizers and many-start ascent on every stage-2
  group), symbolic (exact rational gradient, Riemannian Hessian and inertia on Z3, Z4, S3: E* = M/(2d), M/(4d)
  derived vs the printed M/(8d), M/(16d)) and property (Hypothesis over groups of every family, components and
  maximizer parameters).

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
    exact_maximizers,
    exact_state,
    given_groups,
    starts_per_group,
)

ENERGY = claim(
    "thm2.local_maxima.energy_value",
    paper_ref="Thm 2; Sec 4.3 and App. F.1",
    printed=r"\text{Either it is in a real irrep of dimension } d_k \text{ (with } \mathcal{E}^* = M/8d_k \text{ and } "
            r"\mathbf{u} \in \mathcal{H}_k\text{), or in a pair of complex irrep of dimension } d_k \text{ (with } "
            r"\mathcal{E}^* = M/16d_k \text{ and } \mathbf{u} \in \mathcal{H}_k \oplus \mathcal{H}_{\bar{k}}\text{)}",
    verified=r"\mathcal{E}^* = \frac{M}{2d_k} \text{ (real irrep)},\quad \frac{M}{4d_k} \text{ (complex pair)},\quad "
             r"\frac{M}{4d_k} \text{ (quaternionic irrep, not covered by the printed case split)}",
    assumptions=["sigma = x^2", "||w|| = 1", "all M^2 pairs"],
    depends_on=["thm2.proof.eqn20_21"],
    title="Energy of the local maxima per Frobenius-Schur type",
)


@check(ENERGY, "numeric")
def test_printed_energy_constants(evidence):
    evidence.describe("E at the constructed maximizers [u; Pu] (u = Re(α*C_k(g)β)/norm, ‖u‖²=½) of every real isotypic "
                      "component of every group vs the printed E* = M/(8d_k) (real), M/(16d_k) (complex pair); "
                      "quaternionic irreps have no printed value")
    evidence.tolerance(1e-10, "float64 rounding of the energy, relative")
    rng = np.random.default_rng(8)
    ratios = {}
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        for comp in L.real_components(dec):
            w = L.claimed_maximizer(g, dec, comp.k, rng)
            E = L.group_energy(w, g, SQ)
            pr = L.printed_max_energy(g.order, comp.degree, comp.fs)
            key = comp.kind
            if pr is None:
                if "quaternionic" not in ratios:
                    # no printed value to measure against: the printed case split names real and complex irreps only
                    evidence.detail("scope note (quaternionic)",
                                    f"{g.name} {comp.label}: E = {E:.6g} = {E / (g.order / (4 * comp.degree)):.6g}·M/(4d); the "
                                    "printed case split (real / complex pair) gives no E* for a quaternionic irrep, so "
                                    "this is recorded, not counted as a counterexample")
                    evidence.instance(family_label(fam, g, comp))
                ratios.setdefault("quaternionic", E / (g.order / (4 * comp.degree)))
                continue
            if abs(E - pr) > evidence.tol * E:
                if key not in ratios:
                    # measured: E at the constructed maximizer; printed: M/(8d_k) (real) or M/(16d_k) (complex pair)
                    evidence.counterexample(f"E* ≠ printed value ({comp.kind} irrep)", measured=E, printed=pr, rel=True,
                                            group=g.name, component=comp.label, M=g.order, ratio=E / pr)
                ratios[key] = E / pr
            else:
                evidence.error(0.0, family=family_label(fam, g, comp), what="printed E*")
    evidence.detail("computed_over_printed", ratios)


def _energy_plot(evidence, points, names):

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6))
    colors = {1: "tab:blue", 0: "tab:orange", -1: "tab:green"}
    labels = {1: "real irrep", 0: "complex pair", -1: "quaternionic"}
    rng = np.random.default_rng(0)
    for fs in (1, 0, -1):
        pts = [(x + 0.25 * rng.uniform(-1, 1), y) for x, y, f in points if f == fs]
        if pts:
            ax.scatter(*zip(*pts), s=10, color=colors[fs], label=labels[fs])
    for y, st, lab in ((1 / 2, "-", "corrected real 1/2"), (1 / 4, "-", "corrected complex/quat. 1/4"),
                       (1 / 8, ":", "printed real 1/8"), (1 / 16, ":", "printed complex 1/16")):
        ax.axhline(y, ls=st, color="gray", lw=0.8)
        ax.text(len(names) - 0.5, y, lab, fontsize=7, va="bottom", ha="right")
    ax.set_xticks(range(len(names)), names, rotation=60, fontsize=7)
    ax.set_ylabel("E · d_k / M at converged maxima", fontsize=8)
    ax.set_xlabel("group (each point: one converged ascent)", fontsize=8)
    ax.set_title("Thm 2: energies of the local maxima vs the printed and the verified constants", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    evidence.plot(fig, "Energies of all converged ascent maxima, scaled by d_k/M, against the printed (dotted) and "
                       "verified (solid) constants of Thm 2")


@check(ENERGY, "numeric", target="corrected")
def test_corrected_energy_constants(evidence, li2_profile):
    evidence.describe("(1) constructed maximizers of every component: E = M/(2d) (real) or M/(4d) (complex pair, "
                      "quaternionic), Riemannian gradient 0, Riemannian Hessian ≤ 0; (2) every converged many-start "
                      "ascent point: E equals the corrected E* of the component it lies in")
    evidence.tolerance(1e-6, "ascent stops at Riemannian gradient ≤ 1e-7·E, energies converge quadratically "
                             "(error ~ gradient²/curvature); constructed points are exact to 1e-13")
    rng = np.random.default_rng(9)
    points, names = [], []
    for fam, g in GROUPS:
        dec = irrep_decomposition(g)
        comps = L.real_components(dec)
        for comp in comps:
            for sign in (1, -1):
                w = L.claimed_maximizer(g, dec, comp.k, rng, sign=sign)
                E, _ = check_is_local_max(evidence, g, w, family_label(fam, g, comp), "constructed maximizer")
                evidence.close(E, L.corrected_max_energy(g.order, comp.degree, comp.fs), family=family_label(fam, g, comp),
                               what="E* corrected")
        res = many_start_ascent(g.name, starts_per_group(li2_profile, g.order), 0)
        for j in range(res.W.shape[1]):
            pc = L.classify(res.W[:, j], g, dec, comps)
            if pc.single:
                comp = next(c for c in comps if c.k == pc.support[0])
                evidence.close(pc.energy, L.corrected_max_energy(g.order, comp.degree, comp.fs),
                               family=family_label(fam, g, comp), seed=j, what="ascent energy vs corrected E*")
                points.append((len(names), pc.energy * comp.degree / g.order, comp.fs))
        names.append(g.name)
    _energy_plot(evidence, points, names)


@check(ENERGY, "symbolic")
def test_energy_value_exact_small_groups(evidence):
    evidence.describe("exact (rational arithmetic) on Z3, Z4, S3: at the rational maximizer [u; ±Pu] of every irrep "
                      "(u a matrix coefficient), derived from the data of all M² pairs: exact critical point on the "
                      "sphere, no positive Riemannian-Hessian eigenvalue, and E*/‖w‖⁴ vs the printed M/(8d_k) (real), "
                      "M/(16d_k) (complex pair)")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for i, (g, label, d, fs, w, _) in exact_maximizers():
        E, r, (pos, zero, neg) = exact_state(i)
        evidence.holds(r == 0 and pos == 0, f"{label}: exact critical point, Hessian ≤ 0", family=label)
        # measured: exact E* at the maximizer; printed: M/(8d) (real) or M/(16d) (complex pair)
        evidence.counterexample(f"exact E* ≠ printed value ({label})", measured=E,
                                printed=sp.Rational(g.order, (8 if fs == 1 else 16) * d), family=label, group=g.name,
                                ratio=str(E / sp.Rational(g.order, (8 if fs == 1 else 16) * d)))


@check(ENERGY, "symbolic", target="corrected")
def test_energy_value_exact_small_groups_corrected(evidence):
    evidence.describe("exact on Z3, Z4, S3 (as the printed check): E*/‖w‖⁴ = M/(2d_k) (real), M/(4d_k) (complex pair) at "
                      "exact critical points with no positive Riemannian-Hessian eigenvalue")
    evidence.tolerance(0.0, "exact rational arithmetic")
    for i, (g, label, d, fs, w, _) in exact_maximizers():
        E, r, (pos, zero, neg) = exact_state(i)
        evidence.holds(r == 0 and pos == 0 and E == sp.Rational(g.order, (2 if fs == 1 else 4) * d),
                       f"{label}: E* = {E}", family=label)


@check(ENERGY, "property", target="corrected")
@given_groups(24)
def test_energy_value_property(evidence, g, data):
    evidence.describe("Hypothesis over groups of order ≤ 24 of every family (cyclic, products, dihedral, dicyclic, "
                      "catalog), the component and α, β, the sign of [u; ±Pu] (u = Re(α*C_kβ)): Riemannian gradient 0, "
                      "Hessian ≤ 0, E = M/(2d) (real) or M/(4d) (complex pair, quaternionic)")
    evidence.tolerance(1e-9, "float64 rounding of E, its gradient and Hessian over M² ≤ 576 samples, relative to E")
    dec, comps, comp, w = draw_maximizer(data, g, v_other=False)
    fam = family_label("", g, comp)
    E, _ = check_is_local_max(evidence, g, w, fam, "[u; ±Pu]")
    evidence.close(E, L.corrected_max_energy(g.order, comp.degree, comp.fs), family=fam, what="E* corrected")
