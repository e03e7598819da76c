"""Instances shared by the modules of Propositions 2–4, Lemma 11 and (H)/(H2) (App. H.1.2–H.2): the
group families, the α and t grids, random-feature group instances, synthetic realizable instances satisfying
(A1), (A2), (A4) exactly, the scalar gradient flow solved by sympy, and Hypothesis-drawn realizable instances.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from li2verify.groups.strategies import bounded_floats, real_matrices
from li2verify.paper.activations import get_activation
from li2verify.paper.lazy import (
    frob,
    random_feature_instance,
)
from li2verify.paper.task import center, group_task
from li2verify.utils.fits import geometric
from li2verify.experiments.instances import LAZY_FAMILIES

ALPHAS = geometric(1e-5, 1e-2, 8)
TS = geometric(1e-5, 1e-2, 8)
FAMILIES = LAZY_FAMILIES


def group_instance(family: str, seed: int, K: int | None = None, act: str = "square", w_scale: float = 0.5):
    task = group_task(FAMILIES[family]())
    rng = np.random.default_rng(seed)
    K = task.n - 1 if K is None else K
    Ft, Yt, _ = random_feature_instance(task.X, task.Y, K, get_activation(act), rng, w_scale)
    return Ft, Yt, rng.normal(size=(K, task.M))


def synthetic_realizable(seed: int, n: int = 10, K: int = 5, M: int = 3, sig2=(0.6, 1.0, 1.7, 2.5, 3.3)):
    """F̃ = UΣWᵀ with 1ᵀU = 0 and prescribed σ², Ỹ = F̃V_true: (A1), (A2), (A4) hold exactly."""
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(center(rng.normal(size=(n, K))))[0]
    W = np.linalg.qr(rng.normal(size=(K, K)))[0]
    Ft = U @ np.diag(np.sqrt(np.asarray(sig2[:K]) * (1 + 0.05 * rng.random(K)))) @ W.T
    Yt = Ft @ rng.normal(size=(K, M))
    return Ft, Yt, rng.normal(size=(K, M))


def scalar_flow(eta):
    """Closed-form scalar flow (n = K = M = 1): v' = f(y − fv) − ηv, v(0) = v0 (sympy dsolve); returns
    (symbols, v(t), G(t) = (y − fv)v)."""
    t = sp.symbols("t", nonnegative=True)
    f, y = sp.symbols("f y", positive=True)
    v0 = sp.symbols("v0", real=True)
    v = sp.Function("v")
    sol = sp.dsolve(sp.Eq(v(t).diff(t), f * (y - f * v(t)) - eta * v(t)), v(t), ics={v(0): v0}).rhs
    return (t, f, y, v0), sol, sp.simplify((y - f * sol) * sol)


def rounding_scale(Ft, Yt, V0, fl):
    """Size of the products G = (Ỹ − F̃V)Vᵀ is computed from along the flow (‖V(t)‖ ≤ ‖V*‖ + ‖V0 − V*‖ ≤ 2‖V*‖ + ‖V0‖):
    the scale of float64 rounding in G, so that a G that is exactly 0 (V0 = V* = 0) is compared with it, not with 0."""
    v = 2 * np.linalg.norm(fl.V_star, 2) + frob(V0)
    return max(np.linalg.norm(Ft, 2) * v * v + frob(Yt) * v, 1e-300)


@st.composite
def realizable_instances(draw, eta_range):
    K = draw(st.integers(1, 4))
    n = draw(st.integers(K, 6))
    M = draw(st.integers(1, 3))
    s = draw(bounded_floats(0.5, 3.0))
    F = draw(real_matrices((n, K), 1.0)) + s * np.eye(n, K)
    Vt = draw(real_matrices((K, M)))
    V0 = draw(real_matrices((K, M)))
    eta = draw(bounded_floats(*eta_range)) if eta_range else 0.0
    return F, F @ Vt, V0, eta
