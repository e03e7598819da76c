"""Exact (sympy) critical-point data of the energy E on the sphere, for σ = x² on all M² pairs of a group.

Used by the symbolic checks of Thm 2, Cor 1 and App. I, which decide flatness and maximality without rounding:
at a rational (or algebraic) point w, :func:`sphere_state` gives E(w)/‖w‖⁴, the Riemannian gradient residual and
the inertia of the Riemannian Hessian on w⊥.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from li2verify.groups.finite import FiniteGroup

__all__ = ["SphereState", "sphere_state", "inertia"]


@dataclass(frozen=True)
class SphereState:
    """``energy`` = E(w)/‖w‖⁴ (E at w/‖w‖); ``residual`` = r²∇E(w) − 4E(w)w (0 iff w/‖w‖ is a critical point on the
    sphere, E being homogeneous of degree 4); ``residual_sq`` = ‖residual‖²/r¹⁰ (scale-free); ``inertia`` =
    (#positive, #zero, #negative) eigenvalues of the Riemannian Hessian ∝ r²∇²E(w) − 4E(w)I on w⊥."""

    energy: sp.Expr
    residual: sp.Matrix
    residual_sq: sp.Expr
    inertia: tuple[int, int, int]


def inertia(p: sp.Expr, x: sp.Symbol) -> tuple[int, int, int]:
    """(#positive, #zero, #negative) roots of the characteristic polynomial ``p`` of a real symmetric matrix: all
    roots are real, so Descartes' rule of signs counts them exactly; zero roots = the lowest nonzero degree."""
    coeffs = sp.Poly(p, x).all_coeffs()[::-1]  # ascending
    zero = next(i for i, c in enumerate(coeffs) if c != 0)

    def changes(cs):
        s = [c for c in cs if c != 0]
        return sum(1 for a, b in zip(s, s[1:]) if (a > 0) != (b > 0))

    return changes(coeffs[::-1]), zero, changes([c * (-1) ** i for i, c in enumerate(coeffs)][::-1])


def sphere_state(g: FiniteGroup, w) -> SphereState:
    """Exact critical-point data of E(w) = ½Σ_h q_h², q_h = z_h − z̄, z_h = Σ_{g1g2=h}(x_pᵀw)² (Eqn 7 with σ = x²
    and centred one-hot targets, all M² pairs): ∇E = Σ_h q_h∇q_h, ∇²E = Σ_h ∇q_h∇q_hᵀ + q_h∇²q_h in exact arithmetic;
    the Hessian's inertia on w⊥ is read off a rational basis of w⊥ (Sylvester's law of inertia)."""
    M = g.order
    wv = sp.Matrix(list(w))
    z = [sp.Integer(0)] * M
    dz = [sp.zeros(2 * M, 1) for _ in range(M)]
    d2z = [sp.zeros(2 * M, 2 * M) for _ in range(M)]
    for h1 in range(M):
        for h2 in range(M):
            x = sp.zeros(2 * M, 1)
            x[h1] += 1
            x[M + h2] += 1
            h = int(g.table[h1, h2])
            a = wv[h1] + wv[M + h2]
            z[h] += a ** 2
            dz[h] += 2 * a * x
            d2z[h] += 2 * x * x.T
    zb, dzb, d2zb = sum(z) / M, sum(dz, sp.zeros(2 * M, 1)) / M, sum(d2z, sp.zeros(2 * M, 2 * M)) / M
    q = [zh - zb for zh in z]
    dq = [v - dzb for v in dz]
    E = sp.Rational(1, 2) * sum(v ** 2 for v in q)
    grad = sum((q[h] * dq[h] for h in range(M)), sp.zeros(2 * M, 1))
    hess = sum((dq[h] * dq[h].T + q[h] * (d2z[h] - d2zb) for h in range(M)), sp.zeros(2 * M, 2 * M))
    r2 = (wv.T * wv)[0, 0]
    resid = r2 * grad - 4 * E * wv
    H = hess * r2 - 4 * E * sp.eye(2 * M)
    i0 = next(j for j in range(2 * M) if wv[j] != 0)
    T = sp.Matrix.hstack(*[sp.eye(2 * M)[:, j] - (wv[j] / wv[i0]) * sp.eye(2 * M)[:, i0]
                           for j in range(2 * M) if j != i0])
    xs = sp.Symbol("x")
    return SphereState(E / r2 ** 2, resid, (resid.T * resid)[0, 0] / r2 ** 5,
                       inertia((T.T * H * T).charpoly(xs).as_expr(), xs))
