"""Proposition 1 (Sec 3.1): the backpropagated gradient G_F in Stage I — its size at initialisation, the
uncentred signal term, the small-time expansion (Eqn 3) and the fixed point (Eqn 4), each claim followed by its
checks.  The steps of the proof in App. H.1–H.2 are in ``prop1_proof_expansion``.

With F̃ fixed and V following the gradient flow of J(V) = ½(‖Ỹ − F̃V‖² + η‖V‖²) (Eqns 47–52), App. H
defines E(t) = Ỹ − F̃V(t) and G_F̃(t) = E(t)V(t)ᵀ (Eqn 48).  Claims:

- ``prop1.gf0.norm`` — ‖G_F(0)‖_F = O(ε√(KM)): the printed ε is not defined in Prop 1 (V(0) ~ N(0, α²));
  read as α it holds, read as Lemma 1's ε it fails.
- ``prop1.signal_term.uncentered`` — Eqn 49 / Eqn 2: G_F = P1⊥G_F̃ = G_F̃ and ỸỸᵀF̃ = ỸỸᵀF.
- ``prop1.small_time.eqn3`` — G_F(t) = tỸỸᵀF̃ + O(α) + O(αt) + O(t²), orders fitted in α and t.
- ``prop1.fixed_point.eqn4`` — G_F at V_ridge is Eqn 4, and the flow converges to it exponentially.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from li2verify.paper.activations import get_activation
from li2verify.utils.fits import fit_order, geometric
from li2verify.verify.claims import check, claim
from li2verify.groups.finite import cyclic
from li2verify.paper.lazy import (LazyFlow, decay_rate, eqn4, frob, random_feature_instance, signal_term)
from li2verify.paper.li2 import backprop_gradient, ridge_top_layer
from li2verify.paper.task import center, group_task
from li2verify.experiments.instances import LAZY_FAMILIES as FAMILIES
from li2verify.experiments.instances import lazy_arrays as _group_instance
from li2verify.experiments.lazy_flow import TS
from li2verify.train.engine import STOP, StepFunction, run_epochs


ALPHAS = geometric(1e-5, 1e-2, 8)


GF0 = claim(
    "prop1.gf0.norm",
    title="‖G_F(0)‖_F = O(ε√(KM)) — the printed ε is undefined (read: α)",
    paper_ref="Prop 1 (Sec 3.1); App. H (A3)",
    printed=r"If $\tilde{F}$ is fixed and is full column rank, entries of $V(0)$ is initialized from normal "
            r"distribution $N(0, \alpha^2)$ with $0 < \alpha \ll 1$, then $\|G_F(0)\|_F = O(\epsilon\sqrt{KM})$",
    verified=r"$\|G_F(0)\|_F = \|(\tilde Y - \tilde F V_0)V_0^\top\|_F \le \|\tilde Y\|_2\|V_0\|_F + "
             r"\|\tilde F\|_2\|V_0\|_F^2$ with $\|V_0\|_F = \alpha\sqrt{KM}(1+o(1))$, hence "
             r"$\|G_F(0)\|_F = O(\alpha\sqrt{KM})$ (linear in $\alpha$ as $\alpha\to 0$)",
    assumptions=["V(0) entries iid N(0, α²)", "F̃, Ỹ fixed (constants depend on ‖Ỹ‖₂, ‖F̃‖₂)"],
    notes="ε is not defined anywhere in Prop 1; the only ε of Sec 3 is Lemma 1's bound on |x_iᵀx_i' − ρ|. "
          "The proof (App. H, (A3)) gives ‖V(0)‖_F = O(α√(KM)), so ε is a typo for α. The hidden constant is "
          "‖Ỹ‖₂ = √(n/M) for balanced one-hot labels, i.e. √M on all M² pairs: there ‖G_F(0)‖ ≈ α√K·M.",
)


@check(GF0, "numeric")
def test_gf0_printed_epsilon_is_not_lemma1_epsilon(evidence, li2_profile):
    evidence.describe("Reading ε as Lemma 1's ε (|x_iᵀx_i' − ρ| ≤ ε): orthonormal inputs x_i = e_i have ε = 0 "
                      "(ρ = 0), so the printed bound would force G_F(0) = 0; computed G_F(0) = (Ỹ − F̃V0)V0ᵀ.")
    rng = np.random.default_rng(11)
    n, M, K, alpha = 12, 3, 6, 1e-2
    X = np.eye(n)
    Y = np.eye(M)[rng.integers(0, M, n)]
    Ft, Yt, _ = random_feature_instance(X, Y, K, get_activation("relu"), rng)
    V0 = alpha * rng.normal(size=(K, M))
    G0 = LazyFlow(Ft, Yt, V0).G(0.0)
    eps_lemma1 = float(np.max(np.abs((X @ X.T)[~np.eye(n, dtype=bool)] - 0.0)))
    s = np.linalg.svd(Ft, compute_uv=False)
    evidence.detail("Prop 1 hypotheses on this instance", {"F̃ full column rank (σ_min/σ_max)": float(s.min() / s.max()),
                                                            "alpha": alpha})
    # The printed bound ‖G_F(0)‖_F ≤ C·ε·√(KM) with ε = ε_Lemma1 computed from the inputs: whatever the hidden
    # constant C, it is 0 when ε = 0.  Evaluated with C = 1e6 to make plain that C does not matter.
    printed_bound = 1e6 * eps_lemma1 * np.sqrt(K * M)
    evidence.counterexample("ε of Lemma 1 is 0 for orthonormal inputs, yet ‖G_F(0)‖_F > 0",
                            measured=frob(G0), printed=printed_bound, relation="<=", tol=1e-12,
                            why="float64 rounding of (Ỹ − F̃V0)V0ᵀ with O(1) entries times α (≲ 1e-15 per entry; "
                                "1e-12 leaves ×1000 margin); the printed side is exactly 0 for any constant C",
                            eps_lemma1=eps_lemma1, alpha=alpha, K=K, M=M, n=n)


@check(GF0, "numeric", target="corrected")
def test_gf0_norm_linear_in_alpha(evidence, li2_profile):
    evidence.describe("G_F(0) from the flow vs the bound ‖Ỹ‖₂‖V0‖_F + ‖F̃‖₂‖V0‖²_F; log–log slope of ‖G_F(0)‖ "
                      "in α (claimed 1); orders in K (1/2) and, on all-pairs cyclic data, in M (1: ‖Ỹ‖₂ = √M there)")
    evidence.tolerance(0.0, "the bound is an inequality; slope agreement is asserted separately (3σ + 0.1)")
    for fam in ("Z5", "Z2xZ3", "D6"):
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            Ft, Yt, _, _, Z = _group_instance(fam, 100 + seed)
            norms = []
            for a in ALPHAS:
                V0 = a * Z
                g = frob(LazyFlow(Ft, Yt, V0).G(0.0))
                bound = np.linalg.norm(Yt, 2) * frob(V0) + np.linalg.norm(Ft, 2) * frob(V0) ** 2
                evidence.holds(g <= bound * (1 + 1e-12), f"‖G(0)‖={g:.3e} ≤ bound {bound:.3e}", family=fam, seed=seed)
                norms.append(g)
            fit = fit_order(ALPHAS, norms)
            evidence.holds(fit.agrees(1.0), f"slope in α {fit} ~ 1", family=fam, seed=seed)
    evidence.detail("alpha_fit_last", fit.summary(1.0))
    ratios = {}
    for K in (4, 8, 16):
        Ft, Yt, _, _, Z = _group_instance("Z5", 7, K=K)
        ratios[K] = frob(LazyFlow(Ft, Yt, 1e-3 * Z).G(0.0)) / (1e-3 * np.sqrt(K * Z.shape[1]))
    evidence.detail("norm_G0_over_alpha_sqrtKM_Z5", ratios)
    rng = np.random.default_rng(123)
    Ks = np.array([4, 16, 64, 256])
    gK = []
    task = group_task(cyclic(5))
    for K in Ks:
        Ft, Yt, _ = random_feature_instance(task.X, task.Y, int(K), get_activation("square"), rng, 0.5)
        gK.append(np.mean([frob(LazyFlow(Ft, Yt, 1e-4 * rng.normal(size=(K, 5))).G(0.0)) for _ in range(4)]))
    fK = fit_order(Ks, gK)
    evidence.holds(fK.agrees(0.5), f"order in K {fK} ~ 1/2", family="Z5")
    Ms = np.array([3, 5, 7, 11, 13])
    gM = []
    for M in Ms:
        task = group_task(cyclic(int(M)))
        Ft, Yt, _ = random_feature_instance(task.X, task.Y, 8, get_activation("square"), rng, 0.5)
        gM.append(np.mean([frob(LazyFlow(Ft, Yt, 1e-4 * rng.normal(size=(8, M))).G(0.0)) for _ in range(4)]))
    fM = fit_order(Ms, gM)
    evidence.holds(fM.agrees(1.0, atol=0.15), f"order in M (all M² pairs) {fM} ~ 1", family="cyclic")
    evidence.detail("order_in_K", fK.summary(0.5))
    evidence.detail("order_in_M_all_pairs", fM.summary(1.0))
    evidence.detail("note", "‖G_F(0)‖ ≈ α√K‖Ỹ‖_F = α√(Kn(1−1/M)); the bound's constant ‖Ỹ‖₂ = √(n/M) is √M on "
                            "all-pairs group data, so ‖G_F(0)‖ grows like α√K·M there, not α√(KM)")


UNCENTERED = claim(
    "prop1.signal_term.uncentered",
    title="G_F = P1⊥G_F̃ = G_F̃ and ỸỸᵀF̃ = ỸỸᵀF (Eqn 49)",
    paper_ref="Eqn 2; App. H, Eqn 49",
    printed=r"$G_F = P_1^\perp G_{\tilde{F}} \propto P_1^\perp \tilde{Y}\tilde{Y}^\top\tilde{F} = "
            r"\tilde{Y}\tilde{Y}^\top\tilde{F} = \tilde{Y}\tilde{Y}^\top F$",
    assumptions=["1ᵀỸ = 0 (A4)"],
    notes="Also checked: Eqn 2's G_F = P1⊥(Y − FV)Vᵀ (uncentered F) equals App. H's G_F̃ = (Ỹ − F̃V)Vᵀ exactly, "
          "so Prop 1 (G_F) and Props 2–4 (G_F̃) are about the same matrix.",
)


@check(UNCENTERED, "property")
@given(seed=st.integers(0, 10**6), fam=st.sampled_from(sorted(FAMILIES)), K=st.integers(2, 40),
       a=st.floats(0.01, 2.0))
def test_eqn2_equals_app_h_gradient(evidence, seed, fam, K, a):
    evidence.describe("Eqn 2's G_F = P1⊥(Y − FV)Vᵀ with uncentered F vs App. H's (Ỹ − F̃V)Vᵀ, and ỸỸᵀF vs ỸỸᵀF̃")
    evidence.tolerance(1e-12, "float64 rounding of O(nK) sums, relative to the larger side")
    Ft, Yt, F, Y, Z = _group_instance(fam, seed, K=K)
    V = a * Z
    evidence.close(backprop_gradient(Y, F, V), (Yt - Ft @ V) @ V.T, family=fam, seed=seed, what="G_F vs G_F̃")
    evidence.close(Yt @ (Yt.T @ F), signal_term(Ft, Yt), family=fam, seed=seed, what="ỸỸᵀF vs ỸỸᵀF̃")
    evidence.close(center((Yt - Ft @ V) @ V.T), (Yt - Ft @ V) @ V.T, family=fam, seed=seed, what="P1⊥G_F̃ = G_F̃")


EQN3 = claim(
    "prop1.small_time.eqn3",
    title="Small-time expansion G_F(t) = tỸỸᵀF̃ + O(α) + O(αt) + O(t²) (Eqn 3)",
    paper_ref="Prop 1, Eqn 3; App. H.1.1",
    printed=r"$G_F(t) = t\tilde{Y}\tilde{Y}^\top\tilde{F} + O(\alpha) + O(\alpha t) + O(t^2)$",
    assumptions=["V(0) = αZ, Z iid N(0,1) fixed", "gradient flow of Eqn 47 with η ≥ 0 (Prop 1 mentions η only "
                 "in V_ridge; the flow is App. H's)"],
    depends_on=["prop1.signal_term.uncentered"],
)


@check(EQN3, "numeric")
def test_eqn3_remainder_orders(evidence, li2_profile):
    evidence.describe("Exact flow (spectral form) G(t; α) with V0 = αZ; remainder R(α,t) = G − tỸỸᵀF̃ split as "
                      "R(0,t) [claimed O(t²)], R(α,0) [O(α)], R(α,t) − R(α,0) − R(0,t) [O(αt)]; each order "
                      "fitted by a log–log slope over a geometric range")
    evidence.tolerance(0.0, "orders asserted as fitted slope within 3·stderr + 0.1 of the claimed order")
    fits = {}
    for fam in ("Z5", "D6"):
        for eta in (0.0, 0.3):
            for seed in range(li2_profile.pick(fast=2, thorough=8)):
                Ft, Yt, _, _, Z = _group_instance(fam, 200 + seed)
                S = signal_term(Ft, Yt)
                Gf = lambda a, t: LazyFlow(Ft, Yt, a * Z, eta).G(t)  # noqa: E731
                R = lambda a, t: Gf(a, t) - t * S  # noqa: E731
                f_t2 = fit_order(TS, [frob(R(0.0, t)) for t in TS])
                f_a = fit_order(ALPHAS, [frob(R(a, 0.0)) for a in ALPHAS])
                t0 = 1e-3
                f_at_a = fit_order(ALPHAS, [frob(R(a, t0) - R(a, 0) - R(0, t0)) for a in ALPHAS])
                a0 = 1e-3
                f_at_t = fit_order(TS, [frob(R(a0, t) - R(a0, 0) - R(0, t)) for t in TS])
                for name, f, p in (("t^2 at α=0", f_t2, 2), ("α at t=0", f_a, 1), ("αt: α-order", f_at_a, 1),
                                   ("αt: t-order", f_at_t, 1)):
                    evidence.holds(f.agrees(p), f"{name}: {f} vs claimed {p}", family=f"{fam},η={eta}", seed=seed)
                    fits[name] = f.summary(p)
    evidence.detail("fits", fits)


EQN4 = claim(
    "prop1.fixed_point.eqn4",
    title="G_F converges exponentially to Eqn 4 at V = V_ridge",
    paper_ref="Prop 1, Eqn 4; App. H.2.3, Eqn 60",
    printed=r"and converges exponentially to the following fixed point when $V = V_{ridge} = "
            r"(\tilde{F}^\top\tilde{F} + \eta I)^{-1}\tilde{F}^\top\tilde{Y}$: $G_F(+\infty) = "
            r"\eta(\tilde{F}\tilde{F}^\top + \eta I)^{-1}\tilde{Y}\tilde{Y}^\top\tilde{F}(\tilde{F}^\top\tilde{F} + "
            r"\eta I)^{-1}$",
    assumptions=["η > 0 (for η = 0 and K < n−1 the factor (F̃F̃ᵀ)⁻¹ does not exist)"],
    depends_on=["prop1.flow.closed_form", "prop1.woodbury.p_eta"],
)


@check(EQN4, "numeric")
def test_eqn4_at_ridge_and_flow_limit(evidence, li2_profile):
    evidence.describe("(i) Eqn 2's G_F = P1⊥(Y − FV)Vᵀ with uncentered F at V_ridge vs the literal Eqn 4; "
                      "(ii) the exact flow at large t vs Eqn 4; (iii) fitted decay rate of ‖G(t) − G*‖ vs λ_min(A)")
    evidence.tolerance(1e-8, "relative; two n×n / K×K solves with cond(F̃F̃ᵀ+ηI) ≲ 1e6 in float64")
    rates = []
    for fam in ("Z5", "Z2xZ3", "D6"):
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            for K in (6, 60):
                Ft, Yt, F, Y, Z = _group_instance(fam, 500 + seed, K=K)
                eta = 0.2
                Vr = ridge_top_layer(Ft, Yt, eta)
                G4 = eqn4(Ft, Yt, eta)
                evidence.close(backprop_gradient(Y, F, Vr), G4, family=fam, seed=seed, what=f"G at V_ridge, K={K}")
                fl = LazyFlow(Ft, Yt, 0.1 * Z, eta)
                T = 60.0 / fl.lambda_min
                evidence.close(fl.G(T), G4, family=fam, seed=seed, what=f"flow limit, K={K}")
                ts = np.linspace(2.0, 12.0, 11) / fl.lambda_min
                rfit = decay_rate(ts, [frob(fl.G(t) - G4) for t in ts])
                evidence.holds(rfit.agrees(fl.lambda_min, rtol=0.05), f"rate {rfit.rate:.4g} vs λ_min(A) "
                               f"{fl.lambda_min:.4g}", family=fam, seed=seed)
                rates.append((K, rfit.rate / fl.lambda_min))
    evidence.detail("fitted_rate_over_lambda_min", rates)


def _sgd_top_layer(F, Y, V, lr: float, eta: float, max_steps: int = 20000) -> int:
    """Full-batch SGD on V (momentum 0.9, weight_decay η) of ½‖P1⊥(Y − FV)‖² until ‖∇_V‖ < 1e-10 or ``max_steps``
    steps; returns the number of steps taken (F.grad accumulates: reset it before use)."""
    opt = torch.optim.SGD([V], lr=lr, momentum=0.9, weight_decay=eta)

    def step(epoch, update):
        opt.zero_grad()
        R = (Y - F @ V) - (Y - F @ V).mean(0)
        L = 0.5 * (R**2).sum()
        L.backward()
        converged = float(torch.linalg.norm(V.grad + eta * V.detach())) < 1e-10
        if update and not converged:
            opt.step()
        return converged

    return run_epochs(StepFunction(step), max_steps, after=[lambda epoch, converged: STOP if converged else None])


def _autograd_G_F(F, Y, V) -> np.ndarray:
    """G_F = −∂L/∂F of L = ½‖P1⊥(Y − FV)‖² by autograd."""
    F.grad = None
    R = (Y - F @ V) - (Y - F @ V).mean(0)
    (0.5 * (R**2).sum()).backward()
    return -F.grad.numpy()


@check(EQN4, "empirical")
def test_eqn4_torch_training_of_top_layer(evidence, li2_profile):
    evidence.describe("torch: top layer V of ŷ = σ(XW)V trained with F fixed (Stage I) by full-batch SGD with "
                      "momentum 0.9 and weight_decay = η on V (loss ½‖P1⊥(Y − FV)‖²) from V ~ N(0, α²); after "
                      "training, G_F = −∂L/∂F by autograd vs Eqn 4")
    evidence.tolerance(1e-6, "relative; SGD run until ‖∇_V‖ < 1e-10 (or 20000 steps) in float64")
    for fam in ("Z5", "D6"):
        for seed in range(li2_profile.pick(fast=1, thorough=4)):
            task = group_task(FAMILIES[fam]())
            rng = np.random.default_rng(900 + seed)
            K, eta = 10, 0.5
            W = 0.5 * rng.normal(size=(task.X.shape[1], K))
            F = torch.tensor((task.X @ W) ** 2, requires_grad=True)
            Y = torch.tensor(task.Y)
            V = torch.tensor(1e-2 * rng.normal(size=(K, task.M)), requires_grad=True)
            Ft = center(F.detach().numpy())
            lr = 1.0 / (np.linalg.norm(Ft, 2) ** 2 + eta)
            step = _sgd_top_layer(F, Y, V, lr, eta)
            evidence.close(_autograd_G_F(F, Y, V), eqn4(Ft, task.Y_tilde, eta), family=fam, seed=seed,
                           what=f"autograd G_F after {step} SGD steps vs Eqn 4")
            evidence.detail(f"{fam}: steps", step)
