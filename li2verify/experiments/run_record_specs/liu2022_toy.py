"""Run records of Liu et al. 2022's toy model (li2verify.experiments.run_records), registered on import.

- ``liu2022-toy-nested``: Liu et al. 2022's toy model at the authors' scale (decoder 1-200-200-30, 10⁵ steps), one
  seed's nested training sets n ∈ {16, 22, 30, 38, 45} of the 55 samples per seed, seeds 0-4 — the runs of the
  ``liu2022.toy.*`` claims on RQI, Âcc and grokking time.
- ``liu2022-toy-phases``: the same model at 45/10 over the decoder lr × weight decay grid of Fig 6(b)'s check, seeds
  0-4 (the paper profile's count; the first record held seeds 0-1, carried over), 10⁵ steps (Table 1's horizon).

Both re-check by re-training two sampled models for the first :data:`TOY_RECHECK_STEPS` steps (a model's trajectory
does not depend on which models share its batched program, given two or more: measured bitwise).
"""

from __future__ import annotations

import math

import numpy as np

from li2verify.experiments.record_definitions import Arrays, RunRecordSpec, first_index, not_bitwise, register

TOY_NS = (16, 22, 30, 38, 45)
TOY_SIZE = 55
TOY_HORIZON = 100_000          # steps: Table 1's horizon (App. A) and the authors' phase diagrams
TOY_WIDTH = 200                # App. G: "an MLP with size 1-200-200-30"
TOY_RECHECK_STEPS = 20_000
TOY_PHASE_LRS = (1e-4, 1e-3, 1e-2)
TOY_PHASE_WDS = (0.0, 1.0, 10.0)


def _toy_compute(config: dict, units: list[dict]) -> Arrays:
    """The units trained in one batched program.  A lone unit trains beside a copy of itself: with one model,
    torch's batched matmul takes another kernel and the trajectory differs in the last bits (measured), while with
    two or more a model's trajectory is bitwise the same whichever models share its program."""
    from li2verify.paper import liu2022 as L
    from li2verify.train.liu2022 import ToyConfig, train_toy

    if len(units) == 1:
        return {k: v[:1] for k, v in _toy_compute(config, units * 2).items()}
    r = train_toy(ToyConfig(seeds=[u["seed"] for u in units], n_train=[u["n"] for u in units],
                            dec_lr=[u["dec_lr"] for u in units], dec_wd=[u["dec_wd"] for u in units],
                            width=config["width"], steps=config["steps"], eval_every=config["eval_every"]))
    D0 = [tuple(x) for x in L.full_dataset(config["p"])]
    masks = np.zeros((len(units), len(D0)), dtype=bool)
    for b, split in enumerate(r.splits):
        masks[b, [D0.index(tuple(x)) for x in split]] = True
    return {"steps": np.tile(r.steps, (len(units), 1)), "train_acc": r.train_acc.T, "val_acc": r.val_acc.T,
            "train_loss": r.train_loss.T, "rqi": r.rqi.T, "embedding_final": r.embeddings[-1],
            "train_mask": masks}


def _toy_recheck_config(config: dict) -> dict:
    return {**config, "steps": TOY_RECHECK_STEPS}


def _toy_compare(old: Arrays, new: Arrays, bitwise: bool) -> str | None:
    T = new["steps"].shape[0]
    if not np.array_equal(old["train_mask"], new["train_mask"]):
        return "another training set"
    keys = ("train_acc", "val_acc", "train_loss", "rqi")
    if bitwise:
        return not_bitwise(old, new, keys, T, "evaluations")
    every = float(new["steps"][1] - new["steps"][0])
    for k, thr in (("rqi", 0.95), ("train_acc", 0.9), ("val_acc", 0.9)):
        a, b = first_index(old[k][:T], thr), first_index(new[k], thr)
        if (a is None) != (b is None):
            return f"{k} ≥ {thr}: recorded {'never' if a is None else f'at step {a * every:g}'}, re-run " \
                   f"{'never' if b is None else f'at step {b * every:g}'} within {new['steps'][-1]:g} steps"
        if a is not None and abs(a - b) * every > max(2 * every, math.ceil(0.1 * a * every)):
            return f"{k} ≥ {thr}: step {b * every:g} vs recorded {a * every:g}, beyond max(2 evaluations, 10%)"
    return None


TOY_RECHECK_RULE = (
    f"two models drawn at random re-trained for the first {TOY_RECHECK_STEPS} steps: bitwise equal series (train/"
    "validation accuracy, train loss, RQI) on the record's CPU, torch and thread count; elsewhere the same training "
    "set and the first steps at which RQI ≥ 0.95, train accuracy ≥ 0.9 and validation accuracy ≥ 0.9 are both "
    "reached or both not, within max(2 evaluations, 10%)")


def _toy_config(eval_every: int) -> dict:
    return {"model": "Liu et al. 2022 toy model (li2verify.train.liu2022)", "p": 10, "loss": "mse", "d_in": 1,
            "width": TOY_WIDTH, "d_out": 30, "emb_lr": 1e-3, "steps": TOY_HORIZON, "eval_every": eval_every}


register(RunRecordSpec(
    name="liu2022-toy-nested",
    description="Liu et al. 2022 toy model, addition p = 10 (regression), decoder 1-200-200-30 tanh, embeddings Adam "
                "lr 1e-3, decoder AdamW lr 1e-4 wd 0, full batch, 10⁵ steps, seeds 0-4 × nested n ∈ "
                f"{list(TOY_NS)} of 55, evaluated every 50 steps",
    config=_toy_config(50),
    units=[{"seed": s, "n": n, "dec_lr": 1e-4, "dec_wd": 0.0} for s in range(5) for n in TOY_NS],
    compute=_toy_compute, recheck_config=_toy_recheck_config, compare=_toy_compare,
    recheck_rule=TOY_RECHECK_RULE, batch=len(TOY_NS)))

register(RunRecordSpec(
    name="liu2022-toy-phases",
    description="Liu et al. 2022 toy model at 45/10, decoder 1-200-200-30 tanh over decoder AdamW lr "
                f"{list(TOY_PHASE_LRS)} × weight decay {list(TOY_PHASE_WDS)}, embeddings Adam lr 1e-3, full batch, "
                "10⁵ steps, seeds 0-4, evaluated every 10 steps",
    config=_toy_config(10),
    units=[{"seed": s, "n": 45, "dec_lr": lr, "dec_wd": wd} for s in range(5) for wd in TOY_PHASE_WDS
           for lr in TOY_PHASE_LRS],
    compute=_toy_compute, recheck_config=_toy_recheck_config, compare=_toy_compare,
    recheck_rule=TOY_RECHECK_RULE, batch=len(TOY_PHASE_LRS)))


def toy_result(rec):
    """The :class:`li2verify.train.liu2022.ToyResult` of a toy run record, as :func:`train_toy` returns it for the
    record's units in one program (embeddings: the final ones only, shape (1, B, p, d_in))."""
    from li2verify.paper import liu2022 as L
    from li2verify.train.liu2022 import ToyConfig, ToyResult

    c, units, a = rec.spec.config, rec.spec.units, rec.arrays
    cfg = ToyConfig(p=c["p"], d_in=c["d_in"], width=c["width"], d_out=c["d_out"], loss=c["loss"], emb_lr=c["emb_lr"],
                    steps=c["steps"], eval_every=c["eval_every"], seeds=[u["seed"] for u in units],
                    n_train=[u["n"] for u in units], dec_lr=[u["dec_lr"] for u in units],
                    dec_wd=[u["dec_wd"] for u in units]).validate()
    D0 = L.full_dataset(c["p"])
    return ToyResult(cfg, a["steps"][0].astype(float), a["train_acc"].T, a["val_acc"].T, a["train_loss"].T,
                     a["rqi"].T, a["embedding_final"][None], [D0[m] for m in a["train_mask"]])
