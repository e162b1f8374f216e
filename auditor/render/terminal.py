"""Terminal report via rich: a one-line verdict, what was checked, the findings by severity and
rule (each rule's hint once), the security section, then what could not be checked.

Colour follows the terminal: rich turns it off when NO_COLOR is set or output is not a TTY.
Lines are wrapped to the terminal's width (at most layout.MAX_WIDTH), long values after a
separator rather than mid-word. All database and inventory text is appended as rich Text,
never parsed as markup, with its control characters and line breaks escaped (`visible`), so a
name cannot send terminal codes.

`detail`: "quiet" (the verdict and the counts), "normal", or "verbose" (each finding's
expected and actual values and where it points, every name of the security section).
"""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.text import Text

from auditor import __version__
from auditor.model import Finding, Report, Severity
from auditor.render import summary
from auditor.render.layout import print_wrapped
from auditor.render.values import visible
from auditor.sizes import format_size

DETAILS = ("quiet", "normal", "verbose")

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_MARKS = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "•"}
_VERDICTS = {
    "failed": ("✖", "bold red"),
    "fail": ("✖", "bold red"),
    "pass": ("▲", "bold yellow"),
    "clean": ("✔", "bold green"),
}
_LABEL = 12  # width of the labels of the header and the security section


def print_report(report: Report, console: Console, *, fail_on: str | None = "error", detail: str = "normal") -> None:
    mark, style = _VERDICTS[summary.verdict(report, fail_on)]
    print_wrapped(console, Text(f"{mark} {summary.headline(report, fail_on)}", style=style), 0, 2)
    _labelled(console, "environment", [visible(report.environment)])  # even quiet: several may follow
    if detail != "quiet":
        _labelled(console, "database", [visible(report.target)])
        _labelled(console, "inventory", [visible(report.inventory_path)])
    _labelled(console, "checked", [summary.checked(report)])
    if report.failure is not None:
        console.print()
        for paragraph in visible(report.failure.message, newlines=True).splitlines():
            print_wrapped(console, Text(paragraph), 2)
    if detail == "quiet":
        return
    if report.baseline is not None:
        counts = ", ".join(f"{count} {change}" for change, count in summary.changes(report).items())
        counts += f", {len(report.baseline.resolved)} resolved"
        _labelled(console, "since", [f"{visible(report.baseline.path)}: {counts}"])
    for group in summary.by_severity(report.findings):
        console.print()
        console.print(Text(f"{group.title} ({len(group.findings)})", style="bold underline"))
        for rule in group.rules:
            _print_rule(console, report, rule, detail)
    _print_security(console, report, detail)
    if report.baseline is not None and report.baseline.resolved:
        console.print()
        console.print(Text(f"Resolved since the baseline ({len(report.baseline.resolved)})", style="bold underline"))
        for f in report.baseline.resolved:
            line = Text.assemble(("✔ ", "green"), (visible(f.name), "bold"), (f"  ({visible(f.rule)})", "dim"))
            print_wrapped(console, line, 2, 4)
    if report.skipped:
        console.print()
        console.print(Text(f"Checks not made ({len(report.skipped)})", style="bold underline"))
        for skipped in report.skipped:
            line = Text.assemble((visible(skipped.check), "bold"), ": ", visible(skipped.reason))
            print_wrapped(console, line, 2, 4)
    console.print()
    footer = f"auditor {__version__}"
    if report.inventory_sha256:
        sha256 = report.inventory_sha256 if detail == "verbose" else report.inventory_sha256[:12]
        footer += f" · inventory sha256 {sha256}"
    print_wrapped(console, Text(footer, style="dim"))


def _labelled(console: Console, label: str, lines: list[str]) -> None:
    """`label` and the first line beside it, the other lines under it, each wrapped under the first."""
    for number, line in enumerate(lines):
        if number == 0:
            print_wrapped(console, Text.assemble((f"{label:<{_LABEL}}", "dim"), line), 2, 2 + _LABEL)
        else:
            print_wrapped(console, Text(line), 2 + _LABEL)


def _print_rule(console: Console, report: Report, rule: summary.RuleGroup, detail: str) -> None:
    """The rule's code, its findings, then its hint once."""
    header = Text(visible(rule.rule), style="bold")
    if len(rule.findings) > 1:
        header.append(f" ({len(rule.findings)})")
    if rule.security:
        header.append(" · security", style="magenta")
    print_wrapped(console, header, 2, 4)
    for f in rule.findings:
        _print_finding(console, f, report.change(f), detail)
    print_wrapped(console, Text(f"→ {visible(rule.hint)}", style="dim"), 4, 6)


def _print_finding(console: Console, f: Finding, change: str | None, detail: str) -> None:
    line = Text.assemble((f"{_MARKS[f.severity]} ", _STYLES[f.severity]))
    if change in ("new", "changed"):
        line.append(f"{change}: ", style="bold magenta")
    line.append(visible(f.message))
    print_wrapped(console, line, 4, 6)
    if detail == "verbose":
        values = f"{visible(f.name)} · expected {_raw(f, f.expected)} · actual {_raw(f, f.actual)}"
        if f.path:
            values += f" · {visible(f.path)}" + (f":{f.line}" if f.line else "")
        print_wrapped(console, Text(values, style="dim"), 6, 8)


def _raw(f: Finding, value: object) -> str:
    """A finding's value as JSON writes it (sizes as the reports write them)."""
    if f.rule == "bucket-size-limit" and (value is None or isinstance(value, int)):
        return format_size(value)
    return visible(json.dumps(value, ensure_ascii=False))


def _print_security(console: Console, report: Report, detail: str) -> None:
    """Always there: what the security checks looked at, what they found, what is accepted on purpose
    (the last two only when the audit reached a verdict: a failed one judged nothing)."""
    console.print()
    console.print(Text("Security", style="bold underline"))
    if report.failure is not None:
        checks = ["nothing: the audit failed"]
    else:
        checks = list(report.security_checks) or ["nothing (see Checks not made)" if report.skipped else "nothing"]
    _labelled(console, "checks", [visible(check) for check in checks])
    if report.failure is None:
        found = summary.security_found(report, None if detail == "verbose" else 5)
        lines = [f"{count} · {rule}: {', '.join(map(visible, names))}" for count, rule, names in found]
        _labelled(console, "found", lines or ["nothing"])
        _labelled(console, "accepted", [visible(line) for line in summary.accepted(report)] or ["none declared"])


def render_plain(report: Report, width: int = 80, *, fail_on: str | None = "error", detail: str = "normal") -> str:
    """The terminal report as plain text (for files and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, color_system=None, highlight=False)
    print_report(report, console, fail_on=fail_on, detail=detail)
    return buffer.getvalue()
