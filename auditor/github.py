"""`auditor audit --github`: the job summary and workflow annotations of a GitHub Actions run.

Opt-in rather than automatic on GITHUB_ACTIONS=true: a command that appends to files it was
not asked to touch surprises (running it twice in one job would double the summary), and a
test suite run on GitHub Actions would change behaviour. Annotations go to stdout, where the
runner reads workflow commands, so reports should go to files (--output, --markdown, --json).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

from auditor.model import Report, Severity
from auditor.render.values import Locator, visible
from auditor.reports import Target, write_output

SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"
SUMMARY_WHAT = f"the job summary ({SUMMARY_VARIABLE})"
_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF would end or corrupt the command; invisible
    characters are shown as escapes."""
    return visible(text, newlines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also ':' and ',', which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(report: Report) -> list[str]:
    """One workflow command per finding (error/warning/notice by severity): a doc finding at its
    doc page (and the line of the stale statement), any other at the line of inventory.yaml that
    declares the object when it is declared; one error for a failed audit."""
    if report.failure is not None:
        file = escape_property(report.inventory_path)
        title = escape_property(f"Inventory audit failed ({report.environment})")
        return [f"::error file={file},title={title}::{escape_data(report.failure.message)}"]
    locate = Locator(report)
    commands = []
    for finding in report.findings:
        path, line = locate(finding)
        properties = f"file={escape_property(path)}"
        if line:
            properties += f",line={line}"
        properties += f",title={escape_property(f'{finding.rule} ({report.environment})')}"
        message = escape_data(f"{finding.message} {finding.hint}")
        commands.append(f"::{_COMMANDS[finding.severity]} {properties}::{message}")
    return commands


def summary_target(environ: Mapping[str, str] = os.environ) -> Target | None:
    """The job summary as an output of the run, to be checked with the report paths; None when
    GITHUB_STEP_SUMMARY is not set."""
    summary = environ.get(SUMMARY_VARIABLE)
    return Target(SUMMARY_VARIABLE, summary, SUMMARY_WHAT) if summary else None


def publish(report: Report, markdown: str, out: TextIO, environ: Mapping[str, str] = os.environ) -> str | None:
    """Append the markdown to the job summary and write the annotations to `out`.

    Returns a note for the user when there is no job summary to append to (not on Actions);
    UsageError when it cannot be written (its path is checked before the audit, as report paths
    are: see `summary_target`).
    """
    for command in annotations(report):
        out.write(command + "\n")
    summary = environ.get(SUMMARY_VARIABLE)
    if not summary:
        return f"{SUMMARY_VARIABLE} is not set (not on GitHub Actions?): no job summary written."
    write_output(summary, markdown.rstrip("\n") + "\n\n", what=SUMMARY_WHAT, append=True)
    return None
