"""A loopback stand-in for the Supabase Storage API, backed by a real database, answering as the
real server (supabase/storage) does.

What the real server does, and this one too:
- It reads only the `Authorization: Bearer <key>` header, and runs each query as the key's role
  (`set local role`), so row level security on storage.buckets and storage.objects decides what
  an anon key sees. Legacy keys are HS256 JWTs with a `role` claim; the sb_secret_ /
  sb_publishable_ keys are opaque and map to service_role / anon.
- Errors have the shape {"statusCode": "<string>", "code", "error", "message"} and, below 500,
  the HTTP status 400 whatever statusCode says: a refused key is HTTP 400 with statusCode "403",
  code "AccessDenied", error "Unauthorized"; a database permission error (42501) has exactly
  the same shape, with the database's message.
- A route it does not have is fastify's own 404: a numeric statusCode and no code.
- Timestamps are JavaScript's (2026-12-04T18:11:18.831Z); a NULL text or timestamp field is sent
  as "" and a NULL boolean as false (its JSON serializer's coercions).
- `GET /bucket` lists buckets; `POST /bucket` creates one, reading a file_size_limit such as
  "5MB" in decimal units (5,000,000 bytes); `POST /object/list/<bucket>` lists a folder's
  objects and sub-folders (a folder has a null id).

`server.mode` makes it misbehave the ways a deployment can: see MODES.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

JWT_SECRET = b"super-secret-jwt-token-with-at-least-32-characters-long"
BAD_GATEWAY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>cloudflare</center></body></html>"
)
REDIRECT_TO = "https://elsewhere.example/storage/v1/bucket"
PREFIX = "/storage/v1"
MODES = {
    "ok": "answer from the database, as the key's role",
    "gateway": "a gateway in front (as on supabase.co) that refuses an unknown apikey with 401",
    "database_down": "500 InternalError: Storage cannot reach its database",
    "database_timeout": "544 DatabaseTimeout",
    "not_found": "every route is unknown: fastify's 404 (supabase_url names the wrong place)",
    "echo_key": "refuse the key with a message that quotes it, cut short and in another case",
    "bad_row": 'list the buckets with one row\'s file_size_limit as text ("5MB")',
    "bad_gateway": "502 with a proxy's HTML page",
    "malformed": "200 with a truncated JSON body",
    "wrong_shape": "200 with a list of objects lacking the bucket fields",
    "huge": "200 with a body larger than any bucket list (64 MB of JSON)",
    "deep": "200 with JSON nested 100,000 deep",
    "redirect": "301 to another host (a key must not follow it)",
    "hang": "accept the request and answer nothing until the server stops",
    "trickle": "answer every request with Content-Length: 100000, then one byte a second",
    "trickle_objects": "list the buckets, and answer each object listing as trickle does",
}
_DECIMAL_UNITS = {"gb": 10**9, "mb": 10**6, "kb": 1000, "b": 1}


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


def js_time(value: datetime | None) -> str:
    """A timestamp as JavaScript's Date.toISOString() writes it; NULL as ""."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def storage_bucket(row: dict) -> dict:
    """One storage.buckets row in the JSON the Storage API sends, with its serializer's coercions."""
    bucket = {
        "id": row["id"],
        "name": row["name"] or "",
        "owner": row.get("owner") or "",
        "public": bool(row.get("public")),
        "file_size_limit": row.get("file_size_limit"),
        "allowed_mime_types": row.get("allowed_mime_types"),
        "created_at": js_time(row.get("created_at")),
        "updated_at": js_time(row.get("updated_at")),
    }
    if "type" in row:
        bucket["type"] = str(row["type"])
    return bucket


def storage_error(status: int, code: str, error: str, message: str) -> tuple[int, str, str]:
    """Storage's own error: statusCode a string; the HTTP status 400 below 500 (its userStatusCode)."""
    body = {"statusCode": str(status), "code": code, "error": error, "message": message}
    return (status if status >= 500 else 400), "application/json", json.dumps(body)


def route_not_found(method: str, path: str) -> tuple[int, str, str]:
    """fastify's default 404: a numeric statusCode and no code."""
    body = {"message": f"Route {method}:{path} not found", "error": "Not Found", "statusCode": 404}
    return 404, "application/json", json.dumps(body)


def parse_file_size(text: str) -> int:
    """The real server's parseFileSizeToBytes: '5MB' is 5,000,000 bytes (decimal units)."""
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)", text, re.IGNORECASE)
    if not match:
        raise ValueError(text)
    return int(float(match.group(1)) * _DECIMAL_UNITS[match.group(2).lower()])


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

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, str]:
        """(status, content type, body) for one request."""
        if self.mode == "hang":
            self._release.wait(timeout=60)
            return 504, "text/plain", "released"
        route = path.split("?", 1)[0]
        if self.mode == "not_found" or not route.startswith(PREFIX + "/"):
            return route_not_found(method, path)
        if self.mode == "gateway" and headers.get("apikey") not in self.keys:
            return 401, "application/json", json.dumps({"message": "Invalid API key"})
        key = re.sub(r"^Bearer\s+", "", headers.get("authorization", ""), flags=re.IGNORECASE)
        if self.mode == "echo_key":
            quoted = f"{key[:-4].lower()}... {key[5:40].upper()}"
            return storage_error(403, "AccessDenied", "Unauthorized", f"invalid JWT {quoted}: signature mismatch")
        if key not in self.keys:  # what jose says of a JWT signed elsewhere, or of anything else
            message = "signature verification failed" if key.count(".") == 2 else "Invalid Compact JWS"
            return storage_error(403, "AccessDenied", "Unauthorized", message)
        canned = self._canned()
        if canned:
            return canned
        role, route = self.keys[key], route[len(PREFIX) :]
        try:
            if method == "GET" and route == "/bucket":
                buckets = [storage_bucket(row) for row in self.rows(role)]
                if self.mode == "bad_row" and buckets:
                    buckets[0]["file_size_limit"] = "5MB"
                return 200, "application/json", json.dumps(buckets)
            if method == "POST" and route == "/bucket":
                return self.create_bucket(role, json.loads(body or b"{}"))
            if method == "POST" and route.startswith("/object/list/"):
                bucket = route.removeprefix("/object/list/")
                return 200, "application/json", json.dumps(self.list_objects(role, bucket, json.loads(body or b"{}")))
        except psycopg.errors.InsufficientPrivilege as error:  # 42501: the same shape as a refused key
            return storage_error(403, "AccessDenied", "Unauthorized", str(error.diag.message_primary))
        except psycopg.OperationalError:
            return storage_error(500, "InternalError", "Internal", "Internal Server Error")
        return route_not_found(method, path)

    def trickles(self, path: str) -> bool:
        """Whether the answer to `path` is sent a byte a second (modes trickle and trickle_objects)."""
        return self.mode == "trickle" or (self.mode == "trickle_objects" and path.startswith(f"{PREFIX}/object/list/"))

    def _canned(self) -> tuple[int, str, str] | None:
        """The answer of a misbehaving mode, or None in mode ok."""
        if self.mode == "database_down":
            return storage_error(500, "InternalError", "Internal", "Internal Server Error")
        if self.mode == "database_timeout":
            return storage_error(544, "DatabaseTimeout", "DatabaseTimeout", "The connection to the database timed out")
        if self.mode == "redirect":
            return 301, "text/plain", REDIRECT_TO
        if self.mode == "bad_gateway":
            return 502, "text/html", BAD_GATEWAY_PAGE
        if self.mode == "malformed":
            return 200, "application/json", '[{"id": "avatars", "name": '
        if self.mode == "wrong_shape":
            return 200, "application/json", json.dumps([{"id": "avatars"}])
        if self.mode == "huge":
            row = json.dumps({"id": "x" * 1000, "name": "x", "public": False, "file_size_limit": None})
            return 200, "application/json", "[" + ",".join([row] * 64_000) + "]"
        if self.mode == "deep":
            return 200, "application/json", "[" * 100_000 + "]" * 100_000
        return None

    def _as(self, role: str) -> psycopg.Connection:
        connection = psycopg.connect(self.database_url, row_factory=dict_row)
        connection.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        return connection

    def rows(self, role: str) -> list[dict]:
        """storage.buckets as `role` sees it: row level security applies as on Supabase."""
        with self._as(role) as connection:
            return connection.execute("select * from storage.buckets order by name").fetchall()

    def create_bucket(self, role: str, body: dict) -> tuple[int, str, str]:
        limit = body.get("file_size_limit")
        if isinstance(limit, str):
            limit = parse_file_size(limit)
        with self._as(role) as connection:
            connection.execute(
                "insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)"
                " values (%s, %s, %s, %s, %s)",
                (body["id"], body.get("name") or body["id"], bool(body.get("public")), limit,
                 body.get("allowed_mime_types")),
            )  # fmt: skip
        return 200, "application/json", json.dumps({"name": body["id"]})

    def list_objects(self, role: str, bucket: str, body: dict) -> list[dict]:
        """The entries of one folder (`prefix`): its sub-folders (id null) and its objects, by name."""
        prefix = body.get("prefix") or ""
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        with self._as(role) as connection:
            objects = connection.execute(
                "select name, id, updated_at, created_at, last_accessed_at, metadata from storage.objects"
                " where bucket_id = %s and starts_with(name, %s) order by name",
                (bucket, prefix),
            ).fetchall()
        entries: dict[str, dict] = {}
        for row in objects:
            rest = row["name"][len(prefix) :]
            if "/" in rest:
                folder = rest.split("/", 1)[0]
                entries.setdefault(folder, {"name": folder, "id": None, "updated_at": None, "created_at": None,
                                            "last_accessed_at": None, "metadata": None})  # fmt: skip
            else:
                entries[rest] = {
                    "name": rest,
                    "id": str(row["id"]),
                    "updated_at": js_time(row["updated_at"]),
                    "created_at": js_time(row["created_at"]),
                    "last_accessed_at": js_time(row["last_accessed_at"]),
                    "metadata": row["metadata"],
                }
        offset, limit = int(body.get("offset") or 0), min(int(body.get("limit") or 100), 1500)
        return [entries[name] for name in sorted(entries)][offset : offset + limit]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _respond(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                server.requests.append((self.command, self.path, headers))
                body = self.rfile.read(int(headers.get("content-length") or 0))
                if server.trickles(self.path):
                    self._trickle()
                    return
                status, content_type, text = server.answer(self.command, self.path, headers, body)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if status in (301, 302, 307, 308):
                    self.send_header("Location", text)
                self.end_headers()
                self.wfile.write(data)

            def _trickle(self) -> None:
                """Promise 100,000 bytes and send one a second, until the client hangs up or the server stops."""
                self.close_connection = True
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                try:
                    while not server._release.wait(timeout=1):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                except OSError:  # the client hung up
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _respond

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        return Handler


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
