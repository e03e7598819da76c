"""Ray beyond ``local``: a real two-node cluster on this machine (``ray start --head`` on 127.0.0.1 and a second
node joining it with ``ray start --address``), a sweep sent to it with ``--ray 127.0.0.1:PORT``, the second node
stopped while programs run; every cell's row is written exactly once.  And a ``--ray local`` sweep killed with
SIGTERM leaves no Ray process behind.

Every Ray process these tests start runs under its own ``--temp-dir``; cleanup kills exactly those processes
(found by that directory in their command line), also when the test fails — never other Ray instances of the
machine, which ``ray stop`` would take down too.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from li2verify.sweep.table import RESULTS, read_rows

ROOT = Path(__file__).resolve().parents[2]
#: this interpreter's ``ray`` command (the sweeps run under ``sys.executable``: Ray must be importable there, not just
#: somewhere on PATH)
RAY = str(Path(sys.executable).with_name("ray")) if Path(sys.executable).with_name("ray").exists() else (
    shutil.which("ray") or "ray")
pytestmark = pytest.mark.skipif(importlib.util.find_spec("ray") is None or not Path(RAY).exists(),
                                reason="Ray is not installed (pip install 'li2verify[ray]')")

SPEC = """name = "cluster"
groups = ["Z7", "Z11"]
p = [0.3, 0.6]
seeds = 2
lr = 1e-2
wd = 1e-3
K = 32
epochs = 250
eval_every = 25
batch_cells = 1
"""
#: the GCS declares a silent node dead after 3 missed 500 ms health checks (default: 5 × 3 s)
FAST_HEALTH = {"RAY_health_check_initial_delay_ms": "0", "RAY_health_check_period_ms": "500",
               "RAY_health_check_timeout_ms": "500", "RAY_health_check_failure_threshold": "3"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _procs_with(marker: str) -> list[int]:
    """PIDs of this user's processes whose command line contains ``marker``."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd:
            out.append(int(pid))
    return out


def _kill_all(marker: str, deadline: float = 15.0) -> list[int]:
    """SIGKILL every process whose command line holds ``marker``, until none is left; returns survivors."""
    t0 = time.time()
    while time.time() - t0 < deadline:
        pids = _procs_with(marker)
        if not pids:
            return []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    return _procs_with(marker)


def _ray_start(args: list[str], env: dict) -> None:
    p = subprocess.run([RAY, "start", "--disable-usage-stats", *args], env=env,
                       capture_output=True, text=True, timeout=90)
    assert p.returncode == 0, p.stdout[-1500:] + p.stderr[-1500:]


def test_two_node_cluster_loses_a_node_and_every_row_is_written_once(tmp_path):
    head_dir = tempfile.mkdtemp(prefix="li2h", dir="/tmp")  # short: Ray's unix socket paths must fit 107 bytes
    node_dir = tempfile.mkdtemp(prefix="li2n", dir="/tmp")
    # token authentication (Ray's default for clusters since 2.5x): one token shared by both nodes and the driver
    env = {**os.environ, **FAST_HEALTH, "RAY_ADDRESS": "", "RAY_AUTH_MODE": "token",
           "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    port, nm_port = _free_port(), _free_port()
    spec = tmp_path / "cluster.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    sweep = None
    try:
        _ray_start(["--head", "--include-dashboard=false", "--node-ip-address", "127.0.0.1", "--port", str(port), "--num-cpus", "1",
                    "--temp-dir", head_dir], env)
        _ray_start(["--address", f"127.0.0.1:{port}", "--node-ip-address", "127.0.0.1", "--num-cpus", "1",
                    "--node-manager-port", str(nm_port), "--temp-dir", node_dir], env)
        sweep = subprocess.Popen([sys.executable, "-m", "li2verify", "sweep", str(spec), "--out", str(out),
                                  "--ray", f"127.0.0.1:{port}", "--no-progress"], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # stop the second node while programs run: once the first rows are in and before the last
        deadline = time.time() + 120
        while time.time() < deadline and len(read_rows(out)) < 1:
            assert sweep.poll() is None, sweep.communicate()[1][-2000:]
            time.sleep(0.1)
        n_before = len(read_rows(out))
        assert n_before < 8, "the sweep finished before the node could be stopped"
        assert _procs_with(node_dir), "the second node has no processes"
        assert not _kill_all(node_dir), "the second node survived SIGKILL"
        _, err = sweep.communicate(timeout=240)
        assert sweep.returncode == 0, err[-3000:]
        rows = read_rows(out)
        ids = [r["cell_id"] for r in rows]
        assert len(ids) == 8 and len(set(ids)) == 8
        text = (out / RESULTS).read_text()
        assert all(text.count(i) == 1 for i in ids)
    finally:
        if sweep is not None and sweep.poll() is None:
            sweep.kill()
            sweep.wait()
        left = _kill_all(node_dir) + _kill_all(head_dir)
        shutil.rmtree(head_dir, ignore_errors=True)
        shutil.rmtree(node_dir, ignore_errors=True)
    assert not left, f"Ray processes left behind: {left}"


def test_killing_a_ray_local_sweep_leaves_no_ray_processes(tmp_path):
    temp = tempfile.mkdtemp(prefix="li2l", dir="/tmp")
    spec = tmp_path / "cluster.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    # the sweep's `ray.init` starts a local instance under this temp dir (RAY_TMPDIR is Ray's own variable)
    env = {**os.environ, "RAY_TMPDIR": temp, "RAY_ADDRESS": ""}
    p = subprocess.Popen([sys.executable, "-m", "li2verify", "sweep", str(spec), "--out", str(out), "--ray", "local",
                          "--num-cpus", "1", "--no-progress"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not _procs_with(temp):
            assert p.poll() is None, p.communicate()[1][-2000:]
            time.sleep(0.2)
        while time.time() < deadline and len(read_rows(out)) < 1:  # Ray is up and programs run
            assert p.poll() is None, p.communicate()[1][-2000:]
            time.sleep(0.1)
        assert _procs_with(temp) and len(read_rows(out)) < 8
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=60)
        assert p.returncode == 130 and "Traceback" not in err, err[-2000:]
        t0 = time.time()
        while time.time() - t0 < 20 and _procs_with(temp):
            time.sleep(0.5)
        left = _procs_with(temp)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        survivors = _kill_all(temp)
        shutil.rmtree(temp, ignore_errors=True)
    assert not left, f"{len(left)} Ray processes outlived the sweep"
    assert not survivors
