"""Run profiles: how big the checked instances are.

``fast`` (default, CI) uses small groups and sizes; ``thorough`` more instances and larger M; ``paper`` the
paper's own scales (meant for a GPU).  The pytest plugin sets ``LI2_PROFILE`` from ``--li2-profile`` before
theorem modules are imported, so module-level Hypothesis strategies can size themselves with
:func:`active_profile`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeVar

PROFILES = ("fast", "thorough", "paper")
ENV_VAR = "LI2_PROFILE"

T = TypeVar("T")


class ProfileError(ValueError):
    """An unknown profile name."""


def validate_profile(name: str) -> str:
    """Return ``name`` if it is a known profile, else raise a clear :class:`ProfileError`."""
    if name not in PROFILES:
        raise ProfileError(f"unknown li2verify profile {name!r}; choose one of: {', '.join(PROFILES)}")
    return name


@dataclass(frozen=True)
class Profile:
    """A named profile; :meth:`pick` chooses a size per profile."""

    name: str

    def pick(self, fast: T, thorough: T, paper: T | None = None) -> T:
        """The value for this profile (``paper`` falls back to ``thorough`` when not given)."""
        if self.name == "fast":
            return fast
        if self.name == "thorough" or paper is None:
            return thorough
        return paper


def active_profile() -> Profile:
    """The profile selected for this run (``LI2_PROFILE``, default ``fast``)."""
    return Profile(validate_profile(os.environ.get(ENV_VAR, "fast") or "fast"))
