"""Live catalog reader: one read per kind of object, all of them sent in one round trip.

Each kind is one entry of READS: its packaged SQL file and parameters, the parser of its rows,
and how its failure becomes a check not made (auditor/catalog/connection.py runs them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import psycopg

from auditor.catalog.connection import CatalogRequest, Read, Session, run_reads
from auditor.catalog.pipeline import Statement
from auditor.catalog.security import ROLE_PARAMS, missing_roles, objects_access, present_roles
from auditor.catalog.settings import SessionSettings
from auditor.catalog.surface import parse_functions, parse_policies, parse_relations
from auditor.model import API_ROLES, Catalog, LiveBucket, LiveTable, SkippedCheck, TableSecurity

CATALOG_QUERIES = {"pg_catalog": "tables_pg_catalog", "information_schema": "tables_information_schema"}
OBJECT_COUNTS = "bucket object counts (legacy buckets in use)"


def read_catalog(
    url: str,
    schemas: tuple[str, ...],
    *,
    environment: str,
    catalog_source: str = "pg_catalog",
    settings: SessionSettings | None = None,
    policy_expressions: bool = False,
) -> Catalog:
    """Read the live catalog; checks the role has no privilege for are listed as skipped.

    `policy_expressions`: print every policy's USING and WITH CHECK expressions (those that name
    no column always are), for an inventory that declares them or a snapshot that writes them.
    """
    request = CatalogRequest(schemas, catalog_source, policy_expressions)
    session = run_reads(url, environment, settings or SessionSettings(), READS, request)
    tables = session.values["tables"]
    relations = session.values["relations"]
    buckets, counts_available, skipped = _storage(session)
    return Catalog(
        policy_expressions=policy_expressions,
        tables=tables,
        buckets=buckets,
        object_counts_available=counts_available,
        skipped=hidden_columns(tables, session.role) + skipped + missing_roles(session.values["roles"]),
        server_version=session.server_version,
        objects_access=session.values["objects_access"] if buckets is not None else None,
        views=relations["view"],
        materialized_views=relations["materialized view"],
        foreign_tables=relations["foreign table"],
        functions=session.values["functions"],
        policies=session.values["policies"],
    )


def parse_tables(rows: Iterator[tuple]) -> tuple[LiveTable, ...]:
    """The tables with their security, one row each with its columns as arrays (parsed by psycopg in C).

    Rows are parsed as they arrive, while the server still produces the next ones. Names and
    types are interned: a catalog repeats a few types and many column names (id, created_at)
    thousands of times, and one copy each keeps 30,000 tables in a fraction of the memory.
    """
    intern = sys.intern
    return tuple(
        LiveTable(
            intern(schema),
            name,
            tuple(map(intern, names or ())),
            tuple(map(intern, types or ())),
            tuple(nullable or ()),
            partitioned,
            TableSecurity(*security),  # rls_enabled, rls_forced, policies, anon / authenticated can read
            columns_visible,
            partition_of,
        )
        for schema, name, partitioned, partition_of, names, types, nullable, *security, columns_visible in rows
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


def _object_counts(rows: Iterator[tuple]) -> dict[str, tuple[int, int]]:
    return {bucket_id: (count, size) for bucket_id, count, size in rows}


def _bucket_rows(rows: Iterator[tuple]) -> tuple[dict, ...]:
    return tuple(row[0] for row in rows)


def _unreadable(table: str, check: str):
    """How a failed read of storage `table` becomes the check `check` not made."""

    def skipped(error: psycopg.Error, role: str) -> SkippedCheck | None:
        if isinstance(error, psycopg.errors.UndefinedTable | psycopg.errors.InvalidSchemaName):
            return SkippedCheck(check, f"the database has no {table} table")
        if isinstance(error, psycopg.errors.InsufficientPrivilege):  # on the table, or USAGE on its schema
            return SkippedCheck(check, f"role {role} has no SELECT privilege on {table}")
        return None

    return skipped


def _statement(file: str, **params: object):
    return lambda request: Statement(file, params)


def _with_schemas(file: str, **params: object):
    return lambda request: Statement(file, {"schemas": list(request.schemas), **params})


READS = (
    Read(
        "tables",
        lambda request: Statement(
            CATALOG_QUERIES[request.catalog_source], {"schemas": list(request.schemas), **ROLE_PARAMS}
        ),
        parse_tables,
    ),
    Read("relations", _with_schemas("relations", **ROLE_PARAMS), parse_relations),
    Read("functions", _with_schemas("functions", **ROLE_PARAMS), parse_functions),
    Read(
        "policies",
        lambda request: Statement(
            "policies", {"schemas": list(request.schemas), "expressions": request.policy_expressions}
        ),
        parse_policies,
    ),
    Read("row_filters", _statement("storage_row_filters"), next),
    Read("object_counts", _statement("bucket_objects"), _object_counts, _unreadable("storage.objects", OBJECT_COUNTS)),
    Read("buckets", _statement("buckets"), _bucket_rows, _unreadable("storage.buckets", "buckets")),
    Read("roles", _statement("security_roles", roles=list(API_ROLES)), present_roles),
    Read("objects_access", _statement("security_objects", **ROLE_PARAMS), objects_access),
)
"""Every read of an audit, in the order they are sent; a new kind of object is a new entry."""


def _storage(session: Session) -> tuple[tuple[LiveBucket, ...] | None, bool, tuple[SkippedCheck, ...]]:
    """Buckets with object counts; what the role cannot fully read becomes a SkippedCheck."""
    buckets_filtered, objects_filtered = session.values["row_filters"]
    if "buckets" in session.skipped:
        return None, False, (session.skipped["buckets"],)
    if buckets_filtered:
        return None, False, (SkippedCheck("buckets", _row_filtered("storage.buckets", session.role)),)
    skipped = session.skipped.get("object_counts")
    if skipped is None and objects_filtered:
        skipped = SkippedCheck(OBJECT_COUNTS, _row_filtered("storage.objects", session.role))
    counts = session.values["object_counts"] if skipped is None else None
    buckets = tuple(_bucket(row, counts) for row in session.values["buckets"])
    return buckets, skipped is None, (skipped,) if skipped else ()


def _row_filtered(table: str, role: str) -> str:
    return (
        f"row level security on {table} applies to role {role}, so rows may be hidden from it "
        "(use a role with BYPASSRLS, such as postgres or service_role on Supabase)"
    )


def _bucket(row: dict, counts: dict[str, tuple[int, int]] | None) -> LiveBucket:
    mime_types = row.get("allowed_mime_types")
    count, size = (None, None) if counts is None else counts.get(row["id"], (0, 0))
    return LiveBucket(
        id=row["id"],
        name=row.get("name") or row["id"],
        public=bool(row.get("public")),
        file_size_limit=row.get("file_size_limit"),
        allowed_mime_types=tuple(sorted(mime_types)) if mime_types else None,
        object_count=count,
        total_bytes=size,
    )
