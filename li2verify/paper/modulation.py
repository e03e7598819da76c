"""Top-down modulation (Thm 7; App. G.2, Eqn 34): the residual of a partially learned network and the modified
energy E_S.

Layout as in :mod:`li2verify.paper.landscape`: all M² pairs in row-major order (sample i = (h1, h2)), target
t_i = h1·h2.  The paper orders samples by target ("rows for block h"); a matrix of the form A ⊗ 1_M in that
ordering is, in any ordering, the n×M (or n×n) array with rows (A[t_i, ·]) (or entries A[t_i, t_i']·1), which is
how the formulas are evaluated here (:func:`block_rows`).

Objects (S = set of *learned* irreps, closed under complex conjugation for real networks):

* Π_k = (d_k/M) Σ_g conj χ_k(g) R_g (Eqn 34), Π_k[x, y] = (d_k/M) conj χ_k(x y⁻¹);
* Ŷ_S: the ridge (η = 0) prediction from σ = x² features learned on the irreps of S (Thm 3's construction,
  with w = [u; Pv], u, v independent in the real isotypic subspace — Thm 3's "u' a perturbation of u");
* the correct residual: Ỹ − Ŷ_S = K_S ⊗ 1_M with K_S = Σ_{k≠0, k∉S} Π_k (real PSD when S is conjugation-
  closed);
* the printed residual: Ŷ − Ỹ = Φ_SΦ_S* ⊗ 1_M, Φ_S = [√(d_k/M) χ_k(·)]_{k≠0, k∉S} (equal to K_S only when
  every missing irrep is 1-dimensional, and with the opposite sign);
* the modified energy E_S(w) = ½ zᵀ K z with z_h = Σ_{h1h2=h} σ(w1[h1] + w2[h2]) (Eqn 13), whose gradient is
  XᵀD g with g = (K ⊗ 1_M1_Mᵀ)σ(Xw) (the modulated G_F column); K = P1⊥ gives E (Eqn 14).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from li2verify.paper.activations import Activation, get_activation
from li2verify.groups.finite import FiniteGroup
from li2verify.paper.landscape import group_energy_and_gradient, target_onehot
from li2verify.paper.task import center, group_task
from li2verify.utils.sphere import SphereAscent, sphere_ascent

log = logging.getLogger(__name__)


def targets(group: FiniteGroup) -> np.ndarray:
    """t_i = h1·h2 for the M² pairs in row-major order."""
    return group.table.ravel()


def block_rows(A: np.ndarray, group: FiniteGroup) -> np.ndarray:
    """A ⊗ 1_M in target ordering, evaluated in row-major pair order: rows A[t_i, :] (n × cols)."""
    return np.asarray(A)[targets(group)]


def missing_irreps(dec, learned: set[int]) -> list[int]:
    """Nontrivial irreps not in ``learned`` (k ≠ 0, k ∉ S)."""
    return [ir.k for ir in dec.irreps[1:] if ir.k not in learned]


def conjugation_closure(dec, ks) -> set[int]:
    """S ∪ conj(S)."""
    out = set(int(k) for k in ks)
    return out | {dec.irreps[k].conjugate for k in out}


def residual_kernel(dec, learned: set[int]) -> np.ndarray:
    """K_S = Σ_{k≠0, k∉S} Π_k (M×M, complex in general; real when S is conjugation-closed)."""
    M = dec.M
    K = np.zeros((M, M), dtype=complex)
    for k in missing_irreps(dec, learned):
        K += dec.projector(k)
    return K


def phi_S(dec, learned: set[int]) -> np.ndarray:
    """Φ_S = [√(d_k/M) χ_k(·)]_{k≠0, k∉S} (M × #missing), as printed in the proof of Thm 7."""
    cols = [np.sqrt(dec.irreps[k].degree / dec.M) * dec.irreps[k].character for k in missing_irreps(dec, learned)]
    return np.column_stack(cols) if cols else np.zeros((dec.M, 0), dtype=complex)


def diag_block(group: FiniteGroup, A: np.ndarray, h: int, hp: int) -> np.ndarray:
    """diag(R_hᵀ A R_{h'}) (the block-h, column-h' entry of Ŷ^{(k)} with A = Π_k, Thm 3/7 proofs)."""
    Rh = group.regular_representation(h)
    Rhp = group.regular_representation(hp)
    return np.diag(Rh.T @ A @ Rhp)


# ---------------------------------------------------------------------------------------------------------
# Ŷ_S from learned features
# ---------------------------------------------------------------------------------------------------------
@dataclass
class LearnedNetwork:
    W: np.ndarray  # 2M × K hidden weights
    F_tilde: np.ndarray  # n × K centered features
    V: np.ndarray  # K × M least-squares top layer
    Y_hat: np.ndarray  # n × M prediction


def learned_prediction(group: FiniteGroup, dec, learned: set[int], rng: np.random.Generator,
                       act: Activation | None = None, nodes_per_dim2: int = 2) -> LearnedNetwork:
    """A hidden layer that has learned exactly the irreps in S: for every real isotypic component of S
    (dimension r), ``nodes_per_dim2``·r² + 4 nodes w = [u; Pv] with u, v independent Gaussian vectors in
    that component; F = σ(Xw) on all M² pairs, F̃ = P1⊥F, V = least squares (η = 0, Thm 3 (3)), Ŷ = F̃V."""
    act = act or get_activation("square")
    M = group.order
    done, Ws = set(), []
    for k in sorted(learned):
        if k == 0 or k in done:
            continue
        B = dec.real_subspace(k)
        done |= {k, dec.irreps[k].conjugate}
        r = B.shape[1]
        for _ in range(nodes_per_dim2 * r * r + 4):
            u = B @ rng.standard_normal(r)
            v = B @ rng.standard_normal(r)
            Ws.append(np.concatenate([u, v[group.inverse]]))
    W = np.column_stack(Ws) if Ws else np.zeros((2 * M, 0))
    pre = W[:M, None, :] + W[None, M:, :]
    F = act(pre).reshape(M * M, -1)
    Ft = center(F)
    Yt = centered_targets(group)
    # F̃ has more nodes than the learned components have dimensions, so it is rank deficient by construction: a
    # singular value at rounding level (≲ 1e-13·σ_max) is a zero, not a direction to fit (lstsq's default cutoff
    # keeps such directions on e.g. SmallGroup(8,4) and moves Ŷ by up to 8e-4).
    V, *_ = np.linalg.lstsq(Ft, Yt, rcond=RANK_RTOL)
    return LearnedNetwork(W, Ft, V, Ft @ V)


#: Relative singular-value cutoff of the least-squares top layer (float64 rounding of O(M²)-term Gram entries is
#: ~1e-13 relative; genuine singular values of the learned features are O(1)).
RANK_RTOL = 1e-10


def centered_targets(group: FiniteGroup) -> np.ndarray:
    """Ỹ = P1⊥Y on all M² pairs (row-major)."""
    return group_task(group).Y_tilde


# ---------------------------------------------------------------------------------------------------------
# the modified energy
# ---------------------------------------------------------------------------------------------------------
def modulated_energy_and_gradient(W: np.ndarray, group: FiniteGroup, K: np.ndarray,
                                  act: Activation | None = None) -> tuple[np.ndarray, np.ndarray]:
    """E_K(w) = ½ zᵀKz, z_h = Σ_{h1h2=h} σ(w1[h1] + w2[h2]), and ∇E_K = XᵀD (K ⊗ 11ᵀ)σ(Xw), for every column of
    ``W`` (2M × B).  K real symmetric PSD (K_S of a conjugation-closed S, or P1⊥ for E itself)."""
    return group_energy_and_gradient(W, group, act or get_activation("square"), K=K)


def printed_energy_S(W: np.ndarray, group: FiniteGroup, dec, learned: set[int],
                     act: Activation | None = None) -> np.ndarray:
    """E_S as printed: ½‖Φ_S* z‖² (Thm 7 proof), for every column of ``W``."""
    act = act or get_activation("square")
    if W.ndim == 1:
        W = W[:, None]
    M = group.order
    z = target_onehot(group).T @ act(W[:M, None, :] + W[None, M:, :]).reshape(M * M, -1)
    P = phi_S(dec, learned)
    return 0.5 * np.sum(np.abs(P.conj().T @ z) ** 2, axis=0)


def trace_form_energy_S(w: np.ndarray, group: FiniteGroup, dec, learned: set[int],
                        act: Activation | None = None) -> float:
    """E_S in the printed trace form ½ Σ_{k≠0, k∉S} (M/d_k)|⟨Π_k, S⟩|² with S_ij = σ(u_i + v_j), w = [u; Pv]."""
    act = act or get_activation("square")
    M = group.order
    u, v = w[:M], w[M:][group.inverse]
    Smat = act(u[:, None] + v[None, :])
    tot = 0.0
    for k in missing_irreps(dec, learned):
        ip = np.sum(dec.projector(k) * Smat)  # ⟨Π_k, S⟩ = tr(Π_kᵀ S), bilinear
        tot += 0.5 * M / dec.irreps[k].degree * abs(ip) ** 2
    return float(tot)


ModulatedAscent = SphereAscent


def ascend_modulated(group: FiniteGroup, K: np.ndarray, W0: np.ndarray, *, act: Activation | None = None,
                     max_iter: int = 20000, gtol: float = 1e-9) -> ModulatedAscent:
    """Projected gradient ascent of E_K on the unit sphere, all columns at once
    (:func:`li2verify.utils.sphere.sphere_ascent`), with a per-start step that grows ×1.2 on accepted
    (non-decreasing) steps and halves on rejected ones (monotone in E_K)."""
    act = act or get_activation("square")
    return sphere_ascent(lambda W: modulated_energy_and_gradient(W, group, K, act), W0, max_iter=max_iter,
                         gtol=gtol, lr0=0.05 / group.order)


def component_masses(w: np.ndarray, group: FiniteGroup, dec) -> dict[int, float]:
    """‖B_kᵀu‖² + ‖B_kᵀv‖² per real isotypic component (key = min(k, conj k)), w = [u; Pv]."""
    M = group.order
    u, v = w[:M], w[M:][group.inverse]
    out = {}
    for ir in dec.irreps[1:]:
        key = min(ir.k, ir.conjugate)
        if key in out:
            continue
        B = dec.real_subspace(ir.k)
        out[key] = float(np.sum((B.T @ u) ** 2) + np.sum((B.T @ v) ** 2))
    return out
