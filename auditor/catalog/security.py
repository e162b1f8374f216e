"""Security facts of the live catalog: which API roles exist, who may list storage.objects.
Tables' row level security and read access come with the tables (tables_pg_catalog.sql).
The parsers of the reads security_roles.sql and security_objects.sql (see postgres.READS)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import API_ROLES, ObjectsAccess, ObjectsPolicy, SkippedCheck

ROLE_PARAMS = {role: role for role in API_ROLES}  # the SQL binds each role's name


def present_roles(rows: Iterator[tuple]) -> frozenset[str]:
    return frozenset(row[0] for row in rows)


def missing_roles(present: frozenset[str]) -> tuple[SkippedCheck, ...]:
    """A SkippedCheck for each API role the database lacks (its read access is not checked)."""
    return tuple(
        SkippedCheck(
            f"read access of role {role}",
            f"the database has no role {role} (plain PostgreSQL, not a Supabase project)",
        )
        for role in API_ROLES
        if role not in present
    )


def objects_access(rows: Iterator[tuple]) -> ObjectsAccess | None:
    """Who may list storage.objects; None when the database has no such table."""
    row = next(rows, None)
    if row is None:
        return None
    rls, anon, authenticated, policies = row
    return ObjectsAccess(
        rls_enabled=rls,
        anon_can_read=anon,
        authenticated_can_read=authenticated,
        policies=tuple(ObjectsPolicy(p["name"], tuple(p["roles"]), p["qual"]) for p in policies),
    )
