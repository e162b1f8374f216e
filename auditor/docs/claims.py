"""What a doc states, read from its markdown: column counts and names, bucket settings.

Columns are read from bullet lists (`- name (type) - ...`) and from markdown tables whose first
header is Column, Name or Field; bucket settings from `key: value` lines and two-cell table rows
(`| Public | no |`). Fenced code and HTML comments are skipped. The text is cut into sections
at its headings, so that a doc for several tables can say which table each part is about.
"""

from __future__ import annotations

import contextlib
import re

from auditor.docs.tree import DocClaims, DocSection, ObjectRef
from auditor.sizes import parse_size

PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME)\b|\b(coming soon|to be documented|lorem ipsum)\b", re.IGNORECASE)
_CASE_SENSITIVE = ("TODO", "TBD", "FIXME")  # "todo" in prose is a word, TODO is a marker

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->")
_BULLET_COLUMN = re.compile(r"^\s*[-*+]\s+[`*_]*([A-Za-z_][A-Za-z0-9_$]*)[`*_]*\s*\(([^)]*)\)")
_COUNT = re.compile(r"\b(\d+)\s+columns\b", re.IGNORECASE)
_SETTING_LINE = re.compile(r"^\s*(?:[-*+]\s+)?[*_`]*([A-Za-z ]+?)[*_`]*\s*:[*_`]*\s*(.+?)\s*$")
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_COLUMN_HEADERS = ("column", "columns", "name", "field", "column name")
_SETTING_KEYS = {
    "public": "public",
    "visibility": "public",
    "file size limit": "file_size_limit",
    "size limit": "file_size_limit",
    "max file size": "file_size_limit",
    "maximum file size": "file_size_limit",
    "allowed mime types": "allowed_mime_types",
    "mime types": "allowed_mime_types",
}
_NO_LIMIT = ("none", "no limit", "unlimited", "null", "no")
_ANY_TYPE = ("any", "any type", "all", "*/*")
_SIZE_PREFIX = re.compile(r"^\s*(\d+(?:\.\d+)?\s*[a-zA-Z]*)")


def find_placeholder(text: str) -> str | None:
    """The first placeholder marker in `text` (TODO, TBD, FIXME, Coming soon...), or None."""
    for match in PLACEHOLDERS.finditer(text):
        word = match.group(0)
        if match.group(2) or word in _CASE_SENSITIVE:
            return word
    return None


def parse_sections(text: str) -> tuple[DocSection, ...]:
    """The doc cut at its headings, each part with the claims it makes."""
    sections: list[DocSection] = []
    level, heading, lines = 0, "", []
    in_fence = False
    for raw in text.splitlines():
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = _COMMENT.sub("", raw)
        match = _HEADING.match(line)
        if match:
            sections.append(DocSection(level, heading, _claims(lines)))
            level, heading, lines = len(match.group(1)), match.group(2), []
        else:
            lines.append(line)
    sections.append(DocSection(level, heading, _claims(lines)))
    return tuple(s for s in sections if s.heading or s.claims.stated or s.level)


def claims_for(sections: tuple[DocSection, ...], ref: ObjectRef, others: tuple[ObjectRef, ...]) -> DocClaims:
    """What the doc states about `ref`; `others` are the other objects the same doc documents.

    A doc about one object states everything about it. A doc about several states, for each,
    only what is under a heading that names it and none of the others.
    """
    if not others:
        return _merge(s.claims for s in sections)
    claims = DocClaims()
    for index, section in enumerate(sections):
        if _names(section.heading, ref) and not any(_names(section.heading, o) for o in others):
            for part in _subtree(sections, index):
                claims = claims.merged(part.claims)
    return claims


def _subtree(sections: tuple[DocSection, ...], index: int) -> list[DocSection]:
    """The section at `index` and those below it (deeper headings) up to the next of its level."""
    level = sections[index].level
    end = next((i for i in range(index + 1, len(sections)) if sections[i].level <= level), len(sections))
    return list(sections[index:end])


def _names(heading: str, ref: ObjectRef) -> bool:
    plain = heading.replace("`", "").replace("*", "").replace("\\_", "_")
    return re.search(rf"(?<![\w.-]){re.escape(ref.name)}(?![\w-])", plain, re.IGNORECASE) is not None


def _merge(claims) -> DocClaims:
    result = DocClaims()
    for claim in claims:
        result = result.merged(claim)
    return result


def _claims(lines: list[str]) -> DocClaims:
    values: dict[str, object] = {}
    columns: list[str] = []
    table_kind: str | None = None  # "columns" or "other" while inside a markdown table
    for line in lines:
        cells = _cells(line)
        if cells is None:
            table_kind = None
        elif all(_SEPARATOR_CELL.match(c) for c in cells if c):
            continue
        elif table_kind is None:
            table_kind = "columns" if _plain(cells[0]).lower() in _COLUMN_HEADERS else "other"
            _setting(values, cells[0], cells[1] if len(cells) > 1 else "")
            continue
        elif table_kind == "columns":
            if name := _plain(cells[0]):
                columns.append(name)
            continue
        else:
            if len(cells) > 1:
                _setting(values, cells[0], cells[1])
            continue
        if match := _BULLET_COLUMN.match(line):
            columns.append(match.group(1))
        elif match := _SETTING_LINE.match(line):
            _setting(values, match.group(1), match.group(2))
        if "column_count" not in values and (match := _COUNT.search(line)):
            values["column_count"] = int(match.group(1))
    stated = set(values)
    if columns:
        stated.add("columns")
    return DocClaims(**values, columns=tuple(dict.fromkeys(columns)), stated=frozenset(stated))


def _cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return None
    return [c.strip() for c in re.split(r"(?<!\\)\|", stripped[1:-1])]


def _plain(cell: str) -> str:
    return cell.replace("`", "").replace("*", "").replace("\\_", "_").strip()


def _setting(values: dict[str, object], key: str, raw: str) -> None:
    """Record a bucket setting stated as `key: value` (first statement wins; unreadable ones are ignored)."""
    field = _SETTING_KEYS.get(_plain(key).lower())
    value = _plain(raw).rstrip(".").strip()
    if field is None or field in values or not value:
        return
    lowered = value.lower()
    if field == "public":
        if lowered in ("yes", "true", "public"):
            values[field] = True
        elif lowered in ("no", "false", "private"):
            values[field] = False
    elif field == "file_size_limit":
        if lowered in _NO_LIMIT:
            values[field] = None
        elif match := _SIZE_PREFIX.match(value):
            with contextlib.suppress(ValueError):  # not a size: the doc states nothing checkable
                values[field] = parse_size(match.group(1))
    elif lowered in _ANY_TYPE:
        values[field] = None
    else:
        values[field] = tuple(sorted({t.strip() for t in value.split(",") if t.strip()}))
