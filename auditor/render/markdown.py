"""GitHub-flavoured markdown report, from templates/report.md.j2.

Every value that comes from the database or the inventory goes through `md_escape`, so a
name cannot break a table row, inject HTML or markdown, or @-mention anyone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

import jinja2

from auditor import __version__
from auditor.model import Finding, Report, Severity
from auditor.render import summary
from auditor.render.values import most_severe_first, visible
from auditor.templating import environment

_MARKDOWN_SPECIALS = "\\`*_[]{}#|~!"
# One str.translate pass instead of a pass per kind of escape (md_escape runs on every cell):
# HTML as entities, markdown specials backslashed, @ as an entity, line breaks as <br>.
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "\r": "<br>", "\n": "<br>"}
    | {char: f"\\{char}" for char in _MARKDOWN_SPECIALS}
)
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def _autolink_entity(match: re.Match[str]) -> str:
    return f"{match.group(1)}&#{ord(match.group(2))};"


def md_escape(value: object) -> str:
    """Text safe inside a GFM table cell: no markup, no HTML, no line breaks, no mentions."""
    text = visible(value, newlines=True)
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")  # one line break, one <br>
    return _AUTOLINK.sub(_autolink_entity, text.translate(_ESCAPES))


MAX_CHARS = 60_000
"""Default size cap, in UTF-8 bytes: GitHub refuses comments over 65,536 characters, and a
byte count is never below the character count. The margin leaves room for a wrapper."""

FOLD_ROWS = 10
"""Sections of warnings or info with more findings than this are folded in <details> (errors never are)."""


def report_template() -> jinja2.Template:
    """The compiled report template (compiled once: the environment keeps it)."""
    return environment().get_template("report.md.j2")


def render_markdown(
    report: Report, *, max_chars: int | None = MAX_CHARS, full_report: str | None = None, fail_on: str | None = "error"
) -> str:
    """The report as GFM; past `max_chars` it keeps the headline, the counts and the most
    severe findings, and says how many were left out and where the full report is.
    `fail_on` decides whether drift reads as failing (❌) or not (⚠️)."""
    template = report_template()
    fixed = _report_values(report, full_report, fail_on)
    # The report without findings (`row` is never called), and its row macro.
    empty = template.make_module(fixed | _findings_values(report, (), row=str))
    row = _RowCache(empty.row)

    def render_with(kept: tuple[Finding, ...]) -> str:
        return template.render(fixed | _findings_values(report, kept, row))

    if max_chars is None:
        return render_with(report.findings)
    ranked = most_severe_first(report.findings)
    # sizes[n]: bytes the n most severe findings' table rows add. Headings and hints are left
    # out, so it is an underestimate: once it passes max_chars, no more findings can fit.
    sizes = [0]
    for finding in ranked:
        if sizes[-1] > max_chars:
            break
        sizes.append(sizes[-1] + _size(row(finding)) + 1)

    # The most findings that fit: `low` fits (or is 0), `high` does not (or is past them all).
    # Each trial renders the count the row sizes predict from the last render's size, so a
    # few renders suffice where halving needs a dozen; halving takes over if that stalls.
    best, low, trials = str(empty), 0, 0
    high = len(sizes) - 1 if sizes[-1] > max_chars else len(sizes)
    guess = bisect_right(sizes, max_chars - _size(best)) - 1
    while high - low > 1:
        guess = min(max(guess, low + 1), high - 1) if trials < 4 else (low + high) // 2
        trials += 1
        candidate = render_with(_keep(report, ranked[:guess]))
        size = _size(candidate)
        if size <= max_chars:
            best, low = candidate, guess
        else:
            high = guess
        guess = bisect_right(sizes, sizes[guess] + max_chars - size) - 1
    return best


class _RowCache:
    """Each finding's table row, rendered once by the template's `row` macro (escaping every
    cell is most of the work): the trial renders of a shortened report reuse the rows."""

    def __init__(self, row_macro: Callable[[Finding], str]) -> None:
        self._row_macro = row_macro
        self._rows: dict[int, str] = {}  # by id(): a finding's values may be unhashable lists

    def __call__(self, finding: Finding) -> str:
        row = self._rows.get(id(finding))
        if row is None:
            row = self._rows[id(finding)] = self._row_macro(finding)
        return row


def _report_values(report: Report, full_report: str | None, fail_on: str | None) -> dict[str, object]:
    """Template values that do not depend on which findings are shown, computed once."""
    checks = report.security_checks or (("nothing (see Checks not made)" if report.skipped else "nothing"),)
    return dict(
        report=report,
        verdict=summary.verdict(report, fail_on),
        headline=summary.headline(report, fail_on),
        checked=summary.checked(report),
        full_report=_where(full_report),
        changes=summary.changes(report),
        security_checks=("nothing: the audit failed",) if report.failure else checks,
        security_found=summary.security_found(report),
        accepted=summary.accepted(report),
        fold_rows=FOLD_ROWS,
        version=__version__,
    )


def _findings_values(report: Report, kept: tuple[Finding, ...], row: Callable[[Finding], str]) -> dict[str, object]:
    """Template values for the findings shown: per severity its findings, its total, whether it
    is folded, each rule's hint once, and the table rows."""
    totals = report.counts
    sections = []
    for group in summary.by_severity(kept):
        findings = group.findings
        fold = group.severity is not Severity.ERROR and len(findings) > FOLD_ROWS
        hints = [(rule.rule, rule.hint) for rule in group.rules]
        sections.append((group.title, findings, totals[group.severity.value], fold, hints, list(map(row, findings))))
    return dict(sections=sections, shown=len(kept), omitted=len(report.findings) - len(kept))


def _keep(report: Report, chosen: list[Finding]) -> tuple[Finding, ...]:
    """The chosen findings, in report order."""
    ids = {id(f) for f in chosen}
    return tuple(f for f in report.findings if id(f) in ids)


_SAFE_URL = re.compile(r"https?://[^\s<>\\`]+")


def _where(full_report: str | None) -> str:
    """Markdown naming where the full report is: a link for a plain http(s) URL, else escaped text."""
    if full_report is None:
        return "the JSON report of the same audit (auditor audit --format json)"
    if _SAFE_URL.fullmatch(full_report):
        return f"<{full_report}>"
    return md_escape(full_report)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
