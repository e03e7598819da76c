"""Feature repulsion (Thm 6; App. G.1, Eqn 9): the ridge inverse B = (F̃ᵀF̃ + ηI)⁻¹ and its pairwise Schur
complements.

For a pair (j, l) let F̃_r = F̃_{-jl} (F̃ without columns j and l), H = F̃_rᵀF̃_r + ηI and

    P_{η,−jl} = I − F̃_r H⁻¹ F̃_rᵀ                                   (Thm 6, as printed)
              = η (F̃_r F̃_rᵀ + ηI)⁻¹   (push-through identity; the form used for numerics, η > 0)

The proof of Thm 6 forms the 2×2 Schur complement S = [[α, β], [β, γ]] of H in G = F̃ᵀF̃ + ηI with

    α = η + f̃_jᵀ P_{η,−jl} f̃_j,   β = f̃_jᵀ P_{η,−jl} f̃_l,   γ = η + f̃_lᵀ P_{η,−jl} f̃_l

and b_jl = q_12 = −β / (αγ − β²).

**All-pairs formula.**  The block-inverse identity says the (j, l) principal 2×2 block of B = G⁻¹ *is* S⁻¹.
Inverting that 2×2 block back gives every pair's Schur complement from B alone:

    δ_jl = b_jj b_ll − b_jl²  (> 0, a principal minor of B ≻ 0)
    α_jl = b_ll / δ_jl,   γ_jl = b_jj / δ_jl,   β_jl = f̃_jᵀ P_{η,−jl} f̃_l = −b_jl / δ_jl.

So one K×K inverse gives the residual similarity of all K(K−1)/2 pairs in O(K²) more work, instead of one
projector (O(nK²)) per pair.

**The approximate projector of paper 003.**  Replacing P_{η,−jl} by the full P_η = I − F̃BF̃ᵀ gives
F̃ᵀP_ηF̃ = ηI − η²B exactly (eigenvalue by eigenvalue: λ − λ²/(λ+η) = ηλ/(λ+η)), so for j ≠ l
f̃_jᵀP_ηf̃_l = −η² b_jl: the approximate sign rule holds *identically* in exact arithmetic; any observed
mismatch is rounding (:func:`approx_residual_similarity`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from li2verify.paper.li2 import ridge_inverse as ridge_inverse_chol  # B, shared with the Stage I checks

log = logging.getLogger(__name__)

EPS = float(np.finfo(float).eps)


# ---------------------------------------------------------------------------------------------------------
# B and its conditioning
# ---------------------------------------------------------------------------------------------------------
def gram_condition(F_tilde: np.ndarray, eta: float, B: np.ndarray | None = None, iters: int = 60) -> float:
    """cond₂(G), G = F̃ᵀF̃ + ηI: (σ_max² + η)/(σ_min² + η).

    Without B: exact, from the singular values of F̃ (σ_min = 0 when K > n).  With B = G⁻¹ given: an estimate
    λ_max(G)·λ_max(B) by ``iters`` power iterations each (O(K²) per iteration instead of an SVD; used as the
    scale of rounding-error bounds, where a factor ≲ 2 is immaterial)."""
    F = np.asarray(F_tilde, dtype=float)
    if B is None:
        s = np.linalg.svd(F, compute_uv=False)
        smin2 = 0.0 if F.shape[1] > len(s) else float(s[-1] ** 2)
        return float((s[0] ** 2 + eta) / (smin2 + eta))
    rng = np.random.default_rng(0)

    def power(apply, dim):
        x = rng.standard_normal(dim)
        lam = 0.0
        for _ in range(iters):
            y = apply(x)
            lam = float(np.linalg.norm(y))
            x = y / lam
        return lam

    K = F.shape[1]
    lg = power(lambda x: F.T @ (F @ x) + eta * x, K)
    lb = power(lambda x: B @ x, K)
    return float(lg * lb)


# ---------------------------------------------------------------------------------------------------------
# One pair, explicitly (the definition as printed)
# ---------------------------------------------------------------------------------------------------------
def pair_projector(F_tilde: np.ndarray, eta: float, j: int, l: int) -> np.ndarray:
    """P_{η,−jl} = I − F̃_r(F̃_rᵀF̃_r + ηI)⁻¹F̃_rᵀ, literally as printed in Thm 6 (n×n)."""
    n, K = F_tilde.shape
    keep = np.setdiff1d(np.arange(K), [j, l])
    Fr = F_tilde[:, keep]
    H = Fr.T @ Fr + eta * np.eye(len(keep))
    return np.eye(n) - Fr @ np.linalg.solve(H, Fr.T)


@dataclass(frozen=True)
class PairSchur:
    """The quantities of the Thm 6 proof for one pair (j, l), computed from their definitions."""

    a: float
    b: float
    c: float
    alpha: float
    beta: float
    gamma: float
    det: float  # αγ − β²
    q12: float  # −β/(αγ − β²)
    alpha_resid: float  # η + f̃_jᵀP f̃_j (ridge-residual form of α)
    beta_resid: float  # f̃_jᵀP f̃_l
    gamma_resid: float  # η + f̃_lᵀP f̃_l


def pair_schur(F_tilde: np.ndarray, eta: float, j: int, l: int) -> PairSchur:
    """α, β, γ of the 2×2 Schur complement S (Thm 6 proof) for the pair (j, l), two ways:

    * block form: a − uᵀH⁻¹u, b − uᵀH⁻¹v, c − vᵀH⁻¹v with u = F̃_rᵀf̃_j, v = F̃_rᵀf̃_l, H = F̃_rᵀF̃_r + ηI;
    * ridge-residual form: η + f̃_jᵀP_{η,−jl}f̃_j, f̃_jᵀP_{η,−jl}f̃_l, η + f̃_lᵀP_{η,−jl}f̃_l with
      P_{η,−jl} = η(F̃_rF̃_rᵀ + ηI)⁻¹ (η > 0) or the orthogonal projector onto col(F̃_r)⊥ (η = 0).
    """
    F = np.asarray(F_tilde, dtype=float)
    n, K = F.shape
    keep = np.setdiff1d(np.arange(K), [j, l])
    Fr = F[:, keep]
    fj, fl = F[:, j], F[:, l]
    a = float(fj @ fj + eta)
    b = float(fj @ fl)
    c = float(fl @ fl + eta)
    H = Fr.T @ Fr + eta * np.eye(len(keep))
    UV = Fr.T @ np.column_stack([fj, fl])
    HinvUV = np.linalg.solve(H, UV)
    alpha = a - float(UV[:, 0] @ HinvUV[:, 0])
    beta = b - float(UV[:, 0] @ HinvUV[:, 1])
    gamma = c - float(UV[:, 1] @ HinvUV[:, 1])
    Pf = apply_pair_projector(F, eta, j, l, np.column_stack([fj, fl]))
    ar = float(eta + fj @ Pf[:, 0])
    br = float(fj @ Pf[:, 1])
    gr = float(eta + fl @ Pf[:, 1])
    det = alpha * gamma - beta * beta
    return PairSchur(a, b, c, alpha, beta, gamma, det, -beta / det, ar, br, gr)


def apply_pair_projector(F_tilde: np.ndarray, eta: float, j: int, l: int, Z: np.ndarray) -> np.ndarray:
    """P_{η,−jl} Z without forming the K−2 inverse: η(F̃_rF̃_rᵀ + ηI)⁻¹Z for η > 0 (push-through identity),
    Z − F̃_r F̃_r⁺ Z for η = 0."""
    F = np.asarray(F_tilde, dtype=float)
    K = F.shape[1]
    keep = np.setdiff1d(np.arange(K), [j, l])
    Fr = F[:, keep]
    if eta > 0:
        A = Fr @ Fr.T
        A[np.diag_indices(A.shape[0])] += eta
        c = sla.cho_factor(A, lower=True, check_finite=False)
        return eta * sla.cho_solve(c, Z, check_finite=False)
    coef, *_ = np.linalg.lstsq(Fr, Z, rcond=None)
    return Z - Fr @ coef


def residual_similarity_explicit(F_tilde: np.ndarray, eta: float, j: int, l: int) -> float:
    """f̃_jᵀP_{η,−jl}f̃_l with one projector built for this pair (the naive per-pair method)."""
    F = np.asarray(F_tilde, dtype=float)
    return float(F[:, j] @ apply_pair_projector(F, eta, j, l, F[:, l]))


# ---------------------------------------------------------------------------------------------------------
# All pairs at once (block-inverse identity)
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AllPairsSchur:
    """Schur-complement quantities of every pair (j, l), K×K symmetric arrays (diagonal meaningless)."""

    B: np.ndarray
    delta: np.ndarray  # b_jj b_ll − b_jl² = 1/(αγ − β²)
    alpha: np.ndarray  # alpha[j, l] = η + f̃_jᵀP_{η,−jl}f̃_j
    beta: np.ndarray  # beta[j, l] = f̃_jᵀP_{η,−jl}f̃_l
    gamma: np.ndarray  # gamma[j, l] = η + f̃_lᵀP_{η,−jl}f̃_l (= alpha[l, j])


def all_pairs_schur(B: np.ndarray) -> AllPairsSchur:
    """α, β, γ for every pair from B alone: the (j,l) principal 2×2 block of B is S⁻¹, so
    S = [[b_ll, −b_jl], [−b_jl, b_jj]] / (b_jj b_ll − b_jl²) (Thm 6 proof, block inverse read backwards)."""
    B = np.asarray(B, dtype=float)
    d = np.diag(B)
    delta = np.outer(d, d) - B * B
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / delta
    np.fill_diagonal(inv, np.nan)
    alpha = d[None, :] * inv
    gamma = d[:, None] * inv
    beta = -B * inv
    return AllPairsSchur(B, delta, alpha, beta, gamma)


def sign_undecidable_threshold(B: np.ndarray, cond: float, n: int) -> float:
    """Entries |b_jl| at or below this bound have no float64-certified sign: a backward-stable inverse has
    entrywise error ≲ c·n·eps·cond(G)·max|B| (we take c = 10)."""
    return 10.0 * n * EPS * cond * float(np.max(np.abs(B)))


@dataclass(frozen=True)
class SignMatch:
    """Result of the Thm 6 sign test over a set of pairs.

    Definition: a pair (j < l) *matches* when sign(b_jl) = −sign(s_jl), s_jl the residual similarity used;
    pairs whose b_jl is at or below the float64 certification threshold are *undecided* and reported apart;
    ``rate = matches / (pairs − undecided)``.
    """

    pairs: int
    matches: int
    undecided: int
    rate: float


def sign_match(b: np.ndarray, s: np.ndarray, threshold: float = 0.0) -> SignMatch:
    """Rate of sign(b) = −sign(s) over paired arrays, excluding |b| ≤ threshold (see :class:`SignMatch`)."""
    b = np.asarray(b, dtype=float).ravel()
    s = np.asarray(s, dtype=float).ravel()
    und = np.abs(b) <= threshold
    ok = (np.sign(b) == -np.sign(s)) & ~und
    dec = int((~und).sum())
    return SignMatch(int(b.size), int(ok.sum()), int(und.sum()), float(ok.sum() / dec) if dec else float("nan"))


def all_pairs_sign_match(F_tilde: np.ndarray, eta: float, B: np.ndarray | None = None,
                         cond: float | None = None) -> tuple[SignMatch, AllPairsSchur]:
    """Thm 6's sign rule over all K(K−1)/2 pairs, exact projector P_{η,−jl} via :func:`all_pairs_schur`."""
    F = np.asarray(F_tilde, dtype=float)
    if B is None:
        B = ridge_inverse_chol(F, eta)
    if cond is None:
        cond = gram_condition(F, eta, B=B)
    sch = all_pairs_schur(B)
    iu = np.triu_indices(B.shape[0], 1)
    thr = sign_undecidable_threshold(B, cond, F.shape[0])
    return sign_match(B[iu], sch.beta[iu], thr), sch


# ---------------------------------------------------------------------------------------------------------
# The approximate measurement of paper 003 (top-200 most similar pairs, P_{η,−jl} ≈ P_η)
# ---------------------------------------------------------------------------------------------------------
def top_similar_pairs(F_tilde: np.ndarray, k: int = 200) -> np.ndarray:
    """The k unordered pairs (j < l) with the largest cosine similarity f̃_jᵀf̃_l/(‖f̃_j‖‖f̃_l‖) (paper 003,
    Sec 3.1).  Returns a (k, 2) int array, most similar first."""
    F = np.asarray(F_tilde, dtype=float)
    nrm = np.linalg.norm(F, axis=0)
    nrm[nrm == 0] = 1.0
    C = (F / nrm).T @ (F / nrm)
    iu = np.triu_indices(C.shape[0], 1)
    vals = C[iu]
    k = min(k, vals.size)
    idx = np.argpartition(-vals, k - 1)[:k]
    idx = idx[np.argsort(-vals[idx], kind="stable")]
    return np.column_stack([iu[0][idx], iu[1][idx]])


def woodbury_inverse(F_tilde: np.ndarray, eta: float, as_printed_003: bool = False) -> np.ndarray:
    """B = (I − F̃ᵀ(F̃F̃ᵀ + ηI)⁻¹F̃)/η: the n×n (Woodbury) route paper 003 used (Sec 3.1).  Paper 003's Eqn 4
    prints I/η − F̃ᵀ(F̃F̃ᵀ + ηI)⁻¹F̃/η², which is not an identity (the 1/η² goes with (I + F̃F̃ᵀ/η)⁻¹)."""
    F = np.asarray(F_tilde, dtype=float)
    n, K = F.shape
    A = F @ F.T
    A[np.diag_indices(n)] += eta
    c = sla.cho_factor(A, lower=True, check_finite=False)
    if as_printed_003:
        return np.eye(K) / eta - F.T @ sla.cho_solve(c, F, check_finite=False) / eta**2
    return (np.eye(K) - F.T @ sla.cho_solve(c, F, check_finite=False)) / eta


def approx_residual_similarity(F_tilde: np.ndarray, eta: float, pairs: np.ndarray, B: np.ndarray,
                               how: str = "literal") -> np.ndarray:
    """f̃_jᵀP_ηf̃_l for the given pairs with the *full* projector P_η (paper 003's approximation).

    ``how``: ``"literal"`` forms P_η = I − F̃BF̃ᵀ from the given B (what paper 003 describes);
    ``"resolvent"`` uses P_η = η(F̃F̃ᵀ + ηI)⁻¹ (no cancellation); ``"identity"`` uses −η²b_jl, which equals
    both in exact arithmetic (module docstring).
    """
    F = np.asarray(F_tilde, dtype=float)
    j, l = pairs[:, 0], pairs[:, 1]
    if how == "identity":
        return -(eta**2) * B[j, l]
    if how == "literal":
        P = np.eye(F.shape[0]) - F @ B @ F.T
        return np.einsum("ij,ij->j", F[:, j], P @ F[:, l])
    if how == "resolvent":
        n = F.shape[0]
        A = F @ F.T
        A[np.diag_indices(n)] += eta
        c = sla.cho_factor(A, lower=True, check_finite=False)
        PFl = eta * sla.cho_solve(c, F[:, l], check_finite=False)
        return np.einsum("ij,ij->j", F[:, j], PFl)
    raise ValueError(f"unknown how={how!r}; choose literal, resolvent or identity")


def top200_sign_match(F_tilde: np.ndarray, eta: float, k: int = 200, B: np.ndarray | None = None,
                      how: str = "literal") -> tuple[SignMatch, np.ndarray]:
    """Paper 003's measurement: Pr[sgn(B_jl) = −sgn(f̃_jᵀP_ηf̃_l)] on the top-k most cosine-similar pairs
    (no undecided class: every pair counts, as in 003)."""
    if B is None:
        B = woodbury_inverse(F_tilde, eta)
    pairs = top_similar_pairs(F_tilde, k)
    s = approx_residual_similarity(F_tilde, eta, pairs, B, how=how)
    return sign_match(B[pairs[:, 0], pairs[:, 1]], s, 0.0), pairs

