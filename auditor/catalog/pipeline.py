"""Many statements in one round trip: libpq's pipeline mode, each result read as it arrives.

Statements are queued unnamed (nothing is prepared, so a transaction pooler is fine), sent in
one write, and their results read back in order; a large result is read in chunks while the
server still produces the rest. A Sync after a statement lets the statements after it run even
when it fails. Every wait on the socket ends at the deadline, whatever the server or a pooler
in between does: then DeadlineExpired says whether the reply had stopped or was only slow.

This drives psycopg's libpq wrapper (`psycopg.pq`) rather than `Connection.pipeline()`, which
reads each result whole, keeps only the first error of a batch, and waits for the server at
every Sync, so it could not stream the tables nor tell one failed read from the next.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import psycopg
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer

from auditor.catalog.settings import Deadline
from auditor.catalog.sql import query

CHUNK_ROWS = 500  # rows per result of a streamed statement
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
_ROWS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)
_DONE = (*_ROWS, pq.ExecStatus.COMMAND_OK)
T = TypeVar("T")


class DeadlineExpired(Exception):
    """The deadline passed while waiting on the server: `silent_for` seconds since it last sent
    anything, `replied` whether it sent anything since the statements went out."""

    def __init__(self, silent_for: float, replied: bool):
        super().__init__(f"deadline passed ({silent_for:.1f} s without a reply)")
        self.silent_for, self.replied = silent_for, replied


@dataclass(frozen=True)
class Statement:
    """The statements of the packaged file auditor/sql/<file>.sql, with their parameters."""

    file: str
    params: Mapping[str, object] = field(default_factory=dict)


@cache
def packaged_statements(file: str) -> tuple[str, ...]:
    """The statements of auditor/sql/<file>.sql: one, or several each ending with ';' at the end of
    a line that is not a comment."""
    statements, lines = [], []
    for line in query(file).splitlines():
        lines.append(line)
        if _code(line).endswith(";"):
            lines[-1] = _code(line).removesuffix(";")
            statements.append("\n".join(lines))
            lines = []
    statements.append("\n".join(lines))
    return tuple(text for text in statements if any(_code(line) for line in text.splitlines()))


def _code(line: str) -> str:
    return line.split("--", 1)[0].strip()


@cache
def numbered_statements(file: str) -> tuple[tuple[bytes, tuple[str, ...]], ...]:
    """The file's statements with their %(name)s placeholders numbered $1, $2..., and the names in that order."""
    return tuple(_numbered(text) for text in packaged_statements(file))


def _numbered(text: str) -> tuple[bytes, tuple[str, ...]]:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:  # %%
            return "%"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, text).encode(), tuple(names)


class Pipeline:
    """Statements queued with send() and sync(), sent by flush(), their results read in order."""

    def __init__(self, connection: psycopg.Connection, deadline: Deadline):
        self._connection = connection
        self._pgconn = connection.pgconn
        self._deadline = deadline
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._pgconn.socket, selectors.EVENT_READ)
        self._last_reply = time.monotonic()
        self._replied = False
        self._pgconn.enter_pipeline_mode()
        self._cork(True)

    def send(self, statement: Statement) -> None:
        """Queue the file's statements, its values sent apart from the text as bound parameters."""
        for text, names in numbered_statements(statement.file):
            transformer = Transformer(self._connection)
            values = transformer.dump_sequence([statement.params[n] for n in names], [PyFormat.AUTO] * len(names))
            self._pgconn.send_query_params(text, values, transformer.types, transformer.formats)

    def send_settings(self, statement: Statement) -> None:
        """Queue a file of SET statements, its values quoted into the text by psycopg: SET takes
        no bound parameters, and a SET is the one statement that needs no catalog lookup, so
        the timeouts it sets bound even the session's first catalog access."""
        with psycopg.ClientCursor(self._connection) as cursor:
            for text in packaged_statements(statement.file):
                self._pgconn.send_query_params(
                    cursor.mogrify(text, statement.params).encode(self._connection.info.encoding), None
                )

    def sync(self) -> None:
        """End a segment: a failure before this point leaves the statements after it to run."""
        self._pgconn.pipeline_sync()

    def flush(self) -> None:
        """Send everything queued."""
        while self._pgconn.flush():
            self._wait(selectors.EVENT_WRITE)
        self._cork(False)
        self._last_reply = time.monotonic()  # silence is counted from here

    def read(self, parse: Callable[[Iterator[tuple]], T]) -> T:
        """The next statement's rows given to `parse` as they arrive; its error (a psycopg.Error),
        if it failed, is raised from the rows, or after `parse` returned if it did not read them all."""
        rows = self._rows()
        value = parse(rows)
        for _ in rows:  # what `parse` left: the rest of this statement's results
            pass
        return value

    def command(self) -> None:
        """The next statement's outcome, for one that returns no rows; raises its error."""
        self.read(lambda rows: None)

    def synced(self) -> None:
        """Read past the next Sync."""
        result = self._next_result()
        if result is None or result.status != pq.ExecStatus.PIPELINE_SYNC:
            raise psycopg.OperationalError("the server's replies are out of step with the statements sent")

    def _rows(self) -> Iterator[tuple]:
        self._stream()
        transformer = Transformer(self._connection)
        error: psycopg.Error | None = None
        while (result := self._next_result()) is not None:
            if result.status in _ROWS and result.ntuples:
                transformer.set_pgresult(result)
                yield from transformer.load_rows(0, result.ntuples, tuple)
            elif result.status not in _DONE and error is None:
                error = self._error(result)
        if error is not None:
            raise error

    def _stream(self) -> None:
        """Have the next statement's rows come in chunks (libpq 17+) or one by one, not all at the end."""
        if psycopg.capabilities.has_stream_chunked():
            self._pgconn.set_chunked_rows_mode(CHUNK_ROWS)
        else:
            self._pgconn.set_single_row_mode()

    def _next_result(self) -> pq.abc.PGresult | None:
        while self._pgconn.is_busy():
            self._wait(selectors.EVENT_READ)
            self._pgconn.consume_input()
        return self._pgconn.get_result()

    def _error(self, result: pq.abc.PGresult) -> psycopg.Error:
        if result.status == pq.ExecStatus.PIPELINE_ABORTED:
            return psycopg.errors.PipelineAborted("skipped: an earlier statement failed")
        if result.error_field(pq.DiagnosticField.SQLSTATE) is None:  # from libpq: the connection failed
            return psycopg.OperationalError(result.get_error_message(self._connection.info.encoding))
        return psycopg.errors.error_from_result(result, encoding=self._connection.info.encoding)

    def _cork(self, on: bool) -> None:
        """Hold (or let go) the socket's outgoing bytes, so that the statements leave as one flight:
        libpq writes its buffer 8 KB at a time as statements are queued, and a server would start
        answering the first part while the rest is still being queued. Linux only (TCP_CORK);
        elsewhere, and on Unix sockets, nothing happens."""
        if not hasattr(socket, "TCP_CORK"):
            return
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(self._pgconn.socket)) as sock:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, int(on))

    def _wait(self, events: int) -> None:
        """Wait until the socket is ready for `events`, at most until the deadline."""
        self._selector.modify(self._pgconn.socket, events)
        remaining = self._deadline.remaining()
        if remaining <= 0 or not self._selector.select(remaining):
            now = time.monotonic()
            raise DeadlineExpired(now - self._last_reply, self._replied)
        if events == selectors.EVENT_READ:
            self._last_reply, self._replied = time.monotonic(), True
