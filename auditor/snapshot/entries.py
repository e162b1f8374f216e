"""Inventory entries for live objects, as YAML text (block or flow style), one writer per kind.

Shared by `auditor snapshot` (a whole new file) and `--update` / `accept` (one entry spliced
into a person's file), so an object reads the same whichever wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from auditor.model import (
    Kind,
    LiveBucket,
    LiveFunction,
    LivePolicy,
    LiveRelation,
    LiveTable,
    kind_named,
)
from auditor.sizes import format_size
from auditor.snapshot.yaml_text import flow_list, scalar
from auditor.wording import plural

DocLookup = Callable[[str], "str | bool | None"]
"""Doc status of an object by name: a file name, False (none found), or None (do not write `doc`)."""

REVIEW_REASON = "to review: found exposed by auditor snapshot"
"""The reason written for an exposure the snapshot found: the audit accepts it, and the report's
security section lists it with these words until a person writes why it is meant."""


@dataclass(frozen=True)
class Nested:
    """A field whose value is a mapping of its own, one `key: value` line per pair (policies)."""

    pairs: tuple[tuple[str, str], ...]


FieldValue = str | tuple[str, ...] | Nested


@dataclass(frozen=True)
class Entry:
    """One inventory entry: its key, its fields (inline YAML values, block list items or a nested
    mapping), a comment."""

    key: str
    fields: tuple[tuple[str, FieldValue], ...]
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
            elif isinstance(value, Nested):
                lines.append(f"{child}{name}:" + ("" if value.pairs else " {}"))
                lines += [f"{child}{' ' * step}{key}: {text}" for key, text in value.pairs]
            else:
                lines.append(f"{child}{name}: {value}")
        return "\n".join(lines) + "\n"

    def flow(self) -> str:
        """The entry's value as a flow mapping, for a person's `{...}` style section."""
        parts = []
        for name, value in self.fields:
            if isinstance(value, tuple):
                shown = "[" + ", ".join("{" + item + "}" for item in value) + "]"
            elif isinstance(value, Nested):
                shown = "{" + ", ".join(f"{key}: {text}" for key, text in value.pairs) + "}"
            else:
                shown = value
            parts.append(f"{name}: {shown}")
        return "{" + ", ".join(parts) + "}"


@dataclass(frozen=True)
class EntryOptions:
    """What every writer needs besides the object: how names read, docs, and the choices of the run."""

    default_schema: str
    doc: DocLookup
    with_columns: bool = False
    policies: Mapping[tuple[str, str], tuple[LivePolicy, ...]] | None = None  # by table; None: not written
    policy_expressions: bool = False
    overloaded: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (schema, name) of functions


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


def exposure_fields(roles: tuple[str, ...]) -> list[tuple[str, FieldValue]]:
    """`exposed_to` and the review reason, for an exposure the audit would otherwise report."""
    return [("exposed_to", flow_list(roles)), ("reason", scalar(REVIEW_REASON))] if roles else []


def table_entry(table: LiveTable, options: EntryOptions) -> Entry:
    fields: list[tuple[str, FieldValue]] = [("columns", columns_value(table, options.with_columns))]
    if live_rls(table) is False:
        fields.append(("rls", "false"))
    status = options.doc(table.name)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(table_key(table.schema, table.name, options.default_schema), tuple(fields))


def policies_value(policies: tuple[LivePolicy, ...], expressions: bool) -> Nested:
    return Nested(tuple((scalar(p.name), policy_value(p, expressions)) for p in policies))


def policy_value(policy: LivePolicy, expressions: bool) -> str:
    """`{command: select, roles: [authenticated]}`, with its expressions when asked for."""
    parts = [f"command: {policy.command}", f"roles: {flow_list(policy.roles)}"]
    if policy.restrictive:
        parts.append("restrictive: true")
    if expressions:
        parts += [f"{key}: {scalar(text)}" for key, text in (("using", policy.using), ("check", policy.check)) if text]
    return "{" + ", ".join(parts) + "}"


def relation_entry(relation: LiveRelation, options: EntryOptions) -> Entry:
    fields: list[tuple[str, FieldValue]] = exposure_fields(exposed_roles(relation))
    status = options.doc(relation.name)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(table_key(relation.schema, relation.name, options.default_schema), tuple(fields))


def exposed_roles(relation: LiveRelation) -> tuple[str, ...]:
    """The API roles reading a relation the security rules would question: a view with its owner's
    rights, any materialized view or foreign table. Views that run with the caller's rights are
    protected by the row level security of what they read, and need no declaration."""
    if relation.kind == "view" and relation.security_invoker and relation.auth_users_rls:
        return ()
    return relation.readers


def function_key(function: LiveFunction, options: EntryOptions) -> str:
    """`handle_new_user`, or `search(text, integer)` when the name is overloaded."""
    name = function.name
    if (function.schema, function.name) in options.overloaded:
        name = f"{name}({function.arguments})"
    return table_key(function.schema, name, options.default_schema)


def function_entry(function: LiveFunction, options: EntryOptions) -> Entry:
    fields: list[tuple[str, FieldValue]] = []
    if function.security_definer:
        fields += exposure_fields(function.callers)
    status = options.doc(function.name)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(function_key(function, options), tuple(fields))


def size_text(size: int | None) -> str:
    """`50MB` when the size is a whole number of units, else the bytes; `null` for no limit."""
    if size is None:
        return "null"
    human = format_size(size)
    return str(size) if human.endswith("bytes") else human


def bucket_entry(bucket: LiveBucket, options: EntryOptions) -> Entry:
    fields: list[tuple[str, FieldValue]] = [
        ("public", scalar(bucket.public)),
        ("file_size_limit", size_text(bucket.file_size_limit)),
        ("allowed_mime_types", flow_list(bucket.allowed_mime_types)),
        ("status", "active"),
    ]
    status = options.doc(bucket.id)
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


@dataclass(frozen=True)
class SectionWriter:
    """How one inventoried kind's section is written: each object's entry, and their order."""

    kind: Kind
    entry: Callable[[object, EntryOptions], Entry]
    order: Callable[[object, str], tuple]  # sort key, given the default schema
    comment: str = ""  # lines written above the section


def _by_schema(obj: object, default_schema: str) -> tuple:
    return (obj.schema != default_schema, obj.schema, obj.name)


SECTIONS = (
    SectionWriter(kind_named("table"), table_entry, _by_schema),
    SectionWriter(kind_named("view"), relation_entry, _by_schema),
    SectionWriter(kind_named("materialized view"), relation_entry, _by_schema),
    SectionWriter(kind_named("foreign table"), relation_entry, _by_schema),
    SectionWriter(
        kind_named("function"), function_entry, lambda f, default: (*_by_schema(f, default), f.arguments)
    ),
    SectionWriter(
        kind_named("bucket"),
        bucket_entry,
        lambda b, _: (b.id,),
        "# Sizes: 50MB = 50 x 1024 x 1024 bytes; null = no limit. Object counts are comments.\n",
    ),
)
"""The sections a snapshot writes, in the file's order."""

WRITERS = {section.kind.name: section for section in SECTIONS}
