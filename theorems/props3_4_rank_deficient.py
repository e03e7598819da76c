"""Propositions 3–4 outside assumption (A1) (App. H.2): what happens when K > n.

Claims:
- ``props3_4.rank_deficient.k_gt_n`` — the behaviour of G_F̃ when (A1) fails (K > n).
"""

from __future__ import annotations

import numpy as np

from li2verify.paper.lazy import (
    LazyFlow,
    decay_rate,
    eqn4,
    frob,
)
from li2verify.paper.task import group_task
from li2verify.verify.claims import check, claim
from li2verify.experiments.lazy_flow import FAMILIES, group_instance

RANKDEF = claim(
    "props3_4.rank_deficient.k_gt_n",
    title="When (A1) fails (K > n): Props 3–4 hold with σ_min replaced by the smallest nonzero singular value",
    paper_ref="App. H.2 (Props 3–4 without (A1))",
    printed=r"(A1) $\tilde{F}$ has full column rank $K$ ... $\|G_{\tilde{F}}(t)\|_F \leq C_0 e^{-\sigma_{\min}"
            r"(\tilde{F})^2 t}$ ... $\|G_{\tilde{F}}(t) - G_{\tilde{F}}^*\|_F \leq C_1 e^{-\lambda_{\min}(A)t}$",
    assumptions=["K > n (random features on group data), (A2) holds since rank F̃ = n − 1"],
    depends_on=["prop3.eta0.exponential_decay", "prop4.eta_pos.convergence"],
    notes="For K > n, σ_min(F̃) = 0 and A = F̃ᵀF̃ is singular at η = 0: V* = A⁻¹B does not exist, V(∞) = "
          "F̃⁺Ỹ + Π_null(F̃)V0 depends on V0, and the printed bound e^{0} is vacuous; G still decays to 0 at the "
          "rate σ⁺_min(F̃)². For η > 0, λ_min(A) = η exactly: G converges to Eqn 4 at rate η (the null-space "
          "part of V decays only through weight decay), i.e. on a time scale 1/η.",
)


@check(RANKDEF, "numeric")
def test_rank_deficient_behaviour(evidence, li2_profile):
    evidence.describe("K = 2n random features (A1 fails): η = 0 — G → 0 at fitted rate σ⁺_min² while σ_min = 0, "
                      "V(∞) depends on V0; η > 0 — λ_min(A) = η, G → Eqn 4 at fitted rate η")
    evidence.tolerance(0.03, "relative rate error (next-mode contamination ≤ e^{−6})")
    for fam in ("Z5", "D6"):
        task = group_task(FAMILIES[fam]())
        Ft, Yt, Z = group_instance(fam, 90, K=2 * task.n, act="relu")
        s2 = np.linalg.svd(Ft, compute_uv=False) ** 2
        s2 = np.sort(s2[s2 > 1e-9 * s2.max()])
        fl = LazyFlow(Ft, Yt, 0.3 * Z, 0.0)
        evidence.holds(fl.lambda_min < 1e-9 * s2.max(), "λ_min(A) = 0 at η = 0", family=fam)
        gap = min(s2[1] - s2[0], s2[0])
        ts = np.linspace(6 / gap, 6 / gap + 10 / s2[0], 10)
        rf = decay_rate(ts, [frob(fl.G(t)) for t in ts])
        evidence.error(abs(rf.rate - s2[0]) / s2[0], family=fam, what="η=0 rate vs σ⁺_min²")
        T = 60 / s2[0]
        V_a, V_b = fl.V(T), LazyFlow(Ft, Yt, -0.3 * Z, 0.0).V(T)
        evidence.holds(frob(V_a - V_b) > 1e-3, "V(∞) depends on V0", family=fam)
        Vplus = np.linalg.pinv(Ft) @ Yt
        Pnull = np.eye(Ft.shape[1]) - np.linalg.pinv(Ft) @ Ft
        evidence.holds(frob(V_a - (Vplus + Pnull @ (0.3 * Z))) < 1e-8 * frob(V_a), "V(∞) = F̃⁺Ỹ + Π_null V0",
                       family=fam)
        eta = 0.05
        fl = LazyFlow(Ft, Yt, 0.3 * Z, eta)
        evidence.error(abs(fl.lambda_min - eta) / eta, family=fam, what="λ_min(A) = η")
        G4 = eqn4(Ft, Yt, eta)
        gap = min(s2[0] + eta - eta, eta)
        ts = np.linspace(6 / gap, 6 / gap + 10 / eta, 10)
        rf2 = decay_rate(ts, [frob(fl.G(t) - G4) for t in ts])
        evidence.error(abs(rf2.rate - eta) / eta, family=fam, what="η>0 rate vs η")
    evidence.detail("eta0_rate_fit", rf.summary(float(s2[0])))
    evidence.detail("eta_pos_rate_fit", rf2.summary(eta))
