"""Fig 5 (Sec 4.5): the generalization boundary of trained networks — the training fraction p = n/M² needed to
generalize decreases with M, like M⁻¹ log M (Thm 4) — for prime Z_M (left) and composite Z_M (right): the claims
``fig5.scaling.prime`` and ``fig5.scaling.composite``, each followed by its checks.

Under the fast and thorough profiles both claims decide from committed caption-scale evidence records
(``evidence/caption-prime``, ``evidence/caption-composite``: the caption's K, lr, η, the paper code's protocol, an
adaptive search of n per group and seed with a horizon check; two recorded cells re-trained per record:
``li2verify.experiments.records.decide_record_or_grid``); the paper profile fits its own grid of trained networks
(``li2verify.experiments.sweeps.grid_rows``, decided by ``li2verify.experiments.scaling.decide_family``). The
boundary p_c per group is the logistic fit of success against n with a bootstrap interval over seeds; the scaling fit
n_c = p_c·M² ∝ M^a and the comparison with M log M, M and M² over the same M is
``li2verify.sweep.boundary.fit_scaling``.
"""

from __future__ import annotations

from li2verify.verify.claims import check, claim
from li2verify.experiments.records import RECORD_RULE, decide_record_or_grid
from li2verify.experiments.sweeps import RULE as _RULE, scale_note

#: the committed caption-scale evidence record of prime Z_M (made by the packaged spec of the same name)
PRIME_RECORD = "caption-prime"
#: the same for composite Z_M at the orders of the paper's max-d_k = 2 groups
COMPOSITE_RECORD = "caption-composite"

_PRINTED = (r"Generalization/memorization phase transition in modular addition tasks. When $M$ grows, the training "
            r"data ratio $p = n/M^2$ required to achieve generalization decreases. This coincides with Thm. 4 which "
            r"predicts $p \sim M^{-1} \log M$ (dotted line). We use learning rate 0.0005, weight decay 0.0002 and "
            r"$K = 2048$. Results averaged over 20 seeds.")

PRIME = claim(
    "fig5.scaling.prime",
    title="Fig 5 left: the critical training fraction of prime Z_M decreases with M, like M⁻¹ log M",
    paper_ref="Fig 5 (left) caption; Sec 4.5 after Thm 4",
    printed=_PRINTED + r" \textbf{Left:} Simple cyclic group $\mathbb{Z}_M$ for prime $M$.",
    assumptions=["fast and thorough profiles: decided from the committed evidence record evidence/caption-prime "
                 "(the packaged spec caption-prime: prime M ∈ {11, 17, 23, 31, 41, 47, 53}, the caption's K = 2048, "
                 "Adam lr 5e-4, η = 2e-4, σ = x², MSE, trained as the paper's code trains (protocol code), 3000 "
                 "epochs, seeds 0-4, an adaptive search of n per group and seed, success = best test accuracy ≥ "
                 "0.9; its horizon check repeated at 12000 epochs — horizon_checks = 2, added 2026-12-07 before "
                 "that run — so that the claim decides at 6000 epochs with 12000 as its check); the M range of the "
                 "verdict is the record's", RECORD_RULE,
                 "paper profile (GPU): the packaged spec paper, prime M 23-127", scale_note(), _RULE],
    notes="Pilot before the rule (seeds 0-5, lr 5e-3, η 2e-3, K 256 / 128): boundary near p ≈ 0.7 at M = 11, 0.6 "
          "at 13, 0.55 at 17, 0.5 at 19, 0.35-0.4 at 23, 0.3 at 31. Until 2026-12-07 the fast and thorough profiles "
          "fitted their CPU-scale grids (K 256, lr 5e-3, η 2e-3) and recorded the M log M part as a scope note; "
          "they now decide from the caption-scale record, whose rule was written before its run (one probe cell "
          "was trained first: Z31 at p = 0.35, seed 0, reached 0.9 at epoch 1010). The record's M log M verdict "
          "flipped between 3000 epochs (a = 1.226 [1.156, 1.299], M log M's 1.317 outside) and 6000 (inside), so "
          "the claim was inconclusive; on 2026-12-07 the horizon check was repeated at 12000 epochs "
          "(horizon_checks = 2, written before that run; 35 cells, 40 core-min). No boundary moved between 6000 and "
          "12000 epochs (every n_lo still fails), so at 6000 epochs, checked at 12000, n_c ∝ M^1.262 [1.192, 1.334] "
          "over M = 11..53 with M log M's 1.317 inside (ΔAIC +1.3 against the free power law; M's 1.0 far outside, "
          "ΔAIC +52): verified.",
)

COMPOSITE = claim(
    "fig5.scaling.composite",
    title="Fig 5 right: the critical training fraction of composite Z_M decreases with M, like M⁻¹ log M",
    paper_ref="Fig 5 (right) caption; Sec 4.5 after Thm 4",
    printed=_PRINTED + r" \textbf{Right:} $\mathbb{Z}_M$ for composite $M$.",
    assumptions=["fast and thorough profiles: decided from the committed evidence record evidence/caption-composite "
                 "(the packaged spec caption-composite: composite M ∈ {10, 14, 18, 22, 26, 34, 38, 46}, the orders of "
                 "the paper's max-d_k = 2 groups, at the caption's K = 2048, Adam lr 5e-4, η = 2e-4, σ = x², MSE, "
                 "trained as the paper's code trains (protocol code), 3000 epochs, seeds 0-4, the adaptive search of "
                 "caption-prime unchanged, success = best test accuracy ≥ 0.9); the M range of the verdict is the "
                 "record's", RECORD_RULE,
                 "paper profile (GPU): the packaged spec paper's composite orders", scale_note(), _RULE],
    notes="Until 2026-12-07 the fast profile fitted its CPU-scale grid (composite M ∈ {10, 14, 22}, K 256, lr 5e-3, "
          "η 2e-3, p ∈ {0.3, …, 0.9}): n_c ∝ M^1.15 [0.98, 1.33], M log M's 1.37 outside, recorded as a scope note. "
          "The caption-scale record's spec is caption-prime's with only the groups changed, fixed before its run.",
)


@check(PRIME, "empirical")
def test_prime_boundary_decreases_with_m(evidence, li2_profile, li2_device):
    evidence.describe("Trained networks on prime Z_M at the caption's setting (the committed evidence record, two "
                      "of its cells re-trained): p_c(M) per group, n_c = p_c·M² ∝ M^a; p_c decreases with M ⇔ a < 2 "
                      "(a's 95% interval)")
    decide_record_or_grid(evidence, li2_profile.name, "cyclic prime", "decreases", PRIME_RECORD, li2_device)


@check(PRIME, "empirical")
def test_prime_boundary_follows_m_log_m(evidence, li2_profile, li2_device):
    evidence.describe("The same fit: is the exponent of M log M over the measured M inside a's 95% interval? The "
                      "exponents of M and M² and each law's AIC are recorded")
    decide_record_or_grid(evidence, li2_profile.name, "cyclic prime", "m_log_m", PRIME_RECORD, li2_device)


@check(COMPOSITE, "empirical")
def test_composite_boundary_decreases_with_m(evidence, li2_profile, li2_device):
    evidence.describe("Trained networks on composite Z_M at the caption's setting (the committed evidence record, two "
                      "of its cells re-trained): p_c(M) per group, n_c ∝ M^a; decreasing ⇔ a < 2 (a's 95% interval)")
    decide_record_or_grid(evidence, li2_profile.name, "cyclic composite", "decreases", COMPOSITE_RECORD, li2_device)


@check(COMPOSITE, "empirical")
def test_composite_boundary_follows_m_log_m(evidence, li2_profile, li2_device):
    evidence.describe("The same fit against the exponent of M log M over the measured composite M")
    decide_record_or_grid(evidence, li2_profile.name, "cyclic composite", "m_log_m", COMPOSITE_RECORD, li2_device)
