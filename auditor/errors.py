"""The project's own errors: each carries a message a person can act on and an exit code."""

from __future__ import annotations

import signal
from dataclasses import dataclass

from auditor import exit_codes


class AuditorError(Exception):
    """An expected failure: shown to the user as a message, never as a traceback."""

    exit_code = exit_codes.USAGE


class UsageError(AuditorError):
    """Bad options, unknown environment, missing credentials."""


@dataclass(frozen=True)
class Problem:
    """One problem in an inventory file, with its location."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    path: str  # key path, e.g. "tables.profiles.columns"
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class InventoryError(AuditorError):
    """inventory.yaml cannot be read or is invalid; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the inventory:"] + [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


class SourceUnavailable(AuditorError):
    """The database or API could not be reached or read: no verdict is possible."""

    exit_code = exit_codes.UNREACHABLE


class Interrupted(BaseException):
    """The process was asked to stop (SIGTERM from CI, Ctrl-C, a closed terminal): the run ends
    at once, and the reports asked for are written as failed. A BaseException, as KeyboardInterrupt
    is, so that no `except Exception` holds it up; its exit code is the shells' 128 + signal."""

    def __init__(self, signum: int):
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}: the audit stopped before it reached a verdict")
