"""Symbols and the standard normal density shared by the Lemma 3 and Lemma 4 modules (App. F).  Not a
theorem module (holds no claims).
"""

from __future__ import annotations

import sympy as sp

_x, _y, _t, _u = sp.symbols("x y t u", real=True)
_rho = sp.Symbol("rho", real=True)
_DENS = sp.exp(-_x**2 / 2) / sp.sqrt(2 * sp.pi)
