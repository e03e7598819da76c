"""Shared test fixtures.

The empirical stability test (``test_empirical_stability.py``) reruns every empirical check of ``theorems/`` with
a rounding-level perturbation of the initial weights.  That rerun is started in a subprocess as soon as collection
finishes, so it trains on the machine's second core while the rest of the suite runs on the first (the suite is
single-threaded by the plugin's thread policy); the test only waits for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
PERTURBATION = "1e-6"
STABILITY_TEST = "test_empirical_statuses_survive_init_perturbation"
_BACKGROUND: dict[str, object] = {}


def _start_perturbed_run() -> None:
    out = Path(tempfile.mkdtemp(prefix="li2-perturbed-"))
    log = open(out / "pytest.log", "w")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "theorems", "-m", "empirical",
           "--li2-report", str(out / "report"), "--li2-perturb-init", PERTURBATION]
    env = {k: v for k, v in os.environ.items() if k != "LI2_INIT_PERTURBATION"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    _BACKGROUND.update(proc=proc, out=out, log=log, cmd=cmd)


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(STABILITY_TEST in item.nodeid for item in session.items) and "proc" not in _BACKGROUND:
        _start_perturbed_run()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    proc = _BACKGROUND.get("proc")
    if proc is not None and proc.poll() is None:  # interrupted before the test waited for it
        proc.kill()


@pytest.fixture(scope="session")
def perturbed_empirical_run() -> dict:
    """``{"report": DIR, "returncode": rc, "log": text, "cmd": [...]}`` of the perturbed rerun of the empirical
    checks (started at collection; waited for here)."""
    if "proc" not in _BACKGROUND:
        _start_perturbed_run()
    proc = _BACKGROUND["proc"]
    rc = proc.wait(timeout=3600)
    _BACKGROUND["log"].close()
    out = _BACKGROUND["out"]
    return {"report": out / "report", "returncode": rc, "log": (out / "pytest.log").read_text(),
            "cmd": _BACKGROUND["cmd"]}
