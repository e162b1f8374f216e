"""A loopback stand-in for the Supabase Storage API's bucket endpoint, backed by a real database.

It answers `GET /storage/v1/bucket` as a Supabase project does: the gateway accepts only known
keys, sent both as `apikey` and as `Authorization: Bearer`, and Storage runs the query as the
key's role (`set local role`), so row level security on storage.buckets decides what an anon
key sees, as on Supabase. Bodies have Storage's shape (id, name, owner, public, created_at,
updated_at, file_size_limit, allowed_mime_types, type) with its serializer's coercions: a null
owner is "" and a null public is false. Legacy keys are HS256 JWTs with a `role` claim; the new
sb_secret_ / sb_publishable_ keys are opaque and map to service_role / anon.

`server.mode` makes it misbehave the ways a real deployment can: see MODES.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
from psycopg import sql

JWT_SECRET = b"super-secret-jwt-token-with-at-least-32-characters-long"
BAD_GATEWAY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>cloudflare</center></body></html>"
)
REDIRECT_TO = "https://elsewhere.example/storage/v1/bucket"
MODES = {
    "ok": "answer from the database",
    "forbidden": "403 with a Storage error body",
    "bad_gateway": "502 with a proxy's HTML page",
    "malformed": "200 with a truncated JSON body",
    "wrong_shape": "200 with a list of objects lacking the bucket fields",
    "redirect": "301 to another host (a key must not follow it)",
    "hang": "accept the request and answer nothing until the server stops",
}


def make_jwt(role: str, secret: bytes = JWT_SECRET) -> str:
    """A Supabase-style legacy API key: an HS256 JWT whose `role` claim says what it may do."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = part(json.dumps({"iss": "supabase", "ref": "test", "role": role, "exp": 4102444800}).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{part(signature)}"


def unused_port() -> int:
    """A loopback port nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def storage_bucket(row: dict) -> dict:
    """One storage.buckets row (as to_jsonb gives it) in the Storage API's JSON shape."""
    bucket = {
        "id": row["id"],
        "name": row["name"],
        "owner": row.get("owner") or "",
        "public": bool(row.get("public")),
        "file_size_limit": row.get("file_size_limit"),
        "allowed_mime_types": row.get("allowed_mime_types"),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    if "type" in row:
        bucket["type"] = row["type"]
    return bucket


class StorageApiServer:
    """Start with `with StorageApiServer(database_url, keys) as server:`; `server.url` is the project URL."""

    def __init__(self, database_url: str, keys: dict[str, str]):
        self.database_url = database_url
        self.keys = dict(keys)  # key -> the database role it acts as
        self.mode = "ok"
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="storage-api", daemon=True)

    def __enter__(self) -> StorageApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    # --- what Storage does ----------------------------------------------------------------

    def answer(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, str, str]:
        """(status, content type, body) for one request."""
        if self.mode == "hang":
            self._release.wait(timeout=60)
            return 504, "text/plain", "released"
        route = path.split("?", 1)[0]
        if method != "GET" or route != "/storage/v1/bucket":
            return _storage_error(404, "Not Found", f"Route {method}:{route} not found")
        key = headers.get("apikey", "")
        if key not in self.keys or headers.get("authorization") != f"Bearer {key}":
            return 401, "application/json", json.dumps({"message": "Invalid API key"})
        if self.mode == "forbidden":
            return _storage_error(403, "Unauthorized", "invalid signature")
        if self.mode == "redirect":
            return 301, "text/plain", REDIRECT_TO
        if self.mode == "bad_gateway":
            return 502, "text/html", BAD_GATEWAY_PAGE
        if self.mode == "malformed":
            return 200, "application/json", '[{"id": "avatars", "name": '
        if self.mode == "wrong_shape":
            return 200, "application/json", json.dumps([{"id": "avatars"}])
        return 200, "application/json", json.dumps([storage_bucket(row) for row in self.rows(self.keys[key])])

    def rows(self, role: str) -> list[dict]:
        """storage.buckets as `role` sees it: row level security applies as on Supabase."""
        with psycopg.connect(self.database_url) as connection:
            connection.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
            cursor = connection.execute("select to_jsonb(b) from storage.buckets b order by b.name")
            return [row[0] for row in cursor]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _respond(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                server.requests.append((self.command, self.path, headers))
                status, content_type, body = server.answer(self.command, self.path, headers)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if status in (301, 302, 307, 308):
                    self.send_header("Location", body)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _respond

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        return Handler


def _storage_error(status: int, error: str, message: str) -> tuple[int, str, str]:
    """Storage's own error body: statusCode is a string."""
    body = {"statusCode": str(status), "error": error, "message": message}
    return status, "application/json", json.dumps(body)


def inventory_with_environments(repo_inventory: Path, folder: Path, environments: str) -> Path:
    """A copy of the repository's inventory in `folder` whose environments are `environments`.

    Its docs section is left out: the copy lives away from the docs folder, and documentation
    checks have nothing to do with where buckets are read from.
    """
    kept, in_docs = [], False
    for line in repo_inventory.read_text(encoding="utf-8").split("\n"):
        if line and not line[0].isspace() and not line.startswith("#"):
            in_docs = line.startswith("docs:")
            if line.startswith("environments:"):
                break
        if not in_docs:
            kept.append(line)
    path = folder / "inventory.yaml"
    path.write_text("\n".join(kept) + environments, encoding="utf-8")
    return path
