"""compare(Inventory, Catalog) -> findings: the drift rules, pure functions over loaded data.

Each rule has a stable code (people grep, ignore and count them), a severity and a hint that
says how to resolve the drift: change the database, or update the inventory.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model import (
    BucketSpec,
    Catalog,
    Finding,
    Inventory,
    LiveBucket,
    LiveTable,
    Severity,
    TableSpec,
)
from auditor.sizes import format_size
from auditor.types import normalize_type, same_type


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    kind: str
    hint: str
    tags: tuple[str, ...] = ()


RULES = {
    rule.code: rule
    for rule in (
        Rule(
            "table-missing",
            Severity.ERROR,
            "table",
            "Create the table with a migration, or remove it from inventory.yaml if it was dropped on purpose.",
        ),
        Rule(
            "table-undeclared",
            Severity.WARNING,
            "table",
            "Declare the table in inventory.yaml (auditor snapshot can write the entry), or drop it.",
        ),
        Rule(
            "column-count",
            Severity.ERROR,
            "table",
            "Update the column count in inventory.yaml if the migration was intended.",
        ),
        Rule(
            "column-missing",
            Severity.ERROR,
            "column",
            "Add the column with a migration, or remove it from the table's columns in inventory.yaml.",
        ),
        Rule(
            "column-unexpected",
            Severity.WARNING,
            "column",
            "Add the column to the table's columns in inventory.yaml, or drop it.",
        ),
        Rule(
            "column-type",
            Severity.ERROR,
            "column",
            "Alter the column's type, or correct the type in inventory.yaml.",
        ),
        Rule(
            "bucket-missing",
            Severity.ERROR,
            "bucket",
            "Create the bucket (dashboard or migration), or remove it from inventory.yaml.",
        ),
        Rule(
            "bucket-undeclared",
            Severity.WARNING,
            "bucket",
            "Declare the bucket in inventory.yaml with its visibility and limits, or delete it.",
        ),
        Rule(
            "bucket-visibility",
            Severity.ERROR,
            "bucket",
            "A private bucket made public exposes every file in it: revert it, or update inventory.yaml.",
        ),
        Rule(
            "bucket-size-limit",
            Severity.ERROR,
            "bucket",
            "Set file_size_limit on the bucket back, or update file_size_limit in inventory.yaml.",
        ),
        Rule(
            "bucket-mime-types",
            Severity.WARNING,
            "bucket",
            "Align the bucket's allowed MIME types with allowed_mime_types in inventory.yaml.",
        ),
        Rule(
            "bucket-legacy-in-use",
            Severity.WARNING,
            "bucket",
            "A legacy bucket still holds objects: migrate or delete them, or mark the bucket active.",
        ),
    )
}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def finding(code: str, name: str, expected: object, actual: object, message: str) -> Finding:
    rule = RULES[code]
    return Finding(code, rule.severity, rule.kind, name, expected, actual, message, rule.hint, rule.tags)


def compare(inventory: Inventory, catalog: Catalog) -> list[Finding]:
    """Every difference between what the inventory declares and what the catalog holds."""
    findings: list[Finding] = []
    if catalog.tables is not None:
        findings += compare_tables(inventory, catalog.tables)
    if catalog.buckets is not None:
        findings += compare_buckets(inventory.buckets, catalog.buckets, catalog.object_counts_available)
    return findings


# --- tables -----------------------------------------------------------------------------


def display_name(schema: str, table: str, default_schema: str) -> str:
    return table if schema == default_schema else f"{schema}.{table}"


def compare_tables(inventory: Inventory, live_tables: tuple[LiveTable, ...]) -> list[Finding]:
    live = {(t.schema, t.name): t for t in live_tables}
    declared = {(t.schema, t.name): t for t in inventory.tables}
    findings: list[Finding] = []
    for key, spec in declared.items():
        name = display_name(spec.schema, spec.name, inventory.default_schema)
        table = live.get(key)
        if table is None:
            findings.append(
                finding(
                    "table-missing",
                    name,
                    "present",
                    "absent",
                    f"Table {name} is declared but not in the database.",
                )
            )
        else:
            findings += compare_columns(spec, table, name)
    for key, table in live.items():
        if key not in declared:
            name = display_name(table.schema, table.name, inventory.default_schema)
            count = plural(len(table.columns), "column")
            findings.append(
                finding(
                    "table-undeclared",
                    name,
                    "absent",
                    "present",
                    f"Table {name} ({count}) is in the database but not in the inventory.",
                )
            )
    return findings


def compare_columns(spec: TableSpec, table: LiveTable, name: str) -> list[Finding]:
    findings: list[Finding] = []
    actual_count = len(table.columns)
    if spec.column_count is not None and spec.column_count != actual_count:
        findings.append(
            finding(
                "column-count",
                name,
                spec.column_count,
                actual_count,
                f"Table {name} has {actual_count} columns; the inventory says {spec.column_count}.",
            )
        )
    if spec.columns is None:
        return findings
    live = {c.name: c for c in table.columns}
    declared_names = {c.name for c in spec.columns}
    for column in spec.columns:
        column_name = f"{name}.{column.name}"
        live_column = live.get(column.name)
        if live_column is None:
            findings.append(
                finding(
                    "column-missing",
                    column_name,
                    column.type or "present",
                    "absent",
                    f"Column {column_name} is declared but not in the database.",
                )
            )
        elif column.type and not same_type(column.type, live_column.type):
            findings.append(
                finding(
                    "column-type",
                    column_name,
                    normalize_type(column.type),
                    live_column.type,
                    f"Column {column_name} is {live_column.type}; the inventory says {column.type}.",
                )
            )
    for column in table.columns:
        if column.name not in declared_names:
            column_name = f"{name}.{column.name}"
            findings.append(
                finding(
                    "column-unexpected",
                    column_name,
                    "absent",
                    column.type,
                    f"Column {column_name} ({column.type}) is in the database but not declared.",
                )
            )
    return findings


# --- buckets ----------------------------------------------------------------------------


def compare_buckets(
    specs: tuple[BucketSpec, ...], live_buckets: tuple[LiveBucket, ...], counts_available: bool
) -> list[Finding]:
    live = {b.id: b for b in live_buckets}
    findings: list[Finding] = []
    for spec in specs:
        bucket = live.get(spec.id)
        if bucket is None:
            findings.append(
                finding(
                    "bucket-missing",
                    spec.id,
                    "present",
                    "absent",
                    f"Bucket {spec.id} is declared but does not exist.",
                )
            )
        else:
            findings += compare_bucket(spec, bucket, counts_available)
    declared = {s.id for s in specs}
    for bucket in live_buckets:
        if bucket.id not in declared:
            visibility = _visibility(bucket.public)
            limit = format_size(bucket.file_size_limit)
            findings.append(
                finding(
                    "bucket-undeclared",
                    bucket.id,
                    "absent",
                    visibility,
                    f"Bucket {bucket.id} ({visibility}, {limit}) is not in the inventory.",
                )
            )
    return findings


def _visibility(public: bool) -> str:
    return "public" if public else "private"


def compare_bucket(spec: BucketSpec, bucket: LiveBucket, counts_available: bool) -> list[Finding]:
    findings: list[Finding] = []
    name = spec.id
    if "public" in spec.declared and spec.public != bucket.public:
        expected, actual = _visibility(spec.public), _visibility(bucket.public)
        exposure = " Its files are readable by anyone with the URL." if bucket.public else ""
        findings.append(
            finding(
                "bucket-visibility",
                name,
                expected,
                actual,
                f"Bucket {name} is {actual}; the inventory says {expected}.{exposure}",
            )
        )
    if "file_size_limit" in spec.declared and spec.file_size_limit != bucket.file_size_limit:
        findings.append(
            finding(
                "bucket-size-limit",
                name,
                spec.file_size_limit,
                bucket.file_size_limit,
                f"Bucket {name} allows {format_size(bucket.file_size_limit)} per file; "
                f"the inventory says {format_size(spec.file_size_limit)}.",
            )
        )
    if "allowed_mime_types" in spec.declared and spec.allowed_mime_types != bucket.allowed_mime_types:
        findings.append(
            finding(
                "bucket-mime-types",
                name,
                list(spec.allowed_mime_types or []),
                list(bucket.allowed_mime_types or []),
                f"Bucket {name} allows {_mime_list(bucket.allowed_mime_types)}; "
                f"the inventory says {_mime_list(spec.allowed_mime_types)}.",
            )
        )
    if spec.status == "legacy" and counts_available and bucket.object_count:
        objects = plural(bucket.object_count, "object")
        findings.append(
            finding(
                "bucket-legacy-in-use",
                name,
                0,
                bucket.object_count,
                f"Legacy bucket {name} holds {objects} ({format_size(bucket.total_bytes or 0)}).",
            )
        )
    return findings


def _mime_list(types: tuple[str, ...] | None) -> str:
    return ", ".join(types) if types else "any type"
