"""Reading input files with bounds: a size cap, and no wait without an end.

Whatever a path names is read the same careful way: a regular file up to a size; a FIFO, a
device or a socket (`<(...)`, /dev/stdin, /dev/zero, a FIFO nobody writes to) without blocking on
open, up to the same size, and only as long as data keeps arriving.
"""

from __future__ import annotations

import os
import select
import stat
from pathlib import Path

STREAM_WAIT = 10.0
"""Seconds a FIFO or device may stay silent before its reading is given up."""


class InputTooLarge(OSError):
    """The file holds more than the caller's limit; `size` when it is known beforehand."""

    def __init__(self, limit: int, size: int | None = None):
        self.limit, self.size = limit, size
        super().__init__(f"{size:,} bytes, over the {limit:,}" if size is not None else f"more than {limit:,} bytes")


def read_input(path: str | Path, limit: int, *, wait: float = STREAM_WAIT) -> bytes:
    """At most `limit` bytes of `path`; InputTooLarge when it holds more, TimeoutError when a FIFO
    or device sends nothing for `wait` seconds, IsADirectoryError for a folder, any other OSError
    as the system gives it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)  # a FIFO with no writer: no wait
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "is a directory")
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise InputTooLarge(limit, info.st_size)
            os.set_blocking(fd, True)
            return _read_regular(fd, limit)
        return _read_stream(fd, limit, wait)
    finally:
        os.close(fd)


def _read_regular(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while chunk := os.read(fd, min(1 << 20, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:  # it grew while being read
            raise InputTooLarge(limit)
    return b"".join(chunks)


def _read_stream(fd: int, limit: int, wait: float) -> bytes:
    """Read a FIFO, device or socket to its end; each silence may last `wait` seconds."""
    chunks, total = [], 0
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while True:
        try:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
        except BlockingIOError:
            if not poller.poll(wait * 1000):
                raise TimeoutError(f"nothing arrived for {wait:g} s") from None
            continue
        if not chunk:  # the end, or a FIFO no process writes to
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputTooLarge(limit)
