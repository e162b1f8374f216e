"""Report outputs never destroy: a regular file is replaced atomically, anything else is written
through; two outputs never share a file, none overwrites an input; every path is checked before
the audit; a report that cannot be written spares the others; a closed pipe is not a verdict.

Devices are private nodes in the test's own folder (never the real /dev/null or /dev/full):
(1, 3) is null, (1, 7) is full.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests import pg
from tests.conftest import INVENTORY, REPO, run_auditor

NULL, FULL = os.makedev(1, 3), os.makedev(1, 7)
DISK = os.makedev(60, 0)  # a block device of the range kept for local use: no driver, no disk behind it
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"  # a run that gets this far would exit 3, not 2


def device(path: Path, kind: int) -> Path:
    os.mknod(path, stat.S_IFCHR | 0o666, kind)
    return path


def is_device(path: Path) -> bool:
    return stat.S_ISCHR(os.stat(path).st_mode)


def audit(url: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return run_auditor("audit", "--db-url", url, "--connect-retries", "0", *args, **kwargs)


# --- what is not a regular file is written through, never replaced --------------------------


def test_a_null_device_stays_a_device_and_the_other_reports_are_written(ourvidz_db: str, tmp_path: Path) -> None:
    null = device(tmp_path / "null", NULL)
    result = audit(ourvidz_db, "--json", str(null), "--markdown", str(tmp_path / "audit.md"))
    assert result.returncode == 0, result.stderr
    assert is_device(null) and (tmp_path / "audit.md").read_text().startswith("## ")
    assert not list(tmp_path.glob(".*"))


@pytest.mark.parametrize("option", ["--output", "--json"])
def test_a_full_device_is_an_error_for_that_report_only(ourvidz_db: str, tmp_path: Path, option: str) -> None:
    full = device(tmp_path / "full", FULL)
    result = audit(ourvidz_db, option, str(full), "--sarif", str(tmp_path / "audit.sarif"))
    assert result.returncode == 2, result.stderr  # the verdict (0) is lost: the exit code says so
    assert f"to {full}: No space left on device" in result.stderr
    assert "Report written" not in result.stderr
    assert is_device(full) and json.loads((tmp_path / "audit.sarif").read_text())["version"] == "2.1.0"


def test_a_symlink_to_a_device_writes_into_the_device(ourvidz_db: str, tmp_path: Path) -> None:
    null = device(tmp_path / "null", NULL)
    link = tmp_path / "report.json"
    link.symlink_to(null)
    result = audit(ourvidz_db, "--json", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and is_device(null)


def test_a_symlink_to_a_file_keeps_the_link_and_replaces_the_file(ourvidz_db: str, tmp_path: Path) -> None:
    (tmp_path / "nightly").mkdir()
    target = tmp_path / "nightly" / "audit.json"
    target.write_text("last night")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    result = audit(ourvidz_db, "--json", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and json.loads(target.read_text())["status"] == "clean"


def test_a_fifo_is_written_through_to_its_reader(ourvidz_db: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)  # noqa: SIM115
    reader.start()
    result = audit(ourvidz_db, "--json", str(fifo))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a file"
    assert received and json.loads(received[0])["status"] == "clean"


def test_a_fifo_nobody_reads_is_an_error_not_a_wait(ourvidz_db: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = audit(ourvidz_db, "--json", str(fifo), "--markdown", str(tmp_path / "audit.md"))
    assert result.returncode == 2, result.stderr
    assert f"Cannot write the json report to {fifo}: it is a FIFO that no process reads." in result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and (tmp_path / "audit.md").exists()


def test_dash_and_this_process_s_stdout_are_written_through(ourvidz_db: str, tmp_path: Path) -> None:
    result = audit(ourvidz_db, "-f", "json", "-o", "-")
    assert result.returncode == 0 and json.loads(result.stdout)["status"] == "clean"
    alias = tmp_path / "stdout"
    alias.symlink_to("/proc/self/fd/1")  # what /dev/stdout is: a link to the process's descriptor
    log = tmp_path / "job.log"
    log.write_text("earlier lines of the job's log\n")
    with open(log, "a") as appended:  # `>> job.log`: the report must be appended, not replace the log
        process = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", "--db-url", ourvidz_db, "-f", "json", "-o", str(alias)],
            stdout=appended, stderr=subprocess.PIPE, text=True, cwd=REPO, timeout=120,
        )  # fmt: skip
    assert process.returncode == 0, process.stderr
    text = log.read_text()
    assert text.startswith("earlier lines of the job's log\n{") and '"status": "clean"' in text
    assert alias.is_symlink() and not list(tmp_path.glob(".*"))


# --- checked before the audit: exit 2, nothing written, no connection -------------------------


@pytest.mark.parametrize(
    ("make", "options", "message"),
    [
        (None, ["--json", "{d}/r.json", "-o", "{d}/r.json"], "--json and --output name the same file {d}/r.json"),
        ("link", ["--json", "{d}/r.json", "--markdown", "{d}/link"], "--markdown {d}/link and --json {d}/r.json are"),
        ("hardlink", ["--json", "{d}/r.json", "--markdown", "{d}/hard"], "--markdown {d}/hard and --json {d}/r"),
        (None, ["--json", "-", "-f", "markdown"], "--json and the report on standard output both write to standard"),
        (None, ["--sarif", "{d}/sub/../r.sarif", "-o", "{d}/r.sarif"], "r.sarif and --output {d}/r.sarif are the same"),
        (None, ["-o", "{inventory}"], "--output {inventory} is the inventory: a report must not overwrite it"),
        ("docs", ["--json", "{d}/docs/database/12-profiles.md"], "is inside the docs folder"),
        ("docs", ["--json", "{d}/docs/database/new.md"], "is inside the docs folder"),
        ("file", ["--json", "{d}/file/r.json"], "Cannot write the json report to {d}/file/r.json: a folder on"),
        (None, ["-o", "{d}"], "Cannot write the report to {d}: it is a folder"),
        ("disk", ["--json", "{d}/disk"], "Cannot write the json report to {d}/disk: it is a block device"),
        ("document", ["--markdown", "{d}/docs/INVENTORY.md"], "is the inventory document: a report must not"),
        (None, ["--baseline", "{d}/r.json", "--json", "{d}/r.json"], "--json {d}/r.json is the baseline: a report"),
        (None, ["--baseline", "{d}/r.json", "--markdown", "{d}/r.json"], "{d}/r.json is the baseline"),
    ],
)
def test_a_bad_output_path_is_refused_before_the_audit(
    tmp_path: Path, make: str | None, options: list[str], message: str
) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(INVENTORY.read_text())
    (tmp_path / "r.json").write_text("last night")
    if make == "link":
        (tmp_path / "link").symlink_to(tmp_path / "r.json")
    elif make == "hardlink":
        os.link(tmp_path / "r.json", tmp_path / "hard")
    elif make == "docs":
        (tmp_path / "docs" / "database").mkdir(parents=True)
        (tmp_path / "docs" / "database" / "12-profiles.md").write_text("# profiles\n")
    elif make == "file":
        (tmp_path / "file").write_text("")
    elif make == "disk":
        os.mknod(tmp_path / "disk", stat.S_IFBLK | 0o600, DISK)
    elif make == "document":
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "INVENTORY.md").write_text("# Inventory\n")

    def filled(text: str) -> str:
        return text.format(d=tmp_path, inventory=inventory)

    result = audit(UNREACHABLE, "--inventory", str(inventory), *map(filled, options))
    assert result.returncode == 2, result.stderr  # an audit that had started would exit 3
    assert filled(message) in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "r.json").read_text() == "last night"
    assert inventory.read_text() == INVENTORY.read_text()
    made = ("12-profiles.md", "INVENTORY.md")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".md", ".sarif")) and p.name not in made]
    if make == "document":
        assert (tmp_path / "docs" / "INVENTORY.md").read_text() == "# Inventory\n"
    if make == "disk":
        assert stat.S_ISBLK(os.stat(tmp_path / "disk").st_mode)


def test_a_socket_is_said_to_be_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a socket's path must be short: bound by its name in the folder
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("report.sock")
    result = audit(UNREACHABLE, "--json", str(tmp_path / "report.sock"))
    assert result.returncode == 2, result.stderr
    assert f"Cannot write the json report to {tmp_path}/report.sock: it is a socket." in result.stderr


@pytest.mark.parametrize("bad", ["long", "loop"])
@pytest.mark.parametrize(
    "command",
    [
        ["audit", "--db-url", UNREACHABLE, "--connect-retries", "0", "--json"],
        ["audit", "--db-url", UNREACHABLE, "--connect-retries", "0", "-o"],
        ["snapshot", "--env", "local", "--db-url", UNREACHABLE, "-o"],
        ["snapshot", "--env", "local", "--db-url", UNREACHABLE, "--dry-run", "-o"],  # writes nothing, still refused
        ["docs", "inventory", "-o"],
        ["schema", "-o"],
    ],
)
def test_a_path_the_system_refuses_is_a_usage_error_not_a_traceback(
    tmp_path: Path, command: list[str], bad: str
) -> None:
    """A name too long (ENAMETOOLONG), a symlink loop (ELOOP): exit 2 and the reason, never the
    traceback and exit 1 of an uncaught error (1 is the drift code)."""
    if bad == "long":
        path = tmp_path / ("x" * 300)
    else:
        path = tmp_path / "loop"
        path.symlink_to(tmp_path / "back")
        (tmp_path / "back").symlink_to(path)
    (tmp_path / "inventory.yaml").write_text(INVENTORY.read_text())
    (tmp_path / "docs" / "database").mkdir(parents=True)
    result = run_auditor(*command, str(path), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    reason = os.strerror(errno.ENAMETOOLONG if bad == "long" else errno.ELOOP)
    assert f"to {path}: {reason}." in result.stderr and "Traceback" not in result.stderr


def test_several_environments_are_checked_together(tmp_path: Path) -> None:
    """{env} expanded for every environment before any audit: prod's path is staging's file."""
    (tmp_path / "staging.json").write_text("kept")
    (tmp_path / "prod.json").symlink_to(tmp_path / "staging.json")
    result = run_auditor("audit", "--env", "prod", "--env", "staging", "--json", str(tmp_path / "{env}.json"))
    assert result.returncode == 2, result.stderr
    assert f"--json {tmp_path}/prod.json and --json {tmp_path}/staging.json are the same" in result.stderr
    assert (tmp_path / "staging.json").read_text() == "kept"


# --- what other commands write, and the job summary, are checked as report paths ------------------


@pytest.mark.parametrize("command", [["docs", "inventory"], ["schema"]])
@pytest.mark.parametrize("target", ["inventory.yaml", "link", "docs/database/12-profiles.md", "disk"])
def test_docs_inventory_and_schema_outputs_are_checked(tmp_path: Path, command: list[str], target: str) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(INVENTORY.read_text())
    (tmp_path / "link").symlink_to(inventory)
    (tmp_path / "docs" / "database").mkdir(parents=True)
    page = tmp_path / "docs" / "database" / "12-profiles.md"
    page.write_text("# profiles\n")
    os.mknod(tmp_path / "disk", stat.S_IFBLK | 0o600, DISK)
    result = run_auditor(*command, "-o", target, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    expected = {
        "inventory.yaml": "--output inventory.yaml is the inventory: the",
        "link": "--output link is the inventory: the",
        "disk": "to disk: it is a block device.",
    }.get(target, "is inside the docs folder docs/database")
    assert expected in result.stderr
    assert inventory.read_text() == INVENTORY.read_text() and page.read_text() == "# profiles\n"
    assert (tmp_path / "link").is_symlink() and stat.S_ISBLK(os.stat(tmp_path / "disk").st_mode)


@pytest.mark.parametrize("summary", ["inventory.yaml", "docs/database/12-profiles.md"])
def test_the_job_summary_is_checked_before_the_audit(tmp_path: Path, summary: str) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(INVENTORY.read_text())
    (tmp_path / "docs" / "database").mkdir(parents=True)
    page = tmp_path / "docs" / "database" / "12-profiles.md"
    page.write_text("# profiles\n")
    variables = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / summary)}
    result = audit(UNREACHABLE, "--inventory", str(inventory), "--github", env=variables)
    assert result.returncode == 2, result.stderr  # an audit that had started would exit 3
    assert f"GITHUB_STEP_SUMMARY {tmp_path / summary} is" in result.stderr
    assert inventory.read_text() == INVENTORY.read_text() and page.read_text() == "# profiles\n"


def test_a_job_summary_fifo_nobody_reads_is_an_error_not_a_wait(ourvidz_db: str, tmp_path: Path) -> None:
    fifo = tmp_path / "summary"
    os.mkfifo(fifo)
    result = audit(
        ourvidz_db, "--github", "--json", str(tmp_path / "audit.json"), env={"GITHUB_STEP_SUMMARY": str(fifo)}
    )
    assert result.returncode == 2, result.stderr
    assert f"to {fifo}: it is a FIFO that no process reads." in result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and (tmp_path / "audit.json").exists()


# --- temporary files of a killed run ------------------------------------------------------------


def test_leftovers_of_a_killed_run_are_removed_and_a_running_one_s_are_kept(ourvidz_db: str, tmp_path: Path) -> None:
    leftover = tmp_path / ".audit.json.k1ll3d00.auditor-tmp"
    leftover.write_text('{"status": "clean"}')
    running = tmp_path / ".audit.json.w0rk1ng0.auditor-tmp"
    running.write_text("")
    unrelated = tmp_path / ".audit.json.notours"
    unrelated.write_text("")
    with open(running) as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a run still writing holds it
        result = audit(ourvidz_db, "--json", str(tmp_path / "audit.json"))
    assert result.returncode == 0, result.stderr
    assert not leftover.exists() and running.exists() and unrelated.exists()
    assert json.loads((tmp_path / "audit.json").read_text())["status"] == "clean"


# --- a reader that goes away ----------------------------------------------------------------------


@pytest.mark.parametrize(("drift", "code"), [(False, 0), (True, 1)])
def test_a_closed_pipe_keeps_the_audit_s_own_exit_code(ourvidz_db: str, tmp_path: Path, drift: bool, code: int) -> None:
    """`auditor audit | head -1`: the reader leaves; the exit code is still the verdict, and the
    report files are written."""
    if drift:
        pg.execute(ourvidz_db, "alter table public.profiles add column nickname text")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte
    try:
        process = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", "--db-url", ourvidz_db, "-f", "markdown",
             "--json", str(tmp_path / "audit.json")],
            stdout=write, stderr=subprocess.PIPE, text=True, cwd=REPO, timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")},
        )  # fmt: skip
    finally:
        os.close(write)
    assert process.returncode == code, process.stderr
    assert "Traceback" not in process.stderr and "error" not in process.stderr
    assert json.loads((tmp_path / "audit.json").read_text())["status"] == ("drift" if drift else "clean")
