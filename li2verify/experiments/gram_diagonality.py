"""The Gram matrices of Fig 3's caption at the paper's scale: ‘Throughout the training, F̃ᵀF̃ and P1⊥FFᵀ remains
diagonal with up to 8% error’ (Tian 2025, Fig 3; Sec 4's independent feature learning), measured as the paper's
code measures it (``compute_diag_off_diag_avg``: mean|off-diagonal| / mean|diagonal|) on weight snapshots of Fig 3's
setting (M = 71, K = 2048, n = 2016, σ = x², Adam lr 1e-3, η = 2e-4), every :data:`GRAM_EVERY` epochs, in float64.

Shared by ``fig3.gram.near_diagonal_8pct`` (live in the paper profile) and the run record ``fig3-gram``
(:mod:`li2verify.experiments.run_record_specs.fig3`), so the claim decides from the same arrays either way.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from li2verify.train.presets import figure_setting
from li2verify.train.run import build, train

#: snapshot cadence of the Gram metrics (epochs)
GRAM_EVERY = 25
#: the metrics, in the order of the arrays: the caption's two (the code's ratio of F̃ᵀF̃ and of P1⊥FFᵀ) and two other
#: readings recorded alongside (paper 003's ρ_tian; the code's fit_diag_11 on the raw FFᵀ)
GRAM_METRICS = ("ftf", "p1fft", "rho_tian", "fit_diag_11_ffT")
#: the run record of the Grams at Fig 3's scale
GRAM_RECORD = "fig3-gram"
#: the claim's horizon at the caption's 15 seeds (epochs): Fig 3's horizon is not printed in the text; paper 003
#: reproduced Fig 3 over 400 epochs, at which the P1⊥FFᵀ ratio was still rising, and 800 is twice that
GRAM_HORIZON = 800


def _offdiag_ratio(A):
    """The code's compute_diag_off_diag_avg as a ratio: mean|off-diagonal| / mean|diagonal|."""
    import torch

    Aa = A.abs()
    n = Aa.shape[-1]
    d = torch.diagonal(Aa)
    return float(((Aa.sum() - d.sum()) / (n * (n - 1))) / d.mean())


def _fit_11(A, ref):
    """Distance of A from (d − b)I + b11ᵀ (d, b: its mean diagonal / off-diagonal entry), relative to ‖ref‖."""
    import torch

    n = A.shape[-1]
    d = torch.diagonal(A).mean()
    b = (A.sum() - torch.diagonal(A).sum()) / (n * (n - 1))
    est = (d - b) * torch.eye(n, dtype=A.dtype, device=A.device) + b
    return float(torch.linalg.vector_norm(A - est) / torch.linalg.vector_norm(ref))


def gram_metrics(F) -> dict[str, float]:
    """The four readings of one seed's hidden features F (n × K, float64)."""
    from li2verify.train.models import center

    Ft = center(F[None])[0]
    G = F @ F.T
    P1G = center(G[None])[0]                  # P1⊥FFᵀ (the code's kernel2 − kernel2.mean(dim=0))
    return {"ftf": _offdiag_ratio(Ft.T @ Ft), "p1fft": _offdiag_ratio(P1G), "rho_tian": _fit_11(P1G, G),
            "fit_diag_11_ffT": _fit_11(G, G)}


@lru_cache(maxsize=None)
def paper_gram(seeds: tuple, epochs: int, device: str = "cpu"):
    """Train Fig 3's setting (η > 0) on ``seeds`` over ``epochs``, keep weight snapshots every :data:`GRAM_EVERY`
    epochs and evaluate the Gram metrics on them: ``({metric: (T, S) array}, probed epochs (T,), test acc by
    evaluation (T, S))``.  Each seed's metrics are computed on its own (one seed's values do not depend on the
    others trained beside it)."""
    import torch

    from li2verify.train.models import hidden

    probe_epochs = list(range(0, epochs + 1, GRAM_EVERY))
    cfg = figure_setting("fig3", "paper", epochs=epochs, probe_every=epochs, eval_every=GRAM_EVERY, probes=[],
                         seeds=list(seeds), threads=1, device=device)
    res = train(cfg, keep_snapshots=probe_epochs)
    task, _, _ = build(cfg)
    out = {k: np.zeros((len(probe_epochs), len(seeds))) for k in GRAM_METRICS}
    with torch.no_grad():
        for t, e in enumerate(probe_epochs):
            F = hidden(res.extras["snapshots"][e], task.train, cfg, task.M).double()
            for j in range(len(seeds)):
                for k, v in gram_metrics(F[j]).items():
                    out[k][t, j] = v
    ev = np.isin(res.epochs, probe_epochs)
    return out, np.array(probe_epochs), np.asarray(res.metrics["test_acc"])[ev]
