"""Fig 8 (App. J.1): the generalization boundary for product groups (left: the groups of its caption) and for
non-Abelian groups with max d_k = 2 (right: one per order, the paper's selection from GAP, here the shipped catalog's
``li2verify groups list --fig5``) — the claims ``fig8.scaling.products`` and ``fig8.scaling.nonabelian``.

Same grid, boundary, fit and decisions as ``fig5_scaling_law`` (``li2verify.experiments.sweeps``: one sweep per
pytest process).
"""

from __future__ import annotations

from li2verify.verify.claims import check, claim
from li2verify.experiments.scaling import decide_family
from li2verify.experiments.sweeps import FIG8_PRODUCTS, RULE as _RULE, scale_note

_PRINTED = r"Generalization/memorization phase transition in modular addition tasks (cont.). "

PRODUCTS = claim(
    "fig8.scaling.products",
    title="Fig 8 left: product groups follow the boundary profile of Fig 5 (p_c decreases with M, like M⁻¹ log M)",
    paper_ref="Fig 8 (left) caption, App. J.1; Fig 5 caption",
    printed=_PRINTED + r"\textbf{Left:} Product group $\mathbb{Z}_4 \otimes \mathbb{Z}_7, \mathbb{Z}_5 \otimes "
            r"\mathbb{Z}_6, \mathbb{Z}_2 \otimes \mathbb{Z}_2 \otimes \mathbb{Z}_9, \mathbb{Z}_{13} \otimes "
            r"\mathbb{Z}_{11}, \mathbb{Z}_5 \otimes \mathbb{Z}_2 \otimes \mathbb{Z}_2 \otimes \mathbb{Z}_2, "
            r"\mathbb{Z}_6 \otimes \mathbb{Z}_4 \otimes \mathbb{Z}_2, \mathbb{Z}_3 \otimes \mathbb{Z}_2 \otimes "
            r"\mathbb{Z}_{17}, \mathbb{Z}_2 \otimes \mathbb{Z}_3 \otimes \mathbb{Z}_3 \otimes \mathbb{Z}_5$. "
            r"[Fig 5:] When $M$ grows, the training data ratio $p = n/M^2$ required to achieve generalization "
            r"decreases. This coincides with Thm. 4 which predicts $p \sim M^{-1} \log M$.",
    assumptions=[f"the caption's groups that fit the profile: fast none (the smallest, Z4×Z7, has M = 28; the "
                 f"fast profile stops at M = 23), thorough 4x7, 5x6, 2x2x9, 5x2x2x2, 6x4x2 (M = 28-48), paper all "
                 f"eight ({', '.join(FIG8_PRODUCTS)})", scale_note(), _RULE],
)

NONAB = claim(
    "fig8.scaling.nonabelian",
    title="Fig 8 right: non-Abelian groups with max d_k = 2 follow the boundary profile of Fig 5",
    paper_ref="Fig 8 (right) caption, App. J.1-J.2; Fig 5 caption",
    printed=_PRINTED + r"\textbf{Right:} Non-Abelian groups with $\max_k d_k = 2$ (maximal irreducible dimension 2). "
            r"These non-Abelian groups are generated from GAP programs (See Appendix Sec. J.2). [Fig 5:] When $M$ "
            r"grows, the training data ratio $p = n/M^2$ required to achieve generalization decreases. This "
            r"coincides with Thm. 4 which predicts $p \sim M^{-1} \log M$.",
    assumptions=["the shipped catalog's Fig 5 selection (one max-d_k = 2 group per order; `li2verify groups list "
                 "--fig5`) at the orders of the profile — the dihedral groups D10, D14, D22 (fast), SmallGroup(12,1)-"
                 "SmallGroup(48,1) (thorough: orders 12, 16, 20, 24, 28, 32, 36, 40, 48), p ∈ {0.3, …, 0.9} (fast), "
                 "0.1-0.9 (thorough)", scale_note(), _RULE],
)


@check(PRODUCTS, "empirical")
def test_products_boundary_decreases_with_m(evidence, li2_profile, li2_device):
    evidence.describe("Trained networks on the caption's product groups: p_c(M), n_c ∝ M^a; decreasing ⇔ a < 2")
    decide_family(evidence, li2_profile.name, "product", "decreases", li2_device)


@check(PRODUCTS, "empirical")
def test_products_boundary_follows_m_log_m(evidence, li2_profile, li2_device):
    evidence.describe("The same fit against the exponent of M log M over the measured M")
    decide_family(evidence, li2_profile.name, "product", "m_log_m", li2_device)


@check(NONAB, "empirical")
def test_nonabelian_boundary_decreases_with_m(evidence, li2_profile, li2_device):
    evidence.describe("Trained networks on non-Abelian groups with max d_k = 2: p_c(M), n_c ∝ M^a; decreasing ⇔ "
                      "a < 2")
    decide_family(evidence, li2_profile.name, "non-Abelian", "decreases", li2_device)


@check(NONAB, "empirical")
def test_nonabelian_boundary_follows_m_log_m(evidence, li2_profile, li2_device):
    evidence.describe("The same fit against the exponent of M log M over the measured M")
    decide_family(evidence, li2_profile.name, "non-Abelian", "m_log_m", li2_device)
