"""A PgBouncer of a test's own, in transaction mode (as Supabase's pooler on port 6543).

    with pgbouncer(("127.0.0.1", 5432), tmp_path / "pgbouncer", users=["postgres"]) as bouncer:
        url = bouncer.url("mydb")   # postgresql://postgres@127.0.0.1:<port>/mydb?sslmode=disable

It listens on a free loopback port, with its configuration, user list and log in the folder
given; every database name is passed on to the server at `backend` (host and TCP port), and a
server connection is shared by all clients (pool size 1), so a session that left anything
behind would hand it to the next client. Users are trusted: the list only names who may log in.
PgBouncer refuses to run as root; as root it is started as user nobody. Without the program
(Debian package pgbouncer, which .ci/run installs) the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

PROGRAM_PLACES = ("/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer")


@dataclass(frozen=True)
class Bouncer:
    port: int
    log: Path

    def url(self, dbname: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}?sslmode=disable"


def program() -> str | None:
    return shutil.which("pgbouncer") or next((p for p in PROGRAM_PLACES if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def pgbouncer(backend: tuple[str, int], folder: Path, users: Iterable[str] = ("postgres",)) -> Iterator[Bouncer]:
    binary = program()
    if binary is None:
        pytest.skip("pgbouncer is not installed (Debian package pgbouncer; .ci/run installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (folder / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users))
    config = folder / "pgbouncer.ini"
    config.write_text(
        f"[databases]\n* = host={backend[0]} port={backend[1]}\n\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 1\n"
        "logfile =\npidfile =\n"
    )
    log = folder / "pgbouncer.log"
    as_nobody = ["-u", "nobody"] if os.geteuid() == 0 else []
    with log.open("wb") as output:
        process = subprocess.Popen([binary, *as_nobody, str(config)], stdout=output, stderr=subprocess.STDOUT)
    bouncer = Bouncer(port, log)
    try:
        _wait_until_it_answers(bouncer, process)
        yield bouncer
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_it_answers(bouncer: Bouncer, process: subprocess.Popen) -> None:
    until = time.monotonic() + 20
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited {process.returncode}: {bouncer.log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", bouncer.port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"pgbouncer did not listen on port {bouncer.port}: {bouncer.log.read_text()[-2000:]}")


def backend_pid(url: str) -> int:
    """The server process behind the pooler's connection (pool size 1: the one every client shares)."""
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        return conn.execute("select pg_backend_pid()").fetchone()[0]
