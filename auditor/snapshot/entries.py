"""Inventory entries for live tables and buckets, as YAML text (block or flow style).

Shared by `auditor snapshot` (a whole new file) and `--update` / `accept` (one entry spliced
into a person's file), so a table reads the same whichever wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.model import LiveBucket, LiveTable
from auditor.sizes import format_size
from auditor.snapshot.yaml_text import flow_list, scalar
from auditor.wording import plural

DocLookup = Callable[[str], "str | bool | None"]
"""Doc status of an object by name: a file name, False (none found), or None (do not write `doc`)."""


@dataclass(frozen=True)
class Entry:
    """One inventory entry: its key, its fields (inline YAML values, or block list items), a comment."""

    key: str
    fields: tuple[tuple[str, str | tuple[str, ...]], ...]
    comment: str | None = None

    def block(self, indent: int, step: int = 2) -> str:
        """The entry as block-style lines at `indent` spaces, children `step` deeper."""
        pad, child = " " * indent, " " * (indent + step)
        comment = f"  # {self.comment}" if self.comment else ""
        if not self.fields:
            return f"{pad}{self.key}: {{}}{comment}\n"
        lines = [f"{pad}{self.key}:{comment}"]
        for name, value in self.fields:
            if isinstance(value, tuple):
                lines.append(f"{child}{name}:" + ("" if value else " []"))
                lines += [f"{child}{' ' * step}- {item}" for item in value]
            else:
                lines.append(f"{child}{name}: {value}")
        return "\n".join(lines) + "\n"

    def flow(self) -> str:
        """The entry's value as a flow mapping, for a person's `{...}` style section."""
        parts = []
        for name, value in self.fields:
            shown = "[" + ", ".join("{" + item + "}" for item in value) + "]" if isinstance(value, tuple) else value
            parts.append(f"{name}: {shown}")
        return "{" + ", ".join(parts) + "}"


def table_key(schema: str, name: str, default_schema: str) -> str:
    """`profiles`, or `auth.users` outside the default schema (and whenever the name has a dot)."""
    if schema == default_schema and "." not in name:
        return scalar(name)
    return scalar(f"{schema}.{name}")


def column_item(name: str, column_type: str) -> str:
    """`id: uuid`, a single-pair mapping as the `columns` list holds them."""
    return f"{scalar(name)}: {scalar(column_type)}"


def columns_value(table: LiveTable, with_names: bool) -> str | tuple[str, ...]:
    if with_names:
        return tuple(column_item(c.name, c.type) for c in table.columns)
    return str(table.column_count)


def live_rls(table: LiveTable) -> bool | None:
    """False when the table is known to have row level security off (written as `rls: false`)."""
    security = getattr(table, "security", None)
    if security is None or security.rls_enabled:
        return None
    return False


def table_entry(table: LiveTable, default_schema: str, *, with_columns: bool, doc: DocLookup) -> Entry:
    fields: list[tuple[str, str | tuple[str, ...]]] = [("columns", columns_value(table, with_columns))]
    if live_rls(table) is False:
        fields.append(("rls", "false"))
    status = doc(table.name)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(table_key(table.schema, table.name, default_schema), tuple(fields))


def size_text(size: int | None) -> str:
    """`50MB` when the size is a whole number of units, else the bytes; `null` for no limit."""
    if size is None:
        return "null"
    human = format_size(size)
    return str(size) if human.endswith("bytes") else human


def bucket_entry(bucket: LiveBucket, *, doc: DocLookup) -> Entry:
    fields: list[tuple[str, str | tuple[str, ...]]] = [
        ("public", scalar(bucket.public)),
        ("file_size_limit", size_text(bucket.file_size_limit)),
        ("allowed_mime_types", flow_list(bucket.allowed_mime_types)),
        ("status", "active"),
    ]
    status = doc(bucket.id)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(scalar(bucket.id), tuple(fields), bucket_comment(bucket))


def bucket_comment(bucket: LiveBucket) -> str | None:
    """`3 objects, 12.5 KB` (a comment: it changes all day, so it is never checked)."""
    if bucket.object_count is None:
        return None
    if not bucket.object_count:
        return "empty"
    return f"{plural(bucket.object_count, 'object')}, {approximate_bytes(bucket.total_bytes or 0)}"


def approximate_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    if unit == "bytes":
        return plural(size, "byte")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
