"""Helpers shared by the Lemma 5, Lemma 6 and Theorem 5 modules (memorization; App. F.4): the activations
grouped by the type of φ = σ'/x, random target weights p, and the global maximizer of the single-target objective
F(s) = Σ_g p_g σ(s_g) by exponentiated-gradient ascent.
"""

from __future__ import annotations

import numpy as np

from li2verify.paper import memorization as MZ

ACTS_FOCUSED = ("square", "cube", "quartic")
ACTS_SPREAD = ("relu", "silu", "tanh", "sigmoid", "log_gap")


def mirror_maximizer(p, name, profile):
    """Global maximizer of F for decreasing φ by exponentiated-gradient ascent in t = s² (concave there).

    The step η respects the stability bound η·|d log φ/d log t| < 2 (≤ 0.29 for x − log(1+x) at s ≤ √2, ½ for
    ReLU, up to ≈1.8 for tanh/sigmoid): η = 2 for x − log(1+x), ½ otherwise.  The thresholded case gets more
    iterations: a coordinate whose p_gφ(0⁺) lies within a relative gap δ of 2λ decays like exp(−ηδN)."""
    act = MZ.memorization_activation(name)
    eta = 2.0 if name == "log_gap" else 0.5
    iters = profile.pick(fast=20000, thorough=40000) if name == "log_gap" else profile.pick(fast=3000, thorough=5000)
    return MZ.mirror_ascent_t(p, act, iters=iters, eta=eta)


def random_p(rng, M):
    p = rng.dirichlet(np.ones(M))
    return p


def label_centred_energy(w, data, p, act) -> float:
    """Eqn 7 on the single-target samples (weights p) with the labels centred over the M classes, Ỹ = Y − 1/M (the
    centring of the paper's code, ``li2verify.train.protocols``: targets one_hot − 1/M), computed from the data
    matrix: ½‖Ỹᵀ diag(p) σ(Xw)‖².  App. F.4's reduction says this is a fixed positive multiple of ½F(s(w))²
    (((M−1)/M)·½F², checked in thm5.reduction.energy_to_f's corrected check)."""
    M = data.group.order
    Y = np.zeros((M, M))
    Y[:, data.h] = 1.0
    z = (Y - 1.0 / M).T @ (p * act(data.X @ w))
    return 0.5 * float(z @ z)
