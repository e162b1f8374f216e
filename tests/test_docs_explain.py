"""`auditor docs status`: --explain PAGE, --db-url, and the terminal's width (80 and 200 columns)."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pytest

from tests import pg
from tests.conftest import REPO, run_auditor
from tests.test_docs import seed_docs
from tests.test_docs_corpus import CORPUS


@pytest.fixture(scope="module")
def corpus_url(server: str):
    with pg.fresh_database(server, "auditor_explain") as url:
        pg.execute(url, (files("auditor") / "demo" / "platform.sql").read_text(encoding="utf-8"))
        pg.execute(url, (CORPUS / "schema.sql").read_text(encoding="utf-8"))
        yield url


def docs(*args: str, columns: int = 80):
    return run_auditor("docs", *args, cwd=CORPUS, env={"COLUMNS": str(columns)})


def test_explain_a_table_page_names_what_was_read_where_and_the_verdict(corpus_url: str) -> None:
    result = docs("status", "--db-url", corpus_url, "--explain", "23-sessions_log.md")
    assert result.returncode == 1, result.stderr  # the page has a finding
    assert result.stdout == (
        "Page pages/23-sessions_log.md (210 bytes)\n"
        "About: table sessions_log (its file name, and doc: true for sessions_log in\n"
        "       inventory.yaml)\n"
        "Stub: no\n"
        "\n"
        "What it says of table sessions_log:\n"
        "  line 7    columns (5): id, account_id, ip, user_agent, started_at, from the\n"
        '            list under "Columns" (line 5)\n'
        "  Read as the complete list of its columns.\n"
        "\n"
        "Against the database: out of date\n"
        "  its column list (line 7) leaves out ended_at\n"
        "Finding: doc-stale (line 7): 23-sessions_log.md is out of date: its column list\n"
        "         (line 7) leaves out ended_at.\n"
    )
    page = (REPO / "docs" / "documentation.md").read_text(encoding="utf-8")
    shown = page.split('$ auditor docs status --db-url "$DATABASE_URL" --explain 23-sessions_log.md\n')[1]
    assert shown.split("```")[0] == result.stdout  # the manual's example is this output


def test_explain_a_bucket_page_and_what_it_did_not_read(corpus_url: str) -> None:
    result = docs("status", "--db-url", corpus_url, "--explain", "pages/93-avatars.md")  # a path works too
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[6:9] == [
        '  line 5    public: yes (public), from the list under "avatars" (line 1):',
        '            "Public: Yes (served through the CDN)"',
        "  line 7    allowed MIME types: image/jpeg, image/png, from the list under",
    ]
    assert '    line 6    "File Types: Images (JPEG, PNG)" in the list under "avatars" (line' in lines
    assert lines[-2:] == ["Against the database: nothing it says is contradicted.", "Finding: none"]


def test_explain_offline_and_the_pages_that_are_not_about_an_object() -> None:
    result = docs("status", "--explain", "10-jobs.md")
    assert result.returncode == 0
    assert "Against the database: not compared (offline; add --env NAME or --db-url URL)." in result.stdout
    assert '    line 30   list under "Integration Map" (line 28): a section about something' in result.stdout
    assert "    line 12   the items under payload: sub-items, not columns" in result.stdout
    meta = docs("status", "--explain", "00-overview.md")
    assert meta.stdout.splitlines()[1] == "About: no object (00 is in a range no group uses: a meta page)"


def test_explain_a_page_named_without_md(corpus_url: str) -> None:
    assert docs("status", "--explain", "10-jobs").stdout == docs("status", "--explain", "10-jobs.md").stdout


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("99-nothing.md", "The docs folder pages has no page 99-nothing.md (pages: 00-overview.md, 10-jobs.md,"),
        ("../schema.sql", "../schema.sql is not in the docs folder pages."),
        (
            "10-job.md",
            "The docs folder pages has no page 10-job.md (pages: 00-overview.md, 10-jobs.md, 11-accounts.md, "
            "12-albums.md, 13-assets.md ...). Did you mean '10-jobs.md'?",
        ),
    ],
)
def test_explain_an_unknown_page_is_a_usage_error(page: str, message: str) -> None:
    result = docs("status", "--explain", page)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {message}")


def test_status_fits_80_columns_wrapping_at_separators(corpus_url: str, tmp_path: Path) -> None:
    seed_docs(tmp_path)
    for folder, extra in ((CORPUS, ["--db-url", corpus_url]), (tmp_path, [])):
        narrow = run_auditor("docs", "status", *extra, cwd=folder, env={"COLUMNS": "80"})
        wide = run_auditor("docs", "status", *extra, cwd=folder, env={"COLUMNS": "200"})
        assert narrow.returncode == wide.returncode == 1
        assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
        assert max(len(line) for line in wide.stdout.splitlines()) > 80  # the width is the terminal's
        findings = [out.stdout.split("\nFindings")[1] for out in (narrow, wide)]
        assert " ".join(findings[0].split()) == " ".join(findings[1].split())  # words are never cut
    rows = [line for line in narrow.stdout.splitlines() if line.startswith(("table", "bucket", " "))]
    assert "table   model_config_        -                     undocumented" in rows
    assert "        history" in rows  # a long name breaks after its underscore


def test_the_docs_commands_take_db_url(corpus_url: str, tmp_path: Path) -> None:
    status = docs("status", "--db-url", corpus_url, columns=200)
    assert "Offline" not in status.stdout and "11-accounts.md is out of date" in status.stdout
    inventory = docs("inventory", "--db-url", corpus_url, "--output", "-", columns=200)
    assert inventory.returncode == 0, inventory.stderr
    assert "- **jobs** (13 columns)" in inventory.stdout  # the live count, not the inventory's (none)
    shutil.copytree(CORPUS, tmp_path / "corpus")
    scaffold = run_auditor("docs", "scaffold", "--db-url", corpus_url, cwd=tmp_path / "corpus")
    assert scaffold.returncode == 0, scaffold.stderr
    assert scaffold.stdout.splitlines()[0] == "refreshed pages/31-members.md (members)"
    assert (
        "| `last_active_at` | timestamp with time zone | yes |" in (tmp_path / "corpus/pages/31-members.md").read_text()
    )


def test_explain_says_when_the_database_does_not_hold_the_object(server: str) -> None:
    with pg.fresh_database(server, "auditor_explain_empty") as url:
        pg.execute(url, (files("auditor") / "demo" / "platform.sql").read_text(encoding="utf-8"))
        result = docs("status", "--db-url", url, "--explain", "10-jobs.md", columns=200)
    assert result.stdout.splitlines()[-2:] == [
        "Against the database: table jobs not compared (not in the database, or not read).",
        "Finding: none",
    ]
