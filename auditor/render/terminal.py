"""Terminal report via rich: a one-line verdict, then findings grouped by kind.

Colour follows the terminal: rich turns it off when NO_COLOR is set or output is not a TTY.
All database and inventory text is appended as rich Text, never parsed as markup, with its
control characters and line breaks escaped (`visible`), so a name cannot send terminal codes.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from auditor import __version__
from auditor.model import Finding, Report, Severity
from auditor.render.values import headline, sections, show_value, visible

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_MARKS = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "•"}


def print_report(report: Report, console: Console) -> None:
    verdict = Text()
    if report.clean:
        verdict.append("✔ ", style="bold green")
        verdict.append(headline(report), style="bold green")
    else:
        verdict.append("✖ ", style="bold red")
        verdict.append(headline(report), style="bold red")
    console.print(verdict)
    for label, value in (
        ("environment", report.environment),
        ("database", report.target),
        ("inventory", report.inventory_path),
    ):
        _print_indented(console, Text.assemble((f"{label:<12}", "dim"), visible(value)), 2)
    if report.failure is not None:
        console.print()
        _print_indented(console, Text(visible(report.failure.message, newlines=True)), 2)
    if report.baseline is not None:
        changes = [report.change(f) for f in report.findings]
        counts = f"{changes.count('new')} new, {changes.count('unchanged')} unchanged, "
        counts += f"{len(report.baseline.resolved)} resolved"
        _print_indented(console, Text.assemble(("since       ", "dim"), f"{report.baseline.path}: {counts}"), 2)
    for title, findings in sections(report.findings):
        console.print()
        console.print(Text(f"{title} ({len(findings)})", style="bold underline"))
        for f in findings:
            _print_finding(console, f, report.change(f))
    if report.baseline is not None and report.baseline.resolved:
        console.print()
        console.print(Text(f"Resolved since the baseline ({len(report.baseline.resolved)})", style="bold underline"))
        for f in report.baseline.resolved:
            line = Text("  ✔ ", style="green")
            line.append(visible(f.name), style="bold")
            line.append(f"  ({f.rule})", style="dim")
            _print_indented(console, line, 0)
    if report.skipped:
        console.print()
        console.print(Text(f"Checks not made ({len(report.skipped)})", style="bold underline"))
        for skipped in report.skipped:
            _print_indented(console, Text.assemble((visible(skipped.check), "bold"), ": ", visible(skipped.reason)), 2)
    console.print()
    footer = f"auditor {__version__}"
    if report.inventory_sha256:
        footer += f" · inventory sha256 {report.inventory_sha256[:12]}"
    console.print(Text(footer, style="dim"))


def _print_finding(console: Console, f: Finding, change: str | None) -> None:
    line = Text("  ")
    line.append(f"{_MARKS[f.severity]} {f.severity.value:<7} ", style=_STYLES[f.severity])
    line.append(visible(f.name), style="bold")
    line.append(f"  [{f.rule}]", style="dim")
    if change == "new":
        line.append("  new", style="bold magenta")
    console.print(line)
    _print_indented(console, Text(visible(f.message)), 6)
    values = Text.assemble(
        ("expected ", "dim"), visible(show_value(f, f.expected)), ("  actual ", "dim"), visible(show_value(f, f.actual))
    )
    _print_indented(console, values, 6)
    _print_indented(console, Text(f"→ {f.hint}", style="dim"), 6)


def _print_indented(console: Console, text: Text, indent: int) -> None:
    """Print `text` wrapped to the console, every line indented, no trailing spaces."""
    for line in text.wrap(console, max(console.width - indent, 20)):
        line.rstrip()
        console.print(Text(" " * indent) + line, no_wrap=True, crop=False)


def render_plain(report: Report, width: int = 80) -> str:
    """The terminal report as plain text (for files and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, color_system=None, highlight=False)
    print_report(report, console)
    return buffer.getvalue()
