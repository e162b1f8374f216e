"""Options and helpers shared by several commands."""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from auditor.errors import AuditorError, Interrupted

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

QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress, and only the verdicts and counts where a report is printed.")
]


def complete_environment(context: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of --env: the environments of the inventory (--inventory's, if given first)."""
    from auditor.inventory import load_inventory

    path = context.params.get("inventory") or context.params.get("output") or DEFAULT_INVENTORY
    try:
        names = [environment.name for environment in load_inventory(path).environments]
    except AuditorError:  # no inventory, or an invalid one: nothing to offer
        return []
    return [name for name in names if name.startswith(incomplete)]


def fail(error: AuditorError) -> typer.Exit:
    """Print the error's message (never a traceback) and return the Exit to raise."""
    say(f"error: {error}")
    return typer.Exit(error.exit_code)


def finite(value: float) -> float:
    """Option callback: a number of seconds must be a number (click's ranges let nan through)."""
    if not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds.")
    return value


def say(message: str) -> None:
    """Print a message for a person on stderr: wrapped to the width of a terminal at spaces and
    separators (a long URL is not cut mid-word), one line per message in a log or a pipe. It may
    quote outside text (a server's error, a name from the database or the command line): every
    invisible or terminal-driving character is shown as an escape, as the reports show them."""
    from auditor.render.layout import for_terminal
    from auditor.render.values import visible

    typer.echo(for_terminal(visible(message, newlines=True), sys.stderr), err=True)


def epilog(examples: list[str], exit_codes: str) -> str:
    """A command's help epilog: its examples, one per line, then its exit codes.

    The examples are one paragraph marked with click's `\\b`, so they are never rewrapped: a
    command wrapped mid-line by the help formatter cannot be pasted. An example too long for
    80 columns continues on the next line after a backslash, as in a shell.
    """
    lines = "\n".join(f"  {line}" for example in examples for line in example.split("\n"))
    return f"Examples:\n\n\b\n{lines}\n\n{exit_codes}"


def epilog_parts(text: str) -> tuple[list[str], str]:
    """(the example lines, the exit codes sentence) of an epilog made by `epilog`, for the
    manual's command pages."""
    match = re.fullmatch(r"Examples:\n\n\x08\n(.*?)\n\n(.*)", text, flags=re.S)
    if match is None:
        return [], " ".join(text.split())
    examples = [line.removeprefix("  ") for line in match.group(1).split("\n")]
    return examples, " ".join(match.group(2).split())


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
"""CI cancelling a job (SIGTERM, or SIGINT first on GitHub Actions), Ctrl-C, a closed terminal."""

IN_OWN_PROCESS = False
"""Set by cli.main: the command runs as the `auditor` process, whose signals it may take over
(not inside a caller's process, such as a test runner's)."""

STOP_GRACE = 2.0
"""Seconds a stopped run has to mark its reports failed before the process ends regardless (a
library's clean-up may itself wait for a server that no longer answers)."""


def stop_on_signals() -> None:
    """Make a stop signal raise Interrupted in the main thread, wherever it waits (a query, the
    Storage API, a thread's end), so that the command can mark its reports failed and end. The
    process ends STOP_GRACE seconds later whatever happens, and at once on a second signal.

    Called by the commands that wait on servers (audit, snapshot, accept); `auditor demo` keeps
    its own handling, whose clean-up (stopping its server) must not be cut short."""
    if not IN_OWN_PROCESS:
        return

    def end_now(signum: int, *_args: object) -> None:
        with contextlib.suppress(OSError):
            os.write(2, f"error: interrupted by {signal.Signals(signum).name}\n".encode())
        os._exit(128 + signum)

    def stop(signum: int, _frame: object) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, end_now)
        deadline = threading.Timer(STOP_GRACE, end_now, args=(signum,))
        deadline.daemon = True
        deadline.start()
        raise Interrupted(signum)

    for number in STOP_SIGNALS:
        if signal.getsignal(number) is not signal.SIG_IGN:  # nohup: a hang-up stays ignored
            signal.signal(number, stop)


_INTERVAL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*", re.IGNORECASE)
_MILLISECONDS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


def positive_interval(value: str) -> str:
    """A timeout as PostgreSQL reads it (a number and a unit; no unit: milliseconds), refused when
    it is under a millisecond: PostgreSQL reads 0 (and what rounds to it) as no timeout at all."""
    match = _INTERVAL.fullmatch(value)
    if match is None:
        raise typer.BadParameter(f"{value!r} is not a duration: give a number and a unit, such as 30s, 500ms or 2min.")
    milliseconds = float(match.group(1)) * _MILLISECONDS[(match.group(2) or "ms").lower()]
    if milliseconds < 1:
        raise typer.BadParameter(
            f"{value!r} is under a millisecond, which PostgreSQL reads as no timeout: give at least 1ms (e.g. 30s)."
        )
    return value
