"""Audits through a real PgBouncer in transaction mode, as through Supabase's pooler on port 6543:
the session shares one server connection with every other client, so it may leave nothing on it
(no prepared statement, no setting, no open transaction), and a read it cannot make is still a
check not made. The pooler reaches the server through a FaultProxy, which lets a test stop the
traffic between the two while the pooler keeps the client's connection open."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests import pg
from tests.conftest import run_auditor
from tests.faultproxy import FaultProxy, backend_of, dbname_of
from tests.pgbouncer import Bouncer, backend_pid, pgbouncer

TABLES_QUERY = b"format_type(a.atttypid, a.atttypmod)"


@pytest.fixture
def bridge(server: str) -> Iterator[FaultProxy]:
    """The pooler's way to the server (a TCP port, even when the server listens on a Unix socket)."""
    with FaultProxy(backend_of(server)) as proxy:
        yield proxy


@pytest.fixture
def role(server: str, ourvidz_db: str) -> Iterator[str]:
    """A login role that can read the catalog and nothing of storage."""
    name = pg.unique_name("auditor_pooled")
    pg.execute(server, sql.SQL("create role {} login").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        pg.execute(ourvidz_db, sql.SQL("drop owned by {}").format(sql.Identifier(name)))
        pg.execute(server, sql.SQL("drop role {}").format(sql.Identifier(name)))


def audit(url: str, *options: str) -> tuple[int, dict, str]:
    result = run_auditor(
        "audit", "--env", "local", "--format", "json", *options, env={"OURVIDZ_LOCAL_DATABASE_URL": url}
    )
    return result.returncode, json.loads(result.stdout) if result.stdout else {}, result.stderr


def test_audits_through_pgbouncer_leave_its_server_connection_as_they_found_it(
    bridge: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    with pgbouncer(("127.0.0.1", bridge.port), tmp_path / "pgbouncer") as bouncer:
        url = bouncer.url(dbname_of(ourvidz_db))
        before = backend_pid(url)
        for _ in range(2):  # the second audit runs on the server connection the first one used
            code, report, stderr = audit(url)
            assert code == 0, stderr
            assert report["status"] == "clean" and report["summary"]["tables_live"] == 26
        with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
            assert conn.execute("select pg_backend_pid()").fetchone()[0] == before  # reused, not replaced
            # the session's settings were SET LOCAL: gone with its transaction; nothing was prepared
            assert conn.execute("show statement_timeout").fetchone()[0] == "0"
            assert conn.execute("show transaction_read_only").fetchone()[0] == "off"
            assert conn.execute("select count(*) from pg_prepared_statements").fetchone()[0] == 0
    assert "unsupported startup parameter" not in bouncer_log(bouncer)


def test_reads_the_role_cannot_make_are_checks_not_made_through_pgbouncer(
    bridge: FaultProxy, ourvidz_db: str, role: str, tmp_path: Path
) -> None:
    database = sql.Identifier(dbname_of(ourvidz_db))
    pg.execute(ourvidz_db, sql.SQL("grant connect on database {} to {}").format(database, sql.Identifier(role)))
    with pgbouncer(("127.0.0.1", bridge.port), tmp_path / "pgbouncer", users=["postgres", role]) as bouncer:
        code, report, stderr = audit(bouncer.url(dbname_of(ourvidz_db), user=role))
        assert code == 0, stderr
        skipped = {s["check"]: s["reason"] for s in report["skipped"]}
        assert skipped["buckets"] == f"role {role} has no SELECT privilege on storage.buckets"
        assert report["summary"]["tables_live"] == 26  # the reads after the failed one were made
        assert report["summary"]["buckets_live"] is None
        code, report, stderr = audit(bouncer.url(dbname_of(ourvidz_db)))  # the shared connection still works
        assert code == 0 and report["summary"]["buckets_live"] == 10, stderr


def test_a_pooler_whose_server_stops_answering_is_ended_by_the_deadline(
    bridge: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    """PgBouncer keeps the client's connection open while nothing comes back from the server."""
    with pgbouncer(("127.0.0.1", bridge.port), tmp_path / "pgbouncer") as bouncer:
        bridge.trigger, bridge.fault = TABLES_QUERY, "hold"
        started = time.monotonic()
        code, _report, stderr = audit(bouncer.url(dbname_of(ourvidz_db)), "--timeout", "4")
        elapsed = time.monotonic() - started
        bridge.release()
    assert code == 3, stderr
    assert "sent no reply in" in stderr and "--timeout 4 s" in stderr and "stopped answering" in stderr
    assert elapsed < 4 + 6, elapsed


def bouncer_log(bouncer: Bouncer) -> str:
    return bouncer.log.read_text(errors="replace")
