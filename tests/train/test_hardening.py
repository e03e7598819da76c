"""Hardening of the CLI, training runs and the files they write (the adversarial-user issue).

Each item of the issue has a test here: code in a checkpoint never runs; one group-spec parser; metrics.csv is
verified on resume; an oversized run is refused with an estimate; nonsense numbers are named errors; user
mistakes are one-line exit-2 errors (a Hypothesis search over the CLI's argument space, in process, plus two
real subprocesses); the three report files are one set; run directories carry provenance.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from cli_assertions import one_line_error as _one_line_error
import torch
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from li2verify.cli import main
from li2verify.train import TrainConfig, load_metrics, train
from li2verify.train.config import ConfigError
from li2verify.train.run import ResourceError, estimate_memory, plan_run

TINY = dict(group="7", hidden=8, train_frac=0.5, lr=5e-3, wd=1e-3, epochs=12, checkpoint_every=5, probe_every=3,
            probes=["gf_norm", "rho_tian", "delta_cos"], seeds=[0, 1])


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ------------------------------------------------------------------------------ 1. a checkpoint can run code
class _Payload:
    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_checkpoint_does_not_execute(tmp_path):
    rd = tmp_path / "run"
    cfg = TrainConfig(**TINY)
    train(cfg, rd)
    marker = tmp_path / "PWNED"
    p = _Payload()
    p.marker = marker
    ck = torch.load(rd / "checkpoint.pt", weights_only=True)
    ck["prev"] = p  # a pickle that calls os.system when loaded with weights_only=False
    with open(rd / "checkpoint.pt", "wb") as f:
        torch.save(ck, f, pickle_module=pickle)
    with pytest.raises(ConfigError, match="never run.*--no-resume"):
        train(cfg.replace(epochs=20), rd)
    assert not marker.exists()
    st_ = json.loads((rd / "status.json").read_text())
    assert st_["status"] == "failed" and "checkpoint" in st_["message"]
    r = _cli("train", "--group", "7", "--hidden", 8, "--train-frac", 0.5, "--lr", 5e-3, "--wd", 1e-3, "--epochs", 20,
             "--checkpoint-every", 5, "--probe-every", 3, "--probes", "gf_norm,rho_tian,delta_cos", "--seeds", "0,1",
             "--out", rd)
    assert "--no-resume" in _one_line_error(r) and not marker.exists()
    torch.load(rd / "checkpoint.pt", weights_only=False)  # the payload is live: the old loader ran it
    assert marker.exists()


@pytest.mark.parametrize("damage", ["truncate", "empty", "random"])
def test_damaged_checkpoint_is_refused_and_no_resume_recovers(tmp_path, damage):
    cfg = TrainConfig(**TINY)
    train(cfg, tmp_path)
    ck = tmp_path / "checkpoint.pt"
    data = ck.read_bytes()
    ck.write_bytes({"truncate": data[: len(data) // 2], "empty": b"",
                    "random": np.random.default_rng(0).bytes(4096)}[damage])
    with pytest.raises(ConfigError, match="not a readable li2verify checkpoint.*--no-resume"):
        train(cfg, tmp_path)
    assert json.loads((tmp_path / "status.json").read_text())["status"] == "failed"
    res = train(cfg, tmp_path, resume=False)
    assert res.status == "complete" and json.loads((tmp_path / "status.json").read_text())["status"] == "complete"


# ------------------------------------------------------------------------------ 2. one group-spec parser
def test_group_q16_trains_q16_and_catalog_ids_train(tmp_path):
    res = train(TrainConfig(**{**TINY, "group": "Q16", "epochs": 1}), tmp_path / "q")
    assert res.extras["task"].M == 16 and res.extras["task"].group.name == "Q16"
    assert json.loads((tmp_path / "q" / "config.json").read_text())["group"] == "Q16"
    for spec in ("8:3", "SmallGroup(8,3)", "D8"):
        r = train(TrainConfig(**{**TINY, "group": spec, "epochs": 1}))
        assert r.extras["task"].M == 8


# ------------------------------------------------------------------------------ 3. metrics.csv on resume
def _killed_run(tmp_path):
    cfg = TrainConfig(**TINY)
    ref = train(cfg)

    class Kill(BaseException):
        pass

    def killer(e, row):
        if e == 8:
            raise Kill

    with pytest.raises(Kill):
        train(cfg, tmp_path, on_epoch=killer)  # checkpoint at epoch 5; metrics 0..4 on disk
    return cfg, ref


def test_deleted_metrics_is_refused_not_marked_complete(tmp_path):
    cfg, _ = _killed_run(tmp_path)
    (tmp_path / "metrics.csv").unlink()
    with pytest.raises(ConfigError, match="metrics.csv is missing.*--no-resume"):
        train(cfg, tmp_path)
    assert json.loads((tmp_path / "status.json").read_text())["status"] == "failed"


def test_torn_last_line_is_repaired_and_resume_is_exact(tmp_path):
    cfg, ref = _killed_run(tmp_path)
    m = tmp_path / "metrics.csv"
    with open(m, "a") as f:
        f.write("5,0,0.001,0.12")  # a kill in the middle of the next flush
    res = train(cfg, tmp_path)
    for k in ("train_loss", "test_loss", "rho_tian", "gf_norm"):
        np.testing.assert_array_equal(ref.metrics[k], res.metrics[k], err_msg=k)
    rows = m.read_text().strip().splitlines()
    assert len(rows) == 1 + (cfg.epochs + 1) * cfg.S


@pytest.mark.parametrize("damage", ["drop_row", "header", "garbage_row", "duplicate"])
def test_damaged_metrics_rows_are_refused_with_a_reason(tmp_path, damage):
    cfg, _ = _killed_run(tmp_path)
    m = tmp_path / "metrics.csv"
    lines = m.read_text().splitlines(keepends=True)
    if damage == "drop_row":
        lines = lines[:3] + lines[4:]
    elif damage == "header":
        lines[0] = lines[0].replace("train_loss", "loss")
    elif damage == "garbage_row":
        lines[2] = "0,1,abc," + lines[2].split(",", 3)[3]
    else:
        lines.insert(2, lines[1])
    m.write_text("".join(lines))
    with pytest.raises(ConfigError, match="metrics.csv.*--no-resume"):
        train(cfg, tmp_path)


# ------------------------------------------------------------------------------ 4. oversized problems
def test_oversized_run_is_refused_before_allocating(tmp_path):
    cfg = TrainConfig(group="2x2x2x2x2x2x2x2x2x2", hidden=2048)
    with pytest.raises(ResourceError, match=r"needs about .*GB.*--hidden.*--max-memory"):
        train(cfg, tmp_path / "big", max_memory=8e9)
    assert not (tmp_path / "big").exists()  # refused before anything was written or allocated
    # an existing run directory is marked failed with the message, never left "running"
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "status.json").write_text(json.dumps({"status": "running", "epoch": 3}))
    with pytest.raises(ResourceError):
        train(cfg, tmp_path / "old", max_memory=8e9)
    st_ = json.loads((tmp_path / "old" / "status.json").read_text())
    assert st_["status"] == "failed" and "needs about" in st_["message"]


def test_memory_estimate_admits_the_suites_and_the_papers_runs():
    from li2verify.groups.spec import spec_order

    suite = TrainConfig(group="23", hidden=256, train_frac=0.4, seeds=list(range(10)), probes=["signmatch", "eigengap",
                                                                                              "rho_tian"])
    assert estimate_memory(suite, 23, round(0.4 * 23 * 23))[0] < 1e9
    fig3 = TrainConfig(group="71", hidden=2048, n=2016, train_frac=None, seeds=list(range(15)),
                       probes=["gf_norm", "ftf_offdiag", "rho_tian", "delta_cos"])
    peak, parts = estimate_memory(fig3, spec_order("71"), 2016)
    assert peak < 12e9, parts  # fits an ordinary GPU and this machine
    plan_run(TrainConfig(**TINY))  # tiny runs are never refused


def test_exact_probe_memory_is_the_blocked_gram_not_a_float64_forward():
    """probe_mode="exact" on the paper's net reads the step's float32 F through the blocked Gram: the estimate
    counts the Gram's buffers (one seed at a time, per worker), never a float64 copy of every seed's F."""
    from li2verify.train.grams import gram_stats_memory

    M, n, K = 71, 2016, 2048
    base = dict(group="71", hidden=K, n=n, train_frac=None, probes=["gf_norm", "ftf_offdiag", "rho_tian"],
                probe_mode="exact")
    one = estimate_memory(TrainConfig(seeds=[0], **base), M, n)[1]["probes"]
    assert one == gram_stats_memory(n, K) + 2 * n * M * 8 + K * M * 8
    assert one < 100e6  # a float64 forward alone would be S·n·K·8·2 ≈ 66 MB per seed
    many = estimate_memory(TrainConfig(seeds=list(range(15)), threads=2, **base), M, n)[1]["probes"]
    assert many == 2 * one  # two workers, each on its own one-seed chunk
    # the Gram's buffers: upper strips of K×K float64, a row block in float32 and float64, a float64 copy of F
    assert 8 * K * K / 2 + 8 * n * K < gram_stats_memory(n, K) < 8 * K * K / 2 + 8 * n * K + 12 * 2048 * K


def test_gram_levels_matches_the_dense_form_without_an_n_by_n_matrix():
    from li2verify.train.probes import _gram_levels_dense, gram_levels

    g = torch.Generator().manual_seed(0)
    for F in (torch.randn(3, 40, 12, generator=g, dtype=torch.float64) ** 2,
              torch.randn(2, 30, 50, generator=g, dtype=torch.float64),
              torch.complex(torch.randn(2, 25, 9, generator=g, dtype=torch.float64),
                            torch.randn(2, 25, 9, generator=g, dtype=torch.float64))):
        a, b = gram_levels(F), _gram_levels_dense(F)
        for k in a:
            torch.testing.assert_close(a[k], b[k], rtol=1e-10, atol=1e-12)
    # n = 20000 pairs: the dense form would need 3.2 GB; the O(nK) form runs in a few MB
    big = torch.randn(1, 20000, 4, generator=g, dtype=torch.float64)
    out = gram_levels(big)
    assert all(torch.isfinite(v).all() for v in out.values())


# ------------------------------------------------------------------------------ nonsense numbers, edits
@pytest.mark.parametrize("kw, field", [
    ({"lr": -1e-3}, "lr"), ({"lr": float("nan")}, "lr"), ({"wd": float("nan")}, "wd"), ({"lr": float("inf")}, "lr"),
    ({"wd": -1.0}, "wd"), ({"n": 50, "critical_ratio": 2.7482}, "n"), ({"critical_ratio": -3.0}, "critical_ratio"),
    ({"train_frac": 1.0}, "train_frac"), ({"activation": "foo"}, "activation"), ({"beta": float("nan")}, "beta"),
])
def test_nonsense_values_are_named_errors(kw, field, tmp_path):
    with pytest.raises(ConfigError, match=rf"TrainConfig\.{field}"):
        train(TrainConfig(**{**TINY, **kw}), tmp_path / "r")
    assert not (tmp_path / "r" / "config.json").exists()


def test_critical_ratio_out_of_range_is_refused():
    with pytest.raises(ConfigError, match=r"critical_ratio.*outside 1\.\.M²−1"):
        plan_run(TrainConfig(**{**TINY, "train_frac": None, "critical_ratio": 100.0}))


def test_edited_config_json_does_not_resume_an_old_trajectory(tmp_path):
    cfg, _ = _killed_run(tmp_path)
    cj = tmp_path / "config.json"
    d = json.loads(cj.read_text())
    d["lr"] = 1e-2
    cj.write_text(json.dumps(d))
    with pytest.raises(ConfigError, match=r"trained with lr=0\.005.*asks for lr=0\.01.*--no-resume"):
        train(cfg.replace(lr=1e-2), tmp_path)


def test_truncated_config_json_is_a_clear_error(tmp_path):
    cfg, _ = _killed_run(tmp_path)
    cj = tmp_path / "config.json"
    cj.write_text(cj.read_text()[:40])
    with pytest.raises(ConfigError, match="config.json is not valid JSON.*--no-resume"):
        train(cfg, tmp_path)
    assert train(cfg, tmp_path, resume=False).status == "complete"


def test_empty_shipped_catalog_is_an_error_not_zero_groups(tmp_path, monkeypatch):
    from li2verify.groups import catalog

    for f, _, _ in catalog.CATALOG_FILES:
        (tmp_path / f).write_bytes(b"")
    monkeypatch.setattr(catalog, "DATA_DIR", tmp_path)
    catalog._load_file.cache_clear()
    try:
        r = _cli("groups", "list")
        assert r.exit_code == 1 and "holds no records" in r.output and "0 groups" not in r.output
        assert "Traceback" not in r.output
    finally:
        catalog._load_file.cache_clear()


# ------------------------------------------------------------------------------ CLI mistakes: one line, exit 2
@pytest.mark.parametrize("args, says", [
    (["--group", "foo"], "unknown group spec"), (["--group", "0"], "≥ 1"), (["--group", "-5"], "≥ 1"),
    (["--group", "4x"], "both sides"), (["--group", "1"], "order ≥ 2"), (["--group", "S7"], "stop at n = 6"),
    (["--group", "11", "--n", "500"], "--n"), (["--device", "foo"], "--device"),
    (["--group", "11", "--activation", "bogus"], "--activation"), (["--seeds", "x"], "--seeds"),
    (["--group", "11", "--n", "50", "--critical-ratio", "2.7482"], "give only one"),
    (["--group", "11", "--train-frac", "0.3", "--n", "50"], "give only one"),
    (["--group", "11", "--lr", "nan"], "--lr"), (["--group", "11", "--wd", "nan"], "--wd"),
    (["--group", "11", "--critical-ratio", "100"], "critical_ratio"),
])
def test_cli_mistakes_are_one_line_exit_2(args, says, tmp_path):
    line = _one_line_error(_cli("train", *args, "--hidden", 8, "--epochs", 1, "--out", tmp_path / "r"))
    assert says in line


def test_cli_device_cuda_without_cuda(tmp_path):
    if torch.cuda.is_available():
        pytest.skip("this torch sees a CUDA device")
    assert "CUDA" in _one_line_error(_cli("train", "--device", "cuda", "--out", tmp_path / "r"))
    assert "CUDA" in _one_line_error(_cli("reproduce", "fig3", "--device", "cuda", "--out", tmp_path / "f"))


def test_cli_out_not_a_directory(tmp_path):
    (tmp_path / "f").write_text("x")
    line = _one_line_error(_cli("train", "--group", "7", "--hidden", 8, "--epochs", 1, "--out", tmp_path / "f" / "r"))
    assert "run directory" in line
    assert _cli("reproduce", "fig3", "--seeds", "0", "--out", tmp_path / "x").exit_code == 2


def test_cli_damaged_checkpoint_suggests_no_resume(tmp_path):
    args = ["train", "--group", "7", "--hidden", 8, "--epochs", 6, "--checkpoint-every", 3, "--out", tmp_path]
    assert _cli(*args).exit_code == 0
    (tmp_path / "checkpoint.pt").write_bytes(b"PK\x03\x04 not really")
    assert "--no-resume" in _one_line_error(_cli(*args))
    assert _cli(*args, "--no-resume").exit_code == 0


_GROUPS = st.one_of(st.sampled_from(["5", "7", "Z6", "2x3", "D6", "S3", "Q8", "8:3", "SmallGroup(8,4)", "Dic2"]),
                    st.sampled_from(["foo", "0", "-5", "4x", "1", "S7", "D5", "Q12", "", " ", "x7", "1000000",
                                     "SL(2,3)", "C5 : C4"]))
_GOOD = st.sampled_from(["1e-3", "5e-3", "0.3", "0.5", "1"])
_NUMS = st.one_of(_GOOD, _GOOD, _GOOD,  # mostly runnable values, so that runs are explored too
                  st.sampled_from(["nan", "inf", "-inf", "-1", "0", "1e300", "abc", ""]),
                  st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr))
_OPTS = st.fixed_dictionaries({}, optional={
    "--lr": _NUMS, "--wd": _NUMS, "--beta": _NUMS, "--top-init": _NUMS, "--train-frac": _NUMS,
    "--critical-ratio": _NUMS, "--n": st.sampled_from(["-1", "0", "1", "10", "48", "49", "1e3", "x"]),
    "--hidden": st.sampled_from(["0", "1", "4", "-3", "x"]), "--epochs": st.sampled_from(["0", "1", "2", "-1"]),
    "--seeds": st.sampled_from(["1", "2", "0", "-1", "0,1", "0-2", "3-1", "x", "0,0", ""]),
    "--activation": st.sampled_from(["square", "relu", "silu", "bogus"]),
    "--optimizer": st.sampled_from(["adam", "sgd", "muon", "adamw", "lbfgs"]),
    "--loss": st.sampled_from(["mse", "ce", "mse_sum"]), "--layers": st.sampled_from(["1", "2", "0"]),
    "--probes": st.sampled_from(["", "gf_norm", "rho_tian,energy", "fourier", "signmatch", "nope"]),
    "--device": st.sampled_from(["cpu", "foo", "cuda:7"]), "--probe-every": st.sampled_from(["1", "0"]),
    "--max-memory": st.sampled_from(["1e-9", "nan", "100"]),
})
_FLAGS = st.lists(st.sampled_from(["--complex", "--ridge-top", "--residual", "--no-resume"]), unique=True, max_size=2)


@settings(max_examples=min(settings().max_examples, 40), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(group=_GROUPS, opts=_OPTS, flags=_FLAGS)
def test_cli_argument_space_runs_or_exits_2_in_one_line(tmp_path_factory, group, opts, flags):
    """Every invocation either runs (exit 0) or exits 2 with one error line; never a traceback."""
    opts = {"--hidden": "4", "--epochs": "1", **opts}
    if opts["--epochs"] not in ("0", "1", "-1"):
        opts["--epochs"] = "1"
    args = ["train", "--group", group, "--out", str(tmp_path_factory.mktemp("cli") / "run"), "--checkpoint-every",
            "1", *[x for kv in opts.items() for x in kv], *flags]
    r = CliRunner().invoke(main, args)
    if r.exit_code != 0:
        _one_line_error(r)
    else:
        assert "done: complete" in r.output, r.output


def test_no_traceback_end_to_end_in_real_processes(tmp_path):
    for args, says in ((["--group", "S7"], "n = 6"), (["--group", "7", "--lr", "-1"], "--lr")):
        p = subprocess.run([sys.executable, "-m", "li2verify", "train", *args, "--out", str(tmp_path / "r")],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 2 and "Traceback" not in p.stderr + p.stdout and says in p.stderr, p.stderr
        assert len([ln for ln in p.stderr.splitlines() if ln.startswith("Error:")]) == 1


def test_reproduce_seeds_zero_names_the_option():
    r = _cli("reproduce", "fig3", "--seeds", "0")
    assert "--seeds" in _one_line_error(r)


# ------------------------------------------------------------------------------ files written as sets
def _rec():
    from li2verify.verify.report import environment

    return {"schema": 1, "created": "now", "git_sha": "abc", "profile": "fast", "environment": environment("cpu"),
            "claims": [], "summary": {"verified": 0}, "broken_checks": 0}


def test_report_kill_between_files_never_shows_a_mixed_set(tmp_path, monkeypatch):
    from li2verify.verify import report as R

    R.write_report(_rec(), tmp_path)
    first = R.load_record(tmp_path)["run_id"]
    real = os.replace
    calls = []

    class Kill(BaseException):
        pass

    def dying_replace(a, b):
        calls.append(b)
        if len(calls) == 2:  # the .md is switched, the .html and .json are not
            raise Kill
        return real(a, b)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(Kill):
        R.write_report({**_rec(), "profile": "thorough"}, tmp_path)
    monkeypatch.setattr(os, "replace", real)
    assert R._file_run_id(tmp_path / "verification.md") != first  # on disk, a mixed set right now
    rec = R.load_record(tmp_path)  # the reader finishes the switch: all three from the second run
    assert rec["profile"] == "thorough" and rec["run_id"] != first
    for f in ("verification.md", "verification.html"):
        assert R._file_run_id(tmp_path / f) == rec["run_id"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verification.html", "verification.json", "verification.md"]


def test_report_mixed_set_without_staging_is_refused(tmp_path):
    from li2verify.verify import report as R

    R.write_report(_rec(), tmp_path)
    keep = (tmp_path / "verification.md").read_text()
    R.write_report(_rec(), tmp_path)
    (tmp_path / "verification.md").write_text(keep)  # an old .md beside a new .json
    with pytest.raises(R.ReportError, match="mixed report"):
        R.load_record(tmp_path)


def test_run_directory_carries_provenance(tmp_path):
    train(TrainConfig(**{**TINY, "epochs": 2}), tmp_path, command=["li2verify", "train", "--group", "7"])
    prov = json.loads((tmp_path / "provenance.json").read_text())["starts"]
    assert prov[-1]["command"] == ["li2verify", "train", "--group", "7"]
    assert prov[-1]["git_sha"] and set(prov[-1]["versions"]) >= {"li2verify", "torch", "numpy"}
    train(TrainConfig(**{**TINY, "epochs": 4}), tmp_path)
    prov = json.loads((tmp_path / "provenance.json").read_text())["starts"]
    assert len(prov) == 2 and prov[-1]["resumed"] and prov[-1]["start_epoch"] == 2
    epochs, _, _ = load_metrics(tmp_path)
    assert list(epochs) == list(range(5))
