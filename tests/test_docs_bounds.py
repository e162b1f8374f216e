"""The docs folder as the outside world makes it: symlinks leading out, FIFOs, devices, huge
pages, and object names that are no file names. Nothing blocks, nothing outside the folder is
read or written, and each is reported once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.docs.markdown import parse_page
from auditor.docs.reading import read_page
from auditor.docs.scaffold import DocWrite, ScaffoldPlan, plan_scaffold, write_plan
from auditor.docs.scan import MAX_DOC_BYTES, scan_docs
from auditor.docs.stubs import stub_signs
from auditor.docs.tree import ObjectRef
from auditor.errors import UsageError
from auditor.inventory import load_inventory
from auditor.model import TableSpec
from tests.conftest import run_auditor
from tests.test_docs import PROSE, TINY

SECRET = "- leaked_column (text) - a line of a file outside the docs folder"


def folder_with(tmp_path: Path) -> Path:
    (tmp_path / "inventory.yaml").write_text(TINY)
    pages = tmp_path / "pages"
    pages.mkdir()
    return pages


def status(tmp_path: Path, *extra: str):
    result = run_auditor("docs", "status", "-i", "inventory.yaml", *extra, cwd=tmp_path, env={"COLUMNS": "200"})
    assert result.returncode in (0, 1), result.stderr
    return result


def test_a_symlink_leading_out_of_the_folder_is_not_followed_and_said_once(tmp_path: Path) -> None:
    pages = folder_with(tmp_path)
    (tmp_path / "private.md").write_text("# a\n\n" + SECRET + "\n" + PROSE)
    (pages / "10-a.md").symlink_to(tmp_path / "private.md")
    (pages / "real.txt").write_text("# a\n\n" + PROSE)
    (pages / "11-b.md").symlink_to("real.txt")  # inside the folder: followed
    result = status(tmp_path)
    findings = [line.split()[:2] for line in result.stdout.split("Findings")[1].splitlines() if line.startswith("  ")]
    assert [f for f in findings if f[1] != "doc-undeclared"][:1] == [["warning", "doc-unreadable"]]
    assert result.stdout.count("10-a.md is not read") == 1
    assert f"10-a.md is not read: a symlink to {tmp_path / 'private.md'}, outside the docs folder: not followed." in (
        " ".join(result.stdout.split())
    )
    assert "leaked_column" not in result.stdout and "doc-stub" not in result.stdout
    docs = scan_docs(load_inventory(tmp_path / "inventory.yaml"))
    assert docs.file("11-b.md").page is not None and docs.file("11-b.md").unread is None


def test_fifos_and_devices_are_reported_never_opened(tmp_path: Path) -> None:
    pages = folder_with(tmp_path)
    os.mkfifo(pages / "10-a.md")  # opening it for reading would wait for a writer
    os.mknod(pages / "90-files.md", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a private null device
    result = status(tmp_path)
    words = " ".join(result.stdout.split())
    assert "10-a.md is not read: not a regular file (a FIFO): not read." in words
    assert "90-files.md is not read: not a regular file (a character device): not read." in words
    scaffold = run_auditor("docs", "scaffold", "-i", "inventory.yaml", "--dry-run", cwd=tmp_path)
    assert scaffold.returncode == 0, scaffold.stderr
    assert stat.S_ISFIFO((pages / "10-a.md").stat().st_mode)


def test_a_page_over_the_size_cap_is_reported_not_read(tmp_path: Path) -> None:
    pages = folder_with(tmp_path)
    (pages / "10-a.md").write_text("# a\n\n" + "- name (text)\n" * (MAX_DOC_BYTES // 14 + 1))
    docs = scan_docs(load_inventory(tmp_path / "inventory.yaml"))
    page = docs.file("10-a.md")
    assert page.page is None and page.unread.startswith("over 1 MiB (")
    assert "10-a.md is not read: over 1 MiB" in " ".join(status(tmp_path).stdout.split())


@pytest.mark.parametrize("name", ["../escaped", "a/../../escaped", "/tmp/escaped", ".hidden", "back\\slash"])
def test_scaffold_never_writes_outside_the_folder_whatever_the_name(tmp_path: Path, name: str) -> None:
    folder_with(tmp_path)
    inventory = load_inventory(tmp_path / "inventory.yaml")
    hostile = TableSpec("public", name, group="core", doc=True)
    inventory = type(inventory)(**{**inventory.__dict__, "tables": (hostile,)})
    plan = plan_scaffold(inventory, scan_docs(inventory), {})
    assert plan.writes == ()
    assert [(s.what, s.reason.split(":")[0]) for s in plan.skipped] == [
        (f"table {name}", "its name cannot be a file name in the docs folder")
    ]


def test_write_plan_refuses_a_page_name_that_leaves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    plan = ScaffoldPlan((DocWrite("../outside.md", "create", (), "# x\n"),), ())
    with pytest.raises(UsageError, match="a page is written only directly in"):
        write_plan(folder, plan)
    assert not (tmp_path / "outside.md").exists()


MARKDOWN_BITS = st.sampled_from(
    [
        "# ",
        "## Columns",
        "### ",
        "- ",
        "  - ",
        "* ",
        "1. ",
        "| ",
        " |",
        "|---|",
        "```sql",
        "```",
        "~~~",
        "> ",
        "---",
        "<!-- ",
        " -->",
        "**",
        "`",
        "(",
        ")",
        ":",
        "/",
        ",",
        "...",
        "TODO",
        "[",
        "]",
        "create table t (",
        "a int,",
        "id (uuid)",
        "Public: no",
        "15 columns",
        "\n",
        "\n\n",
        " ",
        "x",
        "é",
        "\t",
        "\\",
        "\r\n",
        "$$",
        "'",
        '"',
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKDOWN_BITS, max_size=60).map("".join))
def test_any_text_is_read_without_error_and_every_line_is_on_the_page(text: str) -> None:
    page = parse_page(text)
    last = text.count("\n") + 1
    for ref, others in ((ObjectRef("table", "t"), ()), (ObjectRef("bucket", "b"), (ObjectRef("table", "t"),))):
        reading = read_page(page, ref, others)
        lines = [s.line for s in reading.statements] + [k.line for k in reading.skipped]
        lines += [line for s in reading.of("columns") for _, line in s.value]
        assert all(1 <= line <= last for line in lines), (text, lines)
    signs = stub_signs(page)
    assert all(1 <= line.number <= last for line in signs.placeholders)


def test_a_placeholder_in_a_table_cell_is_one_placeholder_and_a_template_row_is_one_too() -> None:
    page = parse_page(
        "# t\n\n| Column | Type |\n|---|---|\n| id | TODO |\n\n"
        "| Column | Type |\n|---|---|\n| column_name | data_type |\n"
    )
    assert [(line.number, line.text) for line in stub_signs(page).placeholders] == [
        (5, "TODO"),
        (9, "column_name | data_type"),
    ]
