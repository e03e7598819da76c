"""Worked example of a user conjecture module (docs/adding_a_claim.md walks through it).

Conjecture: for a positively homogeneous activation of degree p (σ(cx) = c^p σ(x) for c > 0: x² and ReLU²
with p = 2, ReLU with p = 1), the energy scales as E(cw) = c^{2p} E(w), so its critical points on a sphere of
any radius are the same directions: the ‖w‖ = 1 constraint of Sec 4.1 loses nothing.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.verify.claims import check, claim
from li2verify.paper.energy import energy, riemannian_gradient
from li2verify.groups.finite import cyclic
from li2verify.paper.task import group_task, random_pairs


DEGREE = {"square": 2, "relu2": 2, "relu": 1}


SCALING = claim(
    "conj.energy.homogeneous_scaling",
    title="Energy of a degree-p homogeneous activation scales as c^{2p}",
    paper_ref="conjecture (user module); Sec 4.1, Eqn 7",
    printed=r"For $\sigma(cx) = c^p\sigma(x)$ ($c > 0$): $\mathcal{E}(c\mathbf{w}) = c^{2p}\mathcal{E}(\mathbf{w})$, and "
            r"$\mathbf{w}$ is a critical point of $\mathcal{E}$ on $\|\mathbf{w}\| = 1$ iff $c\mathbf{w}$ is one on "
            r"$\|\mathbf{w}\| = c$.",
    assumptions=["σ ∈ {x², ReLU², ReLU}", "c > 0"],
    depends_on=["thm1.energy.gradient_ascent"],
)


@check(SCALING, "property")
@given(M=st.integers(2, 9), act=st.sampled_from(sorted(DEGREE)), c=st.floats(0.1, 10.0),
       seed=st.integers(0, 2**31 - 1))
def test_energy_scales_homogeneously(evidence, M, act, c, seed):
    evidence.describe("E(cw) computed directly vs c^{2p}·E(w), on cyclic groups with random pair subsets.")
    evidence.tolerance(1e-12, "error relative to the Cauchy–Schwarz bound ½‖Ỹ‖²‖σ(Xcw)‖² on E(cw), the size of the "
                              "terms summed: float64 rounding of n ≤ 81 terms. (Relative to E itself would be "
                              "wrong: with n = 1, Ỹ = 0 and E is pure rounding noise.)")
    rng = np.random.default_rng(seed)
    g = cyclic(M)
    task = group_task(g, random_pairs(g, int(rng.integers(1, M * M + 1)), rng))
    sigma = get_activation(act)
    w = rng.normal(size=2 * M)
    lhs = energy(c * w, task.X, task.Y_tilde, sigma)
    rhs = c ** (2 * DEGREE[act]) * energy(w, task.X, task.Y_tilde, sigma)
    scale = 0.5 * np.sum(task.Y_tilde**2) * np.sum(sigma(task.X @ (c * w)) ** 2)
    evidence.error(abs(lhs - rhs) / max(scale, np.finfo(float).tiny), family=f"Z{M}/{act}", seed=seed,
                   what="|E(cw) − c^{2p}E(w)| / bound")


@check(SCALING, "numeric")
def test_riemannian_gradient_scales(evidence, li2_profile):
    evidence.describe("The Riemannian gradient at cw on the radius-c sphere equals c^{2p−1} times the one at w "
                      "on the unit sphere, so critical directions coincide.")
    evidence.tolerance(1e-11, "relative; float64 rounding")
    for seed in range(li2_profile.pick(fast=10, thorough=100)):
        rng = np.random.default_rng(seed)
        g = cyclic(int(rng.integers(3, 10)))
        task = group_task(g)
        act = sorted(DEGREE)[seed % 3]
        sigma, p = get_activation(act), DEGREE[act]
        w = rng.normal(size=2 * g.order)
        w /= np.linalg.norm(w)
        c = float(rng.uniform(0.2, 5))
        # on the radius-c sphere the tangent projection at cw is the same as at w
        gw = riemannian_gradient(w, task.X, task.Y_tilde, sigma)
        from li2verify.paper.energy import energy_gradient

        gc = energy_gradient(c * w, task.X, task.Y_tilde, sigma)
        gc = gc - w * (w @ gc)
        evidence.close(gc, c ** (2 * p - 1) * gw, family=f"{g.name}/{act}", seed=seed)
