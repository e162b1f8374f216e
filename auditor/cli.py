"""The `auditor` command: a thin shell that parses options, calls the library, picks the exit code.

Each sub-command lives in its own module under auditor/commands/ and imports what it needs
only when it runs, so `auditor --help` stays quick.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
import traceback
from typing import Annotated, NoReturn, TextIO

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer >= 0.26 vendors click

from auditor import __version__, exit_codes
from auditor.commands import audit, demo, docs, options, rules, schema, snapshot, validate
from auditor.errors import Interrupted

app = typer.Typer(
    name="auditor",
    help=(
        "Keep a Supabase project's inventory honest: compare inventory.yaml with the live database "
        "(tables, columns, storage buckets) and report every difference.\n\n" + exit_codes.HELP_TEXT
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
    # Plain help and usage errors: rich's help formatting imports rich and markdown_it (~70 ms of
    # every `auditor --help` or mistyped option), and the plain text pipes and greps better.
    rich_markup_mode=None,
)
app.command(epilog=audit.EPILOG)(audit.audit)
app.command(epilog=validate.EPILOG)(validate.validate)
app.command(epilog=demo.EPILOG)(demo.demo)
app.command(epilog=snapshot.SNAPSHOT_EPILOG)(snapshot.snapshot)
app.command(epilog=snapshot.ACCEPT_EPILOG)(snapshot.accept)
app.command(epilog=schema.EPILOG)(schema.schema)
app.command(epilog=rules.EPILOG)(rules.rules)
app.add_typer(docs.app, name="docs")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Keep a Supabase project's inventory honest."""


def main() -> None:
    # One command, then the process ends: an audit builds about a million objects and next to
    # no reference cycles, so the cyclic collector would only walk them again and again to free
    # nothing (a fifth of a 10,000-table audit's CPU time; peak memory is the same without it).
    gc.disable()
    os.environ.setdefault("TERMINAL_WIDTH", "100")  # help text width when not on a terminal
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        # Reports hold emoji and database names: on a terminal that cannot show a character
        # (e.g. PYTHONIOENCODING=ascii) print an escape instead of failing the audit.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
        if stream is not None:
            setattr(sys, name, ReaderMayLeave(stream))
    options.IN_OWN_PROCESS = True
    try:
        code = app(prog_name="auditor", standalone_mode=False)  # usage errors come back to be shown as ours
    except SystemExit as done:  # completion, a closed pipe, SIGTERM (143), sys.exit in a command
        _end_process(done.code)
    except ClickException as error:
        _show_usage_error(error)
        _end_process(error.exit_code)
    except Interrupted as stop:  # a command that stops on signals, other than `audit` (which ends itself)
        _say(f"error: {stop}")
        _end_process(stop.exit_code)
    except Exception as error:
        if isinstance(error, OSError) and error.errno in OUTPUT_ERRNOS:  # stdout or stderr on a full disk
            _end_process(exit_codes.USAGE, error)
        _internal_error(error)
    _end_process(code)


def _internal_error(error: Exception) -> NoReturn:
    """A bug, or an error no code of ours expected: exit 4, so that a CI job never reads it as
    drift (1), with the traceback under AUDITOR_DEBUG=1 (Python's own exit code would be 1)."""
    if os.environ.get("AUDITOR_DEBUG"):
        traceback.print_exception(error)
    else:
        typer.echo(
            f"error: internal error: {type(error).__name__}. This is a bug in the auditor; "
            "run again with AUDITOR_DEBUG=1 for the traceback and report it.",
            err=True,
        )
    sys.exit(exit_codes.INTERNAL)


def _show_usage_error(error: ClickException) -> None:
    """A bad command line, said as every other error is: the usage, where to find help, then
    `error: ...` (click would write `Error: ...`), what the command line held shown as the reports
    show names (click escapes only control characters, not `--forma\\u200bt` or a bidi override)."""
    from auditor.render.values import visible

    if isinstance(error, NoArgsIsHelpError):  # `auditor` alone: the help, exit 2
        error.show()
        return
    context = getattr(error, "ctx", None)
    if context is not None:
        typer.echo(f"{context.get_usage()}\nTry '{context.command_path} --help' for help.\n", err=True)
    typer.echo(f"error: {visible(error.format_message())}", err=True)


class ReaderMayLeave:
    """A standard stream whose reader may go away (`auditor audit | head -1`): what is written
    after that is discarded, so the command runs on and ends with its own exit code (click
    would end it with 1, the drift code, in the middle of its work)."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._discard()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard()

    def _discard(self) -> None:
        """Point the descriptor at /dev/null, so that the buffered text and all later writes go
        nowhere without an error."""
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
            self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        from auditor.commands.options import say

        say(message)


OUTPUT_ERRNOS = (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)
"""Errors of writing to stdout or stderr (report files fail as UsageError, where they are written);
any other OSError that reaches main is a bug: exit 4."""


def _end_process(code: object, output_error: OSError | None = None) -> NoReturn:
    """Flush the output and end the process now, skipping the interpreter's teardown: it frees
    every object one at a time, some 75 ms after a 10,000-table audit, for nothing. Every file
    the command wrote is closed already; no atexit handler of ours is skipped.

    Output that could not be written (a full disk) is reported, and makes the exit code at least
    2, never 0 or 1. A pipe its reader closed (`auditor audit | head`) is not an error: the
    reader has what it wanted (click exits 1 when that happens in the middle of a write).
    """
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message")
        if sys.stderr is not None:
            print(f"error: {code}", file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # the descriptor was closed when the process started
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as error:
            output_error = output_error or error
    if output_error is not None:
        code = max(code, exit_codes.USAGE)
        if sys.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                print(f"error: cannot write the output: {output_error}", file=sys.stderr, flush=True)
    os._exit(code)
