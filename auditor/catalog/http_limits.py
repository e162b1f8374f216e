"""An httpx transport that reads no answer past a size: a Storage API (or whatever answers in
its place) cannot make the auditor hold more than that in memory. Imported only when the
Storage API is used, as httpx is."""

from __future__ import annotations

from collections.abc import Iterator

import httpx


class ResponseTooLarge(Exception):
    """An answer larger than the transport's limit."""


class CappedTransport(httpx.HTTPTransport):
    """Refuses an answer that says it is larger than `limit` bytes, and stops reading one that
    grows past it without saying."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

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
