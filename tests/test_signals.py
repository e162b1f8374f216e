"""A run stopped by a signal (CI cancelling the job with SIGTERM, Ctrl-C) ends at once, and
every report it was asked for says it failed: last night's clean reports never stay in place.

The real `auditor audit` reads a real server through a proxy that holds the catalog's reply
back, so the signal arrives while the audit waits for the server, as it would in CI.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import INVENTORY, REPO
from tests.faultproxy import FaultProxy
from tests.storage_api_server import inventory_with_environments
from tests.test_faults import TABLES_QUERY, backend_of, dbname_of

STOP_WITHIN = 5.0  # seconds from the signal to the end of the process, its reports written
CLEAN = '{"version": 1, "status": "clean", "environment": "prod", "findings": []}\n'
REPORTS = {"--json": "audit.json", "--markdown": "audit.md", "--junit": "audit.xml", "--sarif": "audit.sarif"}


@pytest.fixture
def proxy(ourvidz_db: str) -> Iterator[FaultProxy]:
    """A proxy to the test database that holds back the reply to the catalog's tables query."""
    with FaultProxy(backend_of(ourvidz_db)) as running:
        running.trigger, running.fault = TABLES_QUERY, "hold"
        yield running


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    environment.update(env or {}, NO_COLOR="1")
    return subprocess.Popen(
        [sys.executable, "-m", "auditor", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=REPO,
    )


def stop_when_held(process: subprocess.Popen, proxy: FaultProxy, signum: int) -> tuple[int, float, str]:
    """Once the audit waits for the held reply, send `signum`: (exit code, seconds to the end, stderr)."""
    if not proxy.held.wait(60):
        process.kill()
        raise AssertionError(f"the audit never reached the held query: {process.communicate()}")
    time.sleep(0.3)  # the reply is held: the audit is waiting for it
    assert process.poll() is None, process.communicate()
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        _out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("the audit did not end within 30 s of the signal") from None
    return process.returncode, time.monotonic() - sent, err


def last_nights_reports(folder: Path, names: list[str]) -> list[str]:
    """Clean reports in `folder`, as a run that succeeded left them; the options naming them."""
    options = []
    for option, name in [*REPORTS.items(), ("--output", "audit.txt")]:
        for environment in names:
            (folder / environment).mkdir(exist_ok=True)
            (folder / environment / name).write_text(CLEAN)
        options += [option, str(folder / "{env}" / name) if len(names) > 1 else str(folder / names[0] / name)]
    return options


def assert_failed(folder: Path, signum: int, code: int) -> None:
    name = signal.Signals(signum).name
    report = json.loads((folder / "audit.json").read_text())
    assert report["status"] == "failed" and report["failure"]["exit_code"] == code
    assert f"interrupted by {name}" in report["failure"]["message"]
    for path in folder.iterdir():
        text = path.read_text()
        assert text != CLEAN and f"interrupted by {name}" in text, path
    assert not list(folder.glob(".*")), "a temporary file was left behind"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_read_ends_the_run_with_failed_reports(
    proxy: FaultProxy, ourvidz_db: str, tmp_path: Path, signum: int, code: int
) -> None:
    options = last_nights_reports(tmp_path, ["run"])
    process = start("audit", "--db-url", proxy.url(dbname_of(ourvidz_db)), *options)
    returncode, elapsed, err = stop_when_held(process, proxy, signum)
    name = signal.Signals(signum).name
    assert returncode == code, err
    assert elapsed < STOP_WITHIN, f"{elapsed:.1f} s from {name} to the end"
    assert f"interrupted by {name}" in err and "Traceback" not in err
    assert_failed(tmp_path / "run", signum, code)


def test_sigterm_stops_several_environments_audited_at_once(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    """Each environment's audit waits in a thread of its own: none holds the end up."""
    environments = "\nenvironments:\n  one:\n    database_url: ${SIG_URL}\n  two:\n    database_url: ${SIG_URL}\n"
    inventory = inventory_with_environments(INVENTORY, tmp_path, environments)
    options = last_nights_reports(tmp_path, ["one", "two"])
    url = proxy.url(dbname_of(ourvidz_db))
    process = start("audit", "--inventory", str(inventory), "--all-envs", *options, env={"SIG_URL": url})
    returncode, elapsed, err = stop_when_held(process, proxy, signal.SIGTERM)
    assert returncode == 143, err
    assert elapsed < STOP_WITHIN, f"{elapsed:.1f} s from SIGTERM to the end"
    for environment in ("one", "two"):
        assert_failed(tmp_path / environment, signal.SIGTERM, 143)


def test_sigterm_ends_a_read_in_the_main_thread(proxy: FaultProxy, ourvidz_db: str, tmp_path: Path) -> None:
    """`auditor snapshot` reads the catalog in the main thread, inside psycopg's wait: it ends too."""
    process = start(
        "snapshot", "--env", "prod", "--db-url", proxy.url(dbname_of(ourvidz_db)), "-o", str(tmp_path / "new.yaml")
    )
    returncode, elapsed, err = stop_when_held(process, proxy, signal.SIGTERM)
    assert returncode == 143, err
    assert elapsed < STOP_WITHIN, f"{elapsed:.1f} s from SIGTERM to the end"
    assert err.startswith("error: interrupted by SIGTERM") and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written
