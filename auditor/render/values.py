"""How expected/actual values read in human-facing reports (JSON keeps the raw values)."""

from __future__ import annotations

import re

from auditor.model import KINDS, Finding, Report, Severity
from auditor.sizes import format_size
from auditor.wording import plural

# Control characters (a table may be named "\x1b[2J") and the bidirectional overrides that
# reorder what a reader sees: shown as escapes, so that names cannot drive a terminal or hide.
_INVISIBLE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value: object, *, newlines: bool = False) -> str:
    """`value` as text with control characters escaped (\\x1b); newlines too unless `newlines`."""
    text = _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))
    return text if newlines else text.replace("\r", "\\r").replace("\n", "\\n")


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
    if report.clean and report.skipped:
        return f"No drift within the checks made ({plural(len(report.skipped), 'check')} not made, see below)"
    if report.clean:
        return "No drift: the database matches the inventory"
    parts = [severity_count(n, severity) for severity, n in report.counts.items() if n]
    return "Drift found: " + ", ".join(parts)


def severity_count(count: int, severity: str) -> str:
    """'1 error', '2 warnings', '3 info' (info has no plural)."""
    return f"{count} {severity}" if severity == "info" else plural(count, severity)


KIND_TITLES = {kind.name: kind.title for kind in KINDS}
SECURITY = "security"
SECURITY_TITLE = "Security"


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind.title())


def sections(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[str, list[Finding]]]:
    """(title, findings): security-tagged findings first in their own section, then one per kind.

    Each finding appears once; sections keep the report's order and empty ones are left out.
    """
    security = [f for f in findings if SECURITY in f.tags]
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        if SECURITY not in finding.tags:
            groups.setdefault(finding.kind, []).append(finding)
    titled = [(kind_title(kind), group) for kind, group in groups.items()]
    return ([(SECURITY_TITLE, security)] if security else []) + titled


def most_severe_first(findings: tuple[Finding, ...]) -> list[Finding]:
    """Security findings first, then by severity; report order within each rank."""
    return sorted(findings, key=lambda f: (SECURITY not in f.tags, f.severity.rank))


def at_or_above(finding: Finding, fail_on: str | None) -> bool:
    """Whether the finding meets the `--fail-on` threshold (a severity, 'security', or None)."""
    if fail_on is None or fail_on == "never":
        return False
    if fail_on == SECURITY:
        return SECURITY in finding.tags
    return finding.severity.rank <= Severity(fail_on).rank


def subject(finding: Finding) -> tuple[str, str]:
    """(kind, name) of the inventory object a finding is about: a column's is its table."""
    if finding.kind == "column":
        return "table", finding.name.rsplit(".", 1)[0]
    return finding.kind, finding.name


def object_lines(report: Report) -> dict[tuple[str, str], int]:
    """(kind, name) -> line in the inventory file, for every declared object."""
    return {(o.kind, o.name): o.line for o in report.objects if o.line}


def hints(findings: list[Finding]) -> list[tuple[str, str]]:
    """(rule, hint) once per rule, in the order the rules first appear."""
    seen: dict[str, str] = {}
    for finding in findings:
        seen.setdefault(finding.rule, finding.hint)
    return list(seen.items())


def objects_with_findings(report: Report) -> list[tuple[str, str, int, list[Finding]]]:
    """(kind, name, line, findings) for every declared object, then every other object a
    finding is about (undeclared tables and buckets, doc files), in report order."""
    objects: dict[tuple[str, str], tuple[int, list[Finding]]] = {(o.kind, o.name): (o.line, []) for o in report.objects}
    for finding in report.findings:
        objects.setdefault(subject(finding), (0, []))[1].append(finding)
    return [(kind, name, line, findings) for (kind, name), (line, findings) in objects.items()]
