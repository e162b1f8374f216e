"""A line of progress on stderr, on a terminal only: what a command is waiting for.

Anything that can take more than a second (connecting with retries, reading a large catalog,
starting the demo's server) says so, with rich's spinner; the line disappears when the wait
ends, so the report that follows starts on a clean screen. Nothing at all is written when
stderr is not a terminal (a CI log, a pipe, a file) or with --quiet.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.status import Status


class Progress:
    """The progress line of one command: say() what it waits for, stop() before writing its output."""

    def __init__(self, status: Status | None):
        self._status = status
        self._lock = threading.Lock()  # readers in several threads say, the command's thread stops

    @classmethod
    def on_stderr(cls, quiet: bool = False) -> Progress:
        """A shown line when stderr is a terminal and not `quiet`; a silent one otherwise."""
        if quiet or sys.stderr is None or not sys.stderr.isatty():
            return cls(None)
        from rich.console import Console

        status = Console(stderr=True, highlight=False).status("Starting")
        status.start()
        return cls(status)

    @property
    def reporter(self) -> Callable[[str], None] | None:
        """say, for code that reports progress only when someone sees it; None when silent."""
        return self.say if self._status is not None else None

    def say(self, text: str) -> None:
        """Show `text` (plain text: brackets are not markup) in place of the line before."""
        with self._lock:
            if self._status is not None:
                from rich.text import Text

                self._status.update(Text(text))

    def stop(self) -> None:
        """Clear the line for good; later say()s are silent."""
        with self._lock:
            if self._status is not None:
                self._status.stop()
                self._status = None
