"""The generated sections of doc pages: what goes between the marker comments, and refreshing it.

A section starts with `<!-- auditor:generated:start table profiles -->` and ends with
`<!-- auditor:generated:end -->`. Text outside the markers belongs to people and is never changed.
"""

from __future__ import annotations

import re

from auditor.docs.tree import ObjectRef
from auditor.model import BucketSpec, LiveBucket, LiveTable, TableSpec
from auditor.sizes import format_size
from auditor.wording import plural

END = "<!-- auditor:generated:end -->"
_START = r"<!-- auditor:generated:start (?P<kind>table|bucket) (?P<name>\S+) -->(?P<newline>\r?\n)"
_OPENING = re.compile(_START)
# The body never runs over another start marker: a section whose end marker is missing or
# altered does not match, instead of swallowing the sections (and the prose) after it.
_BLOCK = re.compile(
    f"(?P<start>{_START})(?P<body>(?:(?!<!-- auditor:generated:start ).)*?)(?P<end>{re.escape(END)})",
    re.DOTALL,
)


def start_marker(ref: ObjectRef) -> str:
    return f"<!-- auditor:generated:start {ref.kind} {ref.name} -->"


def section(ref: ObjectRef, body: str) -> str:
    """A generated section: the markers around `body`."""
    return f"{start_marker(ref)}\n{body}{END}"


def sections_in(text: str) -> list[ObjectRef]:
    """The objects whose generated sections `text` holds, in order."""
    return [ObjectRef(m.group("kind"), m.group("name")) for m in _BLOCK.finditer(text)]


def unclosed_in(text: str) -> list[ObjectRef]:
    """The objects whose start marker in `text` has no end marker before the next start marker."""
    closed = {m.start() for m in _BLOCK.finditer(text)}
    return [ObjectRef(m.group("kind"), m.group("name")) for m in _OPENING.finditer(text) if m.start() not in closed]


def refresh(text: str, bodies: dict[ObjectRef, str]) -> str:
    """`text` with the generated sections of the objects in `bodies` replaced; nothing else changes.

    A body is written with the line breaks its start marker's line has (CRLF in a CRLF file)."""

    def replace(match: re.Match[str]) -> str:
        body = bodies.get(ObjectRef(match.group("kind"), match.group("name")))
        if body is None:
            return match.group(0)
        body = body.replace("\n", match.group("newline"))
        return match.group("start") + body + match.group("end")

    return _BLOCK.sub(replace, text)


def table_body(name: str, spec: TableSpec | None, live: LiveTable | None) -> str:
    """Columns with types and nullability from the database, else what the inventory declares."""
    if live is not None:
        rows = [f"| {_code(c.name)} | {_cell(c.type)} | {'yes' if c.nullable else 'no'} |" for c in live.columns]
        table = ["| Column | Type | Nullable |", "|---|---|---|", *rows] if rows else []
        return _lines(*table, "" if table else None, f"{_code(name)} has {plural(live.column_count, 'column')}.")
    declared = spec.columns if spec is not None else None
    if declared:
        rows = [f"| {_code(c.name)} | {_cell(c.type or 'any')} |" for c in declared]
        summary = f"{_code(name)} has {plural(len(declared), 'column')}."
        return _lines("| Column | Type |", "|---|---|", *rows, "", summary)
    count = spec.column_count if spec is not None else None
    said = f"{_code(name)}: columns not listed." if count is None else f"{_code(name)} has {plural(count, 'column')}."
    return _lines(f"{said} `auditor docs scaffold --env NAME` lists them from the database.")


def bucket_body(spec: BucketSpec | None, live: LiveBucket | None) -> str:
    """The bucket's settings from the database, else those the inventory declares."""
    rows = []
    if live is not None:
        rows += [("Public", _yes(live.public)), ("File size limit", format_size(live.file_size_limit))]
        rows += [("Allowed MIME types", _mimes(live.allowed_mime_types))]
    elif spec is not None:
        if "public" in spec.declared:
            rows.append(("Public", _yes(spec.public)))
        if "file_size_limit" in spec.declared:
            rows.append(("File size limit", format_size(spec.file_size_limit)))
        if "allowed_mime_types" in spec.declared:
            rows.append(("Allowed MIME types", _mimes(spec.allowed_mime_types)))
    if spec is not None:
        rows.append(("Status", spec.status))
    return _lines("| Setting | Value |", "|---|---|", *(f"| {key} | {_cell(value)} |" for key, value in rows))


def _lines(*lines: str | None) -> str:
    return "".join(f"{line}\n" for line in lines if line is not None)


def _code(name: str) -> str:
    return "`" + name.replace("`", "'").replace("|", "\\|") + "`"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _mimes(types: tuple[str, ...] | None) -> str:
    return ", ".join(types) if types else "any"
