"""The command line's conventions: -V, shell completion, AUDITOR_FAIL_ON and AUDITOR_FORMAT,
the project's defaults in inventory.yaml (`audit: {fail_on: ...}`), did-you-mean for a mistyped
environment or rule, `error:` before every error, NO_COLOR, and help examples that survive 80
columns whole."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from auditor import __version__, exit_codes
from auditor.cli import app
from auditor.commands.audit import FailOn
from tests import pg
from tests.conftest import INVENTORY, run_auditor
from tests.storage_api_server import inventory_with_environments
from tests.test_workflows import check_against_cli

ENVIRONMENTS = """
environments:
  db:
    database_url: ${CONVENTIONS_DATABASE_URL}
"""
WARNING_ONLY_DRIFT = (
    "insert into storage.buckets (id, name, public) values ('scratch', 'scratch', false);"  # undeclared
)


def inventory(tmp_path: Path, extra: str = "") -> Path:
    """The repository's inventory (without its docs section) with one environment, and `extra`."""
    tmp_path.mkdir(exist_ok=True)
    path = inventory_with_environments(INVENTORY, tmp_path, ENVIRONMENTS)
    path.write_text(path.read_text() + extra)
    return path


def audit(inventory_path: Path, url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return run_auditor(
        "audit", "-i", str(inventory_path), "--env", "db", *args, env={"CONVENTIONS_DATABASE_URL": url, **env}
    )


# --- version and completion ---------------------------------------------------------------


def test_dash_capital_v_prints_the_version() -> None:
    for option in ("-V", "--version"):
        result = run_auditor(option)
        assert result.returncode == 0 and result.stdout == f"auditor {__version__}\n"


def test_shell_completion_is_offered_and_completes() -> None:
    help_text = run_auditor("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    script = run_auditor("--show-completion", env={"SHELL": "/bin/bash"})
    assert script.returncode == 0 and "complete -o default -F _auditor_completion auditor" in script.stdout

    def complete(words: str) -> list[str]:
        line = f"auditor {words}"
        word = len(line.split()) - (0 if line.endswith(" ") else 1)  # the word being completed
        env = {"_AUDITOR_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(word)}
        result = run_auditor(env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("au") == ["audit"]
    assert complete("audit --fail-on s") == ["security"]
    assert "--fail-on" in complete("audit --fa")
    assert complete("audit --env ") == ["prod", "staging", "local"]  # from inventory.yaml
    assert complete("docs status -e st") == ["staging"]


# --- --fail-on and --format: option, environment variable, inventory.yaml ------------------


def test_fail_on_comes_from_the_option_then_the_variable_then_the_inventory(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(ourvidz_db, WARNING_ONLY_DRIFT)
    plain = inventory(tmp_path / "plain")
    strict = inventory(tmp_path / "strict", "audit:\n  fail_on: warning\n")

    first = audit(plain, ourvidz_db, "-f", "json")
    findings = json.loads(first.stdout)["findings"]
    assert findings and {f["severity"] for f in findings} == {"warning"}, findings
    assert first.returncode == 0  # the default: error
    assert audit(strict, ourvidz_db).returncode == 1  # the project's default
    assert audit(plain, ourvidz_db, AUDITOR_FAIL_ON="warning").returncode == 1
    assert audit(strict, ourvidz_db, AUDITOR_FAIL_ON="error").returncode == 0  # the variable wins over the file
    assert audit(strict, ourvidz_db, "--fail-on", "never", AUDITOR_FAIL_ON="warning").returncode == 0  # the option
    bad = audit(plain, ourvidz_db, AUDITOR_FAIL_ON="warnings")
    assert bad.returncode == 2
    assert "error: Invalid value for '--fail-on' (env var: 'AUDITOR_FAIL_ON'): 'warnings'" in bad.stderr


def test_format_comes_from_auditor_format(ourvidz_db: str, tmp_path: Path) -> None:
    result = audit(inventory(tmp_path), ourvidz_db, AUDITOR_FORMAT="json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "clean"
    result = audit(inventory(tmp_path), ourvidz_db, "--format", "markdown", AUDITOR_FORMAT="json")
    assert result.stdout.startswith("## ")  # the option wins


def test_the_audit_section_is_validated_with_its_place(tmp_path: Path) -> None:
    path = inventory(tmp_path, "audit:\n  fail_on: secruity\n  fail-on: error\n")
    lines = path.read_text().splitlines()
    result = run_auditor("validate", "-i", str(path))
    assert result.returncode == 2
    line = lines.index("  fail_on: secruity") + 1
    assert f"{path}:{line}:12: audit.fail_on: unknown fail_on value 'secruity'; did you mean 'security'?" in (
        result.stderr
    )
    assert f"{path}:{line + 1}:3: audit.fail-on: unknown key 'fail-on'; did you mean 'fail_on'?" in result.stderr


def test_fail_on_choices_are_defined_once() -> None:
    assert tuple(FailOn) == exit_codes.FAIL_ON


# --- messages -----------------------------------------------------------------------------


def test_a_mistyped_environment_or_rule_gets_a_suggestion() -> None:
    result = run_auditor("audit", "--env", "prdo")
    assert result.returncode == 2
    assert result.stderr.startswith("error: Unknown environment 'prdo'") and "Did you mean 'prod'?" in result.stderr
    result = run_auditor("docs", "status", "--env", "stagign")
    assert result.returncode == 2 and "Did you mean 'staging'?" in result.stderr
    result = run_auditor("accept", "colum-count", "profiles", "--env", "prod")  # before any connection
    assert result.returncode == 2
    assert result.stderr == "error: Unknown rule 'colum-count' (auditor audit names each finding's rule). " + (
        "Did you mean 'column-count'?\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "--no-such-option"],
        ["audit", "--format", "pdf"],
        ["nope"],
        ["docs", "nope"],
        ["accept", "column-count"],
        ["audit", "--env", "nope"],
        ["validate", "-i", "missing.yaml"],
        ["audit", "--db-url", "postgresql://nobody@127.0.0.1:1/none", "--connect-retries", "0"],
        ["demo", "--stop", "."],
    ],
    ids=lambda args: " ".join(args),
)
def test_every_error_says_error(args: list[str], tmp_path: Path) -> None:
    result = run_auditor(*args, cwd=tmp_path) if args[0] in ("validate", "demo") else run_auditor(*args)
    assert result.returncode in (2, 3), result.stderr
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("error: ")], result.stderr
    assert not [line for line in lines if re.match(r"(?i)(error|warning)\b", line) and not line.startswith("error: ")]
    assert "Error:" not in result.stderr and "Traceback" not in result.stderr


def test_a_missing_inventory_points_at_snapshot(tmp_path: Path) -> None:
    result = run_auditor("audit", "--env", "prod", cwd=tmp_path)
    assert result.returncode == 2
    assert "inventory.yaml:1:1: file not found. Write one from a database with auditor snapshot --env NAME" in (
        result.stderr
    )


# --- the terminal --------------------------------------------------------------------------


def test_no_color_means_no_styling_at_all(ourvidz_db: str, tmp_path: Path) -> None:
    pg.execute(ourvidz_db, WARNING_ONLY_DRIFT)
    path = inventory(tmp_path)
    styled = audit(path, ourvidz_db, NO_COLOR="", FORCE_COLOR="1")
    assert "\x1b[1;" in styled.stdout  # a terminal gets bold...
    plain = audit(path, ourvidz_db, NO_COLOR="1", FORCE_COLOR="1")
    assert plain.returncode == styled.returncode == 0
    assert "\x1b" not in plain.stdout and "scratch" in plain.stdout  # ...but none with NO_COLOR


def commands() -> list[list[str]]:
    """Every command's words (`audit`, `docs status`, ...)."""
    root = typer.main.get_command(app)
    found = []
    for name, command in root.commands.items():
        subcommands = getattr(command, "commands", None)
        found += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return found


@pytest.mark.parametrize("words", commands(), ids=" ".join)
def test_help_examples_are_whole_commands_at_80_columns(words: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "auditor", *words, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80", "TERMINAL_WIDTH": "80"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    examples = result.stdout.split("Examples:\n", 1)[1].strip("\n").split("\n\n")[0]  # the paragraph after it
    commands = re.sub(r"\\\n\s*", "", examples).splitlines()
    assert len(commands) >= 2
    for command in commands:
        command_words = shlex.split(command, comments=True)
        while "=" in command_words[0]:  # VARIABLE=value before the command
            command_words.pop(0)
        assert command_words[0] == "auditor" and command_words[1 : 1 + len(words)] == words, command
        check_against_cli(command_words[1:])


def test_accept_help_says_only_dry_run_prints_the_diff() -> None:
    flat = " ".join(run_auditor("accept", "--help").stdout.split())
    assert "--dry-run prints the diff instead of writing it" in flat
    assert "The diff is printed for review" not in flat
