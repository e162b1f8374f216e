"""Tables and columns: declared versus live."""

from __future__ import annotations

from auditor.drift.rules import finding
from auditor.model import (
    Catalog,
    Finding,
    Inventory,
    LiveTable,
    TableSpec,
    display_name,
)
from auditor.types import normalize_type, same_type
from auditor.wording import plural


def compare(inventory: Inventory, catalog: Catalog) -> list[Finding]:
    """Declared tables and their columns against the live ones."""
    if catalog.tables is None:
        return []
    live_tables = catalog.tables
    default_schema = inventory.default_schema
    live = {(t.schema, t.name): t for t in live_tables}
    declared = {(t.schema, t.name): t for t in inventory.tables}
    folded: dict[tuple[str, str], str] | None = None  # built for the first missing table only
    findings: list[Finding] = []
    for key, spec in declared.items():
        table = live.get(key)
        if table is None:
            if folded is None:
                folded = _names_by_lower_case(live_tables)
            name = display_name(spec.schema, spec.name, default_schema)
            findings.append(
                finding(
                    "table-missing",
                    name,
                    True,
                    False,
                    f"Table {name} is declared but not in the database.{_case_hint(key, folded)}",
                )
            )
        elif table.columns_visible:
            findings += compare_columns(spec, table, display_name(spec.schema, spec.name, default_schema))
    for key, table in live.items():
        if key not in declared:
            name = display_name(table.schema, table.name, default_schema)
            count = plural(table.column_count, "column") if table.columns_visible else "columns not readable"
            findings.append(
                finding(
                    "table-undeclared",
                    name,
                    False,
                    True,
                    f"Table {name} ({count}) is in the database but not in the inventory.",
                )
            )
    return findings


def _names_by_lower_case(live_tables: tuple[LiveTable, ...]) -> dict[tuple[str, str], str]:
    """(schema, lower-case name) -> the live name; the first table wins."""
    return {(t.schema, t.name.lower()): t.name for t in reversed(live_tables)}


def _case_hint(key: tuple[str, str], folded: dict[tuple[str, str], str]) -> str:
    """Names are case-sensitive (PostgreSQL folds unquoted names to lower case): say so when
    the database has the declared table under another case (`folded`: live names by lower case)."""
    schema, table = key
    other = folded.get((schema, table.lower()))
    return f" The database has {other} (names are case-sensitive)." if other else ""


def compare_columns(spec: TableSpec, table: LiveTable, name: str) -> list[Finding]:
    findings: list[Finding] = []
    actual_count = table.column_count
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
    live_types = dict(zip(table.column_names, table.column_types, strict=True))
    declared_names = {c.name for c in spec.columns}
    for column in spec.columns:
        live_type = live_types.get(column.name)
        if live_type is None:
            column_name = f"{name}.{column.name}"
            findings.append(
                finding(
                    "column-missing",
                    column_name,
                    True,
                    False,
                    f"Column {column_name} is declared but not in the database.",
                )
            )
        elif column.type and not same_type(column.type, live_type):
            column_name = f"{name}.{column.name}"
            findings.append(
                finding(
                    "column-type",
                    column_name,
                    normalize_type(column.type),
                    live_type,
                    f"Column {column_name} is {live_type}; the inventory says {column.type}.",
                )
            )
    for live_name, live_type in live_types.items():
        if live_name not in declared_names:
            column_name = f"{name}.{live_name}"
            findings.append(
                finding(
                    "column-unexpected",
                    column_name,
                    None,
                    live_type,
                    f"Column {column_name} ({live_type}) is in the database but not declared.",
                )
            )
    return findings
