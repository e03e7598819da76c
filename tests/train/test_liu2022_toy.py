"""li2verify.train.liu2022: the batched toy model against an unbatched torch.nn / torch.optim reference."""

import numpy as np
import pytest
import torch

from li2verify.paper import liu2022 as L
from li2verify.train.config import ConfigError
from li2verify.train.liu2022 import ToyConfig, _init_model, train_toy


def _reference(cfg: ToyConfig, b: int, steps: int):
    """One model with torch.nn layers and torch.optim.Adam / AdamW (float64)."""
    seed = cfg.seeds[b]
    C = 2 * cfg.p - 1
    order, Y, par = _init_model(cfg, seed, C, C if cfg.loss == "ce" else cfg.d_out)
    D0 = torch.as_tensor(L.full_dataset(cfg.p))
    tr = order[: cfg.n_train[b]]
    E = torch.nn.Parameter(par["E"].clone())
    lin = [torch.nn.Linear(1, 1) for _ in range(3)]
    for l, (W, bb) in zip(lin, (("W1", "b1"), ("W2", "b2"), ("W3", "b3"))):
        l.weight = torch.nn.Parameter(par[W].T.clone())
        l.bias = torch.nn.Parameter(par[bb].clone())
    dec = [p for l in lin for p in l.parameters()]
    o1 = torch.optim.Adam([E], lr=cfg.emb_lr)
    o2 = torch.optim.AdamW(dec, lr=cfg.dec_lr[b], weight_decay=cfg.dec_wd[b])
    y = D0[:, 0] + D0[:, 1]
    for _ in range(steps):
        X = E[D0[tr, 0]] + E[D0[tr, 1]]
        out = lin[2](torch.tanh(lin[1](torch.tanh(lin[0](X)))))
        loss = ((out - Y[y[tr]]) ** 2).mean() if cfg.loss == "mse" else \
            torch.nn.functional.cross_entropy(out, y[tr])
        o1.zero_grad()
        o2.zero_grad()
        loss.backward()
        o1.step()
        o2.step()
    return E.detach().numpy()


@pytest.mark.parametrize("loss", ["mse", "ce"])
def test_batched_models_match_torch_optim_reference(loss):
    cfg = ToyConfig(p=6, width=16, d_out=5, seeds=[0, 1], n_train=[12, 15], dec_lr=[1e-3, 3e-3],
                    dec_wd=[0.0, 0.5], emb_lr=1e-2, steps=40, eval_every=40, loss=loss)
    res = train_toy(cfg)
    for b in range(2):
        ref = _reference(cfg, b, 40)
        assert np.max(np.abs(res.embeddings[-1, b] - ref)) < 2e-4  # float32 run vs float64 reference
    assert res.embeddings.shape == (2, 2, 6, 1)


def test_models_do_not_interact_and_rqi_matches_the_paper_layer():
    base = dict(p=6, width=16, d_out=5, steps=30, eval_every=10, emb_lr=1e-2)
    both = train_toy(ToyConfig(seeds=[3, 4], n_train=[10, 14], **base))
    one = train_toy(ToyConfig(seeds=[4], n_train=[14], **base))
    assert np.allclose(both.embeddings[:, 1], one.embeddings[:, 0], atol=1e-6)
    P0 = L.parallelograms(L.full_dataset(6))
    E = both.embeddings[-1, 0]
    En = (E - E.mean(0)) / E.std(0, ddof=1)
    assert both.rqi[-1, 0] == pytest.approx(np.mean(L.parallelogram_errors(En, P0) ** 2 < 0.01))
    assert np.isnan(both.first_step("val_acc", 2.0)).all()


def test_bad_configs_are_refused_with_the_field_named():
    with pytest.raises(ConfigError, match="n_train"):
        train_toy(ToyConfig(p=4, n_train=[10]))
    with pytest.raises(ConfigError, match="dec_lr"):
        train_toy(ToyConfig(seeds=[0, 1, 2], dec_lr=[1e-3, 1e-4]))
