"""Performance properties that must not regress: a fixed number of queries whatever the size of
the catalog, and commands that start without importing what they do not use.

Timings themselves are measured by the benchmark (`python -m bench`), not here: wall times on a
shared CI machine are too noisy for a pass/fail test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

from auditor.api import audit
from tests import pg
from tests.conftest import INVENTORY, REPO
from tests.faultproxy import FaultProxy, backend_of, dbname_of

EXTRA_TABLES = 300


def _grow(url: str, tables: int) -> None:
    """Add `tables` tables of 20 columns (some partitioned, some with dropped columns) and buckets."""
    statements = []
    for index in range(tables):
        columns = ", ".join(f"c{c:02d} text" for c in range(2, 21))
        if index % 50 == 0:
            statements.append(f"create table public.bulk_{index} (id bigint, {columns}) partition by range (id)")
            statements += [
                f"create table public.bulk_{index}_p{p} partition of public.bulk_{index} "
                f"for values from ({p * 1000}) to ({(p + 1) * 1000})"
                for p in range(3)
            ]
        else:
            statements.append(f"create table public.bulk_{index} (id bigint, {columns}, old text)")
            if index % 10 == 0:
                statements.append(f"alter table public.bulk_{index} drop column old")
    statements.append(
        "insert into storage.buckets (id, name) select 'bulk-' || i, 'bulk-' || i from generate_series(1, 200) i"
    )
    pg.execute(url, ";\n".join(statements))


def _audit_through_a_proxy(url: str) -> tuple[FaultProxy, int]:
    """Audit `url` through a proxy that watches the traffic; (the proxy, the number of tables seen)."""
    with FaultProxy(backend_of(url)) as proxy:
        report = audit(INVENTORY, db_url=proxy.url(dbname_of(url)))
    assert report.failure is None
    return proxy, report.checked["tables_live"]


def _statement(text: str) -> str:
    """The statement without its comments, on one line: the same text for the same query."""
    return " ".join(" ".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).split())


def test_an_audit_sends_the_same_queries_whatever_the_number_of_tables(ourvidz_db: str) -> None:
    small, small_tables = _audit_through_a_proxy(ourvidz_db)
    _grow(ourvidz_db, EXTRA_TABLES)
    big, big_tables = _audit_through_a_proxy(ourvidz_db)
    small_queries = Counter(map(_statement, small.statements))
    big_queries = Counter(map(_statement, big.statements))

    assert big_tables == small_tables + EXTRA_TABLES  # partitions are not tables of their own
    assert big_queries == small_queries  # the same statements, each sent the same number of times
    reads = {s: n for s, n in small_queries.items() if s.startswith(("select", "with"))}
    # one read per kind of object: none is repeated (per table, per bucket...)
    assert max(reads.values()) == 1, reads
    # the session's role, then postgres.READS: tables, views (with materialized views and foreign
    # tables), functions, policies, storage row filters, bucket objects, buckets, API roles,
    # storage.objects access
    assert len(reads) == 10, reads
    assert any("from pg_class c" in statement and "array_agg" in statement for statement in reads)
    for kind in ("c.relkind in ('v', 'm', 'f')", "from pg_proc p", "from pg_policies p"):
        assert any(kind in statement for statement in reads), kind
    assert sum(small_queries.values()) == 20, small_queries  # with the session's settings and savepoints


def test_an_audit_waits_on_two_round_trips_connecting_included(ourvidz_db: str) -> None:
    """Connecting (the startup packet) and one batch of every statement: with an SSL request as
    well, as a client that prefers SSL sends it, that is 3, the same as psql running one query."""
    proxy, _tables = _audit_through_a_proxy(ourvidz_db)
    assert proxy.connections == 1
    assert proxy.round_trips == 2, proxy.round_trips


def test_psql_waits_on_as_many_round_trips_for_one_query(ourvidz_db: str) -> None:
    """The yardstick of the test above, and a check that the proxy's count means what it says."""
    with FaultProxy(backend_of(ourvidz_db)) as proxy:
        result = subprocess.run(
            ["psql", "-X", "-A", "-t", "-c", "select count(*) from pg_class", proxy.url(dbname_of(ourvidz_db))],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert proxy.round_trips == 2 and proxy.statements == ["select count(*) from pg_class"]


HEAVY = ("psycopg", "jinja2", "supabase", "pydantic", "rich", "markdown_it")
"""Packages that the start of these commands must not import (each costs 30 to 150 ms)."""


def _imported_modules(*args: str, exit_code: int = 0) -> set[str]:
    """Every module a fresh `python -m auditor ARGS` imported, read from -X importtime."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "auditor", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == exit_code, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    modules = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # the first line is the header
    assert "auditor.cli" in modules  # the listing works: the command's own modules are in it
    return modules


@pytest.mark.parametrize(
    "args",
    [("--help",), ("audit", "--help"), ("validate", "--inventory", str(INVENTORY))],
    ids=["help", "audit-help", "validate"],
)
def test_a_quick_command_imports_no_heavy_package(args: tuple[str, ...]) -> None:
    modules = _imported_modules(*args)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"`auditor {' '.join(args)}` imported {heavy}"


def test_the_import_listing_sees_heavy_packages() -> None:
    """The check above can fail: an audit's start does import psycopg and jinja2."""
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    modules = _imported_modules("audit", "--db-url", unreachable, "--connect-retries", "0", exit_code=3)
    assert {"psycopg", "yaml"} <= modules
