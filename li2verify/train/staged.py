"""Work in stages of independent tasks that any number of threads may share (the exact-mode Gram of
:mod:`li2verify.train.grams`, on the training step's thread and its side worker).

A :class:`StagedWork` holds a list of stages, each a list of tasks; every task of a stage finishes before any task
of the next one starts.  Every thread that calls :meth:`StagedWork.run` takes the next untaken task of the current
stage until the last stage is done, then returns the result; a thread that finds nothing to take waits for the
stage to finish.  One caller runs every task in order, so the work is the same whether one thread or several
share it: which thread runs a task never changes its arithmetic (given the same torch thread count on each).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Sequence

#: a task gets its thread's scratch space (a dict that lives as long as that thread's ``run`` call)
Task = Callable[[dict], None]


class StagedWork:
    """``stages`` (lists of tasks) run once, shared by every thread that calls :meth:`run`; ``result`` is what
    :meth:`run` returns once the last stage is done (the tasks write into it)."""

    def __init__(self, stages: Sequence[Sequence[Task]], result: Any):
        self._stages = [list(s) for s in stages if s]
        self._result = result
        self._cond = threading.Condition()
        self._stage = 0         # the current stage
        self._next = 0          # its next untaken task
        self._left = len(self._stages[0]) if self._stages else 0  # its unfinished tasks
        self._error: BaseException | None = None

    @property
    def done(self) -> bool:
        with self._cond:
            return self._stage >= len(self._stages) or self._error is not None

    def run(self) -> Any:
        """Take part until every stage is done; re-raise the first error of any task."""
        scratch: dict = {}
        cond = self._cond
        with cond:
            while True:
                if self._error is not None:
                    raise self._error
                if self._stage >= len(self._stages):
                    return self._result
                tasks = self._stages[self._stage]
                if self._next >= len(tasks):
                    cond.wait()
                    continue
                task = tasks[self._next]
                self._next += 1
                cond.release()
                try:
                    task(scratch)
                except BaseException as e:
                    cond.acquire()
                    if self._error is None:
                        self._error = e
                    cond.notify_all()
                    raise
                cond.acquire()
                self._left -= 1
                if self._left == 0:
                    self._stage += 1
                    self._next = 0
                    self._left = len(self._stages[self._stage]) if self._stage < len(self._stages) else 0
                    cond.notify_all()
