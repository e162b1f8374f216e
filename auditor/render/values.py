"""What the renderers share: names made visible, severity counts, --fail-on, where a finding points."""

from __future__ import annotations

import json
import re

from auditor.model import Finding, Report, Severity
from auditor.wording import plural

# Characters a reader cannot see or that change what the rest reads like: controls (a table
# may be named "\x1b[2J", an error may carry an OSC 8 link), Unicode format characters (zero
# width space and joiners, direction marks, bidirectional overrides and isolates, soft hyphen,
# BOM, tag characters), line and paragraph separators, every space but the ASCII one, and the
# fillers and variation selectors that draw nothing. Unicode categories Cc, Cf, Zl, Zp and Zs
# (tests/test_escaping.py checks this list against unicodedata). Newlines are handled apart.
_INVISIBLE = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\xa0\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891"
    "\u08e2\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u2064"
    "\u2066-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef]"
)


_ASCII_INVISIBLE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
"""The part of _INVISIBLE an ASCII text can hold: most names are ASCII, and this class is
three times faster to search (str.isascii() costs nothing: CPython knows it)."""


def _invisible(text: str) -> re.Pattern[str]:
    return _ASCII_INVISIBLE if text.isascii() else _INVISIBLE


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def visible(value: object, *, newlines: bool = False) -> str:
    """`value` as text that shows what it holds: every invisible or terminal-driving character
    as an escape (\\x1b, \\u200b); newlines too unless `newlines`. The one function through
    which outside text (names, server errors, messages quoting them) reaches a person."""
    text = str(value)
    text = _invisible(text).sub(_escape, text)
    return text if newlines else text.replace("\r", "\\r").replace("\n", "\\n")


def json_visible(document: str) -> str:
    """Serialized JSON with the invisible characters of its strings written as JSON escapes
    (\\u200b): the values stay exact for machines, and a person reading the file sees them.
    JSON's own layout (spaces, newlines) holds none of them."""
    return _invisible(document).sub(lambda m: json.dumps(m.group()).strip('"'), document)


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
