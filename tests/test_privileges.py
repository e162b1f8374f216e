"""The least-privileged role of the manual, created by the manual's own SQL, audits what it can see.

The sql block of docs/connecting.md in "What the auditor does to a database" is run as written, with only the
role's and the database's names replaced by this test's (roles are shared by the whole server),
so the documentation cannot drift from what works.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests import pg
from tests.conftest import REPO, run_auditor

SECTION = "## What the auditor does to a database"
BUCKET_PART = "-- for the bucket checks"


def readme_role_sql() -> tuple[str, str]:
    """The manual's role block, split into (tables only, the bucket part)."""
    page = (REPO / "docs" / "connecting.md").read_text()
    section = page[page.index(SECTION) :].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    assert "create role inventory_auditor" in block and BUCKET_PART in block
    tables_only, buckets = block.split(BUCKET_PART)
    return tables_only, BUCKET_PART + buckets


def for_this_test(statements: str, role: str, database: str) -> str:
    statements = statements.replace("inventory_auditor", role)
    return statements.replace("on database postgres", f'on database "{database}"')


@pytest.fixture
def role(server: str, ourvidz_db: str) -> Iterator[str]:
    name = pg.unique_name("inventory_auditor")
    try:
        yield name
    finally:
        identifier = sql.Identifier(name)
        pg.execute(ourvidz_db, sql.SQL("drop owned by {}").format(identifier))
        pg.execute(server, sql.SQL("drop role if exists {}").format(identifier))


def audit_as(role: str, ourvidz_db: str) -> tuple[dict, str]:
    """The JSON report and the terminal report of `auditor audit --env local` as `role`."""
    url = make_conninfo(ourvidz_db, user=role, password="a long random password")
    result = run_auditor("audit", "--env", "local", "--format", "json", env={"OURVIDZ_LOCAL_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr  # no drift: nothing reported missing for want of privilege
    terminal = run_auditor("audit", "--env", "local", env={"OURVIDZ_LOCAL_DATABASE_URL": url})
    assert terminal.returncode == 0, terminal.stderr
    return json.loads(result.stdout), " ".join(terminal.stdout.split())  # unwrapped


def test_the_readme_role_audits_what_it_can_see(ourvidz_db: str, role: str) -> None:
    database = conninfo_to_dict(ourvidz_db)["dbname"]
    tables_only, buckets = readme_role_sql()

    pg.execute(ourvidz_db, for_this_test(tables_only, role, database))
    with (
        psycopg.connect(make_conninfo(ourvidz_db, user=role)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("select * from public.profiles")  # no table's rows
    report, terminal = audit_as(role, ourvidz_db)
    assert report["status"] == "clean" and report["findings"] == []
    assert report["summary"]["tables_live"] == 26  # every table seen, through pg_catalog
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert skipped["buckets"] == f"role {role} has no SELECT privilege on storage.buckets"
    assert "Checks not made" in terminal and f"role {role} has no SELECT privilege on storage.buckets" in terminal

    pg.execute(ourvidz_db, for_this_test(buckets, role, database))
    with psycopg.connect(make_conninfo(ourvidz_db, user=role)) as conn:
        for table in ("public.profiles", "storage.objects"):
            with conn.transaction(), pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select * from {table}")  # still no rows, and no file metadata
    report, terminal = audit_as(role, ourvidz_db)
    assert report["status"] == "clean" and report["findings"] == []
    assert report["summary"]["buckets_live"] == 10  # the buckets are checked now
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    assert "buckets" not in skipped
    assert skipped["bucket object counts (legacy buckets in use)"] == (
        f"role {role} has no SELECT privilege on storage.objects"
    )
    assert f"role {role} has no SELECT privilege on storage.objects" in terminal


def test_tables_information_schema_hides_are_checks_not_made(ourvidz_db: str, role: str) -> None:
    """A role with CONNECT and USAGE only sees no table through information_schema: none of them is
    missing, their columns are a check not made, with the reason; pg_catalog reads them all."""
    database = conninfo_to_dict(ourvidz_db)["dbname"]
    tables_only, _ = readme_role_sql()
    pg.execute(ourvidz_db, for_this_test(tables_only, role, database))
    identifier = sql.Identifier(role)
    pg.execute(
        ourvidz_db,
        sql.SQL("grant usage on schema public to {0}; grant select on public.jobs to {0}").format(identifier),
    )
    url = make_conninfo(ourvidz_db, user=role)
    result = run_auditor(
        "audit", "--env", "local", "--catalog", "information_schema", "--format", "json",
        env={"OURVIDZ_LOCAL_DATABASE_URL": url},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [f["rule"] for f in report["findings"]] == []  # nothing missing, no column count wrong
    assert report["summary"]["tables_live"] == 26
    skipped = {s["check"]: s["reason"] for s in report["skipped"]}
    reason = skipped["columns of 25 tables"]  # all but jobs, which the role may read
    assert f"information_schema hides them from role {role}" in reason
    assert "public.admin_development_progress" in reason and "and 15 more" in reason
    assert "public.jobs" not in reason
