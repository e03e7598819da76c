"""li2verify.train.optim.adam_update: the functional Adam/AdamW step with per-seed lr and decay."""

import pytest
import torch

from li2verify.train.optim import adam_update


@pytest.mark.parametrize("decoupled", [True, False])
def test_each_seed_follows_torch_optim(decoupled):
    """Seed s of a stacked update equals torch.optim.AdamW / Adam(weight_decay) with seed s's lr and decay."""
    g = torch.Generator().manual_seed(0)
    lr, wd = [1e-2, 3e-3, 5e-2], [0.0, 0.1, 1.0]
    p = torch.randn(3, 4, 5, generator=g, dtype=torch.float64)
    grads = [torch.randn(3, 4, 5, generator=g, dtype=torch.float64) for _ in range(20)]
    refs = [torch.nn.Parameter(p[s].clone()) for s in range(3)]
    opt = torch.optim.AdamW if decoupled else torch.optim.Adam
    opts = [opt([refs[s]], lr=lr[s], weight_decay=wd[s]) for s in range(3)]
    m, v = torch.zeros_like(p), torch.zeros_like(p)
    lr_t = torch.tensor(lr, dtype=torch.float64).view(3, 1, 1)
    wd_t = torch.tensor(wd, dtype=torch.float64).view(3, 1, 1)
    for t, gr in enumerate(grads, start=1):
        adam_update(p, gr, m, v, t, lr_t, wd_t, decoupled=decoupled)
        for s in range(3):
            refs[s].grad = gr[s].clone()
            opts[s].step()
    for s in range(3):
        torch.testing.assert_close(p[s], refs[s].detach(), rtol=1e-12, atol=1e-14)
