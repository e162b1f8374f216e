"""`auditor snapshot` and `auditor accept` against real databases: round trips, --update, --prune,
--dry-run, accept, all through the real command or library, and files compared byte for byte."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from auditor.inventory import load_inventory
from auditor.snapshot import EditError, refresh_inventory
from auditor.snapshot import _check_loads as check_loads
from auditor.snapshot.yaml_text import scalar
from tests import pg
from tests.conftest import run_auditor

GOLDEN = Path(__file__).parent / "golden"
ENV = "OURVIDZ_LOCAL_DATABASE_URL"

# A migration that happened: one column added, a table created and one dropped, a bucket's
# limit raised, a bucket created.
DRIFT = """
alter table public.profiles add column birth_date date;
create table public.feature_flags (id serial primary key, name text not null);
alter table public.feature_flags enable row level security;
create policy read_flags on public.feature_flags for select using (true);
drop table public.usage_logs;
update storage.buckets set file_size_limit = 100 * 1024 * 1024 where id = 'user-library';
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('exports', 'exports', false, 1048576, '{text/csv,application/json}');
"""

# Names YAML would mistype or that need quoting, in a second schema with a space and a quote.
ODD_SCHEMA = '"Odd ""Schema"""'  # the schema Odd "Schema", quoted for SQL
AWKWARD = """
create schema S;
create type S."Mood" as enum ('happy', 'sad');
create table S.events (id int);
create table S."true" ("on" int, "My Col" text, "x: y # z" numeric(10,2));
create table S."null" ("yes" int[], mood S."Mood");
create table S."123" ("Ünïcødé 😀" timestamptz(3));
create table S."My Table" ("select" text, "-dash" text, "a""quote" text);
create table S."emoji 😀 table" ();
create table S."a.b" (c int);
create table S."public.x" (c int);
create table S."abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstuvwxyz_0123456789" (c int);
create table public."select" (id int);
create table public."a.b" (id int);
revoke all on public."select", public."a.b" from anon, authenticated;
insert into storage.buckets (id, name, public, allowed_mime_types) values
  ('true', 'true', true, '{image/*}'),
  ('with space: and # hash', 'with space: and # hash', false, null),
  ('ünï 😀', 'ünï 😀', false, '{"text/plain; charset=utf-8"}');
""".replace("S.", ODD_SCHEMA + ".").replace("schema S;", f"schema {ODD_SCHEMA};")


def snapshot(path: Path, url: str, *args: str):
    return run_auditor(
        "snapshot", "--env", "local", "--output", str(path), "--project", "OurVidz", *args, env={ENV: url}
    )


def audit_json(path: Path, url: str) -> dict:
    result = run_auditor("audit", "--env", "local", "-i", str(path), "--format", "json", env={ENV: url})
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def findings(path: Path, url: str) -> list[tuple[str, str]]:
    return [(f["rule"], f["name"]) for f in audit_json(path, url)["findings"]]


# --- snapshot: a new file ----------------------------------------------------------------


@pytest.mark.parametrize("columns", [(), ("--columns",)], ids=["counts", "columns"])
def test_snapshot_then_audit_is_clean(ourvidz_db: str, tmp_path: Path, columns: tuple[str, ...]) -> None:
    (tmp_path / "docs" / "database").mkdir(parents=True)
    (tmp_path / "docs" / "database" / "12-profiles.md").write_text("# profiles\n\nUser profiles.\n" * 20)
    path = tmp_path / "inventory.yaml"
    result = snapshot(path, ourvidz_db, *columns)
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    inventory = load_inventory(path)
    assert len(inventory.tables) == 26 and len(inventory.buckets) == 10
    assert "database_url: ${OURVIDZ_LOCAL_DATABASE_URL}\n" in text
    assert "auditor_test" not in text and "127.0.0.1" not in text  # never the URL it was given
    assert "  profiles:\n" in text and "    doc: 12-profiles.md\n" in text
    assert "  user-library:  # " in text and "    file_size_limit: 50MiB\n" in text
    assert findings(path, ourvidz_db) == []

    again = tmp_path / "again.yaml"
    assert snapshot(again, ourvidz_db, *columns).returncode == 0
    assert again.read_bytes() == path.read_bytes()  # deterministic


def test_snapshot_of_awkward_names_round_trips(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(ourvidz_db, AWKWARD)
    path = tmp_path / "inventory.yaml"
    result = snapshot(path, ourvidz_db, "--columns", "--schema", "public", "--schema", 'Odd "Schema"')
    assert result.returncode == 0, result.stderr
    inventory = load_inventory(path)
    names = {(t.schema, t.name) for t in inventory.tables}
    odd = 'Odd "Schema"'
    for name in ("true", "null", "123", "My Table", "emoji 😀 table", "a.b", "public.x", "events"):
        assert (odd, name) in names, name
    assert ("public", "select") in names and ("public", "a.b") in names
    assert {"true", "with space: and # hash", "ünï 😀"} <= {b.id for b in inventory.buckets}
    assert '  "Odd \\"Schema\\".true":\n' in path.read_text()
    assert findings(path, ourvidz_db) == []


def test_snapshot_refuses_to_overwrite(ourvidz_db: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("# mine\n")
    result = snapshot(path, ourvidz_db)
    assert result.returncode == 2
    assert "already exists" in result.stderr and "--update" in result.stderr and "--force" in result.stderr
    assert path.read_text() == "# mine\n"
    assert snapshot(path, ourvidz_db, "--force").returncode == 0
    assert load_inventory(path).tables


def test_scalars_read_back_as_written() -> None:
    for name in ("true", "null", "123", "yes", "On", "~", "a: b", "a #b", "-x", "*/*", "<<", "a\nb", "\x01", "😀", ""):
        text = scalar(name)
        assert text.startswith('"'), name
        assert yaml.safe_load(f"{text}: {text}\n") == {name: name}
    assert scalar("profiles") == "profiles" and scalar("image/svg+xml") == "image/svg+xml"


# --- snapshot --update -----------------------------------------------------------------------


@pytest.fixture
def drifted(ourvidz_db: str, tmp_path: Path) -> tuple[str, Path]:
    """The OurVidz database after DRIFT, and a copy of the hand-written inventory beside it."""
    pg.execute(ourvidz_db, DRIFT)
    path = tmp_path / "inventory.yaml"
    shutil.copyfile(GOLDEN / "update-before.yaml", path)
    return ourvidz_db, path


def test_update_keeps_everything_outside_the_changed_lines(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    outcome = refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: url})
    outcome.write()
    assert path.read_bytes() == (GOLDEN / "update-after.yaml").read_bytes()
    assert [c.summary for c in outcome.changes] == [
        "table profiles: columns 7 -> 8",
        "table usage_logs: marked gone",
        "added table feature_flags",
        "bucket user-library: file_size_limit: 100MiB",
        "added bucket exports",
    ]
    # the audit now reports only what a person must decide: the dropped table
    assert [r for r in findings(path, url) if not r[0].startswith("doc-")] == [("table-missing", "usage_logs")]
    # a second refresh changes nothing (the marker is not written twice)
    assert refresh_inventory(path, environment="local", on="2026-12-01", environ={ENV: url}).new == path.read_text()


def test_update_prune_removes_what_is_gone(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: url}).write()  # marks first
    pruned = refresh_inventory(path, environment="local", prune=True, environ={ENV: url})
    pruned.write()
    text = path.read_text()
    assert "usage_logs" not in text and "gone from" not in text
    expected = (GOLDEN / "update-after.yaml").read_text()
    entry = expected[expected.index("  # gone from local") : expected.index("\n  # Admin & Development")]
    assert expected.replace(entry, "").replace("\n\n\n", "\n\n") == text.replace("\n\n\n", "\n\n")
    assert [r for r in findings(path, url) if not r[0].startswith("doc-")] == []


def test_update_dry_run_prints_the_diff_and_changes_nothing(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    before = path.read_bytes()
    result = run_auditor("snapshot", "--env", "local", "-o", str(path), "--update", "--dry-run", env={ENV: url})
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before
    assert result.stdout.startswith(f"--- {path} (before)\n+++ {path}\n@@ ")
    assert "\n-    columns: 7\n+    columns: 8\n" in result.stdout
    assert "\n+  feature_flags:\n+    columns: 2\n" in result.stdout
    assert "profiles: columns 7 -> 8" in result.stderr


def test_update_marker_goes_when_the_object_comes_back(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: url}).write()
    pg.execute(url, "create table public.usage_logs (a int, b int, c int, d int, e int, f int, g int, h int);")
    outcome = refresh_inventory(path, environment="local", environ={ENV: url})
    assert "gone from" not in outcome.new
    assert [c.summary for c in outcome.changes] == ["table usage_logs: back in local, marker removed"]


# --- accept ----------------------------------------------------------------------------------


def test_accept_changes_only_that_entry(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    before = path.read_text().splitlines()
    result = run_auditor("accept", "column-count", "profiles", "--env", "local", "-i", str(path), env={ENV: url})
    assert result.returncode == 0, result.stderr
    after = path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("    columns: 7", "    columns: 8")]
    remaining = findings(path, url)
    assert ("column-count", "profiles") not in remaining and ("table-missing", "usage_logs") in remaining

    result = run_auditor("accept", "table-missing", "usage_logs", "--env", "local", "-i", str(path), env={ENV: url})
    assert result.returncode == 0, result.stderr
    assert "usage_logs" not in path.read_text()
    load_inventory(path)


def test_accept_without_such_a_finding_is_a_clear_error(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    before = path.read_bytes()
    result = run_auditor("accept", "column-count", "mesages", "--env", "local", "-i", str(path), env={ENV: url})
    assert result.returncode == 2
    assert result.stderr.startswith("error: No column-count finding for 'mesages' in environment 'local'")
    assert "profiles" in result.stderr  # the objects that do have one
    assert path.read_bytes() == before
    # a declared table without the finding: accepted already, or never drifted; nothing to do
    result = run_auditor("accept", "column-count", "messages", "--env", "local", "-i", str(path), env={ENV: url})
    assert result.returncode == 0 and "nothing to accept" in result.stderr
    assert path.read_bytes() == before


def test_update_fills_empty_and_flow_sections_keeping_crlf(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    before = (
        "version: 1\r\nproject: OurVidz\r\ntables: {}  # none yet\r\nbuckets:\r\n"
        "  avatars: {public: true, status: active}\r\n  gone_bucket: {}\r\n"
        'environments:\r\n  local: {database_url: "${OURVIDZ_LOCAL_DATABASE_URL}"}'
    )
    path.write_bytes(before.encode())
    refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: url}).write()
    text = path.read_bytes().decode()
    assert text.count("\n") == text.count("\r\n") > 40
    assert text.startswith("version: 1\r\nproject: OurVidz\r\ntables:  # none yet\r\n  admin_development_progress:\r\n")
    assert (
        "  avatars: {public: true, status: active}\r\n  # gone from local on 2026-11-26: bucket gone_bucket\r\n" in text
    )
    assert text.endswith('environments:\r\n  local: {database_url: "${OURVIDZ_LOCAL_DATABASE_URL}"}')
    assert {r for r in findings(path, url) if r[0] != "table-exposed"} == {("bucket-missing", "gone_bucket")}


def test_update_records_a_new_doc_page_and_accept_drops_a_missing_one(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    (path.parent / "docs" / "database").mkdir(parents=True)
    page = "# user_activity_log\n\nWho did what, when: one row per user action, kept for analytics.\n" * 5
    (path.parent / "docs" / "database" / "13-user_activity_log.md").write_text(page)
    outcome = refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: url})
    assert "user_activity_log: doc: 13-user_activity_log.md" in [c.summary for c in outcome.changes]
    assert (
        "    description: User activity tracking and analytics\n    columns: 9\n    doc: 13-user_activity_log.md\n"
        in (outcome.new)
    )
    assert ("doc-missing", "profiles") in [(f.rule, f.name) for f in outcome.left]  # a person's call
    outcome.write()

    result = run_auditor("accept", "doc-missing", "profiles", "--env", "local", "-i", str(path), env={ENV: url})
    assert result.returncode == 0, result.stderr
    assert "    columns: 8\n    doc: false\n  user_roles:" in path.read_text()
    assert not [r for r in findings(path, url) if r[0] == "doc-undeclared" or r == ("doc-missing", "profiles")]


def test_update_edits_declared_column_lists(ourvidz_db: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    assert snapshot(path, ourvidz_db, "--columns").returncode == 0
    original = path.read_text()
    start = original.index("  negative_prompts:\n")
    block = original[start : original.index("  profiles:\n")]
    assert block.endswith(
        "      - created_by: uuid\n      - description: text\n    policies:\n"
        "      Signed-in users can read active negative prompts: {command: select, roles: [authenticated]}\n"
    )
    pg.execute(
        ourvidz_db,
        "alter table public.negative_prompts add column note text;"
        "alter table public.negative_prompts alter column priority type bigint;"
        "alter table public.negative_prompts drop column description;",
    )
    marked = refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: ourvidz_db})
    changed = block.replace("      - priority: integer\n", "      - priority: bigint\n").replace(
        "      - description: text\n",
        "      # gone from local on 2026-11-26: column negative_prompts.description\n"
        "      - description: text\n"
        "      - note: text\n",
    )
    assert marked.new == original.replace(block, changed)
    marked.write()
    assert findings(path, ourvidz_db) == [("column-missing", "negative_prompts.description")]

    refresh_inventory(path, environment="local", prune=True, environ={ENV: ourvidz_db}).write()
    assert path.read_text() == original.replace(
        block, changed.replace(changed[changed.index("      # gone") : changed.index("      - note")], "")
    )
    assert findings(path, ourvidz_db) == []


def test_accept_rls_disabled_adds_the_key_to_the_entry(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    accepted = run_auditor(
        "accept", "table-undeclared", "feature_flags", "--env", "local", "-i", str(path), env={ENV: url}
    )
    assert accepted.returncode == 0, accepted.stderr
    pg.execute(
        url,
        "drop policy read_flags on public.feature_flags;"
        "alter table public.feature_flags disable row level security;"
        "revoke all on public.feature_flags from anon, authenticated;",
    )
    assert ("rls-disabled", "feature_flags") in findings(path, url)
    before = path.read_text()
    result = run_auditor("accept", "rls-disabled", "feature_flags", "--env", "local", "-i", str(path), env={ENV: url})
    assert result.returncode == 0, result.stderr
    entry = "  feature_flags:\n    columns: 2\n    doc: false\n    policies:\n"
    entry += "      read_flags: {command: select, roles: [public]}\n"
    assert path.read_text() == before.replace(entry, entry + "    rls: false\n")
    assert ("rls-disabled", "feature_flags") not in findings(path, url)


# --- awkward files ---------------------------------------------------------------------------

LOCAL = 'environments:\n  local: {database_url: "${OURVIDZ_LOCAL_DATABASE_URL}"}\n'


def test_an_entry_written_as_an_alias_is_left_for_a_person(ourvidz_db: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    original = "version: 1\nproject: OurVidz\ntables:\n  profiles: &prof {columns: 9}\n  user_roles: *prof\n" + LOCAL
    path.write_text(original)
    accept = ("accept", "column-count", "user_roles", "--env", "local", "-i", str(path))
    accepted = run_auditor(*accept, env={ENV: ourvidz_db})
    assert accepted.returncode == 2, accepted.stderr
    assert "A column-count finding cannot be accepted by editing inventory.yaml" in accepted.stderr
    assert path.read_text() == original  # profiles, the anchored entry, is not rewritten either
    updated = run_auditor("snapshot", "--env", "local", "--update", "-i", str(path), env={ENV: ourvidz_db})
    assert updated.returncode == 0, updated.stderr  # two findings on one node: no overlapping edits
    assert path.read_text().startswith(
        "version: 1\nproject: OurVidz\ntables:\n  profiles: &prof {columns: 7}\n  user_roles: *prof\n"
    )
    assert "  left for a person (see auditor audit):\n    column-count: user_roles\n" in updated.stderr


def test_inserts_at_one_place_keep_each_line_with_its_entry(ourvidz_db: str, tmp_path: Path) -> None:
    """A key added to an entry, a gone-marker above the next one and new entries all land at one offset."""
    (tmp_path / "docs").mkdir()
    for page in ("12-profiles.md", "13-user_roles.md"):  # written pages: a stub documents nothing yet
        (tmp_path / "docs" / page).write_text("# page\n\n" + "What the table holds and who reads it. " * 8)
    path = tmp_path / "inventory.yaml"
    tables = "tables:\n  user_roles:\n    columns: 4\n  gone_table:\n    columns: 1\n  profiles:\n    columns: 7\n"
    path.write_text("version: 1\nproject: OurVidz\ndocs: {folder: docs}\n" + tables + LOCAL)
    outcome = refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: ourvidz_db})
    assert (
        "tables:\n  user_roles:\n    columns: 4\n    doc: 13-user_roles.md\n"
        "  # gone from local on 2026-11-26: table gone_table\n  gone_table:\n    columns: 1\n"
        "  profiles:\n    columns: 7\n    doc: 12-profiles.md\n  admin_development_progress:\n" in outcome.new
    )
    outcome.write()
    assert [(t.name, t.doc) for t in load_inventory(path).tables][:3] == [
        ("user_roles", "13-user_roles.md"),
        ("gone_table", False),
        ("profiles", "12-profiles.md"),
    ]


def test_a_file_without_a_final_line_break(ourvidz_db: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    original = "version: 1\nproject: OurVidz\n" + LOCAL + "tables:\n  profiles: {columns: 7}"
    path.write_text(original)
    dry = run_auditor("snapshot", "--env", "local", "--update", "--dry-run", "-i", str(path), env={ENV: ourvidz_db})
    assert dry.returncode == 0, dry.stderr
    assert "\n-  profiles: {columns: 7}\n\\ No newline at end of file\n+  profiles: {columns: 7}\n" in dry.stdout
    copy = tmp_path / "patched.yaml"
    copy.write_text(original)
    patched = subprocess.run(["patch", "-s", str(copy)], input=dry.stdout, text=True, capture_output=True)
    assert patched.returncode == 0, patched.stderr
    refresh_inventory(path, environment="local", on="2026-11-26", environ={ENV: ourvidz_db}).write()
    assert copy.read_text() == path.read_text()
    added = path.read_text().split("tables:\n")[1].split("\nbuckets:\n")[0]
    assert "\n\n" not in added.rstrip("\n") and added.count("\n  ") > 20  # entries follow one another


def test_snapshot_into_a_folder_is_a_usage_error(ourvidz_db: str, tmp_path: Path) -> None:
    for args in (("--project", "x", "--force"), ("--update",), ()):
        result = run_auditor("snapshot", "--env", "local", "-o", str(tmp_path), *args, env={ENV: ourvidz_db})
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and str(tmp_path) in result.stderr


def test_dry_run_does_what_the_real_run_would(ourvidz_db: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("# mine\n")
    refused = snapshot(path, ourvidz_db)
    assert refused.returncode == 2 and "already exists" in refused.stderr
    for args in (("--dry-run",), ("--force", "--dry-run")):  # a dry run writes nothing: no --force needed
        dry = snapshot(path, ourvidz_db, *args)
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.startswith(f"--- {path} (before)\n+++ {path}\n@@ -1 +1,")
        assert "\n-# mine\n" in dry.stdout and path.read_text() == "# mine\n"


def test_a_new_file_gets_the_usual_permissions_and_an_existing_one_keeps_its_own(
    ourvidz_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "inventory.yaml"
    assert snapshot(path, ourvidz_db).returncode == 0
    assert path.stat().st_mode & 0o777 == 0o666 & ~current_umask()
    path.chmod(0o640)
    assert snapshot(path, ourvidz_db, "--force", "--columns").returncode == 0
    assert path.stat().st_mode & 0o777 == 0o640


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_invalid_edit_is_reported_with_the_real_file_name(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    with pytest.raises(EditError) as caught:
        check_loads("version: 2\n", path)
    assert f"{path}:1:10: version: unsupported version" in str(caught.value)
    assert "auditor-snapshot-" not in str(caught.value)


def test_snapshot_ci_check_force_and_dry_run_on_an_existing_file(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    before = path.read_bytes()
    check = run_auditor("snapshot", "--env", "local", "-i", str(path), "--update", "--check", env={ENV: url})
    assert check.returncode == 1 and "+    columns: 8" in check.stdout  # out of date: exit 1, the diff
    assert path.read_bytes() == before
    assert run_auditor("snapshot", "--env", "local", "-i", str(path), "--update", env={ENV: url}).returncode == 0
    check = run_auditor("snapshot", "--env", "local", "-i", str(path), "--update", "--check", env={ENV: url})
    assert check.returncode == 0 and check.stdout == ""  # up to date
    updated = path.read_bytes()

    dry = run_auditor("snapshot", "--env", "local", "-o", str(path), "--dry-run", "--db-url", url)
    assert dry.returncode == 0, dry.stderr  # no --force needed: nothing is written
    assert dry.stdout.startswith(f"--- {path} (before)") and "Would replace" in dry.stderr
    assert path.read_bytes() == updated
    forced = run_auditor("snapshot", "--env", "local", "-o", str(path), "--force", "--db-url", url)
    assert forced.returncode == 0 and f"Replaced {path} with a new snapshot." in forced.stderr
    assert "updated:" not in forced.stderr


def test_an_accept_run_twice_has_nothing_to_do_the_second_time(drifted: tuple[str, Path]) -> None:
    url, path = drifted
    args = ("accept", "column-count", "profiles", "--env", "local", "-i", str(path))
    assert run_auditor(*args, env={ENV: url}).returncode == 0
    again = run_auditor(*args, env={ENV: url})
    assert again.returncode == 0 and "nothing to accept" in again.stderr
    typo = run_auditor("accept", "column-count", "profile", "--env", "local", "-i", str(path), env={ENV: url})
    assert typo.returncode == 2 and "No column-count finding for 'profile'" in typo.stderr


def test_a_new_table_goes_in_its_place_in_a_sorted_section(ourvidz_db: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    assert snapshot(path, ourvidz_db).returncode == 0
    pg.execute(
        ourvidz_db,
        "create table public.jobs_archive (id int); alter table public.jobs_archive enable row level security",
    )
    refresh_inventory(path, environment="local", environ={ENV: ourvidz_db}).write()
    tables = path.read_text().split("\ntables:\n")[1].split("\n\n")[0]
    keys = re.findall(r"^  (\S+):", tables, flags=re.MULTILINE)
    assert "jobs_archive" in keys and keys == sorted(keys)


def test_policies_are_declared_by_default_only_while_a_person_can_read_them(
    ourvidz_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.snapshot as snapshot_module

    def new(**options) -> snapshot_module.Outcome:
        return snapshot_module.create_inventory(
            tmp_path / "inventory.yaml", environment="local", db_url=ourvidz_db, **options
        )

    assert "    policies:\n" in new().new and new().notes == []  # 26 tables: declared
    monkeypatch.setattr(snapshot_module, "POLICIES_BY_DEFAULT", 25)
    large = new()
    assert "policies:" not in large.new.split("\nstorage_policies:")[0]
    assert large.notes == [
        "the tables' policies are not declared: over 25 tables they would double the file; --policies declares them"
    ]
    assert "    policies:\n" in new(policies=True).new  # asked for: declared whatever the size


def test_a_schema_nothing_is_read_from_is_said(ourvidz_db: str, tmp_path: Path) -> None:
    """A typo in --schema writes an inventory that checks nothing: the snapshot says so."""
    result = run_auditor(
        "snapshot", "--env", "local", "-o", str(tmp_path / "inv.yaml"), "--schema", "public", "--schema", "pubilc",
        "--db-url", ourvidz_db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "note: schema pubilc holds no table, view or function this role can see" in result.stderr
    assert "schema public holds" not in result.stderr
