"""The catalog session against a real server: one READ ONLY transaction whose timeouts are set
first, every read sent in one round trip, and a read that fails turned into a check not made
without stopping the reads after it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from auditor.catalog import pipeline
from auditor.catalog.connection import APPLICATION_NAME, CatalogRequest, Read, run_reads
from auditor.catalog.pipeline import Statement
from auditor.catalog.settings import SessionSettings
from auditor.errors import SourceUnavailable
from auditor.model import SkippedCheck

REQUEST = CatalogRequest(("public",))


@pytest.fixture
def sql_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """SQL for this test's reads, by file name, beside the packaged files."""
    texts: dict[str, str] = {}
    packaged = pipeline.query
    monkeypatch.setattr(pipeline, "query", lambda name: texts.get(name) or packaged(name))
    pipeline.packaged_statements.cache_clear()
    pipeline.numbered_statements.cache_clear()
    yield texts
    pipeline.packaged_statements.cache_clear()
    pipeline.numbered_statements.cache_clear()


def refused(error: psycopg.Error, role: str) -> SkippedCheck:
    return SkippedCheck(type(error).__name__, f"as {role}")


def test_the_session_is_read_only_with_its_timeouts(ourvidz_db: str, sql_files: dict[str, str]) -> None:
    sql_files.update(
        read_only="show transaction_read_only",
        statement_timeout="show statement_timeout",
        lock_timeout="show lock_timeout",
        application="select application_name from pg_stat_activity where pid = pg_backend_pid()",
        create="create table public.written_by_auditor (id int)",
        update="update storage.buckets set public = true",
        read_write="set transaction read write",
        search_path="show search_path",
    )
    reads = [
        Read(name, lambda request, name=name: Statement(name), next, refused if name in WRITES else None)
        for name in sql_files
    ]
    settings = SessionSettings(statement_timeout="7s", lock_timeout="1s")
    session = run_reads(ourvidz_db, "test", settings, reads, REQUEST)

    assert session.values["read_only"] == ("on",)
    assert session.values["statement_timeout"] == ("7s",) and session.values["lock_timeout"] == ("1s",)
    assert session.values["application"] == (APPLICATION_NAME,)
    assert session.skipped == {
        "create": SkippedCheck("ReadOnlySqlTransaction", "as postgres"),
        "update": SkippedCheck("ReadOnlySqlTransaction", "as postgres"),
        "read_write": SkippedCheck("ActiveSqlTransaction", "as postgres"),  # nor can it make itself writable
    }
    assert session.values["search_path"] == ("pg_catalog, public",)  # the reads after the failures ran
    with psycopg.connect(ourvidz_db) as conn:
        assert conn.execute("select to_regclass('public.written_by_auditor')").fetchone()[0] is None
        assert conn.execute("select count(*) from storage.buckets where public").fetchone()[0] < 10


WRITES = ("create", "update", "read_write")


def test_a_read_whose_failure_has_no_skip_ends_the_audit(ourvidz_db: str, sql_files: dict[str, str]) -> None:
    sql_files["missing"] = "select * from public.no_such_table"
    reads = [Read("missing", lambda request: Statement("missing"), list)]
    with pytest.raises(SourceUnavailable) as caught:
        run_reads(ourvidz_db, "test", SessionSettings(), reads, REQUEST)
    message = str(caught.value)
    assert "environment 'test'" in message and "no_such_table" in message
    assert "not what the auditor expects" in message and caught.value.exit_code == 3


def test_statement_timeout_is_a_clear_error(ourvidz_db: str, sql_files: dict[str, str]) -> None:
    sql_files["slow"] = "select pg_sleep(2)"
    reads = [Read("slow", lambda request: Statement("slow"), list)]
    with pytest.raises(SourceUnavailable) as caught:
        run_reads(ourvidz_db, "test", SessionSettings(statement_timeout="100ms"), reads, REQUEST)
    message = str(caught.value)
    assert "environment 'test'" in message and "statement timeout (100ms)" in message
    assert caught.value.exit_code == 3


def test_a_locked_catalog_table_holds_the_session_for_the_lock_timeout_at_most(ourvidz_db: str) -> None:
    """The session's first catalog lookups (functions in pg_proc) come after its timeouts are set."""
    from auditor.catalog.postgres import read_catalog

    with psycopg.connect(ourvidz_db) as migration:
        migration.execute("lock table pg_catalog.pg_proc in access exclusive mode")
        started = time.monotonic()
        with pytest.raises(SourceUnavailable) as caught:
            read_catalog(ourvidz_db, ("public",), environment="test", settings=SessionSettings(lock_timeout="1s"))
        elapsed = time.monotonic() - started
    assert "lock timeout (1s)" in str(caught.value)
    assert elapsed < 10, elapsed  # about 1 s; before, the first statement waited for the lock unbounded


def test_progress_says_what_the_reader_does(ourvidz_db: str) -> None:
    from auditor.catalog.postgres import read_catalog

    said: list[str] = []
    read_catalog(ourvidz_db, ("public",), environment="test", settings=SessionSettings(progress=said.append))
    assert said[0].startswith("Connecting to postgres@") and said[1].startswith("Reading the catalog of ")
