"""Bad input of every kind gets one clear message and exit 2, promptly, within bounded memory:
option values, files that are not what they claim (devices, FIFOs, endless or deeply nested
JSON), names that would become paths, and values the database holds that an inventory must
express. Never a traceback, never exit 4, never a wait without an end.

Devices are private nodes in the test's own folder: (1, 5) is zero, (1, 8) is random.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.files import STREAM_WAIT
from tests import pg
from tests.conftest import INVENTORY, REPO, run_auditor

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"  # a run that got past its input would exit 3
ZERO, RANDOM = os.makedev(1, 5), os.makedev(1, 8)


# --- option values: typer refuses them, exit 2 -----------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--retry-delay", "nan"),
        ("--retry-delay", "inf"),
        ("--retry-delay", "-inf"),
        ("--retry-delay", "-1"),
        ("--retry-delay", "1e308"),
        ("--retry-delay", "NaN"),
        ("--connect-timeout", "1e308"),
        ("--connect-timeout", str(10**30)),
        ("--connect-timeout", "-5"),
        ("--connect-timeout", "0"),
        ("--connect-retries", "-1"),
        ("--connect-retries", str(10**9)),
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "0"),
        ("--jobs", str(10**9)),
        ("--jobs", "0"),
        ("--jobs", "-3"),
        ("--jobs", "two"),
        ("--format", "pdf"),
        ("--fail-on", "fatal"),
        ("--catalog", "pg_class"),
    ],
)
def test_an_option_value_out_of_bounds_is_a_usage_error(option: str, value: str) -> None:
    result = run_auditor("audit", "--db-url", UNREACHABLE, option, value)
    assert result.returncode == 2, result.stderr
    assert "Invalid value for" in result.stderr and option in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


# --- input files: bounded, never blocking ---------------------------------------------------------


def run_measured(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float, float]:
    """(result, seconds, peak memory of the child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    result = subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        capture_output=True, text=True, cwd=REPO, timeout=timeout, env=environment,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result, elapsed, max(peak, before) / 1024


def baseline_file(folder: Path, kind: str) -> Path:
    path = folder / "last.json"
    if kind == "zero device":
        os.mknod(path, stat.S_IFCHR | 0o666, ZERO)
    elif kind == "random device":
        os.mknod(path, stat.S_IFCHR | 0o666, RANDOM)
    elif kind == "FIFO without a writer":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "deep JSON":
        path.write_text("[" * 200_000 + "]" * 200_000)
    elif kind == "deep objects":
        path.write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    elif kind == "huge number":
        path.write_text('{"version": 1, "findings": [], "n": ' + "9" * 100_000 + "}")
    elif kind == "too large":
        with open(path, "wb") as file:
            file.truncate(65 * 1024 * 1024)  # sparse: no disk used
    elif kind == "not UTF-8":
        path.write_bytes(b'{"version": 1, "findings": [], "x": "\xff\xfe"}')
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 10)
    elif kind == "a list":
        path.write_text("[1, 2, 3]")
    return path


BASELINES = {
    "zero device": "is too large (more than 67,108,864 bytes",
    "random device": "is too large (more than 67,108,864 bytes",
    "FIFO without a writer": "is not valid JSON (line 1, column 1",
    "folder": "Cannot read the baseline report",
    "deep JSON": "nests its JSON too deeply",
    "deep objects": "nests its JSON too deeply",
    "huge number": "is not an auditor JSON report: it holds a number of thousands of digits",
    "too large": "is too large (68,157,440 bytes, over the 67,108,864",
    "not UTF-8": "is not UTF-8 text",
    "binary": "is not",
    "a list": "no 'findings' list",
}


@pytest.mark.parametrize("kind", BASELINES)
def test_a_bad_baseline_is_refused_promptly_and_in_bounded_memory(tmp_path: Path, kind: str) -> None:
    path = baseline_file(tmp_path, kind)
    result, elapsed, peak_mb = run_measured("audit", "--db-url", UNREACHABLE, "--baseline", str(path))
    assert result.returncode == 2, result.stderr
    assert BASELINES[kind] in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 20, f"{elapsed:.1f} s"
    assert peak_mb < 400, f"peak memory {peak_mb:.0f} MB"


def test_a_fifo_whose_writer_stays_silent_is_given_up(tmp_path: Path) -> None:
    fifo = tmp_path / "inventory.yaml"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # open for writing, and silent
    try:
        result, elapsed, _ = run_measured("validate", "--inventory", str(fifo))
    finally:
        os.close(writer)
    assert result.returncode == 2, result.stderr
    assert f"cannot read the file: nothing arrived for {STREAM_WAIT:g} s" in result.stderr
    assert elapsed < STREAM_WAIT + 15


@pytest.mark.parametrize("kind", ["FIFO without a writer", "zero device", "folder"])
def test_an_inventory_that_is_not_a_file_is_refused_promptly(tmp_path: Path, kind: str) -> None:
    path = baseline_file(tmp_path, kind)
    result, elapsed, _ = run_measured("validate", "--inventory", str(path))
    assert result.returncode == 2, result.stderr
    assert f"{path}:1:1: " in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 20


def test_an_inventory_read_through_a_pipe_still_works() -> None:
    """`auditor validate -i <(cat inventory.yaml)`: a FIFO with a writer is read to its end."""
    result = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m auditor validate -i <(cat {INVENTORY})"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "valid (26 tables, 10 buckets, 3 environments)" in result.stdout


# --- names that become paths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../x", "a/b", "..", ".hidden", "-rf", "x y", "prod\u200b", "pro\u202eduction", "\x1b]8;;http://x\x07", "é" * 3,
     "a" * 65, "C:\\\\x", "{env}", "prod.json/"],
)  # fmt: skip
def test_an_environment_name_outside_the_safe_alphabet_is_refused_with_its_place(tmp_path: Path, name: str) -> None:
    path = tmp_path / "inventory.yaml"
    quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\e").replace("\x07", "\\a")
    path.write_text(f'tables: {{}}\nenvironments:\n  ok-1.2_x:\n    database_url: ${{A}}\n  "{quoted}":\n'
                    "    database_url: ${A}\n", encoding="utf-8")  # fmt: skip
    result = run_auditor("validate", "--inventory", str(path))
    assert result.returncode == 2, result.stderr
    assert f"{path}:5:3: environments." in result.stderr and "may hold only letters, digits" in result.stderr
    assert "\x1b" not in result.stderr and "\u200b" not in result.stderr and "\u202e" not in result.stderr
    assert result.stderr.count("problem") == 1  # ok-1.2_x is a good name


# --- values the database holds that an inventory must express ---------------------------------------


def test_snapshot_of_a_bucket_allowing_any_type_is_written(ourvidz_db: str) -> None:
    """Storage accepts `*` as a MIME type; snapshot used to write it and then exit 4 on its own file."""
    pg.execute(ourvidz_db, "update storage.buckets set allowed_mime_types = '{*}' where id = 'avatars'")
    pg.execute(ourvidz_db, "update storage.buckets set allowed_mime_types = '{image/*}' where id = 'videos'")
    result = run_auditor("snapshot", "--env", "local", "--db-url", ourvidz_db, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "allowed_mime_types: ['*']" in result.stdout or 'allowed_mime_types: ["*"]' in result.stdout


# --- hosts that look local ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("postgresql://u@127.0.0.1/d", True),
        ("postgresql://u@127.0.0.2:5433/d", True),
        ("postgresql://u@[::1]/d", True),
        ("postgresql://u@localhost/d", True),
        ("host=/var/run/postgresql dbname=d", True),
        ("postgresql://u@127.0.0.1.nip.io/d", False),
        ("postgresql://u@127.evil.example/d", False),
        ("postgresql://u@127/d", False),
        ("postgresql://u@localhost.example.com/d", False),
        ("postgresql://u@127.0.0.1,db.example.com/d", False),
    ],
)
def test_only_real_loopback_hosts_skip_the_ssl_default(url: str, loopback: bool) -> None:
    from auditor.urls import default_sslmode, is_loopback

    assert is_loopback(url) is loopback
    assert default_sslmode(url) == (None if loopback else "require")
