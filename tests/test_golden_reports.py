"""Golden reports: the demo's drifted database audited in every format, byte for byte.

The real CLI audits the OurVidz fixture after drift.sql, against the repository's inventory and
docs (without 60-projects.md, as the demo does). The only parts that vary between runs (the
throwaway database's name and port, the time, the version and the inventory's hash) are
replaced by placeholders before the comparison.

A change to any report's bytes fails here. When the change is intended, regenerate the files
with `AUDITOR_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_reports.py` and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from auditor import __version__
from tests import pg
from tests.conftest import REPO, run_auditor

GOLDEN = Path(__file__).parent / "golden" / "reports"
UPDATE = os.environ.get("AUDITOR_UPDATE_GOLDEN") == "1"

# (golden file, auditor arguments, extra environment)
CASES = [
    ("terminal-80.txt", ["--format", "terminal"], {"COLUMNS": "80"}),
    ("terminal-200.txt", ["--format", "terminal"], {"COLUMNS": "200"}),
    ("report.md", ["--format", "markdown"], {}),
    ("report.json", ["--format", "json"], {}),
    ("report.junit.xml", ["--format", "junit"], {}),
    ("report.sarif.json", ["--format", "sarif"], {}),
]


@pytest.fixture(scope="module")
def drifted_demo(server: str, ourvidz_template: str, tmp_path_factory: pytest.TempPathFactory):
    """(URL, folder): the demo's drifted database, and a copy of the inventory and docs it is audited with."""
    folder = tmp_path_factory.mktemp("golden")
    shutil.copyfile(REPO / "inventory.yaml", folder / "inventory.yaml")
    shutil.copytree(REPO / "docs" / "database", folder / "docs" / "database", ignore=shutil.ignore_patterns("60-*"))
    with pg.fresh_database(server, "auditor_golden", template=ourvidz_template) as url:
        pg.execute(url, (files("auditor") / "demo" / "drift.sql").read_text(encoding="utf-8"))
        yield url, folder


def normalized(text: str, url: str) -> str:
    """The report with what varies between runs replaced by placeholders."""
    database = pg.conninfo_dbname(url)
    for spelling in (database, database.replace("_", "\\_")):  # as is, and as markdown escapes it
        text = text.replace(spelling, "<database>")
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?", "<time>", text)
    text = re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", text)
    text = re.sub(r"\b[0-9a-f]{12}\b", "<sha256:12>", text)
    text = re.sub(r"(127\.0\.0\.1|localhost):\d+", "<host>:<port>", text)
    return text.replace(__version__, "<version>")


TCP_HOSTS = ("127.0.0.1", "localhost")


@pytest.mark.parametrize(("golden", "args", "env"), CASES, ids=[c[0] for c in CASES])
def test_report_matches_its_golden_file(drifted_demo, golden: str, args: list[str], env: dict[str, str]) -> None:
    url, folder = drifted_demo
    if conninfo_to_dict(url).get("host") not in TCP_HOSTS:
        # the reports wrap their target: its length decides the layout, so the bytes are pinned for
        # a server on 127.0.0.1 (the README's, and CI's first run), not the embedded server's socket
        pytest.skip("the golden reports are pinned for a TCP target on 127.0.0.1")
    result = run_auditor("audit", "--db-url", url, *args, env=env, cwd=folder)
    assert result.returncode == 1, result.stderr
    text = normalized(result.stdout, url)
    path = GOLDEN / golden
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with AUDITOR_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


SNAPSHOT_CASES = [
    ("snapshot.yaml", ["snapshot", "--env", "prod", "--project", "OurVidz", "--output", "-"]),
    ("snapshot-columns.yaml", ["snapshot", "--env", "prod", "--project", "OurVidz", "--output", "-", "--columns"]),
    ("snapshot-update.diff", ["snapshot", "--env", "prod", "--update", "--dry-run"]),
]


@pytest.mark.parametrize(("golden", "args"), SNAPSHOT_CASES, ids=[c[0] for c in SNAPSHOT_CASES])
def test_snapshot_matches_its_golden_file(drifted_demo, golden: str, args: list[str]) -> None:
    url, folder = drifted_demo
    result = run_auditor(*args, "--db-url", url, cwd=folder)
    assert result.returncode == 0, result.stderr
    text = normalized(result.stdout, url)
    text = re.sub(r"\d{4}-\d\d-\d\d", "<date>", text)
    path = GOLDEN / golden
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with AUDITOR_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_the_demo_shows_its_exposures_in_the_security_section_and_fails_on_security(drifted_demo) -> None:
    url, folder = drifted_demo
    result = run_auditor("audit", "--db-url", url, "--fail-on", "security", env={"COLUMNS": "200"}, cwd=folder)
    assert result.returncode == 1, result.stderr
    security = result.stdout.split("\nSecurity\n")[1].split("\n\n")[0]
    for rule, name in (
        ("function-definer-anon", "handle_new_user"),
        ("view-security-definer", "character_leaderboard"),
        ("bucket-visibility", "reference_images"),
    ):
        assert f"1 error · {rule}: {name}" in security, security


def test_a_120_character_target_fits_80_columns(server: str, ourvidz_template: str, drifted_demo) -> None:
    """A Supabase pooler's user (postgres.<project ref>) and a long database name: the target is
    over 120 characters, and the report at 80 columns still has no longer line, the target
    broken after a separator rather than in the middle of a word."""
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from auditor.urls import describe

    _, folder = drifted_demo
    role = pg.unique_name("postgres.abcdefghijklmnopqrstuvwxyz")
    pg.execute(server, sql.SQL("create role {} login in role pg_read_all_data").format(sql.Identifier(role)))
    try:
        with pg.fresh_database(server, "auditor_golden_with_a_long_name_like_some", template=ourvidz_template) as url:
            pg.execute(url, (files("auditor") / "demo" / "drift.sql").read_text(encoding="utf-8"))
            long_url = make_conninfo(url, user=role)
            result = run_auditor("audit", "--db-url", long_url, env={"COLUMNS": "80"}, cwd=folder)
            assert result.returncode == 1, result.stderr
            target = describe(long_url)
            assert len(target) >= 120 and target.startswith(f"{role}@")
            lines = result.stdout.splitlines()
            assert max(map(len, lines)) <= 80, result.stdout
            start = lines.index(next(line for line in lines if line.startswith("  database    ")))
            end = lines.index(next(line for line in lines if line.startswith("  inventory   ")))
            pieces = [line[14:] for line in lines[start:end]]
            assert len(pieces) > 1 and "".join(pieces) == target, pieces
            assert all(piece[-1] in "/.:@" for piece in pieces[:-1]), pieces
    finally:
        pg.execute(server, sql.SQL("drop role {}").format(sql.Identifier(role)))
