"""Fixtures: a real PostgreSQL server, an OurVidz-shaped template database built once per run,
and a fresh copy of it for every test that needs one; and the check that every JSON report
the suite produces, in this process or any other it starts, matches the published schema."""

from __future__ import annotations

import importlib.util
import json
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
JSON_REPORTS = Path(__file__).resolve().parent / "json_reports"  # holds the sitecustomize that records them


def chosen_server() -> str:
    """Which server the tests use: 'url' (AUDITOR_TEST_DATABASE_URL), 'local' or 'embedded'.

    AUDITOR_TEST_SERVER=embedded forces the embedded PostgreSQL (CI's second run, on 18);
    otherwise a given URL wins, then a server answering on 127.0.0.1:5432, then the embedded one.
    """
    if os.environ.get("AUDITOR_TEST_SERVER") == "embedded":
        return "embedded"
    if os.environ.get("AUDITOR_TEST_DATABASE_URL"):
        return "url"
    try:
        with psycopg.connect(pg.DEFAULT_ADMIN_URL, connect_timeout=3):
            return "local"
    except psycopg.OperationalError:
        return "embedded"


def pytest_report_header() -> str:
    return f"auditor test database server: {chosen_server()}"


CLIENT_SIDE = {
    "test_bad_inputs",
    "test_ci_integration",
    "test_cli",
    "test_conventions",
    "test_docs_explain",
    "test_docs_hints",
    "test_environments",
    "test_escaping",
    "test_inventory_schema",
    "test_light_install",
    "test_outputs",
    "test_prefetch",
    "test_progress",
    "test_readme",
    "test_secrets",
    "test_signals",
    "test_storage_api",
    "test_workflows",
}
"""Modules whose database tests check what the auditor does with what it read (report files,
signals, progress, secrets, escaping, the Storage API's answers, CI glue), not what the catalog
queries return: CI runs them on one server only, the others on PostgreSQL 15 and 18."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the database server, so CI can run them on another server."""
    for item in items:
        if "server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)
            if item.module is not None and item.module.__name__.rpartition(".")[2] in CLIENT_SIDE:
                item.add_marker(pytest.mark.client_side)


@pytest.fixture(scope="session", autouse=True)
def json_reports_match_the_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every JSON report rendered while the suite runs is validated against the published schema.

    In this process render_json is wrapped; the processes the suite starts inherit PYTHONPATH
    with tests/json_reports, whose sitecustomize wraps it there (see that module). Each wrapper
    records the report; at the end of the run every record is validated, and one that does not
    match fails the run, naming the command that wrote it.
    """
    import jsonschema

    import auditor.render.json as json_renderer

    spec = importlib.util.spec_from_file_location("json_report_recorder", JSON_REPORTS / "sitecustomize.py")
    recorder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recorder)
    folder = tmp_path_factory.mktemp("json-reports")
    saved = {key: os.environ.get(key) for key in ("PYTHONPATH", recorder.FOLDER_VARIABLE)}
    os.environ[recorder.FOLDER_VARIABLE] = str(folder)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(JSON_REPORTS), saved["PYTHONPATH"]]))
    original = json_renderer.render_json
    recorder.install(json_renderer)
    yield folder  # where the reports are recorded
    json_renderer.render_json = original
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    validator = jsonschema.Draft202012Validator(report_schema())
    problems = []
    for path in sorted(folder.iterdir()):
        record = json.loads(path.read_text(encoding="utf-8"))
        errors = list(validator.iter_errors(json.loads(record["report"])))
        if errors:
            where = "/".join(map(str, errors[0].absolute_path)) or "the report"
            problems.append(f"{' '.join(record['argv'])}: {where}: {errors[0].message}")
    assert not problems, f"{len(problems)} JSON reports do not match the schema:\n" + "\n".join(problems[:20])


def report_schema() -> dict:
    """The published schema of the JSON report, as the package ships it."""
    from importlib.resources import files

    return json.loads((files("auditor") / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Admin URL of the PostgreSQL server the tests use (see chosen_server)."""
    choice = chosen_server()
    if choice == "embedded":
        from auditor.embedded import embedded_server

        with embedded_server() as embedded:
            yield embedded.admin_url
        return
    url = pg.admin_url()
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        pytest.fail(f"no PostgreSQL server for the tests at {url}: {error}")
    yield url


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
    with pg.fresh_database(server, "auditor_test", template=ourvidz_template) as url:
        yield url


@pytest.fixture
def empty_db(server: str) -> Iterator[str]:
    with pg.fresh_database(server, "auditor_empty") as url:
        yield url


def run_on_a_terminal(
    *args: str, env: dict[str, str] | None = None, stdout_too: bool = False
) -> tuple[subprocess.CompletedProcess, str]:
    """Run `auditor` with stderr (and with `stdout_too`, stdout) on a pseudo-terminal, as a person
    sees it; (the process, with stdout captured unless it went to the terminal; what the terminal showed)."""
    import pty

    main, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "auditor", *args],
            stdin=subprocess.DEVNULL,
            stdout=secondary if stdout_too else subprocess.PIPE,
            stderr=secondary,
            env={**environment, **(env or {})},
            cwd=REPO,
            timeout=120,
        )
    finally:
        os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the other end is closed and everything was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return result, shown.decode()


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
