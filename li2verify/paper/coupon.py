"""Feature selection and collection (App. G.3: Lemma 7, Lemma 8 / Eqn 10, Lemma 10 / Eqns 39, 41, Thm 8 /
Eqns 40–46).

* Lemma 7 (Fréchet selection): x_j i.i.d. with CDF exp(−x^{−α}); Pr(argmax_j w_j x_j = i) = w_i^α / Σ_j w_j^α.
* Lemma 8: the dynamics α̇_l = μ_l α_l² (Eqn 10 in the ζ basis) inside the unit ball, projected onto the
  sphere ‖α‖ = 1 on the boundary, converges to the vertex l* = argmax_l μ_l α_l(0).
* Lemma 10 / Eqn 41: the coupon-collector expectation T0 = ∫₀^∞ (1 − Π_l(1 − e^{−p_l t})) dt.
* Thm 8: independent learning = coupon collector with p_l = μ_l^a/Σμ^a; Muon-guided sequential learning, in
  the idealized model of the proof (collected modes have μ_l divided by exactly 2^{1}, so weight μ_l^a by 2^a),
  and in the dynamical model (Eqn 10 driven by the last column of the polar factor of [Q_S, g]).
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
from scipy import integrate

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------------
# Lemma 7
# ---------------------------------------------------------------------------------------------------------
def frechet_sample(alpha: float, size, rng: np.random.Generator) -> np.ndarray:
    """Fréchet(α) draws, CDF exp(−x^{−α}) on x > 0 (inverse CDF: (−log U)^{−1/α})."""
    u = rng.random(size)
    return (-np.log(u)) ** (-1.0 / alpha)


def frechet_selection_probs(w: np.ndarray, alpha: float) -> np.ndarray:
    """Lemma 7: Pr(i* = i) = w_i^α / Σ_j w_j^α."""
    wa = np.asarray(w, dtype=float) ** alpha
    return wa / wa.sum()


def frechet_selection_integral(w: np.ndarray, alpha: float, i: int) -> float:
    """∫₀^∞ f_{Y_i}(t) Π_{j≠i} F(t/w_j) dt with Y_j = w_j x_j (Lemma 7 proof), by adaptive quadrature in
    s = log t."""
    w = np.asarray(w, dtype=float)

    def integrand(s):
        t = np.exp(s)
        dens = alpha * w[i] ** alpha * t ** (-alpha - 1) * np.exp(-np.sum((w / t) ** alpha))
        return dens * t

    center = np.log(np.max(w))
    val, _ = integrate.quad(integrand, center - 60.0 / alpha, center + 60.0 / alpha, limit=400, epsabs=0,
                            epsrel=1e-12, points=[center])
    return float(val)


# ---------------------------------------------------------------------------------------------------------
# Lemma 8 (Eqn 10)
# ---------------------------------------------------------------------------------------------------------
def eqn10_rhs(alpha: np.ndarray, mu: np.ndarray, on_sphere: bool) -> np.ndarray:
    """α̇ = μ∘α² in the interior; on the sphere the tangential part μ∘α² − λα, λ = Σ μ_k α_k³ (Lemma 8 proof)."""
    g = mu * alpha**2
    if on_sphere:
        g = g - np.dot(g, alpha) * alpha
    return g


def integrate_eqn10(alpha0: np.ndarray, mu: np.ndarray, t_sphere: float = 1e4, n_out: int = 400,
                    coords: str = "alpha", zeta: np.ndarray | None = None) -> dict:
    """Integrate Eqn 10 from α(0) (‖α(0)‖ ≤ 1): interior phase to the sphere (event ‖α‖ = 1), then the
    projected dynamics for ``t_sphere``.  ``coords="w"`` integrates ẇ = A(w)w with A(w) = Σ_l μ_l(ζ_lᵀw)ζ_lζ_lᵀ
    in the original coordinates (ζ orthonormal columns) and maps back, an independent route.

    Returns dict(t, alpha (n_out_total × L), hit_time).
    """
    mu = np.asarray(mu, dtype=float)
    if coords == "w":
        if zeta is None:
            raise ValueError("coords='w' needs zeta")

        def f(t, w, sph):
            a = zeta.T @ w
            g = zeta @ (mu * a * a)
            if sph:
                g = g - np.dot(g, w) * w
            return g

        x0 = zeta @ alpha0
    else:
        def f(t, a, sph):
            return eqn10_rhs(a, mu, sph)

        x0 = np.asarray(alpha0, dtype=float)

    def hit(t, x, sph=False):
        return float(x @ x) - 1.0

    hit.terminal, hit.direction = True, 1
    ts, xs = [0.0], [x0]
    hit_time = 0.0
    if x0 @ x0 < 1.0 - 1e-14:
        blow = 1.0 / np.max(mu * np.abs(alpha0))  # interior blows up by then
        sol = integrate.solve_ivp(f, (0, blow), x0, args=(False,), events=hit, rtol=1e-11, atol=1e-14,
                                  dense_output=True)
        te = sol.t_events[0][0] if len(sol.t_events[0]) else sol.t[-1]
        tt = np.linspace(0, te, n_out // 4)[1:]
        ts += list(tt)
        xs += list(sol.sol(tt).T)
        hit_time = te
        x1 = sol.sol(te)
        x1 = x1 / np.linalg.norm(x1)
    else:
        x1 = x0 / np.linalg.norm(x0)
    tt = hit_time + np.concatenate([[0.0], np.logspace(-3, np.log10(t_sphere), n_out)])
    sol = integrate.solve_ivp(f, (tt[0], tt[-1]), x1, args=(True,), t_eval=tt, rtol=1e-11, atol=1e-14,
                              method="DOP853")
    ts += list(sol.t)
    xs += list(sol.y.T)
    X = np.array(xs)
    if coords == "w":
        X = X @ zeta
    return {"t": np.array(ts), "alpha": X, "hit_time": hit_time}


# ---------------------------------------------------------------------------------------------------------
# Lemma 10, Eqn 41
# ---------------------------------------------------------------------------------------------------------
def coupon_T0_integral(p: np.ndarray) -> float:
    """Eqn 41: T0 = ∫₀^∞ (1 − Π_l (1 − e^{−p_l t})) dt (adaptive quadrature, tail split at 40/min p)."""
    p = np.asarray(p, dtype=float)

    def f(t):
        return -np.expm1(np.sum(np.log1p(-np.exp(-p * t))))

    cut = 40.0 / p.min()
    a, _ = integrate.quad(f, 0, cut, limit=500, epsabs=0, epsrel=1e-12)
    b, _ = integrate.quad(f, cut, np.inf, limit=200, epsabs=0, epsrel=1e-10)
    return float(a + b)


def coupon_T0_inclusion_exclusion(p: np.ndarray) -> float:
    """T0 = Σ_{∅≠J⊆[L]} (−1)^{|J|+1} / Σ_{l∈J} p_l (expand the product in Eqn 41; exact, L ≤ ~20)."""
    p = np.asarray(p, dtype=float)
    L = len(p)
    if L > 22:
        raise ValueError("inclusion–exclusion over 2^L subsets: L too large")
    tot = 0.0
    for r in range(1, L + 1):
        sgn = 1.0 if r % 2 else -1.0
        for J in itertools.combinations(range(L), r):
            tot += sgn / p[list(J)].sum()
    return tot


def lemma10_bound_printed(p: np.ndarray) -> float:
    """Eqn 39 as printed: max(min_l 1/p_l, L Σ_{l=1}^L 1/l)."""
    p = np.asarray(p, dtype=float)
    L = len(p)
    return max(float(np.min(1.0 / p)), L * float(np.sum(1.0 / np.arange(1, L + 1))))


def thm8_bound_printed(p: np.ndarray) -> float:
    """Thm 8 (independent learning) as printed: max(1/min_l p_l, Σ_{l=1}^L 1/l)."""
    p = np.asarray(p, dtype=float)
    L = len(p)
    return max(1.0 / float(np.min(p)), float(np.sum(1.0 / np.arange(1, L + 1))))


def simulate_coupon_collector(p: np.ndarray, trials: int, rng: np.random.Generator,
                              chunk: int | None = None) -> np.ndarray:
    """Number of i.i.d. draws from p until every coupon is seen, for ``trials`` independent runs (direct
    simulation of the draws, no phase decomposition)."""
    p = np.asarray(p, dtype=float)
    L = len(p)
    cdf = np.cumsum(p)
    cdf[-1] = 1.0
    if chunk is None:
        chunk = int(min(4e7 // max(trials, 1), max(64, 20 * coupon_T0_integral(p))))
    out = np.full(trials, -1, dtype=np.int64)
    seen_at = np.full((trials, L), -1, dtype=np.int64)
    offset = 0
    todo = np.arange(trials)
    while len(todo):
        draws = np.searchsorted(cdf, rng.random((len(todo), chunk)), side="right")
        for l in range(L):
            hitl = draws == l
            has = hitl.any(axis=1)
            first = np.argmax(hitl, axis=1) + offset
            cur = seen_at[todo, l]
            upd = (cur < 0) & has
            seen_at[todo[upd], l] = first[upd]
        done = (seen_at[todo] >= 0).all(axis=1)
        out[todo[done]] = seen_at[todo[done]].max(axis=1) + 1
        todo = todo[~done]
        offset += chunk
    return out


# ---------------------------------------------------------------------------------------------------------
# Thm 8: Muon-guided sequential learning
# ---------------------------------------------------------------------------------------------------------
def thm8_Ta_printed(T0: float, a: float, L: int) -> float:
    """T_a = 2^{−a} T0 + (1 − 2^{−a}) L (Thm 8, Eqn 46)."""
    return 2.0 ** (-a) * T0 + (1.0 - 2.0 ** (-a)) * L


def idealized_Ta_exact(mu: np.ndarray, a: float, factor: float = 2.0) -> float:
    """Expected #nodes to collect all modes when every collected mode has μ_l divided by ``factor`` (the
    proof's idealization of Muon, factor = 2) and node j converges to mode l w.p. ∝ (μ_l/factor^{[l∈S]})^a
    (Lemma 7): exact dynamic programming over subsets, T(S) = 1/p_new(S) + Σ_{l∉S} (p_l/q_S) T(S ∪ {l})."""
    mu = np.asarray(mu, dtype=float)
    L = len(mu)
    w = mu**a
    full = (1 << L) - 1
    T = np.zeros(1 << L)
    for S in range(full - 1, -1, -1):
        inS = np.array([(S >> l) & 1 for l in range(L)], dtype=bool)
        wt = np.where(inS, w / factor**a, w)
        pnew = wt[~inS].sum() / wt.sum()
        q = w[~inS]
        nxt = [S | (1 << l) for l in range(L) if not inS[l]]
        T[S] = 1.0 / pnew + float(np.dot(q / q.sum(), T[nxt]))
    return float(T[0])


def simulate_idealized_muon(mu: np.ndarray, a: float, trials: int, rng: np.random.Generator,
                            factor: float = 2.0) -> np.ndarray:
    """Direct simulation of sequential learning where each node draws α(0) ~ Fréchet(a) i.i.d. and converges
    to argmax_l μ'_l α_l(0) (Lemma 8), μ'_l = μ_l/factor for modes already collected.  Returns #nodes."""
    mu = np.asarray(mu, dtype=float)
    L = len(mu)
    S = np.zeros((trials, L), dtype=bool)
    nodes = np.zeros(trials, dtype=np.int64)
    todo = np.arange(trials)
    while len(todo):
        x = frechet_sample(a, (len(todo), L), rng)
        eff = np.where(S[todo], mu / factor, mu) * x
        win = np.argmax(eff, axis=1)
        S[todo, win] = True
        nodes[todo] += 1
        todo = todo[~S[todo].all(axis=1)]
    return nodes


def muon_direction_alpha(alpha: np.ndarray, mu: np.ndarray, S: np.ndarray, method: str = "polar") -> np.ndarray:
    """Last column of Muon([Q_S, g]) in ζ coordinates, Q_S = [e_s]_{s∈S}, g = μ∘α²; rows are independent trials
    (batched).  ``method="polar"``: the exact polar factor, closed form (v∥ + v⊥(1+τ)/τ)/√((1+τ)² + s²)
    (Lemma 9); ``method="ns"``: Muon's 5-step Newton–Schulz iteration (li2verify.paper.muon.MUON_NS_COEFFS) applied to
    the L×(L+1) matrix [diag(1_S), g] (zero columns do not change the result)."""
    if method == "ns":
        from li2verify.paper.muon import newton_schulz

        g = mu * alpha**2
        n, L = g.shape
        A = np.zeros((n, L, L + 1))
        A[:, np.arange(L), np.arange(L)] = S.astype(float)
        A[:, :, L] = g
        X = newton_schulz(A)  # rows (L) ≤ cols (L+1): no transpose, as in the reference code
        return X[:, :, L]
    if method != "polar":
        raise ValueError(f"unknown Muon method {method!r}; choose 'polar' or 'ns'")
    g = mu * alpha**2
    gpar = np.where(S, g, 0.0)
    gperp = g - gpar
    tau = np.linalg.norm(gperp, axis=-1, keepdims=True)
    s = np.linalg.norm(gpar, axis=-1, keepdims=True)
    tau_safe = np.where(tau > 0, tau, 1.0)
    return (gpar + gperp * (1.0 + tau) / tau_safe) / np.hypot(1.0 + tau, s)


def eqn10_batch_winners(alpha0: np.ndarray, mu: np.ndarray, S: np.ndarray | None = None, *, muon: bool = False,
                        h: float = 0.02, max_steps: int = 20000, converge: float = 0.999,
                        method: str = "polar") -> tuple[np.ndarray, int]:
    """Integrate Eqn 10 for a batch of nodes (rows of α(0), all inside the unit ball) and return the mode each
    converges to (α_l² ≥ ``converge``) and the number that had not converged after ``max_steps`` (assigned to
    their argmax α_l²).

    The direction is d = μ∘α² (plain gradient) or, with ``muon=True``, the Muon direction of [Q_S, g]
    (:func:`muon_direction_alpha`, S = rows of collected modes); inside the ball α̇ = d, on the sphere its
    tangential part.  Time is reparametrized so that each Euler step changes every log α_l by at most h (a
    positive time change leaves the orbits unchanged).
    """
    mu = np.asarray(mu, dtype=float)
    al = np.array(alpha0, dtype=float, copy=True)
    n, L = al.shape
    if S is None:
        S = np.zeros((n, L), dtype=bool)
    active = np.ones(n, dtype=bool)
    winner = np.full(n, -1)
    for _ in range(max_steps):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        A = al[idx]
        d = muon_direction_alpha(A, mu, S[idx], method) if muon else mu * A**2
        nrm2 = np.sum(A * A, axis=1, keepdims=True)
        on = nrm2 >= 1.0 - 1e-12
        radial = np.sum(d * A, axis=1, keepdims=True)
        d = np.where(on & (radial > 0), d - radial * A / nrm2, d)
        rate = np.max(np.abs(d) / np.maximum(np.abs(A), 1e-300), axis=1, keepdims=True)
        A = A + h * d / np.maximum(rate, 1e-300)
        nA = np.linalg.norm(A, axis=1, keepdims=True)
        A = np.where(nA > 1.0, A / nA, A)
        al[idx] = A
        done = np.max(A * A, axis=1) >= converge
        winner[idx[done]] = np.argmax(A[done] ** 2, axis=1)
        active[idx[done]] = False
    rest = np.flatnonzero(winner < 0)
    winner[rest] = np.argmax(al[rest] ** 2, axis=1)
    return winner, len(rest)


def simulate_dynamic_muon(mu: np.ndarray, a: float, trials: int, rng: np.random.Generator, *,
                          init_radius: float = 0.5, h: float = 0.02, max_steps: int = 20000,
                          converge: float = 0.999, muon: bool = True,
                          method: str = "polar") -> tuple[np.ndarray, dict]:
    """Sequential learning on the model of Eqn 10 with the dynamics actually integrated
    (:func:`eqn10_batch_winners`): node j starts at α(0) = r·x/‖x‖, x_l ~ Fréchet(a) i.i.d. (argmax μ_l α_l(0)
    is scale-free), and is driven by the plain gradient (``muon=False``: independent feature learning) or by
    the Muon direction of [Q_S, g] with S the modes collected by nodes 1..j−1 (``muon=True``; ``method`` "polar"
    for the exact polar factor, "ns" for Newton–Schulz as implemented in practice).

    Returns (#nodes per trial until all L modes are collected, stats).
    """
    mu = np.asarray(mu, dtype=float)
    L = len(mu)
    S = np.zeros((trials, L), dtype=bool)
    nodes = np.zeros(trials, dtype=np.int64)
    unconverged = leader_kept = total_nodes = 0
    todo = np.arange(trials)
    while len(todo):
        x = frechet_sample(a, (len(todo), L), rng)
        al = init_radius * x / np.linalg.norm(x, axis=1, keepdims=True)
        l0 = np.argmax((np.where(S[todo], mu / 2, mu) if muon else mu) * al, axis=1)
        winner, unc = eqn10_batch_winners(al, mu, S[todo], muon=muon, h=h, max_steps=max_steps,
                                          converge=converge, method=method)
        unconverged += unc
        leader_kept += int(np.sum(winner == l0))
        total_nodes += len(todo)
        S[todo, winner] = True
        nodes[todo] += 1
        todo = todo[~S[todo].all(axis=1)]
    return nodes, {"unconverged_nodes": unconverged, "total_nodes": total_nodes,
                   "winner_equals_idealized_leader": leader_kept / max(total_nodes, 1)}


def mean_ci(x: np.ndarray, z: float = 4.0) -> tuple[float, float]:
    """Sample mean and z·(standard error)."""
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(z * x.std(ddof=1) / np.sqrt(len(x)))
