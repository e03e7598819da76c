"""Fig 8 (App. J.1): the generalization boundary for product groups (left: the groups of its caption) and for
non-Abelian groups with max d_k = 2 (right: one per order, the paper's selection from GAP, here the shipped catalog's
``li2verify groups list --fig5``) — the claims ``fig8.scaling.products`` and ``fig8.scaling.nonabelian``.

Same grid, boundary, fit and decisions as ``fig5_scaling_law`` (``li2verify.experiments.sweeps``: one sweep per
pytest process); under the fast and thorough profiles both claims decide, as Fig 5's do, from committed caption-scale
evidence records (``evidence/caption-products``, ``evidence/caption-nonabelian``;
``li2verify.experiments.records.decide_record_or_grid``).
"""

from __future__ import annotations

from li2verify.verify.claims import check, claim
from li2verify.experiments.records import RECORD_RULE, decide_record_or_grid
from li2verify.experiments.sweeps import FIG8_PRODUCTS, RULE as _RULE, scale_note

#: the committed caption-scale evidence records (each made by the packaged spec of the same name): the max-d_k = 2
#: groups, and the caption's product groups of order ≤ 48
NONAB_RECORD, PRODUCTS_RECORD = "caption-nonabelian", "caption-products"

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
    assumptions=["fast and thorough profiles (written 2026-12-07 before the record run): decided from the committed "
                 "evidence record evidence/caption-products (the packaged spec caption-products: the caption's product "
                 "groups of order ≤ 48 — 4x7, 5x6, 2x2x9, 5x2x2x2, 6x4x2, M = 28-48; 13x11, 3x2x17 and 2x3x3x5 are "
                 "M = 90-143 — at the caption's K = 2048, Adam lr 5e-4, η = 2e-4, σ = x², MSE, trained as the paper's "
                 "code trains (protocol code), 3000 epochs, seeds 0-4, the adaptive search of caption-composite "
                 "unchanged except the groups; all are Abelian, max d_k = 1); the M range of the verdict is the "
                 "record's", RECORD_RULE,
                 f"paper profile (GPU): the packaged spec paper, all eight ({', '.join(FIG8_PRODUCTS)})", scale_note(),
                 _RULE],
    notes="Until 2026-12-07 the fast profile had no product group (the smallest, Z4×Z7, has M = 28; its grid stops at "
          "M = 23) and the thorough profile fitted 4x7 … 6x4x2 on its CPU-scale grid (K 256, lr 5e-3, η 2e-3, 1000 "
          "epochs). The record's spec is caption-composite's with only the groups changed, fixed before its run. From "
          "the record (2026-12-07): 4 groups fitted (2x2x9 not converged at 6000 epochs), n_c ∝ M^1.13 [0.91, 1.34] "
          "at both horizons, M log M's 1.28 inside; M's 1.0 is inside too (ΔAIC 0.6), so over M = 28..48 the "
          "record is consistent with M log M without telling it from M.",
)

NONAB = claim(
    "fig8.scaling.nonabelian",
    title="Fig 8 right: non-Abelian groups with max d_k = 2 follow the boundary profile of Fig 5",
    paper_ref="Fig 8 (right) caption, App. J.1-J.2; Fig 5 caption",
    printed=_PRINTED + r"\textbf{Right:} Non-Abelian groups with $\max_k d_k = 2$ (maximal irreducible dimension 2). "
            r"These non-Abelian groups are generated from GAP programs (See Appendix Sec. J.2). [Fig 5:] When $M$ "
            r"grows, the training data ratio $p = n/M^2$ required to achieve generalization decreases. This "
            r"coincides with Thm. 4 which predicts $p \sim M^{-1} \log M$.",
    assumptions=["fast and thorough profiles: decided from the committed evidence record evidence/caption-nonabelian "
                 "(the packaged spec caption-nonabelian: the shipped catalog's Fig 5 selection of one max-d_k = 2 "
                 "group per order, `li2verify groups list --fig5`, at the orders of the composite record up to 34 — "
                 "the dihedral groups D10, D14, D18, D22, D26, D34 — at the caption's K = 2048, Adam lr 5e-4, "
                 "η = 2e-4, σ = x², MSE, trained as the paper's code trains (protocol code), 3000 epochs, seeds 0-4, "
                 "the adaptive search of caption-composite unchanged, its horizon check repeated at 12000 epochs "
                 "(horizon_checks = 2, added 2026-12-07 before that run) so that the claim decides at 6000 epochs "
                 "with 12000 as its check; the code's critical-ratio correction max_dk/2 "
                 "is 1 here); the M range of the verdict is the record's", RECORD_RULE,
                 "paper profile (GPU): the packaged spec paper's max-d_k = 2 groups", scale_note(), _RULE],
    notes="Until 2026-12-07 the fast profile fitted its CPU-scale grid (D10, D14, D22; K 256, lr 5e-3, η 2e-3): "
          "n_c ∝ M^1.09 [0.92, 1.26], M log M's 1.37 outside, recorded as a scope note. The record's spec is "
          "caption-composite's with only the groups changed, fixed before its run. Its M log M verdict flipped "
          "between 3000 and 6000 epochs (inconclusive); on 2026-12-07 the horizon check was repeated at 12000 "
          "epochs (horizon_checks = 2, written before that run; 42 cells, 22 core-min). At 6000 epochs every group "
          "D10-D34 is converged against 12000, and n_c ∝ M^1.22 [1.13, 1.32] over M = 10..34 at both 6000 and 12000 "
          "epochs, M log M's 1.35 outside both (ΔAIC +4.0 against the free power law; M's 1.0 is further out, "
          "ΔAIC +17): refuted by the rule written before the record. The boundary is steeper than M and shallower "
          "than M log M over these orders; p_c·M/ln M falls from 2.84 (D10) to 2.43 (D34). The verdict rests on the "
          "largest group: without D34 (M = 10..26) the same fits give a = 1.238 [1.108, 1.370] at 6000 epochs and "
          "1.244 [1.114, 1.375] at 12000, and M log M's 1.363 over that range lies inside both; D34 is fitted "
          "because the rule fits every converged group.",
)


@check(PRODUCTS, "empirical")
def test_products_boundary_decreases_with_m(evidence, li2_profile, li2_device):
    evidence.describe("Trained networks on the caption's product groups at the caption's setting (the committed evidence "
                      "record, two of its cells re-trained): p_c(M), n_c ∝ M^a; decreasing ⇔ a < 2")
    decide_record_or_grid(evidence, li2_profile.name, "product", "decreases", PRODUCTS_RECORD, li2_device)


@check(PRODUCTS, "empirical")
def test_products_boundary_follows_m_log_m(evidence, li2_profile, li2_device):
    evidence.describe("The same fit against the exponent of M log M over the measured M")
    decide_record_or_grid(evidence, li2_profile.name, "product", "m_log_m", PRODUCTS_RECORD, li2_device)


@check(NONAB, "empirical")
def test_nonabelian_boundary_decreases_with_m(evidence, li2_profile, li2_device):
    evidence.describe("Trained networks on non-Abelian groups with max d_k = 2 at the caption's setting (the committed "
                      "evidence record, two of its cells re-trained): p_c(M), n_c ∝ M^a; decreasing ⇔ a < 2")
    decide_record_or_grid(evidence, li2_profile.name, "non-Abelian", "decreases", NONAB_RECORD, li2_device)


@check(NONAB, "empirical")
def test_nonabelian_boundary_follows_m_log_m(evidence, li2_profile, li2_device):
    evidence.describe("The same fit against the exponent of M log M over the measured M")
    decide_record_or_grid(evidence, li2_profile.name, "non-Abelian", "m_log_m", NONAB_RECORD, li2_device)
