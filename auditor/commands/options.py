"""Options and helpers shared by several commands."""

from __future__ import annotations

import sys
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
    say(f"error: {error}")
    return typer.Exit(error.exit_code)


def say(message: str) -> None:
    """Print a message for a person on stderr: wrapped to the width of a terminal at spaces and
    separators (a long URL is not cut mid-word), one line per message in a log or a pipe."""
    from auditor.render.layout import for_terminal

    typer.echo(for_terminal(message, sys.stderr), err=True)
