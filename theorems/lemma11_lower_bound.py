"""Lemma 11 (App. H.1.2): the lower bound ‖ỸỸᵀF̃‖_F ≥ σ_min(F̃)‖ỸỸᵀ‖_F.

Claims:
- ``lemma11.lower_bound`` — false under its printed hypothesis (full column rank) when K < n; true under (A2).
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from li2verify.groups.strategies import real_matrices
from li2verify.paper.lazy import (
    frob,
    signal_term,
)
from li2verify.paper.task import center
from li2verify.verify.claims import check, claim
from li2verify.experiments.lazy_flow import group_instance

LEMMA11 = claim(
    "lemma11.lower_bound",
    title="Lemma 11: ‖ỸỸᵀF̃‖_F ≥ σ_min(F̃)‖ỸỸᵀ‖_F (under App. H's standing (A1)–(A2))",
    paper_ref="Lemma 11; App. H.1.2 (App. H: 'We assume throughout that (A1) ... (A2)')",
    printed=r"Let $\tilde{F}$ have full column rank and $\tilde{Y}$ be nonzero. Then "
            r"$\|\tilde{Y}\tilde{Y}^\top\tilde{F}\|_F \geq \sigma_{\min}(\tilde{F})\|\tilde{Y}\tilde{Y}^\top\|_F > 0$",
    assumptions=["(A1) F̃ full column rank (stated in the lemma)",
                 "(A2) col(Ỹ) ⊆ col(F̃): App. H assumes (A1)–(A2) 'throughout', so it is in force for Lemma 11"],
    depends_on=[],
    notes="Audit (status changed erratum → verified): App. H opens with 'We assume throughout that (A1) ... and "
          "(A2)', so the lemma is read under (A2); there it holds (rows of ỸỸᵀ lie in col(F̃), where "
          "‖F̃ᵀx‖ ≥ σ_min‖x‖). The lemma's own hypothesis list repeats only (A1), and its proof step 'F̃F̃ᵀ has "
          "eigenvalues bounded below by σ_min²' is wrong when K < n (F̃F̃ᵀ then has n − K zero eigenvalues): "
          "without (A2) the bound fails (Ỹ ⊥ col(F̃) gives ỸỸᵀF̃ = 0; generic Ỹ can also violate it), recorded "
          "as a detail by test_lemma11_needs_a2. Proof gap, not a false statement under the paper's hypotheses.",
)


@check(LEMMA11, "numeric")
def test_lemma11_needs_a2(evidence):
    evidence.describe("Scope of the standing hypothesis (A2): F̃ with full column rank K = 3 < n = 8 (centered) and "
                      "Ỹ centered, orthogonal to col(F̃) (violates (A2)): ‖ỸỸᵀF̃‖ = 0 < σ_min(F̃)‖ỸỸᵀ‖, so (A2) "
                      "cannot be dropped from Lemma 11 (the lemma is checked under (A1)–(A2) by "
                      "test_lemma11_holds_under_a1_a2)")
    evidence.tolerance(1e-12, "‖ỸỸᵀF̃‖ of an exactly orthogonal pair: float64 rounding of 8×8 products")
    rng = np.random.default_rng(5)
    Ft = center(rng.normal(size=(8, 3)))
    Q = np.linalg.qr(np.hstack([np.ones((8, 1)), Ft]))[0]
    Yt = center(rng.normal(size=(8, 2)))
    Yt = Yt - Q @ (Q.T @ Yt)
    lhs = frob(Yt @ Yt.T @ Ft)
    rhs = np.linalg.svd(Ft, compute_uv=False).min() * frob(Yt @ Yt.T)
    evidence.error(lhs / rhs, family="n=8,K=3,(A2) violated", what="‖ỸỸᵀF̃‖/(σ_min‖ỸỸᵀ‖) = 0 without (A2)")
    evidence.detail("without_A2_lhs_rhs", {"lhs": lhs, "rhs": rhs})
    Ft, Yt, _ = group_instance("Z5", 3, K=6)
    lhs = frob(signal_term(Ft, Yt))
    rhs = np.linalg.svd(Ft, compute_uv=False).min() * frob(Yt @ Yt.T)
    evidence.detail("Z5_K6_without_A2_lhs_over_rhs", lhs / rhs)


@check(LEMMA11, "property")
@given(n=st.integers(3, 12), K=st.integers(1, 11), M=st.integers(1, 4), data=st.data())
def test_lemma11_holds_under_a1_a2(evidence, n, K, M, data):
    evidence.describe("Hypothesis-drawn centered F̃ (n×K, K ≤ n − 1, entries in [−3, 3]; instances without a float64-certified full column "
                      "rank (cond > 1e4), i.e. outside (A1), are discarded) and realizable Ỹ = F̃V (A2), V drawn: "
                      "‖ỸỸᵀF̃‖_F ≥ σ_min(F̃)‖ỸỸᵀ‖_F")
    K = min(K, n - 1)
    Ft = center(data.draw(real_matrices((n, K)), label="F"))
    Yt = Ft @ data.draw(real_matrices((K, M)), label="V")
    s = np.linalg.svd(Ft, compute_uv=False)
    assume(s.min() > 1e-4 * max(s.max(), 1e-300) and s.max() > 1e-6)  # (A1), certified in float64 (cond ≤ 1e4)
    lhs, rhs = frob(signal_term(Ft, Yt)), s.min() * frob(Yt @ Yt.T)
    evidence.holds(lhs >= rhs * (1 - 1e-10), f"{lhs:.6g} ≥ {rhs:.6g}", family=f"n={n},K={K}")
