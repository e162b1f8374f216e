"""Hostile names and descriptions from a real database and inventory go through every report
format intact and inert: no broken markdown table, no HTML, no @mention, no rich markup, no
terminal escape codes; JSON gives back the exact names; and no identifier ever becomes SQL text.
"""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import psycopg
import pytest
import yaml
from psycopg import sql

from auditor.inventory import load_inventory
from auditor.render import FORMATS
from auditor.render.markdown import md_escape
from tests import pg
from tests.conftest import REPO, run_auditor

INJECTION = 'x"; drop table y; --'
LONG_ASCII = "a" * 63  # the longest name PostgreSQL keeps
LONG_UTF8 = "é" * 31 + "x"  # 63 bytes in 32 characters
TOO_LONG = "b" * 70  # PostgreSQL cuts it to 63 bytes
NEWLINE = "line\nbreak"
ESCAPE = "\x1b[31mred\x1b[0m"  # a terminal colour code
RICH = "[bold]rich[/bold]"

# Tables in the database but not in the inventory: each becomes a `table-undeclared` finding.
UNDECLARED = [
    "we|ird",
    "quote\"d'name",
    "`tick`",
    "<script>alert(1)</script>",
    NEWLINE,
    "🎉 party",
    RICH,
    "@octocat",
    "**bold** [x](http://evil.example)",
    ESCAPE,
    INJECTION,
    "order",
]
# Tables in both, declared under their exact names: no finding.
DECLARED = ["y", "MixedCase", "select", "user", LONG_ASCII, LONG_UTF8]
# Declared but absent: `table-missing`.
MISSING = ["gone|<b>@team</b>`x`", "Select"]

COLUMNS_TABLE = "columns of <i>|"
LIVE_COLUMNS = ["id", "we|ird", NEWLINE, "<b>bold</b>", "select", "MixedCase", INJECTION, RICH]
DECLARED_COLUMNS = ["id", "select", "MixedCase", "`gone`|<i>"]  # the others are unexpected

BUCKETS = {  # id -> public in the database
    "bucket|pipe": False,
    "<img src=x onerror=alert(1)>": True,
    "@team": False,
    NEWLINE: False,
    "[red]x[/red]": False,
    "🎉": False,
}
DECLARED_BUCKETS = {"<img src=x onerror=alert(1)>": False, "🎉": False}  # the first drifted to public
MISSING_BUCKET = "nope`|`<script>"

DESCRIPTION = "desc | with `ticks` <script>alert(1)</script>\n@team [bold]x[/bold] **b** 🎉 \x1b[2J"


def expected_findings() -> set[tuple[str, str]]:
    found = {("table-undeclared", name) for name in UNDECLARED}
    found.add(("table-undeclared", TOO_LONG[:63]))
    found |= {("table-missing", name) for name in MISSING}
    found |= {("column-unexpected", f"{COLUMNS_TABLE}.{c}") for c in LIVE_COLUMNS if c not in DECLARED_COLUMNS}
    found.add(("column-missing", f"{COLUMNS_TABLE}.`gone`|<i>"))
    found |= {("bucket-undeclared", b) for b in BUCKETS if b not in DECLARED_BUCKETS}
    found.add(("bucket-visibility", "<img src=x onerror=alert(1)>"))
    found.add(("bucket-missing", MISSING_BUCKET))
    return found


def inventory() -> dict:
    tables: dict = {name: {"description": DESCRIPTION} for name in DECLARED + MISSING}
    tables[COLUMNS_TABLE] = {"description": DESCRIPTION, "columns": DECLARED_COLUMNS}
    buckets: dict = {b: {"description": DESCRIPTION, "public": public} for b, public in DECLARED_BUCKETS.items()}
    buckets[MISSING_BUCKET] = {"description": DESCRIPTION}
    return {"version": 1, "project": "hostile <b>|</b>", "schemas": ["public"], "tables": tables, "buckets": buckets}


@pytest.fixture(scope="module")
def hostile_db(server: str) -> Iterator[str]:
    """A database with Supabase's storage schema and tables, columns and buckets named to hurt."""
    with pg.fresh_database(server, "auditor_hostile") as url:
        platform = (files("auditor") / "demo" / "platform.sql").read_text(encoding="utf-8")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(platform)
            for table in [*UNDECLARED, *DECLARED, TOO_LONG]:
                conn.execute(sql.SQL("create table public.{} (id int)").format(sql.Identifier(table)))
            columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in LIVE_COLUMNS)
            conn.execute(sql.SQL("create table public.{} ({})").format(sql.Identifier(COLUMNS_TABLE), columns))
            for bucket, public in BUCKETS.items():
                conn.execute(
                    "insert into storage.buckets (id, name, public) values (%s, %s, %s)", (bucket, bucket, public)
                )
        yield url


@pytest.fixture(scope="module")
def inventory_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "inventory.yaml"
    path.write_text(yaml.safe_dump(inventory(), allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(hostile_db: str, inventory_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each report format, written by the real CLI for the hostile database."""
    out = tmp_path_factory.mktemp("reports")
    texts = {}
    for fmt in FORMATS:
        path = out / f"report.{fmt}"
        result = run_auditor(
            "audit", "--db-url", hostile_db, "-i", str(inventory_file), "--format", fmt, "--output", str(path)
        )
        assert result.returncode == 1, result.stderr  # drift, not a crash (4) or a bad file (2)
        assert "Traceback" not in result.stderr
        texts[fmt] = path.read_text(encoding="utf-8")
    return texts


def test_the_real_database_holds_the_hostile_objects(hostile_db: str) -> None:
    """The names reached PostgreSQL as written: the test below audits what it claims to."""
    with psycopg.connect(hostile_db) as conn:
        names = {
            row[0] for row in conn.execute("select relname from pg_class where relnamespace = 'public'::regnamespace")
        }
    assert set(UNDECLARED + DECLARED) <= names
    assert TOO_LONG not in names and TOO_LONG[:63] in names


def test_json_gives_back_the_exact_names(reports: dict[str, str]) -> None:
    data = json.loads(reports["json"])
    found = {(f["rule"], f["name"]) for f in data["findings"]}
    assert expected_findings() <= found
    hostile_rules = {rule for rule, _ in expected_findings()}
    assert {pair for pair in found if pair[0] in hostile_rules} == expected_findings()
    for name in DECLARED:  # present under the exact (case, reserved word, 63-byte) name: no drift
        assert not any(f["name"] == name and f["rule"].startswith("table-") for f in data["findings"])
    assert "\x1b" not in reports["json"] and DESCRIPTION not in reports["json"]
    (select,) = [f for f in data["findings"] if f["name"] == "Select"]  # declared; the database has `select`
    assert select["message"].endswith("The database has select (names are case-sensitive).")


def table_blocks(markdown: str) -> list[list[str]]:
    """GFM tables: a header row, a delimiter row, then every line up to the next blank one."""
    lines = markdown.split("\n")
    blocks = []
    for at, line in enumerate(lines[:-1]):
        if line.startswith("|") and re.fullmatch(r"\|( *:?-+:? *\|)+", lines[at + 1].strip()):
            end = at
            while end < len(lines) and lines[end].strip():
                end += 1
            blocks.append(lines[at:end])
    return blocks


def cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_markdown_stays_valid_and_inert(reports: dict[str, str]) -> None:
    markdown = reports["markdown"]
    blocks = table_blocks(markdown)
    assert blocks, "no table in the report"
    for block in blocks:
        widths = {cells(row) for row in block}
        assert all(row.startswith("|") for row in block), block
        assert len(widths) == 1, "\n".join(block)
    for tag in ("<script", "<img", "<b>", "<i>", "</b>"):
        assert tag not in markdown
    assert not re.search(r"(?<![\w&#])@\w", markdown), "an @mention survived"
    assert not re.search(r"(?<!\\)\]\(", markdown), "a link survived"
    assert "http://" not in markdown
    assert "\x1b" not in markdown
    for _, name in expected_findings():
        assert md_escape(name) in markdown, name
    assert "\\\\x1b\\[31mred" in markdown  # the escape code shown as text: \x1b[31mred


def test_terminal_shows_names_literally(hostile_db: str, inventory_file: Path, reports: dict[str, str]) -> None:
    for text in (reports["terminal"], _terminal(hostile_db, inventory_file)):
        assert RICH in text and "[red]x[/red]" in text  # shown, not interpreted as markup
        assert "\x1b" not in text, "a terminal escape code from the database reached the terminal"
        assert "\\x1b[31mred\\x1b[0m" in text
        assert "line\\nbreak" in text  # one finding, one line
        for name in ("we|ird", "<script>alert(1)</script>", INJECTION, "🎉 party", TOO_LONG[:63]):
            assert name in text


def _terminal(url: str, inventory_path: Path, **env: str) -> str:
    result = run_auditor("audit", "--db-url", url, "-i", str(inventory_path), env={"COLUMNS": "250", **env})
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_terminal_in_colour_sends_only_its_own_codes(hostile_db: str, inventory_file: Path) -> None:
    text = _terminal(hostile_db, inventory_file, NO_COLOR="", FORCE_COLOR="1")
    assert "\x1b[1m" in text  # rich's styles are on
    assert "\x1b[31mred" not in text and "\\x1b[31mred" in text  # the database's code is shown, not sent


def test_junit_and_sarif_parse_and_keep_the_names(reports: dict[str, str]) -> None:
    if "junit" in reports:
        suite = ET.fromstring(reports["junit"])
        xml_text = ET.tostring(suite, encoding="unicode")
        for name in UNDECLARED:
            if "\x1b" not in name:  # XML 1.0 cannot hold the escape character at all
                assert name in {case.get("name") for case in suite.iter("testcase")} or name in xml_text, name
    if "sarif" in reports:
        messages = " ".join(r["message"]["text"] for r in json.loads(reports["sarif"])["runs"][0]["results"])
        for name in UNDECLARED:
            assert name in messages


def test_injection_through_a_table_name_runs_nothing(hostile_db: str, reports: dict[str, str]) -> None:
    """The audit saw the table named `x"; drop table y; --` and table y is still there."""
    assert reports  # the audits ran
    with psycopg.connect(hostile_db) as conn:
        assert conn.execute("select to_regclass('public.y')").fetchone()[0] == "y"
        assert conn.execute("select count(*) from pg_class where relname = %s", (INJECTION,)).fetchone()[0] == 1
    assert INJECTION in json.loads(reports["json"])["findings"].__repr__()


def test_snapshot_writes_every_hostile_name_back_exactly(hostile_db: str, tmp_path: Path) -> None:
    """`auditor snapshot` quotes the names in YAML so well that auditing its own file finds no drift."""
    path = tmp_path / "inventory.yaml"
    result = run_auditor("snapshot", "--env", "x", "--db-url", hostile_db, "-o", str(path), "--columns")
    assert result.returncode == 0, result.stderr
    snapshot = load_inventory(path)
    assert {t.name for t in snapshot.tables} >= {*UNDECLARED, *DECLARED, TOO_LONG[:63], COLUMNS_TABLE}
    assert {b.id for b in snapshot.buckets} == set(BUCKETS)
    result = run_auditor("audit", "--db-url", hostile_db, "-i", str(path), "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["name"]) for f in findings if "security" not in f["tags"]] == []  # RLS aside: no drift


def test_a_name_postgresql_would_truncate_cannot_be_declared(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({"tables": {TOO_LONG: {}, "t": {"columns": [TOO_LONG]}}}))
    result = run_auditor("validate", "-i", str(path))
    assert result.returncode == 2
    assert "table name is 70 bytes, longer than 63 bytes: PostgreSQL truncates" in result.stderr
    assert "column name is 70 bytes" in result.stderr


def test_a_dotted_table_name_is_declared_with_its_schema(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("tables:\n  public.a.b: {}\n  c.d: {}\n")
    result = run_auditor("validate", "-i", str(path))
    assert result.returncode == 2
    assert "tables.c.d: schema 'c' is not audited" in result.stderr and "e.g. public.c.d" in result.stderr
    assert "a.b" not in result.stderr  # public.a.b is table a.b of schema public


# --- SQL is static text; values travel as bound parameters ---------------------------------

SQL_SOURCES = {"query", "fixture_sql", "packaged_statements", "numbered_statements"}
"""Functions that return the text of a packaged .sql file (the pipeline's: its statements)."""
SENDING = {"execute", "executemany", "copy", "stream", "send_query_params"}
"""The methods that send a statement: psycopg's cursors', and libpq's that the pipeline calls."""


def _static_sql(node: ast.expr, static_names: set[str]) -> bool:
    """True for SQL that cannot contain a name from the database or the inventory."""
    if isinstance(node, ast.Name):  # the loop variable of `for text in packaged_statements(...)`
        return node.id in static_names
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SQL_SOURCES:
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "read_text":  # a packaged file: (files("auditor") / "demo" / "x.sql").read_text()
            return any(
                isinstance(part, ast.Constant) and str(part.value).endswith(".sql") for part in ast.walk(node.func)
            )
        if node.func.attr == "encode":  # the bytes of static text
            return _static_sql(node.func.value, static_names)
        if node.func.attr == "mogrify":  # static text, its values quoted in by psycopg (SET takes no parameters)
            return bool(node.args) and _static_sql(node.args[0], static_names)
        if node.func.attr == "format":  # psycopg's sql.SQL("... {}").format(sql.Identifier(...)) quotes names
            target = node.func.value
            return (
                isinstance(target, ast.Call)
                and isinstance(target.func, ast.Attribute)
                and target.func.attr == "SQL"
                and all(isinstance(a, ast.Constant) for a in target.args)
            )
    return False


def _loop_sql_names(tree: ast.AST) -> set[str]:
    """Names bound by `for text in <static SQL source>` (or `for text, names in ...`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and _static_sql(node.iter, set()):
            target = node.target.elts[0] if isinstance(node.target, ast.Tuple) else node.target
            if isinstance(target, ast.Name):
                names.add(target.id)
    return names


def execute_calls() -> list[tuple[Path, int, ast.Call, set[str]]]:
    calls = []
    for path in sorted((REPO / "auditor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        static_names = _loop_sql_names(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SENDING
                and node.args
            ):
                calls.append((path, node.lineno, node, static_names))
    return calls


def test_every_statement_is_a_packaged_sql_file_or_composed_by_psycopg() -> None:
    calls = execute_calls()
    assert len(calls) >= 5, "the scan found too few execute() calls to be looking in the right place"
    dynamic = [
        f"{p.relative_to(REPO)}:{line}" for p, line, call, names in calls if not _static_sql(call.args[0], names)
    ]
    assert any(p.name == "pipeline.py" for p, *_ in calls), "the pipeline's sends are among those checked"
    assert dynamic == [], f"SQL built at run time (use auditor/sql/*.sql with bound parameters): {dynamic}"


def test_sql_files_take_values_only_as_bound_parameters() -> None:
    for path in sorted((REPO / "auditor" / "sql").glob("*.sql")):
        text = path.read_text(encoding="utf-8").replace("%%", "")
        for placeholder in re.findall(r"%(\(\w+\))?", text):
            assert placeholder, f"{path.name}: only named placeholders like %(schemas)s are used"
