"""`auditor audit --env local` end to end, against a real OurVidz-shaped database."""

from __future__ import annotations

import json
import re
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from tests import pg
from tests.conftest import run_auditor
from tests.test_render import terminal_findings

DRIFT = """
alter table public.profiles drop column age_verified;
create table public.feature_flags (id serial primary key, name text not null, enabled boolean);
drop table public.usage_logs;
update storage.buckets set public = true where id = 'reference_images';
update storage.buckets set file_size_limit = 100 * 1024 * 1024 where id = 'user-library';
insert into storage.objects (bucket_id, name, metadata)
values ('image_high', 'old/a.png', '{"size": 2048}'), ('image_high', 'old/b.png', '{"size": 4096}');
"""

MB = 1024 * 1024

EXPECTED = [  # raw values: the prose is in each finding's message
    ("table-exposed", "error", "table", "feature_flags", None, ["anon", "authenticated"]),
    ("column-count", "error", "table", "profiles", 7, 6),
    ("table-missing", "error", "table", "usage_logs", True, False),
    ("table-undeclared", "warning", "table", "feature_flags", False, True),
    ("bucket-visibility", "error", "bucket", "reference_images", False, True),
    ("bucket-size-limit", "error", "bucket", "user-library", 50 * MB, 100 * MB),
    ("bucket-legacy-in-use", "warning", "bucket", "image_high", 0, 2),
    ("doc-stale", "warning", "doc", "12-profiles.md", 7, 6),
    ("doc-stale", "warning", "doc", "90-reference_images.md", {"public": False}, {"public": True}),
    ("doc-stale", "warning", "doc", "91-user-library.md", {"file_size_limit": 50 * MB}, {"file_size_limit": 100 * MB}),
]


def audit(url: str, *args: str):
    return run_auditor("audit", "--env", "local", *args, env={"OURVIDZ_LOCAL_DATABASE_URL": url})


def test_clean_database_gives_no_findings(ourvidz_db: str) -> None:
    result = audit(ourvidz_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("✔ No drift: the database matches the inventory")
    data = json.loads(audit(ourvidz_db, "--format", "json").stdout)
    assert data["status"] == "clean"
    assert data["findings"] == []
    assert data["summary"]["tables_live"] == 26 and data["summary"]["buckets_live"] == 10
    assert data["skipped"] == []


def test_drift_is_reported_exactly_in_every_format(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(ourvidz_db, DRIFT)

    result = audit(ourvidz_db, "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    found = [(f["rule"], f["severity"], f["kind"], f["name"], f["expected"], f["actual"]) for f in data["findings"]]
    assert found == EXPECTED
    assert data["summary"]["error"] == 5 and data["summary"]["warning"] == 5
    assert data["environment"] == "local"

    markdown_path = tmp_path / "audit.md"
    result = audit(ourvidz_db, "--format", "markdown", "--output", str(markdown_path))
    assert result.returncode == 1
    markdown = markdown_path.read_text()
    assert markdown.startswith("## ❌ Inventory audit: Drift found: 5 errors, 5 warnings")
    errors = markdown.split("\n### Errors (5)\n")[1].split("\n### Warnings (5)\n")[0]
    warnings = markdown.split("\n### Warnings (5)\n")[1].split("\n### Security\n")[0]
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert len(rows) == len(EXPECTED)
    for rule, severity, _, name, _, _ in EXPECTED:
        cell = "| " + name.replace("_", "\\_") + " |"
        assert any(row.startswith(f"| `{rule}`") and cell in row for row in rows), rule
        assert f"| `{rule}`" in (errors if severity == "error" else warnings)
    assert "Bucket user-library allows 100MiB per file; the inventory says 50MiB." in markdown

    result = audit(ourvidz_db)
    assert result.returncode == 1
    terminal = result.stdout
    assert terminal.splitlines()[0] == "✖ Drift found: 5 errors, 5 warnings"
    assert set(terminal_findings(terminal)) == {(f["rule"], f["message"]) for f in data["findings"]}
    assert len(terminal_findings(terminal)) == len(EXPECTED)  # exactly those findings, no others
    assert "\nErrors (5)\n" in terminal and "\nWarnings (5)\n" in terminal
    assert "\x1b[" not in terminal  # NO_COLOR and not a TTY: plain text


def test_fail_on_threshold(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, "create table public.feature_flags (id int);")
    pg.execute(ourvidz_db, "revoke all on public.feature_flags from anon, authenticated;")  # not exposed
    assert audit(ourvidz_db).returncode == 0  # only a warning; default --fail-on error
    assert audit(ourvidz_db, "--fail-on", "warning").returncode == 1
    pg.execute(ourvidz_db, "drop table public.jobs cascade;")
    assert audit(ourvidz_db, "--fail-on", "never").returncode == 0


def test_extra_report_files_in_one_run(ourvidz_db: str, tmp_path: Path) -> None:
    result = audit(ourvidz_db, "--markdown", str(tmp_path / "r/a.md"), "--json", str(tmp_path / "r/a.json"))
    assert result.returncode == 0
    assert json.loads((tmp_path / "r/a.json").read_text())["status"] == "clean"
    assert "No drift" in (tmp_path / "r/a.md").read_text()
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["a.json", "a.md"]  # no temp files left


def test_same_state_gives_same_bytes(ourvidz_db: str) -> None:
    pg.execute(ourvidz_db, DRIFT)
    first, second = (json.loads(audit(ourvidz_db, "-f", "json").stdout) for _ in range(2))
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second
    markdown = [audit(ourvidz_db, "-f", "markdown").stdout for _ in range(2)]
    strip = [re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<generated_at>", m) for m in markdown]
    assert strip[0] == strip[1]


def test_db_url_overrides_the_environment(ourvidz_db: str) -> None:
    result = run_auditor(
        "audit",
        "--env",
        "prod",
        "--db-url",
        ourvidz_db,
        env={"OURVIDZ_PROD_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 0, result.stderr
    result = run_auditor("audit", "-f", "json", env={"AUDITOR_DATABASE_URL": ourvidz_db})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # a run given only a URL is named after its target
    name = report["environment"]
    assert re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name)  # a name an environment may have
    if conninfo_to_dict(ourvidz_db).get("host") == "127.0.0.1":
        assert name == f"postgres-127.0.0.1-5432-{pg.conninfo_dbname(ourvidz_db)}"
    else:  # the embedded server's socket folder: a long target, cut with a digest of the whole
        assert name.startswith("postgres-tmp-") and len(name) == 64
