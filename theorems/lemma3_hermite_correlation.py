"""Lemma 3 (App. F): the Hermite correlation identity, and the generating-function series of its proof.

Claims:
- ``lemma3.hermite.correlation`` — E[φ_n(Z1)φ_m(Z2)] = ρⁿδ_nm for standard normals with correlation ρ.
- ``lemma3.proof.generating_function`` — the proof's series exp(tz − t²/2) = Σφ_k(z)t^k and
  exp(ρtu) = Σρ^k(tu)^k are misprinted (they miss 1/√k! and 1/k!); the conclusion is unaffected.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.hermite import gauss_hermite, phi_all
from li2verify.verify.claims import check, claim

_x, _y, _t, _u = sp.symbols("x y t u", real=True)
_rho = sp.Symbol("rho", real=True)
#: the standard normal density (App. F)
_DENS = sp.exp(-_x**2 / 2) / sp.sqrt(2 * sp.pi)


def _gauss_moment(k: int) -> sp.Expr:
    """E[X^k] for X ~ N(0,1) by sympy integration."""
    return sp.simplify(sp.integrate(_x**k * _DENS, (_x, -sp.oo, sp.oo)))


def _sym_phi(n: int, z: sp.Expr) -> sp.Expr:
    return sp.hermite_prob(n, z) / sp.sqrt(sp.factorial(n))


LEMMA3 = claim(
    "lemma3.hermite.correlation",
    title="Lemma 3: E[φ_n(Z1)φ_m(Z2)] = ρⁿδ_nm",
    paper_ref="Lemma 3; App. F",
    printed=r"Let $\phi_n(z) := \text{He}_n(z)/\sqrt{n!}$ be the orthonormal Hermite system on $L^2(\gamma)$. If "
            r"$(Z_1, Z_2)$ are standard normals with correlation $\rho$, then $\mathbb{E}[\phi_n(Z_1)\phi_m(Z_2)] = "
            r"\rho^n \delta_{nm} \quad (n, m \geq 0).$",
    depends_on=["lemma4.moment.mgf"],
)


@check(LEMMA3, "symbolic")
def test_lemma3_symbolic(evidence):
    evidence.describe("sympy: Z1 = X, Z2 = ρX + √(1−ρ²)Y; expand φ_n(Z1)φ_m(Z2) and replace X^aY^b by "
                      "E[X^a]E[Y^b] from sympy Gaussian integrals; compare with ρⁿδ_nm for n, m ≤ 5")
    N = 5
    moments = {k: _gauss_moment(k) for k in range(2 * N + 1)}
    s = sp.sqrt(1 - _rho**2)
    for n in range(N + 1):
        for m in range(N + 1):
            poly = sp.Poly(sp.expand(_sym_phi(n, _x) * _sym_phi(m, _rho * _x + s * _y)), _x, _y)
            val = sum(c * moments[a] * moments[b] for (a, b), c in poly.terms())
            expected = _rho**n if n == m else 0
            evidence.holds(sp.simplify(val - expected) == 0, f"E[φ_{n}φ_{m}] = {expected}", family="symbolic")


@check(LEMMA3, "numeric")
def test_lemma3_quadrature(evidence, li2_profile):
    evidence.describe("2-D Gauss–Hermite (80×80 nodes, exact for polynomials of degree ≤ 159) of φ_n(Z1)φ_m(Z2), "
                      "n, m ≤ 12, fresh random ρ ∈ (−1, 1)")
    evidence.tolerance(1e-10, "absolute; Gauss–Hermite exact for these degrees up to float64 rounding of the "
                              "Hermite recurrence")
    x, w = gauss_hermite(80)
    X, Y = np.meshgrid(x, x, indexing="ij")
    W = np.outer(w, w)
    rng = np.random.default_rng(2024)
    for seed, rho in enumerate(rng.uniform(-0.99, 0.99, li2_profile.pick(fast=4, thorough=20))):
        P1 = phi_all(X, 12)
        P2 = phi_all(rho * X + math.sqrt(1 - rho * rho) * Y, 12)
        E = np.einsum("nij,mij,ij->nm", P1, P2, W)
        evidence.close(E, np.diag(rho ** np.arange(13)), rel=False, family=f"rho={rho:.3f}", seed=seed)


@check(LEMMA3, "property")
@given(rho=st.floats(-0.999, 0.999), n=st.integers(0, 15), m=st.integers(0, 15))
def test_lemma3_property(evidence, rho, n, m):
    evidence.describe("Hypothesis over ρ, n, m: Gauss–Hermite value of E[φ_n(Z1)φ_m(Z2)] vs ρⁿδ_nm")
    evidence.tolerance(1e-10, "absolute; exact quadrature up to float64 rounding")
    x, w = gauss_hermite(60)
    X, Y = np.meshgrid(x, x, indexing="ij")
    val = np.sum(np.outer(w, w) * phi_all(X, n)[n] * phi_all(rho * X + math.sqrt(1 - rho * rho) * Y, m)[m])
    evidence.error(abs(val - (rho**n if n == m else 0.0)), family=f"n={n},m={m}")


GENFUN = claim(
    "lemma3.proof.generating_function",
    title="Proof of Lemma 3: generating-function series miss 1/√k! and 1/k!",
    paper_ref="Proof of Lemma 3; App. F",
    printed=r"Use the generating function $\exp(tz - \frac{t^2}{2}) = \sum_{k \geq 0} \phi_k(z) t^k$ ... "
            r"$\mathbb{E}\left[e^{tZ_1 - \frac{t^2}{2}} e^{uZ_2 - \frac{u^2}{2}}\right] = \exp(\rho tu) = "
            r"\sum_{k \geq 0} \rho^k (tu)^k.$",
    verified=r"$\exp(tz - \frac{t^2}{2}) = \sum_{k\ge0}\mathrm{He}_k(z)\frac{t^k}{k!} = \sum_{k \geq 0} \phi_k(z) "
             r"\frac{t^k}{\sqrt{k!}}$, $\mathbb{E}[e^{tZ_1 - t^2/2}e^{uZ_2 - u^2/2}] = \exp(\rho tu) = \sum_k \rho^k "
             r"\frac{(tu)^k}{k!}$; matching $t^nu^m$ gives $\mathbb{E}[\phi_n\phi_m]/\sqrt{n!m!} = \rho^n\delta_{nm}/n!$",
    depends_on=["lemma4.moment.mgf"],
    notes="Both printed series are wrong by the same factors, so matching coefficients of the two wrong series "
          "still yields the (correct) Lemma 3; the intermediate identities E[e^{(t+ρu)X − t²/2}] = "
          "exp(ρtu + ρ²u²/2) and E[e^{u√(1−ρ²)Y − u²/2}] = exp(−ρ²u²/2) are correct (checked).",
)


@check(GENFUN, "symbolic")
def test_printed_series_are_wrong(evidence):
    evidence.describe("sympy: t² coefficient of exp(tz − t²/2) vs φ_2(z); t¹u¹ coefficient of exp(ρtu) vs ρ "
                      "(printed) — and the t²u² coefficient vs ρ²")
    why = "exact symbolic comparison (sympy simplify of the difference)"
    c2 = sp.expand(sp.series(sp.exp(_t * _x - _t**2 / 2), _t, 0, 3).removeO().coeff(_t, 2))
    # printed: exp(tz − t²/2) = Σ φ_k(z) t^k, so its t² coefficient would be φ_2(z)
    evidence.counterexample("exp(tz − t²/2) t²-coefficient is (z²−1)/2, printed series gives φ_2 = (z²−1)/√2",
                            measured=c2, printed=sp.expand(_sym_phi(2, _x)), tol=0.0, why=why, family="symbolic")
    c22 = sp.expand(sp.series(sp.exp(_rho * _t * _u), _t, 0, 3).removeO().coeff(_t, 2).coeff(_u, 2))
    # printed: exp(ρtu) = Σ ρ^k (tu)^k, so its (tu)² coefficient would be ρ²
    evidence.counterexample("exp(ρtu) (tu)² coefficient is ρ²/2, printed ρ²", measured=c22, printed=_rho**2, tol=0.0,
                            why=why, family="symbolic")


@check(GENFUN, "symbolic", target="corrected")
def test_corrected_series_and_intermediate_steps(evidence):
    evidence.describe("sympy: exp(tz − t²/2) = Σφ_k(z)t^k/√k! to order 8; exp(ρtu) = Σρ^k(tu)^k/k!; the proof's "
                      "two Gaussian expectations by symbolic integration")
    ser = sp.series(sp.exp(_t * _x - _t**2 / 2), _t, 0, 9).removeO()
    for k in range(9):
        evidence.holds(sp.simplify(ser.coeff(_t, k) - _sym_phi(k, _x) / sp.sqrt(sp.factorial(k))) == 0,
                       f"t^{k} coefficient", family="symbolic")
    ser2 = sp.series(sp.exp(_rho * _t * _u), _t, 0, 6).removeO()
    for k in range(6):
        evidence.holds(sp.simplify(ser2.coeff(_t, k) - _rho**k * _u**k / sp.factorial(k)) == 0, f"(tu)^{k}",
                       family="symbolic")
    e1 = sp.simplify(sp.integrate(sp.exp((_t + _rho * _u) * _x - _t**2 / 2) * _DENS, (_x, -sp.oo, sp.oo),
                                  conds="none"))
    evidence.holds(sp.simplify(e1 - sp.exp(_rho * _t * _u + _rho**2 * _u**2 / 2)) == 0,
                   "E[e^{(t+ρu)X − t²/2}] = exp(ρtu + ρ²u²/2)", family="symbolic")
    r = sp.Symbol("r", positive=True)  # r = √(1−ρ²)
    # sympy returns (erf(z) + erfc(z) + 1)/2·exp(...): rewrite erfc = 1 − erf before simplifying
    e2 = sp.simplify(sp.integrate(sp.exp(_u * r * _x - _u**2 / 2) * _DENS, (_x, -sp.oo, sp.oo), conds="none"))
    evidence.holds(sp.simplify((e2 / sp.exp(_u**2 * r**2 / 2 - _u**2 / 2)).rewrite(sp.erf)) == 1,
                   "E[e^{u√(1−ρ²)Y − u²/2}] = exp(u²(1−ρ²)/2 − u²/2)", family="symbolic")
