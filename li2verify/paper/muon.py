"""The Muon direction (Sec 5.3; App. G.3: Lemma 2, Eqn 35; Lemma 9, Eqns 36–38).

Muon replaces a gradient matrix G = U D Vᵀ by its *polar factor* U Vᵀ (the paper's definition, Sec 5.3).
In practice (Jordan et al., 2024) the polar factor is approximated by a few Newton–Schulz iterations of the
odd quintic p(x) = a x + b x³ + c x⁵ with (a, b, c) = (3.4445, −4.7750, 2.0315), 5 steps, after normalizing
G by its Frobenius norm (:data:`MUON_NS_COEFFS`).  Such an iteration maps G = UDVᵀ to U φ(D/‖G‖_F) Vᵀ where φ
is the 5-fold composition of p: it keeps the singular vectors and only approximately equalizes the singular
values (φ(x) lands in roughly [0.7, 1.2] for x not tiny, not exactly 1).

Lemma 9 uses the generalization Â^{(c)} = A(AᵀA)^{−1/c} (c = 2 is the polar factor).
"""

from __future__ import annotations

import numpy as np

#: Newton–Schulz quintic coefficients of the Muon reference implementation (Jordan et al., 2024).
MUON_NS_COEFFS = (3.4445, -4.7750, 2.0315)
#: Number of Newton–Schulz steps of the Muon reference implementation.
MUON_NS_STEPS = 5
#: Jordan et al.'s schedule: the same quintic (:data:`MUON_NS_COEFFS`) at each of the 5 steps.
JORDAN_NS_SCHEDULE = (MUON_NS_COEFFS,) * MUON_NS_STEPS
#: The paper code's ``MuonEnhanced`` schedule: a different quintic (a, b, c) at each of its 5 steps.
PAPER_CODE_NS_SCHEDULE = ((4.01, -9.22, 5.80), (3.49, -6.38, 3.23), (3.34, -6.21, 3.20), (3.64, -7.48, 4.43),
                          (3.46, -5.35, 2.85))


def polar_factor(G: np.ndarray, rank_tol: float | None = None) -> np.ndarray:
    """U Vᵀ from the thin SVD G = U D Vᵀ (Sec 5.3), restricted to singular values above ``rank_tol``
    (default max(shape)·eps·σ_max), so polar_factor(0) = 0 and rank-deficient G gives the partial isometry."""
    G = np.asarray(G, dtype=float)
    U, s, Vt = np.linalg.svd(G, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return np.zeros_like(G)
    tol = max(G.shape) * np.finfo(float).eps * s[0] if rank_tol is None else rank_tol
    r = int(np.sum(s > tol))
    return U[:, :r] @ Vt[:r]


def _frobenius(X):
    """‖X‖_F of each matrix (last two axes), keeping dims; numpy arrays or torch tensors (duck-typed, so this
    layer never imports torch)."""
    if isinstance(X, np.ndarray):
        return np.linalg.norm(X) if X.ndim == 2 else np.linalg.norm(X, axis=(-2, -1), keepdims=True)
    return X.norm(dim=(-2, -1), keepdim=True)


def newton_schulz(G, steps: int = MUON_NS_STEPS, coeffs: tuple[float, float, float] = MUON_NS_COEFFS,
                  eps: float = 1e-7, *, schedule=None):
    """Muon's Newton–Schulz orthogonalization, the one implementation: if rows > cols work on Xᵀ;
    X ← X/(‖X‖_F + eps); then for each step's (a, b, c): X ← aX + (bA + cA²)X with A = XXᵀ.

    ``schedule`` is the sequence of per-step coefficients; the default is ``steps`` repetitions of ``coeffs``
    (:data:`JORDAN_NS_SCHEDULE`); the paper code's optimizer uses :data:`PAPER_CODE_NS_SCHEDULE`.  ``G`` is one
    matrix or a batch (…, r, c), a float64 numpy array (array-likes are converted) or a torch tensor (kept on
    its device and dtype)."""
    if schedule is None:
        schedule = (tuple(coeffs),) * steps
    X = G if hasattr(G, "swapaxes") and not isinstance(G, np.ndarray) else np.asarray(G, dtype=float)
    tr = X.shape[-2] > X.shape[-1]
    if tr:
        X = X.swapaxes(-2, -1)
    X = X / (_frobenius(X) + eps)
    for a, b, c in schedule:
        A = X @ X.swapaxes(-2, -1)
        X = a * X + (b * A + c * A @ A) @ X
    return X.swapaxes(-2, -1) if tr else X


def newton_schulz_scalar(x: np.ndarray, steps: int = MUON_NS_STEPS,
                         coeffs: tuple[float, float, float] = MUON_NS_COEFFS, *, schedule=None) -> np.ndarray:
    """φ(x): the scalar map :func:`newton_schulz` (same ``steps``/``coeffs``/``schedule``) applies to each
    normalized singular value."""
    x = np.asarray(x, dtype=float)
    for a, b, c in schedule if schedule is not None else (tuple(coeffs),) * steps:
        x = a * x + b * x**3 + c * x**5
    return x


def muon_power(A: np.ndarray, c: float) -> np.ndarray:
    """Â^{(c)} = A (AᵀA)^{−1/c} (Lemma 9 proof), A of full column rank; c = 2 is the polar factor."""
    A = np.asarray(A, dtype=float)
    lam, V = np.linalg.eigh(A.T @ A)
    if lam[0] <= 0:
        raise ValueError("A(AᵀA)^(-1/c) needs A of full column rank")
    return A @ (V * lam ** (-1.0 / c)) @ V.T


# ---------------------------------------------------------------------------------------------------------
# Lemma 9
# ---------------------------------------------------------------------------------------------------------
def split_parallel(Q: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """C = QᵀB, B∥ = QC, B⊥ = (I − QQᵀ)B (Lemma 9 proof)."""
    C = Q.T @ B
    Bpar = Q @ C
    return C, Bpar, B - Bpar


def lemma9_vector_formula(Q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Eqn 36 without its remainder: v⊥/‖v⊥‖ + v∥/(1 + ‖v⊥‖)."""
    _, vpar, vperp = split_parallel(Q, v)
    t = np.linalg.norm(vperp)
    return vperp / t + vpar / (1.0 + t)


def lemma9_vector_exact(Q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The last column of polar([Q, v]) in closed form, Q column-orthonormal, v⊥ ≠ 0.

    In the orthonormal frame [Q, v⊥/τ] (τ = ‖v⊥‖, s = ‖Qᵀv‖) the matrix is [[I, Qᵀv], [0, τ]]; only the 2×2
    block [[1, s], [0, τ]] is non-trivial and its rotation factor has last column (s, 1 + τ)/√((1+τ)² + s²).
    Hence v̂ = (v∥ + v⊥(1+τ)/τ)/√((1+τ)² + s²) = [v⊥/τ + v∥/(1+τ)]·(1+τ)/√((1+τ)² + s²): Eqn 36 times a
    factor 1 − s²/(2(1+τ)²) + O(s⁴), i.e. the remainder is O(‖v∥‖²), not O(‖v⊥‖²).
    """
    _, vpar, vperp = split_parallel(Q, v)
    t = np.linalg.norm(vperp)
    s = np.linalg.norm(vpar)
    return (vpar + vperp * (1.0 + t) / t) / np.hypot(1.0 + t, s)


def lemma9_first_order(Q: np.ndarray, B: np.ndarray, c: float) -> np.ndarray:
    """Eqn 38 without its remainder: B⊥T^{−1/c} + B∥(I − T^{1−1/c})(I − T)⁻¹, T = B⊥ᵀB⊥ (spectral calculus; the
    scalar factor (1 − λ^{1−1/c})/(1 − λ) is continued by its limit 1 − 1/c at λ = 1)."""
    _, Bpar, Bperp = split_parallel(Q, B)
    lam, U = np.linalg.eigh(Bperp.T @ Bperp)
    e = 1.0 - 1.0 / c
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(np.abs(lam - 1) > 1e-12, (1 - lam**e) / (1 - lam), e)
    return Bperp @ (U * lam ** (-1.0 / c)) @ U.T + Bpar @ (U * g) @ U.T


def gram_inverse_root(G: np.ndarray, c: float) -> np.ndarray:
    """G^{−1/c} for symmetric positive definite G (eigendecomposition)."""
    lam, V = np.linalg.eigh(G)
    return (V * lam ** (-1.0 / c)) @ V.T


def eqn37_printed(C: np.ndarray, T: np.ndarray, c: float) -> np.ndarray:
    """The first-order expansion of G^{−1/c} as printed (Eqn 37 mapped back): diag(I, T^{−1/c}) −
    (1/c)[[0, CT⁻¹], [T⁻¹Cᵀ, 0]], for G = [[I, C], [Cᵀ, CᵀC + T]]."""
    k, m = C.shape
    Tinv = np.linalg.inv(T)
    out = np.zeros((k + m, k + m))
    out[:k, :k] = np.eye(k)
    out[k:, k:] = gram_inverse_root(T, c)
    out[:k, k:] = -C @ Tinv / c
    out[k:, :k] = out[:k, k:].T
    return out


def eqn37_corrected(C: np.ndarray, T: np.ndarray, c: float) -> np.ndarray:
    """The correct first-order expansion (Daleckii–Krein): the off-diagonal block is C·g(T) with the divided
    difference g(λ) = (1 − λ^{−1/c})/(1 − λ) of f(x) = x^{−1/c} between the eigenvalues 1 and λ (g(1) = f'(1) =
    −1/c, so it agrees with the printed −(1/c)CT⁻¹ only when T = I)."""
    k, m = C.shape
    lam, U = np.linalg.eigh(T)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(np.abs(lam - 1) > 1e-12, (1 - lam ** (-1.0 / c)) / (1 - lam), -1.0 / c)
    out = np.zeros((k + m, k + m))
    out[:k, :k] = np.eye(k)
    out[k:, k:] = (U * lam ** (-1.0 / c)) @ U.T
    out[:k, k:] = C @ (U * g) @ U.T
    out[k:, :k] = out[:k, k:].T
    return out
