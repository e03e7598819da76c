"""The one training step loop of li2verify.

Every network this package trains — ``li2verify train`` (:mod:`li2verify.train.run`), the sweep's tensor programs
(:mod:`li2verify.sweep.cells`), the Liu et al. 2022 toy model (:mod:`li2verify.train.liu2022`), the Thm 6
repulsion instances (:mod:`li2verify.train.repulsion`) and the small gradient-flow instances of the claim modules —
is a :class:`Program` driven by :func:`run_epochs`.  A program owns its model, loss, protocol and optimizer (per-seed
lr and η live in the optimizer); the loop owns the order of events in an epoch, which is the same for all of them:

1. the ``before`` hooks see the pre-step weights of epoch ``e`` (checkpoints, snapshots, probes, test evaluation,
   early stopping); any of them may return :data:`LAST` to make ``e`` the final epoch;
2. ``program.step(e, update)`` runs one full-batch forward on those weights and, unless ``e`` is the final epoch,
   the backward pass and the optimizer update that produce the weights of epoch ``e + 1``;
3. the ``after`` hooks see what the step returned (train loss and accuracy of the pre-step weights, the hidden
   features it computed); any of them may return :data:`STOP` to end the run after this epoch (divergence).

Epoch ``epochs`` is evaluated but never stepped, so a run of E epochs evaluates E + 1 weight states (0 … E), as
the paper's code logs them.  The loop itself allocates nothing and holds no state between runs.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol

#: returned by a ``before`` hook: this epoch is the last (its forward runs, no update follows)
LAST = "last"
#: returned by an ``after`` hook: stop after this epoch (e.g. the loss diverged)
STOP = "stop"

BeforeHook = Callable[[int], Any]
AfterHook = Callable[[int, Any], Any]


class Program(Protocol):
    """A batch of models trained together: ``step(epoch, update)`` is one full-batch forward on the current
    weights and, with ``update``, the gradient and the optimizer update; it returns whatever its hooks read."""

    def step(self, epoch: int, update: bool) -> Any: ...


class StepFunction:
    """A :class:`Program` from a plain function ``fn(epoch, update) -> output`` (instances that keep their
    model, loss and optimizer in a closure)."""

    def __init__(self, fn: Callable[[int, bool], Any]):
        self._fn = fn

    def step(self, epoch: int, update: bool) -> Any:
        return self._fn(epoch, update)


def run_epochs(program: Program, epochs: int, *, start: int = 0, before: Iterable[BeforeHook] = (),
               after: Iterable[AfterHook] = ()) -> int:
    """Drive ``program`` from epoch ``start`` to ``epochs`` (inclusive; see the module docstring for the order of
    events) and return the last epoch whose step ran."""
    before, after = tuple(before), tuple(after)
    if epochs < start:
        raise ValueError(f"epochs ({epochs}) < start ({start})")
    e = start
    for e in range(start, epochs + 1):
        final = e == epochs
        for hook in before:
            if hook(e) == LAST:
                final = True
        out = program.step(e, not final)
        stop = False
        for hook in after:
            if hook(e, out) == STOP:
                stop = True
        if final or stop:
            break
    return e
