"""Tables and columns: declared versus live."""

from __future__ import annotations

from auditor.drift.rules import finding
from auditor.model import (
    Finding,
    Inventory,
    LiveTable,
    TableSpec,
)
from auditor.types import normalize_type, same_type
from auditor.wording import plural


def display_name(schema: str, table: str, default_schema: str) -> str:
    return table if schema == default_schema else f"{schema}.{table}"


def compare_tables(inventory: Inventory, live_tables: tuple[LiveTable, ...]) -> list[Finding]:
    live = {(t.schema, t.name): t for t in live_tables}
    folded = {(t.schema, t.name.lower()): t.name for t in reversed(live_tables)}  # the first wins
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
                    f"Table {name} is declared but not in the database.{_case_hint(key, folded)}",
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


def _case_hint(key: tuple[str, str], folded: dict[tuple[str, str], str]) -> str:
    """Names are case-sensitive (PostgreSQL folds unquoted names to lower case): say so when
    the database has the declared table under another case (`folded`: live names by lower case)."""
    schema, table = key
    other = folded.get((schema, table.lower()))
    return f" The database has {other} (names are case-sensitive)." if other else ""


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
