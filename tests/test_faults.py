"""Fault injection: the real `auditor audit` against a real server, through a proxy that breaks things.

Every fault must end with exit code 3, one message naming the environment and the host (never
the password) with a likely fix, and --json/--markdown files holding a report marked failed:
never a clean or partial result. Transient connect failures are retried, permanent ones not;
the proxy counts the attempts.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from auditor.catalog.connection import APPLICATION_NAME
from auditor.catalog.sql import query
from auditor.urls import describe
from tests import pg
from tests.conftest import REPO, run_auditor
from tests.faultproxy import FaultProxy, backend_of, dbname_of

PASSWORD = "fault-test-Secret-7%"  # ignored by a trust server; must never appear in any output
ENCODED = quote(PASSWORD, safe="")  # as it is spelled in a URL
TABLES_QUERY = b"format_type(a.atttypid, a.atttypmod)"  # a line of the catalog's first big query


@pytest.fixture
def proxy(server: str) -> Iterator[FaultProxy]:
    with FaultProxy(backend_of(server)) as running:
        yield running


@pytest.fixture
def private_server() -> Iterator[object]:
    """A PostgreSQL server of this test alone (never the shared one): it may be stopped.

    Role `auditor_pw` must give its password (SCRAM); everyone else is trusted on its private
    Unix socket, which the proxy bridges to TCP.
    """
    from auditor.embedded import embedded_server

    with embedded_server() as embedded:
        hba = embedded.data_dir / "pg_hba.conf"
        original = hba.read_text()
        hba.write_text("local all auditor_pw scram-sha-256\n" + original)
        with psycopg.connect(embedded.admin_url, autocommit=True) as conn:
            conn.execute("drop role if exists auditor_pw")  # left in a kept cache by a stopped test
            conn.execute("create role auditor_pw login password 'the-right-one'")
            conn.execute("select pg_reload_conf()")
        try:
            yield embedded
        finally:  # as a normal user the data directory is a kept cache: leave it as it was
            if hba.exists():
                hba.write_text(original)
            if (embedded.data_dir / "postmaster.pid").exists():
                with psycopg.connect(embedded.admin_url, autocommit=True) as conn:
                    conn.execute("drop role auditor_pw")
                    conn.execute("select pg_reload_conf()")


def audit(url: str, tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    """Run `auditor audit --env local` on `url`; (result, JSON report, markdown report)."""
    files = tmp_path / "audit.json", tmp_path / "audit.md"
    for file in files:  # last night's reports, which a failed run must not leave standing
        file.write_text('{"status": "clean"}')
    result = run_auditor(
        "audit", "--env", "local", "--retry-delay", "0.1", *options,
        "--json", str(files[0]), "--markdown", str(files[1]),
        env={"OURVIDZ_LOCAL_DATABASE_URL": url},
    )  # fmt: skip
    return result, json.loads(files[0].read_text()), files[1].read_text()


def assert_fault(run: tuple[subprocess.CompletedProcess, dict, str], host: str, *words: str) -> str:
    """Exit 3, one message with environment, host, `words` and a fix; reports marked failed. The message."""
    result, report, markdown = run
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, message  # one paragraph
    assert "Traceback" not in message
    assert "environment 'local'" in message and host in message and "Likely fix: " in message, message
    for word in words:
        assert word in message, message
    everything = result.stdout + result.stderr + json.dumps(report) + markdown
    assert "Secret-7" not in everything and "postgresql://" not in everything
    assert report["status"] == "failed" and report["findings"] == [] and report["failure"]["exit_code"] == 3
    assert report["failure"]["message"] == message.removeprefix("error: ")
    assert "The audit failed, so this report says nothing about drift." in markdown
    return message


def free_port_refusing() -> socket.socket:
    """A loopback port bound but not listening: connections to it are refused. Keep it open."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


# --- connecting --------------------------------------------------------------------------------


def test_refused_connection_is_retried_with_backoff_then_reported(tmp_path: Path) -> None:
    with free_port_refusing() as sock:
        port = sock.getsockname()[1]
        url = f"postgresql://postgres:{ENCODED}@127.0.0.1:{port}/postgres"
        started = time.monotonic()
        run = audit(url, tmp_path, "--connect-retries", "2", "--retry-delay", "0.5")
        elapsed = time.monotonic() - started
    assert_fault(
        run, f"postgres@127.0.0.1:{port}/postgres", "connection refused", "Gave up after 3 attempts.", "is the server"
    )
    assert elapsed >= 1.5  # waited 0.5 s, then 1 s: the delay doubles


def test_connections_reset_by_a_restarting_server_are_retried_until_it_answers(
    proxy: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    proxy.refuse = 2
    result, report, _markdown = audit(proxy.url(dbname_of(ourvidz_db)), tmp_path, "--connect-retries", "2")
    assert result.returncode == 0, result.stderr
    assert report["status"] == "clean"
    assert proxy.connections == 3


def test_retries_are_bounded(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    proxy.refuse = -1
    run = audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path, "--connect-retries", "3")
    assert_fault(run, f"127.0.0.1:{proxy.port}", "connection closed", "Gave up after 4 attempts.", "may be restarting")
    assert proxy.connections == 4
    proxy.connections = 0
    run = audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path, "--connect-retries", "0")
    assert_fault(run, f"127.0.0.1:{proxy.port}", "Gave up after 1 attempt (--connect-retries 0).")
    assert proxy.connections == 1


def test_a_proxy_that_takes_connections_and_never_answers_times_out(
    proxy: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    proxy.delay = 30
    started = time.monotonic()
    run = audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path, "--connect-timeout", "2")
    assert time.monotonic() - started < 15  # 3 attempts of 2 s, 0.1 s and 0.2 s apart, and Python's start
    assert_fault(
        run,
        f"127.0.0.1:{proxy.port}",
        "no answer within 2 s",
        "Gave up after 3 attempts.",
        "accepts connections but did not finish starting the session",
        "a pooler waiting for a free server connection",
    )
    assert proxy.connections == 4  # the 3 attempts, then one connection to see whether it takes them


def test_host_that_does_not_answer_times_out(tmp_path: Path) -> None:
    """A listener whose accept queue is full drops the connection's SYN, as a firewall does."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = [socket.socket() for _ in range(3)]
        for filler in fillers:
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
        try:
            time.sleep(0.2)
            run = audit(
                f"postgresql://postgres:{ENCODED}@127.0.0.1:{port}/postgres", tmp_path, "--connect-timeout", "2"
            )
        finally:
            for filler in fillers:
                filler.close()
    assert_fault(run, f"127.0.0.1:{port}", "no answer within 2 s", "Gave up after 3 attempts.", "firewall", "IPv6")


def test_a_slow_network_is_not_a_fault(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    proxy.delay = 0.5
    result, report, _markdown = audit(proxy.url(dbname_of(ourvidz_db)), tmp_path, "--connect-timeout", "2")
    assert result.returncode == 0 and report["status"] == "clean" and proxy.connections == 1


def test_unknown_host_name(tmp_path: Path) -> None:
    url = f"postgresql://postgres:{ENCODED}@no-such-host.invalid:5432/postgres"
    run = audit(url, tmp_path, "--connect-retries", "0")
    # "unknown host name" with a name server; "DNS temporarily unavailable" on a machine without one
    assert_fault(run, "postgres@no-such-host.invalid:5432/postgres", "DNS")


def test_missing_database_is_not_retried(proxy: FaultProxy, tmp_path: Path) -> None:
    run = audit(proxy.url("no_such_database", password=PASSWORD), tmp_path, "--connect-retries", "2")
    message = assert_fault(run, f"127.0.0.1:{proxy.port}/no_such_database", "database missing", "Not retried")
    assert "check the database name" in message
    assert proxy.connections == 1


def test_ssl_required_by_the_url_but_not_offered_is_not_retried(
    server: str, proxy: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    with psycopg.connect(server) as conn:
        if conn.execute("show ssl").fetchone()[0] == "on":
            pytest.skip("this server offers SSL")
    url = proxy.url(dbname_of(ourvidz_db), password=PASSWORD).replace("sslmode=disable", "sslmode=require")
    run = audit(url, tmp_path, "--connect-retries", "2")
    assert_fault(run, f"127.0.0.1:{proxy.port}", "SSL mismatch", "Not retried", "sslmode")
    assert proxy.connections == 1


def test_no_free_connection_slot_is_transient(server: str, proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    role = pg.unique_name("auditor_full")
    pg.execute(server, sql.SQL("create role {} login connection limit 0").format(sql.Identifier(role)))
    try:
        run = audit(proxy.url(dbname_of(ourvidz_db), user=role), tmp_path, "--connect-retries", "1")
    finally:
        pg.execute(server, sql.SQL("drop role {}").format(sql.Identifier(role)))
    assert_fault(
        run, f"{role}@127.0.0.1:{proxy.port}", "no free connection slot", "Gave up after 2 attempts.", "pooler"
    )
    assert proxy.connections == 2


def test_wrong_password_is_not_retried_and_a_passfile_works(private_server, tmp_path: Path) -> None:
    with FaultProxy(backend_of(private_server.admin_url)) as proxy:
        url = proxy.url("postgres", user="auditor_pw", password=PASSWORD)
        run = audit(url, tmp_path, "--connect-retries", "2")
        message = assert_fault(run, f"auditor_pw@127.0.0.1:{proxy.port}/postgres", "authentication failed")
        assert "Not retried" in message and "PGPASSFILE" in message
        assert proxy.connections == 1  # retrying a bad password only risks locking the role out

        # the same role, its password in a password file and its target in a service file
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"127.0.0.1:{proxy.port}:postgres:auditor_pw:the-right-one\n")
        passfile.chmod(0o600)
        services = tmp_path / "pg_service.conf"
        services.write_text(
            f"[private]\nhost=127.0.0.1\nport={proxy.port}\ndbname=postgres\nuser=auditor_pw\nsslmode=disable\n"
        )
        result = run_auditor(
            "audit", "--env", "local", "--format", "json",
            env={"OURVIDZ_LOCAL_DATABASE_URL": "postgresql:///?service=private",
                 "PGSERVICEFILE": str(services), "PGPASSFILE": str(passfile)},
        )  # fmt: skip
    assert result.returncode == 1, result.stderr  # audited: an empty database drifts from the inventory
    report = json.loads(result.stdout)
    assert report["target"] == f"auditor_pw@127.0.0.1:{proxy.port}/postgres (service private)"
    assert "table-missing" in {f["rule"] for f in report["findings"]}


# --- after connecting ----------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["cut", "reset"])
def test_connection_dropped_mid_query(fault: str, proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    assert TABLES_QUERY in query("tables_pg_catalog").encode()
    proxy.trigger, proxy.fault, proxy.after_bytes = TABLES_QUERY, fault, 300  # part of the rows, then gone
    run = audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path, "--connect-retries", "2")
    message = assert_fault(run, f"127.0.0.1:{proxy.port}", "was lost during the audit", "run the audit again")
    assert "partial read was discarded" in message
    assert proxy.connections == 1  # a query is not replayed on a new connection


def test_statement_timeout_and_lock_timeout(ourvidz_db: str, tmp_path: Path) -> None:
    """A migration holds a lock the catalog read needs: the auditor gives up instead of queueing."""
    host = describe(ourvidz_db)
    with psycopg.connect(ourvidz_db) as migration:
        migration.execute("lock table storage.buckets in access exclusive mode")
        run = audit(ourvidz_db, tmp_path, "--statement-timeout", "300ms")
        assert_fault(run, host, "cancelled by the statement timeout (300ms)", "--statement-timeout")
        run = audit(ourvidz_db, tmp_path)  # lock_timeout (2s) comes before the statement timeout (30s)
        assert_fault(run, host, "lock timeout (2s)", "a migration?", "block the application")


def test_bad_statement_timeout_is_a_usage_error(ourvidz_db: str, tmp_path: Path) -> None:
    """Refused before the audit, as other option values are; one that only the server can refuse
    (out of its range) ends the audit with its reports marked failed."""
    for value, said in (("soon", "is not a duration"), ("0", "PostgreSQL reads as no timeout"), ("1 us", "under")):
        result, _report, _markdown = audit(ourvidz_db, tmp_path, "--statement-timeout", value)
        assert result.returncode == 2 and said in result.stderr, result.stderr
    result, report, _markdown = audit(ourvidz_db, tmp_path, "--statement-timeout", "99999999999999d")
    assert result.returncode == 2, result.stderr
    assert "give a PostgreSQL interval" in result.stderr and report["status"] == "failed"


def test_database_stopped_mid_audit(private_server, tmp_path: Path) -> None:
    """The server shuts down while a catalog query runs (here: waits for a lock a migration holds)."""
    with FaultProxy(backend_of(private_server.admin_url)) as proxy:
        url = proxy.url("postgres", password=PASSWORD)
        outcome: list = []
        with contextlib.closing(psycopg.connect(private_server.admin_url)) as migration:  # no commit: it is stopped
            migration.execute("lock table pg_catalog.pg_policy in access exclusive mode")  # the tables query reads it
            auditing = threading.Thread(target=lambda: outcome.append(audit(url, tmp_path)))
            auditing.start()
            assert wait_for_lock_wait(private_server.admin_url), "the audit never waited for the lock"
            private_server.stop()  # fast shutdown, within the audit's lock timeout (2 s)
        auditing.join(120)
    assert_fault(outcome[0], f"127.0.0.1:{proxy.port}", "was lost during the audit", "restarted or shut down")


def wait_for_lock_wait(admin_url: str, seconds: float = 60) -> bool:
    """Whether the auditor's session came to wait for a lock within `seconds`."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            waiting = conn.execute(
                "select count(*) from pg_stat_activity where application_name = %s and wait_event_type = 'Lock'",
                [APPLICATION_NAME],
            ).fetchone()[0]
            if waiting:
                return True
            time.sleep(0.02)
    return False


# --- the deadline (--timeout): whatever the server or something in between does --------------------

DEADLINE = 4  # seconds: the --timeout of the tests below
MARGIN = 6  # the cancel request sent at the deadline (2 s at most), Python's start, a busy machine


def timed_audit(url: str, tmp_path: Path, *options: str) -> tuple[tuple[subprocess.CompletedProcess, dict, str], float]:
    started = time.monotonic()
    run = audit(url, tmp_path, "--timeout", str(DEADLINE), *options)
    return run, time.monotonic() - started


def test_a_proxy_that_keeps_the_connection_open_and_stops_forwarding(
    proxy: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    proxy.trigger, proxy.fault = TABLES_QUERY, "hold"  # the statements reach the server, its reply never comes back
    run, elapsed = timed_audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path)
    assert_fault(run, f"127.0.0.1:{proxy.port}", "sent no reply in", f"--timeout {DEADLINE} s", "stopped answering")
    assert DEADLINE - 1 <= elapsed < DEADLINE + MARGIN, elapsed


def test_a_reply_trickled_at_300_bytes_a_second(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    proxy.trigger, proxy.fault, proxy.rate = TABLES_QUERY, "trickle", 300
    run, elapsed = timed_audit(
        proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path, "--statement-timeout", "2s"
    )
    message = assert_fault(run, f"127.0.0.1:{proxy.port}", "still arriving, too slowly", f"--timeout {DEADLINE} s")
    assert "catalog is not what" not in message
    assert DEADLINE - 1 <= elapsed < DEADLINE + MARGIN, elapsed


def test_a_reply_that_is_not_postgresql(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    proxy.trigger, proxy.fault = TABLES_QUERY, "garbage"
    run, elapsed = timed_audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path)
    message = assert_fault(run, f"127.0.0.1:{proxy.port}", "was not PostgreSQL's protocol", "check the port")
    assert "catalog is not what" not in message
    assert elapsed < DEADLINE + MARGIN, elapsed


def test_a_connection_reset_mid_reply_ends_at_once(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    proxy.trigger, proxy.fault, proxy.after_bytes = TABLES_QUERY, "reset", 100
    run, elapsed = timed_audit(proxy.url(dbname_of(ourvidz_db), password=PASSWORD), tmp_path)
    message = assert_fault(run, f"127.0.0.1:{proxy.port}", "was lost during the audit")
    assert "catalog is not what" not in message
    assert elapsed < DEADLINE + MARGIN, elapsed


def settle_session_start(url: str) -> None:
    """Make the server's start of a session read no catalog but the nailed ones, for a while.

    A backend that finds the database's relcache init file missing rebuilds it, opening every
    catalog with a system cache (pg_proc among them) before it answers; autovacuum of a catalog
    after the fixture's DDL removes that file at any moment. Vacuum the catalogs now (autovacuum
    then leaves them alone) and start one session, which writes the file again.
    """
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "vacuum (analyze) pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_type, "
            "pg_catalog.pg_proc, pg_catalog.pg_depend"
        )
    psycopg.connect(url).close()


def test_a_lock_on_a_catalog_table_is_bounded_from_the_first_statement(ourvidz_db: str, tmp_path: Path) -> None:
    """The session's first catalog lookup (its functions, in pg_proc) waits the lock timeout at most:
    the timeouts are set before it."""
    settle_session_start(ourvidz_db)
    with psycopg.connect(ourvidz_db) as migration:
        migration.execute("lock table pg_catalog.pg_proc in access exclusive mode")
        run, elapsed = timed_audit(ourvidz_db, tmp_path, "--timeout", "60")
    assert_fault(run, describe(ourvidz_db), "lock timeout (2s)", "a migration?")
    assert elapsed < 2 + MARGIN, elapsed


def test_a_server_that_cannot_finish_connecting_is_ended_by_the_deadline(
    proxy: FaultProxy, ourvidz_db: str, tmp_path: Path
) -> None:
    """A lock on pg_class holds the server's start of the session: retries stop at the deadline."""
    with psycopg.connect(ourvidz_db) as migration:
        migration.execute("lock table pg_catalog.pg_class in access exclusive mode")
        run, elapsed = timed_audit(
            proxy.url(dbname_of(ourvidz_db), password=PASSWORD),
            tmp_path,
            "--connect-timeout",
            "2",
            "--connect-retries",
            "5",
        )
    assert_fault(
        run,
        f"127.0.0.1:{proxy.port}",
        "no answer within 2 s",
        "another would have gone past the audit's deadline",
        "accepts connections but did not finish starting the session",  # not the network's fault: said so
    )
    assert "firewall" not in run[0].stderr
    assert elapsed < DEADLINE + MARGIN, elapsed


def test_no_traceback_even_in_debug_mode_for_an_expected_fault(tmp_path: Path) -> None:
    with free_port_refusing() as sock:
        url = f"postgresql://postgres:{ENCODED}@127.0.0.1:{sock.getsockname()[1]}/postgres"
        result = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", "--env", "local", "--connect-retries", "0"],
            capture_output=True, text=True, cwd=REPO, timeout=60,
            env={"PATH": "/usr/bin:/bin", "AUDITOR_DEBUG": "1", "OURVIDZ_LOCAL_DATABASE_URL": url},
        )  # fmt: skip
    assert result.returncode == 3 and "Traceback" not in result.stderr and PASSWORD not in result.stderr
