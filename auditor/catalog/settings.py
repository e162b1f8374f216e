"""How the auditor's database sessions behave: timeouts, connect retries, the deadline (no psycopg import)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 120.0
"""Seconds an audit's database work may take in all: connecting, retries and reading. Generous
(a 30,000-table catalog is read in a few seconds, and the retries' worst case is under a
minute), yet a hung pooler ends a nightly job in two minutes instead of at the CI's own limit."""


@dataclass(frozen=True)
class SessionSettings:
    connect_timeout: int = 10  # seconds, per attempt
    statement_timeout: str = "30s"  # PostgreSQL interval
    lock_timeout: str = "2s"
    idle_timeout: str = "60s"
    connect_retries: int = 2  # extra attempts after a transient connect failure
    retry_delay: float = 1.0  # seconds before the first retry; doubles each time
    timeout: float = DEFAULT_TIMEOUT  # seconds for connecting, retrying and reading, together
    started: float | None = None  # time.monotonic() the timeout counts from; None: the start of each read
    # where the reader says what it is doing (connecting, retrying, rows read); None: nowhere
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    def deadline(self) -> Deadline:
        """The moment the database work must end, counted from `started` or from now."""
        start = time.monotonic() if self.started is None else self.started
        return Deadline(start + self.timeout, self.timeout)

    def report(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)


@dataclass(frozen=True)
class Deadline:
    at: float  # time.monotonic()
    seconds: float  # the timeout it was made from, for messages

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0
