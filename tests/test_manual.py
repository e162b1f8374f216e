"""The reference manual (README.md and docs/): the generated pages are what the code gives, every
command, option, rule code and environment variable has its entry, every page is reachable from
the index, and every link and anchor leads somewhere."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt

from auditor import manual
from auditor.drift.rules import RULES
from tests import readme
from tests.conftest import REPO

DOCS = REPO / "docs"


def test_the_generated_pages_are_what_the_code_gives() -> None:
    assert manual.stale_pages() == [], f"run {manual.WRITE_COMMAND}"
    result = subprocess.run(
        [sys.executable, "-m", "auditor.manual", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stderr == ""


# --- every command, option, rule and variable has its entry ------------------------------


def missing_entries(page_text: dict[str, str]) -> list[str]:
    """What the command line has that the pages (docs/commands/<page> -> text) leave out: a
    command without its page, an option or argument absent from its page's tables. The commands
    and their parameters are the command line's own (manual.commands walks it); each row is
    looked for here, not taken from the page renderer, so that the check covers it too."""
    missing = []
    for name, command, context in manual.commands():
        text = page_text.get(manual.page_name(name))
        if text is None or not text.startswith(f"# auditor {name}\n"):
            missing.append(f"auditor {name}")
            continue
        rows = [line.replace("\\|", "|") for line in text.splitlines() if line.startswith("| `")]
        for param in command.params:
            words = (
                param.opts + param.secondary_opts
                if param.param_type_name == "option"
                else [param.make_metavar(context)]
            )
            for word in words:
                if not any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", row) for row in rows):
                    missing.append(f"auditor {name} {word}")
    return missing


def committed_pages() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in (DOCS / "commands").glob("*.md")}


def test_every_command_and_option_has_its_entry() -> None:
    pages = committed_pages()
    assert missing_entries(pages) == []
    assert len(pages) == len(manual.commands()) + 1  # and the index


def test_a_removed_entry_is_found() -> None:
    pages = committed_pages()
    accept = pages["accept.md"]
    pages["accept.md"] = "\n".join(line for line in accept.splitlines() if "--reason" not in line)
    del pages["docs-scaffold.md"]
    assert missing_entries(pages) == ["auditor accept --reason", "auditor docs scaffold"]
    pages = committed_pages()
    pages["audit.md"] = pages["audit.md"].replace("`-q, --quiet`", "`--quiet`")
    assert missing_entries(pages) == ["auditor audit -q"]


def test_every_rule_code_has_its_section() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (\S+)$", text, flags=re.M)
    assert sorted(headings) == sorted(RULES)


def variables_in(paths: list[Path]) -> set[str]:
    """The environment variables the code names: AUDITOR_*, GITHUB_*, libpq's PG*, NO_COLOR..."""
    found: set[str] = set()
    pattern = re.compile(r"[\"'`](AUDITOR_[A-Z_]+|GITHUB_STEP_SUMMARY|PG[A-Z]+|NO_COLOR|COLUMNS|TERMINAL_WIDTH)[\"'`]")
    for path in paths:
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_environment_variable_is_in_the_table() -> None:
    rows = [line for line in (DOCS / "environment.md").read_text().splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])}
    used_by_the_auditor = variables_in(sorted((REPO / "auditor").rglob("*.py")))
    used_anywhere = used_by_the_auditor | variables_in(
        sorted([*(REPO / "tests").rglob("*.py"), *(REPO / "bench").rglob("*.py")])
    )
    assert {"AUDITOR_DATABASE_URL", "AUDITOR_FAIL_ON", "NO_COLOR", "PGSERVICEFILE"} <= used_by_the_auditor
    assert used_by_the_auditor - documented == set()
    assert documented - used_anywhere == set()
    assert {"AUDITOR_TEST_DATABASE_URL", "AUDITOR_TEST_SERVER"} <= documented


# --- the index, and the links -------------------------------------------------------------


def test_every_page_is_reached_from_the_index() -> None:
    index = (DOCS / "README.md").read_text()
    linked = {(DOCS / target).resolve() for target in re.findall(r"\]\(([^)#]+)\)", index)}
    pages = {page.resolve() for page in readme.manual_pages()} - {
        readme.README.resolve(),
        (DOCS / "README.md").resolve(),
    }
    reached = linked | {page.resolve() for page in (DOCS / "commands").glob("*.md")}
    assert pages - reached == {(DOCS / "INVENTORY.md").resolve()}  # the project's inventory document, not the manual


def test_the_readme_is_a_front_door() -> None:
    text = readme.README.read_text()
    assert len(text.splitlines()) <= 250
    assert "(docs/README.md)" in text and "(docs/commands/README.md)" in text


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def links_and_anchors(path: Path) -> tuple[list[str], set[str]]:
    """(every link target, every heading anchor) of a markdown page, as markdown-it reads it
    (so links in code are not links)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    targets, anchors = [], set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            anchors.add(slug(tokens[index + 1].content.replace("`", "")))
        for child in token.children or []:
            if child.type == "link_open":
                targets.append(str(child.attrs["href"]))
    return targets, anchors


def broken_links(pages: list[Path]) -> list[str]:
    broken = []
    for page in pages:
        shown = page.relative_to(REPO) if page.is_relative_to(REPO) else page.name
        targets, _ = links_and_anchors(page)
        for target in targets:
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            destination = (page.parent / file).resolve() if file else page
            found = destination.exists() and (
                not anchor or (destination.suffix == ".md" and anchor in links_and_anchors(destination)[1])
            )
            if not found:
                broken.append(f"{shown}: {target}")
    return broken


def test_every_link_and_anchor_of_the_manual_leads_somewhere(tmp_path: Path) -> None:
    pages = readme.manual_pages()
    assert broken_links(pages) == []
    assert sum(len(links_and_anchors(page)[0]) for page in pages) > 80
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](#title) [b](#nowhere) [c](missing.md) [d](page.md#title) `[e](x.md)`\n")
    assert broken_links([page]) == ["page.md: #nowhere", "page.md: missing.md"]
