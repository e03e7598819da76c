"""Theorem 6 (Sec 5.1; App. G.1, Eqn 9): repulsion of similar features — the sign rule and the remark, each
claim followed by its checks (Eqn 9 itself, the Schur-complement proof and the projector are in
``thm6_proof_algebra``).

Claims:
- ``thm6.repulsion.sign_rule`` — sign(b_jl) = −sign(f̃_jᵀP_{η,−jl}f̃_l) with the exact projector.
- ``thm6.remark.similar_features_repel`` — similar features get b_jl < 0.

All pairs are checked through the block-inverse identity read backwards (li2verify.paper.repulsion): the (j,l)
principal 2×2 block of B is S⁻¹, so β_jl = −b_jl/(b_jj b_ll − b_jl²) for every pair from one K×K inverse.
That formula is itself checked against one explicit projector per sampled pair.
"""

from __future__ import annotations

import time

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from li2verify.verify.claims import check, claim
from li2verify.groups.strategies import bounded_floats, real_matrices
from li2verify.groups.finite import cyclic
from li2verify.paper.repulsion import (
    EPS,
    all_pairs_schur,
    all_pairs_sign_match,
    approx_residual_similarity,
    gram_condition,
    pair_projector,
    residual_similarity_explicit,
    ridge_inverse_chol,
    sign_undecidable_threshold,
    top200_sign_match,
    top_similar_pairs,
    woodbury_inverse,
)
from li2verify.train.repulsion import group_net_features
from li2verify.paper.task import center, group_task, random_pairs
from li2verify.experiments.repulsion import random_family, FAMILIES, feature_pairs


SIGN = claim(
    "thm6.repulsion.sign_rule",
    title="sign(b_jl) = −sign(f̃_jᵀ P_{η,−jl} f̃_l)",
    paper_ref="Thm 6; Sec 5.1 and App. G.1",
    printed=r"where $\text{sign}(b_{jl}) = -\text{sign}(\tilde{\mathbf{f}}_j^\top P_{\eta,-jl}\tilde{\mathbf{f}}_l)$. "
            r"Here $P_{\eta,-jl} := I - \tilde{F}_{-jl}(\tilde{F}_{-jl}^\top \tilde{F}_{-jl} + \eta I)^{-1} "
            r"\tilde{F}_{-jl}^\top$ is a projection matrix constructed from $\tilde{F}_{-jl}$, which is "
            r"$\tilde{F}$ excluding the $l$-th and $j$-th columns.",
    assumptions=["η > 0, or η = 0 with F̃ of full column rank (else B does not exist)",
                 "j ≠ l; pairs whose b_jl is below the float64 certification bound 10·n·eps·cond(G)·max|B| are "
                 "counted as undecided and reported, not as matches"],
    depends_on=["thm6.proof.schur_complement"],
    notes="Sign-match definition used here: over unordered pairs j < l, the fraction with sign(b_jl) = "
          "−sign(f̃_jᵀP_{η,−jl}f̃_l) among pairs whose sign is float64-certified. Paper 003 instead used "
          "P_η (the full projector) on the top-200 most cosine-similar pairs; since F̃ᵀP_ηF̃ = ηI − η²B, "
          "f̃_jᵀP_ηf̃_l = −η²b_jl identically, so that test cannot fail in exact arithmetic. In float64 it "
          "does not fail either on our nets (top-200 rate 1.0 at M = 71, K = 2048, n = 2016, cond(G) ≤ 6e4, computed "
          "literally as I − F̃BF̃ᵀ with a correct Woodbury B); with paper 003's printed Woodbury formula (correction "
          "term 1/η² instead of 1/η, so B₀₀₃ = (1/η − 1/η²)I + B/η) the rate equals the fraction of top-200 pairs "
          "with b_jl < 0 (0.76–0.84). Neither reproduces paper 003's reported 0.865 → 0.985; where its sub-1 figures "
          "come from is not identified (benchmarks/results/thm6_paper_scale_side_by_side.json).",
)


# The sign rule
@check(SIGN, "numeric")
def test_sign_rule_explicit_projector_and_all_pairs(evidence, li2_profile):
    evidence.describe(
        "Random F̃ (K<n, K>n, K=n, nearly collinear columns, η from 0 to 10): for sampled pairs the residual "
        "similarity f̃_jᵀP_{η,−jl}f̃_l with one explicit projector per pair (printed definition, and its n×n "
        "resolvent form) vs the all-pairs formula β_jl = −b_jl/(b_jj b_ll − b_jl²); then sign(b_jl) = "
        "−sign(β_jl) over ALL K(K−1)/2 pairs (det > 0 everywhere).")
    evidence.tolerance(1e3, "|β_explicit − β_formula| / (√(αγ)·eps·cond(G)): backward-stable solves, K ≤ 60")
    total = {"pairs": 0, "matches": 0, "undecided": 0}
    for seed in range(li2_profile.pick(fast=2, thorough=10)):
        rng = np.random.default_rng(200 + seed)
        for fam in FAMILIES:
            F, eta = random_family(fam, rng)
            B = ridge_inverse_chol(F, eta)
            cond = gram_condition(F, eta)
            sm, sch = all_pairs_sign_match(F, eta, B, cond)
            thr = sign_undecidable_threshold(B, cond, F.shape[0])
            for (j, l) in feature_pairs(F.shape[1], 5, rng):
                be = residual_similarity_explicit(F, eta, j, l)
                P = pair_projector(F, eta, j, l)  # the definition, literally
                bd = float(F[:, j] @ P @ F[:, l])
                scale = np.sqrt(sch.alpha[j, l] * sch.gamma[j, l])
                evidence.error(abs(be - sch.beta[j, l]) / scale / (EPS * cond), family=fam, seed=seed,
                               what="β explicit (resolvent) vs all-pairs formula")
                evidence.error(abs(bd - sch.beta[j, l]) / scale / (EPS * cond * max(1.0, np.abs(F).max() ** 2)),
                               family=fam, seed=seed, what="β explicit (printed definition) vs formula")
                if abs(B[j, l]) > thr:
                    evidence.holds(np.sign(B[j, l]) == -np.sign(be), "sign(b_jl) = −sign(f̃_jᵀP_{η,−jl}f̃_l)",
                                   family=fam, seed=seed)
            iu = np.triu_indices(F.shape[1], 1)
            evidence.holds(bool(np.all(sch.delta[iu] > 0)), "b_jj b_ll − b_jl² > 0 for all pairs", family=fam,
                           seed=seed)
            evidence.holds(sm.matches == sm.pairs - sm.undecided, f"all-pairs sign match ({sm})", family=fam,
                           seed=seed)
            for k in total:
                total[k] += getattr(sm, k)
    evidence.detail("all_pairs_total", total)
    evidence.detail("sign_match_rate_exact", total["matches"] / max(1, total["pairs"] - total["undecided"]))


def _net_instances(profile):
    """(label, F̃, η, seed) from trained nets on Z_M (paper 003's setup: σ = x², and ReLU in the thorough profile;
    scaled down in the fast profile)."""
    M, K, epochs = profile.pick(fast=(23, 256, (50, 200)), thorough=(71, 2048, (50, 100, 175, 300)))
    eta = 2e-4
    out = []
    acts = profile.pick(fast=["square"], thorough=["square", "relu"])
    for act, seed in [(a, s) for a in acts for s in range(profile.pick(fast=1, thorough=2))]:
        G = cyclic(M)
        rng = np.random.default_rng(seed)
        task = group_task(G, random_pairs(G, int(round(0.4 * M * M)), rng))
        feats = group_net_features(task.X, task.Y, K, activation=act, eta=eta, epochs=epochs, seed=seed)
        for ep, F in feats.items():
            out.append((f"Z{M},K={K},n={task.n},sigma={act},epoch={ep}", F, eta, seed))
    return out


@check(SIGN, "empirical")
def test_sign_rule_on_trained_group_networks_all_pairs_vs_top200(evidence, li2_profile):
    evidence.describe(
        "F̃ from 2-layer σ=x² nets trained on Z_M (zero-meaned MSE, full-batch Adam lr 1e-3, weight decay "
        "η = 2e-4, p = 0.4; paper 003's setup): exact sign-match over all K(K−1)/2 pairs (all-pairs formula, "
        "checked against explicit projectors on 5 sampled pairs), next to paper 003's measurement "
        "Pr[sgn(b_jl) = −sgn(f̃_jᵀP_ηf̃_l)] on the top-200 cosine-similar pairs with P_η = I − F̃BF̃ᵀ from a "
        "Woodbury B (literal; also with paper 003's printed Woodbury formula, which is off by a factor "
        "1/η on the correction term), with P_η = η(F̃F̃ᵀ+ηI)⁻¹ (resolvent), and the identity f̃_jᵀP_ηf̃_l = −η²b_jl.")
    evidence.tolerance(1e4, "|β_explicit − β_formula| / (√(αγ)·eps·cond(G)); K up to 2048 and features from "
                            "float32 weights, c·K·eps·cond with c ≤ 5")
    rows = []
    for label, F, eta, seed in _net_instances(li2_profile):
        t0 = time.perf_counter()
        B = ridge_inverse_chol(F, eta)
        cond = gram_condition(F, eta, B=B)  # power-iteration estimate: the scale of the rounding bounds
        sm, sch = all_pairs_sign_match(F, eta, B, cond)
        t_all = time.perf_counter() - t0
        rng = np.random.default_rng(seed)
        for (j, l) in feature_pairs(F.shape[1], 5, rng):
            be = residual_similarity_explicit(F, eta, j, l)
            scale = np.sqrt(sch.alpha[j, l] * sch.gamma[j, l])
            evidence.error(abs(be - sch.beta[j, l]) / scale / (EPS * cond), family=label, seed=seed,
                           what="β explicit vs all-pairs formula")
        evidence.holds(sm.matches == sm.pairs - sm.undecided, f"exact all-pairs sign rule ({sm})", family=label,
                       seed=seed)
        Bw = woodbury_inverse(F, eta)
        lit, pairs = top200_sign_match(F, eta, 200, B=Bw, how="literal")
        res, _ = top200_sign_match(F, eta, 200, B=B, how="resolvent")
        lit003, _ = top200_sign_match(F, eta, 200, B=woodbury_inverse(F, eta, as_printed_003=True), how="literal")
        # the identity that makes the approximate test vacuous, checked where it is well conditioned
        s_res = approx_residual_similarity(F, eta, pairs, B, how="resolvent")
        s_id = approx_residual_similarity(F, eta, pairs, B, how="identity")
        evidence.error(np.max(np.abs(s_res - s_id)) / np.max(np.abs(s_id)) / (EPS * cond), family=label,
                       seed=seed, what="f̃_jᵀP_ηf̃_l (resolvent) vs −η²b_jl")
        rows.append({"instance": label, "seed": seed, "cond_G": cond, "pairs": sm.pairs,
                     "exact_all_pairs_rate": sm.rate, "undecided": sm.undecided,
                     "top200_approx_literal_rate": lit.rate, "top200_approx_resolvent_rate": res.rate,
                     "top200_literal_with_003_printed_woodbury_rate": lit003.rate,
                     "top200_fraction_b_negative": float(np.mean(B[pairs[:, 0], pairs[:, 1]] < 0)),
                     "seconds_all_pairs": round(t_all, 3)})
    evidence.detail("side_by_side", rows)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    x = np.arange(len(rows))
    keys = [("exact_all_pairs_rate", "exact P_{η,−jl}, all pairs"), ("top200_approx_literal_rate", "top-200, P_η literal"),
            ("top200_literal_with_003_printed_woodbury_rate", "top-200, 003's printed Woodbury"),
            ("top200_fraction_b_negative", "top-200: fraction b_jl < 0")]
    for i, (k, lab) in enumerate(keys):
        ax.bar(x + (i - 1.5) * 0.2, [r[k] for r in rows], 0.2, label=lab)
    ax.axhspan(0.865, 0.985, color="grey", alpha=0.2, label="paper 003 reported")
    ax.set_xticks(x, [r["instance"].split(",")[-1] for r in rows], fontsize=6)
    ax.set_ylim(0.5, 1.02)
    ax.set_xlabel("instance (trained network)", fontsize=8)
    ax.set_ylabel("pairs matching the sign rule (fraction)", fontsize=8)
    ax.set_title("Thm 6 sign rule: exact projector vs paper 003's top-200 approximation", fontsize=9)
    ax.legend(fontsize=6, loc="lower right")
    evidence.plot(fig, "Thm 6 sign-match: exact all-pairs vs paper 003's approximate top-200 measurement")
    evidence.detail("paper_003_reported_top200", "approximate projector P_η, top-200 pairs: 0.865 [epoch 50] → 0.985 [epoch 300], σ=x², M=71, K=2048")


@st.composite
def _sign_rule_instances(draw):
    """n, K ∈ [2, 30] (K > n and K < n), a drawn n×K feature matrix (entries in [−3, 3], shrinking toward 0),
    optionally a nearly collinear second column (first column + 1e-3 × a drawn vector), η = 10^u, u ∈ [−4, 1]."""
    n = draw(st.integers(3, 30))
    K = draw(st.integers(2, 30))
    F = draw(real_matrices((n, K)))
    collinear = draw(st.booleans())
    if collinear:
        F[:, 1] = F[:, 0] + 1e-3 * draw(real_matrices((n,), 1.0))
    log_eta = draw(bounded_floats(-4.0, 1.0))
    j, l = (0, 1) if collinear else tuple(sorted(draw(st.lists(st.integers(0, K - 1), min_size=2, max_size=2,
                                                                unique=True))))
    return n, K, F, collinear, log_eta, j, l


@check(SIGN, "property")
@given(inst=_sign_rule_instances())
def test_sign_rule_property(evidence, inst):
    evidence.describe("Hypothesis over n, K ∈ [2, 30] (K > n and K < n), a drawn feature matrix (shrinks toward 0), "
                      "η ∈ [1e-4, 10], optionally nearly collinear columns: for a drawn pair, sign(b_jl) = "
                      "−sign(f̃_jᵀP_{η,−jl}f̃_l) with the explicit projector whenever |b_jl| is float64-certified, and "
                      "the all-pairs formula matches it")
    evidence.tolerance(1e3, "|β_explicit − β_formula| / (√(ac)·eps·cond(G)); backward-stable solves, K ≤ 30")
    n, K, F, collinear, log_eta, j, l = inst
    F = center(F)
    eta = float(10.0**log_eta)
    B = ridge_inverse_chol(F, eta)
    cond = gram_condition(F, eta)
    sch = all_pairs_schur(B)
    be = residual_similarity_explicit(F, eta, j, l)
    scale = np.sqrt((F[:, j] @ F[:, j] + eta) * (F[:, l] @ F[:, l] + eta))
    fam = f"n={n},K={K}" + (",collinear" if collinear else "")
    evidence.error(abs(be - sch.beta[j, l]) / scale / (EPS * cond), family=fam, what="β explicit vs formula")
    if abs(B[j, l]) > sign_undecidable_threshold(B, cond, n):
        evidence.holds(np.sign(B[j, l]) == -np.sign(be), "sign rule", family=fam)


REMARK = claim(
    "thm6.remark.similar_features_repel",
    title="Remark: similar features get b_jl < 0",
    paper_ref="Thm 6, Remark (Sec 5.1)",
    printed=r"\textbf{Remark.} Intuitively, if $\tilde{\mathbf{f}}_j$ and $\tilde{\mathbf{f}}_l$ are similar, then "
            r"$b_{jl}$ will be negative and the resulting $j$ and $l$ columns of $\tilde{F}B$ will be pushed away from "
            r"each other and vice versa.",
    verified=r"$b_{jl} < 0$ iff the ridge residuals of $\tilde{\mathbf{f}}_j$ and $\tilde{\mathbf{f}}_l$ against the "
             r"other features are positively correlated ($\tilde{\mathbf{f}}_j^\top P_{\eta,-jl}\tilde{\mathbf{f}}_l "
             r"> 0$, Thm 6); raw similarity (cosine) does not determine the sign",
    assumptions=["'similar' read as large cosine similarity f̃_jᵀf̃_l/(‖f̃_j‖‖f̃_l‖)"],
    depends_on=["thm6.repulsion.sign_rule"],
    notes="The remark is offered 'intuitively'; the proof's closing paragraph glosses it as '(residually) similar', "
          "and under that reading it is the sign rule (thm6.repulsion.sign_rule, verified). Under the plain reading "
          "(cosine similarity) it fails not only on the constructed instance [f₁, f₂, f₁+f₂, …] but on trained "
          "σ = x² nets: 16–24% of the top-200 most cosine-similar pairs have b_jl > 0 at M = 71, K = 2048 "
          "(benchmarks/results/thm6_paper_scale_side_by_side.json, 'top200_fraction_b_negative').",
)


# the remark
@check(REMARK, "numeric")
def test_similar_features_can_attract(evidence, li2_profile):
    evidence.describe("Explicit instance F̃ = [f₁, f₂, f₁ + f₂, noise] with cos(f₁, f₂) ≈ 0.98: removing the other "
                      "columns leaves residuals ∝ ±(f₁ − f₂), so b_12 > 0 although f₁, f₂ are highly similar; plus "
                      "the fraction of the top-200 cosine-similar pairs with b_jl < 0 on random features")
    fracs = []
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(600 + seed)
        n = 40
        base = rng.standard_normal(n)
        f1 = base + 0.1 * rng.standard_normal(n)
        f2 = base + 0.1 * rng.standard_normal(n)
        F = center(np.column_stack([f1, f2, f1 + f2, rng.standard_normal((n, 5))]))
        eta = 1e-3
        B = ridge_inverse_chol(F, eta)
        cos = float(F[:, 0] @ F[:, 1] / np.linalg.norm(F[:, 0]) / np.linalg.norm(F[:, 1]))
        if cos <= 0.9:
            evidence.instance("f1,f2,f1+f2", seed)  # outside the remark's hypothesis: counted, not decided
        else:
            # the remark's hypothesis (f̃_1, f̃_2 similar: large cosine) holds; printed: b_12 is negative, i.e.
            # b_12 ≤ 0; tolerance from the conditioning of F̃ᵀF̃ + ηI
            cond = float(np.linalg.cond(F.T @ F + eta * np.eye(F.shape[1])))
            evidence.counterexample("highly similar features with b_12 > 0 (attraction)", measured=float(B[0, 1]),
                                    printed=0.0, relation="<=", tol=10 * np.finfo(float).eps * cond * np.abs(B).max(),
                                    why="float64 Cholesky inverse: entry error ≤ 10·ε·cond(F̃ᵀF̃+ηI)·max|B| "
                                        f"(cond = {cond:.1e})",
                                    family="f1,f2,f1+f2", seed=seed, cosine=cos,
                                    residual_similarity=residual_similarity_explicit(F, eta, 0, 1))
        Fr = center(rng.standard_normal((30, 60)))
        Br = ridge_inverse_chol(Fr, 1e-2)
        pairs = top_similar_pairs(Fr, 200)
        fracs.append(float(np.mean(Br[pairs[:, 0], pairs[:, 1]] < 0)))
    evidence.detail("fraction_top200_cosine_pairs_with_negative_b (random 30x60 features)", fracs)


@check(REMARK, "numeric", target="corrected")
def test_residual_similarity_decides_the_sign(evidence, li2_profile):
    evidence.describe("On the same instances: sign(b_12) = −sign(f̃₁ᵀP_{η,−12}f̃₂) with the explicit projector")
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(600 + seed)
        n = 40
        base = rng.standard_normal(n)
        f1 = base + 0.1 * rng.standard_normal(n)
        f2 = base + 0.1 * rng.standard_normal(n)
        F = center(np.column_stack([f1, f2, f1 + f2, rng.standard_normal((n, 5))]))
        B = ridge_inverse_chol(F, 1e-3)
        evidence.holds(np.sign(B[0, 1]) == -np.sign(residual_similarity_explicit(F, 1e-3, 0, 1)),
                       "sign(b_12) = −sign(residual similarity)", family="f1,f2,f1+f2", seed=seed)
