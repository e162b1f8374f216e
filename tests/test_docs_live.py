"""Documentation drift against a real OurVidz-shaped database: stale docs, `auditor audit`'s doc
section, and `auditor docs scaffold` (numbering, idempotence, text outside the markers kept)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from auditor.docs.generated import END
from tests import pg
from tests.conftest import INVENTORY, REPO, run_auditor
from tests.test_docs import SEED_FINDINGS, seed_docs

MB = 1024 * 1024

STALE = [
    ("doc-stale", "warning", "20-conversations_messages.md"),  # its messages section lists `role`, not `sender`
    ("doc-stale", "warning", "90-reference_images.md"),  # it says 5MB; the bucket allows 10MiB
]


def local(url: str) -> dict[str, str]:
    return {"OURVIDZ_LOCAL_DATABASE_URL": url, "COLUMNS": "200"}


def test_with_a_database_stale_docs_are_found_and_audit_reports_them(ourvidz_db: str, tmp_path: Path) -> None:
    inventory = str(seed_docs(tmp_path))
    result = run_auditor("docs", "status", "-i", inventory, "--env", "local", env=local(ourvidz_db))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    # stale pages count: they are written
    assert lines[0].endswith("17 of 36 tables and buckets have a page that is not a stub (47.2%)")
    assert lines[1] == "15 documented · 2 stale · 3 stub · 3 missing · 13 undocumented"
    rows = {line.split()[1]: line.split()[2:] for line in lines[4:40]}
    assert rows["messages"] == ["20-conversations_messages.md", "stale", "doc-stale"]
    assert rows["conversations"] == ["20-conversations_messages.md", "documented"]  # its section matches
    assert rows["reference_images"] == ["90-reference_images.md", "stale", "doc-stale"]
    assert rows["jobs"] == ["30-jobs.md", "documented"]  # "15 columns" holds

    result = run_auditor("audit", "-i", inventory, "--env", "local", "-f", "json", env=local(ourvidz_db))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert all(f["kind"] == "doc" for f in findings)  # the database itself matches the inventory
    expected = sorted(SEED_FINDINGS + STALE, key=lambda f: (f[1] != "error", f[2], f[0]))  # as reports sort
    assert [(f["rule"], f["severity"], f["name"]) for f in findings] == expected
    stale = {f["name"]: f for f in findings if f["rule"] == "doc-stale"}
    images = stale["90-reference_images.md"]
    assert (images["expected"], images["actual"]) == ({"file_size_limit": 5_000_000}, {"file_size_limit": 10 * MB})
    messages = stale["20-conversations_messages.md"]
    assert (messages["expected"], messages["actual"]) == (6, 6)  # as many columns, not the same ones
    assert messages["message"] == (
        "20-conversations_messages.md is out of date: it lists role (line 26), which messages does not have; "
        "its column list (line 22) leaves out sender."
    )
    assert (messages["path"], messages["line"], messages["about"]) == (
        "docs/database/20-conversations_messages.md",
        22,
        "messages",
    )


def test_scaffold_numbers_new_docs_in_their_group_and_is_idempotent(ourvidz_db: str, tmp_path: Path) -> None:
    shutil.copyfile(INVENTORY, tmp_path / "inventory.yaml")
    folder = tmp_path / "docs" / "database"
    folder.mkdir(parents=True)
    inventory = str(tmp_path / "inventory.yaml")

    dry = run_auditor("docs", "scaffold", "-i", "inventory.yaml", "--dry-run", cwd=tmp_path, env={"COLUMNS": "200"})
    assert dry.returncode == 0, dry.stderr
    assert list(folder.iterdir()) == []
    assert "would create docs/database/20-conversations_messages.md (conversations, messages)" in dry.stdout
    result = run_auditor("docs", "scaffold", "-i", inventory)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (REPO / "docs/database").iterdir())

    shutil.rmtree(folder)
    folder.mkdir()
    result = run_auditor("docs", "scaffold", "-i", inventory, "--env", "local", "--all", env=local(ourvidz_db))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 35  # 36 objects; conversations and messages share one doc
    assert {"12-profiles.md", "16-api_models.md", "19-model_test_results.md", "80-admin_development_progress.md"} < set(
        names
    )
    assert [n for n in names if n.startswith("9")] == [f"{90 + i}-{b}.md" for i, b in enumerate(BUCKETS)]
    first = {name: (folder / name).read_bytes() for name in names}
    again = run_auditor("docs", "scaffold", "-i", inventory, "--env", "local", "--all", env=local(ourvidz_db))
    assert again.stdout.startswith("Nothing to write")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == first

    status = run_auditor("docs", "status", "-i", inventory, "--env", "local", env=local(ourvidz_db))
    assert "0 documented · 0 stale · 36 stub" in status.stdout  # drafts say TODO until someone writes them


BUCKETS = [
    "avatars",
    "reference_images",
    "system_assets",
    "user-library",
    "videos",
    "workspace-temp",
    "image_high",
    "sdxl_image_fast",
    "sdxl_image_high",
    "video_high",
]


def test_refresh_rewrites_only_the_generated_section(ourvidz_db: str, tmp_path: Path) -> None:
    shutil.copyfile(INVENTORY, tmp_path / "inventory.yaml")
    shutil.copytree(REPO / "docs" / "database", tmp_path / "docs" / "database")
    doc = tmp_path / "docs" / "database" / "12-profiles.md"
    start = "<!-- auditor:generated:start table profiles -->"
    head, rest = doc.read_text().split(start)
    body, tail = rest.split(END)
    head = head.replace("# profiles\n", "# profiles\n\nWritten by hand, with a column list of its own:\n- old (text)\n")
    tail = tail + "\n## Notes\n\nMore hand-written text after the markers.\n"
    doc.write_text(head + start + body + END + tail)
    pg.execute(ourvidz_db, "alter table public.profiles add column nickname text not null default '';")

    scaffold = ("docs", "scaffold", "-i", "inventory.yaml", "--env", "local")
    dry = run_auditor(*scaffold, "--dry-run", env=local(ourvidz_db), cwd=tmp_path)
    assert dry.stdout.splitlines()[0] == "would refresh docs/database/12-profiles.md (profiles)"
    assert doc.read_text() == head + start + body + END + tail
    result = run_auditor(*scaffold, env=local(ourvidz_db), cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "refreshed docs/database/12-profiles.md (profiles)",
        "Not drafted: 10 objects with doc: false and 4 legacy buckets (--all drafts them too).",
    ], result.stderr

    new_head, new_rest = doc.read_text().split(start)
    new_body, new_tail = new_rest.split(END)
    assert (new_head, new_tail) == (head, tail)  # every byte outside the markers kept
    assert "| `nickname` | text | no |\n\n`profiles` has 8 columns.\n" in new_body
    assert new_body.replace("| `nickname` | text | no |\n", "").replace("8 columns", "7 columns") == body


def test_refresh_leaves_broken_sections_and_unreadable_pages_alone_and_keeps_crlf(
    ourvidz_db: str, tmp_path: Path
) -> None:
    shutil.copyfile(INVENTORY, tmp_path / "inventory.yaml")
    folder = tmp_path / "docs" / "database"
    folder.mkdir(parents=True)
    section = "<!-- auditor:generated:start table {} -->\n| old |\n"
    broken = (  # profiles' end marker was edited by hand: nothing after it may be lost
        "# profiles\n\n" + section.format("profiles") + "<!-- auditor:generated:END -->\n\n"
        "Hand-written notes.\n\n" + section.format("user_roles") + END + "\n\nMore notes.\n"
    )
    (folder / "12-profiles.md").write_text(broken)
    crlf = ("# jobs\n\nThe queue.\n\n" + section.format("jobs") + END + "\n\nNotes.\n").replace("\n", "\r\n")
    (folder / "30-jobs.md").write_bytes(crlf.encode())
    latin1 = "# characters\n\nCaf\xe9.\n\n" + section.format("characters") + END + "\n"
    (folder / "50-characters.md").write_bytes(latin1.encode("latin-1"))

    result = run_auditor(
        "docs",
        "scaffold",
        "-i",
        "inventory.yaml",
        "--env",
        "local",
        cwd=tmp_path,
        env=local(ourvidz_db),
    )
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if not line.startswith(("created ", "Not drafted"))] == [
        "refreshed docs/database/12-profiles.md (user_roles)",
        "refreshed docs/database/30-jobs.md (jobs)",
        "skipped page 50-characters.md: not UTF-8 text (line 3); its generated sections are not refreshed",
        "skipped page 12-profiles.md: the generated section of table profiles has no end marker "
        "<!-- auditor:generated:end -->; left as it is",
    ]
    text = (folder / "12-profiles.md").read_text()
    assert text.startswith(broken.split("<!-- auditor:generated:start table user_roles")[0])
    assert text.endswith(END + "\n\nMore notes.\n") and "| `role` | " in text
    data = (folder / "30-jobs.md").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 20 and b"| `status` | " in data
    assert data.startswith(b"# jobs\r\n\r\nThe queue.\r\n\r\n") and data.endswith(b"\r\n\r\nNotes.\r\n")
    assert (folder / "50-characters.md").read_bytes() == latin1.encode("latin-1")
