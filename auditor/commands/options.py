"""Options and helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.errors import AuditorError

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

DEFAULT_INVENTORY = Path("inventory.yaml")


def fail(error: AuditorError) -> typer.Exit:
    """Print the error's message (never a traceback) and return the Exit to raise."""
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(error.exit_code)
