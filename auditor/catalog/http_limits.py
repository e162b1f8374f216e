"""An httpx transport that reads no answer past a size, and waits on the network no later than a
deadline: a Storage API (or whatever answers in its place) can neither make the auditor hold more
than that in memory nor keep it past the audit's --timeout, by stalling or by trickling its answer
(httpx's own timeouts bound each wait, not the whole answer). Imported only when the Storage API
is used, as httpx is."""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import httpcore
import httpx
from httpcore import SOCKET_OPTION

from auditor.catalog.settings import Deadline

T = TypeVar("T")


class ResponseTooLarge(Exception):
    """An answer larger than the transport's limit."""


class DeadlinePassed(Exception):
    """The deadline passed while waiting on the server, `silent_for` seconds after it last sent a
    byte or was last sent one; `replied`: it had begun to answer the request then."""

    def __init__(self, silent_for: float, replied: bool):
        super().__init__(f"deadline passed ({silent_for:.1f} s without a byte)")
        self.silent_for, self.replied = silent_for, replied


class CappedTransport(httpx.HTTPTransport):
    """Refuses an answer that says it is larger than `limit` bytes, stops reading one that grows
    past it without saying, and ends every wait (connecting, sending, each read) at `deadline`."""

    def __init__(self, limit: int, deadline: Deadline):
        super().__init__()
        self.limit = limit
        # the pool HTTPTransport reads through, on sockets that wait no later than the deadline
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_DeadlineBackend(deadline)
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            response.close()
            raise ResponseTooLarge
        response.stream = _CappedStream(response.stream, self.limit)
        return response


class _CappedStream(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, limit: int):
        self._stream, self._limit, self._read = stream, limit, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            self._read += len(chunk)
            if self._read > self._limit:
                raise ResponseTooLarge
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sockets, each wait on them cut to what is left before the deadline."""

    def __init__(self, deadline: Deadline):
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline
        self.heard = time.monotonic()  # when the server last sent a byte, or was last sent one
        self.replied = False  # whether it sent a byte since it was last sent one

    def wait(self, timeout: float | None, io: Callable[[float], T]) -> T:
        """`io(seconds)`, given at most what is left before the deadline; DeadlinePassed when that ran out."""
        remaining = self._deadline.remaining()
        if timeout is not None and timeout < remaining:
            return io(timeout)
        if remaining > 0:
            with contextlib.suppress(httpcore.TimeoutException):
                return io(remaining)
        raise DeadlinePassed(time.monotonic() - self.heard, self.replied)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        self.heard, self.replied = time.monotonic(), False
        stream = self.wait(timeout, lambda t: self._backend.connect_tcp(host, port, t, local_address, socket_options))
        return _DeadlineStream(stream, self)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: _DeadlineBackend):
        self._stream, self._backend = stream, backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._backend.wait(timeout, lambda t: self._stream.read(max_bytes, t))
        if data:
            self._backend.heard, self._backend.replied = time.monotonic(), True
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._backend.wait(timeout, lambda t: self._stream.write(buffer, t))
        self._backend.heard, self._backend.replied = time.monotonic(), False

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._backend.wait(timeout, lambda t: self._stream.start_tls(ssl_context, server_hostname, t))
        return _DeadlineStream(stream, self._backend)

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)
