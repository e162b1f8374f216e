"""Documentation drift offline: the docs folder scanned, compared with inventory.yaml, status, inventory document.

The folder built by `seed_docs` reproduces the seed INVENTORY.md's situation: documented pages,
stubs, docs the inventory claims but that are missing, a misnumbered page, an orphan, a doc for
a table the inventory calls undocumented, and two pages about one table.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from auditor.docs.compare import docs_status
from auditor.docs.markdown import parse_page
from auditor.docs.reading import read_page
from auditor.docs.scaffold import plan_scaffold, write_plan
from auditor.docs.source import load_docs_inputs
from auditor.docs.tree import ObjectRef
from auditor.errors import InventoryError, UsageError
from auditor.inventory import load_inventory
from tests.conftest import INVENTORY, REPO, run_auditor

PROSE = (
    "This page explains what the table holds, which part of the application writes it, which part "
    "reads it, and what a migration has to keep in mind. It is long enough not to count as a stub: "
    "more than the 200 bytes below which inventory.yaml's docs count as stubs.\n"
)

SEED_DOCS = {
    "00-INVENTORY.md": "# Inventory\n\nThe table of contents (a meta doc: 00-09 is no group's range).\n" + PROSE,
    "01-INVENTORY_SQL.md": "# Inventory SQL\n\n```sql\nselect 1;\n```\n" + PROSE,
    "README.md": "# Database docs\n",
    "10-prompt_templates.md": "# prompt_templates\n\n" + PROSE,
    "11-system_config_cache.md": "# system_config\n\n" + PROSE,
    "12-profiles.md": "# profiles\n\nTODO\n",
    "13-user_roles.md": "# user_roles\n\nRole assignments.\n",
    "45-api_providers.md": "# api_providers\n\n" + PROSE,
    "20-conversations_messages.md": (
        "# Conversations & messages\n\n" + PROSE + "\n## conversations\n\n"
        "- id (uuid) - primary key\n- user_id (uuid) - owner\n- character_id (uuid) - roleplay character\n"
        "- user_character_id (uuid)\n- project_id (uuid)\n- title (text)\n- conversation_type (text)\n"
        "- status (text)\n- created_at (timestamptz)\n- updated_at (timestamptz)\n\n"
        "## messages\n\n### Columns\n\n| Column | Type |\n|---|---|\n| `id` | uuid |\n"
        "| `conversation_id` | uuid |\n| `role` | text |\n| `content` | text |\n| `message_type` | text |\n"
        "| `created_at` | timestamptz |\n"
    ),
    "30-jobs.md": "# jobs\n\nThe queue has 15 columns.\n\n" + PROSE,
    "31-negative_prompts.md": "# negative_prompts\n\n" + PROSE,
    "32-enhancement_presets.md": "# enhancement_presets\n\n" + PROSE,
    "33-compel_configs.md": "# compel_configs\n\n" + PROSE,
    "40-images_videos.md": "# Images and videos (user_library)\n\n" + PROSE,
    "41-user_library.md": "# user_library\n\n" + PROSE,
    "42-user_collections.md": "# user_collections\n\n" + PROSE,
    "43-workspace_assets.md": "# workspace_assets\n\n" + PROSE,
    "44-scenes.md": "# scenes\n\n" + PROSE,
    "50-characters.md": "# characters\n\n" + PROSE,
    "51-character_scenes.md": "# character_scenes\n\n" + PROSE + "\nExamples: TBD.\n",
    "70-usage_logs.md": "# usage_logs\n\n" + PROSE,
    "72-feature_flags.md": "# feature_flags\n\n" + PROSE,
    "90-reference_images.md": "# reference_images\n\n" + PROSE + "\n- **Public**: no\n- **File size limit**: 5MB\n",
    "91-user-library.md": "# user-library\n\n" + PROSE + "\n| Setting | Value |\n|---|---|\n| Public | no |\n"
    "| File size limit | 50MiB |\n",
}

SEED_FINDINGS = [
    ("doc-missing", "error", "api_models"),
    ("doc-missing", "error", "projects"),
    ("doc-missing", "error", "workspace-temp"),
    ("doc-stub", "warning", "12-profiles.md"),
    ("doc-stub", "warning", "13-user_roles.md"),
    ("doc-misnumbered", "warning", "45-api_providers.md"),
    ("doc-stub", "warning", "51-character_scenes.md"),
    ("doc-undeclared", "warning", "70-usage_logs.md"),
    ("doc-orphan", "warning", "72-feature_flags.md"),
    ("doc-duplicate", "warning", "user_library"),
]


def seed_docs(root: Path, docs: dict[str, str] = SEED_DOCS) -> Path:
    """The repository's inventory.yaml in `root`, with a docs/database folder holding `docs`."""
    shutil.copyfile(INVENTORY, root / "inventory.yaml")
    folder = root / "docs" / "database"
    folder.mkdir(parents=True)
    for name, text in docs.items():
        (folder / name).write_text(text)
    return root / "inventory.yaml"


def test_seed_situation_gives_exact_findings_states_and_coverage(tmp_path: Path) -> None:
    inputs = load_docs_inputs(seed_docs(tmp_path))
    status = docs_status(inputs.inventory, inputs.docs)
    assert [(f.rule, f.severity.value, f.name) for f in status.findings] == SEED_FINDINGS
    assert {f.kind for f in status.findings} == {"doc"}
    states = {o.ref.name: o.state for o in status.objects}
    assert [name for name, state in states.items() if state == "stub"] == ["profiles", "user_roles", "character_scenes"]
    assert [name for name, state in states.items() if state == "missing"] == [
        "api_models",
        "projects",
        "workspace-temp",
    ]
    assert states["usage_logs"] == "documented" and states["user_activity_log"] == "undocumented"
    assert (status.documented, len(status.objects), round(status.coverage, 1)) == (17, 36, 47.2)
    by_name = {o.ref.name: o for o in status.objects}
    assert by_name["user_library"].files == ("40-images_videos.md", "41-user_library.md")
    assert by_name["conversations"].files == by_name["messages"].files == ("20-conversations_messages.md",)
    assert by_name["api_providers"].rules == ("doc-misnumbered",)


def test_status_command_prints_table_coverage_and_findings(tmp_path: Path) -> None:
    result = run_auditor("docs", "status", "--inventory", str(seed_docs(tmp_path)), env={"COLUMNS": "200"})
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Documentation of OurVidz in docs/database: 17 of 36 tables and buckets have a page that is not a stub (47.2%)"
    )
    assert lines[1] == "17 documented · 0 stale · 3 stub · 3 missing · 13 undocumented"
    assert lines[3].split() == ["KIND", "NAME", "PAGE", "STATE", "NOTES"]
    rows = {line.split()[1]: line.split()[2:] for line in lines[4:40]}
    assert rows["profiles"] == ["12-profiles.md", "stub", "doc-stub"]
    assert rows["api_models"] == ["-", "missing", "doc-missing"]
    assert rows["user_library"] == ["40-images_videos.md,", "41-user_library.md", "documented", "doc-duplicate"]
    assert rows["avatars"] == ["-", "undocumented"]
    assert "Offline: pages were not compared with a database" in result.stdout
    assert "doc-orphan          72-feature_flags.md is about feature_flags, which is no object" in result.stdout


def test_a_clean_docs_folder_exits_0_and_a_missing_folder_is_said_once(tmp_path: Path) -> None:
    result = run_auditor("docs", "status", env={"COLUMNS": "200"})  # the repository's own docs
    assert result.returncode == 0, result.stdout + result.stderr
    assert "22 of 36 tables and buckets have a page that is not a stub (61.1%)" in result.stdout
    shutil.copyfile(INVENTORY, tmp_path / "inventory.yaml")
    result = run_auditor("docs", "status", "--inventory", str(tmp_path / "inventory.yaml"), env={"COLUMNS": "200"})
    assert result.returncode == 1
    assert result.stdout.count("does not exist") == 1
    words = " ".join(result.stdout.split())
    assert (
        f"error doc-folder-missing The docs folder docs/database (docs.folder in {tmp_path / 'inventory.yaml'}) "
        "does not exist; the inventory says 22 objects are documented there."
    ) in words
    assert result.stdout.count("\n  error    doc-missing ") == 22  # each object's page, without the folder again
    assert "doc: true), but there is no NN-profiles.md.\n" in result.stdout


def test_an_inventory_without_docs_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text("version: 1\ntables:\n  profiles: {}\n")
    result = run_auditor("docs", "status", "--inventory", str(tmp_path / "inventory.yaml"))
    assert result.returncode == 2
    assert "names no docs folder" in result.stderr and "Traceback" not in result.stderr


def test_stub_size_is_configurable_and_validated(tmp_path: Path) -> None:
    text = INVENTORY.read_text().replace("  folder: docs/database\n", "  folder: docs/database\n  stub_bytes: 20\n")
    seed_docs(tmp_path)
    (tmp_path / "inventory.yaml").write_text(text)
    inputs = load_docs_inputs(tmp_path / "inventory.yaml")
    stubs = [f.name for f in docs_status(inputs.inventory, inputs.docs).findings if f.rule == "doc-stub"]
    assert stubs == ["12-profiles.md", "51-character_scenes.md"]  # 13-user_roles.md (33 bytes) is no stub now
    (tmp_path / "inventory.yaml").write_text(text.replace("stub_bytes: 20", "stub_bytes: -5"))
    with pytest.raises(InventoryError, match=r"docs\.stub_bytes: expected a whole number of bytes"):
        load_inventory(tmp_path / "inventory.yaml")


# --- what a doc claims -------------------------------------------------------------------------


def test_reading_bullets_tables_settings_and_per_table_sections() -> None:
    text = (
        "# Conversations & messages\n\nThe conversations table has 3 columns.\n\n"
        "## conversations\n\n- `id` (uuid) - key\n- **title** (text)\n* status (text, not null)\n\n"
        "```\n- fenced (text)\n```\n<!-- - hidden (text) -->\n"
        "## messages\n\n### Columns\n\n| Name | Type |\n|:---|---|\n| `id` | uuid |\n| sender | text |\n\n"
        "Public: yes\n"
    )
    page = parse_page(text)
    conversations, messages = ObjectRef("table", "conversations"), ObjectRef("table", "messages")
    first = read_page(page, conversations, (messages,))
    assert first.columns == {"id": 7, "title": 8, "status": 9}
    assert not first.of("column_count")  # under the shared title heading: about neither alone
    second = read_page(page, messages, (conversations,))
    assert second.columns == {"id": 21, "sender": 22}
    alone = read_page(page, conversations)
    assert [(s.value, s.line) for s in alone.of("column_count")] == [(3, 3)]


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("- **Public**: no", "public", False),
        ("Visibility: public", "public", True),
        ("| File size limit | 10MB |", "file_size_limit", 10_000_000),
        ("| File size limit | 10MiB |", "file_size_limit", 10 * 1024 * 1024),
        ("- File size limit: no limit", "file_size_limit", None),
        ("Max file size: 500 KiB (the dashboard's setting)", "file_size_limit", 500 * 1024),
        ("Allowed MIME types: image/png, `image/jpeg`", "allowed_mime_types", ("image/jpeg", "image/png")),
        ("| Allowed MIME types | any |", "allowed_mime_types", None),
    ],
)
def test_bucket_settings_a_page_states(line: str, field: str, value: object) -> None:
    text = f"# bucket\n\n| Setting | Value |\n|---|---|\n{line}\n" if line.startswith("|") else f"# bucket\n\n{line}\n"
    reading = read_page(parse_page(text), ObjectRef("bucket", "b"))
    assert [(s.field, s.value) for s in reading.statements] == [(field, value)]


# --- the inventory document ----------------------------------------------------------------------


def test_committed_inventory_document_is_up_to_date() -> None:
    result = run_auditor("docs", "inventory", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "docs/INVENTORY.md is up to date." in result.stderr


def test_inventory_document_is_computed_deterministic_and_checked(tmp_path: Path) -> None:
    inventory = seed_docs(tmp_path)
    target = tmp_path / "docs" / "INVENTORY.md"
    assert run_auditor("docs", "inventory", "--inventory", str(inventory)).returncode == 0
    first = target.read_bytes()
    assert run_auditor("docs", "inventory", "-i", str(inventory), "--output", "-").stdout.encode() == first
    text = first.decode()
    assert "17 of 36 tables and buckets have a doc (47.2%), in docs/database." in text
    assert "### ✅ Documented Tables (15)\n- [x] api_providers (45-api_providers.md)\n" in text
    assert "- [x] user_library (40-images_videos.md, 41-user_library.md)\n" in text
    assert "- [ ] profiles (7 columns) - 12-profiles.md is a stub\n" in text
    assert "- [ ] api_models (19 columns) - declared documented, doc file missing\n" in text
    assert "- **reference_images** - User reference images (private, 10MiB limit)\n" in text
    assert "- **20-29**: Conversations and messaging\n" in text
    assert run_auditor("docs", "inventory", "-i", str(inventory), "--check").returncode == 0

    (tmp_path / "docs" / "database" / "12-profiles.md").write_text("# profiles\n\n" + PROSE)
    result = run_auditor("docs", "inventory", "-i", str(inventory), "--check")
    assert result.returncode == 1
    assert "-- [ ] profiles (7 columns) - 12-profiles.md is a stub" in result.stdout
    assert "+- [x] profiles (12-profiles.md)" in result.stdout
    assert "is out of date: run auditor docs inventory" in result.stderr
    assert target.read_bytes() == first  # --check writes nothing


def test_check_of_a_missing_document_fails(tmp_path: Path) -> None:
    inventory = str(seed_docs(tmp_path))
    result = run_auditor("docs", "inventory", "-i", inventory, "--check")
    assert result.returncode == 1
    assert f"INVENTORY.md does not exist: run auditor docs inventory -i {inventory} to write it" in result.stderr
    target = tmp_path / "out dir" / "INV.md"
    result = run_auditor("docs", "inventory", "-i", inventory, "--check", "-o", str(target))
    assert result.returncode == 1  # the hint writes the file the check reads
    assert f"run auditor docs inventory -i {inventory} -o '{target}' to write it" in result.stderr


def test_repository_docs_are_the_documented_objects() -> None:
    """docs/database holds a doc for exactly the objects inventory.yaml calls documented, none a stub."""
    inputs = load_docs_inputs(INVENTORY)
    status = docs_status(inputs.inventory, inputs.docs)
    assert status.findings == ()
    declared = {o.ref.name for o in status.objects if o.state == "documented"}
    inventory = load_inventory(INVENTORY)
    assert declared == {t.name for t in inventory.tables if t.doc} | {b.id for b in inventory.buckets if b.doc}
    assert len(list((REPO / "docs" / "database").glob("*.md"))) == 21


# --- scaffold, offline ---------------------------------------------------------------------------

TINY = """\
version: 1
project: Tiny
docs:
  folder: pages
groups:
  core: {title: Core, docs: 10-11}
  misc: {title: Misc}
  storage: {title: Storage, docs: 90-99}
tables:
  a: {group: core, columns: 2, doc: true}
  b: {group: core, doc: false}
  c: {group: core}
  d: {group: misc}
buckets:
  files: {group: storage, public: false, file_size_limit: 1MB}
"""


def test_offline_scaffold_numbers_skips_and_writes_inventory_facts(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(TINY)
    (tmp_path / "pages").mkdir()
    wide = {"COLUMNS": "200"}
    result = run_auditor("docs", "scaffold", "-i", "inventory.yaml", cwd=tmp_path, env=wide)  # paths as cwd has them
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [  # only what the inventory says is documented: a
        "created pages/10-a.md (a)",
        "Not drafted: 4 objects with doc: false (--all drafts them too).",
        "Offline: existing pages are not refreshed (add --env NAME or --db-url URL to refresh generated sections).",
    ]
    assert (tmp_path / "pages" / "10-a.md").read_text() == (
        "# a\n\nTODO: what a holds, who writes and reads it, and what a migration must keep in mind.\n\n"
        "<!-- auditor:generated:start table a -->\n"
        "`a` has 2 columns. `auditor docs scaffold --env NAME` lists them from the database.\n"
        "<!-- auditor:generated:end -->\n"
    )
    result = run_auditor("docs", "scaffold", "-i", "inventory.yaml", "--all", cwd=tmp_path, env=wide)
    assert result.stdout.splitlines() == [
        "created pages/11-b.md (b)",
        "created pages/90-files.md (files)",
        "skipped table c: no free number left in 10-11",
        "skipped table d: group misc has no doc number range",
        "Offline: existing pages are not refreshed (add --env NAME or --db-url URL to refresh generated sections).",
    ]
    assert (
        "| Public | no |\n| File size limit | 1MB |\n| Status | active |\n"
        in (tmp_path / "pages" / "90-files.md").read_text()
    )
    written = {p.name: p.read_bytes() for p in (tmp_path / "pages").iterdir()}
    again = run_auditor("docs", "scaffold", "-i", str(tmp_path / "inventory.yaml"), "--all", env=wide)
    assert again.stdout.splitlines()[:3] == [
        "Nothing to write.",
        "skipped table c: no free number left in 10-11",
        "skipped table d: group misc has no doc number range",
    ]
    assert {p.name: p.read_bytes() for p in (tmp_path / "pages").iterdir()} == written
    inputs = load_docs_inputs(tmp_path / "inventory.yaml")
    findings = [(f.rule, f.name) for f in docs_status(inputs.inventory, inputs.docs).findings]
    assert findings == [  # drafts are stubs: one finding per page, doc-undeclared of b and files not added
        ("doc-stub", "10-a.md"),
        ("doc-stub", "11-b.md"),
        ("doc-stub", "90-files.md"),
    ]


def test_scaffold_summary_is_short_when_nothing_is_to_write(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(TINY)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "10-a.md").write_text("# a\n\n" + PROSE)
    result = run_auditor("docs", "scaffold", "-i", "inventory.yaml", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.stdout.splitlines() == [
        "Nothing to write.",
        "Not drafted: 4 objects with doc: false (--all drafts them too).",
        "Offline: existing pages are not refreshed (add --env NAME or --db-url URL to",
        "refresh generated sections).",
    ]


def test_a_docs_folder_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(TINY)
    (tmp_path / "pages").write_text("not a folder")
    result = run_auditor("docs", "status", "-i", str(tmp_path / "inventory.yaml"))
    assert result.returncode == 2
    assert "pages (docs.folder in" in result.stderr and "is not a folder" in result.stderr


def test_scaffold_never_writes_over_a_file_or_outside_the_docs_folder(tmp_path: Path) -> None:
    (tmp_path / "pages" / "10-a.md").mkdir(parents=True)  # not a page the scan reads
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "a.md").write_text("hand-written\n")
    (tmp_path / "inventory.yaml").write_text(TINY.replace("doc: true", "doc: ../guides/a.md"))
    refused = run_auditor("docs", "scaffold", "-i", "inventory.yaml", cwd=tmp_path, env={"COLUMNS": "200"})
    assert refused.returncode == 2 and "tables.a.doc: expected a file name in the docs folder" in refused.stderr
    assert (tmp_path / "guides" / "a.md").read_text() == "hand-written\n"

    (tmp_path / "inventory.yaml").write_text(TINY)
    result = run_auditor("docs", "scaffold", "-i", "inventory.yaml", cwd=tmp_path, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "skipped page 10-a.md: something of that name is there that is no doc page; not replaced" in result.stdout
    assert (tmp_path / "pages" / "10-a.md").is_dir()

    inputs = load_docs_inputs(tmp_path / "inventory.yaml")  # a file made between plan and write
    plan = plan_scaffold(inputs.inventory, inputs.docs, {})
    (tmp_path / "pages" / "10-a.md").rmdir()
    (tmp_path / "pages" / "10-a.md").write_text("made meanwhile\n")
    with pytest.raises(UsageError, match="a file is there already; it was not replaced"):
        write_plan(tmp_path / "pages", plan)
    assert (tmp_path / "pages" / "10-a.md").read_text() == "made meanwhile\n"


def test_written_docs_get_the_usual_permissions_and_keep_their_own(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(TINY)
    assert run_auditor("docs", "scaffold", "-i", "inventory.yaml", cwd=tmp_path).returncode == 0
    mask = os.umask(0)
    os.umask(mask)
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "pages").iterdir()} == {0o666 & ~mask}
    target = tmp_path / "INVENTORY.md"
    target.write_text("old\n")
    target.chmod(0o640)
    assert run_auditor("docs", "inventory", "-i", "inventory.yaml", "-o", "INVENTORY.md", cwd=tmp_path).returncode == 0
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_text() != "old\n"


def test_writing_the_inventory_document_into_a_folder_says_what_failed(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(TINY)
    (tmp_path / "out").mkdir()
    result = run_auditor("docs", "inventory", "-i", "inventory.yaml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: Cannot write the inventory document to out: it is a folder.\n"  # as audit says it


def test_scaffold_prints_paths_as_the_working_directory_reaches_them(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(TINY)
    inventory = f"{tmp_path.name}/inventory.yaml"
    result = run_auditor("docs", "scaffold", "-i", inventory, "--dry-run", cwd=tmp_path.parent)
    assert result.stdout.splitlines()[0] == f"would create {tmp_path.name}/pages/10-a.md (a)"
