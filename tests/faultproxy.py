"""A TCP proxy on loopback, in front of a real PostgreSQL server, that injects network faults.

    with FaultProxy(backend) as proxy:          # backend: (host, port) or a Unix socket path
        proxy.refuse = 2                        # reset the next two connections at once
        url = proxy.url("mydb")                 # postgresql://postgres@127.0.0.1:<port>/mydb?sslmode=disable

Faults, set on the proxy before or while the client runs:

* `refuse = N`: the next N connections are accepted and reset at once (SO_LINGER 0), as a server
  that is restarting does; -1 resets every connection.
* `delay = seconds`: a new connection is held silent that long before anything is forwarded (a
  host that does not answer, when longer than the client's connect timeout).
* `trigger = b"..."` with `fault`: once the client sends bytes containing `trigger` (a query's
  text: the URLs use sslmode=disable so that the proxy sees it), the server's reply is let
  through for `after_bytes` bytes, then `cut` (FIN), `reset` (RST: SO_LINGER 0) or `hold` (kept
  back until `release()`; `held` is set meanwhile, so a test can stop the server then).

`connections` counts the connections accepted, so a test can count a client's attempts.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Literal
from urllib.parse import quote

Backend = tuple[str, int] | str
Fault = Literal["cut", "reset", "hold"]
CHUNK = 65536


def reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN (SO_LINGER on, timeout 0).

    shutdown(SHUT_RD) first wakes a thread blocked reading the socket: on Linux a close() alone
    leaves that read, and the connection, in place.
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    sock.close()


def close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class FaultProxy:
    def __init__(self, backend: Backend):
        self.backend = backend
        self.refuse = 0
        self.delay = 0.0
        self.trigger: bytes | None = None
        self.fault: Fault = "cut"
        self.after_bytes = 0
        self.connections = 0
        self.held = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]

    def url(self, dbname: str, user: str = "postgres", password: str | None = None) -> str:
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{dbname}?sslmode=disable"

    def __enter__(self) -> FaultProxy:
        threading.Thread(target=self._accept, daemon=True, name="faultproxy").start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._closed.set()
        self._released.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                close(sock)

    def release(self) -> None:
        """Let a held reply through (and whatever follows it)."""
        self._released.set()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                refused = self.refuse != 0
                if self.refuse > 0:
                    self.refuse -= 1
                self._sockets.append(client)
            if refused:
                reset(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _open_backend(self) -> socket.socket:
        if isinstance(self.backend, str):
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.backend)
        else:
            upstream = socket.create_connection(self.backend)
        with self._lock:
            self._sockets.append(upstream)
        return upstream

    def _serve(self, client: socket.socket) -> None:
        if self.delay and self._closed.wait(self.delay):
            return
        try:
            upstream = self._open_backend()
        except OSError:
            reset(client)
            return
        triggered = threading.Event()
        threading.Thread(target=self._client_to_server, args=(client, upstream, triggered), daemon=True).start()
        self._server_to_client(upstream, client, triggered)

    def _client_to_server(self, client: socket.socket, upstream: socket.socket, triggered: threading.Event) -> None:
        tail = b""
        try:
            while data := client.recv(CHUNK):
                if self.trigger and self.trigger in tail + data:
                    triggered.set()  # before the query reaches the server, so its whole reply is seen
                tail = data[-len(self.trigger or b"") :]
                upstream.sendall(data)
        except OSError:
            pass
        close(upstream)

    def _server_to_client(self, upstream: socket.socket, client: socket.socket, triggered: threading.Event) -> None:
        budget = self.after_bytes
        held: list[bytes] = []
        try:
            while data := upstream.recv(CHUNK):
                if not triggered.is_set():
                    client.sendall(data)
                    continue
                client.sendall(data[:budget])
                data, budget = data[budget:], max(0, budget - len(data))
                if not data:
                    continue
                if self.fault == "cut":
                    break
                if self.fault == "reset":
                    reset(client)
                    return
                held.append(data)
                self.held.set()
        except OSError:
            pass
        if held:
            self._released.wait()
            with contextlib.suppress(OSError):
                client.sendall(b"".join(held))
        close(client)
