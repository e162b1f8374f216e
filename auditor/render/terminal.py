"""Terminal report via rich: a one-line verdict, then findings grouped by kind.

Colour follows the terminal: rich turns it off when NO_COLOR is set or output is not a TTY.
All database and inventory text is appended as rich Text, never parsed as markup.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from auditor.model import Report, Severity
from auditor.render.values import headline, kind_title, show_value

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
        _print_indented(console, Text.assemble((f"{label:<12}", "dim"), value), 2)
    if report.failure is not None:
        console.print()
        _print_indented(console, Text(report.failure.message), 2)
    for kind, findings in report.by_kind():
        console.print()
        console.print(Text(f"{kind_title(kind)} ({len(findings)})", style="bold underline"))
        for f in findings:
            line = Text("  ")
            line.append(f"{_MARKS[f.severity]} {f.severity.value:<7} ", style=_STYLES[f.severity])
            line.append(f.name, style="bold")
            line.append(f"  [{f.rule}]", style="dim")
            console.print(line)
            _print_indented(console, Text(f.message), 6)
            values = Text.assemble(
                ("expected ", "dim"), show_value(f, f.expected), ("  actual ", "dim"), show_value(f, f.actual)
            )
            _print_indented(console, values, 6)
            _print_indented(console, Text(f"→ {f.hint}", style="dim"), 6)
    if report.skipped:
        console.print()
        console.print(Text(f"Checks not made ({len(report.skipped)})", style="bold underline"))
        for skipped in report.skipped:
            _print_indented(console, Text.assemble((skipped.check, "bold"), ": ", skipped.reason), 2)


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
