"""Assertions shared by the command-line tests (imported from ``tests/``, which pytest puts on ``sys.path``)."""

from __future__ import annotations


def one_line_error(r) -> str:
    """The error line of a click result that must be a one-line error: exit 2, no traceback, no exception other
    than click's SystemExit, exactly one ``Error:`` line (click's usage lines around it are allowed)."""
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    errs = [ln for ln in r.output.splitlines() if ln.startswith(("Error:", "error:"))]
    assert len(errs) == 1, r.output
    return errs[0]
