"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself: `pre-commit try-repo`
installs this repository as the hooks' repository would be (a virtual environment, `pip install`
of the auditor) and runs them in a project's git repository, as on a commit.

The hooks' repository is a committed copy of this one (its tracked and new files, as a clone of
the next commit would have them), so pre-commit installs its environment once for the module,
in a PRE_COMMIT_HOME of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import INVENTORY, REPO

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,  # nothing from the machine's git configuration
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env={**os.environ, **GIT_IDENTITY})


def copy_of_this_repository(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is listed and absent
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "hooks under test")
    return target


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the hooks' repository, the PRE_COMMIT_HOME its environment is installed in once)."""
    yield copy_of_this_repository(tmp_path_factory.mktemp("hooks")), tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project's git repository holding inventory.yaml, its docs and the inventory document."""
    shutil.copy(INVENTORY, tmp_path / "inventory.yaml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    return tmp_path


def try_repo(hooks: tuple[Path, Path], project: Path, *args: str) -> subprocess.CompletedProcess:
    repository, home = hooks
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "PRE_COMMIT"))}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repository), *args, "--ref", "HEAD", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**environment, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"},
        timeout=600,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def test_both_hooks_pass_on_a_valid_project(hooks, project: Path) -> None:
    result = try_repo(hooks, project, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "auditor validate" in result.stdout and "auditor docs inventory --check" in result.stdout
    assert result.stdout.count("Passed") == 2


def test_validate_fails_with_the_place_of_each_problem(hooks, project: Path) -> None:
    inventory = project / "inventory.yaml"
    lines = inventory.read_text().splitlines()
    line = lines.index("  profiles:") + 2
    lines.insert(line - 1, "    colums: 3")
    inventory.write_text("\n".join(lines) + "\n")
    git(project, "add", "inventory.yaml")
    result = try_repo(hooks, project, "auditor-validate")  # the staged files, as on a commit
    assert result.returncode == 1
    assert f"inventory.yaml:{line}:5: tables.profiles.colums: unknown key 'colums'; did you mean 'columns'?" in (
        result.stdout
    )


def test_docs_inventory_fails_when_the_document_is_stale(hooks, project: Path) -> None:
    document = project / "docs" / "INVENTORY.md"
    document.write_text(document.read_text().replace("# ", "# Stale: ", 1))
    git(project, "add", "-A")
    result = try_repo(hooks, project, "auditor-docs-inventory")
    assert result.returncode == 1
    assert "is out of date" in result.stdout and "-# Stale: " in result.stdout  # the diff


def test_hooks_skip_commits_that_touch_neither_the_inventory_nor_the_docs(hooks, project: Path) -> None:
    git(project, "commit", "-q", "-m", "inventory")
    (project / "inventory.yaml").write_text("not: [valid\n")  # changed, but not staged
    (project / "notes.txt").write_text("unrelated\n")
    git(project, "add", "notes.txt")
    result = try_repo(hooks, project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("(no files to check)Skipped") == 2
