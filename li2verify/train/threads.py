"""Torch's CPU thread count for a block of work.

Small problems run faster on one thread: on a shared 2-core machine OpenMP spin-waits make two threads many
times slower (measured ~10× for the repulsion study's training, ~20× for small training runs).
"""

from __future__ import annotations

from contextlib import contextmanager

import torch


@contextmanager
def torch_threads(n: int | None):
    """Run the block with ``torch.set_num_threads(n)`` (``None``: leave it) and restore the previous count."""
    old = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)
