"""Security facts of the live catalog: which API roles exist, who may list storage.objects.
Tables' row level security and read access come with the tables (tables_pg_catalog.sql)."""

from __future__ import annotations

from auditor.catalog.connection import Session
from auditor.catalog.sql import query
from auditor.model import API_ROLES, ObjectsAccess, ObjectsPolicy, SkippedCheck

ROLE_PARAMS = {role: role for role in API_ROLES}  # the SQL binds each role's name


def missing_roles(session: Session) -> tuple[SkippedCheck, ...]:
    """A SkippedCheck for each API role the database lacks (its read access is not checked)."""
    session.cursor.execute(query("security_roles"), {"roles": list(API_ROLES)})
    present = {row[0] for row in session.cursor}
    return tuple(
        SkippedCheck(
            f"read access of role {role}",
            f"the database has no role {role} (plain PostgreSQL, not a Supabase project)",
        )
        for role in API_ROLES
        if role not in present
    )


def read_objects_access(session: Session) -> ObjectsAccess | None:
    """Who may list storage.objects; None when the database has no such table."""
    session.cursor.execute(query("security_objects"), ROLE_PARAMS)
    row = session.cursor.fetchone()
    if row is None:
        return None
    rls, anon, authenticated, policies = row
    return ObjectsAccess(
        rls_enabled=rls,
        anon_can_read=anon,
        authenticated_can_read=authenticated,
        policies=tuple(ObjectsPolicy(p["name"], tuple(p["roles"]), p["qual"]) for p in policies),
    )
