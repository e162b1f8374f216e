"""Connection settings: libpq service files, SSL defaults, and which connect failures are retried."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from auditor.catalog.faults import connect_fault
from auditor.urls import default_sslmode, describe, is_loopback, resolve_target, scrub
from tests.conftest import run_auditor

SERVICES = """\
# a comment
[ourvidz_prod]
host=db.abcdefgh.supabase.co
port=6543
dbname=postgres
user=postgres.abcdefgh

[strict]
host = db.abcdefgh.supabase.co
sslmode = verify-full

[local]
host=127.0.0.1
"""


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pg_service.conf"
    path.write_text(SERVICES)
    monkeypatch.setenv("PGSERVICEFILE", str(path))
    for name in ("PGHOST", "PGPORT", "PGSSLMODE", "PGSERVICE", "PGSYSCONFDIR"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_a_service_url_is_described_by_its_service(services: Path) -> None:
    url = "postgresql:///?service=ourvidz_prod"
    assert describe(url) == "postgres.abcdefgh@db.abcdefgh.supabase.co:6543/postgres (service ourvidz_prod)"
    assert not is_loopback(url) and default_sslmode(url) == "require"
    # the URL's own parameters win over the service's, as in libpq
    assert describe("postgresql://me@/other?service=ourvidz_prod").startswith("me@db.abcdefgh.supabase.co:6543/other")
    assert describe("service=local dbname=x") == "127.0.0.1:5432/x (service local)"
    assert is_loopback("service=local") and default_sslmode("service=local") is None


def test_an_sslmode_set_anywhere_is_kept(services: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_sslmode("postgresql:///?service=strict") is None  # verify-full is not weakened to require
    assert default_sslmode("postgresql://u@db.example.com/d?sslmode=verify-ca") is None
    assert default_sslmode("postgresql://u@db.example.com/d") == "require"
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    assert default_sslmode("postgresql://u@db.example.com/d") is None


def test_host_from_the_environment_and_lists_of_hosts(services: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "db.example.com")
    assert not is_loopback("postgresql:///postgres") and describe("dbname=app") == "db.example.com:5432/app"
    monkeypatch.setenv("PGSERVICE", "local")
    assert resolve_target("dbname=app")["host"] == "127.0.0.1"  # the service comes before PGHOST
    assert not is_loopback("postgresql://u@127.0.0.1,db.example.com/d")


def test_scrub_removes_every_spelling_of_the_password() -> None:
    url = "postgresql://me:p%40ss%25word@db.example.com/app"
    message = f"bad {url}; token 'p%40ss%25word'; decoded p@ss%word"
    assert scrub(message, url) == "bad me@db.example.com:5432/app; token '********'; decoded ********"
    assert "s3cret" not in scrub("password=s3cret failed", "host=h password=s3cret")


@pytest.mark.parametrize(
    ("message", "kind", "transient"),
    [  # messages as PostgreSQL, libpq, psycopg and Supavisor word them
        ("FATAL:  the database system is starting up", "server not accepting connections", True),
        ("FATAL:  the database system is shutting down", "server not accepting connections", True),
        ("FATAL:  sorry, too many clients already", "no free connection slot", True),
        ('FATAL:  too many connections for role "auditor"', "no free connection slot", True),
        ("FATAL:  Max client connections reached", "no free connection slot", True),
        ("[Errno -3] Temporary failure in name resolution", "DNS temporarily unavailable", True),
        ("failed to resolve host 'db.x': [Errno -2] Name or service not known", "unknown host name", False),
        ('FATAL:  password authentication failed for user "postgres"', "authentication failed", False),
        ('FATAL:  database "prod" does not exist', "database missing", False),
        ('FATAL:  role "auditor" does not exist', "role missing", False),
        ("FATAL:  Tenant or user not found", "unknown pooler user", False),
        ("server does not support SSL, but SSL was required", "SSL mismatch", False),
        ("SSL SYSCALL error: EOF detected", "connection closed", True),
        ('FATAL:  no pg_hba.conf entry for host "1.2.3.4", user "u", database "d"', "connection not allowed", False),
        ("connection timeout expired", "no answer", True),
        ("connect: Network is unreachable", "network unreachable", False),
        ("something new", "connection failed", False),
    ],
)  # fmt: skip
def test_connect_faults(message: str, kind: str, transient: bool) -> None:
    fault = connect_fault(message)
    assert (fault.kind, fault.transient) == (kind, transient)


def test_a_service_file_reaches_the_local_server(server: str, ourvidz_db: str, tmp_path: Path) -> None:
    params = conninfo_to_dict(ourvidz_db)
    services = tmp_path / "pg_service.conf"
    lines = [f"{key}={params[key]}" for key in ("host", "port", "dbname", "user") if params.get(key)]
    services.write_text("[ourvidz_test]\n" + "\n".join(lines) + "\n")
    result = run_auditor(
        "audit", "--env", "local", "--format", "json",
        env={"OURVIDZ_LOCAL_DATABASE_URL": "postgresql:///?service=ourvidz_test", "PGSERVICEFILE": str(services)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "clean"
    assert report["target"].endswith(f"/{params['dbname']} (service ourvidz_test)")
    assert params.get("host", "localhost") in report["target"]
