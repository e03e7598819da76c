"""Theorem 7 (Sec 5.2; App. G.2): top-down modulation — the gradient and the modified energy.

With a subset S of irreps learned by the hidden layer (σ = x²), the residual of the ridge top layer is carried
by the missing irreps (``thm7_residual``), the backpropagated gradient is modulated accordingly, and the modified
energy E_S has local maxima only on the missing irreps.  The proof's projector identities are in
``thm7_proof_projectors``; shared helpers in ``li2verify/experiments/modulation.py``.

Claims, each followed by its checks:
- ``thm7.modulation.gradient`` — G_F ∝ (Φ_S ⊗ 1_M)(Φ_S ⊗ 1_M)*F.
- ``thm7.modulation.energy_form`` — E_S = ½‖Φ_S*z‖² = (M/2)Σ_{k≠0,k∉S}(1/d_k)|Σ_r tr Ŝ_{k,r}|².
- ``thm7.modulation.maxima_on_missing`` — E_S only has local maxima on the missing irreps k ∉ S.

Ŷ_S is computed from an actual σ = x² hidden layer whose nodes lie in the isotypic subspaces of S (least-squares
top layer, η = 0), never from the formulas under test.  S is closed under conjugation (real networks).
Not symbolic, with the reason (also recorded as a detail of the property checks): ``gradient`` and ``energy_form``
are the residual kernel pushed through the chain rule (their exact content is the residual identity, checked
symbolically in ``thm7_residual``; the rest is float64 autograd-level algebra checked numerically), and
``maxima_on_missing`` is a statement about all local maxima of a degree-4 polynomial on a sphere in ℝ^{2M}, whose
critical set cannot be enumerated exactly beyond toy sizes.
"""

from __future__ import annotations


import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.groups.strategies import unit_vectors
from li2verify.paper.modulation import (
    ascend_modulated,
    centered_targets,
    component_masses,
    conjugation_closure,
    missing_irreps,
    modulated_energy_and_gradient,
    phi_S,
    printed_energy_S,
    residual_kernel,
    targets,
    trace_form_energy_S,
)
from li2verify.experiments.instances import modulation_instances
from li2verify.experiments.modulation import (abelian_missing, component_indices, group_and_learned, random_learned_subset,
                                              residual_instances)


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


@check(GRADIENT, "numeric")
def test_gradient_as_printed(evidence, li2_profile):
    evidence.describe("G_F = (Ỹ − Ŷ_S)ỸᵀF for random new-node features F = σ(XW) vs (Φ_S⊗1)(Φ_S⊗1)*F: cosine "
                      "similarity of the flattened matrices (1 iff proportional with a positive constant); "
                      "counterexample when it differs from 1")
    evidence.tolerance(1e-9, "1 − cosine of two float64 matrices built from an η = 0 least-squares fit (cond ≲ 1e4): "
                             "≲ 1e-12 when proportional")
    worst = 1.0
    for fam, G, dec, S, seed, net, rng in residual_instances(li2_profile):
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
    for fam, G, dec, S, seed, net, rng in residual_instances(li2_profile):
        M = G.order
        W = rng.standard_normal((2 * M, 4))
        F = (W[:M, None, :] + W[None, M:, :]).reshape(M * M, -1) ** 2
        Yt = centered_targets(G)
        lhs = (Yt - net.Y_hat) @ (Yt.T @ F)
        Psi = np.concatenate([dec.isotypic_basis(k) for k in missing_irreps(dec, S)], axis=1)
        t = targets(G)
        rhs = np.real(Psi @ Psi.conj().T)[np.ix_(t, t)] @ F
        evidence.close(lhs, rhs, family=fam, seed=seed, what="G_F vs (Ψ⊗1)(Ψ⊗1)*F")


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


@check(ENERGY, "numeric")
def test_energy_form_as_printed(evidence, li2_profile):
    evidence.describe("At random w: ½‖Φ_S*z‖² vs its printed trace form ½Σ(M/d_k)|⟨Π_k,S⟩|² (must agree: same "
                      "expression) and vs ½zᵀK_Sz, the energy whose gradient is the modulated G_F (finite-difference "
                      "check of ∇(½zᵀK_Sz) = XᵀD(K_S⊗11ᵀ)σ(Xw)); counterexample when printed ≠ modulated energy")
    evidence.tolerance(1e-6, "internal identities: float64 (1e-10); finite-difference gradient of a quartic with "
                             "h = 1e-5: O(h²) ≲ 1e-6 relative")
    for fam, G, dec, S, seed, net, rng in residual_instances(li2_profile):
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
    for fam, G, dec, S, seed, net, rng in residual_instances(li2_profile):
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
        if abelian_missing(dec, S):
            evidence.close(Ep / sc, Em / sc, rel=False, family=fam, seed=seed,
                           what="equal when missing irreps are 1-dim (relative to ½‖z‖²)")
    evidence.detail("printed_over_modulated_range", [min(ratios), max(ratios)])


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
    for inst in modulation_instances(li2_profile):
        fam, G, dec = inst.family, inst.group, inst.decomposition
        M = G.order
        comps = component_indices(dec)
        big = [c for c in comps if dec.irreps[c].degree > 1]
        choices = [("random", seed) for seed in range(li2_profile.pick(fast=1, thorough=3))]
        if big and len(big) < len(comps):  # the hard case: every irrep of degree > 1 missing, the 1-dim ones learned
            choices.append(("all d_k>1 missing", 0))
        for how, seed in choices:
            rng = np.random.default_rng(500 + seed + (1000 if how != "random" else 0))
            S = random_learned_subset(dec, rng) if how == "random" else conjugation_closure(dec, [c for c in comps if c not in big])
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
            summary.append({"group": fam, "choice": how, "S": sorted(S), "missing_components": sorted(set(component_indices(dec)) - Scomps),
                            "reached": sorted(reached), "unconverged_starts": unconv, "starts": starts,
                            "corrected_energy_max_mass_on_S": max(corr_on_S) if corr_on_S else None,
                            "corrected_energy_unconverged": int(np.sum(~res_c.converged))})
    evidence.detail("runs", summary)


@st.composite
def _maxima_instances(draw):
    G, dec, S = draw(group_and_learned(max_order=12))
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
