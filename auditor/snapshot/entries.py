"""Inventory entries for live objects, as YAML text (block or flow style), one writer per kind.

Shared by `auditor snapshot` (a whole new file) and `--update` / `accept` (one entry spliced
into a person's file), so an object reads the same whichever wrote it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from auditor.drift.policies import always_true
from auditor.drift.relations import SECURITY_INVOKER_SINCE, exposure_rule, server_major
from auditor.inventory import DENY_ALL
from auditor.model import (
    Catalog,
    Kind,
    LiveBucket,
    LiveFunction,
    LivePolicy,
    LiveRelation,
    LiveTable,
    kind_named,
)
from auditor.policies import listers
from auditor.sizes import approximate_size, format_size
from auditor.snapshot.yaml_text import flow_list, scalar
from auditor.wording import plural

DocLookup = Callable[[str], "str | bool | None"]
"""Doc status of an object by name: a file name, False (none found), or None (do not write `doc`)."""

REVIEW_REASON = "to review: as found by auditor snapshot"
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
    exposures: bool = True  # declare what is exposed (for review); never when refreshing a person's file
    invoker_views: bool = True  # the server has security_invoker views (PostgreSQL 15+)
    listers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # bucket id -> roles that list its files


def entry_options(
    catalog: Catalog,
    default_schema: str,
    doc: DocLookup,
    *,
    with_columns: bool = False,
    policies: bool = True,
    policy_expressions: bool = False,
    exposures: bool = True,
) -> EntryOptions:
    """The options of a run over `catalog`: its policies by table, its overloaded function names."""
    by_table: dict[tuple[str, str], list[LivePolicy]] = {}
    for policy in catalog.policies or ():
        by_table.setdefault((policy.schema, policy.table), []).append(policy)
    counts = Counter((f.schema, f.name) for f in catalog.functions or ())
    return EntryOptions(
        default_schema,
        doc,
        with_columns=with_columns,
        policies={key: tuple(found) for key, found in by_table.items()} if policies and catalog.policies else None,
        policy_expressions=policy_expressions,
        overloaded=frozenset(key for key, count in counts.items() if count > 1),
        exposures=exposures,
        invoker_views=server_major(catalog.server_version) >= SECURITY_INVOKER_SINCE,
        listers={
            bucket.id: tuple(role for role, _ in listers(catalog.objects_access, bucket.id))
            for bucket in catalog.buckets or ()
            if bucket.public and catalog.objects_access is not None
        },
    )


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
    security = table.security
    if live_rls(table) is False:
        fields.append(("rls", "false"))
        if options.exposures and security.policies and not security.readers:  # inert policies, on purpose?
            fields.append(("reason", scalar(REVIEW_REASON)))
        elif options.exposures:
            fields += exposure_fields(security.readers)
    elif options.exposures and security is not None and not security.policies:
        unknown = None in (security.anon_can_read, security.authenticated_can_read)
        if security.readers or unknown:  # on, with no policy: only the server reads it
            fields += [("rls", DENY_ALL), ("reason", scalar(REVIEW_REASON))]
    status = options.doc(table.name)
    if status is not None:
        fields.append(("doc", scalar(status)))
    policies = options.policies.get((table.schema, table.name)) if options.policies is not None else None
    if policies:
        fields.append(("policies", policies_value(policies, options)))
    return Entry(table_key(table.schema, table.name, options.default_schema), tuple(fields))


def policies_value(policies: tuple[LivePolicy, ...], options: EntryOptions) -> Nested:
    return Nested(tuple((scalar(p.name), policy_value(p, options)) for p in policies))


def policy_value(policy: LivePolicy, options: EntryOptions, *, expressions: bool | None = None) -> str:
    """`{command: select, roles: [authenticated]}`, with its expressions when asked for, and the
    review reason of a policy the audit would question (always true)."""
    parts = [f"command: {policy.command}", f"roles: {flow_list(policy.roles)}"]
    if policy.restrictive:
        parts.append("restrictive: true")
    if options.policy_expressions if expressions is None else expressions:
        parts += [f"{key}: {scalar(text)}" for key, text in (("using", policy.using), ("check", policy.check)) if text]
    if options.exposures and always_true(policy, "", None) is not None:
        parts.append(f"reason: {scalar(REVIEW_REASON)}")
    return "{" + ", ".join(parts) + "}"


def storage_policies_entries(policies: tuple[LivePolicy, ...], options: EntryOptions) -> list[str]:
    """The `storage_policies` section's lines: one policy of storage.objects each."""
    return [f"  {scalar(p.name)}: {policy_value(p, options)}\n" for p in policies]


def relation_entry(relation: LiveRelation, options: EntryOptions) -> Entry:
    fields: list[tuple[str, FieldValue]] = []
    if options.exposures and exposure_rule(relation, options.invoker_views) is not None:
        fields += exposure_fields(relation.readers)
    status = options.doc(relation.name)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(table_key(relation.schema, relation.name, options.default_schema), tuple(fields))


def function_key(function: LiveFunction, options: EntryOptions) -> str:
    """`handle_new_user`, or `search(text, integer)` when the name is overloaded."""
    name = function.name
    if (function.schema, function.name) in options.overloaded:
        name = f"{name}({function.arguments})"
    return table_key(function.schema, name, options.default_schema)


def function_entry(function: LiveFunction, options: EntryOptions) -> Entry:
    fields: list[tuple[str, FieldValue]] = []
    if options.exposures and function.security_definer:
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
    if options.exposures:
        fields += exposure_fields(options.listers.get(bucket.id, ()))
    status = options.doc(bucket.id)
    if status is not None:
        fields.append(("doc", scalar(status)))
    return Entry(scalar(bucket.id), tuple(fields), bucket_comment(bucket))


def bucket_comment(bucket: LiveBucket) -> str | None:
    """`3 objects, 12.5 KiB` (a comment: it changes all day, so it is never checked)."""
    if bucket.object_count is None:
        return None
    if not bucket.object_count:
        return "empty"
    return f"{plural(bucket.object_count, 'object')}, {approximate_size(bucket.total_bytes or 0)}"


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
    SectionWriter(kind_named("function"), function_entry, lambda f, default: (*_by_schema(f, default), f.arguments)),
    SectionWriter(
        kind_named("bucket"),
        bucket_entry,
        lambda b, _: (b.id,),
        "# Sizes: 50MiB = 50 x 1024 x 1024 bytes, 50MB = 50,000,000; null = no limit. Object counts are comments.\n",
    ),
)
"""The sections a snapshot writes, in the file's order."""

WRITERS = {section.kind.name: section for section in SECTIONS}
