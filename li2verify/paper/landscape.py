"""The energy landscape of E on group inputs (Thm 2, Cor 1, Cor 2; App. F.1): batched many-start ascent on the
sphere, classification of converged points by irrep subspace, the claimed maximizers, Hessian spectra.

Layout.  With all M² pairs in row-major order (sample i = h1·M + h2, ``li2verify.paper.task.all_pairs``) and
``w = [w1; w2]`` (2M), the pre-activation of sample (h1, h2) is ``w1[h1] + w2[h2]`` and its target is
``h1·h2``.  The paper writes ``w = [u; P v]`` (Thm 2 proof), so ``u = w1`` and ``v = P w2``
(``v[g] = w2[g⁻¹]``).  The energy of Eqn 7, ``E = ½‖Ỹᵀσ(Xw)‖²``, is ``½ Σ_h (z_h − z̄)²`` with
``z_h = Σ_{h1 h2 = h} σ(w1[h1] + w2[h2])`` (Eqn 14); for σ = x² this equals ``2 Σ_h (ũᵀ R_h ṽ)²`` with
ũ = P1⊥u, ṽ = P1⊥v, and by Plancherel ``(2/M) Σ_{k≠0} d_k ‖û(k) v̂(k)*‖_F²`` with the group Fourier
coefficient ``û(k) = Σ_g u_g C_k(g)`` (:func:`fourier_coefficient`).

Everything here is float64 numpy, batched over the last axis (B starting points at once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from li2verify.paper.activations import Activation
from li2verify.groups.finite import FiniteGroup
from li2verify.groups.irreps import irrep_kind
from li2verify.paper.task import center, group_task
from li2verify.utils.sphere import SphereAscent, sphere_ascent, sphere_project  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------------------------
# batched energy and gradient on all M² pairs
# ----------------------------------------------------------------------------------------------------------
def target_onehot(group: FiniteGroup) -> np.ndarray:
    """T (M²×M): T[i, h] = 1 iff sample i = (h1, h2) has h1·h2 = h — the one-hot labels Y of
    :func:`li2verify.paper.task.group_task` on all pairs (row-major)."""
    return group_task(group).Y


def group_energy_and_gradient(W: np.ndarray, group: FiniteGroup, act: Activation,
                              T: np.ndarray | None = None, K: np.ndarray | None = None
                              ) -> tuple[np.ndarray, np.ndarray]:
    """E(w) = ½‖Ỹᵀσ(Xw)‖² (Eqn 7) and ∇E = XᵀDỸỸᵀσ(Xw) (Eqn 6) for every column of ``W`` (2M×B), on all
    M² pairs of ``group``.  Returns (E (B,), ∇E (2M×B)); a 1-D ``w`` gives a scalar and a vector.

    With ``K`` (M×M real symmetric PSD) it returns the modified energy E_K = ½zᵀKz and its gradient
    XᵀD(K ⊗ 11ᵀ)σ(Xw) instead (Thm 7's E_S); the default is K = P1⊥, for which ½zᵀP1⊥z = ½‖P1⊥z‖² = E."""
    one = W.ndim == 1
    if one:
        W = W[:, None]
    M = group.order
    if W.shape[0] != 2 * M:
        raise ValueError(f"w must have 2M = {2 * M} rows, got {W.shape[0]}")
    if T is None:
        T = target_onehot(group)
    pre = W[:M, None, :] + W[None, M:, :]  # (M, M, B): w1[h1] + w2[h2]
    z = T.T @ act(pre).reshape(M * M, -1)  # (M, B): z_h
    if K is None:
        zt = center(z)  # Ỹᵀσ(Xw) = z_h − z̄ (Eqn 14)
    else:
        zt = np.real_if_close(K) @ z
    E = 0.5 * np.sum(z * zt, axis=0)
    g = act.grad(pre) * (T @ zt).reshape(M, M, -1)
    G = np.concatenate([g.sum(axis=1), g.sum(axis=0)], axis=0)
    if one:
        return float(E[0]), G[:, 0]
    return E, G


def group_energy(W: np.ndarray, group: FiniteGroup, act: Activation) -> np.ndarray | float:
    """E(w) (Eqn 7) for every column of ``W`` (see :func:`group_energy_and_gradient`)."""
    return group_energy_and_gradient(W, group, act)[0]


def random_starts(M: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n Gaussian starting points on the unit sphere of R^{2M} (2M×n)."""
    return sphere_project(rng.standard_normal((2 * M, n)))


AscentResult = SphereAscent  # converged points (columns of ``W``), energies, Riemannian gradient norms


def ascend(group: FiniteGroup, act: Activation, W0: np.ndarray, *, max_iter: int = 20000,
           gtol: float = 1e-10, lr0: float | None = None) -> AscentResult:
    """Projected (Riemannian) gradient ascent of E on the unit sphere ‖w‖ = 1 (Sec 4.1), all columns of
    ``W0`` at once (:func:`li2verify.utils.sphere.sphere_ascent`): per-start step ×1.2 after an accepted
    (non-decreasing) step, ×0.5 after a rejected one, so E is monotone along every run.  A start stops when its
    Riemannian gradient norm is below ``gtol``·max(1, E), or when E has not grown by a relative 1e-14 for 100
    iterations (the float64 floor); ``converged`` flags gradient ≤ 10·gtol·max(1, E)."""
    T = target_onehot(group)
    return sphere_ascent(lambda W: group_energy_and_gradient(W, group, act, T), W0, max_iter=max_iter, gtol=gtol,
                         lr0=lr0 if lr0 is not None else 0.05 / group.order, stall=100)


# ----------------------------------------------------------------------------------------------------------
# u, v and irrep structure
# ----------------------------------------------------------------------------------------------------------
def split_uv(w: np.ndarray, group: FiniteGroup) -> tuple[np.ndarray, np.ndarray]:
    """(u, v) with w = [u; P v] (Thm 2 proof): u = w1, v = P w2."""
    M = group.order
    return w[:M], w[M:][group.inverse]


def join_uv(u: np.ndarray, v: np.ndarray, group: FiniteGroup) -> np.ndarray:
    """w = [u; P v] (Thm 2)."""
    return np.concatenate([u, v[group.inverse]])


def fourier_coefficient(x: np.ndarray, irrep) -> np.ndarray:
    """x̂(k) = Σ_g x_g C_k(g) (d_k×d_k complex); batched over trailing axes of x is not supported."""
    return np.tensordot(x, irrep.matrices, axes=(0, 0))


@dataclass(frozen=True)
class RealComponent:
    """One real isotypic subspace: a real/quaternionic irrep k (H_k) or a complex pair (H_k ⊕ H_k̄)."""

    k: int  # representative index (min of k and its conjugate)
    degree: int
    fs: int
    basis: np.ndarray = field(repr=False)  # (M, r) real orthonormal

    @property
    def kind(self) -> str:
        """The type of its irrep (:attr:`li2verify.groups.irreps.Irrep.kind`)."""
        return irrep_kind(self.fs)

    @property
    def label(self) -> str:
        return f"k={self.k}(d={self.degree},{self.kind})"


def real_components(dec) -> list[RealComponent]:
    """The nontrivial real isotypic subspaces of an irrep decomposition (one per real/quaternionic irrep,
    one per complex-conjugate pair), each with its real orthonormal basis."""
    out = []
    for ir in dec.irreps[1:]:
        if ir.fs == 0 and ir.conjugate < ir.k:
            continue
        out.append(RealComponent(ir.k, ir.degree, ir.fs, dec.real_subspace(ir.k)))
    return out


def corrected_max_energy(M: int, degree: int, fs: int) -> float:
    """E* at the local maxima in one real isotypic subspace, σ = x², ‖w‖ = 1 (as verified here):
    M/(2d_k) for a real irrep, M/(4d_k) for a complex pair or a quaternionic irrep."""
    return M / (2.0 * degree) if fs == 1 else M / (4.0 * degree)


def printed_max_energy(M: int, degree: int, fs: int) -> float | None:
    """E* as printed in Thm 2: M/(8d_k) (real irrep), M/(16d_k) (complex pair); quaternionic: not covered."""
    if fs == 1:
        return M / (8.0 * degree)
    if fs == 0:
        return M / (16.0 * degree)
    return None


@dataclass
class PointClass:
    """Classification of one point w on the sphere (σ = x² landscape)."""

    energy: float
    mass_u: dict  # component k -> ‖Π u‖²
    mass_v: dict
    support: list  # components carrying mass of u or v above the threshold
    trivial_mass: float  # ‖w‖² outside every nontrivial component (means of u and v)
    sign: int  # +1 if v = u, -1 if v = -u, 0 otherwise ([u; ±Pu] form)
    form_distance: float  # min(‖v − u‖, ‖v + u‖)
    alignment: float | None  # ‖û v̂*‖_F / (‖û‖_F ‖v̂‖_F) in the single supporting irrep (1 = rank-1 aligned)
    grad_norm: float = float("nan")

    @property
    def single(self) -> bool:
        return len(self.support) == 1


def classify(w: np.ndarray, group: FiniteGroup, dec, comps: list[RealComponent] | None = None, *,
             mass_tol: float = 1e-6, form_tol: float = 1e-5, act: Activation | None = None) -> PointClass:
    """Which real isotypic subspace(s) w = [u; Pv] lies in (masses ‖B_kᵀu‖², ‖B_kᵀv‖²), whether it has the
    form [u; ±Pu], and the Fourier alignment of (u, v) in the supporting irrep."""
    from li2verify.paper.activations import get_activation

    act = act or get_activation("square")
    comps = comps if comps is not None else real_components(dec)
    u, v = split_uv(w, group)
    mu = {c.k: float(np.sum((c.basis.T @ u) ** 2)) for c in comps}
    mv = {c.k: float(np.sum((c.basis.T @ v) ** 2)) for c in comps}
    support = [c.k for c in comps if mu[c.k] + mv[c.k] > mass_tol]
    trivial = float(w @ w - sum(mu.values()) - sum(mv.values()))
    dp, dm = np.linalg.norm(v - u), np.linalg.norm(v + u)
    sign = 1 if dp <= form_tol else (-1 if dm <= form_tol else 0)
    align = None
    if len(support) == 1:
        ir = dec.irreps[support[0]]
        uh, vh = fourier_coefficient(u, ir), fourier_coefficient(v, ir)
        den = np.linalg.norm(uh) * np.linalg.norm(vh)
        align = float(np.linalg.norm(uh @ vh.conj().T) / den) if den > 0 else 0.0
    E, G = group_energy_and_gradient(w, group, act)
    rg = G - w * (w @ G)
    return PointClass(float(E), mu, mv, support, trivial, sign, float(min(dp, dm)), align,
                      float(np.linalg.norm(rg)))


# ----------------------------------------------------------------------------------------------------------
# claimed maximizers
# ----------------------------------------------------------------------------------------------------------
def matrix_coefficient_vector(irrep, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The real function g ↦ Re(α* C_k(g) β) on the group (an element of the real isotypic subspace of k);
    its Fourier coefficient in irrep k is (M/d_k)·(ᾱ… ) rank one (Schur orthogonality)."""
    vals = np.einsum("a,gab,b->g", alpha.conj(), irrep.matrices, beta)
    return np.real(vals)


def claimed_maximizer(group: FiniteGroup, dec, k: int, rng: np.random.Generator, *, sign: int = 1,
                      v_factor: str = "same") -> np.ndarray:
    """A maximizer candidate in irrep k of the form of Thm 2: w = [u; ±Pu] with ‖u‖² = ‖v‖² = ½ and u the
    real matrix-coefficient function Re(α* C_k(g) β) (Fourier coefficient of rank one).  With
    ``v_factor="other"`` v = Re(γ* C_k(g) β) uses a different left factor γ (same right factor β): a point
    outside the [u; ±Pu] form with the same energy."""
    ir = dec.irreps[k]
    d = ir.degree
    cplx = ir.fs != 1
    def rv():
        x = rng.standard_normal(d) + (1j * rng.standard_normal(d) if cplx else 0)
        return x
    alpha, beta = rv(), rv()
    u = matrix_coefficient_vector(ir, alpha, beta)
    u = u / np.linalg.norm(u) / np.sqrt(2)
    if v_factor == "same":
        v = sign * u
    else:
        v = matrix_coefficient_vector(ir, rv(), beta)
        v = v / np.linalg.norm(v) / np.sqrt(2)
    return join_uv(u, v, group)


# ----------------------------------------------------------------------------------------------------------
# Hessian on the sphere
# ----------------------------------------------------------------------------------------------------------
def riemannian_hessian_spectrum(w: np.ndarray, group: FiniteGroup, act: Activation) -> np.ndarray:
    """Eigenvalues (ascending) of the Riemannian Hessian of E on the unit sphere at w, computed with
    ``li2verify.paper.energy`` on the explicit data matrix X and Ỹ of all M² pairs."""
    from li2verify.paper.energy import riemannian_hessian
    from li2verify.paper.task import group_task

    task = group_task(group)
    H = riemannian_hessian(w / np.linalg.norm(w), task.X, task.Y_tilde, act)
    return np.linalg.eigvalsh(0.5 * (H + H.T))


def kernel_dimension(eigs: np.ndarray, scale: float, rtol: float = 1e-6) -> int:
    """Number of eigenvalues with |λ| ≤ rtol·scale."""
    return int(np.sum(np.abs(eigs) <= rtol * scale))


def predicted_kernel_dimension(degree: int, fs: int) -> int:
    """Dimension of the manifold of maximizers through a point of the set {û = a xᴴ, v̂ = b xᴴ} (rank one,
    shared right factor): 3(d−1) for a real irrep, 6d−4 for a complex pair, 6d−6 for a quaternionic irrep
    (a, b, x quaternionic vectors of length d/2, modulo a unit quaternion)."""
    if fs == 1:
        return 3 * (degree - 1)
    if fs == 0:
        return 6 * degree - 4
    return 6 * degree - 6


# ----------------------------------------------------------------------------------------------------------
# the instance families of Stage II checks
# ----------------------------------------------------------------------------------------------------------
def frobenius21() -> FiniteGroup:
    """The Frobenius group Z7 ⋊ Z3 (order 21): x ↦ a·x + b on Z7, a ∈ {1, 2, 4}; it has two complex
    conjugate irreps of degree 3 (the smallest group with a complex irrep of degree > 2)."""
    from li2verify.groups.finite import from_permutations

    perms = [tuple((a * x + b) % 7 for x in range(7)) for a in (1, 2, 4) for b in range(7)]
    perms.sort(key=lambda p: p != tuple(range(7)))
    return from_permutations(perms, name="Z7:Z3")


def special_linear_2(p: int) -> FiniteGroup:
    """SL(2, p) for a small prime p (order p(p²−1)): SL(2,3) (order 24) has complex and quaternionic irreps of
    degree 2; SL(2,5) (order 120, the binary icosahedral group) has quaternionic irreps of degrees 2, 4, 6 and
    no nontrivial irrep of degree 1."""
    import itertools

    els = [m for m in itertools.product(range(p), repeat=4) if (m[0] * m[3] - m[1] * m[2]) % p == 1]
    els.sort(key=lambda m: m != (1, 0, 0, 1))
    A = np.array(els).reshape(-1, 2, 2)
    prod = np.einsum("aij,bjk->abik", A, A) % p
    codes = prod.reshape(len(els), len(els), 4) @ (p ** np.arange(4))
    lookup = {int(c): i for i, c in enumerate(A.reshape(-1, 4) @ (p ** np.arange(4)))}
    table = np.vectorize(lookup.__getitem__)(codes)
    return FiniteGroup(table, name=f"SL(2,{p})")


def stage2_groups(profile: str = "fast") -> list[tuple[str, FiniteGroup]]:
    """(family, group) pairs covering every family of the issue and every Frobenius–Schur type:
    prime and composite cyclic, products of cyclic groups (the paper's 4x7 / 2x2x9 in thorough, scaled-down
    2x6 / 2x2x3 in fast, and the elementary Abelian 2x2), dihedral, symmetric, alternating, quaternion and
    dicyclic (quaternionic irreps), Z3xS3 (complex irreps of degree 2), Z7:Z3 (complex degree 3), and groups of
    the shipped GAP catalog (SmallGroup(16,3), (20,3) in fast; (24,3), (27,3), (21,1), (32,49) in thorough)."""
    from li2verify.groups import finite as G
    from li2verify.groups.spec import from_spec

    fast = [
        ("cyclic-prime", G.cyclic(5)), ("cyclic-prime", G.cyclic(7)),
        ("cyclic-composite", G.cyclic(6)), ("cyclic-composite", G.cyclic(8)),
        ("product", G.product_of_cyclic("2x2")), ("product", G.product_of_cyclic("2x6")),
        ("product", G.product_of_cyclic("2x2x3")),
        ("dihedral", G.dihedral(4)), ("dihedral", G.dihedral(5)),
        ("symmetric", G.symmetric(3)), ("alternating", G.alternating(4)),
        ("quaternion", G.quaternion(8)), ("dicyclic", G.dicyclic(3)),
        ("direct-product", G.direct_product(G.cyclic(3), G.symmetric(3))),
        ("frobenius", frobenius21()),
    ]
    for spec in ("SmallGroup(16,3)", "SmallGroup(20,3)"):  # GAP catalog (shipped export), when available
        try:
            fast.append(("catalog", from_spec(spec)))
        except Exception as exc:  # noqa: BLE001 - the catalog is optional here
            log.info("GAP catalog group %s unavailable: %s", spec, exc)
    if profile == "fast":
        return fast
    more = [
        ("cyclic-prime", G.cyclic(11)), ("cyclic-prime", G.cyclic(13)),
        ("cyclic-composite", G.cyclic(9)), ("cyclic-composite", G.cyclic(12)), ("cyclic-composite", G.cyclic(15)),
        ("product", G.product_of_cyclic("4x7")), ("product", G.product_of_cyclic("2x2x9")),
        ("product", G.product_of_cyclic("2x2x2")),
        ("dihedral", G.dihedral(6)), ("symmetric", G.symmetric(4)),
        ("quaternion", G.quaternion(16)), ("dicyclic", G.dicyclic(5)),
        ("special-linear", special_linear_2(3)),
    ]
    try:  # GAP catalog groups when the catalog module is available
        for spec in ("SmallGroup(24,3)", "SmallGroup(27,3)", "SmallGroup(21,1)", "SmallGroup(32,49)"):
            more.append(("catalog", from_spec(spec)))
    except Exception as exc:  # noqa: BLE001 - the catalog is optional here
        log.info("GAP catalog groups unavailable: %s", exc)
    return fast + more


def maximizer_from_params(group: FiniteGroup, irrep, alpha: np.ndarray, beta: np.ndarray,
                          gamma: np.ndarray) -> np.ndarray:
    """w = [u; P v] with u = Re(α*C_k(g)β), v = Re(γ*C_k(g)β), each scaled to norm 1/√2: the parametrized family
    of maximizers in irrep k (shared right factor β)."""
    u = matrix_coefficient_vector(irrep, alpha, beta)
    v = matrix_coefficient_vector(irrep, gamma, beta)
    return join_uv(u / np.linalg.norm(u) / np.sqrt(2), v / np.linalg.norm(v) / np.sqrt(2), group)


def maximizer_manifold_tangent(group: FiniteGroup, irrep, alpha, beta, gamma, h: float = 1e-6) -> np.ndarray:
    """Central-difference derivatives of :func:`maximizer_from_params` with respect to every real parameter of
    (α, β, γ) (real and imaginary parts when the irrep is not real): columns spanning the tangent space of the
    maximizer manifold at that point."""
    params = [np.array(alpha, dtype=complex), np.array(beta, dtype=complex), np.array(gamma, dtype=complex)]
    parts = (1.0,) if irrep.fs == 1 else (1.0, 1j)
    cols = []
    for i in range(3):
        for j in range(len(params[i])):
            for ph in parts:
                plus = [p.copy() for p in params]
                minus = [p.copy() for p in params]
                plus[i][j] += h * ph
                minus[i][j] -= h * ph
                cols.append((maximizer_from_params(group, irrep, *plus) - maximizer_from_params(group, irrep, *minus))
                            / (2 * h))
    return np.stack(cols, axis=1)


def riemannian_hessian_kernel(w: np.ndarray, group: FiniteGroup, act: Activation, rtol: float = 1e-7) -> np.ndarray:
    """Ambient orthonormal basis of the kernel (|λ| ≤ rtol·E) of the Riemannian Hessian at w."""
    from li2verify.paper.energy import riemannian_hessian, tangent_basis
    from li2verify.paper.task import group_task

    task = group_task(group)
    w = w / np.linalg.norm(w)
    H = riemannian_hessian(w, task.X, task.Y_tilde, act)
    lam, V = np.linalg.eigh(0.5 * (H + H.T))
    E = group_energy(w, group, act)
    return tangent_basis(w) @ V[:, np.abs(lam) <= rtol * E]
