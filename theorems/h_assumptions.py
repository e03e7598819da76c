"""The assumptions (A1)–(A4) of App. H, checked jointly.

Claims:
- ``h.assumptions.a1_a4`` — (A1)–(A4): (A3)'s norm; (A1) ∧ (A2) under (A4) generically forces K = n − 1.
"""

from __future__ import annotations

import numpy as np

from li2verify.paper.lazy import (
    frob,
)
from li2verify.paper.task import group_task
from li2verify.verify.claims import check, claim
from li2verify.experiments.lazy_flow import FAMILIES, group_instance

ASSUMPTIONS = claim(
    "h.assumptions.a1_a4",
    title="Hypotheses (A1)–(A4): (A3) norm; (A1)∧(A2) with (A4) generically force K = n − 1",
    paper_ref="App. H, (A1)–(A4)",
    printed=r"(A1) $\tilde{F}$ has full column rank $K$, and (A2) $\text{col}(\tilde{Y}) \subseteq \text{col}(\tilde{F})$ "
            r"... (A3) Small and independent random initialization on entries of $V(0)$, with mean zero and variance "
            r"$\alpha^2$, where $0 < \alpha \ll 1$, and thus $\|V(0)\|_F = O(\alpha\sqrt{KM})$ with high probability. "
            r"(A4) Zero-mean centering: $\mathbf{1}^\top \tilde{F} = 0$ and $\mathbf{1}^\top \tilde{Y} = 0$.",
    notes="With (A4), rank F̃ ≤ n − 1, so (A1) needs K ≤ n − 1; for random features col(Ỹ) ⊆ col(F̃) (A2) holds "
          "only when col(F̃) = 1⊥, i.e. rank n − 1. Hence (A1) ∧ (A2) ∧ (A4) hold together (generically) only at "
          "K = n − 1 — while Lemma 1 needs K ≫ n. Props 2–4 remain meaningful without (A4) (Ỹ = F̃V_true).",
)


@check(ASSUMPTIONS, "numeric")
def test_assumptions_joint(evidence, li2_profile):
    evidence.describe("Random features on group data (A4 by centering): (A1) rank F̃ = K, (A2) ‖(I − Π_F̃)Ỹ‖ = 0, "
                      "for K < n − 1, K = n − 1, K > n − 1; (A3) ‖V0‖_F/(α√(KM)) within 5/√(KM) of 1")
    evidence.tolerance(0.0, "rank decisions with threshold 1e-9·σ_max; (A3) with a 5σ concentration band")
    table = {}
    for fam in FAMILIES:
        task = group_task(FAMILIES[fam]())
        n = task.n
        for K in (n // 2, n - 1, 2 * n):
            Ft, Yt, Z = group_instance(fam, 80, K=K)
            s = np.linalg.svd(Ft, compute_uv=False)
            rank = int(np.sum(s > 1e-9 * s.max()))
            U = np.linalg.svd(Ft, full_matrices=False)[0][:, :rank]
            resid = frob(Yt - U @ (U.T @ Yt)) / frob(Yt)
            a1, a2 = rank == K, resid < 1e-8
            table[f"{fam},K={K}"] = {"A1": a1, "A2": a2, "rank": rank, "n": n}
            evidence.holds(a1 == (K <= n - 1), "(A1) iff K ≤ n − 1", family=fam)
            evidence.holds(a2 == (rank == n - 1), "(A2) iff rank = n − 1", family=fam)
            evidence.holds((a1 and a2) == (K == n - 1), "(A1)∧(A2) iff K = n − 1", family=fam)
            KM = Z.size
            evidence.holds(abs(frob(Z) / np.sqrt(KM) - 1) <= 5 / np.sqrt(KM), "(A3) ‖V0‖ ≈ α√(KM)", family=fam)
    evidence.detail("assumption_table", table)
