"""Lemma 9 (App. G.3, Eqns 36–38): the first-order form of the Muon update (polar factor).

Claims:
- ``lemma9.muon.projection_vector`` — Eqn 36: v̂ = v⊥/‖v⊥‖ + v∥/(1+‖v⊥‖) + O(‖v⊥‖²).
- ``lemma9.muon.projection_general_c`` — Eqn 38: Â₂^{(c)} = B⊥T^{−1/c} + B∥(I − T^{1−1/c})(I − T)⁻¹ + O(‖C‖²).
- ``lemma9.proof.first_order_gram_root`` — Eqn 37 (first-order expansion of G^{−1/c}).
- ``lemma9.proof.scalar_factor`` — λ^{−1/c} − λ^{−1}/c = (1 − λ^{1−1/c})/(1 − λ).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from li2verify.paper.muon import (
    eqn37_corrected,
    eqn37_printed,
    gram_inverse_root,
    lemma9_first_order,
    lemma9_vector_exact,
    lemma9_vector_formula,
    muon_power,
    polar_factor,
)
from li2verify.verify.claims import check, claim


def _fit_slope(x, y):
    """Least-squares slope of log y on log x and its standard error."""
    lx, ly = np.log(x), np.log(y)
    A = np.column_stack([lx, np.ones_like(lx)])
    coef, res, *_ = np.linalg.lstsq(A, ly, rcond=None)
    resid = ly - A @ coef
    dof = max(len(x) - 2, 1)
    se = np.sqrt(np.sum(resid**2) / dof / np.sum((lx - lx.mean()) ** 2))
    return float(coef[0]), float(se)


L9_VEC = claim(
    "lemma9.muon.projection_vector",
    title="Eqn 36: Muon projection of [Q, v]",
    paper_ref="Lemma 9, Eqn 36; App. G.3",
    printed=r"For the matrix $A = [Q, \mathbf{v}]$ where $Q$ is a column orthonormal matrix and $\mathbf{v}$ is a "
            r"vector with small magnitude, its Muon regulated version $\hat{A} = [\hat{A}_1, \hat{\mathbf{v}}]$ takes "
            r"the following form: $\hat{\mathbf{v}} = \left( \frac{\mathbf{v}_\perp}{\|\mathbf{v}_\perp\|} + "
            r"\frac{\mathbf{v}_\parallel}{1 + \|\mathbf{v}_\perp\|} \right) + O(\|\mathbf{v}_\perp\|^2)$ (36)",
    verified=r"$\hat{\mathbf{v}} = \left( \frac{\mathbf{v}_\perp}{\|\mathbf{v}_\perp\|} + \frac{\mathbf{v}_\parallel}"
             r"{1 + \|\mathbf{v}_\perp\|} \right)\frac{1+\|\mathbf{v}_\perp\|}{\sqrt{(1+\|\mathbf{v}_\perp\|)^2 + "
             r"\|\mathbf{v}_\parallel\|^2}}$ exactly, hence the remainder of (36) is $O(\|\mathbf{v}_\parallel\|^2)$ "
             r"($= O(\|C\|^2)$ as in the proof), uniformly in $\|\mathbf{v}_\perp\| > 0$; it is not "
             r"$O(\|\mathbf{v}_\perp\|^2)$",
    assumptions=["Muon = exact polar factor (c = 2)", "v⊥ ≠ 0"],
    notes="The leading term of (36) is right (it is the first-order part of the exact form). The printed remainder "
          "order holds only along a fixed direction: for v = εv₀ with v₀⊥ ≠ 0 the remainder is ≈ ‖v∥‖²/2 = "
          "O(‖v⊥‖²) with the direction-dependent constant ‖v₀∥‖²/(2‖v₀⊥‖²); it is not a uniform bound (v → 0 with "
          "‖v⊥‖ = ‖v∥‖² gives remainder ≈ ‖v⊥‖/2). Likely ⊥ printed for ∥: the proof's remainder is O(‖C‖²). "
          "Thm 8's Eqn 42 repeats O(‖g⊥‖²).",
)


def _lemma9_frame(rng, d=10, k=3):
    Q, _ = np.linalg.qr(rng.standard_normal((d, k)))
    P = np.eye(d) - Q @ Q.T
    u = P @ rng.standard_normal(d)
    u /= np.linalg.norm(u)
    cdir = Q @ rng.standard_normal(k)
    cdir /= np.linalg.norm(cdir)
    return Q, u, cdir


@check(L9_VEC, "numeric")
def test_eqn36_remainder_order(evidence, li2_profile):
    evidence.describe(
        "Remainder r = ‖last column of polar([Q, v]) (SVD) − Eqn 36‖, slope of log r vs log ‖v⊥‖ over "
        "‖v⊥‖ ∈ [1e-4, 1e-1] with ‖v∥‖ fixed (printed O(‖v⊥‖²) predicts slope ≥ 2), and vs log ‖v∥‖ with ‖v⊥‖ "
        "fixed; a counterexample is recorded when r does not vanish as ‖v⊥‖ → 0.")
    taus = np.logspace(-4, -1, 7)
    slopes, runs = [], []
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(seed)
        Q, u, cdir = _lemma9_frame(rng)
        s = 0.05
        r = np.array([np.linalg.norm(polar_factor(np.column_stack([Q, s * cdir + t * u]))[:, -1]
                                     - lemma9_vector_formula(Q, s * cdir + t * u)) for t in taus])
        slope, se = _fit_slope(taus, r)
        slopes.append(slope)
        runs.append((2.0 - slope - (3 * se + 0.1), seed, slope, se, r))
    evidence.detail("fitted_slope_in_v_perp (claimed ≥ 2)", slopes)
    # Printed O(‖v⊥‖²): fitted order in ‖v⊥‖ ≥ 2.  Every seed is measured; the worst one always goes to
    # counterexample() (so ErratumVanished if the printed order held on every seed), a second one if it also fails.
    runs.sort(key=lambda x: -x[0])
    for i, (excess, seed, slope, se, r) in enumerate(runs):
        if i > 0 and (excess <= 0 or i >= 2):
            evidence.instance("‖v∥‖=0.05", seed)
            continue
        evidence.counterexample("Eqn 36 remainder does not vanish as ‖v⊥‖ → 0 (‖v∥‖ = 0.05 fixed)",
                                measured=slope, printed=2.0, relation=">=", tol=3 * se + 0.1,
                                why=f"3·stderr ({se:.1e}) + 0.1 of the 7-point log–log fit over 3 decades: k = 3 as in "
                                    "OrderFit.agrees (≈ 99.7% two-sided), 0.1 for sub-leading curvature",
                                family="‖v∥‖=0.05", seed=seed, v_par_norm=s, v_perp_norms=taus, remainders=r)

    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    Q, u, cdir = _lemma9_frame(rng)
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    for s in [0.2, 0.05, 0.01]:
        r = [np.linalg.norm(polar_factor(np.column_stack([Q, s * cdir + t * u]))[:, -1]
                            - lemma9_vector_formula(Q, s * cdir + t * u)) for t in taus]
        ax.loglog(taus, r, "o-", label=f"‖v∥‖ = {s}")
    ax.loglog(taus, taus**2, "k--", label="‖v⊥‖² (printed order)")
    ax.set_xlabel("‖v⊥‖")
    ax.set_ylabel("‖v̂ − Eqn 36‖")
    ax.legend(fontsize=7)
    evidence.plot(fig, "Eqn 36 remainder vs ‖v⊥‖: flat at ≈ ‖v∥‖²/2, not O(‖v⊥‖²)")


@check(L9_VEC, "numeric", target="corrected")
def test_eqn36_exact_closed_form_and_order_in_v_par(evidence, li2_profile):
    evidence.describe("Last column of polar([Q, v]) from an SVD vs the closed form (v∥ + v⊥(1+τ)/τ)/√((1+τ)²+s²) over "
                      "τ = ‖v⊥‖ ∈ [1e-4, 1], s = ‖v∥‖ ∈ [1e-3, 1]; slope of the Eqn 36 remainder in s (claimed 2) "
                      "with its standard error")
    evidence.tolerance(1e-9, "SVD of a (d × k+1) matrix with smallest singular value ≳ τ/2 ≥ 5e-5: error ≲ eps/τ")
    slopes = []
    for seed in range(li2_profile.pick(fast=3, thorough=10)):
        rng = np.random.default_rng(10 + seed)
        Q, u, cdir = _lemma9_frame(rng)
        for t in [1e-4, 1e-2, 0.3, 1.0]:
            for s in [1e-3, 0.1, 1.0]:
                v = s * cdir + t * u
                evidence.close(polar_factor(np.column_stack([Q, v]))[:, -1], lemma9_vector_exact(Q, v),
                               family=f"tau={t},s={s}", seed=seed, what="polar last column vs closed form")
        ss = np.logspace(-3, -1, 6)
        t = 0.2
        r = [np.linalg.norm(lemma9_vector_exact(Q, s * cdir + t * u) - lemma9_vector_formula(Q, s * cdir + t * u))
             for s in ss]
        slope, se = _fit_slope(ss, np.array(r))
        slopes.append((slope, se))
        evidence.holds(abs(slope - 2) < max(5 * se, 0.05), f"remainder slope in ‖v∥‖ = {slope:.3f} ± {se:.1e} ≈ 2",
                       family="tau=0.2", seed=seed)
    evidence.detail("fitted_slope_in_v_par (claimed 2)", slopes)


L9_GEN = claim(
    "lemma9.muon.projection_general_c",
    title="Eqn 38: first-order form of A(AᵀA)^{−1/c}",
    paper_ref="Lemma 9 proof, Eqn 38",
    printed=r"$\hat{A}_2^{(c)} = B_\perp T^{-1/c} + B_\parallel (I - T^{1-1/c}) (I - T)^{-1} + O(\|C\|^2)$ (38)",
    assumptions=["T = B⊥ᵀB⊥ ≻ 0; (I − T)⁻¹ read by spectral calculus with the limit 1 − 1/c at λ = 1"],
)


@check(L9_GEN, "numeric")
def test_eqn38_remainder_is_second_order_in_C(evidence, li2_profile):
    evidence.describe("Â^{(c)} = A(AᵀA)^{−1/c} (eigendecomposition) for A = [Q, QC + B⊥], m = 2 columns, "
                      "c ∈ {1.5, 2, 3, 4}: remainder of Eqn 38 vs ‖C‖ over [1e-4, 1e-1] with T fixed; fitted "
                      "log–log slope (claimed 2) with standard error")
    evidence.tolerance(0.1, "slope within 0.1 of 2 (and within 5 standard errors): geometric range of 3 decades")
    rows = []
    for seed in range(li2_profile.pick(fast=2, thorough=8)):
        rng = np.random.default_rng(20 + seed)
        d, k, m = 10, 3, 2
        Q, _ = np.linalg.qr(rng.standard_normal((d, k)))
        Bp = (np.eye(d) - Q @ Q.T) @ rng.standard_normal((d, m)) * 0.7
        C0 = rng.standard_normal((k, m))
        C0 /= np.linalg.norm(C0)
        for c in [1.5, 2.0, 3.0, 4.0]:
            eps = np.logspace(-4, -1, 7)
            r = []
            for e in eps:
                B = Q @ (e * C0) + Bp
                A = np.column_stack([Q, B])
                r.append(np.linalg.norm(muon_power(A, c)[:, k:] - lemma9_first_order(Q, B, c)))
            slope, se = _fit_slope(eps, np.array(r))
            rows.append({"c": c, "seed": seed, "slope": slope, "se": se})
            evidence.error(abs(slope - 2.0), family=f"c={c}", seed=seed, what="fitted order in ‖C‖ − 2")
    evidence.detail("fitted_orders", rows)


L9_EQN37 = claim(
    "lemma9.proof.first_order_gram_root",
    title="Eqn 37: first-order expansion of G^{−1/c}",
    paper_ref="Lemma 9 proof, Eqn 37 and the line after it",
    printed=r"$G^{-1/c} = \begin{bmatrix} I_k & 0 \\ 0 & T^{-1/c} \end{bmatrix} - \frac{1}{c} \begin{bmatrix} 0 & C "
            r"T^{-1} \\ T^{-1} C^\top & 0 \end{bmatrix} + O(\|C\|^2)$",
    verified=r"$G^{-1/c} = \begin{bmatrix} I_k & 0 \\ 0 & T^{-1/c} \end{bmatrix} + \begin{bmatrix} 0 & C\,g(T) \\ "
             r"g(T) C^\top & 0 \end{bmatrix} + O(\|C\|^2)$ with the divided difference $g(\lambda) = "
             r"\frac{1-\lambda^{-1/c}}{1-\lambda}$ ($g(1) = -1/c$); $(\tilde G_0^{1/2}(I+E)\tilde G_0^{1/2})^{-1/c} "
             r"\neq \tilde G_0^{-1/2}(I+E)^{-1/c}\tilde G_0^{-1/2}$ unless $c = 1$",
    assumptions=["G = [[I, C], [Cᵀ, CᵀC + T]], T ≻ 0"],
)


@check(L9_EQN37, "numeric")
def test_eqn37_printed_first_order_term(evidence, li2_profile):
    evidence.describe("G^{−1/c} (eigendecomposition) minus the printed first-order form, vs ‖C‖ ∈ [1e-4, 1e-1] with "
                      "T ≠ I fixed: fitted slope (printed claims 2); counterexample when the slope is ≈ 1")
    rows, runs = [], []
    for seed in range(li2_profile.pick(fast=2, thorough=8)):
        rng = np.random.default_rng(30 + seed)
        k, m = 3, 2
        X = rng.standard_normal((m, m))
        T = X @ X.T + 0.5 * np.eye(m)
        C0 = rng.standard_normal((k, m))
        for c in [2.0, 3.0]:
            eps = np.logspace(-4, -1, 7)
            r = []
            for e in eps:
                C = e * C0
                G = np.block([[np.eye(k), C], [C.T, C.T @ C + T]])
                r.append(np.abs(gram_inverse_root(G, c) - eqn37_printed(C, T, c)).max())
            slope, se = _fit_slope(eps, np.array(r))
            rows.append({"c": c, "seed": seed, "slope": slope, "se": se})
            runs.append((2.0 - slope - (3 * se + 0.1), c, seed, slope, se, T, eps, r))
    evidence.detail("fitted_orders_printed", rows)
    # Printed + O(‖C‖²): fitted order of the remainder in ‖C‖ ≥ 2.  Worst instance always measured (ErratumVanished
    # if the printed order held everywhere), a second one recorded if it also fails.
    runs.sort(key=lambda x: -x[0])
    for i, (excess, c, seed, slope, se, T, eps, r) in enumerate(runs):
        if i > 0 and (excess <= 0 or i >= 2):
            evidence.instance(f"c={c}", seed)
            continue
        evidence.counterexample("Eqn 37 remainder is first order in ‖C‖", measured=slope, printed=2.0, relation=">=",
                                tol=3 * se + 0.1,
                                why=f"3·stderr ({se:.1e}) + 0.1 of the 7-point log–log fit over 3 decades: k = 3 as in "
                                    "OrderFit.agrees (≈ 99.7% two-sided), 0.1 for sub-leading curvature",
                                family=f"c={c}", c=c, seed=seed, T_eigs=np.linalg.eigvalsh(T), C_norms=eps,
                                remainders=r)


@check(L9_EQN37, "numeric", target="corrected")
def test_eqn37_divided_difference_first_order_term(evidence, li2_profile):
    evidence.describe("Same as the printed check with the off-diagonal block C·g(T), g the divided difference of "
                      "x^{−1/c}: fitted slope in ‖C‖ (claimed 2)")
    evidence.tolerance(0.1, "slope within 0.1 of 2 over 3 decades of ‖C‖")
    for seed in range(li2_profile.pick(fast=2, thorough=8)):
        rng = np.random.default_rng(30 + seed)
        k, m = 3, 2
        X = rng.standard_normal((m, m))
        T = X @ X.T + 0.5 * np.eye(m)
        C0 = rng.standard_normal((k, m))
        for c in [1.0, 2.0, 3.0]:
            eps = np.logspace(-4, -1, 7)
            r = []
            for e in eps:
                C = e * C0
                G = np.block([[np.eye(k), C], [C.T, C.T @ C + T]])
                r.append(np.abs(gram_inverse_root(G, c) - eqn37_corrected(C, T, c)).max())
            slope, se = _fit_slope(eps, np.array(r))
            evidence.error(abs(slope - 2), family=f"c={c}", seed=seed, what="order − 2")


L9_SCALAR = claim(
    "lemma9.proof.scalar_factor",
    title="Lemma 9 proof: the scalar factor identity",
    paper_ref="Lemma 9 proof (before Eqn 38)",
    printed=r"on each eigenvalue $\lambda$ the scalar factor is $\lambda^{-1/c} - \frac{1}{c} \lambda^{-1} = "
            r"\frac{1 - \lambda^{1-1/c}}{1 - \lambda}$",
    verified=r"$\lambda^{-1/c} + \frac{1 - \lambda^{-1/c}}{1 - \lambda} = \frac{1 - \lambda^{1-1/c}}{1 - \lambda}$ "
             r"(the $Q$-coefficient $CT^{-1/c} + C g(T)$ with the correct first-order block of Eqn 37); the "
             r"final Eqn 38 is right, the two intermediate steps are not",
    assumptions=["λ > 0, λ ≠ 1, c > 0"],
)


@check(L9_SCALAR, "symbolic")
def test_scalar_factor_identity_printed(evidence):
    evidence.describe("sympy: λ^{−1/c} − λ^{−1}/c − (1 − λ^{1−1/c})/(1 − λ), simplified and evaluated at (λ, c) = "
                      "(4, 2) (exact rationals)")
    lam, c = sp.symbols("lambda c", positive=True)
    lhs = lam ** (-1 / c) - lam ** (-1) / c
    rhs = (1 - lam ** (1 - 1 / c)) / (1 - lam)
    diff = sp.simplify(lhs - rhs)
    at = sp.nsimplify(diff.subs({lam: 4, c: 2}))
    evidence.counterexample("λ^{−1/c} − λ^{−1}/c ≠ (1 − λ^{1−1/c})/(1 − λ) at (λ, c) = (4, 2)",
                            measured=sp.nsimplify(lhs.subs({lam: 4, c: 2})),
                            printed=sp.nsimplify(rhs.subs({lam: 4, c: 2})), tol=0.0,
                            why="exact rational arithmetic (sympy)", family="symbolic", lam=4, c=2,
                            symbolic_difference=str(diff), difference=str(at))


@check(L9_SCALAR, "symbolic", target="corrected")
def test_scalar_factor_identity_corrected(evidence):
    evidence.describe("sympy: λ^{−1/c} + (1 − λ^{−1/c})/(1 − λ) − (1 − λ^{1−1/c})/(1 − λ) simplifies to 0")
    lam, c = sp.symbols("lambda c", positive=True)
    expr = lam ** (-1 / c) + (1 - lam ** (-1 / c)) / (1 - lam) - (1 - lam ** (1 - 1 / c)) / (1 - lam)
    evidence.holds(sp.simplify(sp.together(sp.expand_power_exp(expr))) == 0, "identity simplifies to 0")
