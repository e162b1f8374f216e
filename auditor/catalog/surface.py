"""The rest of what the Data API serves: views, materialized views, foreign tables, functions,
and the row level security policies of the tables. One read per kind (postgres.READS), these
are the parsers of their rows (auditor/sql/relations.sql, functions.sql, policies.sql)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import LiveFunction, LivePolicy, LiveRelation

RelationsByKind = dict[str, tuple[LiveRelation, ...]]
RELATION_KINDS = ("view", "materialized view", "foreign table")


def parse_relations(rows: Iterator[tuple]) -> RelationsByKind:
    """Views, materialized views and foreign tables, by kind (every kind present, maybe empty)."""
    found: dict[str, list[LiveRelation]] = {kind: [] for kind in RELATION_KINDS}
    for schema, name, kind, anon, authenticated, invoker, rls_tables, *auth_users in rows:
        found[kind].append(
            LiveRelation(kind, schema, name, anon, authenticated, invoker, tuple(rls_tables), *auth_users)
        )
    return {kind: tuple(relations) for kind, relations in found.items()}


def parse_functions(rows: Iterator[tuple]) -> tuple[LiveFunction, ...]:
    return tuple(LiveFunction(*row) for row in rows)


def parse_policies(rows: Iterator[tuple]) -> tuple[LivePolicy, ...]:
    return tuple(
        LivePolicy(schema, table, name, command, tuple(roles), using, check, restrictive, rls, has_using, has_check)
        for schema, table, name, command, roles, has_using, using, has_check, check, restrictive, rls in rows
    )
