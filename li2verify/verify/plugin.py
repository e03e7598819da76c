"""The li2verify pytest plugin (registered through the ``pytest11`` entry point).

It adds the markers ``symbolic``, ``numeric``, ``property``, ``empirical``, ``gpu``; the options
``--li2-profile``, ``--li2-report``, ``--li2-device``, ``--li2-accept-status``; the fixtures ``evidence``,
``li2_profile`` and ``li2_device``; collects every ``.py`` module under a ``theorems/`` directory; gathers the
evidence of every check into one run record; guards claim statuses against the committed
``theorems/expected_status.json``; and writes the verification report.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

# Thread policy, set before numpy or torch are imported: the checks are many small matrix problems, for which
# a multi-threaded BLAS or OpenMP costs more than it gains on a shared machine (measured: 9.7 s vs 12.5 s wall
# on a slice of the suite, 2 cores).  A value the user set in the environment wins.
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _var in THREAD_VARS:
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")  # figures are rendered into the report, never to a window

import pytest  # noqa: E402

from li2verify.verify import claims as _claims  # noqa: E402
from li2verify.utils.profiles import ENV_VAR, PROFILES, Profile, ProfileError, validate_profile

log = logging.getLogger(__name__)

EXPECTED_FILE = "expected_status.json"
PERTURB_VAR = "LI2_INIT_PERTURBATION"  # read by li2verify.train when it builds runs
_METHOD_MARKERS = {
    "symbolic": "symbolic: a sympy derivation that could come out differently",
    "numeric": "numeric: fresh random instances compared against an independent computation (float64)",
    "property": "property: a Hypothesis search over groups, sizes and parameters",
    "empirical": "empirical: trains a real network with torch",
    "gpu": "gpu: needs a CUDA device (skipped when none, or when --li2-device cpu)",
}


@dataclass
class RunState:
    profile: Profile
    device: str
    report_dir: Path | None
    accept_status: bool
    expected_path: Path | None
    evidence: list[_claims.Evidence] = field(default_factory=list)
    deselected_claims: set[str] = field(default_factory=set)
    theorems_roots: list[Path] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    report_paths: dict[str, Path] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    rests_on: dict[str, dict] = field(default_factory=dict)


_STATE = pytest.StashKey[RunState]()
_ITEM_EVIDENCE = pytest.StashKey[_claims.Evidence]()


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("li2verify", "li2verify proof-checking suite")
    g.addoption("--li2-profile", default=None, choices=None, metavar="{fast,thorough,paper}",
                help=f"instance sizes: fast (default, CI), thorough, paper (GPU scale). Env: {ENV_VAR}.")
    g.addoption("--li2-report", default=None, metavar="DIR",
                help="write verification.json/.md/.html into DIR at the end of the run")
    g.addoption("--li2-device", default="cpu", metavar="DEVICE",
                help="torch device for empirical checks: cpu (default) or cuda")
    g.addoption("--li2-accept-status", action="store_true", default=False,
                help="update theorems/expected_status.json with the statuses of this run instead of "
                     "failing on a difference (acknowledges a regression or a fix)")
    g.addoption("--li2-expected", default=None, metavar="FILE",
                help="expected-status file (default: expected_status.json in the theorems directory)")
    g.addoption("--li2-claim", action="append", default=[], metavar="ID",
                help="run only the checks of claims whose id starts with ID (repeatable; e.g. thm2.local_maxima). A "
                     "partial run (--li2-claim, -k, -m) writes its report to DIR/partial/<selection>/, never over a "
                     "full report, unless --li2-report-overwrite")
    g.addoption("--li2-report-overwrite", action="store_true", default=False,
                help="let a partial run (--li2-claim, -k, -m) write its report into --li2-report DIR itself")
    g.addoption("--li2-perturb-init", default=None, type=float, metavar="REL",
                help="perturb the initial weights of every training run by this relative amount (e.g. 1e-6): a "
                     f"rounding-level perturbation under which empirical verdicts must not change. Env: {PERTURB_VAR}.")


def pytest_configure(config: pytest.Config) -> None:
    for name, text in _METHOD_MARKERS.items():
        config.addinivalue_line("markers", text)
    config.addinivalue_line("markers", "li2_check(claim_id, method, target): set by li2verify.verify.claims.check")

    name = config.getoption("--li2-profile") or os.environ.get(ENV_VAR) or "fast"
    try:
        validate_profile(name)
    except ProfileError as e:
        raise pytest.UsageError(str(e)) from None
    os.environ[ENV_VAR] = name  # theorem modules read it at import (li2verify.utils.profiles.active_profile)

    device = config.getoption("--li2-device")
    if device not in ("cpu", "cuda") and not str(device).startswith("cuda:"):
        raise pytest.UsageError(f"--li2-device must be cpu, cuda or cuda:N, got {device!r}")
    if device != "cpu":
        import torch

        if not torch.cuda.is_available():
            raise pytest.UsageError(f"--li2-device {device}: this torch ({torch.__version__}) sees no CUDA device; "
                                    "run on a GPU machine with a CUDA build of torch, or use --li2-device cpu")
    perturb = config.getoption("--li2-perturb-init")
    if perturb is not None:
        if not (perturb >= 0 and perturb < 1):
            raise pytest.UsageError(f"--li2-perturb-init must be a relative size in [0, 1), got {perturb!r}")
        os.environ[PERTURB_VAR] = repr(float(perturb))

    report_dir = config.getoption("--li2-report")
    if report_dir:
        from li2verify.verify.report import ReportError, ensure_writable_dir

        try:
            report_dir = ensure_writable_dir(report_dir)
        except ReportError as e:
            raise pytest.UsageError(str(e)) from None
    expected = config.getoption("--li2-expected")
    config.stash[_STATE] = RunState(
        profile=Profile(name),
        device=device,
        report_dir=Path(report_dir) if report_dir else None,
        accept_status=config.getoption("--li2-accept-status"),
        expected_path=Path(expected) if expected else None,
    )
    _register_hypothesis_profiles(config, name)
    from li2verify.utils import plotstyle

    plotstyle.use()  # every figure a check draws: one style (readable at slide size, mathtext labels)
    config.pluginmanager.register(ClaimSelection(config), "li2verify-claim-selection")


def _register_hypothesis_profiles(config: pytest.Config, name: str) -> None:
    from hypothesis import HealthCheck, settings

    # The evidence fixture is function-scoped on purpose: it accumulates over all examples of one check.
    suppress = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile("li2-fast", max_examples=20, derandomize=True, deadline=None,
                              database=None, suppress_health_check=suppress, print_blob=True)
    settings.register_profile("li2-thorough", max_examples=150, derandomize=False, deadline=None,
                              suppress_health_check=suppress, print_blob=True)
    settings.register_profile("li2-paper", max_examples=400, derandomize=False, deadline=None,
                              suppress_health_check=suppress, print_blob=True)
    chosen = None
    try:
        chosen = config.getoption("hypothesis_profile")
    except (ValueError, AttributeError):
        pass
    if not chosen:
        settings.load_profile(f"li2-{name}")


def _theorems_root(path: Path) -> Path | None:
    for parent in [path, *path.parents]:
        if parent.name == "theorems":
            return parent
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """Collect every module under a ``theorems/`` directory (theorem modules are named for their claim,
    not ``test_*``); default collection still handles ``test_*.py`` files."""
    if file_path.suffix != ".py" or file_path.name.startswith(("_", "test_")) or file_path.name == "conftest.py":
        return None
    root = _theorems_root(file_path.parent)
    if root is None:
        return None
    state = parent.config.stash.get(_STATE, None)
    if state is not None and root not in state.theorems_roots:
        state.theorems_roots.append(root)
    if parent.session.isinitpath(file_path):
        return None  # a file named on the command line is collected by pytest's own python plugin
    return pytest.Module.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[_STATE]
    gpu_ok = False
    if any(item.get_closest_marker("gpu") for item in items):
        if str(state.device).startswith("cuda"):
            try:
                import torch

                gpu_ok = torch.cuda.is_available()
            except Exception:  # pragma: no cover - torch import problems surface elsewhere
                gpu_ok = False
    for item in items:
        if item.get_closest_marker("gpu") and not gpu_ok:
            item.add_marker(pytest.mark.skip(reason="needs a CUDA device: run with --li2-device cuda on a GPU"))


def _expected_path(state: RunState) -> Path | None:
    if state.expected_path is not None:
        return state.expected_path
    return state.theorems_roots[0] / EXPECTED_FILE if state.theorems_roots else None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Validate the expected-status file before any check runs (a malformed file fails fast)."""
    state = session.config.stash.get(_STATE, None)
    path = _expected_path(state) if state is not None else None
    data = _read_expected_file(path) if path is not None else {"claims": {}, "profiles": {}}
    # Dependencies mean something: an unknown depends_on id or a cycle fails collection.  A claim in a module
    # this run did not import is known through the expected-status file (every claim is listed there).
    known = set(data["claims"]).union(*data["profiles"].values()) if data["profiles"] else set(data["claims"])
    problems = _claims.dependency_problems(_claims.REGISTRY, known)
    if problems:
        raise pytest.UsageError("li2verify: bad claim dependencies:\n  " + "\n  ".join(problems))


def pytest_deselected(items: list[pytest.Item]) -> None:
    for item in items:
        m = item.get_closest_marker("li2_check")
        if m is not None:
            item.config.stash[_STATE].deselected_claims.add(m.kwargs["claim_id"])


def _make_evidence(item: pytest.Item) -> _claims.Evidence | None:
    m = item.get_closest_marker("li2_check")
    if m is None:
        return None
    ev = item.stash.get(_ITEM_EVIDENCE, None)
    if ev is None:
        name = getattr(item, "originalname", item.name)
        ev = _claims.Evidence(claim_id=m.kwargs["claim_id"], method=m.kwargs["method"],
                              check=f"{item.module.__name__}::{name}" if hasattr(item, "module") else name,
                              target=m.kwargs.get("target", "printed"))
        if item.name != name:
            ev.detail("parameters", item.name[len(name):])
            ev.check = f"{ev.check}{item.name[len(name):]}"
        item.stash[_ITEM_EVIDENCE] = ev
    return ev


@pytest.fixture
def evidence(request: pytest.FixtureRequest) -> _claims.Evidence:
    """The :class:`~li2verify.verify.claims.Evidence` of the running check (accumulates over Hypothesis examples)."""
    ev = _make_evidence(request.node)
    if ev is None:
        raise pytest.UsageError(
            f"{request.node.nodeid} uses the 'evidence' fixture but is not a check: decorate it with "
            "@check(CLAIM, method) from li2verify.verify.claims"
        )
    return ev


@pytest.fixture
def li2_profile(request: pytest.FixtureRequest) -> Profile:
    """The active :class:`~li2verify.utils.profiles.Profile` (``.name``, ``.pick(fast, thorough, paper)``)."""
    return request.config.stash[_STATE].profile


@pytest.fixture
def li2_device(request: pytest.FixtureRequest) -> str:
    """The torch device for empirical checks (``--li2-device``)."""
    return request.config.stash[_STATE].device


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if item.get_closest_marker("li2_check") is None:
        return
    ev = _make_evidence(item)
    state = item.config.stash[_STATE]
    done = False
    if report.when == "setup" and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        ev.finalize(None, skipped=True, skip_reason=reason)
        done = True
    elif report.when == "setup" and report.failed:
        ev.finalize(call.excinfo.value if call.excinfo else RuntimeError("setup failed"))
        ev.outcome, ev.message = "broken", f"setup failed: {ev.message}"
        done = True
    elif report.when == "call":
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            ev.finalize(None, skipped=True, skip_reason=reason)
        else:
            exc = call.excinfo.value if call.excinfo is not None else None
            ev.finalize(exc)
            if ev.outcome == "broken" and report.passed:
                report.outcome = "failed"
                report.longrepr = f"li2verify: {ev.message} — a check that cannot fail is a defect"
        done = True
    if done:
        state.evidence.append(ev)
        item.user_properties.extend(junit_properties(ev))


def junit_properties(ev: _claims.Evidence) -> list[tuple[str, str]]:
    """What a CI dashboard reads from a check's JUnit record (``--junitxml``): the claim, the method, the
    target, this check's outcome, its worst error and tolerance.  The claim's status (known only when all its
    checks ran) is added at the end of the session by :func:`_junit_claim_status`."""
    from li2verify.utils.numbers import fmt_num

    err, tol = _claims.worst_error(ev)
    return [("li2.claim", ev.claim_id), ("li2.method", ev.method), ("li2.target", ev.target),
            ("li2.outcome", ev.outcome), ("li2.worst_error", fmt_num(err, ascii_only=True)),
            ("li2.tolerance", fmt_num(tol, ascii_only=True))]


def _junit_claim_status(config: pytest.Config, statuses: dict[str, str], rests_on: dict[str, dict]) -> None:
    """Add ``li2.status`` (the claim's status; with ``li2.shown_status`` where what it rests on is weaker) to every
    check's ``<testcase>`` in the JUnit XML, and the run's status counts as suite properties, before pytest's
    junitxml plugin writes the file.  An erratum is a passing test (the expected, pinned result), so without
    these properties a dashboard would show a paper full of errata as all green."""
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - a pytest without the junitxml plugin
        return
    xml = config.stash.get(xml_key, None)
    if xml is None:
        return
    counts: dict[str, int] = {}
    for s in statuses.values():
        counts[s] = counts.get(s, 0) + 1
    for s in _claims.STATUSES:
        xml.add_global_property(f"li2.claims.{s}", str(counts.get(s, 0)))
    for rep in xml.node_reporters_ordered:
        case = rep.to_xml()
        props = case.find("properties")
        if props is None:
            continue
        claim = next((p.get("value") for p in props if p.get("name") == "li2.claim"), None)
        if claim is None or claim not in statuses:
            continue
        status = statuses[claim]
        props.append(type(props)("property", name="li2.status", value=status))
        if claim in rests_on and status != "untested":
            shown = _claims.status_with_ancestry(status, rests_on[claim])
            if shown != status:
                props.append(type(props)("property", name="li2.shown_status", value=shown))


class ExpectedFileError(ValueError):
    """A malformed expected-status file (named, with what is wrong)."""


def read_expected_file(path: Path) -> dict:
    """The expected-status file: ``{"schema": 1, "claims": {id: status}, "profiles": {name: {id: status}}}``.

    ``claims`` holds the statuses of the default (``fast``) profile; ``profiles`` holds, per other profile, only
    the claims whose status differs there (more instances can decide what ``fast`` leaves inconclusive)."""
    import json

    if not path.exists():
        return {"schema": 1, "claims": {}, "profiles": {}}
    try:
        data = json.loads(path.read_text())
        data["claims"] = dict(data["claims"])
        data["profiles"] = {k: dict(v) for k, v in data.get("profiles", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ExpectedFileError(f"{path}: not a valid expected-status file ({e}); expected "
                                '{"schema": 1, "claims": {"claim.id": "status", ...}, "profiles": {...}}') from None
    for section in [data["claims"], *data["profiles"].values()]:
        bad = {k: v for k, v in section.items() if v not in _claims.STATUSES}
        if bad:
            raise ExpectedFileError(f"{path}: unknown statuses {bad}; allowed: {', '.join(_claims.STATUSES)}")
    unknown = set(data["profiles"]) - set(PROFILES)
    if unknown:
        raise ExpectedFileError(f"{path}: unknown profiles {sorted(unknown)} in 'profiles'")
    return data


def _read_expected_file(path: Path) -> dict:
    try:
        return read_expected_file(path)
    except ExpectedFileError as e:
        raise pytest.UsageError(str(e)) from None


def expected_statuses(path: Path, profile: str = "fast") -> dict[str, str]:
    """The committed expected status of every claim under ``profile`` (the one reader of the file)."""
    return _expected_for(read_expected_file(path), profile)


def _expected_for(data: dict, profile: str) -> dict[str, str]:
    """Expected statuses under ``profile``: the base (fast) statuses with that profile's overrides."""
    exp = dict(data["claims"])
    if profile != "fast":
        exp.update(data["profiles"].get(profile, {}))
    return exp


def _accept(data: dict, profile: str, statuses: dict[str, str]) -> dict:
    """Record ``statuses`` as expected under ``profile`` (base section for fast, overrides otherwise)."""
    if profile == "fast":
        data["claims"].update(statuses)
    else:
        over = data["profiles"].setdefault(profile, {})
        for cid, st in statuses.items():
            if data["claims"].get(cid) == st:
                over.pop(cid, None)
            else:
                over[cid] = st
        if not over:
            data["profiles"].pop(profile)
    return data


def _write_expected(path: Path, data: dict) -> None:
    import json

    from li2verify.verify.report import atomic_write_text

    out = {"schema": 1, "claims": dict(sorted(data["claims"].items()))}
    if data.get("profiles"):
        out["profiles"] = {k: dict(sorted(v.items())) for k, v in sorted(data["profiles"].items())}
    atomic_write_text(path, json.dumps(out, indent=1) + "\n")


@pytest.hookimpl(tryfirst=True)  # before junitxml writes its file (_junit_claim_status)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(_STATE, None)
    if state is None:
        return
    by_claim: dict[str, list[_claims.Evidence]] = {}
    for ev in state.evidence:
        by_claim.setdefault(ev.claim_id, []).append(ev)
    for c in _claims.REGISTRY:
        state.statuses[c.id] = _claims.claim_status(c, by_claim.get(c.id, []))

    # Status regression guard: claims whose checks all ran (none deselected) and at least one executed.
    expected_path = _expected_path(state)
    guarded = {
        cid for cid, evs in by_claim.items()
        if cid not in state.deselected_claims and any(e.outcome not in ("skipped", "broken") for e in evs)
        and all(e.outcome != "broken" for e in evs)
    }
    if expected_path is not None and guarded:
        data = _read_expected_file(expected_path)
        expected = _expected_for(data, state.profile.name)
        if state.accept_status:
            _write_expected(expected_path, _accept(data, state.profile.name, {cid: state.statuses[cid] for cid in guarded}))
        else:
            for cid in sorted(guarded):
                got = state.statuses[cid]
                want = expected.get(cid)
                if want is None:
                    state.mismatches.append(f"{cid}: status {got!r} but the claim is not in {expected_path.name}")
                elif want != got:
                    state.mismatches.append(f"{cid}: status {got!r}, expected {want!r}"
                                            + ("" if state.profile.name == "fast" else f" (profile {state.profile.name})"))
                if want != got:
                    state.changes.append({"id": cid, "status": got, "expected": want})
        if state.mismatches and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    # Ancestry: the weakest status among the claims each claim rests on -- this run's status where the claim's
    # checks ran, else its committed expected status.
    ran = {cid for cid, evs in by_claim.items() if any(e.outcome not in ("skipped", "broken") for e in evs)}
    committed: dict[str, str] = {}
    if expected_path is not None:
        committed = _expected_for(_read_expected_file(expected_path), state.profile.name)
    known = {**committed, **{cid: state.statuses[cid] for cid in ran}}
    graph = {c.id: list(c.depends_on) for c in _claims.REGISTRY}
    state.rests_on = {c.id: _claims.rests_on(c.id, graph, known) for c in _claims.REGISTRY if c.depends_on}
    if state.mismatches:
        _count_in_summary(session.config, state.changes, state.mismatches)
    _junit_claim_status(config, state.statuses, state.rests_on)

    if state.report_dir is not None:
        from li2verify.verify.report import build_record, write_report

        record = build_record(
            claims=list(_claims.REGISTRY), evidence=state.evidence, statuses=state.statuses,
            profile=state.profile.name, device=state.device,
            extra={"status_mismatches": state.mismatches, "status_changes": state.changes,
                   "rests_on": state.rests_on, "pytest_exit": int(session.exitstatus)},
        )
        selector = config.pluginmanager.get_plugin("li2verify-claim-selection")
        target = selector.report_dir(state.report_dir) if selector is not None else state.report_dir
        if selector is not None and selector.partial:
            record["selection"] = selector.description()
        state.report_paths = write_report(record, target)


def partial_report_dir(base: str | os.PathLike, claims: list[str] | tuple[str, ...] = (), keyword: str | None = None,
                       markexpr: str | None = None) -> Path:
    """Where a partial run's report goes: ``BASE/partial/<selection>`` (e.g. ``reports/partial/claim-thm2.local_maxima``);
    the same function tells ``li2verify report`` where to read it."""
    import re

    bits = [f"claim-{c}" for c in claims] + ([f"k-{keyword}"] if keyword else []) + ([f"m-{markexpr}"] if markexpr else [])
    slug = re.sub(r"[^A-Za-z0-9._=-]+", "_", "+".join(bits) or "selection").strip("_")[:120] or "selection"
    return Path(base) / "partial" / slug


class ClaimSelection:
    """``--li2-claim ID`` (prefix match on claim ids; deselects every other test), claim ids as ``-k`` keywords, and
    where a partial run writes its report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.claims: list[str] = list(config.getoption("--li2-claim") or [])
        self.deselected = 0
        state = config.stash[_STATE]
        if self.claims and state.report_dir is None:
            state.report_dir = Path("reports")  # a claim selection is a report run: it writes its own directory

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        for item in items:  # `-k thm2.local_maxima` matches the claim id, not only the test name
            m = item.get_closest_marker("li2_check")
            if m is not None:
                item.extra_keyword_matches.add(m.kwargs["claim_id"])
        if not self.claims:
            return
        known = {c.id for c in _claims.REGISTRY}
        unknown = [p for p in self.claims if not any(cid.startswith(p) for cid in known)]
        if unknown:
            import difflib

            hints = {p: difflib.get_close_matches(p, sorted(known), n=3) for p in unknown}
            raise pytest.UsageError("--li2-claim: no claim id starts with " + "; ".join(
                f"{p!r}" + (f" (did you mean {', '.join(hints[p])}?)" if hints[p] else "") for p in unknown))
        keep, drop = [], []
        for item in items:
            m = item.get_closest_marker("li2_check")
            ok = m is not None and any(m.kwargs["claim_id"].startswith(p) for p in self.claims)
            (keep if ok else drop).append(item)
        if drop:
            items[:] = keep
            config.hook.pytest_deselected(items=drop)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    @property
    def partial(self) -> bool:
        return bool(self.claims) or self.deselected > 0

    def description(self) -> str:
        opt = self.config.option
        return " ".join([*(f"--li2-claim {c}" for c in self.claims),
                         *([f"-k {opt.keyword!r}"] if getattr(opt, "keyword", "") else []),
                         *([f"-m {opt.markexpr!r}"] if getattr(opt, "markexpr", "") else [])]) or "a subset of tests"

    def report_dir(self, base: Path) -> Path:
        if not self.partial or self.config.getoption("--li2-report-overwrite"):
            return base
        opt = self.config.option
        return partial_report_dir(base, self.claims, getattr(opt, "keyword", "") or None,
                                  getattr(opt, "markexpr", "") or None)


@dataclass
class StatusChange:
    """One entry of pytest's terminal statistics (other plugins read entries as report-like objects)."""

    claim_id: str
    message: str


def _count_in_summary(config: pytest.Config, changes: list[dict], messages: list[str]) -> None:
    """Count status changes in pytest's final line ("467 passed, 1 status changed")."""
    tr = config.pluginmanager.getplugin("terminalreporter")
    if tr is not None:
        tr.stats.setdefault("status changed", []).extend(
            StatusChange(c["id"], m) for c, m in zip(changes, messages))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or not state.statuses:
        return
    if not state.evidence and not state.report_paths:  # no claim check ran (e.g. ``pytest tests/``, whose tests
        return                                          # may import claim modules): nothing to summarise
    tr = terminalreporter
    counts: dict[str, int] = {}
    for s in state.statuses.values():
        counts[s] = counts.get(s, 0) + 1
    tr.section("li2verify claims")
    if state.mismatches:
        tr.write_line("STATUS CHANGED against the committed expected-status file "
                      "(a regression, or a fix to acknowledge with --li2-accept-status):", red=True, bold=True)
        for m in state.mismatches:
            tr.write_line(f"  {m}", red=True)
    broken = [e for e in state.evidence if e.outcome == "broken"]
    for e in broken:
        tr.write_line(f"  BROKEN check {e.check}: {e.message}", red=True)
    vanished = [e for e in state.evidence if e.outcome == "vanished"]
    for e in vanished:
        tr.write_line(f"  ERRATUM VANISHED in {e.check}: {e.message}", red=True)
    tr.write_line(f"profile {state.profile.name}: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in _claims.STATUSES))
    for cid, s in sorted(state.statuses.items()):
        if s in ("erratum", "refuted", "inconclusive"):
            tr.write_line(f"  {s:<12} {cid}")
        elif cid in state.rests_on and state.statuses.get(cid) != "untested":
            shown = _claims.status_with_ancestry(s, state.rests_on[cid])
            if shown != s:
                tr.write_line(f"  {cid}: {shown}")
    if state.report_paths:
        tr.write_line(f"report: {state.report_paths['html']}")
