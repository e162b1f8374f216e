"""README.md's commands, read from README.md (tests/readme.py): every `auditor` command it
and the manual (docs/) show exists with its options, the Quick start is the two commands CI runs in a fresh clone,
and the adoption path runs as printed against a real database."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests import readme
from tests.conftest import REPO
from tests.test_workflows import check_against_cli


def auditor_invocations(line: str) -> list[list[str]]:
    """The arguments of each `auditor` command in a shell line (after VAR=value, in && chains)."""
    found = []
    for part in line.split("&&"):
        words = shlex.split(part, comments=True)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words.pop(0)  # VARIABLE=value before the command
        if words and words[0] in ("auditor", ".venv/bin/auditor"):
            found.append(words[1:])
    return found


def test_every_auditor_command_in_the_readme_and_the_manual_exists_with_its_options() -> None:
    text = "".join(page.read_text() for page in readme.manual_pages())
    invocations = [args for line in readme.commands(text) for args in auditor_invocations(line)]
    assert len(invocations) > 50
    for args in invocations:
        check_against_cli(args)
    assert auditor_invocations("X=1 auditor audit --env prod && auditor demo  # c") == [
        ["audit", "--env", "prod"],
        ["demo"],
    ]


def test_the_quick_start_is_two_commands_in_an_activated_environment() -> None:
    demo, tests = readme.quick_start()
    assert ". .venv/bin/activate" in demo and demo.endswith("auditor demo")
    assert tests.endswith("python -m pytest")
    assert ".venv/bin/auditor" not in readme.README.read_text()  # one way to run it, throughout
    script = readme.quick_start_script()
    assert demo in script.splitlines() and tests in script.splitlines()


def test_the_adoption_commands_work_as_printed(ourvidz_db: str, tmp_path: Path) -> None:
    """`cd` to a project, snapshot, audit: the README's lines, with a real database's URL."""
    lines = readme.commands(readme.section("Adopting the auditor on an existing project"))
    first = lines.index(next(line for line in lines if line.startswith("cd ")))
    snapshot, audit = lines[first + 1 : first + 3]
    assert "auditor snapshot --env prod" in snapshot and "auditor audit --env prod" in audit
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "MYAPP_"))}
    environment.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1")
    for line in (snapshot, audit):
        assert "postgresql://..." in line
        result = subprocess.run(
            ["bash", "-c", line.replace("postgresql://...", ourvidz_db)],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, line + "\n" + result.stdout + result.stderr
    written = (tmp_path / "inventory.yaml").read_text()
    assert "database_url: ${MYAPP_PROD_DATABASE_URL}" in written and ourvidz_db not in written
    assert "No drift" in result.stdout


def test_the_quick_start_script_runs_from_the_readme() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tests" / "readme.py"), "quick-start-script"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout == readme.quick_start_script()
