"""Target reconstruction from learned irrep features (Thm 3; Sec 4.4 and App. F.2).

Sample layout as in ``li2verify.paper.task``: all M² pairs (g1, g2) in row-major order, target g1·g2.  A node with
weights w = [u; P u2] (paper: w = [u; ±Pu]) has pre-activation u[g1] + u2[g2⁻¹] on the pair (g1, g2); with
σ(x) = x² its feature is u[g1]² + u2[g2⁻¹]² + 2u[g1]u2[g2⁻¹].  The paper's "cross feature"
c_U(h) = 2 diag(R_hᵀU) is, in this layout, the vector (2 U[g1, g2⁻¹])_{(g1,g2)} (:func:`cross_feature`): it is
the cross term of the node [u; P ū] (u2 = ū) for U = uu*, and of [u; P u] only when u is real.
"""

from __future__ import annotations

import numpy as np

from li2verify.groups.finite import FiniteGroup
from li2verify.paper.task import all_pairs, center, group_task


def cross_feature(U: np.ndarray, group: FiniteGroup) -> np.ndarray:
    """c_U = (2 U[g1, g2⁻¹]) over all pairs, = the concatenation of c_U(h) = 2 diag(R_hᵀU) (Thm 3 proof) up to
    the order of the samples."""
    pr = all_pairs(group)
    return 2.0 * U[pr[:, 0], group.inverse[pr[:, 1]]]


def node_features(us: list[np.ndarray], group: FiniteGroup, *, second: str = "same", partners=None,
                  signs=(1, -1)) -> np.ndarray:
    """F = σ(XW) with σ(x) = x² (complex arithmetic, no conjugation inside σ) for the nodes
    w = [u; s·P u2], s ∈ ``signs``, u2 = u (``"same"``, as printed), ū (``"conj"``, what the proof uses) or the
    given ``partners`` (``"given"``: the real-domain remark's perturbed u').  Returns the n×K matrix."""
    task = group_task(group)
    cols = []
    for i, u in enumerate(us):
        if second == "same":
            u2 = u
        elif second == "conj":
            u2 = u.conj()
        elif second == "given":
            u2 = partners[i]
        else:
            raise ValueError(f"second must be 'same', 'conj' or 'given', got {second!r}")
        for s in signs:
            w = np.concatenate([u, s * u2[group.inverse]])
            cols.append((task.X @ w) ** 2)
    return np.stack(cols, axis=1)


def least_squares_top_layer(F_tilde: np.ndarray, Y_tilde: np.ndarray) -> np.ndarray:
    """V minimizing ‖F̃V − Ỹ‖_F with η = 0 (minimum-norm least squares; Thm 3 assumption (3))."""
    return np.linalg.lstsq(F_tilde, Y_tilde.astype(F_tilde.dtype), rcond=None)[0]


def reconstruction_residual(F: np.ndarray, group: FiniteGroup) -> float:
    """‖Ŷ − Ỹ‖_F / ‖Ỹ‖_F with Ŷ = F̃V, V = η = 0 least squares on F̃ = P1⊥F (Thm 3 conclusion Ŷ = Ỹ)."""
    Yt = group_task(group).Y_tilde
    Ft = center(F)
    V = least_squares_top_layer(Ft, Yt)
    return float(np.linalg.norm(Ft @ V - Yt) / np.linalg.norm(Yt))


def random_isotypic_vectors(basis: np.ndarray, n: int, rng: np.random.Generator, complex_: bool = True) -> list:
    """n random vectors u = B c in the span of ``basis`` (complex coefficients unless ``complex_`` is False)."""
    r = basis.shape[1]
    out = []
    for _ in range(n):
        c = rng.standard_normal(r) + (1j * rng.standard_normal(r) if complex_ else 0.0)
        u = basis @ c
        out.append(u / np.linalg.norm(u))
    return out


def learned_weights(dec, k: int, rng: np.random.Generator, n: int | None = None) -> list[np.ndarray]:
    """m_k² d_k² = d_k⁴ random complex u ∈ H_k (the irrep-k isotypic subspace of ℂ^M; Thm 3 assumption (2));
    with probability one {uu*} is a basis of End(H_k)."""
    d = dec.irreps[k].degree
    return random_isotypic_vectors(dec.isotypic_basis(k), d ** 4 if n is None else n, rng)


def node_count(dec) -> int:
    """K = 2 Σ_{k≠0} m_k² d_k² with m_k = d_k (Sec 4.4)."""
    return int(2 * sum(ir.degree ** 4 for ir in dec.irreps[1:]))


def node_count_bound(M: int, kappa: int) -> int:
    """2[(M − κ)² + κ − 1] (Sec 4.4), κ = number of nontrivial irreps."""
    return int(2 * ((M - kappa) ** 2 + kappa - 1))
