"""A line of progress on stderr, on a terminal only: what a command is waiting for.

Anything that can take more than a second (connecting with retries, reading a large catalog,
starting the demo's server) says so, with rich's spinner; the line appears once a command has
been waiting for half a second (a quick one shows nothing, no flicker), and disappears when the
wait ends, so what follows starts on a clean screen. Nothing at all is written when stderr is
not a terminal (a CI log, a pipe, a file) or with --quiet.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

SHOW_AFTER = 0.5  # seconds from the first thing said to the line's appearance

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.live import Live
    from rich.spinner import Spinner


class Progress:
    """The progress line of one command: say() what it waits for, stop() before writing its output."""

    def __init__(self, shown: bool):
        self._shown = shown
        self._text = ""
        self._timer: threading.Timer | None = None
        self._live: Live | None = None
        self._spinner: Spinner | None = None
        self._lock = threading.Lock()  # readers in several threads say, a timer shows, the command stops

    @classmethod
    def on_stderr(cls, quiet: bool = False) -> Progress:
        """A line shown when stderr is a terminal and not `quiet`; a silent one otherwise."""
        return cls(not quiet and sys.stderr is not None and sys.stderr.isatty())

    @property
    def reporter(self) -> Callable[[str], None] | None:
        """say, for code that reports progress only when someone sees it; None when silent."""
        return self.say if self._shown else None

    def say(self, text: str) -> None:
        """Show `text` (plain text: brackets are not markup) in place of the line before."""
        with self._lock:
            if not self._shown:
                return
            self._text = text
            if self._live is not None:
                self._render()
            elif self._timer is None:
                self._timer = threading.Timer(SHOW_AFTER, self._show)
                self._timer.daemon = True
                self._timer.start()

    def stop(self) -> None:
        """Clear the line for good; later say()s are silent."""
        with self._lock:
            self._shown = False
            if self._timer is not None:
                self._timer.cancel()
            if self._live is not None:
                self._live.stop()
                self._live = None

    def _show(self) -> None:
        with self._lock:
            if not self._shown:
                return
            from rich.live import Live
            from rich.spinner import Spinner

            from auditor import consoles

            self._spinner = Spinner("dots")
            self._live = Live(self._spinner, console=consoles.console(stderr=True), transient=True)
            self._live.start()
            self._render()

    def _render(self) -> None:
        """Show the text at once (rich would wait for its next refresh, and a short wait went unseen)."""
        from rich.text import Text

        self._spinner.update(text=Text(self._text))
        self._live.refresh()
