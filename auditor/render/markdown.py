"""GitHub-flavoured markdown report, from templates/report.md.j2.

Every value that comes from the database or the inventory goes through `md_escape`, so a
name cannot break a table row, inject HTML or markdown, or @-mention anyone.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from auditor import __version__
from auditor.model import Finding, Report
from auditor.render.values import (
    SECURITY,
    headline,
    hints,
    most_severe_first,
    sections,
    severity_count,
    show_value,
    visible,
)
from auditor.templating import environment
from auditor.wording import plural

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]{}#|~!])")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def md_escape(value: object) -> str:
    """Text safe inside a GFM table cell: no markup, no HTML, no line breaks, no mentions."""
    text = html.escape(visible(value, newlines=True), quote=False)
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    text = text.replace("@", "&#64;")
    text = _AUTOLINK.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


MAX_CHARS = 60_000
"""Default size cap, in UTF-8 bytes: GitHub refuses comments over 65,536 characters, and a
byte count is never below the character count. The margin leaves room for a wrapper."""

FOLD_ROWS = 10
"""Sections with more findings than this are folded in <details>."""


def render_markdown(report: Report, *, max_chars: int | None = MAX_CHARS, full_report: str | None = None) -> str:
    """The report as GFM; past `max_chars` it keeps the headline, the counts and the most
    severe findings, and says how many were left out and where the full report is."""
    template = environment().get_template("report.md.j2")
    totals = {title: len(group) for title, group in sections(report.findings)}

    def values(kept: tuple[Finding, ...]) -> dict[str, object]:
        return dict(
            report=report,
            headline=headline(report),
            sections=[(title, group, hints(group)) for title, group in sections(kept)],
            title_totals=totals,
            shown=len(kept),
            omitted=len(report.findings) - len(kept),
            full_report=_where(full_report),
            changes=_changes(report),
            security_count=sum(SECURITY in f.tags for f in report.findings),
            fold=FOLD_ROWS,
            version=__version__,
            show_value=show_value,
            severity_count=severity_count,
            plural=plural,
        )

    if max_chars is None:
        return template.render(values(report.findings))
    ranked = most_severe_first(report.findings)
    empty = template.make_module(values(()))  # the report without findings, and its row macro
    # rows[n]: bytes the n most severe findings' table rows add. Headings and hints are left
    # out, so it is an underestimate: once it passes max_chars, no more findings can fit.
    rows = [0]
    for finding in ranked:
        if rows[-1] > max_chars:
            break
        rows.append(rows[-1] + _size(empty.row(finding)) + 1)

    # The most findings that fit: `low` fits (or is 0), `high` does not (or is past them all).
    # Each trial renders the count the row sizes predict from the last render's size, so a
    # few renders suffice where halving needs a dozen; halving takes over if that stalls.
    best, low, trials = str(empty), 0, 0
    high = len(rows) - 1 if rows[-1] > max_chars else len(rows)
    guess = bisect_right(rows, max_chars - _size(best)) - 1
    while high - low > 1:
        guess = min(max(guess, low + 1), high - 1) if trials < 4 else (low + high) // 2
        trials += 1
        candidate = template.render(values(_keep(report, ranked[:guess])))
        size = _size(candidate)
        if size <= max_chars:
            best, low = candidate, guess
        else:
            high = guess
        guess = bisect_right(rows, rows[guess] + max_chars - size) - 1
    return best


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


def _changes(report: Report) -> dict[str, int]:
    marks = [report.change(f) for f in report.findings]
    return {"new": marks.count("new"), "unchanged": marks.count("unchanged")}
