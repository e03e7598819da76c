"""Sec 6 (extension to deeper architectures), Eqn 11, checked numerically on real networks built by
li2verify.train (the paper code's initialisation, group-arithmetic inputs).

- ``sec6.eqn11.chain_rule`` — G_{L−1} = D_L G_L W_Lᵀ (first equality of Eqn 11), D_L the gating σ'(F_{L−1}W_L)
  applied node by node (Hadamard), G_l = −∂J/∂F_l: float64 autograd vs the formula, on trained 3-layer nets.
- ``sec6.eqn11.wwt_identity`` — ‘since W_L is randomly initialized, W_LW_Lᵀ ≈ I and thus
  G_{L−1} ∝ D_LỸỸᵀD_LF_{L−1}’: measured as the cosine between G_{L−1} = G_L W_Lᵀ (with the Stage-II form
  G_L = ỸỸᵀF_L of Eqn 5, σ = identity so that Eqn 11's product form is exact) and ỸỸᵀF_{L−1}, over K.
"""

from __future__ import annotations

import numpy as np
import torch

from li2verify.verify.claims import check, claim
from li2verify.train import TrainConfig
from li2verify.train.empirical import loglog_slope
from li2verify.train.models import center, hidden, one_hot, loss_per_seed
from li2verify.train.run import build, train_step
from li2verify.train.activations import torch_activation
from li2verify.train.engine import StepFunction, run_epochs
from li2verify.train.threads import torch_threads
from li2verify.experiments.deep_networks import random_deep_net, record_cosines



CHAIN = claim(
    "sec6.eqn11.chain_rule",
    title="Eqn 11, first equality: G_{L−1} = D_L G_L W_Lᵀ",
    paper_ref="Sec 6, Eqn 11",
    printed=r"$G_{L-1} = D_L G_L W_L^\top$",
    assumptions=["F_l = σ(F_{l−1}W_l), F_0 = X, Ŷ = F_L V, J = ½‖P1⊥(Y − Ŷ)‖²_F, G_l := −∂J/∂F_l",
                 "D_L read as the node-wise gating σ'(F_{L−1}W_L) (Hadamard product with G_L; an n×n diagonal "
                 "only when all nodes share the gating)",
                 "3-layer nets (L = 2 hidden layers, K = 64) on Z_11, σ ∈ {ReLU, x², SiLU}, after 20 Adam steps, "
                 "3 seeds each, float64"],
)

WWT = claim(
    "sec6.eqn11.wwt_identity",
    title="W_LW_Lᵀ ≈ I at random init, so G_{L−1} ∝ D_LỸỸᵀD_LF_{L−1}",
    paper_ref="Sec 6, after Eqn 11",
    printed=r"since $W_L$ is randomly initialized, we have $W_L W_L^\top \approx I$ and thus "
            r"$G_{L-1} \propto D_L \tilde{Y}\tilde{Y}^\top D_L F_{L-1}$.",
    verified=r"For a square random $W_L$ ($K\times K$, iid entries of variance $c/K$), $W_LW_L^\top = c(I + E)$ "
             r"with entries $|E_{ij}| = O(K^{-1/2})$, but $E$ is not small in any norm that acts on a matrix: "
             r"$\mathbb{E}\|AW_LW_L^\top\|_F^2 = 2c^2\|A\|_F^2$, so $G_{L-1} = AW_LW_L^\top$ keeps cosine "
             r"$\approx 1/\sqrt{2}$ with $A = D_L\tilde Y\tilde Y^\top D_L F_{L-1}$ for every $K$; the proportionality "
             r"holds in expectation over $W_L$: $\mathbb{E}_{W_L}[G_{L-1}] = c\,A$.",
    assumptions=[
        "3-layer nets at init (the code's nn.Linear init, W_2 ~ U(±1/√K)) on Z_23 with all M² pairs; first hidden "
        "layer σ = x², top hidden layer σ = identity (homogeneous, C = 1, D_L = I) so that Eqn 11's product form is "
        "exact and only W_LW_Lᵀ ≈ I is tested; G_L = ỸỸᵀF_L (Eqn 5's Stage-II form). (A linear first layer gives "
        "ỸᵀF_1 = 0 on all of H×H, so it cannot serve.)",
        "K ∈ {64, 128, 256, 512, 1024}, 3 seeds each; metrics: max off-diagonal of W_LW_Lᵀ relative to its mean "
        "diagonal, and cos(G_{L−1}, ỸỸᵀF_{L−1})",
        "Decision rule (printed statement): ‘G_{L−1} ∝ ỸỸᵀF_{L−1}’ holds if the cosine exceeds 0.99 at the largest "
        "K in every seed; counterexample otherwise. Corrected statement: entrywise slope of the max off-diagonal in K "
        "within −0.5 ± 0.15, cosine within 0.03 of 1/√2 at K ≥ 256, and the cosine of the average of G_{L−1} over "
        "200 independent W_L draws ≥ 0.99",
    ],
    notes="Audit: the cosine is scale-free, so the normalisation of W_L (the code's U(±1/√K), variance "
          "1/(3K), diag(W_LW_Lᵀ) ≈ 1/3 rather than 1) does not affect it. For a K_{L−1}×K_L matrix W_L with iid "
          "entries of variance s, E‖AW_LW_Lᵀ‖² = s²K_L(K_{L−1} + K_L + 1)‖A‖² for any A (Gaussian entries; uniform ones differ by O(1/K)), so cos ≈ √(K_L/(K_{L−1} + K_L + 1)): "
          "1/√2 for the equal widths of Fig 10 (numpy, 3 draws: 0.704-0.708 at 256×256, 0.706-0.708 at 512×512), "
          "≈ 0.89 at 256×1024, ≈ 0.97 at 256×4096 (W_LW_Lᵀ ≈ c·I in operator norm only when K_L ≫ K_{L−1}), 0.45 at "
          "1024×256. The column space of G_{L−1} = AW_LW_Lᵀ stays in that of D_LỸ (it is ‘related to the target "
          "label’, as Sec 6 needs), but the printed proportionality holds only in expectation over W_L.",
)


def _net(group, K, act, seed, L=2):
    cfg = TrainConfig(group=group, hidden=K, layers=L, activation=act, train_frac=None, n=None, critical_ratio=None,
                      seeds=[seed], dtype="float64", probes=[], epochs=0, threads=1)
    return cfg


@check(CHAIN, "numeric")
def test_backprop_through_a_hidden_layer(evidence, li2_profile):
    evidence.describe("−∂J/∂F_{L−1} by float64 autograd vs (σ'(F_{L−1}W_L) ⊙ G_L)W_Lᵀ with G_L = P1⊥(Y − F_LV)Vᵀ "
                      "(Eqn 2), on 3-layer nets trained 20 steps")
    evidence.tolerance(1e-12, "float64 rounding of O(nK + KM)-term sums with entries O(1); relative max-abs")
    with torch_threads(1):
        _chain(evidence, li2_profile)


def _chain(evidence, li2_profile):
    for act in ("relu", "square", "silu"):
        for seed in range(li2_profile.pick(fast=3, thorough=10)):
            g_auto, g_formula = _chain_gradients(act, seed)
            evidence.close(g_auto[0].numpy(), g_formula[0].numpy(), family=f"Z11 K=64 {act}", seed=seed,
                           what="G_{L−1}: autograd vs D_L G_L W_Lᵀ")


def _chain_gradients(act: str, seed: int):
    """On a 3-layer net trained 20 steps: (−∂J/∂F_{L−1} by autograd, (σ'(F_{L−1}W_L) ⊙ G_L)W_Lᵀ of Eqn 2)."""
    cfg = TrainConfig(group="11", hidden=64, layers=2, activation=act, train_frac=0.6, seeds=[seed],
                      dtype="float64", probes=[], loss="mse_sum", lr=1e-3, threads=1)
    task, params, opt = build(cfg)
    run_epochs(StepFunction(lambda epoch, update: train_step(cfg, task, params, opt) if update else None), 20)
    p = {k: v.detach() for k, v in params.items()}
    F, Fs = hidden(p, task.train, cfg, task.M, return_all=True)
    F1 = Fs[0].detach().requires_grad_(True)
    act_t = torch_activation(act)
    H2 = torch.bmm(F1, p["W2"])
    F2 = act_t(H2)
    out = torch.bmm(F2, p["V"])
    J = loss_per_seed(out, task.train.y, cfg).sum()
    (g_auto,) = torch.autograd.grad(-J, [F1])
    Y = one_hot(task.train.y, task.M, torch.float64)
    GL = center(Y - out.detach()) @ p["V"].transpose(1, 2)
    H2d = H2.detach().requires_grad_(True)
    (dsig,) = torch.autograd.grad(act_t(H2d).sum(), [H2d])  # σ'(F_{L−1}W_L), elementwise
    return g_auto, (dsig * GL) @ p["W2"].transpose(1, 2)


def _wwt_measure(K: int, seed: int, draws: int = 0):
    """(max off-diag / mean diag of W2W2ᵀ, cos(G_{L−1}, ỸỸᵀF_{L−1}), cos of the W-averaged G_{L−1})."""
    cfg, p, b, Fs = random_deep_net(K, 2, seed)
    F1 = Fs[0][0]                     # F_{L−1} = σ(XW_1), σ = x² (a linear first layer has ỸᵀF_1 = 0 on H×H)
    F2 = F1 @ p["W2"][0]              # top hidden layer linear: D_L = I, Eqn 11's product form is exact
    Yt = center(one_hot(b.y, 23, torch.float64))[0]
    W = p["W2"][0]
    WWt = W @ W.T
    c = torch.diagonal(WWt).mean()
    off = (WWt - torch.diag(torch.diagonal(WWt))).abs().max() / c
    A = Yt @ (Yt.T @ F1)              # ỸỸᵀF_{L−1}
    GL = Yt @ (Yt.T @ F2)             # Stage-II G_L = ỸỸᵀF_L
    G = GL @ W.T                      # Eqn 11 with D_L = I
    cos = float((G * A).sum() / (G.norm() * A.norm()))
    cos_avg = float("nan")
    if draws:
        gen = torch.Generator().manual_seed(1000 + seed)
        acc = torch.zeros_like(A)
        bound = 1 / np.sqrt(K)
        for _ in range(draws):
            Wd = (torch.rand(K, K, generator=gen, dtype=torch.float64) * 2 - 1) * bound
            acc += A @ Wd @ Wd.T      # A W Wᵀ = ỸỸᵀF_{L−1}W Wᵀ = G_{L−1} for this draw of W_L
        cos_avg = float((acc * A).sum() / (acc.norm() * A.norm()))
    return float(off), cos, cos_avg


def _wwt_table(profile):
    Ks = [64, 128, 256, 512, 1024]
    seeds = range(profile.pick(fast=3, thorough=6))
    return Ks, list(seeds), {(K, s): _wwt_measure(K, s, draws=200 if K == 256 else 0) for K in Ks for s in seeds}


_TABLE = {}


def _table(profile):
    if profile.name not in _TABLE:
        with torch_threads(1):
            _TABLE[profile.name] = _wwt_table(profile)
    return _TABLE[profile.name]


@check(WWT, "numeric")
def test_wwt_identity_makes_gradient_proportional(evidence, li2_profile):
    evidence.describe("cos(G_{L−1}, ỸỸᵀF_{L−1}) with G_{L−1} = ỸỸᵀF_L W_Lᵀ on real 3-layer nets at init "
                      "(x² then linear), K = 64…1024")
    Ks, seeds, tab = _table(li2_profile)
    evidence.detail("cosine by K (mean over seeds)", {K: float(np.mean([tab[K, s][1] for s in seeds])) for K in Ks})
    # Decision rule (claim assumptions): the printed ∝ predicts cosine 1; it counts as holding when the cosine is
    # ≥ 0.99 at the largest K in every seed.  Every seed's cosine is measured against 1; the worst seed is always
    # passed to counterexample(), so if every seed met the rule the call raises ErratumVanished.
    record_cosines(evidence, {s: tab[Ks[-1], s][1] for s in seeds},
                   "G_{L−1} is not ∝ ỸỸᵀF_{L−1}: W_LW_Lᵀ is not ≈ I where it multiplies a matrix",
                   f"Z23 x2-linear K={Ks[-1]}",
                   "the claim's decision rule, written before the run: cosine ≥ 0.99 at the largest K counts as "
                   "proportional (cosine fluctuation of one W_L draw is O(K^{-1/2}))",
                   K=Ks[-1], random_matrix_prediction=1 / np.sqrt(2))


@check(WWT, "numeric", target="corrected")
def test_wwt_entrywise_identity_and_cosine_one_over_sqrt2(evidence, li2_profile):
    evidence.describe("Entrywise: max off-diagonal of W_LW_Lᵀ / mean diagonal vs K (log–log slope); matrix level: "
                      "cosine vs 1/√2; expectation over W_L: cosine of the 200-draw average")
    evidence.tolerance(0.03, "cosine of one random W_L fluctuates by O(K^{-1/2}) around 1/√2; 0.03 ≈ 1/√1024 "
                             "margin at K ≥ 256 plus the O(1/K) bias of E‖AWWᵀ‖² = (2 + 1/K)c²‖A‖²")
    Ks, seeds, tab = _table(li2_profile)
    offs = np.array([[tab[K, s][0] for s in seeds] for K in Ks])
    slope, se = loglog_slope(np.repeat(Ks, len(seeds)), offs.reshape(-1))
    evidence.detail("max off-diagonal / diagonal by K", {K: offs[i].tolist() for i, K in enumerate(Ks)})
    evidence.detail("fitted order of the max off-diagonal in K (expected −0.5 up to √log K)", f"{slope:.3f} ± {se:.3f}")
    evidence.holds(abs(slope + 0.5) <= 0.15, f"slope {slope:.3f} within −0.5 ± 0.15", family="Z23 x2-linear")
    for K in Ks:
        if K < 256:
            continue
        for s in seeds:
            evidence.error(abs(tab[K, s][1] - 1 / np.sqrt(2)), family=f"Z23 x2-linear K={K}", seed=s,
                           what="|cos − 1/√2|")
    for s in seeds:
        ca = tab[256, s][2]
        evidence.holds(ca >= 0.99, f"cosine of the W-averaged G_{{L−1}} = {ca:.4f} ≥ 0.99", family="Z23 K=256",
                       seed=s)
