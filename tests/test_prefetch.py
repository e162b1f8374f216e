"""The catalog is read in a background thread while the inventory's tables are validated."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import api, inventory
from auditor.cli import app
from auditor.errors import InventoryError
from auditor.inventory import parse_inventory
from tests.conftest import REPO, run_auditor

INVENTORY = REPO / "inventory.yaml"


def _audit_json(url: str) -> dict:
    """`auditor audit --format json` run in this process (so that it can be patched), without its timestamp."""
    result = CliRunner().invoke(
        app, ["audit", "--inventory", str(INVENTORY), "--env", "local", "--db-url", url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    report.pop("generated_at")
    return report


def test_the_catalog_read_starts_before_the_tables_are_validated(
    ourvidz_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_started = threading.Event()
    reader_threads: list[str] = []

    from auditor.catalog import postgres  # CatalogPrefetch imports read_catalog from here when it starts

    real_read, real_tables = postgres.read_catalog, inventory._Validator.tables

    def recording_read(*args, **kwargs):
        reader_threads.append(threading.current_thread().name)
        read_started.set()
        return real_read(*args, **kwargs)

    def tables_after_the_read_started(self, *args, **kwargs):
        # serial code would wait here in vain: the read would only start after the tables
        assert read_started.wait(timeout=20), "the catalog read did not start while the tables were validated"
        return real_tables(self, *args, **kwargs)

    with monkeypatch.context() as serial:
        serial.setattr(api.CatalogPrefetch, "start", lambda self, header: None)
        expected = _audit_json(ourvidz_db)
    monkeypatch.setattr(postgres, "read_catalog", recording_read)
    monkeypatch.setattr(inventory._Validator, "tables", tables_after_the_read_started)
    report = _audit_json(ourvidz_db)

    assert reader_threads == ["catalog-prefetch"]  # read once, in the background
    assert report == expected


def test_the_library_reads_nothing_before_the_inventory_is_valid(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[object] = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    broken = tmp_path / "inventory.yaml"
    broken.write_text(INVENTORY.read_text(encoding="utf-8").replace("    columns: 7", "    columns: seven", 1))
    with pytest.raises(InventoryError):
        api.audit(broken, "local", db_url="postgresql://postgres@127.0.0.1:1/none")
    assert started == []  # a long-lived caller is left with no read under way


def test_no_read_is_started_for_an_environment_without_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[object] = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    prefetch = api.CatalogPrefetch("nowhere", environ={})
    with pytest.raises(Exception, match="Unknown environment 'nowhere'"):
        api.audit_inventory(
            parse_inventory(INVENTORY.read_text(encoding="utf-8"), "inventory.yaml", prefetch.start),
            "nowhere",
            prefetch=prefetch,
            environ={},
        )
    assert started == []


def test_the_header_holds_schemas_and_environments_but_no_tables() -> None:
    headers = []
    loaded = parse_inventory(INVENTORY.read_text(encoding="utf-8"), "inventory.yaml", headers.append)
    (header,) = headers
    assert header.tables == () and header.buckets == ()
    assert header.schemas == loaded.schemas and header.environments == loaded.environments
    assert dataclasses.replace(header, tables=loaded.tables, buckets=loaded.buckets) == loaded


def test_the_header_is_not_given_when_the_schemas_are_invalid() -> None:
    headers = []
    text = INVENTORY.read_text(encoding="utf-8").replace("schemas: [public]", "schemas: [public, public]", 1)
    with pytest.raises(Exception, match="listed twice"):
        parse_inventory(text, "inventory.yaml", headers.append)
    assert headers == []


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A URL whose server accepts TCP connections and never answers: a connect waits for its timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"postgresql://postgres@127.0.0.1:{listener.getsockname()[1]}/postgres"


def test_an_invalid_inventory_fails_at_once_while_the_read_still_waits(silent_server: str, tmp_path: Path) -> None:
    text = INVENTORY.read_text(encoding="utf-8").replace("    columns: 7", "    columns: seven", 1)
    assert "columns: seven" in text
    broken = tmp_path / "inventory.yaml"
    broken.write_text(text, encoding="utf-8")

    started = time.monotonic()
    result = run_auditor("audit", "--inventory", str(broken), "--db-url", silent_server, "--connect-timeout", "30")
    elapsed = time.monotonic() - started

    assert result.returncode == 2, result.stderr
    assert "columns" in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 15, f"the run waited {elapsed:.1f} s for a connection it no longer needed"
