"""The one training step loop (li2verify.train.engine): the order of events in an epoch, LAST and STOP, resuming
at start > 0, the count the paper's code logs (a run of E epochs steps E times and evaluates E + 1 states), and side
work beside the step (started by a before-hook, joined before the update and before the after-hooks)."""

import threading
import time

import pytest

from li2verify.train.engine import LAST, STOP, SideWork, StepFunction, run_epochs


class Counter:
    """A program whose weights are the number of updates so far; it logs every call."""

    def __init__(self, log: list):
        self.w, self.log = 0, log

    def step(self, epoch: int, update: bool):
        self.log.append(("step", epoch, update))
        seen = self.w
        if update:
            self.w += 1
        return seen


def hooks(log: list, last_at=None, stop_at=None):
    def b1(e):
        log.append(("b1", e))
        return LAST if e == last_at else None

    def b2(e):
        log.append(("b2", e))

    def a1(e, out):
        log.append(("a1", e, out))
        return STOP if e == stop_at else None

    def a2(e, out):
        log.append(("a2", e, out))

    return (b1, b2), (a1, a2)


def test_order_of_events_in_every_epoch():
    log: list = []
    before, after = hooks(log)
    assert run_epochs(Counter(log), 2, before=before, after=after) == 2
    assert log == [("b1", 0), ("b2", 0), ("step", 0, True), ("a1", 0, 0), ("a2", 0, 0),
                   ("b1", 1), ("b2", 1), ("step", 1, True), ("a1", 1, 1), ("a2", 1, 1),
                   ("b1", 2), ("b2", 2), ("step", 2, False), ("a1", 2, 2), ("a2", 2, 2)]


@pytest.mark.parametrize("E", [0, 1, 7])
def test_E_epochs_step_E_times_and_evaluate_E_plus_1_states(E):
    log: list = []
    prog = Counter(log)
    seen = []
    assert run_epochs(prog, E, before=[lambda e: seen.append((e, prog.w))]) == E
    assert prog.w == E                                        # E updates
    assert seen == [(e, e) for e in range(E + 1)]             # epoch e sees the weights after e updates
    assert [x[2] for x in log] == [True] * E + [False]        # the final state is evaluated, never stepped


def test_last_makes_this_epoch_final_without_an_update():
    log: list = []
    before, after = hooks(log, last_at=2)
    prog = Counter(log)
    assert run_epochs(prog, 5, before=before, after=after) == 2
    assert prog.w == 2
    # every before-hook of the epoch still runs, the step runs without update, the after-hooks see it
    assert log[-5:] == [("b1", 2), ("b2", 2), ("step", 2, False), ("a1", 2, 2), ("a2", 2, 2)]


def test_stop_ends_the_run_after_this_epochs_update():
    log: list = []
    before, after = hooks(log, stop_at=1)
    prog = Counter(log)
    assert run_epochs(prog, 5, before=before, after=after) == 1
    assert prog.w == 2  # the update of epoch 1 ran before its after-hooks asked to stop
    assert log[-5:] == [("b1", 1), ("b2", 1), ("step", 1, True), ("a1", 1, 1), ("a2", 1, 1)]


def test_start_resumes_at_an_epoch():
    log: list = []
    before, after = hooks(log)
    prog = Counter(log)
    assert run_epochs(prog, 5, start=3, before=before, after=after) == 5
    assert [x for x in log if x[0] == "step"] == [("step", 3, True), ("step", 4, True), ("step", 5, False)]
    assert prog.w == 2  # from a checkpoint at 3: the 2 updates to epoch 5
    log.clear()
    assert run_epochs(Counter(log), 4, start=4) == 4  # checkpointed at the last epoch: evaluated once, no update
    assert log == [("step", 4, False)]


def test_start_beyond_epochs_is_refused():
    with pytest.raises(ValueError, match="start"):
        run_epochs(Counter([]), 2, start=3)


def test_step_function_is_a_program():
    calls = []
    assert run_epochs(StepFunction(lambda e, u: calls.append((e, u))), 2) == 2
    assert calls == [(0, True), (1, True), (2, False)]


class Joining(Counter):
    """A Counter driven with side work: it joins the side work before its update, as a program must."""

    def __init__(self, log: list, side: SideWork):
        super().__init__(log)
        self.side = side

    def step(self, epoch: int, update: bool):
        self.log.append(("step", epoch, update))
        seen = self.w
        if update:
            self.side.join()
            self.log.append(("join", epoch))
            self.w += 1
        return seen


@pytest.mark.parametrize("thread", [True, False])
def test_side_work_sees_the_pre_step_weights_and_ends_before_the_after_hooks(thread):
    log: list = []
    side = SideWork(thread=thread)
    prog = Joining(log, side)
    seen: dict = {}

    def start(e):
        def work():
            time.sleep(0.01)  # slower than the step: the join really waits
            seen[e] = (prog.w, threading.current_thread() is threading.main_thread())
            log.append(("side", e))
        side.submit(work)

    after = [lambda e, out: log.append(("a", e, e in seen))]
    try:
        assert run_epochs(prog, 2, before=[start], after=after, side=side) == 2
    finally:
        side.close()
    assert {e: w for e, (w, _) in seen.items()} == {0: 0, 1: 1, 2: 2}   # the weights of its own epoch
    assert all(main is (not thread) for _, main in seen.values())    # on the worker thread (or inline)
    for e in (0, 1):  # the side work ends before the update, every after-hook sees it done
        assert log.index(("side", e)) < log.index(("join", e)) < log.index(("a", e, True))
    assert log.index(("side", 2)) < log.index(("a", 2, True))        # final epoch: no update, joined by the loop


def test_side_work_errors_reach_the_run_and_a_failed_step_leaves_none_running():
    side = SideWork()
    try:
        def boom():
            raise RuntimeError("side failed")
        with pytest.raises(RuntimeError, match="side failed"):
            run_epochs(Joining([], side), 3, before=[lambda e: side.submit(boom)], side=side)
        done = []

        def slow():
            time.sleep(0.02)
            done.append(1)

        def bad_step(e, u):
            raise ValueError("step failed")
        with pytest.raises(ValueError, match="step failed"):  # the step's error wins; the side work has finished
            run_epochs(StepFunction(bad_step), 3, before=[lambda e: (side.submit(slow), side.submit(boom))], side=side)
        assert done == [1]
    finally:
        side.close()


def test_train_and_sweep_run_on_the_engine():
    """``li2verify train`` and the sweep's tensor programs drive their epochs through :func:`run_epochs`."""
    import ast
    import inspect

    from li2verify.sweep import cells
    from li2verify.train import run

    for mod, fn in ((run, "_train"), (cells, "train_program")):
        tree = ast.parse(inspect.getsource(getattr(mod, fn)))
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "run_epochs" in calls, fn
        assert not any(isinstance(n, ast.While) for n in ast.walk(tree)), fn


def test_train_reports_every_epoch_once_with_a_progress_bar():
    """``li2verify train`` on the engine: on_epoch sees epochs 0..E in order, each with its train and test
    metrics, and the progress bar closes at E + 1."""
    from li2verify.train import TrainConfig, train

    seen = []
    res = train(TrainConfig(group="7", hidden=8, train_frac=0.5, epochs=4, eval_every=2, seeds=[0, 1]),
                progress=True, on_epoch=lambda e, r: seen.append((e, sorted(r))))
    assert [e for e, _ in seen] == [0, 1, 2, 3, 4]
    assert all({"train_loss", "train_acc", "test_loss", "test_acc"} <= set(k) for _, k in seen)
    assert list(res.epochs) == [0, 1, 2, 3, 4]


def test_sweep_program_stopped_by_success_completes_its_progress():
    """The sweep's tensor program on the engine: a success at epoch 0 (threshold 0) is its last epoch, no update
    follows, and on_epoch is told the program is complete."""
    from li2verify.sweep.cells import train_program
    from li2verify.sweep.spec import SweepSpec

    cells = SweepSpec(groups=["Z7"], p=[0.5], seeds=[0, 1], lr=[1e-2], wd=[1e-3], K=[8], epochs=[6],
                      eval_every=2).cells()
    calls = []
    rows = train_program(cells, eval_every=2, threshold=0.0, stop_on_success=True,
                         on_epoch=lambda e, E: calls.append((e, E)))
    assert calls == [(0, 6), (6, 6)]
    assert {r["epochs_run"] for r in rows} == {0}
    calls.clear()
    full = train_program(cells, eval_every=2, on_epoch=lambda e, E: calls.append((e, E)))
    assert calls == [(e, 6) for e in range(7)]
    assert {r["epochs_run"] for r in full} == {6}
