"""Helpers shared by the Theorem 2 modules (App. F.1): the stage-2 group instances, S and Ŝ, many-start
ascent, the local-maximum test, the exact (sympy) state of small groups and the Hypothesis draws of maximizers.

Instances: every family of ``li2verify.paper.landscape.stage2_groups`` (prime/composite cyclic, products of cyclic
groups, dihedral, symmetric, alternating, quaternion, dicyclic, Z3xS3, Z7:Z3), hence every Frobenius–Schur
type (real, complex, quaternionic) and degrees 1–3.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from li2verify.groups.finite import cyclic, symmetric
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper import landscape as L
from li2verify.paper.activations import get_activation
from li2verify.paper.energy import energy
from li2verify.paper.task import group_task
from li2verify.paper.exact import sphere_state
from li2verify.experiments.instances import stage2_instances

SQ = get_activation("square")


def __getattr__(name: str):
    """``GROUPS``: the stage-2 instances of the active profile (``instances.stage2_instances``)."""
    if name == "GROUPS":
        return stage2_instances()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def s_matrix(u, v, act):
    """S_ij = σ(u_i + v_j) (Thm 2 proof)."""
    return act(u[:, None] + v[None, :])


def shat_blocks(S, dec):
    """Ŝ = Q*SQ and the sums Σ_r Ŝ_{k,r} of its diagonal blocks per irrep k (Eqns 17–19)."""
    Sh = dec.Q.conj().T @ S @ dec.Q
    sums = {}
    for b in dec.blocks:
        blk = Sh[b.slice, b.slice]
        sums[b.k] = sums.get(b.k, 0) + blk
    return Sh, sums


@functools.lru_cache(maxsize=None)
def many_start_ascent(gname: str, n_starts: int, seed: int):
    """Many-start ascent on one group (cached so the checks of this module share it)."""
    g = dict((gg.name, gg) for _, gg in stage2_instances())[gname]
    rng = np.random.default_rng(seed)
    res = L.ascend(g, SQ, L.random_starts(g.order, n_starts, rng), max_iter=4000, gtol=1e-7)
    return res


def starts_per_group(prof, M):
    return prof.pick(fast=24 if M >= 18 else 40, thorough=150, paper=300)


def x_h(g, h):
    return np.concatenate([g.regular_representation(h).T, g.inverse_operator], axis=1)


def eqn19_sides(g, dec, w, act):
    task = group_task(g)
    u, v = L.split_uv(w, g)
    S = s_matrix(u, v, act)
    _, sums = shat_blocks(S, dec)
    M = g.order
    E = energy(w, task.X, task.Y_tilde, act)
    tr_form = 0.5 * M * sum(abs(np.trace(sums[ir.k])) ** 2 / ir.degree for ir in dec.irreps[1:])
    fro_form = 0.5 * M * sum(np.linalg.norm(sums[ir.k]) ** 2 / ir.degree for ir in dec.irreps[1:])
    # the printed Ŝ = QᵀSQ
    ShT = dec.Q.T @ S @ dec.Q
    trT = 0.5 * M * sum(abs(sum(np.trace(ShT[b.slice, b.slice]) for b in dec.blocks if b.k == ir.k)) ** 2 / ir.degree
                        for ir in dec.irreps[1:])
    return E, tr_form, fro_form, trT, sums


def check_is_local_max(evidence, g, w, fam, what):
    E, G = L.group_energy_and_gradient(w, g, SQ)
    rg = np.linalg.norm(G - w * (w @ G))
    eig = L.riemannian_hessian_spectrum(w, g, SQ)
    evidence.error(rg / E, family=fam, what=f"{what}: Riemannian gradient / E")
    evidence.error(max(0.0, eig.max()) / E, family=fam, what=f"{what}: max Hessian eigenvalue / E")
    return E, eig


def exact_s3():
    """S3 of ``symmetric(3)`` with exact irreps (trivial, sign, standard = Bᵀ P_p B on the sum-zero plane) and the
    exact orthogonal Q with columns (k, a, r) = √(d/M)·C_k(g)_{ar} (so QᵀR_hQ = ⊕_k ⊕_r C_k(h))."""
    import itertools

    g = symmetric(3)
    perms = list(itertools.permutations(range(3)))
    pm = [sp.Matrix(3, 3, lambda a, b, p=p: 1 if p[b] == a else 0) for p in perms]
    B = sp.Matrix([[1 / sp.sqrt(2), 1 / sp.sqrt(6)], [-1 / sp.sqrt(2), 1 / sp.sqrt(6)], [0, -2 / sp.sqrt(6)]])
    irs = [(1, [sp.Matrix([[1]]) for _ in perms]), (1, [sp.Matrix([[P.det()]]) for P in pm]),
           (2, [sp.simplify(B.T * P * B) for P in pm])]
    cols, blocks = [], []
    for k, (d, C) in enumerate(irs):
        for r in range(d):
            start = len(cols)
            for a in range(d):
                cols.append([sp.sqrt(sp.Rational(d, 6)) * C[x][a, r] for x in range(6)])
            blocks.append((k, start, start + d))
    return g, irs, sp.Matrix(cols).T, blocks


def _perm_matrix(p):
    return sp.Matrix(3, 3, lambda a, b: 1 if p[b] == a else 0)


def _exact_join(g, u, v):
    """w = [u; Pv] with exact entries."""
    return [sp.nsimplify(x) for x in u] + [sp.nsimplify(v[int(g.inverse[j])]) for j in range(g.order)]


@functools.lru_cache(maxsize=None)
def exact_local_max_points():
    """Rational points [u; P(±u)] with u a real matrix coefficient of one irrep of Z3, Z4, S3 (rank-one Fourier
    coefficient), plus two S3 points outside the printed form: [u; Pv] with v = γᵀP_gβ ≠ ±u (shared right factor
    β) and [u; Pu] with u = αᵀP_gβ + α'ᵀP_gβ' (a rank-two element of H_k; the rank-two class functions and
    u = αᵀPβ + α'ᵀPβ' with other factors can be saddles, critical but not maximal, so this one was chosen generic).
    (group, label, degree, fs, w, kind)."""
    import itertools

    z3, z4, s3 = cyclic(3), cyclic(4), symmetric(3)
    half = sp.Rational(1, 2)
    pts = [(z3, "Z3 complex pair d=1", 1, 0, _exact_join(z3, [1, -half, -half], [1, -half, -half]), "maximizer"),
           (z4, "Z4 real d=1", 1, 1, _exact_join(z4, [1, -1, 1, -1], [1, -1, 1, -1]), "maximizer"),
           (z4, "Z4 complex pair d=1", 1, 0, _exact_join(z4, [1, 0, -1, 0], [-1, 0, 1, 0]), "maximizer")]
    perms = list(itertools.permutations(range(3)))
    Ps = [_perm_matrix(p) for p in perms]
    sign = [P.det() for P in Ps]
    pts.append((s3, "S3 real d=1 (sign)", 1, 1, _exact_join(s3, sign, sign), "maximizer"))
    al, be, ga = sp.Matrix([1, -1, 0]), sp.Matrix([1, 1, -2]), sp.Matrix([0, 1, -1])
    u = [(al.T * P * be)[0, 0] for P in Ps]
    v = [(ga.T * P * be)[0, 0] for P in Ps]
    a2, b2 = sp.Matrix([1, 0, -1]), sp.Matrix([0, 2, -2])
    gen = [(al.T * P * be)[0, 0] + (a2.T * P * b2)[0, 0] for P in Ps]  # rank-two Fourier coefficient
    pts.append((s3, "S3 real d=2 (standard)", 2, 1, _exact_join(s3, u, u), "maximizer"))
    pts.append((s3, "S3 real d=2, v ≠ ±u", 2, 1, _exact_join(s3, u, v), "off-form"))
    pts.append((s3, "S3 real d=2, u = αᵀPβ + α'ᵀPβ' (rank two)", 2, 1, _exact_join(s3, gen, gen), "generic"))
    return pts


@functools.lru_cache(maxsize=None)
def exact_state(i):
    """For the i-th point: exact E/‖w‖⁴, ‖Riemannian gradient residual‖² (r²∇E(w) − 4E(w)w; 0 iff w/‖w‖ is a critical
    point on the sphere, E homogeneous of degree 4) and the (#pos, #zero, #neg) inertia of the Riemannian Hessian
    r²∇²E(w) − 4E(w)I on w⊥ (rational basis of w⊥, Sylvester; Descartes' rule on the characteristic polynomial, exact
    because its roots are real).  E, ∇E, ∇²E from the data of all M² pairs: z_h = Σ_{g1g2=h}(x_pᵀw)², q_h = z_h − z̄,
    E = ½Σq_h², ∇E = Σq_h∇q_h, ∇²E = Σ∇q_h∇q_hᵀ + q_h∇²q_h."""
    g, _, _, _, w, _ = exact_local_max_points()[i]
    st = sphere_state(g, w)
    return st.energy, st.residual_sq, st.inertia


def exact_maximizers():
    return [(i, p) for i, p in enumerate(exact_local_max_points()) if p[5] == "maximizer"]


def draw_maximizer(data, g, v_other):
    """A point [u; Pv] in a Hypothesis-chosen component of ``g``: u = Re(α*C_k(g)β) and v = ±u (``v_other`` False) or
    v = Re(γ*C_k(g)β) (True), α, β, γ bounded arrays (complex for non-real irreps); vanishing u or v is rejected."""
    from hypothesis import assume
    from hypothesis import strategies as st

    from li2verify.groups.strategies import real_matrices

    dec = irrep_decomposition(g)
    comps = L.real_components(dec)
    comp = comps[data.draw(st.integers(0, len(comps) - 1), label="component")]
    ir = dec.irreps[comp.k]
    d, cplx = ir.degree, ir.fs != 1
    def vec(name):
        a = data.draw(real_matrices((2, d)), label=name)
        return a[0] + (1j * a[1] if cplx else 0)
    al, be = vec("alpha"), vec("beta")
    ga = vec("gamma") if v_other else al * data.draw(st.sampled_from([1, -1]), label="sign")
    u, v = L.matrix_coefficient_vector(ir, al, be), L.matrix_coefficient_vector(ir, ga, be)
    assume(np.linalg.norm(u) > 1e-3 and np.linalg.norm(v) > 1e-3)
    return dec, comps, comp, L.maximizer_from_params(g, ir, al, be, ga)


def given_groups(order_cap):
    from hypothesis import given
    from hypothesis import strategies as st

    from li2verify.groups.strategies import groups, max_order

    return given(g=groups(max_order=min(order_cap, max_order())), data=st.data())
