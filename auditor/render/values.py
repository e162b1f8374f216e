"""How expected/actual values read in human-facing reports (JSON keeps the raw values)."""

from __future__ import annotations

from auditor.drift import plural
from auditor.model import Finding, Report
from auditor.sizes import format_size


def show_value(finding: Finding, value: object) -> str:
    if finding.rule == "bucket-size-limit" and (value is None or isinstance(value, int)):
        return format_size(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "any type"
    if value is None:
        return "none"
    return str(value)


def headline(report: Report) -> str:
    """'No drift', 'Drift found: 2 errors, 1 warning' or 'Audit failed', the same words in every format."""
    if report.failure is not None:
        return "Audit failed: no verdict, nothing could be compared"
    if report.clean:
        return "No drift: the database matches the inventory"
    parts = [severity_count(n, severity) for severity, n in report.counts.items() if n]
    return "Drift found: " + ", ".join(parts)


def severity_count(count: int, severity: str) -> str:
    """'1 error', '2 warnings', '3 info' (info has no plural)."""
    return f"{count} {severity}" if severity == "info" else plural(count, severity)


KIND_TITLES = {"table": "Tables", "column": "Columns", "bucket": "Buckets", "doc": "Documentation"}


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind.title())


def hints(findings: list[Finding]) -> list[tuple[str, str]]:
    """(rule, hint) once per rule, in the order the rules first appear."""
    seen: dict[str, str] = {}
    for finding in findings:
        seen.setdefault(finding.rule, finding.hint)
    return list(seen.items())
