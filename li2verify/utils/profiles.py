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


@dataclass(frozen=True)
class SeedSet:
    """The seeds ``first, first + 1, …`` of one family of runs, as many as the profile asks for:
    ``seeds["fast"]`` (or ``seeds[profile]``) is the list."""

    first: int
    fast: int
    thorough: int
    paper: int

    def count(self, profile: "Profile | str") -> int:
        """How many seeds the profile (or profile name) uses."""
        name = profile.name if isinstance(profile, Profile) else validate_profile(profile)
        return getattr(self, name)

    def __getitem__(self, profile: "Profile | str") -> list[int]:
        return list(range(self.first, self.first + self.count(profile)))
