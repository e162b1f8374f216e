"""Connection strings: describing a target without its secret, and expanding ${VAR} references.

Pure functions (no psycopg import) so that the CLI can use them before any connection.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from auditor.errors import UsageError

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "")


def expand(template: str, environ: Mapping[str, str], *, where: str) -> str:
    """Replace ${VAR} and ${VAR:-default}; a missing variable without default is a UsageError."""

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = environ.get(name)
        if value:
            return value
        if default is not None:
            return default
        raise UsageError(f"{where} needs the environment variable {name}, which is not set.")

    return _REFERENCE.sub(substitute, template)


def parse_target(url: str) -> dict[str, str]:
    """host, port, dbname and user of a postgresql:// URL or a libpq 'key=value' string."""
    if "://" in url:
        parts = urlsplit(url)
        try:
            port = str(parts.port or "")
        except ValueError:
            port = ""
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        return {
            "host": unquote(parts.hostname or "") or query.get("host", ""),
            "port": port or query.get("port", ""),
            "dbname": unquote(parts.path.lstrip("/")) or query.get("dbname", ""),
            "user": unquote(parts.username or "") or query.get("user", ""),
        }
    pairs = {key: value.strip("'") for key, value in _CONNINFO_PAIR.findall(url)}
    return {key: pairs.get(key, "") for key in ("host", "port", "dbname", "user")}


def describe(url: str) -> str:
    """'user@host:port/dbname' with the password left out: safe to print and to put in reports."""
    target = parse_target(url)
    host = target["host"] or os.environ.get("PGHOST", "") or "localhost"
    if ":" in host:
        host = f"[{host}]"
    port = target["port"] or os.environ.get("PGPORT", "") or "5432"
    user = f"{target['user']}@" if target["user"] else ""
    dbname = target["dbname"] or target["user"] or "postgres"
    return f"{user}{host}:{port}/{dbname}"


def is_loopback(url: str) -> bool:
    host = parse_target(url)["host"]
    return host in LOOPBACK_HOSTS or host.startswith("/") or host.startswith("127.")


def password_of(url: str) -> str | None:
    """The password a URL carries, so that error messages can be scrubbed of it."""
    if "://" in url:
        password = urlsplit(url).password
        return unquote(password) if password else None
    pairs = dict(_CONNINFO_PAIR.findall(url))
    return pairs.get("password", "").strip("'") or None


def scrub(text: str, url: str) -> str:
    """Remove the URL and its password from a message that may quote them."""
    text = text.replace(url, describe(url))
    password = password_of(url)
    if password:
        text = text.replace(password, "********")
    return text
