"""Helpers shared by the run-record definition tests."""

from __future__ import annotations


def with_series_changed(arrays: dict, key: str, f) -> dict:
    """A copy of a unit's ``arrays`` with ``arrays[key]`` replaced by ``f(copy of it)`` (a compare function's input
    that differs from the re-run in one series)."""
    out = {k: v.copy() for k, v in arrays.items()}
    out[key] = f(out[key])
    return out
