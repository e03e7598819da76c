"""Helpers shared by the Theorem 7 modules (``thm7_proof_projectors``, ``thm7_residual``,
``thm7_top_down_modulation``): the profile-sized groups and their learned irrep subsets S, the Hypothesis strategies
drawing them, and the certified exact character tables and isotypic projectors Π_k (Eqn 34) of the symbolic checks.
"""

from __future__ import annotations


import numpy as np
import sympy as sp
from hypothesis import strategies as st

from li2verify.groups.strategies import groups
from li2verify.groups.irreps import irrep_decomposition
from li2verify.paper.modulation import (
    conjugation_closure,
    learned_prediction,
    missing_irreps,
)
from li2verify.experiments.instances import modulation_instances
from li2verify.experiments.seeds import MODULATION


def component_indices(dec):
    return sorted({min(ir.k, ir.conjugate) for ir in dec.irreps[1:]})


def random_learned_subset(dec, rng):
    comps = component_indices(dec)
    m = int(rng.integers(1, len(comps))) if len(comps) > 1 else 1
    return conjugation_closure(dec, rng.choice(comps, m, replace=False))


def abelian_missing(dec, S):
    return all(dec.irreps[k].degree == 1 for k in missing_irreps(dec, S))


def exact_characters(G):
    """[(k, d_k, [χ_k(g)]_g)] exact, certified: χ(e) = d, Σ_g χ_i(g)conj χ_j(g) = Mδ_ij, Σ d² = M, and the number
    of irreps = the number of conjugacy classes (column orthogonality then follows)."""
    dec = irrep_decomposition(G)
    M = G.order
    table = [(ir.k, ir.degree, [_round_algebraic(complex(c)) for c in ir.character]) for ir in dec.irreps]
    ok = all(sp.simplify(ch[G.identity] - d) == 0 for _, d, ch in table)
    gram = [[sp.simplify(sp.expand(sum(x * sp.conjugate(y) for x, y in zip(a, b)))) for _, _, b in table] for _, _, a in table]
    ok = ok and all(gram[i][j] == (M if i == j else 0) for i in range(len(table)) for j in range(len(table)))
    ok = ok and sum(d * d for _, d, _ in table) == M
    classes = {frozenset(int(G.table[G.table[x, g], G.inverse[x]]) for x in range(M)) for g in range(M)}
    ok = ok and len(classes) == len(table)
    return table, bool(ok)


def regular_sym(G, h):
    return sp.Matrix(G.regular_representation(h).astype(int))


def exact_projector(G, d, ch):
    M = G.order
    P = sp.zeros(M, M)
    for g in range(M):
        P += sp.conjugate(ch[g]) * regular_sym(G, g)
    return (P * sp.Rational(d, M)).applyfunc(sp.expand)


def mat_zero(A) -> bool:
    """Exact zero test; entries lie in Q(i, √3), where expansion is a canonical form."""
    return all(sp.expand(x) == 0 for x in A)


def residual_instances(profile):
    for inst in modulation_instances(profile):
        fam, G, dec = inst.family, inst.group, inst.decomposition
        for seed in MODULATION[profile]:
            rng = np.random.default_rng(seed)
            S = random_learned_subset(dec, rng)
            net = learned_prediction(G, dec, S, rng)
            yield fam, G, dec, S, seed, net, rng


@st.composite
def group_and_learned(draw, max_order=16):
    """A group of any family, and S: a drawn proper subset of its real components (closed under conjugation,
    trivial irrep excluded, at least one component missing)."""
    G = draw(groups(max_order=max_order).filter(lambda g: len(component_indices(irrep_decomposition(g))) >= 1))
    dec = irrep_decomposition(G)
    comps = component_indices(dec)
    mask = draw(st.lists(st.booleans(), min_size=len(comps), max_size=len(comps)).filter(lambda m: not all(m)))
    return G, dec, conjugation_closure(dec, [c for c, b in zip(comps, mask) if b])


def _round_algebraic(z: complex):
    """A float64 character value rounded to an algebraic number (integers, halves, √3/2 multiples of i)."""
    re = sp.nsimplify(round(z.real * 2) / 2)
    im_s3 = z.imag / (np.sqrt(3) / 2)
    if abs(z.imag) < 1e-9:
        im = 0
    elif abs(im_s3 - round(im_s3)) < 1e-9:
        im = sp.Integer(round(im_s3)) * sp.sqrt(3) / 2
    else:
        im = sp.nsimplify(round(z.imag * 2) / 2)
    return sp.nsimplify(re) + sp.I * im
