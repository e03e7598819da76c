"""Many seeds — and conditions whose tensors have the same shapes — in one tensor program.

The training loop (:func:`li2verify.train.run.train`) already carries a leading seed axis through every
tensor: the first layer is a batched gather, the top layer a batched matmul (``torch.bmm``), the optimizers
are elementwise per seed (Muon: per-seed batched orthogonalization).  This module adds:

- :func:`train_conditions`: several configurations that differ only in per-seed scalars (weight decay η)
  are merged into one batched run (η along the seed axis via ``wd_per_seed``); others run one after another.
- :func:`train_one_at_a_time`: the reference (and benchmark baseline) — each seed in its own run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from li2verify.train.config import TrainConfig
from li2verify.train.run import RunResult, train

_MERGEABLE = {"wd", "wd_per_seed", "seeds"}


def _key(cfg: TrainConfig):
    d = cfg.to_dict()
    for k in _MERGEABLE:
        d.pop(k)
    return repr(sorted(d.items()))


def split_result(res: RunResult, start: int, stop: int, cfg: TrainConfig) -> RunResult:
    m = {k: v[:, start:stop] for k, v in res.metrics.items()}
    p = {k: v[start:stop] for k, v in res.params.items()}
    r = RunResult(cfg, res.epochs, m, p, res.run_dir, res.status, res.seconds)
    r.extras = dict(res.extras)
    r.extras["seed_slice"] = (start, stop)
    return r


def train_conditions(conds: dict[str, TrainConfig], seeds: list[int], *, progress: bool = False,
                     out: str | Path | None = None, on_epoch=None) -> dict[str, RunResult]:
    """Train every condition on ``seeds``; conditions differing only in η share one batched program.
    ``on_epoch``: passed to each program's :func:`li2verify.train.run.train` (it may stop the program).

    Seeds of the merged program are offset per condition only in the *index*, not the value: condition c's
    seed s uses the same split and init as seed s of any other condition (matched-seed controls).  To keep
    seeds unique inside one program, merged conditions use seed values s + 100000·c; :func:`init_params`
    and the split use ``seed % 100000``."""
    groups: dict[str, list[str]] = {}
    for name, cfg in conds.items():
        groups.setdefault(_key(cfg), []).append(name)
    results: dict[str, RunResult] = {}
    for names in groups.values():
        base = conds[names[0]]
        all_seeds, wds, spans = [], [], {}
        for ci, name in enumerate(names):
            c = conds[name]
            spans[name] = (len(all_seeds), len(all_seeds) + len(seeds))
            all_seeds += [s + 100000 * ci for s in seeds]
            wds += c.wd_values()[:1] * len(seeds) if c.wd_per_seed is None else list(c.wd_per_seed)
        merged = base.replace(seeds=all_seeds, wd_per_seed=wds)
        rd = None
        if out is not None:
            rd = Path(out) / "_".join("".join(ch if ch.isalnum() else "-" for ch in n) for n in names)
        res = train(merged, rd, progress=progress, on_epoch=on_epoch)
        for name in names:
            a, b = spans[name]
            results[name] = split_result(res, a, b, conds[name].replace(seeds=list(seeds)))
    return {n: results[n] for n in conds}


def train_one_at_a_time(cfg: TrainConfig) -> list[RunResult]:
    """Each seed of ``cfg`` in its own run (the unbatched reference)."""
    wd = cfg.wd_values()
    return [train(cfg.replace(seeds=[s], wd_per_seed=[wd[i]])) for i, s in enumerate(cfg.seeds)]


def stack(results: list[RunResult]) -> dict[str, np.ndarray]:
    keys = results[0].metrics.keys()
    return {k: np.concatenate([r.metrics[k] for r in results], axis=1) for k in keys}
