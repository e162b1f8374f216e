"""A TCP proxy that adds a fixed delay each way, and counts the round trips its clients wait on.

    with LatencyProxy(("127.0.0.1", 5432), rtt_ms=40) as proxy:
        run the client against 127.0.0.1:proxy.port
        proxy.round_trips   # since the proxy started (or the last reset())

Every chunk of bytes is delivered half the round-trip time after it arrived, in order, in both
directions: a client that waits for each reply before it sends again pays the full RTT each
time, one that sends everything at once pays it once. A round trip is counted each time the
server sends after the client sent something since the server's last reply (an SSL request,
a startup packet, a query or a batch of them); a client's last message, to which nothing
replies, is not one.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time

CHUNK = 65536


class LatencyProxy:
    def __init__(self, backend: tuple[str, int], rtt_ms: float):
        self.backend = backend
        self.delay = rtt_ms / 2000  # seconds, each way
        self.round_trips = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]

    def url(self, dbname: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def reset(self) -> None:
        with self._lock:
            self.round_trips = self.connections = 0

    def __enter__(self) -> LatencyProxy:
        threading.Thread(target=self._accept, daemon=True, name="latency-proxy").start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._closed.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.backend)
        except OSError:
            client.close()
            return
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        turn = {"client_sent": False}
        forward = threading.Thread(target=self._pump, args=(client, upstream, turn, True), daemon=True)
        forward.start()
        self._pump(upstream, client, turn, False)
        forward.join()
        client.close()
        upstream.close()

    def _pump(self, source: socket.socket, target: socket.socket, turn: dict, from_client: bool) -> None:
        """Forward source's bytes to target, each chunk `delay` seconds after it arrived."""
        pending: queue.Queue[tuple[float, bytes]] = queue.Queue()
        sender = threading.Thread(target=self._deliver, args=(pending, target), daemon=True)
        sender.start()
        try:
            while data := source.recv(CHUNK):
                with self._lock:
                    if from_client:
                        turn["client_sent"] = True
                    elif turn["client_sent"]:
                        self.round_trips += 1
                        turn["client_sent"] = False
                pending.put((time.monotonic() + self.delay, data))
        except OSError:
            pass
        pending.put((time.monotonic() + self.delay, b""))  # the end, delivered in order
        sender.join()

    @staticmethod
    def _deliver(pending: queue.Queue[tuple[float, bytes]], target: socket.socket) -> None:
        while True:
            due, data = pending.get()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if not data:
                with contextlib.suppress(OSError):
                    target.shutdown(socket.SHUT_WR)
                return
            try:
                target.sendall(data)
            except OSError:
                return
