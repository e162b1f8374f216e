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
  through for `after_bytes` bytes, then `cut` (FIN), `reset` (RST: SO_LINGER 0), `hold` (kept
  back, the connection open and silent, until `release()`; `held` is set meanwhile), `trickle`
  (the rest let through at `rate` bytes a second) or `garbage` (bytes that are not PostgreSQL's
  protocol, then silence: what a misrouted port or a broken middlebox sends).

What the proxy saw, for tests that count:
* `connections`: the connections accepted (a client's attempts);
* `round_trips`: how many times a client waited for the server: replies that follow something
  the client sent since the last reply (an SSL request, a startup packet, a batch of statements);
* `statements`: the text of every statement the clients sent (Query and Parse messages).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Literal
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

Backend = tuple[str, int] | str
Fault = Literal["cut", "reset", "hold", "trickle", "garbage"]
CHUNK = 65536
GARBAGE = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"  # not PostgreSQL's protocol
SSL_REQUEST = 80877103  # the code of an SSLRequest packet


def backend_of(url: str) -> Backend:
    """Where the proxy forwards to: (host, port), or the Unix socket of a socket directory."""
    params = conninfo_to_dict(url)
    host, port = params.get("host") or "/var/run/postgresql", int(params.get("port") or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


def dbname_of(url: str) -> str:
    return conninfo_to_dict(url)["dbname"]


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
        self.rate = 300  # bytes a second, for `trickle`
        self.connections = 0
        self.round_trips = 0
        self.statements: list[str] = []
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
        turn = _Turn()
        threading.Thread(target=self._client_to_server, args=(client, upstream, triggered, turn), daemon=True).start()
        self._server_to_client(upstream, client, triggered, turn)

    def _client_to_server(
        self, client: socket.socket, upstream: socket.socket, triggered: threading.Event, turn: _Turn
    ) -> None:
        tail = b""
        messages = _Messages()
        try:
            while data := client.recv(CHUNK):
                if self.trigger and self.trigger in tail + data:
                    triggered.set()  # before the query reaches the server, so its whole reply is seen
                tail = data[-len(self.trigger or b"") :]
                statements = messages.statements(data)
                with self._lock:
                    self.statements += statements
                    turn.client_sent = True
                upstream.sendall(data)
        except OSError:
            pass
        close(upstream)

    def _server_to_client(
        self, upstream: socket.socket, client: socket.socket, triggered: threading.Event, turn: _Turn
    ) -> None:
        budget = self.after_bytes
        held: list[bytes] = []
        garbled = False
        try:
            while data := upstream.recv(CHUNK):
                with self._lock:
                    if turn.client_sent:  # the client waited for this reply
                        self.round_trips += 1
                        turn.client_sent = False
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
                if self.fault == "trickle":
                    self._trickle(data, client)
                    continue
                if self.fault == "garbage":
                    if not garbled:  # in place of the reply, and nothing more
                        client.sendall(GARBAGE)
                        garbled = True
                    continue
                held.append(data)
                self.held.set()
        except OSError:
            pass
        if held:
            self._released.wait()
            with contextlib.suppress(OSError):
                client.sendall(b"".join(held))
        close(client)

    def _trickle(self, data: bytes, client: socket.socket) -> None:
        """Send `data` at `rate` bytes a second, in tenths of a second's worth."""
        piece = max(1, self.rate // 10)
        for start in range(0, len(data), piece):
            if self._closed.wait(0.1):
                return
            client.sendall(data[start : start + piece])


class _Turn:
    """Whose turn it is on one connection: whether the client sent something since the last reply."""

    def __init__(self) -> None:
        self.client_sent = False


class _Messages:
    """The frontend messages of one connection's client-to-server bytes, as they come."""

    def __init__(self) -> None:
        self._buffer = b""
        self._started = False  # past the SSL request and the startup packet, which have no type byte

    def statements(self, data: bytes) -> list[str]:
        """The statements (Query and Parse messages) that `data` completes."""
        self._buffer += data
        found = []
        while True:
            if not self._started:
                if len(self._buffer) < 8:
                    return found
                (length,) = struct.unpack("!I", self._buffer[:4])
                (code,) = struct.unpack("!I", self._buffer[4:8])
                if len(self._buffer) < length:
                    return found
                self._buffer = self._buffer[length:]
                self._started = code != SSL_REQUEST
                continue
            if len(self._buffer) < 5:
                return found
            kind = self._buffer[:1]
            (length,) = struct.unpack("!I", self._buffer[1:5])
            if len(self._buffer) < 1 + length:
                return found
            body, self._buffer = self._buffer[5 : 1 + length], self._buffer[1 + length :]
            if kind == b"Q":
                found.append(body.split(b"\0", 1)[0].decode())
            elif kind == b"P":  # statement name, then the text
                found.append(body.split(b"\0", 2)[1].decode())
