"""The rest of what the Data API serves: views, materialized views, foreign tables, functions,
and the row level security policies of the tables. One query per kind (auditor/sql/)."""

from __future__ import annotations

from auditor.catalog.connection import Session
from auditor.catalog.security import ROLE_PARAMS
from auditor.catalog.sql import query
from auditor.model import LiveFunction, LivePolicy, LiveRelation

RelationsByKind = dict[str, tuple[LiveRelation, ...]]
RELATION_KINDS = ("view", "materialized view", "foreign table")


def read_relations(session: Session, schemas: tuple[str, ...]) -> RelationsByKind:
    """Views, materialized views and foreign tables, by kind (every kind present, maybe empty)."""
    session.cursor.execute(query("relations"), {"schemas": list(schemas), **ROLE_PARAMS})
    found: dict[str, list[LiveRelation]] = {kind: [] for kind in RELATION_KINDS}
    for schema, name, kind, anon, authenticated, invoker, rls_tables, *auth_users in session.cursor:
        found[kind].append(
            LiveRelation(kind, schema, name, anon, authenticated, invoker, tuple(rls_tables), *auth_users)
        )
    return {kind: tuple(relations) for kind, relations in found.items()}


def read_functions(session: Session, schemas: tuple[str, ...]) -> tuple[LiveFunction, ...]:
    session.cursor.execute(query("functions"), {"schemas": list(schemas), **ROLE_PARAMS})
    return tuple(LiveFunction(*row) for row in session.cursor)


def read_policies(session: Session, schemas: tuple[str, ...]) -> tuple[LivePolicy, ...]:
    session.cursor.execute(query("policies"), {"schemas": list(schemas)})
    return tuple(
        LivePolicy(schema, table, name, command, tuple(sorted(roles)), using, check, restrictive, rls)
        for schema, table, name, command, roles, using, check, restrictive, rls in session.cursor
    )
