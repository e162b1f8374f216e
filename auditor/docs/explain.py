"""`auditor docs status --explain PAGE`: what was read from one page, from which line, and the verdict."""

from __future__ import annotations

from auditor.docs.compare import DocsStatus, PageStatus
from auditor.docs.reading import Reading, Statement
from auditor.docs.text import hanging, wrap
from auditor.docs.tree import DocsTree
from auditor.sizes import format_size
from auditor.wording import mime_list, plural, visibility

_FIELDS = {
    "columns": "columns",
    "column_count": "count",
    "public": "public",
    "file_size_limit": "file size limit",
    "allowed_mime_types": "allowed MIME types",
}


def explain_text(docs: DocsTree, status: DocsStatus, name: str, width: int = 80) -> str:
    page = status.page(name)
    assert page is not None, name
    doc = page.doc
    lines = wrap(f"Page {docs.path(doc.name)} ({plural(doc.size, 'byte')})", width)
    if doc.unread is not None:
        lines += wrap(f"Not read: {doc.unread}.", width)
    objects = ", ".join(f"{r.kind} {r.name}" for r in page.refs) or "no object"
    lines += hanging("About: ", f"{objects} ({page.why})", width)
    if doc.page is not None:
        lines += hanging("Stub: ", f"yes, {page.stub}" if page.stub else "no", width)
    for reading in page.readings:
        lines += ["", f"What it says of {reading.ref.kind} {reading.ref.name}:"]
        lines += _reading(reading, width) or ["  nothing the auditor reads (no columns, count or settings)"]
        if reading.skipped:
            lines.append("  Not read:")
            for skip in reading.skipped:
                lines += hanging(f"    line {skip.line:<4} ", f"{skip.what} {skip.why}", width)
    lines += ["", *_verdict(page, status, width)]
    return "\n".join(lines) + "\n"


def _reading(reading: Reading, width: int) -> list[str]:
    lines = []
    for statement in reading.statements:
        lines += hanging(f"  line {statement.line:<4} ", f"{_said(statement)}, from {statement.source}", width)
    if reading.of("columns"):
        verdict = (
            "the complete list of its columns"
            if reading.complete
            else "a partial list: a column it leaves out is not held against it"
        )
        lines += hanging("  ", f"Read as {verdict}.", width)
    return lines


def _said(statement: Statement) -> str:
    value = statement.value
    label = _FIELDS.get(statement.field, statement.field)
    if statement.field == "columns":
        names = ", ".join(name for name, _ in value)
        return f"{label} ({len(value)}{'' if statement.complete else ', a partial list'}): {names}"
    if statement.field == "column_count":
        return f"{label}: {plural(value, 'column')}"
    if statement.field == "public":
        return f"{label}: {'yes' if value else 'no'} ({visibility(value)})"
    if statement.field == "file_size_limit":
        return f"{label}: {format_size(value)}"
    return f"{label}: {mime_list(value)}"


def _verdict(page: PageStatus, status: DocsStatus, width: int) -> list[str]:
    lines = []
    if not page.refs or page.doc.page is None or page.stub:
        pass
    elif not status.live:
        lines += wrap("Against the database: not compared (offline; add --env NAME or --db-url URL).", width)
    else:
        if page.unchecked:
            objects = ", ".join(f"{r.kind} {r.name}" for r in page.unchecked)
            lines += wrap(f"Against the database: {objects} not compared (not in the database, or not read).", width)
        if page.differences:
            lines.append("Against the database: out of date")
            lines += [line for d in page.differences for line in hanging("  ", d.text, width)]
        elif len(page.unchecked) < len(page.refs):
            lines += wrap("Against the database: nothing it says is contradicted.", width)
    finding = page.finding
    if finding is None:
        lines.append("Finding: none")
    else:
        at = f" (line {finding.line})" if finding.line else ""
        lines += hanging("Finding: ", f"{finding.rule}{at}: {finding.message}", width)
    return lines
