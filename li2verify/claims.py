"""The claim registry: one checkable sentence of the paper, its checks, and their evidence.

A *claim* carries the statement as printed in the paper and, when the printed form fails and a corrected
form is verified instead, the statement as verified.  *Checks* are pytest test functions attached to a claim
with :func:`check`; each one records :class:`Evidence` (what was computed, on how many instances, the worst
error against a tolerance whose reason is written down).

Status of a claim (DESIGN.md) is derived from the outcomes of its checks by :func:`claim_status`:

=============  ======================================================================================
verified       every check of the printed statement passed
erratum        the printed statement has a counterexample and a corrected statement is verified
refuted        the printed statement failed and no corrected statement is verified
inconclusive   no counterexample, but at least one check could not decide (reason recorded)
untested       registered, no check ran
=============  ======================================================================================

A check that raises anything but ``AssertionError`` is ``broken`` (the engine broke, not the claim); so is a
check that passes without recording any evidence, because a test that cannot fail is a defect.

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
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

STATUSES = ("verified", "erratum", "refuted", "inconclusive", "untested")
METHODS = ("symbolic", "numeric", "property", "empirical")
TARGETS = ("printed", "corrected")
# Outcome of one check.  "fail" = an assertion about the statement failed (unexpectedly);
# "counterexample" = the check deliberately documents that the printed statement fails.
OUTCOMES = ("pass", "counterexample", "fail", "inconclusive", "broken", "skipped")


class ClaimError(ValueError):
    """Bad use of the claim registry (duplicate id, unknown method, unknown dependency...)."""


@dataclass
class Claim:
    """One checkable sentence of the paper (DESIGN.md, "Claims")."""

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
    registry: Registry | None = None,
) -> Claim:
    """Declare a claim.  ``printed`` is the statement verbatim from the paper (LaTeX); ``verified`` is the
    corrected statement the suite checks when the printed one fails (``None`` when they agree)."""
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
            raise AssertionError(
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
            raise AssertionError(f"{what or 'compare'}: shapes differ, {a.shape} vs {b.shape}")
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
            raise AssertionError(f"property does not hold: {what}" + (f" [{where}]" if where else ""))

    def counterexample(self, what: str, **data: Any) -> None:
        """Record that the statement under check fails on a concrete instance (``data`` says which and by
        how much).  The check itself passes: a documented counterexample is a result."""
        self.counterexamples.append({"what": what, **{k: _jsonable(v) for k, v in data.items()}})

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
        fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
        plt.close(fig)
        self.plots.append({"caption": caption, "png_base64": base64.b64encode(buf.getvalue()).decode()})

    @property
    def recorded_anything(self) -> bool:
        return bool(self.instances or self.counterexamples or self.inconclusive_reasons)

    # -- finalizing ------------------------------------------------------------------------------------
    def finalize(self, raised: BaseException | None, skipped: bool = False, skip_reason: str = "") -> None:
        """Set the outcome from what the check raised and what it recorded (called by the plugin)."""
        self.seconds = time.perf_counter() - self._t0
        if skipped:
            self.outcome, self.message = "skipped", skip_reason
        elif raised is not None and not isinstance(raised, AssertionError):
            self.outcome = "broken"
            self.message = f"{type(raised).__name__}: {raised}"
        elif raised is not None:
            self.outcome, self.message = "fail", str(raised)
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


def claim_status(c: Claim, evidence: list[dict[str, Any]] | list[Evidence]) -> str:
    """Status of ``c`` from the evidence of its checks (DESIGN.md status table).

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
    if any(e["outcome"] in ("counterexample", "fail") for e in corrected):
        # the printed statement held but the stated correction did not: the claim as a whole is unsettled
        return "inconclusive"
    if not printed:
        return "inconclusive"
    return "verified"


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
