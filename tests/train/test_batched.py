"""Batched seeds (li2verify.train.run with seed chunks on worker threads, li2verify.train.models.manual_grads with reused
buffers): seed s of a batched CPU run is bitwise the same seed trained alone, and a step allocates no W-sized tensor;
one seed chunk on two threads (the test evaluation and a share of the probes beside the step) is bitwise the
one-thread run."""

import threading
import time

import numpy as np
import pytest
import torch

from li2verify.train import TrainConfig, train
from li2verify.train import run as run_mod
from li2verify.train.models import manual_grads
from li2verify.train.run import build, train_step

CFG = dict(group="13", hidden=64, train_frac=0.5, lr=5e-3, wd=1e-3, epochs=12, probe_every=3, eval_every=2,
           probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos"], probe_samples=8)


@pytest.mark.parametrize("threads", [1, 2])
def test_batched_seed_chunks_equal_one_seed_runs_bitwise(monkeypatch, threads):
    """Each seed its own chunk (as at Fig 3 size on CPU), with one worker per core when threads = 2: every metric,
    the sampled probes and their standard errors included, and the final weights equal the one-seed runs bitwise."""
    monkeypatch.setattr(run_mod, "CPU_CHUNK_ELEMS", 85 * 64)  # n·K = 85·64: one seed per chunk
    cfg = TrainConfig(seeds=[0, 1, 2], threads=threads, **CFG)
    rb = train(cfg)
    for i, s in enumerate(cfg.seeds):
        r1 = train(cfg.replace(seeds=[s], threads=1))
        for k, v in r1.metrics.items():
            np.testing.assert_array_equal(rb.metrics[k][:, i], v[:, 0], err_msg=k)
        for k in r1.params:
            assert torch.equal(rb.params[k][i], r1.params[k][0]), k


@pytest.mark.parametrize("probe_mode", ["fast", "exact"])
def test_one_chunk_with_side_work_equals_the_one_thread_run_bitwise(monkeypatch, probe_mode):
    """One seed chunk with threads = 2: the step runs on this thread, the test evaluation and a share of the probes
    on the step's forward on the side worker (joined before the update); every metric and the final weights equal
    the one-thread run bitwise, and the side worker did run the test evaluation and probes."""
    where: dict[str, set] = {"test": set(), "probes": set()}
    test_metrics, step_form = run_mod._test_metrics, run_mod.P.step_form

    def spy_test(*a, **k):
        where["test"].add(threading.current_thread().name.startswith("li2-side"))
        return test_metrics(*a, **k)

    def spy_form(p, cfg):
        f = step_form(p, cfg)

        def g(x):
            where["probes"].add(threading.current_thread().name.startswith("li2-side"))
            time.sleep(0.05)  # a slow probe: the side worker, done with the tiny test evaluation, takes the next one
            return f(x)
        return g

    monkeypatch.setattr(run_mod, "_test_metrics", spy_test)
    monkeypatch.setattr(run_mod.P, "step_form", spy_form)
    cfg = TrainConfig(seeds=[0, 1], threads=2, probe_mode=probe_mode, **CFG)
    r2 = train(cfg)
    assert where["test"] == {True} and where["probes"] == {True, False}
    r1 = train(cfg.replace(threads=1))
    assert sorted(r1.metrics) == sorted(r2.metrics)
    for k, v in r1.metrics.items():
        np.testing.assert_array_equal(r2.metrics[k], v, err_msg=k)
    for k in r1.params:
        assert torch.equal(r2.params[k], r1.params[k]), k


def test_step_reuses_its_buffers_and_matches_fresh_buffers():
    cfg = TrainConfig(seeds=[0, 1], **CFG)
    task, params, opt = build(cfg)
    train_step(cfg, task, params, opt)
    ws = opt.step_workspace
    ptrs = {k: v.data_ptr() for k, v in ws["grads"].items()}
    bufs = {k: v.data_ptr() for k, v in ws["chunk"].items()}
    scratch = {k: v.data_ptr() for k, v in opt._scratch.items()}
    train_step(cfg, task, params, opt)
    assert ptrs == {k: v.data_ptr() for k, v in ws["grads"].items()}
    assert bufs == {k: v.data_ptr() for k, v in ws["chunk"].items()}
    assert scratch == {k: v.data_ptr() for k, v in opt._scratch.items()}
    p = {k: v.detach().clone() for k, v in params.items()}
    F1, o1, l1, g1 = manual_grads(p, task.train, cfg, task.M)
    F2, o2, l2, g2 = manual_grads(p, task.train, cfg, task.M, ws={},
                                  grads_out={k: torch.empty_like(v) for k, v in p.items()})
    assert torch.equal(F1, F2) and torch.equal(o1, o2) and torch.equal(l1, l2)
    for k in g1:
        assert torch.equal(g1[k], g2[k])
