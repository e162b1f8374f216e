"""A PostgreSQL-protocol server on loopback that asks for a cleartext password and refuses it
with an error quoting it back in other forms (lower and upper case, cut short, percent-encoded,
JSON-escaped):
a misbehaving pooler or proxy, the worst a server can do with a secret it was sent.

    with EchoingServer() as echo:
        url = echo.url("postgres", password)   # postgresql://postgres:<encoded>@127.0.0.1:<port>/postgres
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from urllib.parse import quote

SSL_REQUEST, GSS_REQUEST = 80877103, 80877104


def echoes(password: str) -> str:
    """The error message the server sends for `password`."""
    return (
        f"password authentication failed: got {password.lower()}, {password.upper()[:12]}, "
        f"{quote(password, safe='')}, {password[3:]} and {json.dumps(password)[1:-1]}"
    )


class EchoingServer:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.passwords: list[str] = []  # what clients sent

    def url(self, dbname: str, password: str) -> str:
        return f"postgresql://postgres:{quote(password, safe='')}@127.0.0.1:{self.port}/{dbname}"

    def __enter__(self) -> EchoingServer:
        threading.Thread(target=self._accept, daemon=True, name="echo-server").start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError), client:
            while True:  # refuse SSL and GSS encryption: the rest goes in the clear
                (length,) = struct.unpack("!I", _read(client, 4))
                body = _read(client, length - 4)
                if struct.unpack("!I", body[:4])[0] not in (SSL_REQUEST, GSS_REQUEST):
                    break
                client.sendall(b"N")
            client.sendall(b"R" + struct.pack("!II", 8, 3))  # AuthenticationCleartextPassword
            _tag = _read(client, 1)
            (length,) = struct.unpack("!I", _read(client, 4))
            password = _read(client, length - 4).rstrip(b"\0").decode("utf-8", "replace")
            self.passwords.append(password)
            fields = b"SFATAL\0VFATAL\0C28P01\0M" + echoes(password).encode() + b"\0\0"
            client.sendall(b"E" + struct.pack("!I", len(fields) + 4) + fields)


def _read(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data
