"""Connection strings: describing a target without its secret, and expanding ${VAR} references.

Pure functions (no psycopg import) so that the CLI can use them before any connection.

A target is resolved the way libpq resolves it: parameters of the URL first, then those of its
libpq service (`service=` in the URL or PGSERVICE; the file named by `servicefile`,
PGSERVICEFILE or ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf), then the PG*
environment variables. So `postgresql:///?service=ourvidz_prod` is described by the host its
service file names, and gets SSL required when that host is not local.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit

from auditor.errors import UsageError

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "")
TARGET_KEYS = ("host", "hostaddr", "port", "dbname", "user", "sslmode", "service", "servicefile")
_ENVIRONMENT = {  # libpq's environment variable for each parameter
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "sslmode": "PGSSLMODE",
    "service": "PGSERVICE",
    "servicefile": "PGSERVICEFILE",
}


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
    """The TARGET_KEYS a postgresql:// URL or a libpq 'key=value' string spells out ('' if not)."""
    if "://" in url:
        parts = split_url(url)
        try:
            port = str(parts.port or "")
        except ValueError:
            port = ""
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        given = {
            "host": unquote(parts.hostname or ""),
            "port": port,
            "dbname": unquote(parts.path.lstrip("/")),
            "user": unquote(parts.username or ""),
        }
        return {key: given.get(key) or query.get(key, "") for key in TARGET_KEYS}
    pairs = {key: value.strip("'") for key, value in _CONNINFO_PAIR.findall(url)}
    return {key: pairs.get(key, "") for key in TARGET_KEYS}


def split_url(url: str) -> SplitResult:
    """urlsplit, with a malformed URL (e.g. an unclosed IPv6 bracket) a UsageError (exit 2).

    The message never quotes the URL: it holds a password.
    """
    try:
        return urlsplit(url)
    except ValueError as error:
        raise UsageError(f"The database URL is malformed ({error}); check its host part.") from None


def resolve_target(url: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """TARGET_KEYS as libpq would use them: the URL's, else its service's, else PG* variables'."""
    given = parse_target(url)
    service = given["service"] or environ.get("PGSERVICE", "")
    from_service = read_service(service, given["servicefile"], environ) if service else {}
    resolved = {
        key: given[key] or from_service.get(key, "") or environ.get(_ENVIRONMENT[key], "") for key in TARGET_KEYS
    }
    resolved["service"] = service
    return resolved


def read_service(name: str, servicefile: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The parameters of service `name` from the first service file defining it; {} if none does."""
    files = [Path(servicefile or environ.get("PGSERVICEFILE") or Path.home() / ".pg_service.conf")]
    if environ.get("PGSYSCONFDIR"):
        files.append(Path(environ["PGSYSCONFDIR"]) / "pg_service.conf")
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        section: str | None = None
        params: dict[str, str] = {}
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                if section == name:
                    break
                section = line[1:-1].strip()
            elif section == name and "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                params[key.strip()] = value.strip()
        if section == name:
            return params
    return {}


def describe(url: str) -> str:
    """'user@host:port/dbname' with the password left out: safe to print and to put in reports.

    A target named by a libpq service gets ' (service NAME)' after it.
    """
    target = resolve_target(url)
    host = target["host"] or target["hostaddr"] or "localhost"
    if ":" in host:
        host = f"[{host}]"
    port = target["port"] or "5432"
    user = f"{target['user']}@" if target["user"] else ""
    dbname = target["dbname"] or target["user"] or "postgres"
    service = f" (service {target['service']})" if target["service"] else ""
    text = f"{user}{host}:{port}/{dbname}{service}"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")  # bytes that were not UTF-8, shown as \x..


def is_loopback(url: str) -> bool:
    """True when every host the URL (or its service, or PGHOST) names is this machine."""
    target = resolve_target(url)
    hosts = (target["hostaddr"] or target["host"]).split(",")
    return all(_is_local(host.strip()) for host in hosts)


def _is_local(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith(("/", "@", "127."))


def default_sslmode(url: str) -> str | None:
    """'require' for a non-local host when neither the URL, its service nor PGSSLMODE sets sslmode.

    An sslmode set anywhere is kept: overriding it could weaken verify-full to require.
    """
    if resolve_target(url)["sslmode"] or is_loopback(url):
        return None
    return "require"


def secrets_of(url: str) -> list[str]:
    """The URL and every spelling of its password, longest first, so that messages can be scrubbed."""
    if "://" in url:
        try:
            parts = urlsplit(url)
        except ValueError:  # malformed: scrub the whole URL, the only spelling that can be found
            return [url]
        raw = parts.password or ""
        query = parse_qs(parts.query).get("password", [""])[0]
        passwords = {raw, unquote(raw), query}
    else:
        pairs = dict(_CONNINFO_PAIR.findall(url))
        passwords = {pairs.get("password", "").strip("'")}
    passwords |= {quote(p, safe="") for p in passwords}
    return sorted({url} | (passwords - {""}), key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """Remove the URL and its password, in every spelling, from a message that may quote them.

    A password is replaced wherever it stands as a token of its own (not inside a longer word),
    so that a short one such as 'p' does not mangle 'supported'; messages quote tokens whole.
    """
    for secret in secrets_of(url):
        if secret == url:
            text = text.replace(url, describe(url))
        else:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "********", text)
    return text
