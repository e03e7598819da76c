"""Numbers and free text for a human reader: the one formatter of the report, the CLI, the JUnit properties and
the figures (4 significant digits; never a 17-digit float repr)."""

from __future__ import annotations

import ast
import re
from typing import Any

__all__ = ["fmt_num", "humanize", "fmt_key"]

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_LONG_FLOAT = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])|(?<![\w.])[-+]?\d+[eE][-+]?\d+(?![\w.])")


def fmt_num(x: Any, digits: int = 4, ascii_only: bool = False) -> str:
    """A number for a human: ``digits`` significant digits (``3``, ``0.25``, ``1.235×10⁻⁵``), integers and exact
    values as they are, ``–`` for none.  ``ascii_only``: the same rounding in a form a machine parses
    (``1.235e-05``, ``inf``; empty for none) -- for JUnit properties and CSV."""
    if ascii_only:
        if x is None:
            return ""
        if isinstance(x, (bool, int)) or not isinstance(x, float):
            return str(x)
        return repr(x) if x != x or x in (float("inf"), float("-inf")) or x == 0 else f"{x:.{digits}g}"
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, dict) and set(x) == {"re", "im"}:
        re_, im = float(x["re"]), float(x["im"])
        if im == 0:
            return fmt_num(re_, digits)
        return f"{fmt_num(re_, digits)} {'−' if im < 0 else '+'} {fmt_num(abs(im), digits)}i"
    if isinstance(x, str):
        try:
            v = float(x)
        except ValueError:
            return humanize(x)
        if x.strip().lower() in ("inf", "-inf", "nan", "+inf"):
            return {"inf": "∞", "+inf": "∞", "-inf": "−∞", "nan": "NaN"}[x.strip().lower()]
        return fmt_num(v, digits) if re.search(r"[.eE]", x) else x
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(fmt_num(v, digits) for v in x) + "]"
    if isinstance(x, dict):
        return "(" + ", ".join(f"{k} = {fmt_num(v, digits)}" for k, v in x.items()) + ")"
    if not isinstance(x, float):
        return humanize(str(x))
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    r = float(f"{x:.{digits}g}")
    if 1e-3 <= abs(r) < 1e6:
        s = f"{r:.{digits}g}"
        if "e" in s:  # .4g switches to exponent from 1e4 on
            s = f"{r:.0f}"
        return s.replace("-", "−")
    mant, exp = f"{r:.{digits - 1}e}".split("e")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}×10{str(int(exp)).translate(_SUP)}".replace("-", "−", 1) if mant.startswith("-") else \
        f"{mant}×10{str(int(exp)).translate(_SUP)}"


def humanize(text: Any) -> str:
    """Free text (messages, descriptions) for a reader: long float literals to 4 significant digits, Python
    dict reprs as ``key = value`` lists."""
    if text is None:
        return ""
    s = str(text)

    def _dict(m: re.Match) -> str:
        try:
            d = ast.literal_eval(m.group(0))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return m.group(0)
        if not isinstance(d, dict):
            return m.group(0)
        if set(d) == {"re", "im"}:
            return fmt_num(d)
        return "(" + ", ".join(f"{k} = {fmt_num(v) if isinstance(v, float) else v}" for k, v in d.items()) + ")"

    s = re.sub(r"\{'[^{}]*\}", _dict, s)

    def _num(m: re.Match) -> str:
        t = m.group(0)
        digits = len(re.sub(r"[^0-9]", "", t.split("e")[0].split("E")[0]).lstrip("0"))
        return fmt_num(float(t)) if digits > 6 or "e" in t.lower() else t

    return _LONG_FLOAT.sub(_num, s)




def fmt_key(k: Any) -> str:
    """A mapping key for a reader: a key that is a number (``"0.3010204081632653"``, as JSON stores float keys)
    through :func:`fmt_num`, any other key as it is."""
    if isinstance(k, (int, float)) and not isinstance(k, bool):
        return fmt_num(k)
    if isinstance(k, str) and re.fullmatch(r"\s*[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?\s*", k):
        return fmt_num(k)
    return str(k)
