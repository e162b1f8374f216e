"""Following a documentation finding's hint makes things better: never more findings than before.

A drifted fixture (the demo's drifted database, the repository's inventory and docs, and one
page for each remaining doc rule) gets every doc rule once or more. For each rule, the hint is
followed on a fresh copy: the `auditor ...` commands the hint names are run as printed (NAME
being the fixture's environment); a hint with no command is followed by hand, as its text says.
Then that rule has fewer findings, and the audit has no more doc findings than before.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

from auditor.docs.rules import DOC_RULES
from tests import pg
from tests.conftest import INVENTORY, REPO, run_auditor
from tests.test_docs import PROSE

TEMPLATE = "# scenes\n\n## Overview\n\n[Describe what this table stores]\n\n## Used by\n\n[List components/pages]\n"


@pytest.fixture(scope="module")
def drifted_url(server: str, ourvidz_template: str):
    with pg.fresh_database(server, "auditor_hints", template=ourvidz_template) as url:
        pg.execute(url, (files("auditor") / "demo" / "drift.sql").read_text(encoding="utf-8"))
        yield url


def drifted(root: Path) -> Path:
    """The fixture's folder: every doc rule has a finding in it."""
    root.mkdir()
    shutil.copyfile(INVENTORY, root / "inventory.yaml")
    pages = root / "docs" / "database"
    shutil.copytree(REPO / "docs" / "database", pages, ignore=shutil.ignore_patterns("60-*"))  # doc-missing
    (pages / "43-scenes.md").write_text(TEMPLATE)  # doc-stub
    (pages / "14-api_providers.md").rename(pages / "45-api_providers.md")  # doc-misnumbered
    (pages / "17-user_activity_log.md").write_text("# user_activity_log\n\n" + PROSE)  # doc-undeclared
    (pages / "72-old_metrics.md").write_text("# old_metrics\n\n" + PROSE)  # doc-orphan
    (pages / "52-characters.md").write_text("# characters\n\n" + PROSE)  # doc-duplicate
    (root / "outside.md").write_text("# notes\n\n" + PROSE)
    (pages / "53-character_notes.md").symlink_to(root / "outside.md")  # doc-unreadable
    return root  # doc-stale: 12-profiles.md and 15-api_models.md, after drift.sql


def doc_findings(root: Path, url: str) -> Counter:
    result = run_auditor("audit", "--env", "local", "-f", "json", env=_env(url), cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return Counter(f["rule"] for f in json.loads(result.stdout)["findings"] if f["kind"] == "doc")


def _env(url: str) -> dict[str, str]:
    return {"OURVIDZ_LOCAL_DATABASE_URL": url}


def _set_doc(root: Path, table: str, value: str) -> None:
    text = (root / "inventory.yaml").read_text()
    entry = re.search(rf"\n  {table}:\n(?:    .*\n)*?    doc: .*\n", text)
    assert entry is not None
    fixed = re.sub(r"    doc: .*\n", f"    doc: {value}\n", entry.group(0))
    (root / "inventory.yaml").write_text(text.replace(entry.group(0), fixed))


def _pages(root: Path) -> Path:
    return root / "docs" / "database"


BY_HAND: dict[str, list[Callable[[Path], None]]] = {
    # a hint's every way out that involves no command, done as its text says
    "doc-missing": [lambda root: _set_doc(root, "projects", "false")],
    "doc-stub": [lambda root: (_pages(root) / "43-scenes.md").write_text("# scenes\n\n" + PROSE)],
    "doc-misnumbered": [
        lambda root: (_pages(root) / "45-api_providers.md").rename(_pages(root) / "16-api_providers.md")
    ],
    "doc-undeclared": [
        lambda root: _set_doc(root, "user_activity_log", "true"),
        lambda root: (_pages(root) / "17-user_activity_log.md").unlink(),
    ],
    "doc-orphan": [lambda root: (_pages(root) / "72-old_metrics.md").unlink()],
    "doc-duplicate": [lambda root: (_pages(root) / "52-characters.md").unlink()],
    "doc-unreadable": [lambda root: (_pages(root) / "53-character_notes.md").unlink()],
    "doc-stale": [],
}


def commands(hint: str) -> list[list[str]]:
    """The commands a hint names that change something (`docs status --explain` only shows),
    NAME being the fixture's environment."""
    found = re.findall(r"auditor (docs scaffold(?: --env NAME)?)", hint)
    return [command.replace("NAME", "local").split() for command in found]


@pytest.mark.parametrize("rule", [r for r in DOC_RULES if r.code != "doc-folder-missing"], ids=lambda r: r.code)
def test_following_each_hint_lowers_its_findings_and_raises_none(rule, drifted_url: str, tmp_path: Path) -> None:
    before = doc_findings(drifted(tmp_path / "before"), drifted_url)
    assert before[rule.code] >= 1, before  # the fixture has a finding of every rule
    ways = [lambda root, c=c: _run(root, c, drifted_url) for c in commands(rule.hint)] + BY_HAND[rule.code]
    assert ways, f"no way to follow the hint of {rule.code}"
    for index, follow in enumerate(ways):
        root = drifted(tmp_path / f"way{index}")
        follow(root)
        after = doc_findings(root, drifted_url)
        assert after[rule.code] < before[rule.code], (rule.code, index, before, after)
        assert sum(after.values()) <= sum(before.values()), (rule.code, index, before, after)


def _run(root: Path, command: list[str], url: str) -> None:
    result = run_auditor(*command, env=_env(url), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stale_and_missing_hints_name_commands_that_are_run() -> None:
    by_code = {r.code: r for r in DOC_RULES}
    assert commands(by_code["doc-stale"].hint) == [["docs", "scaffold", "--env", "local"]]
    assert commands(by_code["doc-missing"].hint) == [["docs", "scaffold"]]


def test_following_the_missing_folder_hint_lowers_the_findings(drifted_url: str, tmp_path: Path) -> None:
    shutil.copyfile(INVENTORY, tmp_path / "inventory.yaml")
    before = doc_findings(tmp_path, drifted_url)
    assert before["doc-folder-missing"] == 1 and before["doc-missing"] == 22
    hint = next(r.hint for r in DOC_RULES if r.code == "doc-folder-missing")
    for command in commands(hint):
        _run(tmp_path, command, drifted_url)
    after = doc_findings(tmp_path, drifted_url)
    assert after["doc-folder-missing"] == 0 and sum(after.values()) < sum(before.values())
