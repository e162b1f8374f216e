"""What the renderers share: names made visible, severity counts, --fail-on, where a finding points."""

from __future__ import annotations

import re

from auditor.model import Finding, Report, Severity
from auditor.wording import plural

# Control characters (a table may be named "\x1b[2J") and the bidirectional overrides that
# reorder what a reader sees: shown as escapes, so that names cannot drive a terminal or hide.
_INVISIBLE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value: object, *, newlines: bool = False) -> str:
    """`value` as text with control characters escaped (\\x1b); newlines too unless `newlines`."""
    text = _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))
    return text if newlines else text.replace("\r", "\\r").replace("\n", "\\n")


def severity_count(count: int, severity: str) -> str:
    """'1 error', '2 warnings', '3 info' (info has no plural)."""
    return f"{count} {severity}" if severity == "info" else plural(count, severity)


SECURITY = "security"


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


class Locator:
    """Where a finding points: (file, line or None). A finding with a path (a doc page) points at
    it and its line; any other at the inventory line that declares its object (a column: its
    table), or the object the finding is `about`; an undeclared object has no line."""

    def __init__(self, report: Report):
        self.inventory = report.inventory_path
        self.lines = object_lines(report)
        self.by_name: dict[str, int] = {}
        for (_, name), line in self.lines.items():
            self.by_name.setdefault(name, line)

    def __call__(self, finding: Finding) -> tuple[str, int | None]:
        if finding.path:
            return finding.path, finding.line
        line = self.lines.get(subject(finding))
        if line is None and finding.about:
            line = self.by_name.get(finding.about)
        return self.inventory, line


def objects_with_findings(report: Report) -> list[tuple[str, str, int, list[Finding]]]:
    """(kind, name, line, findings) for every declared object, then every other object a
    finding is about (undeclared tables and buckets, doc files), in report order."""
    objects: dict[tuple[str, str], tuple[int, list[Finding]]] = {(o.kind, o.name): (o.line, []) for o in report.objects}
    for finding in report.findings:
        objects.setdefault(subject(finding), (0, []))[1].append(finding)
    return [(kind, name, line, findings) for (kind, name), (line, findings) in objects.items()]
