"""The command line as a user meets it: clear errors, documented exit codes, no tracebacks."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg.conninfo import make_conninfo

import auditor.api
from auditor.cli import main
from tests.conftest import INVENTORY, REPO, run_auditor


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_validate_repository_inventory() -> None:
    result = run_auditor("validate")
    assert result.returncode == 0
    assert result.stdout.strip() == "inventory.yaml: valid (26 tables, 10 buckets, 3 environments)"


def test_validate_broken_copy_lists_each_problem_with_its_line(tmp_path: Path) -> None:
    lines = INVENTORY.read_text().splitlines()
    profiles = lines.index("  profiles:")
    lines[profiles + 3] = "    colums: 7"  # typo of `columns`
    lines.insert(lines.index("  user_roles:"), "  jobs: {}")  # jobs is declared again further down
    limit = lines.index("    file_size_limit: 10MiB")
    lines[limit] = "    file_size_limit: 10 XB"
    broken = tmp_path / "inventory.yaml"
    broken.write_text("\n".join(lines) + "\n")

    result = run_auditor("validate", "--inventory", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    err = result.stderr
    assert err.startswith("error: 3 problems in the inventory:")
    assert f"{broken}:{profiles + 4}:5: tables.profiles.colums: unknown key 'colums'; did you mean 'columns'?" in err
    jobs_again = next(i for i, line in enumerate(lines) if line == "  jobs:") + 1
    assert f"{broken}:{jobs_again}:3: tables.jobs: duplicate key 'jobs' (first defined on line" in err
    assert f"{broken}:{limit + 1}:22: buckets.reference_images.file_size_limit: '10 XB' is not a size" in err


def test_unknown_environment() -> None:
    result = run_auditor("audit", "--env", "produciton")
    assert result.returncode == 2
    assert result.stderr == (
        "error: Unknown environment 'produciton' (environments in inventory.yaml: prod, staging, local).\n"
    )


def test_missing_credentials_name_the_variable() -> None:
    result = run_auditor("audit", "--env", "prod")
    assert result.returncode == 2
    assert "Environment 'prod' needs the environment variable OURVIDZ_PROD_DATABASE_URL" in result.stderr


def test_no_environment_chosen() -> None:
    result = run_auditor("audit")
    assert result.returncode == 2
    assert "Choose an environment with --env" in result.stderr


def test_unreachable_database_exits_3_without_the_password() -> None:
    port = closed_port()
    url = f"postgresql://auditor:s3cret-pw@127.0.0.1:{port}/postgres"
    result = run_auditor("audit", "--env", "staging", env={"OURVIDZ_STAGING_DATABASE_URL": url})
    assert result.returncode == 3
    assert f"environment 'staging' at auditor@127.0.0.1:{port}/postgres" in result.stderr
    assert "Likely fix: is the server running" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # no report that could pass for a result


def test_missing_database_exits_3(server: str) -> None:
    result = run_auditor("audit", "--db-url", make_conninfo(server, dbname="auditor_no_such_db"))
    assert result.returncode == 3
    assert 'database "auditor_no_such_db" does not exist' in result.stderr
    assert "check the database name in the URL" in result.stderr


def test_unwritable_output_is_a_usage_error(ourvidz_db: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_auditor("audit", "--db-url", ourvidz_db, "--output", str(blocker / "report.md"))
    assert result.returncode == 2
    assert f"Cannot write the report to {blocker / 'report.md'}: a folder on that path is a file." in result.stderr


def test_help_documents_exit_codes_and_examples() -> None:
    result = run_auditor("audit", "--help")
    assert result.returncode == 0
    flat = " ".join(result.stdout.split())
    assert "auditor audit --env prod" in flat
    assert "0 no drift at or above --fail-on; 1 drift found; 2 usage or inventory error; 3 database" in flat
    assert run_auditor("--version").stdout.startswith("auditor ")


def test_a_bug_exits_4_not_1(monkeypatch, capsys) -> None:
    """An unexpected exception must never read as 'drift found' to a nightly job."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(auditor.api, "audit_inventory", broken)
    monkeypatch.setattr("auditor.commands.options.IN_OWN_PROCESS", False)  # main() sets it: restored after
    monkeypatch.setattr("auditor.commands.audit.stop_on_signals", lambda: None)  # the test runner keeps its signals
    monkeypatch.setattr("sys.argv", ["auditor", "audit", "--db-url", "postgresql://x@127.0.0.1:1/db"])
    monkeypatch.delenv("AUDITOR_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 4
    assert "internal error: RuntimeError" in capsys.readouterr().err


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_system_error_exits_4_not_1(monkeypatch, capsys, debug: bool) -> None:
    """An OSError no code expected (not stdout on a full disk) is a bug too: exit 4, with the
    traceback only under AUDITOR_DEBUG."""

    def broken(*args, **kwargs):
        raise OSError(errno.ELOOP, "Too many levels of symbolic links")

    monkeypatch.setattr(auditor.api, "audit_inventory", broken)
    monkeypatch.setattr("auditor.commands.options.IN_OWN_PROCESS", False)
    monkeypatch.setattr("auditor.commands.audit.stop_on_signals", lambda: None)
    monkeypatch.setattr("sys.argv", ["auditor", "audit", "--db-url", "postgresql://x@127.0.0.1:1/db"])
    if debug:
        monkeypatch.setenv("AUDITOR_DEBUG", "1")
    else:
        monkeypatch.delenv("AUDITOR_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 4
    stderr = capsys.readouterr().err
    assert ("Traceback" in stderr) is debug and ("internal error: OSError" in stderr) is not debug


def test_a_terminal_that_cannot_show_emoji_gets_escapes_not_a_crash(empty_db: str) -> None:
    for fmt in ("terminal", "markdown"):
        result = run_auditor("audit", "--db-url", empty_db, "--format", fmt, env={"PYTHONIOENCODING": "ascii"})
        assert result.returncode == 1, result.stderr  # every declared table is missing: drift, not a bug
        assert "internal error" not in result.stderr
        assert "\\u274c" in result.stdout or "\\u2716" in result.stdout  # the verdict's mark, escaped


def _environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_") and k != "PYTHONUNBUFFERED"}
    return environment | extra


@pytest.mark.parametrize("buffering", ["buffered", "unbuffered"])  # fails at the last flush, or mid-command
def test_output_that_cannot_be_written_is_an_error_not_a_success(buffering: str) -> None:
    environment = _environment(PYTHONUNBUFFERED="1") if buffering == "unbuffered" else _environment()
    with open("/dev/full", "w") as full:  # every write fails: No space left on device
        result = subprocess.run(
            [sys.executable, "-m", "auditor", "docs", "inventory", "--output", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=environment,
            timeout=60,
        )
    assert result.returncode == 2, result.stderr
    assert "error: cannot write the output: [Errno 28] No space left on device" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("closed", [1, 2])
def test_a_closed_standard_stream_is_not_an_error(closed: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "validate", "--inventory", str(INVENTORY)],
        capture_output=True,
        text=True,
        env=_environment(),
        preexec_fn=lambda: os.close(closed),
        timeout=60,
    )
    assert result.returncode == 0
    assert "Traceback" not in result.stderr + result.stdout
