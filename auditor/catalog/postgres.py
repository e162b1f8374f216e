"""Live catalog reader: tables, columns and storage buckets, one query per kind of object."""

from __future__ import annotations

from auditor.catalog.connection import Session, open_session
from auditor.catalog.security import ROLE_PARAMS, missing_roles, read_objects_access
from auditor.catalog.settings import SessionSettings
from auditor.catalog.sql import query
from auditor.catalog.surface import read_functions, read_policies, read_relations
from auditor.model import Catalog, LiveBucket, LiveTable, SkippedCheck, TableSecurity

CATALOG_QUERIES = {"pg_catalog": "tables_pg_catalog", "information_schema": "tables_information_schema"}


def read_catalog(
    url: str,
    schemas: tuple[str, ...],
    *,
    environment: str,
    catalog_source: str = "pg_catalog",
    settings: SessionSettings | None = None,
) -> Catalog:
    """Read the live catalog; checks the role has no privilege for are listed as skipped."""
    with open_session(url, environment, settings or SessionSettings()) as session:
        tables = read_tables(session, schemas, catalog_source)
        relations = read_relations(session, schemas)
        functions = read_functions(session, schemas)
        policies = read_policies(session, schemas)
        buckets, counts_available, skipped = read_buckets(session)
        return Catalog(
            tables=tables,
            buckets=buckets,
            object_counts_available=counts_available,
            skipped=hidden_columns(tables, session.role) + skipped + missing_roles(session),
            server_version=session.server_version,
            objects_access=read_objects_access(session) if buckets is not None else None,
            views=relations["view"],
            materialized_views=relations["materialized view"],
            foreign_tables=relations["foreign table"],
            functions=functions,
            policies=policies,
        )


def read_tables(session: Session, schemas: tuple[str, ...], catalog_source: str) -> tuple[LiveTable, ...]:
    """The tables with their security, one row each with its columns as arrays (parsed by psycopg in C).

    Rows are streamed: each is parsed while the server still works on the next ones, instead
    of all of them once the last has arrived (10,000 tables: ~280 ms -> ~225 ms).
    """
    rows = session.cursor.stream(query(CATALOG_QUERIES[catalog_source]), {"schemas": list(schemas), **ROLE_PARAMS})
    return tuple(
        LiveTable(
            schema,
            name,
            tuple(names or ()),
            tuple(types or ()),
            tuple(nullable or ()),
            partitioned,
            TableSecurity(*security),  # rls_enabled, rls_forced, policies, anon / authenticated can read
            columns_visible,
        )
        for schema, name, partitioned, names, types, nullable, *security, columns_visible in rows
    )


def hidden_columns(tables: tuple[LiveTable, ...], role: str) -> tuple[SkippedCheck, ...]:
    """The check not made on tables whose columns information_schema hid from the role."""
    hidden = [f"{t.schema}.{t.name}" for t in tables if not t.columns_visible]
    if not hidden:
        return ()
    shown = ", ".join(hidden[:10]) + (f" and {len(hidden) - 10} more" if len(hidden) > 10 else "")
    return (
        SkippedCheck(
            f"columns of {len(hidden)} {'table' if len(hidden) == 1 else 'tables'}",
            f"information_schema hides them from role {role}, which has no privilege on them: {shown} "
            "(--catalog pg_catalog, the default, reads every table's columns)",
        ),
    )


def read_buckets(session: Session) -> tuple[tuple[LiveBucket, ...] | None, bool, tuple[SkippedCheck, ...]]:
    """Buckets with object counts; what the role cannot fully read becomes a SkippedCheck."""
    cursor = session.cursor
    cursor.execute(query("capabilities"))
    (
        buckets_exist,
        buckets_readable,
        buckets_filtered,
        objects_exist,
        objects_readable,
        objects_filtered,
    ) = cursor.fetchone()
    problem = _unreadable("storage.buckets", session.role, buckets_exist, buckets_readable, buckets_filtered)
    if problem:
        return None, False, (SkippedCheck("buckets", problem),)

    counts: dict[str, tuple[int, int]] = {}
    skipped: tuple[SkippedCheck, ...] = ()
    problem = _unreadable("storage.objects", session.role, objects_exist, objects_readable, objects_filtered)
    if problem:
        skipped = (SkippedCheck("bucket object counts (legacy buckets in use)", problem),)
    else:
        cursor.execute(query("bucket_objects"))
        counts = {bucket_id: (count, size) for bucket_id, count, size in cursor}
    counts_available = not skipped

    cursor.execute(query("buckets"))
    buckets = tuple(_bucket(row[0], counts, counts_available) for row in cursor)
    return buckets, counts_available, skipped


def _unreadable(table: str, role: str, exists: bool, readable: bool, row_filtered: bool) -> str | None:
    """Why `table` cannot be read completely by `role`, or None when it can."""
    if not exists:
        return f"the database has no {table} table"
    if not readable:
        return f"role {role} has no SELECT privilege on {table}"
    if row_filtered:
        return (
            f"row level security on {table} applies to role {role}, so rows may be hidden from it "
            "(use a role with BYPASSRLS, such as postgres or service_role on Supabase)"
        )
    return None


def _bucket(row: dict, counts: dict[str, tuple[int, int]], counts_available: bool) -> LiveBucket:
    mime_types = row.get("allowed_mime_types")
    count, size = counts.get(row["id"], (0, 0)) if counts_available else (None, None)
    return LiveBucket(
        id=row["id"],
        name=row.get("name") or row["id"],
        public=bool(row.get("public")),
        file_size_limit=row.get("file_size_limit"),
        allowed_mime_types=tuple(sorted(mime_types)) if mime_types else None,
        object_count=count,
        total_bytes=size,
    )
