"""Irreducible representations of a finite group from its Cayley table alone (Sec 4.2, Eqns 8, 16, 34).

``irrep_decomposition(group)`` returns an :class:`IrrepDecomposition` (cached per group object) holding

* the character table (Burnside–Dixon: joint eigenvectors of the class-multiplication matrices, made
  Hermitian in the orthonormal class-sum basis so that ``numpy.linalg.eigh`` gives orthonormal eigenvectors;
  near-degenerate eigenvalues are split recursively with fresh random combinations),
* the Frobenius–Schur indicator ν_k = (1/M) Σ_g χ_k(g²) of every irrep (+1 real, 0 complex, -1 quaternionic)
  and the conjugate of every irrep,
* explicit unitary irreps C_k(h) of every degree, obtained from the eigenspaces of one random real
  symmetric element T of the commutant of the left regular representation (a combination of right
  multiplications); T's eigenspaces are irreducible real invariant subspaces: of dimension d_k for FS=+1
  (giving *real orthogonal* C_k directly) and 2d_k for FS=0/-1 (split into two complex irreducible
  d_k-dimensional subspaces by a random Hermitian element of the restricted commutant),
* the unitary Q of Eqn 8 built from matrix coefficients, column (k, a, r) = sqrt(d_k/M)·conj(C_k(g)_{a r}),
  so R_h Q = Q (⊕_k ⊕_{r=1}^{d_k} C_k(h)) exactly by construction (Peter–Weyl), and Q*1 = 0 outside the
  trivial block,
* the real orthogonal Q (``real_Q``) with real blocks: C_k itself for FS=+1 (d_k copies), the 2d_k×2d_k
  realification [[Re C, -Im C], [Im C, Re C]] for a complex pair (d_k copies for the pair) and for a
  quaternionic irrep (d_k/2 copies),
* the central idempotents Π_k = (d_k/M) Σ_g conj(χ_k(g)) R_g (Eqn 34) and real isotypic subspaces.

Everything is float64; see ``docs/irreps.md`` for the algorithm and why it is right.
"""

from __future__ import annotations

import logging
import weakref
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from li2verify.utils.threads import limit_blas_threads
from li2verify.groups.finite import FiniteGroup

log = logging.getLogger(__name__)

__all__ = ["Irrep", "Block", "IrrepDecomposition", "IrrepError", "irrep_decomposition", "character_table",
           "consistency_errors", "FS_KINDS", "irrep_kind"]

#: The real / complex / quaternionic type of an irrep by its Frobenius–Schur indicator (+1, 0, −1): the one label.
FS_KINDS = {1: "real", 0: "complex", -1: "quaternionic"}


def irrep_kind(fs: int) -> str:
    """``"real"``, ``"complex"`` or ``"quaternionic"`` for Frobenius–Schur indicator ``fs`` (:data:`FS_KINDS`)."""
    return FS_KINDS[int(fs)]

# tolerance used to decide that two computed eigenvalues / characters are "the same"
_MATCH_TOL = 1e-6
_MAX_TRIES = 8


class IrrepError(RuntimeError):
    """The numerical decomposition failed its internal consistency checks (should not happen)."""


@dataclass(eq=False)
class Irrep:
    """One irreducible unitary representation C_k of the group.

    ``matrices[g]`` is C_k(g) (unitary, complex d×d); ``character[g]`` = tr C_k(g); ``fs`` the
    Frobenius–Schur indicator; ``conjugate`` the index of the conjugate irrep (== k when fs != 0).
    ``real_matrices[g]`` is the real orthogonal form: C_k(g) itself for fs=+1 (d×d), else the 2d×2d
    realification [[Re C, -Im C], [Im C, Re C]].
    """

    k: int
    degree: int
    fs: int
    character: np.ndarray
    matrices: np.ndarray
    conjugate: int
    real_matrices: np.ndarray = field(repr=False)

    @property
    def real_degree(self) -> int:
        """Size of the real block: d_k for fs=+1, 2d_k otherwise."""
        return int(self.real_matrices.shape[1])

    @property
    def kind(self) -> str:
        """real / complex / quaternionic (by the Frobenius–Schur indicator)."""
        return irrep_kind(self.fs)


@dataclass(frozen=True)
class Block:
    """A diagonal block of Q (or real_Q): columns ``start:stop`` carry copy ``copy`` of irrep ``k``."""

    k: int
    copy: int
    start: int
    stop: int

    @property
    def slice(self) -> slice:
        return slice(self.start, self.stop)


_CACHE: "weakref.WeakKeyDictionary[FiniteGroup, IrrepDecomposition]" = weakref.WeakKeyDictionary()


def irrep_decomposition(group: FiniteGroup) -> "IrrepDecomposition":
    """The irrep decomposition of ``group`` (cached per group object)."""
    dec = _CACHE.get(group)
    if dec is None:
        dec = IrrepDecomposition(group)
        _CACHE[group] = dec
    return dec


def _blas_limit(M: int):
    """One BLAS thread: the engine's matrices are at most M×M with M in the hundreds, where OpenBLAS threads
    only add synchronization cost (7× slower on the shared 2-core CI machine)."""
    return limit_blas_threads(1) if M <= 4096 else nullcontext()


# -- character table (Burnside–Dixon) --------------------------------------------------------------------
def _class_structure(group: FiniteGroup):
    classes = group.conjugacy_classes
    class_of = group.class_of
    sizes = np.array([len(c) for c in classes], dtype=np.int64)
    reps = np.array([c[0] for c in classes], dtype=np.int64)
    return classes, class_of, sizes, reps


class _ClassAlgebra:
    """Multiplication in the centre of the group algebra, in the orthonormal basis e_j = z_j/sqrt|C_j| of
    normalized class sums: multiplication by z_i is L_i[j, k] = sqrt(|C_j|/|C_k|) c_{ikj}, where
    z_i z_k = Σ_j c_{ikj} z_j and c_{ikj} = #{x ∈ C_i : x⁻¹ g_j ∈ C_k}.  The L_i commute and L_i* = L_{i*}
    (the inverse class), so they are normal.  :meth:`combination` builds Σ_i a_i L_i in O(M·r) memory and
    time, without ever forming the r×r×r structure constants."""

    def __init__(self, group: FiniteGroup, class_of, sizes, reps) -> None:
        t, inv = group.table, group.inverse
        r = len(sizes)
        y = t[inv[:, None], reps[None, :]]  # y[x, j] = x⁻¹ g_j
        self.r = r
        self.ci = class_of  # class of x
        self.flat = (np.arange(r)[None, :] * r + class_of[y]).ravel()  # index (j, class of x⁻¹ g_j)
        self.scale = np.sqrt(sizes[:, None] / sizes[None, :])  # [j, k]

    def combination(self, a: np.ndarray) -> np.ndarray:
        """Σ_i a_i L_i (complex r×r)."""
        r = self.r
        w = np.broadcast_to(a[self.ci][:, None], (len(self.ci), r)).ravel()
        re = np.bincount(self.flat, weights=w.real, minlength=r * r)
        im = np.bincount(self.flat, weights=w.imag, minlength=r * r)
        return (re + 1j * im).reshape(r, r) * self.scale


def _joint_eigenvectors(alg: _ClassAlgebra, rng: np.random.Generator, sizes: np.ndarray) -> np.ndarray:
    """Orthonormal joint eigenvectors (columns) of the commuting normal matrices L_i."""
    r = alg.r

    def split(basis: np.ndarray, depth: int) -> list[np.ndarray]:
        if basis.shape[1] == 1:
            return [basis]
        if depth > 30:
            raise IrrepError("class-algebra eigenvectors did not separate")
        a = (rng.standard_normal(r) + 1j * rng.standard_normal(r)) / sizes
        A = alg.combination(a)
        H = A + A.conj().T
        Hb = H if depth == 0 else basis.conj().T @ H @ basis  # basis = I at the top level
        Hb = (Hb + Hb.conj().T) / 2
        w, v = np.linalg.eigh(Hb)
        scale = max(1.0, float(np.abs(w).max()))
        # split only at well-separated gaps; clusters of close eigenvalues are re-split with a fresh random
        # combination restricted to the cluster, so every eigenvector error stays ~ε/1e-3
        cuts = np.flatnonzero(np.diff(w) > 1e-3 * scale) + 1
        if len(cuts) == 0 and len(w) > 1 and depth > 20:
            cuts = np.flatnonzero(np.diff(w) > 1e-9 * scale) + 1
        out = []
        for part in np.split(np.arange(len(w)), cuts):
            out.extend(split(basis @ v[:, part], depth + 1))
        return out

    vecs = split(np.eye(r, dtype=complex), 0)
    return np.concatenate(vecs, axis=1)


def character_table(group: FiniteGroup, seed: int = 0):
    """(table, degrees) with ``table[k, j]`` = χ_k on class j, from the class algebra alone.

    The joint eigenvector u of the L_i for irrep k is the central idempotent e_k in the orthonormal
    class-sum basis: u_j ∝ conj(χ_k(g_j))·sqrt|C_j|, |u| = 1 ⇒ u_0 = d_k/sqrt(M) after fixing the phase."""
    classes, class_of, sizes, reps = _class_structure(group)
    M = group.order
    alg = _ClassAlgebra(group, class_of, sizes, reps)
    rng = np.random.default_rng(seed)
    with _blas_limit(M):
        U = _joint_eigenvectors(alg, rng, sizes.astype(float))
    phase = U[0] / np.abs(U[0])
    U = U / phase[None, :]
    degrees_f = np.sqrt(M) * U[0].real
    degrees = np.rint(degrees_f).astype(np.int64)
    if np.abs(degrees_f - degrees).max() > 1e-6 or (degrees < 1).any():
        raise IrrepError(f"non-integral irrep degrees {degrees_f}")
    table = (U.conj() * np.sqrt(M) / np.sqrt(sizes)[:, None]).T  # [k, j]
    return table, degrees


# -- the decomposition ------------------------------------------------------------------------------------
class IrrepDecomposition:
    """All irreps of a finite group, the unitary Q of Eqn 8 and its real version, projectors Π_k (Eqn 34).

    Attributes: ``irreps`` (list of :class:`Irrep`, ``irreps[0]`` trivial), ``classes``, ``class_sizes``,
    ``class_of``, ``character_table`` ([k, class]), ``Q``, ``blocks``, ``real_Q``, ``real_blocks``.
    """

    def __init__(self, group: FiniteGroup, seed: int = 0) -> None:
        self.group = group
        M = self.M = group.order
        classes, class_of, sizes, reps = _class_structure(group)
        self.classes = list(classes)
        self.class_of = class_of
        self.class_sizes = sizes
        self.class_representatives = reps
        last = None
        for attempt in range(_MAX_TRIES):
            try:
                with _blas_limit(M):
                    self._build(seed + 7919 * attempt)
                break
            except IrrepError as exc:  # an unlucky random draw: near-degenerate eigenvalues
                last = exc
                log.warning("irrep decomposition of %s: attempt %d failed (%s)", group.name, attempt, exc)
        else:
            raise IrrepError(f"irrep decomposition of {group.name} failed: {last}")
        log.debug("decomposed %s: %d irreps, degrees %s", group.name, len(self.irreps),
                  [ir.degree for ir in self.irreps])
        del M

    # ---------------------------------------------------------------------------------------------------
    def _build(self, seed: int) -> None:
        g, M = self.group, self.M
        t, inv = g.table, g.inverse
        ar = np.arange(M)
        sizes, class_of, reps = self.class_sizes, self.class_of, self.class_representatives
        table, degrees = character_table(g, seed)
        if int((degrees**2).sum()) != M:
            raise IrrepError(f"Σ d_k² = {(degrees**2).sum()} != M = {M}")
        # FS indicators and conjugates
        sq = class_of[t[ar, ar]]
        fs_f = table[:, sq].sum(axis=1) / M  # ν_k = (1/M) Σ_g χ_k(g²)
        fs = np.rint(fs_f.real).astype(np.int64)
        if np.abs(fs_f - fs).max() > 1e-6 or not set(fs.tolist()) <= {-1, 0, 1}:
            raise IrrepError(f"Frobenius–Schur indicators not in {{-1,0,1}}: {fs_f}")
        # χ_k̄ = conj χ_k: by orthonormality of irreducible characters, G[k, k'] = ⟨conj χ_k, χ_k'⟩ = δ_{k̄ k'}
        G = (table.conj() * sizes[None, :]) @ table.conj().T / M
        conjugate = np.argmax(np.abs(G), axis=1)
        if np.abs(G[np.arange(len(degrees)), conjugate] - 1).max() > _MATCH_TOL or np.abs(
                table[conjugate] - table.conj()).max() > _MATCH_TOL:
            raise IrrepError("conjugate characters not found")
        # canonical order: trivial first, then by degree, FS type (real, complex, quaternionic), values
        triv = int(np.flatnonzero((degrees == 1) & (np.abs(table - 1).max(axis=1) < _MATCH_TOL))[0])
        rest = sorted((k for k in range(len(degrees)) if k != triv),
                      key=lambda k: (int(degrees[k]), {1: 0, 0: 1, -1: 2}[int(fs[k])],
                                     tuple(-np.round(table[k].real, 6)), tuple(-np.round(table[k].imag, 6))))
        order = [triv] + rest
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = np.arange(len(order))
        table = table[order]
        degrees = degrees[order]
        fs = fs[order]
        conjugate = pos[conjugate[order]]
        self.character_table = table
        nirr = len(degrees)

        # --- one random real symmetric element T of the commutant (right multiplications) -----------------
        rng = np.random.default_rng(seed + 1)
        # number of distinct eigenvalues: d_k per real irrep, d_k per complex pair, d_k/2 per quaternionic irrep
        n_clusters = int(sum(d if f != -1 else d // 2 for d, f, c, k in zip(degrees, fs, conjugate, range(nirr))
                             if not (f == 0 and c < k)))
        best = None
        for _ in range(6):  # keep the draw whose distinct eigenvalues are best separated
            beta = rng.standard_normal(M) / np.sqrt(M)
            A = beta[t[inv[:, None], ar[None, :]]].T  # A[y, x] = β_{x⁻¹ y}: Σ_g β_g ρ_g, ρ_g e_x = e_{x g}
            w, V = np.linalg.eigh(A + A.T)
            gaps = np.diff(w)
            cuts = np.sort(np.argsort(gaps)[::-1][: n_clusters - 1]) + 1
            scale = max(1.0, float(np.abs(w).max()))
            sep = float(gaps[cuts - 1].min()) / scale if len(cuts) else 1.0
            if best is None or sep > best[0]:
                best = (sep, w, V, cuts)
            if sep > 1e-3:
                break
        sep, w, V, cuts = best
        if sep < 1e-9:
            raise IrrepError(f"commutant eigenvalues not separated (relative gap {sep:.1e})")
        parts = np.split(np.arange(M), cuts)
        # real characters expected on each real eigenspace
        real_char = np.where(fs[:, None] == 1, 1.0, 2.0) * table.real  # χ, χ+χ̄ or 2χ
        spaces: dict[int, list[np.ndarray]] = {}
        # W[c, a] = Σ_g V[g_c g, a] V[g, a] = (Vᵀ R_{g_c} V)_{aa}, in chunks of classes to bound memory
        W = np.empty((len(reps), M))
        step = max(1, (1 << 22) // (M * M))
        for c0 in range(0, len(reps), step):
            W[c0 : c0 + step] = (V[t[reps[c0 : c0 + step]]] * V[None]).sum(axis=1)
        for part in parts:
            U = V[:, part]
            m = U.shape[1]
            ch = W[:, part].sum(axis=1)  # tr(Uᵀ R_{g_c} U)
            d_match = np.abs(real_char - ch[None, :]).max(axis=1)
            k = int(np.argmin(d_match))
            if d_match[k] > _MATCH_TOL or m != (degrees[k] if fs[k] == 1 else 2 * degrees[k]):
                raise IrrepError(f"eigenspace of dimension {m} is not real-irreducible (mismatch {d_match[k]:.2e})")
            if fs[k] == 0 and conjugate[k] < k:
                k = int(conjugate[k])
            spaces.setdefault(k, []).append(U)
        for k in range(nirr):
            expected = {1: degrees[k], 0: degrees[k], -1: degrees[k] // 2}[int(fs[k])]
            if fs[k] == 0 and conjugate[k] < k:
                continue
            if len(spaces.get(k, [])) != expected:
                raise IrrepError(f"irrep {k}: {len(spaces.get(k, []))} real eigenspaces, expected {expected}")

        # --- complex unitary irreps -----------------------------------------------------------------------
        mats: list[np.ndarray | None] = [None] * nirr
        for k in range(nirr):
            if mats[k] is not None:
                continue
            if degrees[k] == 1:  # a 1-dimensional irrep is its character
                mats[k] = table[k][class_of].astype(complex)[:, None, None]
                if fs[k] == 0:
                    mats[int(conjugate[k])] = table[int(conjugate[k])][class_of].astype(complex)[:, None, None]
                continue
            U = spaces[k][0]
            D = np.einsum("hga,gb->hab", U[t], U)  # D(h) = Uᵀ R_h U, D[h, a, b] = Σ_g U[h g, a] U[g, b]
            if fs[k] == 1:
                mats[k] = D.astype(complex)
                continue
            # split the real 2d-dim space into two complex irreducible d-dim subspaces
            m = D.shape[1]
            X = rng.standard_normal((m, m)) + 1j * rng.standard_normal((m, m))
            X = X + X.conj().T
            S = np.einsum("hab,bc,hdc->ad", D, X, D) / M  # Σ_h D(h) X D(h)ᵀ: in the commutant
            S = (S + S.conj().T) / 2
            ws, Es = np.linalg.eigh(S)
            d = int(degrees[k])
            if ws[d] - ws[d - 1] < 1e-8 * max(1.0, float(np.abs(ws).max())):
                raise IrrepError(f"irrep {k}: commutant eigenvalues did not separate")
            E = Es[:, :d]
            Vc = U @ E  # complex orthonormal invariant subspace
            C = np.einsum("hga,gb->hab", Vc[t].conj(), Vc)
            chi = np.trace(C[reps], axis1=1, axis2=2)
            if fs[k] == 0:
                if np.abs(chi - table[k]).max() < _MATCH_TOL:
                    mats[k] = C
                elif np.abs(chi - table[conjugate[k]]).max() < _MATCH_TOL:
                    mats[k] = C.conj()
                else:
                    raise IrrepError(f"irrep {k}: split subspace has the wrong character")
                mats[int(conjugate[k])] = mats[k].conj()
            else:
                if np.abs(chi - table[k]).max() > _MATCH_TOL:
                    raise IrrepError(f"irrep {k}: split subspace has the wrong character")
                mats[k] = C

        irreps: list[Irrep] = []
        for k in range(nirr):
            C = mats[k]
            character = table[k][class_of]
            if fs[k] == 1:
                Rm = C.real.copy()
            else:
                Rm = np.block([[C.real, -C.imag], [C.imag, C.real]])
            for arr in (C, character, Rm):
                arr.setflags(write=False)
            irreps.append(Irrep(k=k, degree=int(degrees[k]), fs=int(fs[k]), character=character, matrices=C,
                                conjugate=int(conjugate[k]), real_matrices=Rm))
        self.irreps = irreps

        # --- complex Q (Peter–Weyl matrix coefficients) -----------------------------------------------
        Q = np.empty((M, M), dtype=complex)
        blocks: list[Block] = []
        col = 0
        for ir in irreps:
            d = ir.degree
            coef = np.sqrt(d / M) * ir.matrices.conj()  # [g, a, r]
            for r in range(d):
                Q[:, col : col + d] = coef[:, :, r]
                blocks.append(Block(ir.k, r, col, col + d))
                col += d
        self.Q = Q
        self.blocks = blocks

        # --- real Q -------------------------------------------------------------------------------------
        start = {(b.k, b.copy): b.start for b in blocks}
        RQ = np.empty((M, M))
        rblocks: list[Block] = []
        col = 0
        for ir in irreps:
            d = ir.degree
            if ir.fs == 1:
                for r in range(d):
                    s = start[(ir.k, r)]
                    RQ[:, col : col + d] = Q[:, s : s + d].real
                    rblocks.append(Block(ir.k, r, col, col + d))
                    col += d
            elif ir.fs == 0:
                if ir.conjugate < ir.k:
                    continue
                for r in range(d):
                    s = start[(ir.k, r)]
                    q = Q[:, s : s + d]
                    RQ[:, col : col + 2 * d] = np.sqrt(2) * np.concatenate([q.real, -q.imag], axis=1)
                    rblocks.append(Block(ir.k, r, col, col + 2 * d))
                    col += 2 * d
            else:
                DR = ir.real_matrices
                for r, U in enumerate(spaces[ir.k]):
                    Di = np.einsum("hga,gb->hab", U[t], U)
                    X = rng.standard_normal((2 * d, 2 * d))
                    S = np.einsum("hab,bc,hdc->ad", Di, X, DR)  # Di(h) S = S DR(h)
                    StS = S.T @ S
                    c = float(np.trace(StS)) / (2 * d)
                    if c <= 0 or np.abs(StS - c * np.eye(2 * d)).max() > 1e-8 * c:
                        raise IrrepError(f"irrep {ir.k}: intertwiner is not a multiple of an orthogonal matrix")
                    RQ[:, col : col + 2 * d] = U @ (S / np.sqrt(c))
                    rblocks.append(Block(ir.k, r, col, col + 2 * d))
                    col += 2 * d
        if col != M:
            raise IrrepError(f"real Q has {col} columns, expected {M}")
        self.real_Q = RQ
        self.real_blocks = rblocks

    # ---------------------------------------------------------------------------------------------------
    @property
    def degrees(self) -> np.ndarray:
        return np.array([ir.degree for ir in self.irreps], dtype=np.int64)

    @property
    def fs_indicators(self) -> np.ndarray:
        return np.array([ir.fs for ir in self.irreps], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.irreps)

    def projector(self, k: int) -> np.ndarray:
        """Π_k = (d_k/M) Σ_g conj(χ_k(g)) R_g (Eqn 34): the central idempotent onto the isotypic subspace H_k.

        R_g[x, y] = 1 iff x = g·y, so Π_k[x, y] = (d_k/M)·conj(χ_k(x·y⁻¹))."""
        ir = self.irreps[k]
        g = self.group
        return (ir.degree / self.M) * ir.character.conj()[g.table[:, g.inverse]]

    def real_projector(self, k: int) -> np.ndarray:
        """The real orthogonal projector onto :meth:`real_subspace` (Π_k, or Π_k + Π_k̄ for fs=0)."""
        B = self.real_subspace(k)
        return B @ B.T

    def real_subspace(self, k: int) -> np.ndarray:
        """Real orthonormal basis (M, r) of the real isotypic subspace: H_k for fs=±1 (r = d_k²),
        H_k ⊕ H_k̄ for fs=0 (r = 2 d_k²)."""
        ir = self.irreps[k]
        key = min(k, ir.conjugate)
        cols = [self.real_Q[:, b.slice] for b in self.real_blocks if b.k == key]
        return np.concatenate(cols, axis=1)

    def isotypic_basis(self, k: int) -> np.ndarray:
        """Complex orthonormal basis (M, d_k²) of H_k: the Q columns of irrep k."""
        return np.concatenate([self.Q[:, b.slice] for b in self.blocks if b.k == k], axis=1)

    def block_diagonal(self, h: int) -> np.ndarray:
        """⊕_k ⊕_{r=1}^{d_k} C_k(h), so that R_h = Q · block_diagonal(h) · Q* (Eqn 8)."""
        out = np.zeros((self.M, self.M), dtype=complex)
        for b in self.blocks:
            out[b.slice, b.slice] = self.irreps[b.k].matrices[h]
        return out

    def real_block_diagonal(self, h: int) -> np.ndarray:
        """The real block matrix with R_h = real_Q · real_block_diagonal(h) · real_Qᵀ."""
        out = np.zeros((self.M, self.M))
        for b in self.real_blocks:
            out[b.slice, b.slice] = self.irreps[b.k].real_matrices[h]
        return out

    def index_of_character(self, chi, tol: float = _MATCH_TOL) -> int:
        """The irrep whose character (per element, or per class) equals ``chi``."""
        chi = np.asarray(chi)
        tab = self.character_table if chi.shape[0] == len(self.classes) else np.array(
            [ir.character for ir in self.irreps])
        dist = np.abs(tab - chi[None, :]).max(axis=1)
        k = int(np.argmin(dist))
        if dist[k] > tol:
            raise KeyError("no irrep has this character")
        return k

    def __repr__(self) -> str:
        return (f"IrrepDecomposition({self.group.name!r}, M={self.M}, degrees={self.degrees.tolist()}, "
                f"fs={self.fs_indicators.tolist()})")


def consistency_errors(dec: IrrepDecomposition, all_elements: bool = False) -> dict[str, float]:
    """The engine's defining identities, each as a worst absolute error (all should be ~1e-14).

    Computed directly from the group table, independently of how the decomposition was built:
    ``hom`` max ‖C_k(g)C_k(h) − C_k(gh)‖, ``unitary`` ‖C_k(g)C_k(g)* − I‖, ``trace`` |tr C_k(g) − χ_k(g)|,
    ``schur`` max |(d_k/M)Σ_g C_k(g)_{ab} conj C_k'(g)_{a'b'} − δ| (Schur orthogonality of matrix
    coefficients, relative to M/d_k), ``char_orth`` row and column orthogonality of the character table
    (relative), ``Q_unitary`` ‖Q*Q − I‖,
    ``Q_blocks`` max_h ‖R_h Q − Q (⊕C_k(h))‖ (with Q unitary this is R_h = Q(⊕C_k(h))Q*, Eqn 8),
    ``Q_ones`` ‖Q*1‖ outside the trivial block, ``real_*`` the same for the real forms and real_Q,
    ``proj_*`` Π_k (Eqn 34) idempotent, central, orthogonal to Π_{k+1}, summing to I, equal to Q_k Q_k*
    (products with Π checked on 8 random probe vectors, Freivalds-style, to stay O(M²) per irrep),
    ``real_subspace`` ‖Π B − B‖ and ‖BᵀB − I‖ for the real isotypic bases.
    Integer facts are returned as 0/1 mismatch flags: ``sum_d2`` (Σd² ≠ M), ``n_irreps`` (≠ #classes),
    ``fs`` (indicator ≠ (1/M)Σχ(g²) rounded, or conjugate inconsistent)."""
    with _blas_limit(dec.M):
        return _consistency_errors(dec, all_elements)


def _consistency_errors(dec: IrrepDecomposition, all_elements: bool) -> dict[str, float]:
    g, M = dec.group, dec.M
    t, inv = g.table, g.inverse
    ar = np.arange(M)
    # identities multiplicative in h are checked for h in a generating set (which implies all h) unless
    # all_elements; unitarity, traces, Schur orthogonality, Q*Q = I, Σ Π_k = I always use every element
    hs = ar if all_elements or len(g.generators) == 0 else np.asarray(g.generators)
    err: dict[str, float] = {}

    def up(key, val):
        err[key] = max(err.get(key, 0.0), float(val))

    up("sum_d2", float(int((dec.degrees**2).sum()) != M))
    up("n_irreps", float(len(dec.irreps) != len(dec.classes)))
    Q, RQ = dec.Q, dec.real_Q
    hinv = t[inv[hs]]  # (R_h Q)[x] = Q[h⁻¹ x]
    cols = {k: np.concatenate([np.arange(b.start, b.stop) for b in dec.blocks if b.k == k])
            for k in range(len(dec.irreps))}
    by_degree: dict[int, list[Irrep]] = {}
    for ir in dec.irreps:
        by_degree.setdefault(ir.degree, []).append(ir)
    for d, irs in by_degree.items():  # stacked over the irreps of one degree: C[i, g] = C_i(g)
        C = np.stack([ir.matrices for ir in irs])
        up("hom", np.abs(np.matmul(C[:, hs, None], C[:, None, :]) - C[:, t[hs]]).max())
        up("unitary", np.abs(np.matmul(C, np.swapaxes(C, -1, -2).conj()) - np.eye(d)).max())
        chi = np.stack([ir.character for ir in irs])
        up("trace", np.abs(np.trace(C, axis1=2, axis2=3) - chi).max())
        # R_h Q_k = Q_k (I ⊗ C_k(h)): Qk[x, i, r, a] is column (copy r, row a) of irrep i
        Qk = np.stack([Q[:, cols[ir.k]].reshape(M, d, d) for ir in irs], axis=1)
        rhs = np.matmul(Qk[None], C[:, hs].transpose(1, 0, 2, 3)[:, None, :, :, :])  # (h, x, i, r, b)
        up("Q_blocks", np.abs(Qk[hinv] - rhs).max())
        for i, ir in enumerate(irs):
            if ir.k != 0:
                up("Q_ones", np.abs(Qk[:, i].sum(axis=0)).max() / np.sqrt(M))
    for ir in dec.irreps:
        Rm = ir.real_matrices
        m = Rm.shape[1]
        up("real_hom", np.abs(np.matmul(Rm[hs, None], Rm[None, :]) - Rm[t[hs]]).max())
        up("real_orthogonal", np.abs(np.matmul(Rm, np.swapaxes(Rm, -1, -2)) - np.eye(m)).max())
        up("real_imag", np.abs(ir.matrices.imag).max() if ir.fs == 1 else 0.0)
        nu = (ir.character[t[ar, ar]]).sum() / M
        up("fs", float(abs(nu - ir.fs) > 1e-6))
        conj = dec.irreps[ir.conjugate]
        up("fs", float(np.abs(conj.character - ir.character.conj()).max() > 1e-6))
        up("fs", float((ir.fs != 0) != (ir.conjugate == ir.k)))
        rb = [b for b in dec.real_blocks if b.k == ir.k]
        if rb:
            q = np.stack([RQ[:, b.slice] for b in rb], axis=1)  # (x, copy, m)
            up("real_Q_blocks", np.abs(q[hinv] - np.matmul(q[None], Rm[hs][:, None])).max())
            if ir.k != 0:
                up("real_Q_ones", np.abs(q.sum(axis=0)).max() / np.sqrt(M))
    coef = np.concatenate([ir.matrices.reshape(M, -1) for ir in dec.irreps], axis=1)  # (M, Σd²)
    scale = np.concatenate([np.full(ir.degree**2, M / ir.degree) for ir in dec.irreps])
    coef = coef / np.sqrt(scale)[None, :]  # relative to M/d_k: √(d_k/M)·C_k(g)_ab should be orthonormal
    up("schur", np.abs(coef.conj().T @ coef - np.eye(coef.shape[1])).max() if coef.shape[1] == M else np.inf)
    X = dec.character_table
    sizes = dec.class_sizes
    up("char_orth", np.abs((X * sizes) @ X.conj().T / M - np.eye(len(X))).max())  # relative to M
    up("char_orth", np.abs((X.conj().T @ X) * (sizes / M)[:, None] - np.eye(len(X))).max())  # to M/|C_j|
    up("Q_unitary", np.abs(Q.conj().T @ Q - np.eye(M)).max())
    up("real_Q_orthogonal", np.abs(RQ.T @ RQ - np.eye(M)).max())
    total = np.zeros((M, M), dtype=complex)
    projs = [dec.projector(k) for k in range(len(dec.irreps))]
    rng = np.random.default_rng(0)
    probe = rng.standard_normal((M, 8)) + 1j * rng.standard_normal((M, 8))  # Freivalds probes: ΠΠv = Πv
    xinv_y = t[inv[:, None], ar[None, :]]
    Ph = [P @ probe for P in projs]
    for k, P in enumerate(projs):
        total += P
        up("proj_idempotent", np.abs(P @ Ph[k] - Ph[k]).max() / np.sqrt(M))
        up("proj_central", np.abs(P - P[g.identity][xinv_y]).max())  # R_hΠR_h* = Π ∀h ⇔ Π[x,y] = Π[e, x⁻¹y]
        B = dec.isotypic_basis(k)
        up("proj_vs_Q", np.abs(B @ (B.conj().T @ probe) - Ph[k]).max() / np.sqrt(M))
        if k + 1 < len(projs):
            up("proj_orthogonal", np.abs(P @ Ph[k + 1]).max() / np.sqrt(M))
        ir = dec.irreps[k]
        Rb = dec.real_subspace(k)
        want = ir.degree**2 * (2 if ir.fs == 0 else 1)
        up("real_subspace", float(Rb.shape[1] != want))
        Pr = P if ir.fs != 0 else P + projs[ir.conjugate]
        up("real_subspace", np.abs(Pr @ Rb - Rb).max())
        up("real_subspace", np.abs(Rb.T @ Rb - np.eye(Rb.shape[1])).max())
    up("proj_sum", np.abs(total - np.eye(M)).max())
    return err
