"""Liu, Kitouni, Nolte, Michaud, Tegmark, Williams 2022, *Towards Understanding Grokking: An Effective Theory of
Representation Learning* (``../shared/papers/004_*.txt``): the objects of its toy setting, in numpy only.

Setting (Sec 2).  Symbols ``0..p−1``; a sample ``(i, j)`` with ``i ≤ j`` stands for ``i + j`` (``i + j`` and
``j + i`` are one sample, so the full data set ``D0`` has ``p(p+1)/2`` samples); ``modulus=M`` reads the sums
mod M (Sec 4.2 and App. B).  A representation ``R = [E_0 … E_{p−1}]`` is an array ``(p,)`` (1D, as in Sec 3) or
``(p, d)``.

* Def. 1 / Eqns 1–3: :func:`parallelograms` (``P0(D)``), :func:`parallelogram_errors`, :func:`rqi`.
  ``P0(D)`` holds each *unordered pair of distinct samples* of D with equal sums once: the quadruples
  (i, j, m, n) and (m, n, i, j) are one parallelogram and (i, j, i, j) is none (with them a random representation
  would not have "RQI = 0 with high probability", Sec 3.1).
* App. D / Eqns 12–13: :func:`augmented_dataset`, :func:`predicted_accuracy` (Âcc).
* Sec 3.2 / Eqns 4–9: :func:`normalize` (μ_t, σ_t), :func:`effective_loss` (ℓ_eff = ℓ0/Z0, Eqn 5),
  :func:`effective_gradient` (exact ∂ℓ_eff/∂E), :func:`constraint_matrix` (A(P), Eqn 7), :func:`nullity`,
  :func:`hessian` (H, Eqn 8), :func:`grokking_rate` (λ3), :func:`effective_flow` (integrates Eqn 4).
* Fig 4(a): :func:`unique_structure_probability` (Monte Carlo over random training sets of one size, seeded) and
  :func:`threshold_sizes` (the smallest implying prefix of random orderings: r_c = median / |D0| without a grid) —
  "the probability that the training set implies a unique linear structure".
* Fig 5: λ3 per training set (:func:`grokking_rate`), and the rate read off a loss curve
  (:func:`rate_from_curve`, an exponential fit of the late part of a decaying curve).
* App. A, Table 1: :func:`phase` (comprehension / grokking / memorization / confusion from the steps at which
  training and validation accuracy pass 90%).
* For the modular task on Z_M with the Li2 network's two input blocks: :func:`circle_rqi` (Liu's circle
  representation read from each node's phase, App. H's generalized parallelograms with 1×1 unitary matrices).
"""

from __future__ import annotations

import math
import numpy as np

from li2verify.utils.fits import FitError, fit_rate

PHASES = ("comprehension", "grokking", "memorization", "confusion")


# ----------------------------------------------------------------------------------------------------------
# data and parallelograms (Sec 2; Def. 1, Eqns 1-3)
# ----------------------------------------------------------------------------------------------------------
def full_dataset(p: int) -> np.ndarray:
    """``D0``: all samples ``(i, j)``, ``0 ≤ i ≤ j < p`` (``p(p+1)/2`` rows, Sec 2 'Dataset')."""
    if p < 1:
        raise ValueError(f"p must be ≥ 1, got {p}")
    return np.array([(i, j) for i in range(p) for j in range(i, p)], dtype=np.int64)


def sums(D: np.ndarray, modulus: int | None = None) -> np.ndarray:
    s = np.asarray(D)[:, 0] + np.asarray(D)[:, 1]
    return s % modulus if modulus else s


def parallelograms(D: np.ndarray, modulus: int | None = None) -> np.ndarray:
    """``P0(D)`` (Eqn 1): quadruples (i, j, m, n), (i, j) and (m, n) distinct samples of D with
    ``i + j = m + n`` (mod ``modulus``), each unordered pair once.  Shape (|P0(D)|, 4)."""
    D = np.asarray(D, dtype=np.int64).reshape(-1, 2)
    s = sums(D, modulus)
    out = []
    for v in np.unique(s):
        idx = np.flatnonzero(s == v)
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                out.append((*D[idx[a]], *D[idx[b]]))
    return np.array(out, dtype=np.int64).reshape(-1, 4)


def spanning_parallelograms(D: np.ndarray, modulus: int | None = None) -> np.ndarray:
    """A subset of ``P0(D)`` with the same linear span of A(P) (so the same rank, nullity and ground states): each
    sample paired with the first sample of its sum class only (every other pair of the class is a difference of
    two of these rows).  O(|D|) rows instead of O(|D|²)."""
    D = np.asarray(D, dtype=np.int64).reshape(-1, 2)
    s = sums(D, modulus)
    out = []
    for v in np.unique(s):
        idx = np.flatnonzero(s == v)
        out += [(*D[idx[0]], *D[k]) for k in idx[1:]]
    return np.array(out, dtype=np.int64).reshape(-1, 4)


def _as2d(E: np.ndarray) -> np.ndarray:
    E = np.asarray(E, dtype=float)
    return E[:, None] if E.ndim == 1 else E


def parallelogram_errors(E: np.ndarray, P: np.ndarray, E_right: np.ndarray | None = None) -> np.ndarray:
    """``|(E_i + E_j) − (E_m + E_n)|`` per quadruple of ``P`` (Def. 1).  With ``E_right`` the second symbol of
    each sample is embedded by another table (the Li2 network's two input blocks): ``|E_i + E'_j − E_m − E'_n|``."""
    E = _as2d(E)
    Er = E if E_right is None else _as2d(E_right)
    P = np.asarray(P, dtype=np.int64).reshape(-1, 4)
    d = E[P[:, 0]] + Er[P[:, 1]] - E[P[:, 2]] - Er[P[:, 3]]
    return np.linalg.norm(d, axis=1)


def rqi(E: np.ndarray, P0: np.ndarray, delta: float = 0.01, E_right: np.ndarray | None = None) -> float:
    """RQI(R) = |P(R, δ)| / |P0| (Eqns 2–3): the fraction of the permissible parallelograms ``P0`` present in
    ``R`` within ``δ``."""
    P0 = np.asarray(P0).reshape(-1, 4)
    if len(P0) == 0:
        raise ValueError("RQI needs a non-empty permissible parallelogram set P0")
    return float(np.mean(parallelogram_errors(E, P0, E_right) <= delta))


def normalize(E: np.ndarray, *, printed: bool = False) -> np.ndarray:
    """Ẽ_k = (E_k − μ)/σ (Sec 3.2).  ``printed=True`` uses σ_t exactly as printed, σ_t = (1/p)Σ_k|E_k − μ|² (a
    variance); the default divides by its square root, the normalization to "zero mean and unit variance" the
    text uses for Fig 4(d)."""
    E = _as2d(E)
    C = E - E.mean(0)
    var = float(np.mean(np.sum(C ** 2, axis=1)))
    if not var > 0:
        raise ValueError("cannot normalize a representation whose embeddings all coincide")
    out = C / (var if printed else math.sqrt(var))
    return out


def augmented_dataset(D: np.ndarray, P: np.ndarray) -> set[tuple[int, int]]:
    """D̄(D, P) (Eqn 12): D together with every sample that forms a parallelogram of ``P`` with a sample of D."""
    Dset = {tuple(map(int, x)) for x in np.asarray(D).reshape(-1, 2)}
    out = set(Dset)
    for i, j, m, n in np.asarray(P).reshape(-1, 4):
        a, b = (int(i), int(j)), (int(m), int(n))
        if b in Dset:
            out.add(a)
        if a in Dset:
            out.add(b)
    return out


def predicted_accuracy(D: np.ndarray, E: np.ndarray, p: int, delta: float = 0.01,
                       modulus: int | None = None) -> float:
    """Âcc = |D̄(D, P(R))| / |D0| (Eqn 13), with P(R) the parallelograms of ``P0`` present in ``E`` within δ."""
    P0 = parallelograms(full_dataset(p), modulus)
    present = P0[parallelogram_errors(E, P0) <= delta]
    return len(augmented_dataset(D, present)) / len(full_dataset(p))


# ----------------------------------------------------------------------------------------------------------
# the effective theory (Sec 3.2, Eqns 4-9; App. F)
# ----------------------------------------------------------------------------------------------------------
def constraint_matrix(P: np.ndarray, p: int, two_tables: bool = False) -> np.ndarray:
    """A(P) (Eqn 7): one row e_i + e_j − e_m − e_n per parallelogram (the 1D linear equations of ℓ_eff = 0).
    ``two_tables``: the second symbol of a sample has its own embedding (columns p..2p−1), as in the Li2
    network's first layer W[a] + W[M + b]: rows e_i + e'_j − e_m − e'_n."""
    P = np.asarray(P, dtype=np.int64).reshape(-1, 4)
    off = p if two_tables else 0
    A = np.zeros((len(P), p + off))
    r = np.arange(len(P))
    np.add.at(A, (r, P[:, 0]), 1.0)
    np.add.at(A, (r, P[:, 1] + off), 1.0)
    np.add.at(A, (r, P[:, 2]), -1.0)
    np.add.at(A, (r, P[:, 3] + off), -1.0)
    return A


def rank(A: np.ndarray) -> int:
    """Numerical rank of an integer constraint matrix (singular values above p·ε·σ_max; the entries are small
    integers, so the gap between zero and non-zero singular values is orders of magnitude)."""
    if A.size == 0:
        return 0
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > max(A.shape) * np.finfo(float).eps * max(s[0], 1.0) * 10))


def nullity(P: np.ndarray, p: int) -> int:
    """n0 = dim null A(P): the degrees of freedom of the ground states ℓ_eff = 0 (Sec 3.2)."""
    return p - rank(constraint_matrix(P, p))


def implies_full_structure(D: np.ndarray, p: int, modulus: int | None = None) -> bool:
    """Whether the parallelograms of D determine every parallelogram of D0: rank A(P0(D)) = rank A(P0(D0)).
    For addition (no modulus) this is n0 = 2, "a unique linear structure" E_k = a + kb (Sec 3.2)."""
    full = rank(constraint_matrix(parallelograms(full_dataset(p), modulus), p))
    P = parallelograms(D, modulus)
    return (rank(constraint_matrix(P, p)) if len(P) else 0) == full


def effective_loss(E: np.ndarray, P: np.ndarray) -> float:
    """ℓ_eff = ℓ0/Z0 (Eqn 5): ℓ0 = Σ_{P}|E_i + E_j − E_m − E_n|²/|P|, Z0 = Σ_k |E_k|² (on the given E; pass
    normalized embeddings to follow Eqn 5's Ẽ)."""
    E = _as2d(E)
    err = parallelogram_errors(E, P)
    return float(np.sum(err ** 2) / len(err) / np.sum(E ** 2))


def effective_gradient(E: np.ndarray, P: np.ndarray, A: np.ndarray | None = None) -> np.ndarray:
    """∂ℓ_eff/∂E_k exactly (Eqn 25 of App. F): (1/Z0)∂ℓ0/∂E_k − (ℓ0/Z0²)·2E_k.  ``A``: A(P), when precomputed."""
    E = _as2d(E)
    if A is None:
        A = constraint_matrix(P, E.shape[0])
    r = A @ E
    l0 = float(np.sum(r ** 2)) / len(A)
    Z0 = float(np.sum(E ** 2))
    g0 = 2.0 * A.T @ r / len(A)
    return g0 / Z0 - (l0 / Z0 ** 2) * 2.0 * E


def hessian(P: np.ndarray, p: int, Z0: float) -> np.ndarray:
    """H = (1/Z0)∂²ℓ0/∂E_i∂E_j (Eqn 8) for one embedding dimension: 2A(P)ᵀA(P)/(|P|·Z0)."""
    A = constraint_matrix(P, p)
    return 2.0 * A.T @ A / (len(A) * Z0)


def grokking_rate(P: np.ndarray, p: int, Z0: float | None = None) -> float:
    """λ3, the third-smallest eigenvalue of H (Sec 3.2, 'Time towards the linear structure').  ``Z0`` defaults to
    ``p`` (embeddings of zero mean and unit variance, the normalization of Fig 4(d)).  0 (to rounding) when the
    parallelograms of the training set leave more than two degrees of freedom; 0 for an empty P."""
    if len(np.asarray(P).reshape(-1, 4)) == 0:
        return 0.0
    lam = np.linalg.eigvalsh(hessian(P, p, float(p if Z0 is None else Z0)))
    val = float(lam[2])
    return 0.0 if abs(val) < 1e-10 else val


def effective_flow(E0: np.ndarray, P: np.ndarray, t_end: float, steps: int, *, linear: bool = False
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Integrate dE/dt = −∂ℓ_eff/∂E (Eqn 4) from ``E0`` with classical RK4 (``steps`` steps); ``linear=True``
    integrates the printed linear form dR/dt = −HR (Eqn 9, H at Z0 of E0).  Returns (times, trajectory (T, p, d))."""
    E = _as2d(E0).copy()
    P = np.asarray(P, dtype=np.int64).reshape(-1, 4)
    Hm = hessian(P, E.shape[0], float(np.sum(E ** 2))) if linear else None
    A = constraint_matrix(P, E.shape[0])

    def f(X):
        return -(Hm @ X) if linear else -effective_gradient(X, P, A)

    h = t_end / steps
    traj = [E.copy()]
    for _ in range(steps):
        k1 = f(E)
        k2 = f(E + 0.5 * h * k1)
        k3 = f(E + 0.5 * h * k2)
        k4 = f(E + h * k3)
        E = E + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        traj.append(E.copy())
    return np.linspace(0.0, t_end, steps + 1), np.array(traj)


def rate_from_curve(ts: np.ndarray, values: np.ndarray, *, tail: float = 0.5, floor: float = 1e-12) -> float:
    """The exponential decay rate of a curve, read as the paper reads a grokking rate off a trajectory: a line
    through log v(t) over the last ``tail`` fraction of the times where v > ``floor`` (utils.fits.fit_rate).
    NaN when fewer than 3 such points remain."""
    t = np.asarray(ts, dtype=float)
    v = np.asarray(values, dtype=float)
    keep = np.isfinite(v) & (v > floor)
    t, v = t[keep], v[keep]
    if len(t) < 3:
        return float("nan")
    sel = t >= t[0] + (1 - tail) * (t[-1] - t[0])
    try:
        return fit_rate(t[sel], v[sel]).rate
    except FitError:
        return float("nan")


# ----------------------------------------------------------------------------------------------------------
# Monte Carlo over training sets (Fig 4a, Fig 5a)
# ----------------------------------------------------------------------------------------------------------
def ordered_dataset(p: int) -> np.ndarray:
    """All p² ordered pairs (a, b) (the Li2 task's data set: the two symbols enter through different weights)."""
    return np.array([(i, j) for i in range(p) for j in range(p)], dtype=np.int64)


def random_training_set(p: int, n: int, rng: np.random.Generator, *, ordered: bool = False) -> np.ndarray:
    """n samples drawn without replacement from D0 (or, ``ordered=True``, from all p² ordered pairs)."""
    D0 = ordered_dataset(p) if ordered else full_dataset(p)
    if not 0 <= n <= len(D0):
        raise ValueError(f"n = {n} outside [0, {len(D0)}]")
    return D0[np.sort(rng.choice(len(D0), size=n, replace=False))]


def unique_structure_probability(p: int, n: int, sets: int, rng: np.random.Generator,
                                 modulus: int | None = None, ordered: bool = False) -> tuple[float, np.ndarray]:
    """(probability that a random n-sample training set implies the full structure, λ3 of each set).
    ``ordered``: samples are ordered pairs embedded by two tables (the Li2 network's first layer)."""
    D0 = ordered_dataset(p) if ordered else full_dataset(p)
    full = rank(constraint_matrix(spanning_parallelograms(D0, modulus), p, ordered))
    hits, lams = 0, []
    for _ in range(sets):
        D = random_training_set(p, n, rng, ordered=ordered)
        S = spanning_parallelograms(D, modulus)
        hits += int((rank(constraint_matrix(S, p, ordered)) if len(S) else 0) == full)
        lams.append(grokking_rate(parallelograms(D, modulus), p) if modulus is None and not ordered
                    else float("nan"))
    return hits / sets, np.array(lams)


def threshold_sizes(p: int, orderings: int, seed: int, modulus: int | None = None, ordered: bool = False
                    ) -> np.ndarray:
    """For each of ``orderings`` random orderings of D0 (seeded): the smallest n whose first n samples imply the
    full structure (:func:`implies_full_structure`'s rank criterion; the rank only grows along the nested prefixes,
    so a bisection finds it).  The fraction of random n-sets implying the structure is the fraction of orderings
    with threshold ≤ n, so the median threshold / |D0| is the effective theory's r_c (Fig 4a) without a grid."""
    rng = np.random.default_rng(seed)
    D0 = ordered_dataset(p) if ordered else full_dataset(p)
    full = rank(constraint_matrix(spanning_parallelograms(D0, modulus), p, ordered))

    def ok(D):
        S = spanning_parallelograms(D, modulus)
        return len(S) > 0 and rank(constraint_matrix(S, p, ordered)) == full

    out = []
    for _ in range(orderings):
        perm = D0[rng.permutation(len(D0))]
        lo, hi = 0, len(D0)  # ok(perm[:hi]) holds, ok(perm[:lo]) does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(perm[:mid]):
                hi = mid
            else:
                lo = mid
        out.append(hi)
    return np.array(out)


# ----------------------------------------------------------------------------------------------------------
# phases (App. A, Table 1)
# ----------------------------------------------------------------------------------------------------------
def phase(step_train90: float, step_val90: float, horizon: float, delay: float) -> str:
    """Table 1: training acc > 90% within the horizon? validation acc > 90% within it? and is
    step(val > 90%) − step(train > 90%) < ``delay`` (10³ steps in the paper, horizon 10⁵)?  A step that never
    happens is NaN or > horizon.  Validation without training accuracy is not a row of Table 1: "unclassified"."""
    tr = math.isfinite(step_train90) and step_train90 <= horizon
    va = math.isfinite(step_val90) and step_val90 <= horizon
    if not tr:
        return "unclassified" if va else "confusion"
    if not va:
        return "memorization"
    return "comprehension" if step_val90 - step_train90 < delay else "grokking"


# ----------------------------------------------------------------------------------------------------------
# Liu's circle representation of a learned Z_M first layer (side by side with Li2)
# ----------------------------------------------------------------------------------------------------------
def node_phases(W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each column w of ``W`` (M × K, a node's weights over the symbols of Z_M): the phase u(a) = z(a)/|z(a)|
    of its discrete analytic signal z = 2·Σ_{0<k<M/2} ŵ_k e^{2πika/M} (+ the Nyquist term once; the mean removed),
    and the node's weight = its mean |z|².  For a node carrying one frequency, z(a) = A e^{i(2πka/M + φ)} and u is a
    character of Z_M (Liu's circle); for a mixture of frequencies u is not, and parallelograms fail.
    Returns (U (M × K) unit complex, weights (K,))."""
    W = np.asarray(W, dtype=float)
    M = W.shape[0]
    F = np.fft.fft(W - W.mean(0), axis=0)
    h = np.zeros(M)
    h[1:(M + 1) // 2] = 2.0
    if M % 2 == 0:
        h[M // 2] = 1.0
    Z = np.fft.ifft(F * h[:, None], axis=0)
    mag = np.abs(Z)
    U = np.where(mag > 0, Z / np.maximum(mag, 1e-300), 1.0)
    return U, np.mean(mag ** 2, axis=0)


def circle_rqi(W_left: np.ndarray, W_right: np.ndarray, P0: np.ndarray, delta: float = 0.1) -> float:
    """Liu's RQI for the modular task, read on a learned two-block first layer (M × K each): each symbol a is
    represented by the diagonal unitary matrix diag(u_j(a)) of its nodes' analytic-signal phases
    (:func:`node_phases`; left block for the first symbol, right block for the second), and (a, b, c, d) is a
    generalized parallelogram (App. H.1, with 1×1 unitary blocks) when the weighted mean over nodes of
    |u_j(a)u'_j(b) − u_j(c)u'_j(d)|² (each term in [0, 4]; weights √(E_j E'_j) of the two blocks' energies) is
    ≤ δ.  Pure Fourier features with the same frequency in both blocks give 0 (RQI = 1); random weights ≈ 2.
    RQI = the fraction of ``P0`` (quadruples of Z_M with a + b ≡ c + d) that are parallelograms."""
    UL, wl = node_phases(W_left)
    UR, wr = node_phases(W_right)
    w = np.sqrt(wl * wr)
    if not np.sum(w) > 0:
        return 0.0
    w = w / np.sum(w)
    P0 = np.asarray(P0, dtype=np.int64).reshape(-1, 4)
    d = np.abs(UL[P0[:, 0]] * UR[P0[:, 1]] - UL[P0[:, 2]] * UR[P0[:, 3]]) ** 2  # (|P0|, K)
    return float(np.mean(d @ w <= delta))


def modular_quadruples(M: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random quadruples (a, b, c, d) of Z_M with a + b ≡ c + d and (a, b) ≠ (c, d) (ordered pairs:
    the Li2 network embeds the two symbols with different blocks)."""
    a = rng.integers(0, M, count)
    b = rng.integers(0, M, count)
    c = rng.integers(0, M, count)
    c = np.where(c == a, (c + 1) % M, c)
    d = (a + b - c) % M
    return np.stack([a, b, c, d], 1)
