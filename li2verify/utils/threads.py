"""Best-effort control of numpy's OpenBLAS thread count.

The irrep engine works on many small matrices (M ≤ a few hundred).  On a shared 2-core machine a
multi-threaded OpenBLAS is several times *slower* on such matrices than a single thread (measured 7× for the
whole-catalog decomposition), so :func:`limit_blas_threads` lowers the thread count for the duration of a
block and restores it afterwards.  It is a no-op when numpy's OpenBLAS cannot be found (other BLAS builds).
Setting ``OPENBLAS_NUM_THREADS=1`` before numpy is imported has the same effect process-wide.
"""

from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager
from functools import lru_cache

__all__ = ["limit_blas_threads", "blas_threads"]


@lru_cache(maxsize=1)
def _openblas():
    import numpy

    base = os.path.dirname(os.path.dirname(numpy.__file__))
    for path in glob.glob(os.path.join(base, "numpy.libs", "*openblas*")):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    get.restype = ctypes.c_int
                    set_.argtypes = [ctypes.c_int]
                    return get, set_
    return None


def blas_threads() -> int | None:
    """numpy's current OpenBLAS thread count (None when unknown)."""
    fns = _openblas()
    return int(fns[0]()) if fns else None


@contextmanager
def limit_blas_threads(n: int = 1):
    """Run the block with at most ``n`` OpenBLAS threads (restored on exit)."""
    fns = _openblas()
    if fns is None:
        yield
        return
    get, set_ = fns
    old = int(get())
    if old <= n:
        yield
        return
    set_(int(n))
    try:
        yield
    finally:
        set_(old)
