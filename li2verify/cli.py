"""The ``li2verify`` command line.

``li2verify report`` runs the theorem suite (``pytest theorems/``) and writes the verification report;
``li2verify claims`` lists the registered claims with their last and expected status.  Other commands
(``groups``, ``train``, ``reproduce``) live in :mod:`li2verify.commands` and are added below.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
from pathlib import Path

import click

from li2verify.commands import ErrorBoundaryGroup
from li2verify.utils.profiles import PROFILES

log = logging.getLogger(__name__)


def _find_theorems(path: str | None) -> Path:
    p = Path(path) if path else Path.cwd() / "theorems"
    if not p.is_dir():
        raise click.UsageError(
            f"no theorems directory at {str(p)!r}: run from the li2verify repository root or pass --theorems PATH"
        )
    return p


@click.group(cls=ErrorBoundaryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="li2verify")
@click.option("-v", "--verbose", count=True, help="log more (-v info, -vv debug)")
def main(verbose: int) -> None:
    """li2verify: a proof-checking CI for the Li2 theory of grokking (Tian 2025).

    Every printed claim of the paper (Prop 1, Lemma 1, Thms 1-8, ...) is checked by sympy derivations,
    randomized float64 computations, Hypothesis searches and torch training runs; each run ends in a
    verification report that says, claim by claim, what holds, what does not, and the evidence.

    \b
    Typical use:
      li2verify report                 run the suite (fast profile) and write reports/verification.html
      li2verify report --profile thorough -k thm2
      li2verify report --claim thm2.local_maxima   (writes reports/partial/claim-thm2.local_maxima/)
      li2verify claims                 list the claims with their last status
    """
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--profile", "-p", type=click.Choice(PROFILES), default="fast", show_default=True,
              help="instance sizes: fast (CI, minutes on a laptop), thorough (more instances, larger M), "
                   "paper (the paper's scales; meant for a GPU with --device cuda)")
@click.option("--out", "-o", "out", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="directory for verification.json / .md / .html")
@click.option("-k", "keyword", default=None, metavar="EXPR",
              help="only checks whose names match this pytest -k expression (e.g. 'thm2 and not property')")
@click.option("--claim", "claim_ids", multiple=True, metavar="ID",
              help="only the checks of claims whose id starts with ID (repeatable; e.g. --claim thm2.local_maxima)")
@click.option("--overwrite", is_flag=True,
              help="let a partial run (--claim or -k) write into --out itself instead of OUT/partial/<selection>/")
@click.option("--device", default="cpu", show_default=True, help="torch device for empirical checks: cpu or cuda")
@click.option("--theorems", "theorems_dir", default=None, type=click.Path(),
              help="the theorems directory (default: ./theorems)")
@click.option("--accept-status", is_flag=True, help="record this run's claim statuses as the expected ones")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def report(profile: str, out: str, keyword: str | None, claim_ids: tuple[str, ...], overwrite: bool, device: str,
           theorems_dir: str | None, accept_status: bool, pytest_args: tuple[str, ...]) -> None:
    """Run the theorem suite and write the verification report.

    Runs `pytest THEOREMS --li2-profile PROFILE --li2-report OUT` in a fresh interpreter, then prints a
    one-screen summary (errata, refutations, inconclusive claims, status changes) and the report's path.
    A partial run (--claim or -k) writes to OUT/partial/<selection>/ and never replaces the full report in OUT,
    unless --overwrite. Extra arguments after `--` go to pytest. Exit status: 0 when every check ran and every claim has its
    expected status, 1 otherwise (a failing printed claim with a recorded counterexample is a result, not
    a failure).
    """
    from li2verify.verify.report import ReportError, ensure_writable_dir, load_record, summary_lines

    theorems = _find_theorems(theorems_dir)
    if device != "cpu":
        from li2verify.train.config import ConfigError
        from li2verify.train.run import check_device

        try:
            check_device(device)
        except ConfigError as e:
            raise click.UsageError(str(e).replace("TrainConfig.device: ", f"--device {device}: ")) from None
    try:
        out_dir = ensure_writable_dir(out)
    except ReportError as e:
        raise click.UsageError(str(e)) from None
    cmd = [sys.executable, "-m", "pytest", str(theorems), "--li2-profile", profile, "--li2-report", str(out_dir),
           "--li2-device", device, "-q", "-p", "no:cacheprovider"]
    if keyword:
        cmd += ["-k", keyword]
    for cid in claim_ids:
        cmd += ["--li2-claim", cid]
    if overwrite:
        cmd.append("--li2-report-overwrite")
    if accept_status:
        cmd.append("--li2-accept-status")
    cmd += list(pytest_args)
    click.echo(f"running: {' '.join(cmd[2:])}", err=True)
    import time

    started = time.time()
    proc = subprocess.run(cmd)
    if (keyword or claim_ids) and not overwrite:
        from li2verify.verify.plugin import partial_report_dir

        partial = partial_report_dir(out_dir, list(claim_ids), keyword)
        pj = partial / "verification.json"
        if pj.exists() and pj.stat().st_mtime >= started - 1:
            out_dir = partial
    try:
        rec = load_record(out_dir)
    except ReportError as e:
        raise click.ClickException(f"the suite did not produce a report (pytest exit {proc.returncode}): {e}") from None
    click.echo("")
    for line in summary_lines(rec):
        click.echo(line)
    click.echo(f"report: {(out_dir / 'verification.html').resolve()}")
    click.echo(f"        {(out_dir / 'verification.md').resolve()}")
    click.echo(f"        {(out_dir / 'verification.json').resolve()}")
    sys.exit(0 if proc.returncode == 0 else 1)


def import_theorem_modules(theorems: Path) -> list[str]:
    """Import every theorem module under ``theorems`` (registering its claims); returns module names."""
    root = theorems.resolve().parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    names = []
    for f in sorted(theorems.rglob("*.py")):
        if f.name.startswith("_") or f.name == "conftest.py":
            continue
        rel = f.resolve().relative_to(root).with_suffix("")
        name = ".".join(rel.parts)
        if importlib.util.find_spec(name) is None:
            raise click.ClickException(f"cannot import theorem module {name} from {f}")
        __import__(name)
        names.append(name)
    return names


def _locate_theorems(path: str | None) -> Path:
    """The theorems directory for a read-only command: ``path``; else ``theorems/`` in the working directory or
    the nearest parent that has one; else the one beside the installed package (an editable install)."""
    if path:
        return _find_theorems(path)
    for d in [Path.cwd(), *Path.cwd().parents]:
        if (d / "theorems").is_dir():
            return d / "theorems"
    import li2verify

    beside = Path(li2verify.__file__).resolve().parents[1] / "theorems"
    if beside.is_dir():
        return beside
    return _find_theorems(None)  # the usual one-line error


@main.command()
@click.option("--theorems", "theorems_dir", default=None, type=click.Path(),
              help="default: ./theorems, else the nearest parent directory's theorems/, else the package's")
@click.option("--report", "report_dir", default=None, type=click.Path(),
              help="where the last report is (default: ./reports if it exists, else reports/ beside theorems/)")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def claims(theorems_dir: str | None, report_dir: str | None, as_json: bool) -> None:
    """List the claims in the paper's order with their last and committed expected status.

    Read from the last report's verification.json and theorems/expected_status.json (well under a second); the
    theorem modules are imported only when the last report does not list every expected claim (no report yet,
    or a report of a few modules). Works from any directory inside the repository."""
    import os

    from li2verify.verify.plugin import EXPECTED_FILE, ExpectedFileError, read_expected_file
    from li2verify.verify.report import ReportError, claim_rows, load_record

    theorems = _locate_theorems(theorems_dir)
    if report_dir is None:
        report_dir = "reports" if Path("reports").is_dir() else str(theorems.parent / "reports")
    rec: dict = {}
    try:
        rec = load_record(report_dir)
    except ReportError:
        pass
    profile = rec.get("profile", "fast")
    try:
        data = read_expected_file(theorems / EXPECTED_FILE)
    except ExpectedFileError as e:
        raise click.UsageError(str(e)) from None
    expected = dict(data["claims"])
    if profile != "fast":
        expected.update(data["profiles"].get(profile, {}))
    registered: list[dict] = []
    if not rec or set(expected) - {c["id"] for c in rec["claims"]}:
        os.environ.setdefault("LI2_PROFILE", "fast")
        from li2verify.verify.claims import REGISTRY

        import_theorem_modules(theorems)
        registered = [c.to_dict() for c in REGISTRY]
    rows = claim_rows(rec, expected, registered)
    if as_json:
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    w = max([len(r["id"]) for r in rows] + [5])
    changed = [r for r in rows if r["changed"]]
    if changed:
        click.echo(f"!! {len(changed)} status change(s) in the last report (profile {profile}) against "
                   f"{EXPECTED_FILE}: " + ", ".join(f"{r['id']} {r['expected']} → {r['last']}" for r in changed))
    click.echo(f"   {'claim':<{w}}  {'last':<13} {'expected':<13} checks  paper")
    section = None
    for r in rows:
        if r["section"] != section:
            section = r["section"]
            click.echo(f"-- {section}")
        mark = "!! " if r["changed"] else "   "
        extra = f"  [{r['rests_on']}]" if r["rests_on"] and r["rests_on"] != r["last"] else ""
        click.echo(f"{mark}{r['id']:<{w}}  {r['last']:<13} {r['expected']:<13} {r['checks']:>6}  {r['paper_ref']}{extra}")
    click.echo(f"{len(rows)} claims in the paper's order" + ("" if rec else " (no report yet: run `li2verify report`)")
               + (f"; {len(changed)} changed status (marked !!)" if changed else ""))


# -- commands from li2verify.commands (one line each) ------------------------------------------------------
# li2verify.commands: add_command lines below
main.add_command(importlib.import_module("li2verify.commands.groups").groups)
main.add_command(importlib.import_module("li2verify.commands.train").train_cmd)
main.add_command(importlib.import_module("li2verify.commands.train").reproduce_cmd)
main.add_command(importlib.import_module("li2verify.commands.sweep").sweep_cmd)
main.add_command(importlib.import_module("li2verify.commands.record").record_cmd)
