"""li2verify.paper.sampling: the Thm 4 ascent on subsampled data and the component mass."""

import numpy as np

from li2verify.paper.activations import get_activation
from li2verify.paper.energy import energy_gradient
from li2verify.groups.finite import cyclic, dihedral
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.landscape import claimed_maximizer, join_uv, real_components
from li2verify.paper.sampling import component_mass, subsampled_ascent, subsampled_energy_and_gradient
from li2verify.paper.task import group_task, random_pairs


def test_component_mass_is_one_inside_and_zero_outside():
    g = dihedral(4)
    comps = real_components(irrep_decomposition(g))
    rng = np.random.default_rng(0)
    a, b = comps[0], comps[-1]
    w = join_uv(a.basis @ rng.normal(size=a.basis.shape[1]), a.basis @ rng.normal(size=a.basis.shape[1]), g)
    assert abs(component_mass(w[:, None], a.basis, g)[0] - 1) < 1e-12
    assert component_mass(w[:, None], b.basis, g)[0] < 1e-12


def test_ascent_on_all_pairs_keeps_a_thm2_maximizer():
    g = cyclic(7)
    dec = irrep_decomposition(g)
    comp = real_components(dec)[0]
    w0 = claimed_maximizer(g, dec, comp.k, np.random.default_rng(1))
    task = group_task(g)
    W, _ = subsampled_ascent(w0[:, None], task.X, task.Y_tilde, iters=50)
    assert np.linalg.norm(W[:, 0] - w0 / np.linalg.norm(w0)) < 1e-8  # a critical point does not move


def test_ascent_gradient_matches_the_energy_module():
    g = cyclic(5)
    rng = np.random.default_rng(2)
    task = group_task(g, random_pairs(g, 15, rng))
    w = rng.normal(size=10)
    w /= np.linalg.norm(w)
    step = 1e-9
    W, E1 = subsampled_ascent(w[:, None], task.X, task.Y_tilde, iters=1, step=step)
    E0 = subsampled_energy_and_gradient(w[:, None], task.X, task.Y_tilde)[0]
    assert np.allclose(E1, subsampled_energy_and_gradient(W, task.X, task.Y_tilde)[0])  # Ê at the returned point
    G = energy_gradient(w, task.X, task.Y_tilde, get_activation("square"))
    G -= w * (w @ G)
    moved = (W[:, 0] - w) * E0[0] / step
    assert np.allclose(moved, G, rtol=1e-5, atol=1e-9)
