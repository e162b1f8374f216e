"""`auditor audit`: audit one or several environments and report the drift."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor import exit_codes
from auditor.catalog.settings import DEFAULT_TIMEOUT
from auditor.commands.options import (
    DEFAULT_INVENTORY,
    InventoryOption,
    QuietOption,
    complete_environment,
    epilog,
    fail,
    finite,
    positive_interval,
    say,
    stop_on_signals,
)
from auditor.errors import AuditorError, Interrupted, UsageError

if TYPE_CHECKING:
    from auditor.baseline import PreviousReport
    from auditor.model import Inventory, Report

EPILOG = epilog(
    [
        "auditor audit --env prod",
        "auditor audit --env staging --format markdown --output reports/audit.md",
        "auditor audit --env local --json reports/audit.json \\\n    --markdown reports/audit.md",
        "auditor audit --all-envs --markdown 'reports/{env}.md'",
        "auditor audit --env prod --baseline last.json \\\n    --json reports/audit.json --github",
        "AUDITOR_FAIL_ON=security auditor audit --env prod",
        "AUDITOR_DATABASE_URL=postgresql://... auditor audit --fail-on warning",
    ],
    exit_codes.HELP_TEXT + " With several environments the highest code wins.",
)

ENV_PLACEHOLDER = "{env}"


class OutputFormat(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"
    junit = "junit"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    security = "security"  # exit 1 only for a finding tagged security, whatever its severity
    never = "never"


class CatalogSource(StrEnum):
    pg_catalog = "pg_catalog"
    information_schema = "information_schema"


def audit(
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env",
            "-e",
            help="Environment from inventory.yaml (prod, staging, local...); repeat for several.",
            autocompletion=complete_environment,
        ),
    ] = None,
    all_envs: Annotated[bool, typer.Option("--all-envs", help="Audit every environment of the inventory.")] = False,
    inventory: InventoryOption = DEFAULT_INVENTORY,
    db_url: Annotated[
        str | None,
        typer.Option(
            "--db-url",
            help="Connection URL for this run only, overriding the environment's (also AUDITOR_DATABASE_URL).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", envvar="AUDITOR_FORMAT", show_envvar=True, help="Report format.")
    ] = OutputFormat.terminal,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to this file instead of stdout ({env} is replaced)."),
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the markdown report to this file.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the JSON report to this file.")] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Also write the JUnit XML report (one test case per object).")
    ] = None,
    sarif: Annotated[
        Path | None, typer.Option("--sarif", help="Also write the SARIF 2.1.0 report (for code scanning).")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="An earlier JSON report: mark findings new, changed or unchanged and list resolved ones "
            "({env} is replaced).",
        ),
    ] = None,
    github: Annotated[
        bool,
        typer.Option(
            "--github", help="On GitHub Actions: append the markdown report to the job summary and annotate findings."
        ),
    ] = False,
    report_url: Annotated[
        str | None,
        typer.Option("--report-url", help="Where the full report is; named when markdown is shortened to fit GitHub."),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            envvar="AUDITOR_FAIL_ON",
            show_envvar=True,
            help="Lowest severity that makes the exit code 1; 'security': only security findings do. "
            "Default: audit.fail_on in inventory.yaml, else error.",
            show_default=False,
        ),
    ] = None,
    catalog: Annotated[
        CatalogSource, typer.Option("--catalog", help="Where tables and columns are read from.")
    ] = CatalogSource.pg_catalog,
    statement_timeout: Annotated[
        str,
        typer.Option(
            "--statement-timeout",
            callback=positive_interval,
            help="Timeout of each catalog query: a PostgreSQL interval such as 30s, 500ms or 2min.",
        ),
    ] = "30s",
    connect_timeout: Annotated[
        int,
        typer.Option(
            "--connect-timeout", min=2, max=3600, help="Seconds to wait for each connection attempt (2 to 3600)."
        ),
    ] = 10,
    connect_retries: Annotated[
        int,
        typer.Option(
            "--connect-retries", min=0, max=100, help="Extra connection attempts after a transient failure (0 to 100)."
        ),
    ] = 2,
    retry_delay: Annotated[
        float,
        typer.Option(
            "--retry-delay",
            min=0.0,
            max=600.0,
            callback=finite,
            help="Seconds before the first retry (0 to 600); doubles each time.",
        ),
    ] = 1.0,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, max=64, help="Environments audited at the same time (1 to 64).")
    ] = 4,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=1.0,
            max=86400.0,
            callback=finite,
            help="Seconds the database and Storage API work may take in all (connecting, retries, reading); "
            "then it is cancelled.",
        ),
    ] = DEFAULT_TIMEOUT,
    quiet: QuietOption = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Terminal report: each finding's expected and actual values, every name in full."
        ),
    ] = False,
    require_all_checks: Annotated[
        bool,
        typer.Option(
            "--require-all-checks",
            help="Exit 3 when a check could not be made (a key that sees no bucket, a missing privilege, "
            "a source not configured), instead of a verdict on the checks that were.",
        ),
    ] = False,
) -> None:
    """Audit environments' databases against the inventory.

    With several environments (--env a --env b, or --all-envs) they are audited concurrently and
    each gets its own report; one that cannot be reached is reported as failed without hiding
    the others. Output paths must then contain {env}, which is replaced by each environment's name.
    """
    stop_on_signals()  # a signal marks the reports asked for failed, and ends the run
    from auditor.api import CatalogPrefetch, audit_environments, audit_inventory, failed_report
    from auditor.catalog.settings import SessionSettings
    from auditor.inventory import load_inventory
    from auditor.progress import Progress
    from auditor.render import prepare as prepare_renderers

    progress = Progress.on_stderr(quiet)
    settings = SessionSettings(
        connect_timeout=connect_timeout,
        statement_timeout=statement_timeout,
        connect_retries=connect_retries,
        retry_delay=retry_delay,
        timeout=timeout,
        started=time.monotonic(),
        progress=progress.reporter,
    )
    paths = {"output": output, "markdown": markdown, "json": json_path, "junit": junit, "sarif": sarif}
    checked = False  # whether the report paths have been checked: only then are reports written
    try:
        try:
            if all_envs and env:
                raise UsageError("Give either --env or --all-envs, not both.")
            if quiet and verbose:
                raise UsageError("Give either --quiet or --verbose, not both.")
            names = list(dict.fromkeys(env or []))
            label = _url_label(names, db_url, all_envs=all_envs)
            prefetch = None
            if len(names) <= 1 and not all_envs:  # one environment: read its catalog while the inventory loads
                prefetch = CatalogPrefetch(
                    names[0] if names else None, db_url=db_url, catalog_source=catalog.value, settings=settings
                )
            loaded = load_inventory(inventory, prefetch.start if prefetch else None)
            if all_envs:
                names = [e.name for e in loaded.environments]
            if all_envs and not names:
                raise UsageError(f"--all-envs: the inventory {loaded.path} declares no environments.")
            _check_several(names, paths, output_format, db_url, all_envs=all_envs)
            run_names = names or [label]
            _check_outputs(paths, run_names, loaded, baseline=baseline, github=github)
            fail_on = fail_on or FailOn(loaded.fail_on or FailOn.error)  # the option or its variable, then the file
            detail = "quiet" if quiet else "verbose" if verbose else "normal"
            outputs = _Outputs(paths, output_format, fail_on.value, report_url, github, detail)
            checked = True
            previous = _load_baselines(baseline, run_names)
            prepare_renderers(_formats(output_format, paths, github))  # meanwhile, the prefetch waits for the server
            if len(names) > 1:
                reports = audit_environments(loaded, names, catalog_source=catalog.value, settings=settings, jobs=jobs)
            else:
                reports = [
                    audit_inventory(
                        loaded,
                        names[0] if names else None,
                        db_url=db_url,
                        label=label,
                        catalog_source=catalog.value,
                        settings=settings,
                        prefetch=prefetch,
                    )
                ]
            reports = [_compare(report, previous) for report in reports]
        except AuditorError as error:  # no verdict: the reports asked for say so, if they may be written
            progress.stop()  # before any message: the progress line is cleared first
            if not checked or (output_format is OutputFormat.terminal and not (any(paths.values()) or github)):
                raise fail(error) from None  # the error says it all
            reports = [failed_report(loaded, name, error, db_url=db_url, label=label) for name in run_names]
        progress.stop()
        output_errors = _emit_all(reports, outputs)
    except Interrupted as stop:
        progress.stop()
        if not checked:
            raise
        _emit_all([failed_report(loaded, name, stop, db_url=db_url, label=label) for name in run_names], outputs)
        raise typer.Exit(stop.exit_code) from None
    finally:
        progress.stop()
    threshold = None if fail_on is FailOn.never else fail_on.value
    codes = [_exit_code(report, threshold, require_all_checks) for report in reports]
    raise typer.Exit(max(codes + [e.exit_code for e in output_errors]))


def _url_label(names: list[str], db_url: str | None, *, all_envs: bool) -> str:
    """The environment name of a run given only a URL: named after its target. 'unknown' when no
    URL is given either (the audit then fails, asking for --env)."""
    from auditor.api import DATABASE_URL_VARIABLE
    from auditor.urls import environment_name

    url = db_url or os.environ.get(DATABASE_URL_VARIABLE)
    if names or all_envs or not url:
        return "unknown"
    return environment_name(url)


def _check_several(
    names: list[str], paths: dict[str, Path | None], fmt: OutputFormat, db_url: str | None, *, all_envs: bool
) -> None:
    if (len(names) > 1 or all_envs) and (db_url or os.environ.get("AUDITOR_DATABASE_URL")):
        raise UsageError(
            "--db-url and AUDITOR_DATABASE_URL name one database: use them with at most one --env, never --all-envs."
        )
    if len(names) <= 1:
        return
    for option, path in paths.items():
        if path is not None and ENV_PLACEHOLDER not in str(path):
            raise UsageError(
                f"With several environments, --{option} needs {ENV_PLACEHOLDER} in its path "
                f"(e.g. reports/{ENV_PLACEHOLDER}.md), or each report would overwrite the last."
            )
    if fmt is not OutputFormat.terminal and paths["output"] is None:
        raise UsageError(
            f"With several environments, --format {fmt.value} needs --output with {ENV_PLACEHOLDER} in its path."
        )


def _formats(fmt: OutputFormat, paths: dict[str, Path | None], github: bool) -> set[str]:
    """The formats this run renders."""
    extra = {option for option in ("markdown", "json", "junit", "sarif") if paths[option] is not None}
    return {fmt.value} | extra | ({"markdown"} if github else set())


def _load_baselines(path: Path | None, names: list[str]) -> dict[str | None, PreviousReport]:
    """The earlier reports to compare with, read before auditing so a bad one fails fast (exit 2)."""
    from auditor.baseline import load_baseline

    if path is None:
        return {}
    if ENV_PLACEHOLDER in str(path):
        return {name: load_baseline(str(path).replace(ENV_PLACEHOLDER, name), name) for name in names}
    if len(names) > 1:
        raise UsageError(f"With several environments, --baseline needs {ENV_PLACEHOLDER} in its path.")
    return {None: load_baseline(path, names[0])}


def _compare(report: Report, previous: dict[str | None, PreviousReport]) -> Report:
    from auditor.baseline import compare_with_baseline

    earlier = previous.get(report.environment) or previous.get(None)
    return report if earlier is None else compare_with_baseline(report, earlier)


@dataclass(frozen=True)
class _Outputs:
    """Where and how each report is written."""

    paths: dict[str, Path | None]
    fmt: OutputFormat
    fail_on: str
    report_url: str | None
    github: bool
    detail: str  # of the terminal report: quiet, normal or verbose


FILE_OPTIONS = ("markdown", "json", "junit", "sarif", "output")
"""The options naming report files, in the order they are written."""


def _target(path: Path, environment: str) -> str:
    return str(path).replace(ENV_PLACEHOLDER, environment)


def _check_outputs(
    paths: dict[str, Path | None], names: list[str], inventory: Inventory, *, baseline: Path | None, github: bool
) -> None:
    """Check every report path of every environment, and the job summary of --github, before the
    audit starts (reports.check_outputs): none may overwrite the inventory, the inventory document
    or a baseline, nor write inside the docs folder."""
    from auditor.docs.scan import docs_path, spared_paths
    from auditor.reports import STDOUT, Target, check_outputs

    targets = [
        Target(option, _target(path, name)) for name in names for option in FILE_OPTIONS if (path := paths[option])
    ]
    if paths["output"] is None:  # the report is printed
        targets.append(Target("stdout", STDOUT))
    if github:
        from auditor.github import summary_target

        if summary := summary_target():
            targets.append(summary)
    inputs, folders = spared_paths(inventory.path, docs_path(inventory))
    if baseline is not None:
        several = len(names) > 1
        inputs |= {f"the baseline of {n}" if several else "the baseline": Path(_target(baseline, n)) for n in names}
    check_outputs(targets, inputs=inputs, folders=folders)


def _emit_all(reports: list[Report], outputs: _Outputs) -> list[AuditorError]:
    """Write and show every report; what could not be written is said, and does not stop the rest."""
    errors: list[AuditorError] = []
    for report in reports:  # a failed report is printed in a format asked for; on a terminal, its error says it all
        show = len(reports) > 1 or report.failure is None or outputs.fmt is not OutputFormat.terminal
        errors += _emit(report, outputs, show=show)
    return errors


def _emit(report: Report, outputs: _Outputs, *, show: bool) -> list[AuditorError]:
    """Write the report's files, then print it (or its failure) where the options say. Returns
    the errors of the files that could not be written, each said on stderr already."""
    from auditor.render import render
    from auditor.reports import STDOUT, report_name, write_output

    paths, fmt = outputs.paths, outputs.fmt
    json_file = _target(paths["json"], report.environment) if paths["json"] else None
    full_report = outputs.report_url or (f"the JSON report {json_file}" if json_file else None)

    def text(file_format: str) -> str:
        return render(report, file_format, fail_on=outputs.fail_on, full_report=full_report, detail=outputs.detail)

    errors: list[AuditorError] = []
    for option in FILE_OPTIONS:
        if paths[option] is None:
            continue
        path = _target(paths[option], report.environment)
        try:
            write_output(path, text(fmt.value if option == "output" else option), what=report_name(option))
        except AuditorError as error:
            errors.append(error)
            say(f"error: {error}")
        else:
            if option == "output" and path != STDOUT and outputs.detail != "quiet":
                say(f"Report written to {path}")
    on_screen = paths["output"] is None and show and fmt is OutputFormat.terminal and sys.stdout.isatty()
    if report.failure is not None and not on_screen:  # a report printed to the terminal says it already
        say(f"error: {report.failure.message}")
    if paths["output"] is None and show and fmt is OutputFormat.terminal:
        from auditor.consoles import console
        from auditor.render.terminal import print_report

        print_report(report, console(), fail_on=outputs.fail_on, detail=outputs.detail)
    elif paths["output"] is None and show:
        sys.stdout.write(text(fmt.value))
    if outputs.github:
        from auditor.github import publish

        try:
            note = publish(report, text("markdown"), sys.stdout)
        except AuditorError as error:
            errors.append(error)
            say(f"error: {error}")
        else:
            if note:
                say(f"note: {note}")
    return errors


def _exit_code(report: Report, threshold: str | None, require_all_checks: bool) -> int:
    from auditor.model import Severity
    from auditor.wording import plural

    if report.failure is not None:
        return report.failure.exit_code
    if require_all_checks and report.skipped:
        reasons = "; ".join(f"{s.check}: {s.reason}" for s in report.skipped)
        say(
            f"error: environment '{report.environment}': {plural(len(report.skipped), 'check')} could not be made, "
            f"and --require-all-checks asks for every one ({reasons})."
        )
        return exit_codes.UNREACHABLE
    if threshold is None:
        return exit_codes.OK
    if threshold == FailOn.security:
        return exit_codes.DRIFT if any(FailOn.security in f.tags for f in report.findings) else exit_codes.OK
    return exit_codes.DRIFT if report.fails(Severity(threshold)) else exit_codes.OK
