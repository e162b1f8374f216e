"""Fixtures: a real PostgreSQL server, an OurVidz-shaped template database built once per run,
and a fresh copy of it for every test that needs one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from auditor.demo import fixture_sql
from tests import pg

REPO = Path(__file__).resolve().parent.parent
INVENTORY = REPO / "inventory.yaml"


@pytest.fixture(scope="session")
def server() -> str:
    """Admin URL of the PostgreSQL server the tests use."""
    url = pg.admin_url()
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        pytest.fail(f"no PostgreSQL server for the tests at {url}: {error}")
    return url


@pytest.fixture(scope="session")
def ourvidz_template(server: str) -> Iterator[str]:
    """Name of a database holding the OurVidz fixture, used as a template by `ourvidz_db`."""
    name = pg.unique_name("auditor_tmpl")
    url = pg.create_database(server, name)
    try:
        pg.execute(url, fixture_sql())
        yield name
    finally:
        pg.drop_database(server, name)


@pytest.fixture
def ourvidz_db(server: str, ourvidz_template: str) -> Iterator[str]:
    """URL of a fresh database shaped like the OurVidz Supabase project."""
    name = pg.unique_name("auditor_test")
    url = pg.create_database(server, name, template=ourvidz_template)
    try:
        yield url
    finally:
        pg.drop_database(server, name)


@pytest.fixture
def empty_db(server: str) -> Iterator[str]:
    name = pg.unique_name("auditor_empty")
    url = pg.create_database(server, name)
    try:
        yield url
    finally:
        pg.drop_database(server, name)


def run_auditor(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real `auditor` command in a subprocess, as a user or a CI job would."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    environment.update(env or {})
    environment.setdefault("NO_COLOR", "1")
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=120,
    )
