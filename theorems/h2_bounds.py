"""(H2) (App. H.2, Eqns 57–58): the exponential bounds on ΔV(t) and E − E* used by Propositions 3–4.

Claims:
- ``h2.bounds.eqn57_58`` — ‖ΔV(t)‖ ≤ e^{−λ_min t}‖ΔV(0)‖, ‖E − E*‖ ≤ ‖F̃‖₂e^{−λ_min t}‖ΔV(0)‖, λ_min(A) bounds.
"""

from __future__ import annotations

import numpy as np

from li2verify.paper.lazy import (
    LazyFlow,
    frob,
)
from li2verify.verify.claims import check, claim
from theorems._lazy_flow import FAMILIES, _group_instance

H2_BOUNDS = claim(
    "h2.bounds.eqn57_58",
    title="‖ΔV(t)‖ ≤ e^{−λ_min t}‖ΔV(0)‖ and ‖E(t) − E*‖ ≤ ‖F̃‖₂e^{−λ_min t}‖ΔV(0)‖ (Eqns 57–58)",
    paper_ref="App. H.2.1, Eqns 57–58",
    printed=r"$\lambda_{\min}(A) \geq \sigma_{\min}(\tilde{F})^2$ for $\eta = 0$ and $\lambda_{\min}(A) \geq "
            r"\sigma_{\min}(\tilde{F})^2 + \eta$ for $\eta > 0$ ... $\|\Delta V(t)\|_F \leq e^{-\lambda_{\min}(A)t} "
            r"\|\Delta V(0)\|_F$ (57) ... $\|E(t) - E^*\|_F \leq \|\tilde{F}\|_2 e^{-\lambda_{\min}(A)t} "
            r"\|\Delta V(0)\|_F$ (58)",
    assumptions=["(A1)"],
    depends_on=["prop1.flow.closed_form"],
)


@check(H2_BOUNDS, "numeric")
def test_eqns57_58(evidence, li2_profile):
    evidence.describe("‖ΔV(t)‖ and ‖E(t) − E*‖ from the exact flow vs the bounds of Eqns 57–58; λ_min(A) vs "
                      "σ_min(F̃)² + η (equality under (A1))")
    evidence.tolerance(1e-10, "relative float64 rounding of the spectral form")
    for fam in FAMILIES:
        for seed in range(li2_profile.pick(fast=2, thorough=8)):
            for eta in (0.0, 0.3):
                Ft, Yt, Z = _group_instance(fam, 40 + seed, K=8)
                fl = LazyFlow(Ft, Yt, 0.1 * Z, eta)
                smin2 = np.linalg.svd(Ft, compute_uv=False).min() ** 2
                evidence.error(abs(fl.lambda_min - (smin2 + eta)) / (smin2 + eta), family=fam, seed=seed,
                               what="λ_min(A) = σ_min² + η")
                dV0 = fl.V0 - fl.V_star
                Es = Yt - Ft @ fl.V_star
                for t in (0.1, 1.0, 5.0):
                    dV = fl.V(t) - fl.V_star
                    evidence.holds(frob(dV) <= np.exp(-fl.lambda_min * t) * frob(dV0) * (1 + 1e-9), "Eqn 57",
                                   family=fam, seed=seed)
                    evidence.holds(frob(fl.E(t) - Es) <= np.linalg.norm(Ft, 2) * np.exp(-fl.lambda_min * t)
                                   * frob(dV0) * (1 + 1e-9), "Eqn 58", family=fam, seed=seed)
