"""The claim registry: one checkable sentence of the paper, its checks, and their evidence.

A *claim* carries the statement as printed in the paper and, when the printed form fails and a corrected
form is verified instead, the statement as verified.  *Checks* are pytest test functions attached to a claim
with :func:`check`; each one records :class:`Evidence` (what was computed, on how many instances, the worst
error against a tolerance whose reason is written down).

Status of a claim (README, "Reading the report") is derived from the outcomes of its checks by :func:`claim_status`:

=============  ======================================================================================
verified       every check of the printed statement passed
erratum        the printed statement has a counterexample and a corrected statement is verified
refuted        the printed statement failed and no corrected statement is verified
inconclusive   no counterexample, but at least one check could not decide (reason recorded)
untested       registered, no check ran
=============  ======================================================================================

Only the evidence API decides a claim.  A check fails the statement only through :class:`StatementFails`, raised
by :meth:`Evidence.error`, :meth:`Evidence.close` or :meth:`Evidence.holds` on a measured violation beyond the
stated tolerance.  A counterexample is recorded only by :meth:`Evidence.counterexample`, which measures the
violation itself and raises :class:`ErratumVanished` when the printed statement holds on the instance after all.
Any other exception -- an ``AssertionError`` from inside torch or numpy included -- makes the check ``broken``
(the engine broke, not the claim); so does a check that passes without recording any evidence, because a test
that cannot fail is a defect.

Usage (inside a ``theorems/`` module)::

    THM1 = claim(
        "thm1.energy.gradient_ascent",
        paper_ref="Thm 1; Sec 4.1, Eqns 6-7",
        printed=r"\\dot w_j = X^\\top D_j \\tilde Y\\tilde Y^\\top\\sigma(Xw_j) = \\nabla_w \\mathcal{E}(w_j)",
        assumptions=["sigma differentiable"],
    )

    @check(THM1, "numeric")
    def test_gradient_matches_autograd(evidence):
        evidence.describe("torch autograd of E vs the closed form of Eqn 6")
        evidence.tolerance(1e-10, "float64 rounding of O(n M) sums")
        evidence.close(autograd_grad, closed_form, family="Z7", seed=0)
"""

from __future__ import annotations

import base64
import io
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

STATUSES = ("verified", "erratum", "refuted", "inconclusive", "untested")
METHODS = ("symbolic", "numeric", "property", "empirical")
TARGETS = ("printed", "corrected")
# Outcome of one check.  "fail" = the evidence API measured a violation of the statement (StatementFails);
# "counterexample" = the check measured and recorded a violation of the printed statement beyond its tolerance;
# "vanished" = a recorded counterexample no longer violates the statement (the printed statement held).
OUTCOMES = ("pass", "counterexample", "fail", "vanished", "inconclusive", "broken", "skipped")
RELATIONS = ("==", "<=", ">=")


class ClaimError(ValueError):
    """Bad use of the claim registry (duplicate id, unknown method, unknown dependency...)."""


class StatementFails(Exception):
    """A measured violation of the statement under check, beyond the check's stated tolerance.

    Raised only by the evidence API; the one exception that makes a check's outcome ``fail``."""


class ErratumVanished(Exception):
    """:meth:`Evidence.counterexample` measured no violation beyond the tolerance: the statement that the
    check documents as failing holds on this instance (a fix or a regression to acknowledge)."""


def _leaf_exceptions(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in _leaf_exceptions(sub)]
    return [exc]


def falsifying_example(exc: BaseException) -> str:
    """The shrunk example Hypothesis attached to a failure (its ``Failing test case:`` / ``Falsifying example:``
    note), on one line."""
    for e in [exc, *_leaf_exceptions(exc)]:
        for note in getattr(e, "__notes__", ()) or ():
            if str(note).startswith(("Falsifying example", "Failing test case")):
                text = " ".join(str(note).split())
                text = text.split(":", 1)[1].strip()
                return re.sub(r"evidence=Evidence\(.*?\), ?", "", text) if "evidence=" in text else text
    return ""


def classify_exception(exc: BaseException) -> str:
    """``fail`` when every leaf of ``exc`` is a :class:`StatementFails`, ``vanished`` when they are all
    :class:`ErratumVanished` (or a mix of both), ``broken`` for anything else -- an ``AssertionError`` raised
    inside a library included: a crash is never a verdict."""
    leaves = _leaf_exceptions(exc)
    if all(isinstance(e, StatementFails) for e in leaves):
        return "fail"
    if all(isinstance(e, (StatementFails, ErratumVanished)) for e in leaves):
        return "vanished"
    return "broken"


@dataclass
class Claim:
    """One checkable sentence of the paper: its printed statement, its checks, its dependencies."""

    id: str
    paper_ref: str
    printed: str
    verified: str | None = None
    assumptions: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    title: str = ""
    notes: str = ""
    module: str = ""
    checks: list[str] = field(default_factory=list)  # pytest-style "module::function" names
    source: str = ""  # the paper a claim comes from when it is not Tian 2025 (a conjecture package's citation);
    #                   the report shows each source's claims under their own heading

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "paper_ref": self.paper_ref,
            "printed": self.printed,
            "verified": self.verified,
            "assumptions": list(self.assumptions),
            "depends_on": list(self.depends_on),
            "notes": self.notes,
            "module": self.module,
            **({"source": self.source} if self.source else {}),
        }


class Registry:
    """Claims by id.  Re-registering an identical claim from the same module is a no-op (a module imported
    twice); anything else under an existing id is an error naming both places."""

    def __init__(self) -> None:
        self._claims: dict[str, Claim] = {}

    def add(self, c: Claim) -> Claim:
        old = self._claims.get(c.id)
        if old is not None:
            same = old.to_dict() == c.to_dict()
            if same:
                return old
            raise ClaimError(
                f"claim {c.id!r} registered twice: first in module {old.module!r}, again in {c.module!r}"
                + ("" if old.module != c.module else " with a different definition")
            )
        self._claims[c.id] = c
        return c

    def get(self, claim_id: str) -> Claim:
        try:
            return self._claims[claim_id]
        except KeyError:
            raise ClaimError(f"unknown claim id {claim_id!r}") from None

    def __contains__(self, claim_id: str) -> bool:
        return claim_id in self._claims

    def __iter__(self):
        return iter(sorted(self._claims.values(), key=lambda c: c.id))

    def __len__(self) -> int:
        return len(self._claims)

    def clear(self) -> None:
        self._claims.clear()


#: The process-wide registry that theorem modules register into at import time.
REGISTRY = Registry()


def _caller_module(depth: int = 2) -> str:
    import sys

    frame = sys._getframe(depth)
    return frame.f_globals.get("__name__", "?")


def claim(
    id: str,
    *,
    paper_ref: str,
    printed: str,
    verified: str | None = None,
    assumptions: Iterable[str] = (),
    depends_on: Iterable[str] = (),
    title: str = "",
    notes: str = "",
    source: str = "",
    registry: Registry | None = None,
) -> Claim:
    """Declare a claim.  ``printed`` is the statement verbatim from the paper (LaTeX); ``verified`` is the
    corrected statement the suite checks when the printed one fails (``None`` when they agree).  ``source`` names the
    paper the claim comes from when it is not the Li2 paper (e.g. a conjecture package checking another paper);
    the report groups each source's claims under a heading of their own, ordered by their ``paper_ref``."""
    if not id or not isinstance(id, str) or any(ch.isspace() for ch in id):
        raise ClaimError(f"claim id must be a non-empty string without spaces, got {id!r}")
    if not paper_ref:
        raise ClaimError(f"claim {id!r}: paper_ref is required (e.g. 'Thm 2; App. F.1, Eqn 19')")
    if not printed:
        raise ClaimError(f"claim {id!r}: the printed statement is required")
    c = Claim(
        id=id,
        paper_ref=paper_ref,
        printed=printed,
        verified=verified,
        assumptions=list(assumptions),
        depends_on=list(depends_on),
        title=title,
        notes=notes,
        module=_caller_module(),
        source=source,
    )
    return (REGISTRY if registry is None else registry).add(c)


def check(c: Claim, method: str, *, target: str = "printed") -> Callable[[Callable], Callable]:
    """Attach a pytest test function to claim ``c`` as a check by ``method``.

    ``target`` says which statement the check is about: ``"printed"`` (the paper's form) or ``"corrected"``
    (the claim's ``verified`` form, which must then be given).  The function receives its
    :class:`Evidence` through the ``evidence`` fixture of the li2verify pytest plugin.
    """
    import pytest

    if not isinstance(c, Claim):
        raise ClaimError(f"check(...) needs a Claim returned by claim(...), got {type(c).__name__}")
    if method not in METHODS:
        raise ClaimError(f"unknown check method {method!r}; expected one of {', '.join(METHODS)}")
    if target not in TARGETS:
        raise ClaimError(f"unknown check target {target!r}; expected one of {', '.join(TARGETS)}")
    if target == "corrected" and not c.verified:
        raise ClaimError(f"claim {c.id!r}: a 'corrected' check needs the claim's verified statement")

    def deco(fn: Callable) -> Callable:
        name = f"{fn.__module__}::{fn.__name__}"
        if name not in c.checks:
            c.checks.append(name)
        fn = getattr(pytest.mark, method)(fn)
        fn = pytest.mark.li2_check(claim_id=c.id, method=method, target=target)(fn)
        return fn

    return deco


def _norm(a: Any) -> float:
    arr = np.asarray(a)
    if arr.size == 0:
        return 0.0
    return float(np.max(np.abs(arr)))


@dataclass
class Evidence:
    """What one check computed.  Filled in by the check through its methods; finalized by the plugin."""

    claim_id: str
    method: str
    check: str
    target: str = "printed"
    description: str = ""
    instances: int = 0
    families: list[str] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    max_error: float | None = None
    tol: float | None = None
    tolerance_reason: str = ""
    counterexamples: list[dict[str, Any]] = field(default_factory=list)
    inconclusive_reasons: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    plots: list[dict[str, str]] = field(default_factory=list)
    outcome: str = "pass"
    message: str = ""
    seconds: float = 0.0
    _t0: float = field(default_factory=time.perf_counter, repr=False)

    # -- filling in -------------------------------------------------------------------------------------
    def describe(self, text: str) -> None:
        """What is computed, and against what independent computation."""
        self.description = text

    def tolerance(self, tol: float, why: str) -> None:
        """The tolerance the comparisons are held to, and why it has that size."""
        if not (tol >= 0 and math.isfinite(tol)):
            raise ValueError(f"tolerance must be a finite non-negative number, got {tol!r}")
        if not why:
            raise ValueError("a tolerance needs its reason (what makes it that size)")
        self.tol = float(tol)
        self.tolerance_reason = why

    def instance(self, family: str | None = None, seed: int | None = None) -> None:
        """Count one checked instance (an instance of the family, drawn with the seed)."""
        self.instances += 1
        if family is not None and family not in self.families:
            self.families.append(str(family))
        if seed is not None and seed not in self.seeds:
            self.seeds.append(int(seed))

    def error(self, err: float, *, family: str | None = None, seed: int | None = None, what: str = "") -> float:
        """Record one instance's error against the check's tolerance; fails the check if it exceeds it."""
        if self.tol is None:
            raise ValueError("call evidence.tolerance(tol, why) before recording errors")
        err = float(err)
        self.instance(family, seed)
        if self.max_error is None or not (err <= self.max_error):
            self.max_error = err
        if not (err <= self.tol):
            where = ", ".join(x for x in (f"family={family}" if family else "", f"seed={seed}" if seed is not None else "") if x)
            raise StatementFails(
                f"{what or 'error'} = {err:.3e} exceeds tolerance {self.tol:.1e} ({self.tolerance_reason})"
                + (f" [{where}]" if where else "")
            )
        return err

    def close(self, actual: Any, expected: Any, *, rel: bool = True, family: str | None = None,
              seed: int | None = None, what: str = "") -> float:
        """Compare two independently computed arrays: max-abs difference, divided by max-abs of ``expected``
        when ``rel`` (with a floor of 1 for an all-zero expected value).  Records and asserts against the
        check's tolerance."""
        a = np.asarray(actual)
        b = np.asarray(expected)
        if a.shape != b.shape:
            raise StatementFails(f"{what or 'compare'}: shapes differ, {a.shape} vs {b.shape}")
        diff = _norm(a - b)
        if rel:
            scale = _norm(b)
            diff = diff / (scale if scale > 0 else 1.0)
        return self.error(diff, family=family, seed=seed, what=what)

    def holds(self, condition: bool, what: str, *, family: str | None = None, seed: int | None = None) -> None:
        """Record one instance of an exact (boolean) property; fails the check if it does not hold."""
        self.instance(family, seed)
        if self.max_error is None:
            self.max_error = 0.0
        if not bool(condition):
            self.max_error = max(self.max_error, 1.0)
            where = ", ".join(x for x in (f"family={family}" if family else "", f"seed={seed}" if seed is not None else "") if x)
            raise StatementFails(f"property does not hold: {what}" + (f" [{where}]" if where else ""))

    def counterexample(self, what: str, *, measured: Any, printed: Any, relation: str = "==",
                       tol: float | None = None, why: str | None = None, rel: bool = False, **data: Any) -> float:
        """Measure how far ``measured`` violates the printed statement and record a counterexample when the
        violation exceeds the tolerance.  The check itself passes: a measured counterexample is a result.

        ``relation`` says what the printed statement asserts of the measured value: ``"=="`` (equal to
        ``printed``; violation = max |measured − printed|, divided by max |printed| when ``rel``), ``"<="``
        (at most ``printed``; violation = measured − printed) or ``">="`` (at least; violation = printed −
        measured).  Sympy expressions are compared exactly (``simplify(measured − printed)``; a difference with
        free symbols that does not simplify to 0 is an infinite violation); booleans by equality.  ``tol`` and
        ``why`` default to the check's :meth:`tolerance`.  When the violation is within the tolerance the printed
        statement holds on this instance and :class:`ErratumVanished` is raised: a counterexample is never
        declared.  Returns the violation."""
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, got {relation!r}")
        if tol is None:
            tol, why = self.tol, (why or self.tolerance_reason)
        if tol is None or not why:
            raise ValueError("counterexample(...) needs a tolerance and its reason: call evidence.tolerance(tol, why) "
                             "or pass tol= and why=")
        tol = float(tol)
        if not (tol >= 0 and math.isfinite(tol)):
            raise ValueError(f"tolerance must be a finite non-negative number, got {tol!r}")
        violation = measured_violation(measured, printed, relation, rel=rel)
        family, seed = data.get("family", data.get("group")), data.get("seed")
        self.instance(None if family is None else str(family), seed if isinstance(seed, (int, np.integer)) else None)
        if not (violation > tol):
            raise ErratumVanished(
                f"{what}: measured {_short(measured)} vs printed {_short(printed)} ({relation}), violation "
                f"{violation:.3g} within tolerance {tol:.3g} ({why}) -- the printed statement holds on this instance")
        self.counterexamples.append({
            "what": what, "measured": _jsonable(_exact_or_value(measured)),
            "printed": _jsonable(_exact_or_value(printed)), "relation": relation,
            "violation": _jsonable(violation), "tolerance": tol, "tolerance_reason": why,
            **{k: _jsonable(v) for k, v in data.items()},
        })
        return violation

    def seed_vote(self, rule: "SeedRule", values: Iterable[float], *, seeds: Iterable[int], family: str,
                  what: str = "", **data: Any) -> bool | None:
        """Decide an empirical statement from one value per seed under a :class:`SeedRule` written before the run.

        Each seed's value and its signed distance to the threshold are recorded; a seed within ``rule.margin``
        of the threshold (or with a NaN value) is *undecided* and counts against whichever verdict is being
        reached.  With N seeds and k_min = ⌈rule.k_frac·N⌉: the statement holds on this run when at least k_min
        seeds show it outside the dead band (returns True); a counterexample is measured when even counting
        every undecided seed as showing it, at most ⌊N/2⌋ do (returns False); otherwise inconclusive (None)."""
        vals = [float(v) for v in values]
        seeds = [int(s) for s in seeds]
        if len(vals) != len(seeds) or not vals:
            raise ValueError(f"seed_vote: {len(vals)} values for {len(seeds)} seeds")
        votes = [rule.vote(v) for v in vals]
        yes, no = votes.count(True), votes.count(False)
        und = len(vals) - yes - no
        N = len(vals)
        k_min = rule.k_min(N)
        for s in seeds:
            self.instance(family, s)
        label = what or rule.metric
        self.detail(f"{label} [per seed]", [
            {"seed": s, "value": v, "distance": rule.distance(v),
             "vote": {True: "shows it", False: "does not", None: "undecided (inside the dead band)"}[vt]}
            for s, v, vt in zip(seeds, vals, votes)])
        self.detail(f"{label} [rule]", rule.describe())
        self.detail(f"{label} [count]", f"{yes} show it, {no} do not, {und} undecided of {N}; holds needs ≥ {k_min}")
        if yes >= k_min:
            return True
        if yes + und <= N // 2:
            self.counterexample(f"{label}: {yes + und}/{N} seeds on {family} show it even counting the {und} "
                                f"undecided ones (rule: {rule.describe()})",
                                measured=yes + und, printed=k_min, relation=">=", tol=k_min - N // 2 - 1,
                                why=f"three-way seed rule: a counterexample needs at most ⌊N/2⌋ = {N // 2} seeds",
                                family=family, **data)
            return False
        self.inconclusive(f"{label}: {yes} of {N} seeds show it outside the dead band, {und} undecided, {no} do not "
                          f"on {family} (holds needs ≥ {k_min}; a counterexample needs ≤ {N // 2} even counting the "
                          f"undecided)")
        return None

    def inconclusive(self, reason: str) -> None:
        """Record that the evidence does not decide the statement, and why."""
        self.inconclusive_reasons.append(reason)

    def detail(self, key: str, value: Any) -> None:
        """Attach a named figure (a fitted slope, a rate, k-of-N seeds...) to the evidence."""
        self.details[key] = _jsonable(value)

    def plot(self, fig: Any, caption: str) -> None:
        """Embed a matplotlib figure (PNG, base64) in the evidence; the report shows it.  Closes the figure."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        from li2verify.utils.plotstyle import REPORT_DPI

        fig.savefig(buf, format="png", dpi=REPORT_DPI, bbox_inches="tight")
        plt.close(fig)
        self.plot_png(buf.getvalue(), caption)

    def plot_png(self, png: bytes, caption: str) -> None:
        """Embed a PNG image as it is (e.g. a figure a library function wrote to a file); the report shows it."""
        if not png.startswith(b"\x89PNG"):
            raise ValueError("plot_png: the data is not a PNG image")
        self.plots.append({"caption": caption, "png_base64": base64.b64encode(png).decode()})

    @property
    def recorded_anything(self) -> bool:
        return bool(self.instances or self.counterexamples or self.inconclusive_reasons)

    # -- finalizing ------------------------------------------------------------------------------------
    def finalize(self, raised: BaseException | None, skipped: bool = False, skip_reason: str = "") -> None:
        """Set the outcome from what the check raised and what it recorded (called by the plugin)."""
        self.seconds = time.perf_counter() - self._t0
        if skipped:
            self.outcome, self.message = "skipped", skip_reason
        elif raised is not None:
            self.outcome = classify_exception(raised)
            self.message = str(raised) if self.outcome != "broken" else f"{type(raised).__name__}: {raised}"
            shrunk = falsifying_example(raised)
            if shrunk:
                self.details["falsifying example (shrunk by Hypothesis)"] = shrunk
                self.message += f" — falsifying example: {shrunk}"
        elif self._unmeasured_counterexamples():
            self.outcome = "broken"
            self.message = ("a counterexample was recorded without a measured violation beyond its tolerance: "
                            + "; ".join(self._unmeasured_counterexamples()))
        elif not self.recorded_anything:
            self.outcome = "broken"
            self.message = "the check recorded no evidence (no instance, counterexample or inconclusive reason)"
        elif self.counterexamples:
            self.outcome = "counterexample"
        elif self.inconclusive_reasons:
            self.outcome = "inconclusive"
            self.message = "; ".join(self.inconclusive_reasons)
        else:
            self.outcome = "pass"

    def _unmeasured_counterexamples(self) -> list[str]:
        bad = []
        for c in self.counterexamples:
            v, t = c.get("violation"), c.get("tolerance")
            ok = isinstance(v, (int, float)) or v == "inf"
            if ok and isinstance(t, (int, float)):
                ok = float(v) > float(t)
            else:
                ok = False
            if not ok:
                bad.append(str(c.get("what", "?")))
        return bad

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "check": self.check,
            "target": self.target,
            "description": self.description,
            "instances": self.instances,
            "families": list(self.families),
            "seeds": list(self.seeds),
            "max_error": self.max_error,
            "tolerance": self.tol,
            "tolerance_reason": self.tolerance_reason,
            "passed": self.passed,
            "outcome": self.outcome,
            "message": self.message,
            "seconds": round(self.seconds, 4),
            "counterexamples": self.counterexamples,
            "inconclusive": list(self.inconclusive_reasons),
            "details": dict(self.details),
            "plots": list(self.plots),
        }


def worst_error(e: dict[str, Any] | "Evidence") -> tuple[float | None, float | None]:
    """A check's worst error and the tolerance it is judged against: for a check that recorded counterexamples,
    the largest violation of the printed statement and that counterexample's tolerance; otherwise the largest
    error it recorded (``max_error``) and the check's tolerance.  ``(None, None)`` when it measured nothing."""
    d = e if isinstance(e, dict) else {"counterexamples": e.counterexamples, "max_error": e.max_error,
                                       "tolerance": e.tol}

    def num(v: Any) -> float | None:
        try:
            return None if v is None else float(v)
        except (TypeError, ValueError):
            return None

    ces = [(num(ce.get("violation")), num(ce.get("tolerance"))) for ce in d.get("counterexamples") or []]
    ces = [t for t in ces if t[0] is not None]
    if ces:
        return max(ces, key=lambda t: (t[0] != t[0], t[0]))  # a NaN violation is the worst
    return num(d.get("max_error")), num(d.get("tolerance"))


def claim_status(c: Claim, evidence: list[dict[str, Any]] | list[Evidence]) -> str:
    """Status of ``c`` from the evidence of its checks (the status table of the README).

    Broken and skipped checks carry no information about the claim and are ignored here (a broken check
    fails the run separately).
    """
    ev = [e.to_dict() if isinstance(e, Evidence) else e for e in evidence]
    ev = [e for e in ev if e["outcome"] not in ("broken", "skipped")]
    if not ev:
        return "untested"
    printed = [e for e in ev if e["target"] == "printed"]
    corrected = [e for e in ev if e["target"] == "corrected"]
    printed_fails = any(e["outcome"] in ("counterexample", "fail") for e in printed)
    if printed_fails:
        if c.verified and corrected and all(e["outcome"] == "pass" for e in corrected):
            return "erratum"
        return "refuted"
    if any(e["outcome"] == "inconclusive" for e in ev):
        return "inconclusive"
    if any(e["outcome"] in ("counterexample", "fail", "vanished") for e in corrected):
        # the printed statement held but the stated correction did not: the claim as a whole is unsettled
        return "inconclusive"
    if not printed:
        return "inconclusive"
    return "verified"


@dataclass(frozen=True)
class SeedRule:
    """An empirical decision rule, written in the claim before the run (:meth:`Evidence.seed_vote`).

    A seed *shows* the phenomenon when its ``metric`` lies beyond ``threshold`` in the ``direction`` by more
    than ``margin`` (the dead band), *does not* when it lies on the other side by more than ``margin``, and is
    undecided inside the band.  ``k_frac`` of the seeds must show it for the statement to hold."""

    metric: str
    threshold: float
    margin: float
    direction: str = ">="
    k_frac: float = 0.8

    def __post_init__(self) -> None:
        if self.direction not in (">=", "<="):
            raise ValueError(f"SeedRule direction must be '>=' or '<=', got {self.direction!r}")
        if not (self.margin >= 0 and math.isfinite(self.margin)):
            raise ValueError(f"SeedRule margin must be finite and ≥ 0, got {self.margin!r}")
        if not (0 < self.k_frac <= 1):
            raise ValueError(f"SeedRule k_frac must lie in (0, 1], got {self.k_frac!r}")

    def distance(self, value: float) -> float:
        """Signed distance of ``value`` past the threshold, positive on the side that shows the phenomenon."""
        d = value - self.threshold if self.direction == ">=" else self.threshold - value
        return float(d)

    def vote(self, value: float) -> bool | None:
        d = self.distance(value)
        if math.isnan(d) or abs(d) <= self.margin:
            return None
        return d > 0

    def k_min(self, n: int) -> int:
        return int(math.ceil(self.k_frac * n - 1e-9))

    def describe(self) -> str:
        return (f"{self.metric} {self.direction} {self.threshold:g} with a dead band ±{self.margin:g} "
                f"(undecided inside it); holds when ≥ {self.k_frac:.0%} of seeds show it outside the band")


def measured_violation(measured: Any, printed: Any, relation: str = "==", *, rel: bool = False) -> float:
    """How far ``measured`` violates ``relation`` to ``printed`` (0 or negative: no violation).  Sympy
    expressions exactly; arrays by the max-abs difference; booleans by equality."""
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {RELATIONS}, got {relation!r}")
    if _is_sympy(measured) or _is_sympy(printed):
        import sympy

        d = sympy.simplify(sympy.sympify(measured) - sympy.sympify(printed))
        if d == 0:
            return 0.0
        if not d.is_number:
            if relation != "==":
                raise ValueError("an inequality needs numeric sides, got a symbolic difference")
            return math.inf
        val = complex(sympy.N(d, 30))
        if relation == "==":
            return abs(val)
        return val.real if relation == "<=" else -val.real
    if isinstance(measured, (bool, np.bool_)) or isinstance(printed, (bool, np.bool_)):
        if relation != "==":
            raise ValueError("booleans are compared with relation '=='")
        return 0.0 if bool(measured) == bool(printed) else 1.0
    m = np.asarray(measured, dtype=complex if np.iscomplexobj(measured) or np.iscomplexobj(printed) else float)
    p = np.asarray(printed, dtype=m.dtype)
    if relation == "==":
        if m.shape != p.shape and p.size != 1 and m.size != 1:
            raise ValueError(f"measured and printed shapes differ: {m.shape} vs {p.shape}")
        d = _norm(m - p)
        if rel:
            scale = _norm(p)
            d = d / (scale if scale > 0 else 1.0)
        return float(d)
    if np.iscomplexobj(m):
        raise ValueError("an inequality needs real values")
    d = (m - p) if relation == "<=" else (p - m)
    d = float(np.max(d))
    if rel:
        scale = _norm(p)
        d = d / (scale if scale > 0 else 1.0)
    return d


def _is_sympy(v: Any) -> bool:
    return type(v).__module__.startswith("sympy")


def _exact_or_value(v: Any) -> Any:
    return str(v) if _is_sympy(v) else v


def _short(v: Any) -> str:
    t = str(_exact_or_value(v)) if _is_sympy(v) else (repr(v) if np.ndim(v) == 0 else f"array{np.shape(v)}")
    return t if len(t) <= 80 else t[:77] + "..."


# Weakest first: how much a claim that rests on another can inherit from it.
WEAKNESS = ("refuted", "erratum", "untested", "inconclusive", "verified")


def dependency_problems(registry: Registry, known: Iterable[str] = ()) -> list[str]:
    """Every ``depends_on`` id that names no claim (neither registered nor in ``known``), and every cycle."""
    known = set(known) | {c.id for c in registry}
    problems = [f"claim {c.id!r} (module {c.module}) depends on unknown claim {d!r}"
                for c in registry for d in c.depends_on if d not in known]
    graph = {c.id: [d for d in c.depends_on if d in registry] for c in registry}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:  # path: the stack of claims ending in node
        state[node] = 1
        for d in graph.get(node, []):
            if state.get(d) == 1:
                problems.append("dependency cycle: " + " → ".join(path[path.index(d):] + [d]))
            elif d not in state:
                visit(d, path + [d])
        state[node] = 2

    for c in registry:
        if c.id not in state:
            visit(c.id, [c.id])
    return problems


def ancestors(claim_id: str, depends_on: dict[str, list[str]]) -> list[str]:
    """All claims ``claim_id`` rests on, transitively (breadth-first, each once)."""
    seen: list[str] = []
    todo = list(depends_on.get(claim_id, []))
    while todo:
        d = todo.pop(0)
        if d in seen or d == claim_id:
            continue
        seen.append(d)
        todo.extend(depends_on.get(d, []))
    return seen


def rests_on(claim_id: str, depends_on: dict[str, list[str]], statuses: dict[str, str]) -> dict[str, Any]:
    """The weakest status among the claims ``claim_id`` rests on (a claim shows the weakest status of
    its dependencies), with the non-verified ancestors that make it so."""
    anc = ancestors(claim_id, depends_on)
    weak = [(a, statuses.get(a, "untested")) for a in anc if statuses.get(a, "untested") != "verified"]
    weakest = min((s for _, s in weak), key=WEAKNESS.index, default="verified")
    return {"weakest": weakest, "ancestors": len(anc),
            "via": [{"id": a, "status": s} for a, s in sorted(weak, key=lambda x: (WEAKNESS.index(x[1]), x[0]))]}


def status_with_ancestry(status: str, rest: dict[str, Any]) -> str:
    """``"verified · rests on erratum thm2.proof.eqn19"`` when an ancestor is weaker than the claim itself."""
    if WEAKNESS.index(rest["weakest"]) >= WEAKNESS.index(status) or not rest["via"]:
        return status
    first = next(v for v in rest["via"] if v["status"] == rest["weakest"])
    more = len([v for v in rest["via"] if v["status"] == rest["weakest"]]) - 1
    return f"{status} · rests on {rest['weakest']} {first['id']}" + (f" (+{more} more)" if more else "")


def _jsonable(v: Any) -> Any:
    """Convert numpy/torch scalars and arrays to plain JSON values."""
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return _jsonable(v.tolist())
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        v = float(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, complex) or isinstance(v, np.complexfloating):
        return {"re": float(np.real(v)), "im": float(np.imag(v))}
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        return _jsonable(v.tolist())
    if v is None or isinstance(v, (str, int, bool)):
        return v
    return str(v)
