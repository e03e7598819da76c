"""Sec 4.2, after Eqn 8: in the regular representation every irrep k occurs m_k = d_k times, so M = Σ_k d_k².

Claim ``sec4.irreps.regular_multiplicity`` — checked three ways, each deriving the multiplicity from the
regular representation R_h itself (its traces or its isotypic projectors), never from the identity being checked:

- symbolic: exact cyclotomic arithmetic in Q(ζ_N) (GAP's exported characters, reduced modulo the cyclotomic
  polynomial Φ_N): m_k = (1/M) Σ_g tr(R_g) conj χ_k(g) with tr(R_g) counted from the Cayley table, compared
  exactly with d_k = χ_k(e); then Σ_k m_k d_k = M (the decomposition fills ℂ^M) gives Σ_k d_k² = M;
- numeric: the same character inner product in float64 over EVERY record of the shipped catalog (all orders);
- property: Hypothesis groups from every family: dim H_k = rank of the numerical isotypic projector
  Π_k = (d_k/M) Σ_g conj χ_k(g) R_g built from the permutation matrices, equal to m_k d_k with m_k the number of
  copies of irrep k in li2verify.groups.irreps' block decomposition of Q, and both equal to d_k².
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import given

from li2verify.groups import strategies as ST
from li2verify.groups.catalog import catalog_records
from li2verify.verify.claims import check, claim
from li2verify.groups.irreps import irrep_decomposition

MULT = claim(
    "sec4.irreps.regular_multiplicity",
    title="Regular representation: m_k = d_k for every irrep, hence M = Σ_k d_k²",
    paper_ref="Sec 4.2, after Eqn 8",
    printed=r"For regular representation $\{R_h\}$, one can prove that $m_k = d_k$ for all $k$ and thus "
            r"$|H| = M = \sum_k d_k^2$.",
    assumptions=["H a finite group, R_h the M×M permutation matrices of left multiplication (the regular "
                 "representation of Eqn 8), irreps over ℂ (all of them, the trivial one included)",
                 "groups: cyclic, products of two cyclic groups, dihedral, dicyclic and every record of the shipped "
                 "GAP SmallGroups catalog (non-Abelian groups of order ≤ 64, and those of order 65-128 with irrep "
                 "degrees ≤ 2)"],
)


# ------------------------------------------------------------------------------------------------ exact Q(ζ_N)
_Z = sp.Symbol("zeta")


def _cyclo(terms, N: int) -> dict[int, Fraction]:
    """A GAP cyclotomic (integer or [[e, num, den], ...]) as {exponent: coefficient} of ζ_N."""
    if isinstance(terms, int):
        return {0: Fraction(terms)}
    out: dict[int, Fraction] = {}
    for e, num, den in terms:
        out[e % N] = out.get(e % N, Fraction(0)) + Fraction(num, den)
    return out


def _reduce(c: dict[int, Fraction], N: int) -> sp.Poly:
    """The element Σ c_e ζ^e of Q(ζ_N) in its canonical form: the remainder modulo Φ_N."""
    p = sp.Poly(sum(sp.Rational(v.numerator, v.denominator) * _Z**e for e, v in c.items() if v) or sp.Integer(0),
                _Z, domain="QQ")
    return p.rem(sp.Poly(sp.cyclotomic_poly(N, _Z), _Z, domain="QQ"))


def _exact_multiplicities(rec):
    """(m_k, d_k) per irrep of a catalog record, exactly: m_k = (1/M) Σ_g tr(R_g) conj χ_k(g)."""
    M, N = rec.order, int(rec.raw.get("conductor") or 1)
    table = np.asarray(rec.table)
    fixed = [(table[g] == np.arange(M)).sum() for g in range(M)]   # tr R_g = #{h : g·h = h}
    class_of = np.asarray(rec.raw["class_of"])
    e = int(np.flatnonzero([(table[g] == np.arange(M)).all() for g in range(M)])[0])
    out = []
    for row in rec.raw["characters"]:
        acc: dict[int, Fraction] = {}
        for g in range(M):
            if not fixed[g]:
                continue
            for ex, v in _cyclo(row[class_of[g]], N).items():   # conj ζ^ex = ζ^{−ex}
                acc[(-ex) % N] = acc.get((-ex) % N, Fraction(0)) + Fraction(int(fixed[g]), M) * v
        out.append((_reduce(acc, N), _reduce(_cyclo(row[class_of[e]], N), N)))
    return out


def _records(max_order=None):
    return catalog_records(max_order=max_order)


@check(MULT, "symbolic")
def test_multiplicity_exact_cyclotomic(evidence, li2_profile):
    evidence.describe("Exact arithmetic in Q(ζ_N) on GAP's characters (reduced mod Φ_N): m_k = (1/M) Σ_g tr(R_g) "
                      "conj χ_k(g), tr(R_g) = fixed points of h ↦ g·h counted on the Cayley table; compared exactly "
                      "with d_k = χ_k(e); Σ_k m_k d_k = M (the isotypic pieces fill ℂ^M), so Σ_k d_k² = M exactly")
    evidence.tolerance(0.0, "exact rational/cyclotomic arithmetic: equality in Q(ζ_N)")
    max_ord = li2_profile.pick(fast=12, thorough=24, paper=32)
    recs = _records(max_ord)
    for rec in recs:
        md = _exact_multiplicities(rec)
        for k, (m, d) in enumerate(md):
            evidence.holds(m == d, f"{rec.label}: irrep {k}: m_k = {m.as_expr()} vs d_k = {d.as_expr()}",
                           family=rec.label)
        dims = [int(d.as_expr()) for _, d in md]
        mult = [m.as_expr() for m, _ in md]
        evidence.holds(sum(sp.Integer(x) * y for x, y in zip(dims, mult)) == rec.order,
                       f"{rec.label}: Σ m_k d_k = M", family=rec.label)
        evidence.holds(sum(x * x for x in dims) == rec.order, f"{rec.label}: Σ d_k² = M", family=rec.label)
    evidence.detail("groups (exact)", [f"{r.label} = {r.name}" for r in recs])


@check(MULT, "numeric")
def test_multiplicity_whole_catalog(evidence, li2_profile):
    evidence.describe("Every record of the shipped catalog (fast: the order ≤ 64 file, 469 records; thorough/paper: "
                      "both files, 1171 records — loading the 65-128 file takes ~13 s): m_k = (1/M) Σ_classes |C| tr(R_g) conj χ_k(C) in "
                      "float64 from GAP's characters and tr(R_g) counted on the Cayley table, vs d_k = χ_k(e); and "
                      "Σ_k d_k² = M from the exported degrees (integers)")
    evidence.tolerance(1e-9, "float64 rounding of a sum of ≤ 128 unit-modulus products divided by M")
    recs = _records(li2_profile.pick(fast=64, thorough=None, paper=None))
    orders = {}
    for rec in recs:
        M = rec.order
        table = np.asarray(rec.table)
        tr = (table == np.arange(M)[None, :]).sum(axis=1).astype(float)        # tr R_g per element g
        chi = rec.element_characters()                                         # [k, g]
        m = (chi.conj() * tr[None, :]).sum(axis=1) / M
        e = int(np.flatnonzero(tr == M)[0])
        d = chi[:, e]
        evidence.close(m, d, rel=False, family=f"order {M}", what=f"{rec.label}: m_k − d_k")
        evidence.holds(int(np.sum(np.asarray(rec.irrep_degrees) ** 2)) == M, f"{rec.label}: Σ d_k² = M",
                       family=f"order {M}")
        orders[M] = orders.get(M, 0) + 1
    evidence.detail("records checked by order", orders)
    evidence.detail("records checked", len(recs))


@check(MULT, "property")
@given(spec=ST.group_specs(max_order=min(ST.max_order(), 24)))
def test_isotypic_dimension_is_d_squared(evidence, spec):
    evidence.describe("Hypothesis groups of every family: rank of Π_k = (d_k/M) Σ_g conj χ_k(g) R_g (built from "
                      "the permutation matrices) = dim H_k = m_k d_k, with m_k the number of copies of irrep k in the "
                      "block decomposition of Q; both = d_k², and Σ_k d_k² = M")
    evidence.tolerance(1e-8, "eigenvalues of the float64 projector Π_k are 0 or 1 up to O(M·ε); rank counted "
                             "with a 0.5 cut-off and Π_k² = Π_k held to 1e-8")
    g = ST.group(spec)
    dec = irrep_decomposition(g)
    M = g.order
    R = np.stack([g.regular_representation(h) for h in range(M)]).astype(float)
    copies: dict[int, int] = {}
    for b in dec.blocks:
        copies[b.k] = copies.get(b.k, 0) + 1
    total = 0
    for ir in dec.irreps:
        d = ir.degree
        P = (d / M) * np.einsum("g,gij->ij", ir.character.conj(), R)
        evidence.close(P @ P, P, rel=False, family=spec, what=f"Π_{ir.k}² − Π_{ir.k}")
        ev = np.linalg.eigvalsh((P + P.conj().T) / 2)
        rank = int((ev > 0.5).sum())
        evidence.holds(copies.get(ir.k, 0) == d, f"{spec}: irrep {ir.k}: m_k = {copies.get(ir.k, 0)} copies vs "
                                                 f"d_k = {d}", family=spec)
        evidence.holds(rank == copies.get(ir.k, 0) * d == d * d, f"{spec}: rank Π_k = {rank}, m_k d_k, d_k² = {d * d}",
                       family=spec)
        total += d * d
    evidence.holds(total == M, f"{spec}: Σ d_k² = {total} vs M = {M}", family=spec)
