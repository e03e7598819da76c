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

Side work.  On a CPU with a core to spare, one seed's epoch can use two cores without intra-op threads: work that
only reads the pre-step weights (the test evaluation, probes on the step's forward) runs on a second thread beside
the step.  A run that wants this passes a :class:`SideWork` to :func:`run_epochs` and to its program; the
``before`` hooks (and the step's own callbacks) ``submit`` work to it, and the program calls ``join()`` before its
update mutates the weights, so the side work sees exactly the weights of epoch ``e``.  :func:`run_epochs` joins it
again after the step (a no-op when the program already did; on the final epoch, which has no update, it is the
join), so the ``after`` hooks always see the side work of their epoch finished.  Each piece of side work is the
same function call it would be inline, so where each one runs (and how many cores there are) never changes a
number, given the same thread count per computation.

Epoch ``epochs`` is evaluated but never stepped, so a run of E epochs evaluates E + 1 weight states (0 … E), as
the paper's code logs them.  The loop itself allocates nothing and holds no state between runs.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterable, Protocol

#: The engine's trajectory version.  Bump it with any change that alters a trained trajectory (init, loss, split,
#: optimizer arithmetic); every evidence record made before (li2verify.sweep.record,
#: li2verify.experiments.run_records) is then refused until it is re-made.
ENGINE_VERSION = 1

#: returned by a ``before`` hook: this epoch is the last (its forward runs, no update follows)
LAST = "last"
#: returned by an ``after`` hook: stop after this epoch (e.g. the loss diverged)
STOP = "stop"

BeforeHook = Callable[[int], Any]
AfterHook = Callable[[int, Any], Any]


class Program(Protocol):
    """A batch of models trained together: ``step(epoch, update)`` is one full-batch forward on the current
    weights and, with ``update``, the gradient and the optimizer update; it returns whatever its hooks read.
    A program driven with a :class:`SideWork` calls its ``join()`` before the update mutates the weights."""

    def step(self, epoch: int, update: bool) -> Any: ...


class StepFunction:
    """A :class:`Program` from a plain function ``fn(epoch, update) -> output`` (instances that keep their
    model, loss and optimizer in a closure)."""

    def __init__(self, fn: Callable[[int, bool], Any]):
        self._fn = fn

    def step(self, epoch: int, update: bool) -> Any:
        return self._fn(epoch, update)


class SideWork:
    """Work beside the training step: ``submit(fn)`` runs ``fn()`` on one worker thread (in submission order), or at
    once on the calling thread when made with ``thread=False``; ``join()`` waits for everything submitted so far
    and re-raises the first exception.  The work must only read what the step does not write before ``join()``
    (the pre-step weights, the step's forward once it has handed it over) and write only its own results."""

    def __init__(self, thread: bool = True):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="li2-side") if thread else None
        self._pending: list[Future] = []

    def submit(self, fn: Callable[[], Any]) -> None:
        if self._pool is None:
            fn()
        else:
            self._pending.append(self._pool.submit(fn))

    def join(self) -> None:
        pending, self._pending = self._pending, []
        error = None
        for f in pending:  # every piece is waited for, also after a failure: none outlives the join
            exc = f.exception()
            if exc is not None and error is None:
                error = exc
        if error is not None:
            raise error

    def settle(self) -> None:
        """Wait for everything submitted, dropping its errors (for a caller that is already failing)."""
        pending, self._pending = self._pending, []
        for f in pending:
            f.exception()

    def close(self) -> None:
        """:meth:`settle` and stop the worker thread."""
        self.settle()
        if self._pool is not None:
            self._pool.shutdown()


def run_epochs(program: Program, epochs: int, *, start: int = 0, before: Iterable[BeforeHook] = (),
               after: Iterable[AfterHook] = (), side: SideWork | None = None) -> int:
    """Drive ``program`` from epoch ``start`` to ``epochs`` (inclusive; see the module docstring for the order of
    events) and return the last epoch whose step ran.  ``side``: the work the hooks and the program run beside
    the step, joined after every step (before the ``after`` hooks)."""
    before, after = tuple(before), tuple(after)
    if epochs < start:
        raise ValueError(f"epochs ({epochs}) < start ({start})")
    e = start
    for e in range(start, epochs + 1):
        final = e == epochs
        try:
            for hook in before:
                if hook(e) == LAST:
                    final = True
            out = program.step(e, not final)
        except BaseException:
            if side is not None:
                side.settle()  # no side work outlives a failed epoch (its own errors give way to this one)
            raise
        if side is not None:
            side.join()
        stop = False
        for hook in after:
            if hook(e, out) == STOP:
                stop = True
        if final or stop:
            break
    return e
