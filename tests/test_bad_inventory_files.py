"""Bad inventory files through the real CLI: `auditor validate` and `auditor audit` each end with a
located message and exit code 2, quickly and in bounded memory; never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.inventory import MAX_INVENTORY_BYTES
from tests.conftest import REPO

UNREACHABLE_DB = "postgresql://nobody@127.0.0.1:1/nothing"  # a file wrongly accepted would give exit 3
COMMANDS = {
    "validate": ["validate"],
    "audit": ["audit", "--db-url", UNREACHABLE_DB, "--connect-retries", "0", "--connect-timeout", "2"],
}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # wall clock
    cpu_seconds: float  # what the process itself used: stable on a busy machine
    max_rss_mb: float


def run_cli(args: list[str], prefix: list[str] | None = None) -> Run:
    """Run `python -m auditor ARGS` and measure that process alone (time, CPU time, peak memory)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_"))}
    env["NO_COLOR"] = "1"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*(prefix or []), sys.executable, "-m", "auditor", *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=REPO,
        )
        try:
            status, usage = _wait4(process.pid, timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        return Run(process.returncode, _read(out), _read(err), seconds, cpu, usage.ru_maxrss / 1024)


def _read(file) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")


def _wait4(pid: int, timeout: float):
    """os.wait4 with a timeout: the rusage it returns is that child's own."""
    deadline = time.monotonic() + timeout
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited:
            return status, usage
        if time.monotonic() > deadline:
            raise AssertionError(f"the auditor did not finish in {timeout} s")
        time.sleep(0.01)


def billion_laughs_sequences() -> str:
    """Nine levels of ten aliases each: a billion strings if aliases were expanded."""
    lines = ['lol: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    bomb = "\n".join(f"  {line}" for line in lines)
    uses = "schemas: *l9\ntables:\n  profiles: {columns: *l9}\nbuckets:\n  b: {allowed_mime_types: *l9}\n"
    return f"x:\n{bomb}\n{uses}"


def billion_laughs_mappings() -> str:
    """Mappings of mappings through aliases and merge keys, nine levels of ten."""
    lines = ["m0: &m0 {public: true}"]
    for level in range(1, 10):
        entries = ", ".join(f"k{i}: *m{level - 1}" for i in range(10))
        merges = ", ".join([f"*m{level - 1}"] * 10)
        lines.append(f"m{level}: &m{level} {{<<: [{merges}], {entries}}}")
    bomb = "\n".join(f"  {line}" for line in lines)
    return f"x:\n{bomb}\ntables: *m9\nbuckets:\n  b: {{<<: *m9}}\n"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    message: str  # the part of stderr that tells the person what is wrong, with its place


def write(content: bytes | str, name: str = "inventory.yaml") -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return make


def fifty_megabytes(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.yaml"
    line = b"  table_%07d: {description: a table, columns: [id, name, created_at]}\n"
    with path.open("wb") as file:
        file.write(b"tables:\n")
        for i in range(50 * 1024 * 1024 // len(line % 0)):
            file.write(line % i)
    return path


CASES = [
    Case(
        "missing file",
        lambda tmp: tmp / "nope.yaml",
        "nope.yaml:1:1: file not found. Write one from a database with auditor snapshot --env NAME",
    ),
    Case("directory", lambda tmp: tmp, ":1:1: is a directory, not an inventory file"),
    Case("empty file", write(b""), "inventory.yaml:1:1: the inventory is empty"),
    Case("only comments", write("# nothing yet\n\n"), "inventory.yaml:1:1: the inventory is empty"),
    Case("non-UTF-8 bytes", write(b"project: caf\xe9\n"), "inventory.yaml:1:13: not valid UTF-8 text"),
    Case("UTF-16", write("project: x\n".encode("utf-16")), "inventory.yaml:1:1: not valid UTF-8 text"),
    Case(
        "control character",
        write("project: a\x1bb\n"),
        "inventory.yaml:1:11: invalid YAML: character U+001B is not allowed",
    ),
    Case(
        "tabs for indentation",
        write("tables:\n\tprofiles: {}\n"),
        "inventory.yaml:2:1: invalid YAML: found character that cannot start any token "
        "(a tab: YAML indents with spaces only)",
    ),
    Case(
        "a list for the whole file",
        write("- profiles\n- jobs\n"),
        "inventory.yaml:1:1: expected a mapping (key: value), got a list",
    ),
    Case(
        "a list where a mapping is expected",
        write("tables:\n  - profiles\n  - jobs\n"),
        "inventory.yaml:2:3: tables: expected a mapping (key: value), got a list",
    ),
    Case(
        "a mapping where a list is expected",
        write("schemas: {public: true}\ntables: {profiles: {}}\n"),
        "inventory.yaml:1:10: schemas: expected a list of text, got a mapping",
    ),
    Case(
        "a mapping where a list of columns is expected",
        write("tables:\n  profiles:\n    columns: {id: uuid}\n"),
        "inventory.yaml:3:14: tables.profiles.columns: expected a column count or a list of column names, "
        "got a mapping",
    ),
    Case(
        "50 MB file",
        fifty_megabytes,
        "inventory.yaml:1:1: file is 52,4",  # the exact size depends on the line length
    ),
    Case(
        "endless stream",
        lambda tmp: Path("/dev/zero"),
        f"/dev/zero:1:1: more than the {MAX_INVENTORY_BYTES:,} bytes an inventory may have",
    ),
    Case(
        "billion laughs through lists",
        write(billion_laughs_sequences()),
        "inventory.yaml:1:1: x: unknown key 'x'",
    ),
    Case(
        "billion laughs through mappings and merge keys",
        write(billion_laughs_mappings()),
        "inventory.yaml:1:1: x: unknown key 'x'",
    ),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_file_gives_a_located_message_and_exit_2(tmp_path: Path, case: Case, command: str) -> None:
    path = case.make(tmp_path)
    result = run_cli([*COMMANDS[command], "--inventory", str(path)])
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert case.message in result.stderr, result.stderr[:2000]
    assert len(result.stderr) < 30_000, "the message floods the terminal"
    assert result.cpu_seconds < 5, f"took {result.cpu_seconds:.1f} s of CPU"
    assert result.max_rss_mb < 200, f"used {result.max_rss_mb:.0f} MB"


def test_alias_bombs_are_reported_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """The problems of a billion-laughs inventory are listed without expanding a single alias."""
    for make in (billion_laughs_sequences, billion_laughs_mappings):
        path = write(make())(tmp_path)
        result = run_cli(["validate", "--inventory", str(path)])
        assert result.returncode == 2
        assert result.cpu_seconds < 3 and result.max_rss_mb < 150, (result.cpu_seconds, result.max_rss_mb)
        assert result.stderr.count("\n") < 200  # one problem per alias reference at most, not per expansion


def test_largest_allowed_inventory_loads_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Just under the size cap, a valid inventory still loads: the cap is not the only defence."""
    entry = "  table_{:06d}:\n    description: A table\n    columns: [id, name, {{owner: uuid}}]\n    doc: false\n"
    count = (MAX_INVENTORY_BYTES - 100) // len(entry.format(0))
    path = write("tables:\n" + "".join(entry.format(i) for i in range(count)))(tmp_path)
    result = run_cli(["validate", "--inventory", str(path)])
    assert result.returncode == 0, result.stderr
    assert f"valid ({count} tables" in result.stdout
    assert result.cpu_seconds < 8 and result.max_rss_mb < 250, (result.cpu_seconds, result.max_rss_mb)


def unreadable_runner() -> list[str]:
    """A prefix that makes the auditor subject to file permissions: root reads anything, so drop
    the capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) for that process."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("command", COMMANDS)
def test_unreadable_file(tmp_path: Path, command: str) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("project: secret\ntables: {profiles: {}}\n")
    path.chmod(0)
    prefix = unreadable_runner()
    check = subprocess.run([*prefix, "cat", str(path)], capture_output=True)
    assert check.returncode != 0, "the file is still readable: the test would prove nothing"
    result = run_cli([*COMMANDS[command], "--inventory", str(path)], prefix=prefix)
    assert result.returncode == 2, result.stderr
    # typer checks the option before the command runs; the loader says the same for library users
    assert f"'{path}' is not readable" in result.stderr or f"{path}:1:1: permission denied" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_unreadable_file_through_the_library(tmp_path: Path) -> None:
    """`auditor.audit()` and `load_inventory()` have no option parser in front: our own message."""
    path = tmp_path / "inventory.yaml"
    path.write_text("project: secret\n")
    path.chmod(0)
    code = (
        "import sys\nfrom auditor.errors import InventoryError\nfrom auditor.inventory import load_inventory\n"
        "try:\n    load_inventory(sys.argv[1])\nexcept InventoryError as error:\n    print(error)\n"
    )
    result = subprocess.run(
        [*unreadable_runner(), sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"1 problem in the inventory:\n  {path}:1:1: permission denied reading the file\n"
