"""Theorem 4 (Sec 4.5; App. F.3): the steps of its proof.  The theorem-level claim
``thm4.sample_complexity.maxima_kept`` is in ``thm4_sample_complexity``.

Proof-step claims (App. F.3), each derived with sympy on generic symbols under the sampling model of F.3 (rows
kept independently with probability p, M rows per target):

- ``thm4.proof.eqn25`` — m̂_h ∼ Bin(M, p), E m̂ = pM, Var m̂ = Mp(1 − p); w_h = m̂_h/(pM) with E w = 1 and
  Var(w_h) = (1 − p)/(pM); the Horvitz–Thompson ẑ_h is unbiased; tr Δ_h = 0, E[ε_h | S, m̂_h] = 0 (Eqn 25).
- ``thm4.proof.eqn27`` — E[Â] = A and E[Â⁽²⁾] = A + (1 − p)/(pM)·A (the bias of the second-weighted operator).
- ``thm4.proof.eqn28`` — the Matrix Bernstein parameters of (28): E X_h = 0, E[X_hX_h*] = Var(w_h)/M² I ⪯ I/(pM³),
  v ≤ 1/(pM²), and the almost-sure bound ‖X_h‖ ≤ |w_h − 1|/M ≤ 1/M — which fails: |w_h − 1| reaches 1/p − 1
  (all M rows of a target kept), so L = 1/M is wrong for p < 1/2 (erratum; with L = 1/(pM) Bernstein still gives
  (28) in the regime Mp ≥ log(6d/δ), derived exactly).
- ``thm4.proof.eqn30`` — E3's conditional noise variance E[ε_h² | S, w_h] ≲ ‖S‖_F²/p, derived exactly:
  m̂(M − m̂)/(p²M(M − 1))·Σ_j(s_{h,j} − s̄_h)²; its average over m̂ is (1 − p)/p·Σ_j(s_{h,j} − s̄_h)² ≤ ‖S‖_F²/p, but
  conditionally the ratio reaches M/(4p(M − 1)) at m̂ = M/2, so no universal constant covers every w_h
  (inconclusive: a '≲' with an unspecified constant).
- ``thm4.proof.vertex_slope`` — 'ΔÊ < 0 for all sufficiently small ε > 0 provided ‖E‖_op < 1/d_a': the
  population slope −M/(4d_a) is right, but the first-order term of the perturbation is (M/4)(E_ba − E_aa)ε and
  sup_{‖E‖≤1, E = Eᵀ}(E_ba − E_aa) = √2, not 1: a symmetric E with ‖E‖ = 0.9/d_a makes a leak direction uphill
  (erratum; the corrected condition is ‖E‖_op < 1/(√2 d_a), absorbed by the theorem's universal constant).
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from li2verify.groups.finite import cyclic
from li2verify.groups.irreps import irrep_decomposition
from li2verify.groups.strategies import bounded_floats, groups, real_matrices
from li2verify.verify.claims import check, claim

# -------------------------------------------------------------------------------------------------------------
# Proof steps: sampling model (Eqn 25)
# -------------------------------------------------------------------------------------------------------------
EQN25 = claim(
    "thm4.proof.eqn25",
    title="Sampling model of F.3: Bin(M, p) counts, Var(w_h) = (1 − p)/(pM), unbiased ẑ_h, E[ε_h | S, m̂_h] = 0",
    paper_ref="Thm 4 proof, App. F.3 (Setup, Estimator, Gram operator; Eqn 25)",
    printed=r"$\hat{m}_h := \sum_{j=1}^M \xi_{h,j} \sim \text{Bin}(M, p), \mathbb{E}[\hat{m}_h] = pM, \text{Var}(\hat{m}_h) = "
            r"Mp(1-p)$ ... $\hat{z}_h := \frac{1}{p} \sum_{j=1}^M \xi_{h,j} s_{h,j} \Rightarrow \mathbb{E}[\hat{z}_h | S] = z_h$ "
            r"... $w_h := \frac{\hat{m}_h}{pM}, \mathbb{E}[w_h] = 1, \text{Var}(w_h) = \frac{1-p}{pM} \leq \frac{1}{pM}$ ... "
            r"$W_h^{\text{HT}} = w_h I + \Delta_h, \text{tr}(\Delta_h) = 0, \mathbb{E}[\Delta_h | \hat{m}_h] = 0$ ... "
            r"$\hat{z}_h = w_h z_h + \varepsilon_h, \varepsilon_h := \langle R_h \Delta_h, S \rangle, "
            r"\mathbb{E}[\varepsilon_h | S, \hat{m}_h] = 0$ (25)",
    assumptions=["rows (h, j) kept independently with probability p ∈ (0, 1], M rows per target h",
                 "s_{h,j} = (R_hᵀS)_{jj} generic reals"],
)


def _binomial_moments(M, p):
    """Mean and variance of m̂ ~ Bin(M, p) from the cumulant generating function M·log(1 − p + pe^t) (generic M)."""
    t = sp.symbols("t")
    K = M * sp.log(1 - p + p * sp.exp(t))
    return sp.simplify(sp.diff(K, t).subs(t, 0)), sp.simplify(sp.diff(K, t, 2).subs(t, 0))


def _patterns(M):
    return list(itertools.product((0, 1), repeat=M))


@check(EQN25, "symbolic")
def test_eqn25_sampling_moments(evidence):
    evidence.describe("sympy: E m̂ and Var m̂ from the cumulant generating function M·log(1 − p + pe^t) with generic "
                      "M, p; then E w_h, Var(w_h) = Var(m̂)/(pM)² vs the printed (1 − p)/(pM) (and ≤ 1/(pM)); for M = 4 "
                      "with generic s_1..s_4 and p, exact enumeration of the 2⁴ keep patterns: E[ẑ_h] = Σ_j s_j "
                      "(Horvitz–Thompson), and for every count m̂ = m: tr Δ_h = 0 on every pattern, E[Δ_h | m̂] = 0 and "
                      "E[ε_h | m̂] = 0 (patterns with m̂ = m equally likely)")
    evidence.tolerance(0.0, "exact symbolic identities")
    M, p = sp.symbols("M p", positive=True)
    mean, var = _binomial_moments(M, p)
    evidence.holds(sp.simplify(mean - p * M) == 0, "E m̂ = pM", family="generic M")
    evidence.holds(sp.simplify(var - M * p * (1 - p)) == 0, "Var m̂ = Mp(1 − p)", family="generic M")
    Ew = sp.simplify(mean / (p * M))
    Varw = sp.simplify(var / (p * M) ** 2)
    evidence.detail("Var(w_h) (derived)", str(Varw))
    evidence.holds(Ew == 1, "E w_h = 1", family="generic M")
    evidence.holds(sp.simplify(Varw - (1 - p) / (p * M)) == 0, "Var(w_h) = (1 − p)/(pM)", family="generic M")
    evidence.holds(sp.simplify(1 / (p * M) - Varw).is_nonnegative is True, "Var(w_h) ≤ 1/(pM)", family="generic M")
    n = 4
    s_ = sp.symbols(f"s1:{n + 1}", real=True)
    q = sp.symbols("q", positive=True)
    pats = _patterns(n)
    weight = {x: q ** sum(x) * (1 - q) ** (n - sum(x)) for x in pats}
    Ez = sp.expand(sum(weight[x] * sum(xi * si for xi, si in zip(x, s_)) / q for x in pats))
    evidence.holds(sp.simplify(Ez - sum(s_)) == 0, "E[ẑ_h | S] = z_h", family="M=4")
    for m in range(1, n + 1):
        sub = [x for x in pats if sum(x) == m]
        w = sp.Rational(m, n) / q
        evidence.holds(all(sp.simplify(sum(xi / q - w for xi in x)) == 0 for x in sub), f"tr Δ_h = 0 (m̂ = {m})",
                       family="M=4")
        EDelta = [sp.simplify(sum(x[j] / q - w for x in sub) / len(sub)) for j in range(n)]
        evidence.holds(all(e == 0 for e in EDelta), f"E[Δ_h | m̂ = {m}] = 0", family="M=4")
        Eeps = sp.simplify(sum(sum((xi / q - w) * si for xi, si in zip(x, s_)) for x in sub) / len(sub))
        evidence.holds(Eeps == 0, f"E[ε_h | S, m̂ = {m}] = 0", family="M=4")


@st.composite
def _mask_instances(draw):
    g = draw(groups(max_order=12))
    M = g.order
    p = draw(bounded_floats(0.05, 1.0))
    keep = draw(hnp.arrays(np.bool_, (M, M)))
    S = draw(real_matrices((M, M)))
    return g, p, keep, S


@check(EQN25, "property")
@given(inst=_mask_instances())
def test_eqn25_decomposition_on_drawn_masks(evidence, inst):
    evidence.describe("Hypothesis over groups of every family (order ≤ 12), p ∈ [0.05, 1], a keep mask ξ ∈ {0,1}^{M×M} "
                      "(row (h, j) = the j-th pair with target h, ordered by h_1) and S ∈ [−3, 3]^{M×M}: ẑ_h = "
                      "⟨R_hW_h^HT, S⟩ computed from the kept pairs vs w_hz_h + ε_h with ε_h = ⟨R_hΔ_h, S⟩, and tr Δ_h = 0")
    evidence.tolerance(1e-12, "relative to Σ_j|s_{h,j}|/p: float64 sums of ≤ 12 terms of size ≤ 3/p")
    g, p, keep, S = inst
    M = g.order
    T = g.table
    for h in range(M):
        # rows with target h: pairs (h1, h1⁻¹h), j = h1; s_{h,j} = (R_hᵀS)_{jj} with R_h e_g = e_{hg}
        s = np.array([S[T[h, j], j] for j in range(M)])
        xi = keep[h].astype(float)
        zhat = float(xi @ s) / p
        w = xi.sum() / (p * M)
        Delta = np.diag(xi / p) - w * np.eye(M)
        eps = float(np.sum(np.diag(Delta) * s))
        scale = max(float(np.abs(s).sum()) / p, 1e-300)
        evidence.error(abs(zhat - (w * s.sum() + eps)) / scale, family=g.name, what="ẑ_h − (w_hz_h + ε_h)")
        evidence.error(abs(np.trace(Delta)) * p / M, family=g.name, what="tr Δ_h")


# -------------------------------------------------------------------------------------------------------------
# Proof steps: the bias of Â⁽²⁾ (after Eqn 27)
# -------------------------------------------------------------------------------------------------------------
EQN27 = claim(
    "thm4.proof.eqn27",
    title="E[Â] = A, E[Â⁽²⁾] = A + (1 − p)/(pM)·A",
    paper_ref="Thm 4 proof, App. F.3 (after Eqn 27)",
    printed=r"$\widehat{A}_{k,k'}^{(2)} := \frac{1}{M} \sum_h w_h^2 \overline{C}_{k',h} \otimes C_{k,h}$ and "
            r"$\widehat{A}_{k,k'} := \frac{1}{M} \sum_h w_h \overline{C}_{k',h} \otimes C_{k,h}$ ... By construction, "
            r"$\mathbb{E}[\widehat{A}_{k,k'}] = A_{k,k'}$ and $\mathbb{E}[\widehat{A}_{k,k'}^{(2)}] = A_{k,k'} + "
            r"\frac{1-p}{pM} A_{k,k'}$ (a tiny bias of order $1/(pM)$).",
    assumptions=["the sampling model of thm4.proof.eqn25 (w_h independent over h)"],
    depends_on=["thm4.proof.eqn25"],
)


@check(EQN27, "symbolic")
def test_eqn27_bias_of_second_weighted_operator(evidence):
    evidence.describe("sympy: E[w_h] and E[w_h²] = (Var m̂ + (E m̂)²)/(pM)² from the binomial cumulants (generic M, p); "
                      "since B_h = conj C_{k',h} ⊗ C_{k,h} is deterministic and the w_h are identically distributed, "
                      "E[Â] = E[w]·A and E[Â⁽²⁾] = E[w²]·A; the derived bias coefficient E[w²] − 1 vs the printed "
                      "(1 − p)/(pM); cross-check of E[w²] by exact enumeration of Bin(M, p) for M = 1..6")
    evidence.tolerance(0.0, "exact symbolic identities")
    M, p = sp.symbols("M p", positive=True)
    mean, var = _binomial_moments(M, p)
    Ew = sp.simplify(mean / (p * M))
    Ew2 = sp.simplify((var + mean ** 2) / (p * M) ** 2)
    evidence.holds(Ew == 1, "E[Â] = A (E w_h = 1)", family="generic M")
    evidence.detail("E[w_h²] (derived)", str(Ew2))
    evidence.holds(sp.simplify(Ew2 - 1 - (1 - p) / (p * M)) == 0, "E[Â⁽²⁾] = (1 + (1 − p)/(pM))A", family="generic M")
    for m in range(1, 7):
        enum = sum(sp.binomial(m, k) * p ** k * (1 - p) ** (m - k) * (sp.Rational(k, m) / p) ** 2 for k in range(m + 1))
        evidence.holds(sp.simplify(enum - Ew2.subs(M, m)) == 0, f"E[w²] by enumeration (M = {m})", family=f"M={m}")


@check(EQN27, "numeric")
def test_eqn27_bias_monte_carlo(evidence, li2_profile):
    evidence.describe("Monte Carlo over keep masks on S3 (irreps of degree 1, 1, 2) and Z5: the average of Â⁽²⁾_{k,k'} = "
                      "(1/M)Σ_h w_h² conj C_{k',h} ⊗ C_{k,h} over N draws vs (1 + (1 − p)/(pM))A_{k,k'} (z-score of "
                      "the worst entry), p ∈ {0.2, 0.5}; the unbiased alternative A is reported")
    evidence.tolerance(5.0, "|z| ≤ 5 per entry: two-sided Bonferroni over ≲ 300 entries, family-wise false alarm ≲ 1e-4")
    from li2verify.groups.finite import symmetric

    N = li2_profile.pick(fast=4000, thorough=40000)
    rng = np.random.default_rng(27)
    rows = []
    for g in (symmetric(3), cyclic(5)):
        dec = irrep_decomposition(g)
        M = g.order
        ks = range(1, len(dec.irreps))
        for p in (0.2, 0.5):
            w = rng.binomial(M, p, size=(N, M)) / (p * M)
            for k in ks:
                for k2 in ks:
                    B = np.array([np.kron(np.conj(dec.irreps[k2].matrices[h]), dec.irreps[k].matrices[h])
                                  for h in range(M)])
                    A = B.mean(axis=0)
                    samples = np.einsum("nh,hij->nij", w ** 2, B) / M
                    mean = samples.mean(axis=0)
                    se = samples.std(axis=0, ddof=1) / np.sqrt(N)
                    target = (1 + (1 - p) / (p * M)) * A
                    ok = se > 1e-12
                    z = np.abs(mean - target)[ok] / se[ok] if ok.any() else np.zeros(1)
                    exact = np.abs(mean - target)[~ok]
                    evidence.error(float(max(z.max(initial=0.0), exact.max(initial=0.0) * 1e12)),
                                   family=f"{g.name},p={p},k={k},k'={k2}", seed=27, what="z of E[Â⁽²⁾] vs biased A")
                    if np.abs(A).max() > 1e-9:
                        zA = np.abs(mean - A)[ok] / se[ok]
                        rows.append({"group": g.name, "p": p, "k": k, "k2": k2, "max_z_vs_A": float(zA.max(initial=0))})
    evidence.detail("z against the unbiased A (the bias is visible where large)", rows[:12])


# -------------------------------------------------------------------------------------------------------------
# Proof steps: Matrix Bernstein parameters of (28)
# -------------------------------------------------------------------------------------------------------------
EQN28 = claim(
    "thm4.proof.eqn28",
    title="Matrix Bernstein parameters of (28): ‖X_h‖ ≤ 1/M, E[X_hX_h*] ⪯ I/(pM³), v ≤ 1/(pM²)",
    paper_ref="Thm 4 proof, App. F.3 ('Proof of (28)')",
    printed=r"$X_h := \frac{1}{M} (w_h - 1) B_h, \quad \mathbb{E}[X_h] = 0, \quad \|X_h\| \leq \frac{|w_h - 1|}{M} \leq "
            r"\frac{1}{M}.$ We have $\mathbb{E}[X_h X_h^*] = \frac{\mathbb{E}[(w_h - 1)^2]}{M^2} B_h B_h^* = "
            r"\frac{\text{Var}(w_h)}{M^2} I \preceq \frac{1}{pM^3} I.$ Summing over $h$ gives variance proxy "
            r"$v \leq M \cdot \frac{1}{pM^3} = \frac{1}{pM^2}$.",
    verified=r"$\|X_h\| = \frac{|w_h - 1|}{M} \leq \frac{\max(1, 1/p - 1)}{M} \leq \frac{1}{pM}$ (attained when all $M$ "
             r"rows of target $h$ are kept), $\mathbb{E}[X_hX_h^*] = \frac{1-p}{pM^3} I$, $v = \frac{1-p}{pM^2}$; with "
             r"$L = \frac{1}{pM}$ Matrix Bernstein gives $\|\widehat{A} - A\|_{op} \leq t = \frac{L\ell}{3} + "
             r"\sqrt{\frac{L^2\ell^2}{9} + 2v\ell} \leq \frac{1+\sqrt{19}}{3}\sqrt{\frac{\ell}{Mp}}$, "
             r"$\ell = \log(6d/\delta)$, whenever $Mp \geq \ell$ (so (28) holds in the theorem's regime)",
    assumptions=["the sampling model of thm4.proof.eqn25", "B_h unitary (‖B_h‖ = 1)", "Matrix Bernstein as "
                 "printed (Tropp 2012), failure probability δ/3 per bound"],
    depends_on=["thm4.proof.eqn25"],
)


@check(EQN28, "symbolic")
def test_eqn28_almost_sure_bound(evidence):
    evidence.describe("sympy: the support of w_h = m̂/(pM) is {m/(pM): m = 0..M}; |w_h − 1| is affine in m, so its "
                      "maximum over the support is max(|0 − 1|, |1/p − 1|) (m = 0 and m = M, the latter with "
                      "probability p^M > 0); at p = 1/4 this is 3, against the printed M‖X_h‖ ≤ 1")
    evidence.tolerance(0.0, "exact rational arithmetic")
    M, m = sp.symbols("M m", positive=True)
    p = sp.Rational(1, 4)
    dev = sp.Abs(m / (p * M) - 1)
    sup = sp.Max(dev.subs(m, 0), sp.simplify(dev.subs(m, M)))
    evidence.detail("sup |w_h − 1| at p = 1/4", str(sup))
    evidence.counterexample("M·‖X_h‖ = |w_h − 1| exceeds 1 when all M rows of a target are kept (p < 1/2)",
                            measured=sp.nsimplify(sup), printed=sp.Integer(1), relation="<=", family="p=1/4, any M",
                            probability_of_event="p^M")


@check(EQN28, "symbolic")
def test_eqn28_variance_proxy(evidence):
    evidence.describe("sympy, generic M, p: E[X_hX_h*] = E[(w_h − 1)²]/M²·B_hB_h* with E[(w − 1)²] = E[w²] − 2E[w] + 1 "
                      "from the binomial cumulants = (1 − p)/(pM), so E[X_hX_h*] = (1 − p)/(pM³)I ⪯ I/(pM³) and "
                      "v = Σ_h‖E X_hX_h*‖ = (1 − p)/(pM²) ≤ 1/(pM²)")
    evidence.tolerance(0.0, "exact symbolic identities")
    M, p = sp.symbols("M p", positive=True)
    mean, var = _binomial_moments(M, p)
    Ew, Ew2 = mean / (p * M), (var + mean ** 2) / (p * M) ** 2
    second = sp.simplify(Ew2 - 2 * Ew + 1)
    evidence.holds(sp.simplify(Ew - 1) == 0, "E X_h = 0")
    evidence.holds(sp.simplify(second - (1 - p) / (p * M)) == 0, "E[(w_h − 1)²] = Var(w_h)")
    evidence.holds(sp.simplify(1 / (p * M ** 3) - second / M ** 2).is_nonnegative is True, "E[X_hX_h*] ⪯ I/(pM³)")
    evidence.holds(sp.simplify(1 / (p * M ** 2) - M * second / M ** 2).is_nonnegative is True, "v ≤ 1/(pM²)")


@check(EQN28, "symbolic", target="corrected")
def test_eqn28_corrected_bernstein(evidence):
    evidence.describe("sympy: (i) max(1, 1/p − 1) ≤ 1/p on (0, 1] (p = 1/(1 + u), u ≥ 0); (ii) Matrix Bernstein with "
                      "L = 1/(pM), v = (1 − p)/(pM²) ≤ 1/(pM²): 2d·exp(−(t²/2)/(v + Lt/3)) = δ/3 solved for t > 0, "
                      "t = Lℓ/3 + √(L²ℓ²/9 + 2vℓ), ℓ = log(6d/δ); with r = ℓ/(Mp) the ratio t/√(ℓ/(Mp)) = √r/3 + "
                      "√(r/9 + 2/M) is increasing in r and decreasing in M, so ≤ (1 + √19)/3 for r ≤ 1, M ≥ 1")
    evidence.tolerance(0.0, "exact symbolic decisions")
    u = sp.symbols("u", nonnegative=True)
    invp = 1 + u  # 1/p for p = 1/(1 + u) ∈ (0, 1]
    evidence.holds((invp - 1).is_nonnegative is True and (invp - u).is_positive is True,
                   "both branches of max(1, 1/p − 1) ≤ 1/p")
    t, ell, x, M = sp.symbols("t ell x M", positive=True)  # x = Mp
    L, v = 1 / x, 1 / (x * M)
    # t²/2 − ℓ(v + Lt/3) = 0: the product of its roots is −2ℓv < 0 (Vieta), so exactly one root is positive
    quad = sp.Poly(t ** 2 / 2 - ell * (v + L * t / 3), t)
    c2, c1, c0 = quad.all_coeffs()
    evidence.holds(sp.simplify(c0 / c2).is_negative is True, "one positive root t* (product of roots < 0)")
    tstar = L * ell / 3 + sp.sqrt(L ** 2 * ell ** 2 / 9 + 2 * v * ell)
    evidence.holds(sp.simplify(quad.as_expr().subs(t, tstar)) == 0 and tstar.is_positive is True,
                   "t* = Lℓ/3 + √(L²ℓ²/9 + 2vℓ) is that root")
    r = sp.symbols("r", positive=True)
    ratio = sp.simplify((tstar / sp.sqrt(ell / x)).subs(ell, r * x))
    evidence.detail("t*/√(ℓ/(Mp)) with r = ℓ/(Mp)", str(ratio))
    form = sp.sqrt(r) / 3 + sp.sqrt(r / 9 + 2 / M)
    evidence.holds(sp.simplify(ratio - form) == 0, "ratio = √r/3 + √(r/9 + 2/M)")
    ratio = form
    evidence.holds(sp.diff(ratio, r).is_positive is True and sp.diff(ratio, M).is_negative is True,
                   "ratio increasing in r, decreasing in M")
    bound = sp.simplify(ratio.subs({r: 1, M: 1}))
    evidence.holds(sp.simplify(bound - (1 + sp.sqrt(19)) / 3) == 0, "max ratio (r ≤ 1, M ≥ 1) = (1 + √19)/3")


@check(EQN28, "property", target="corrected")
@given(M=st.integers(2, 4096), p=bounded_floats(0.01, 1.0))
def test_eqn28_support_bound_property(evidence, M, p):
    evidence.describe("Hypothesis over M ∈ [2, 4096], p ∈ [0.01, 1]: max over the support m = 0..M of |m/(pM) − 1| "
                      "(computed over every m) = max(1, 1/p − 1) ≤ 1/p, and the variance (1/M)Σ_m Bin(m; M, p)(m/(pM) − 1)² "
                      "= (1 − p)/(pM)")
    evidence.tolerance(1e-10, "relative; float64 sums of ≤ 4097 binomial terms (scipy pmf, relative error ~1e-13)")
    from scipy.stats import binom

    m = np.arange(M + 1)
    dev = np.abs(m / (p * M) - 1)
    evidence.close(dev.max(), max(1.0, 1 / p - 1), family=f"M={M}", what="sup |w − 1|")
    evidence.holds(dev.max() <= 1 / p * (1 + 1e-12), "sup |w − 1| ≤ 1/p", family=f"M={M}")
    pmf = binom.pmf(m, M, p)
    evidence.close(float(pmf @ dev ** 2), (1 - p) / (p * M), family=f"M={M}", what="Var(w)")


# -------------------------------------------------------------------------------------------------------------
# Proof steps: E3's conditional noise variance (30)
# -------------------------------------------------------------------------------------------------------------
EQN30 = claim(
    "thm4.proof.eqn30",
    title="E3: conditional noise variance E[ε_h² | S, w_h] ≲ ‖S‖_F²/p",
    paper_ref="Thm 4 proof, App. F.3 ('Bounds for the mixed and noise terms in (30)')",
    printed=r"Conditional on $S$ and $\{w_h\}$, the $\{\varepsilon_h\}$ are independent, mean-zero, and "
            r"$|\varepsilon_h| = |\langle R_h \Delta_h, S \rangle| \leq \|R_h \Delta_h\|_F \|S\|_F \leq \|\Delta_h\|_F "
            r"\|S\|_F, \quad \mathbb{E}[\varepsilon_h^2 | S, w_h] \lesssim \frac{\|S\|_F^2}{p}.$",
    assumptions=["the sampling model of thm4.proof.eqn25", "'≲' = at most a universal constant times"],
    depends_on=["thm4.proof.eqn25"],
)


@check(EQN30, "symbolic")
def test_eqn30_conditional_noise_variance(evidence):
    evidence.describe("sympy, M = 4 with generic s_1..s_4 and p: E[ε_h² | m̂ = m] by exact enumeration of the "
                      "equally likely patterns with m kept rows vs the derived m(M − m)/(p²M(M − 1))·Σ_j(s_j − s̄)²; its "
                      "average over m̂ ~ Bin(M, p) = (1 − p)/p·Σ(s_j − s̄)² ≤ Σs_j²/p ≤ ‖S‖_F²/p (constant 1); the "
                      "conditional ratio to ‖S‖_F²/p at m̂ = M/2 is M/(4p(M − 1)), unbounded as p → 0, so the '≲' "
                      "conditional on w_h holds with no universal constant")
    evidence.tolerance(0.0, "exact symbolic identities")
    n = 4
    s_ = sp.symbols(f"s1:{n + 1}", real=True)
    q = sp.symbols("p", positive=True)
    sbar = sum(s_) / n
    css = sum((si - sbar) ** 2 for si in s_)
    pats = _patterns(n)
    cond = {}
    for m in range(0, n + 1):
        sub = [x for x in pats if sum(x) == m]
        w = sp.Rational(m, n) / q
        E2 = sum(sum((xi / q - w) * si for xi, si in zip(x, s_)) ** 2 for x in sub) / len(sub)
        cond[m] = sp.simplify(E2)
        derived = sp.Rational(m * (n - m), n * (n - 1)) / q ** 2 * css
        evidence.holds(sp.simplify(sp.expand(cond[m] - derived)) == 0, f"E[ε² | m̂ = {m}] closed form", family="M=4")
    avg = sum(sp.binomial(n, m) * q ** m * (1 - q) ** (n - m) * cond[m] for m in range(n + 1))
    evidence.holds(sp.simplify(sp.expand(avg - (1 - q) / q * css)) == 0, "E[ε²] = (1 − p)/p·Σ(s − s̄)²", family="M=4")
    evidence.holds(sp.expand(sum(si ** 2 for si in s_) - css - sum(s_) ** 2 / n) == 0,
                   "Σs² − Σ(s − s̄)² = (Σs)²/M ≥ 0, so E[ε²] ≤ Σs²/p ≤ ‖S‖_F²/p", family="M=4")
    Msym, psym = sp.symbols("M p", positive=True)
    worst = sp.simplify((Msym / 2) * (Msym - Msym / 2) / (psym ** 2 * Msym * (Msym - 1)) * psym)
    evidence.detail("conditional ratio E[ε²|m̂ = M/2]/(Σ(s − s̄)²/p)", str(worst))
    evidence.inconclusive("'E[ε_h² | S, w_h] ≲ ‖S‖_F²/p' with an unspecified constant: on average over w_h it holds with "
                          "constant 1 ((1 − p)/p·Σ(s − s̄)²), and at typical w_h ≈ 1 (m̂ ≈ pM) with ≈ (1 − p)M/(M − 1); "
                          f"but conditionally on an atypical w_h (m̂ = M/2) the ratio is {worst} = M/(4p(M − 1)), "
                          "which no universal constant bounds as p → 0. A '≲' cannot be refuted by a finite "
                          "computation; the step is sound for the typical w_h the proof's high-probability event uses.")


# -------------------------------------------------------------------------------------------------------------
# Proof steps: directional slope at a vertex
# -------------------------------------------------------------------------------------------------------------
VERTEX = claim(
    "thm4.proof.vertex_slope",
    title="Directional slope at a vertex: ΔÊ < 0 for small leaks provided ‖E‖_op < 1/d_a",
    paper_ref="Thm 4 proof, App. F.3 ('Directional slope at a vertex')",
    printed=r"$\Delta \mathcal{E} = \frac{M}{8} \left( \frac{(1 - \varepsilon)^2 - 1}{d_a} + \frac{\varepsilon^2}{d_b} "
            r"\right) = -\frac{M}{4d_a} \varepsilon + \mathcal{O}(\varepsilon^2).$ ... $\Delta \widehat{\mathcal{E}} = "
            r"\Delta \mathcal{E} + \frac{M}{8} \Delta(c^\top E c) = -\frac{M}{4d_a} \varepsilon + \mathcal{O}(\varepsilon^2) "
            r"+ \frac{M}{4} \mathcal{O}(\|E\|_{\text{op}} \varepsilon).$ Therefore $\Delta\widehat{\mathcal{E}} < 0$ for all "
            r"sufficiently small $\varepsilon > 0$ provided $\frac{M}{4} \|E\|_{\text{op}} < \frac{M}{4d_a} \iff "
            r"\|E\|_{\text{op}} < \frac{1}{d_a}.$",
    verified=r"$\Delta\widehat{\mathcal{E}} = \frac{M}{4}\left(E_{ba} - E_{aa} - \frac{1}{d_a}\right)\varepsilon + "
             r"\mathcal{O}(\varepsilon^2)$ and $\sup_{E = E^\top, \|E\|_{op} \leq 1} (E_{ba} - E_{aa}) = \sqrt{2}$, so "
             r"$\Delta\widehat{\mathcal{E}} < 0$ for all small $\varepsilon > 0$ along every leak direction provided "
             r"$\|E\|_{\text{op}} < \frac{1}{\sqrt{2}\,d_a}$ (and $< 1/d_a$ does not suffice)",
    assumptions=["Ê(c) = (M/8)cᵀ(D + E)c on the simplex, D = diag(1/d_k), E symmetric (as in the proof)",
                 "leak c' = (1 − ε)e_a + εe_b"],
)


@check(VERTEX, "symbolic")
def test_vertex_population_slope(evidence):
    evidence.describe("sympy, generic M, d_a, d_b, ε: ΔE = (M/8)(((1 − ε)² − 1)/d_a + ε²/d_b) expanded in ε: the "
                      "ε-coefficient vs the printed −M/(4d_a)")
    evidence.tolerance(0.0, "exact series")
    M, da, db, e = sp.symbols("M d_a d_b epsilon", positive=True)
    dE = M / 8 * (((1 - e) ** 2 - 1) / da + e ** 2 / db)
    evidence.holds(sp.simplify(sp.diff(dE, e).subs(e, 0) + M / (4 * da)) == 0, "∂ΔE/∂ε(0) = −M/(4d_a)")


def _rotated_E(scale):
    """Symmetric 2×2 E = scale·[[−1/√2, 1/√2], [1/√2, 1/√2]] (eigenvalues ±scale), coordinates (a, b)."""
    r = 1 / sp.sqrt(2)
    return scale * sp.Matrix([[-r, r], [r, r]])


@check(VERTEX, "symbolic")
def test_vertex_slope_under_perturbation(evidence):
    evidence.describe("sympy, exact: Ê(c) = (M/8)cᵀ(D + E)c with D = diag(1/d_a, 1/d_b), d_a = d_b = 1, E = "
                      "(9/10)[[−1/√2, 1/√2], [1/√2, 1/√2]] (‖E‖_op = 9/10 < 1/d_a, eigenvalues derived); the leak "
                      "c' = (1 − ε)e_a + εe_b: ∂ΔÊ/∂ε at 0, in units of M/4, vs the printed ΔÊ < 0")
    evidence.tolerance(0.0, "exact algebraic numbers")
    M, e = sp.symbols("M epsilon", positive=True)
    E = _rotated_E(sp.Rational(9, 10))
    eig = sorted(E.eigenvals().keys(), key=lambda z: float(z))
    opnorm = max(abs(z) for z in eig)
    evidence.holds(sp.simplify(opnorm - sp.Rational(9, 10)) == 0, "‖E‖_op = 9/10 < 1/d_a = 1")
    D = sp.diag(1, 1)
    c = sp.Matrix([1 - e, e])
    Ehat = M / 8 * (c.T * (D + E) * c)[0]
    slope = sp.simplify(sp.diff(Ehat - Ehat.subs(e, 0), e).subs(e, 0) / (M / 4))
    evidence.detail("∂ΔÊ/∂ε(0) / (M/4)", str(slope))
    evidence.counterexample("a leak direction is uphill although ‖E‖_op < 1/d_a (slope of ΔÊ at ε = 0, units of M/4)",
                            measured=slope, printed=sp.Integer(0), relation="<=", family="d_a = d_b = 1, ‖E‖ = 9/10",
                            E=[[float(x) for x in E.row(i)] for i in range(2)])


@check(VERTEX, "symbolic", target="corrected")
def test_vertex_slope_sharp_constant(evidence):
    evidence.describe("sympy: ∂ΔÊ/∂ε(0) = (M/4)(E_ba − E_aa − 1/d_a) derived from Ê(c) = (M/8)cᵀ(D + E)c with generic "
                      "symmetric 2×2 E; sup over symmetric E with eigenvalues ±1 (E = R(θ)diag(1, −1)R(θ)ᵀ) of E_ba − E_aa "
                      "= max_θ (sin 2θ − cos 2θ) = √2, and ≤ ‖e_b − e_a‖‖e_a‖‖E‖ = √2‖E‖ in general (Cauchy–Schwarz): "
                      "the leak is downhill for every symmetric E with ‖E‖ < 1/(√2 d_a), and the constant is sharp")
    evidence.tolerance(0.0, "exact symbolic decisions")
    M, e, da, db, x, y, z, th = sp.symbols("M epsilon d_a d_b x y z theta", real=True)
    E = sp.Matrix([[x, y], [y, z]])
    c = sp.Matrix([1 - e, e])
    Ehat = M / 8 * (c.T * (sp.diag(1 / da, 1 / db) + E) * c)[0]
    slope = sp.simplify(sp.diff(Ehat, e).subs(e, 0))
    evidence.holds(sp.simplify(slope - M / 4 * (y - x - 1 / da)) == 0, "∂ΔÊ/∂ε(0) = (M/4)(E_ba − E_aa − 1/d_a)")
    R = sp.Matrix([[sp.cos(th), -sp.sin(th)], [sp.sin(th), sp.cos(th)]])
    Er = sp.simplify(R * sp.diag(1, -1) * R.T)
    f = sp.simplify(Er[1, 0] - Er[0, 0])
    crit = sp.solve(sp.diff(f, th), th)
    best = max((sp.simplify(f.subs(th, c0)) for c0 in crit), key=lambda v: float(v))
    evidence.holds(sp.simplify(best - sp.sqrt(2)) == 0, "sup (E_ba − E_aa) over ‖E‖ = 1 equals √2")
    xa, ya = sp.Matrix([-1, 1]), sp.Matrix([1, 0])  # e_b − e_a and e_a
    evidence.holds(sp.simplify(xa.norm() * ya.norm() - best) == 0,
                   "the sup attains the Cauchy–Schwarz bound ‖e_b − e_a‖‖e_a‖‖E‖ (sharp for every n)")


@st.composite
def _vertex_instances(draw):
    g = draw(groups())
    degrees = [int(ir.degree) for ir in irrep_decomposition(g).irreps[1:]]
    n = len(degrees)
    raw = draw(real_matrices((n, n), 1.0))
    frac = draw(bounded_floats(0.0, 0.999))
    return g, np.array(degrees, dtype=float), (raw + raw.T) / 2, frac


@check(VERTEX, "property", target="corrected")
@given(inst=_vertex_instances())
def test_vertex_slope_property(evidence, inst):
    evidence.describe("Hypothesis over groups of every family (order ≤ max_order), D = diag(1/d_k) over its nontrivial "
                      "irreps, a drawn symmetric E rescaled to ‖E‖_op = f/(√2 max_k d_k), f ∈ [0, 0.999]: at every vertex "
                      "e_a and every leak e_a → e_b, the slope (M/4)(E_ba − E_aa − 1/d_a) is negative")
    evidence.tolerance(1e-12, "float64 rounding of an eigenvalue and two matrix entries of size ≤ 1")
    g, d, E, frac = inst
    if len(d) < 2:
        evidence.holds(True, "one nontrivial irrep: no leak direction", family=g.name)
        return
    nrm = float(np.linalg.norm(E, 2))
    if nrm < 1e-12:
        E = np.eye(len(d))
        nrm = 1.0
    E = E * frac / (np.sqrt(2) * d.max() * nrm)
    worst = max(E[b, a] - E[a, a] - 1 / d[a] for a in range(len(d)) for b in range(len(d)) if b != a)
    evidence.error(max(0.0, worst), family=g.name, what="largest leak slope / (M/4)")
