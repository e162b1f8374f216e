"""The live catalog reader against a real server: visibility, partitions, privileges, safety."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from auditor.api import build_report
from auditor.catalog.postgres import read_catalog
from auditor.inventory import load_inventory
from tests import pg
from tests.conftest import INVENTORY


def read(url: str, source: str = "pg_catalog", schemas=("public",)):
    return read_catalog(url, schemas, environment="test", catalog_source=source)


@pytest.fixture
def limited_role(server: str, ourvidz_db: str) -> Iterator[str]:
    """A login role that can connect and read the catalog of `ourvidz_db`, and nothing else."""
    name = pg.unique_name("auditor_ro")
    role = sql.Identifier(name)
    pg.execute(server, sql.SQL("create role {} login").format(role))
    try:
        yield name
    finally:
        pg.execute(ourvidz_db, sql.SQL("drop owned by {}").format(role))
        pg.execute(server, sql.SQL("drop role {}").format(role))


def test_both_catalog_queries_give_the_same_catalog(ourvidz_db: str) -> None:
    pg.execute(
        ourvidz_db,
        """
        create table public.events (id bigint, at date not null, payload jsonb) partition by range (at);
        create table public.events_2026 partition of public.events for values from ('2026-01-01') to ('2027-01-01');
        alter table public.profiles add column scratch text;
        alter table public.profiles drop column scratch;
        create table public.no_columns ();
        create view public.a_view as select 1 as one;
        create table public.spatial_ref_sys (srid int);
        alter extension plpgsql add table public.spatial_ref_sys;
        """,
    )
    by_pg_catalog = read(ourvidz_db, "pg_catalog")
    by_information_schema = read(ourvidz_db, "information_schema")
    assert by_pg_catalog.tables == by_information_schema.tables
    tables = {t.name: t for t in by_pg_catalog.tables}
    # 26 + events (its partition counted under it) + no_columns; views and extension tables are left out
    assert len(tables) == 28
    assert "spatial_ref_sys" not in tables
    assert tables["events"].partitioned and "events_2026" not in tables
    assert [c.name for c in tables["events"].columns] == ["id", "at", "payload"]
    assert tables["events"].columns[1].nullable is False
    assert len(tables["profiles"].columns) == 7  # the dropped column is not counted
    assert tables["no_columns"].columns == ()
    assert {c.type for c in tables["profiles"].columns} >= {"uuid", "text", "timestamp with time zone"}


def test_types_are_spelled_the_same_whatever_the_role_search_path(ourvidz_db: str) -> None:
    pg.execute(
        ourvidz_db,
        """
        create type public.mood as enum ('ok', 'meh');
        create type auth.level as enum ('aal1', 'aal2');
        create table public.typed (m public.mood, l auth.level, at timestamptz);
        """,
    )
    expected = ["mood", "auth.level", "timestamp with time zone"]
    typed = next(t for t in read(ourvidz_db).tables if t.name == "typed")
    assert [c.type for c in typed.columns] == expected
    database = sql.Identifier(conninfo_to_dict(ourvidz_db)["dbname"])
    pg.execute(ourvidz_db, sql.SQL("alter role postgres in database {} set search_path = auth").format(database))
    typed = next(t for t in read(ourvidz_db).tables if t.name == "typed")
    assert [c.type for c in typed.columns] == expected


def test_buckets_and_object_counts(ourvidz_db: str) -> None:
    catalog = read(ourvidz_db)
    buckets = {b.id: b for b in catalog.buckets}
    assert len(buckets) == 10
    assert buckets["reference_images"].file_size_limit == 10 * 1024 * 1024
    assert buckets["avatars"].public and buckets["avatars"].file_size_limit is None
    assert buckets["avatars"].allowed_mime_types == ("image/jpeg", "image/png", "image/webp")
    assert buckets["image_high"].object_count == 0
    assert buckets["avatars"].object_count > 0 and buckets["avatars"].total_bytes > 0
    assert catalog.skipped == ()


def test_least_privileged_role_reports_what_it_could_not_check(server: str, ourvidz_db: str, limited_role: str) -> None:
    url = make_conninfo(ourvidz_db, user=limited_role)
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from public.profiles")  # cannot read rows

    catalog = read(url)
    assert len(catalog.tables) == 26  # pg_catalog shows every table
    assert catalog.buckets is None
    assert [s.check for s in catalog.skipped] == ["buckets"]
    assert f"role {limited_role} has no SELECT privilege on storage.buckets" in catalog.skipped[0].reason
    report = build_report(load_inventory(INVENTORY), catalog, environment="test", target="t")
    assert report.findings == ()  # nothing reported missing for lack of privilege
    assert report.skipped == catalog.skipped

    # information_schema hides what the role cannot use (the reason it is not the default): the
    # tables come from pg_class all the same, their columns are a check not made
    hidden = read(url, "information_schema")
    assert len(hidden.tables) == 26 and not any(t.columns_visible or t.column_names for t in hidden.tables)
    assert hidden.skipped[0].check == "columns of 26 tables"
    assert build_report(load_inventory(INVENTORY), hidden, environment="test", target="t").findings == ()

    role = sql.Identifier(limited_role)
    pg.execute(
        ourvidz_db, sql.SQL("grant usage on schema storage to {0}; grant select on storage.buckets to {0}").format(role)
    )
    catalog = read(url)
    assert catalog.buckets is None  # RLS on storage.buckets could hide rows from this role
    assert "row level security on storage.buckets applies to role" in catalog.skipped[0].reason

    pg.execute(server, sql.SQL("alter role {} bypassrls").format(role))
    catalog = read(url)
    assert len(catalog.buckets) == 10
    assert not catalog.object_counts_available
    assert all(b.object_count is None for b in catalog.buckets)
    assert [s.check for s in catalog.skipped] == ["bucket object counts (legacy buckets in use)"]
    assert f"role {limited_role} has no SELECT privilege on storage.objects" in catalog.skipped[0].reason


def test_database_without_storage_schema(empty_db: str) -> None:
    pg.execute(empty_db, "create table public.t (id int)")
    catalog = read(empty_db)
    assert [t.name for t in catalog.tables] == ["t"]
    assert catalog.buckets is None
    assert catalog.skipped[0].reason == "the database has no storage.buckets table"


def test_older_storage_schema_without_limit_columns(empty_db: str) -> None:
    pg.execute(
        empty_db,
        """
        create schema storage;
        create table storage.buckets (id text primary key, name text not null, owner uuid, public boolean);
        create table storage.objects (id uuid, bucket_id text, name text, metadata jsonb);
        insert into storage.buckets values ('avatars', 'avatars', null, null);
        insert into storage.objects values (gen_random_uuid(), 'avatars', 'a', '{"size": "not a number"}');
        """,
    )
    (bucket,) = read(empty_db).buckets
    assert (bucket.id, bucket.public, bucket.file_size_limit, bucket.allowed_mime_types) == (
        "avatars",
        False,
        None,
        None,
    )
    assert (bucket.object_count, bucket.total_bytes) == (1, 0)


def test_other_schemas_are_read_when_listed(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, "create schema app; create table app.settings (k text, v text);")
    catalog = read(ourvidz_db, schemas=("public", "app"))
    assert ("app", "settings") in {(t.schema, t.name) for t in catalog.tables}
    assert "settings" not in {t.name for t in read(ourvidz_db).tables}


def test_server_version_is_the_one_expected(ourvidz_db: str) -> None:
    """CI runs the database tests on two servers and says which major version each must be."""
    version = read(ourvidz_db).server_version
    assert re.match(r"^\d+\.\d+", version), version
    expected = os.environ.get("AUDITOR_EXPECT_SERVER_MAJOR")
    if expected:
        assert version.split(".")[0] == expected
