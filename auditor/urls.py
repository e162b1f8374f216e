"""Connection strings: describing a target without its secret, and expanding ${VAR} references.

Connection strings are read by libpq itself (psycopg's conninfo functions, imported when first
needed), so that what the auditor prints, scrubs and decides about SSL is what libpq connects to.

A target is resolved the way libpq resolves it: parameters of the URL first, then those of its
libpq service (`service=` in the URL or PGSERVICE; the file named by `servicefile`,
PGSERVICEFILE or ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf), then the PG*
environment variables. So `postgresql:///?service=ourvidz_prod` is described by the host its
service file names, and gets SSL required when that host is not local.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

from auditor import secrets
from auditor.errors import UsageError
from auditor.files import read_input
from auditor.secrets import MASK

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_PASSWORD_PARAMETER = re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'|[^&\s]*)")
MAX_NAME_LENGTH = 64
MAX_SERVICE_FILE_BYTES = 1024 * 1024
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
    """The TARGET_KEYS a postgresql:// URL or a libpq 'key=value' string spells out ('' if not),
    read by libpq itself, so that the auditor never reads a URL differently from the connection
    it opens. All '' when libpq cannot read it."""
    given = _libpq_parse(url)
    return {key: str(given.get(key) or "") for key in TARGET_KEYS}


def _libpq_parse(url: str) -> dict[str, object]:
    """psycopg's conninfo_to_dict (libpq's PQconninfoParse), or {} when libpq cannot read the string."""
    return _libpq_read(url)[0]


def _libpq_read(url: str) -> tuple[dict[str, object], str]:
    """(parameters, '') or ({}, why libpq cannot read the string). libpq's message quotes the
    string, password included, after a colon: only what comes before is kept."""
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url), ""
    except (Error, UnicodeError, ValueError) as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return {}, secrets.scrub(first.split(': "')[0], _spellings(url))


def ambiguous_url(url: str) -> str | None:
    """None when libpq and the URL standard (RFC 3986) agree on where a URL's user information
    ends; else the URL with everything that may be its password masked, safe to print.

    libpq ends the user information at the first '@' met before any '/'; the standard ends the
    host part at the first '/', '?' or '#', and the user information at the last '@' before it.
    A password with an unencoded '@', '/', '?' or '#' is split differently by the two, and a
    piece of it lands in what one of them calls the host or the database: in messages. A second
    '@' before the query, or one in the query outside a key=value parameter, is refused as well:
    one of the '@' is not where it seems.
    """
    _scheme, separator, rest = url.partition("://")
    if not separator:
        return None
    libpq_end = next((i for i, c in enumerate(rest) if c in "@/"), len(rest))
    libpq_at = libpq_end if rest[libpq_end : libpq_end + 1] == "@" else -1
    host_end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    standard_at = rest.rfind("@", 0, host_end)
    query = next((i for i, c in enumerate(rest) if c in "?#"), len(rest))
    stray = any("@" in p and not 0 < p.find("=") < p.find("@") for p in re.split(r"[?&#]", rest[query:]))
    if libpq_at == standard_at and rest.count("@", 0, query) == (libpq_at != -1) and not stray:
        return None
    return _without_password(url)


def _without_password(url: str) -> str:
    """The URL with everything between its user name and its last '@' masked, and the value of
    any password parameter."""
    scheme, _, rest = url.partition("://")
    last_at = rest.rfind("@")
    colon = rest.find(":", 0, last_at)
    user = rest[: colon + 1] if colon != -1 else ""
    return _PASSWORD_PARAMETER.sub(f"password={MASK}", f"{scheme}://{user}{MASK}{rest[last_at:]}")


def check_url(url: str, where: str) -> None:
    """Raise UsageError, before any connection, when libpq cannot read a connection string or a
    URL's password is ambiguous (ambiguous_url). `where` names it: "The database URL of environment 'prod'"."""
    shown = ambiguous_url(url)
    if shown is not None:
        raise UsageError(
            f"{where} is ambiguous: its user name, password or database name holds an '@', '/', '?' or '#' "
            "that is not percent-encoded, so libpq and other readers of URLs would split it in different places "
            "(and a piece of the password could be shown as a host name). Likely fix: percent-encode the password "
            "(@ as %40, / as %2F, ? as %3F, # as %23, % as %25), e.g. with "
            """python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' 'PASSWORD'. """
            f"The URL without its password is {shown}"
        )
    _parameters, problem = _libpq_read(url)
    if problem and "://" not in url and "=" not in url:
        raise UsageError(
            f"{where} is neither a URL nor a key=value connection string. Likely fix: give it as "
            "postgresql://USER:PASSWORD@HOST:5432/DATABASE (Supabase: the project's Connect dialog), "
            "or as host=HOST dbname=DATABASE user=USER."
        )
    if problem:
        raise UsageError(
            f"{where} is malformed: {problem}. Likely fix: check its host part (an IPv6 address goes in "
            "[brackets]) and port, and percent-encode special characters in the password (% as %25)."
        )


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
        try:  # bounded, and no wait on a FIFO: it is only read to describe the target
            text = read_input(path, MAX_SERVICE_FILE_BYTES, wait=1.0).decode("utf-8", errors="replace")
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

    A target named by a libpq service gets ' (service NAME)' after it. An ambiguous URL (see
    ambiguous_url) is shown masked; a string libpq cannot read at all is not shown.
    """
    shown = ambiguous_url(url)
    if shown is not None:
        return shown
    if url.strip() and not _libpq_parse(url):
        return "(a connection string libpq cannot read)"
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


def environment_name(url: str) -> str:
    """The environment name of a run given only a URL (--db-url without --env): its target in
    the letters an environment name may hold, so that the reports, {env} paths and baselines of
    two databases differ. 'postgres@db.x.supabase.co:5432/postgres' is
    'postgres-db.x.supabase.co-5432-postgres'."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", describe(url)).strip("-_.")
    if len(name) > MAX_NAME_LENGTH:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[: MAX_NAME_LENGTH - 9].rstrip('-_.')}-{digest}"
    return name or "url"


def is_loopback(url: str) -> bool:
    """True when every host the URL (or its service, or PGHOST) names is this machine."""
    target = resolve_target(url)
    hosts = (target["hostaddr"] or target["host"]).split(",")
    return all(_is_local(host.strip()) for host in hosts)


def _is_local(host: str) -> bool:
    """A Unix socket (a folder, or an abstract '@name'), localhost, or a loopback address
    (127.0.0.0/8, ::1). A name such as '127.0.0.1.example.com' is a name like any other."""
    if host in ("", "localhost") or host.startswith(("/", "@")):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_sslmode(url: str) -> str | None:
    """'require' for a non-local host when neither the URL, its service nor PGSSLMODE sets sslmode.

    An sslmode set anywhere is kept: overriding it could weaken verify-full to require.
    """
    if resolve_target(url)["sslmode"] or is_loopback(url):
        return None
    return "require"


def secrets_of(url: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Every spelling of every password libpq may send for a connection string: its own, as libpq
    reads it, as the URL standard reads it, the URL's whole user information when it holds a ':'
    (then it holds the password however it is split; without one it is only a user name, shown as
    it is); and those it has from elsewhere (_stored_passwords). Each percent-decoded and
    percent-encoded as well. Longest first."""
    return _spellings(url, str(_libpq_parse(url).get("password") or ""), *_stored_passwords(url, environ))


def _stored_passwords(url: str, environ: Mapping[str, str] = os.environ) -> set[str]:
    """The passwords libpq takes from outside the connection string when it holds none: PGPASSWORD,
    the password of its service (read_service), and the passwords of the password file (its
    `passfile`, its service's, PGPASSFILE or ~/.pgpass) whose entry matches the target as libpq
    matches them (`*` any value): a password of another server is not this run's secret, and
    masking it would hide common words ("postgres") from every message."""
    given = _libpq_parse(url)
    service = str(given.get("service") or "") or environ.get("PGSERVICE", "")
    from_service = read_service(service, str(given.get("servicefile") or ""), environ) if service else {}
    passfile = given.get("passfile") or from_service.get("passfile") or environ.get("PGPASSFILE")
    passwords = {environ.get("PGPASSWORD", ""), from_service.get("password", "")}
    try:
        text = read_input(passfile or Path.home() / ".pgpass", MAX_SERVICE_FILE_BYTES, wait=1.0)
    except (OSError, RuntimeError):  # none, or no home folder
        return passwords - {""}
    target = resolve_target(url, environ)
    host = target["host"] or "localhost"  # libpq matches a Unix socket's entries as localhost
    wanted = (
        "localhost" if host.startswith("/") else host,
        target["port"] or "5432",
        target["dbname"] or target["user"],
        target["user"],
    )
    for line in text.decode("utf-8", errors="replace").splitlines():
        # host:port:database:user:password, a backslash escaping ':' and itself; the password is the rest
        entry = re.match(r"((?:(?:[^:\\]|\\.)*:){4})(.*)", line)
        if entry is None or line.startswith("#"):
            continue
        fields = [re.sub(r"\\(.)", r"\1", f) for f in re.findall(r"((?:[^:\\]|\\.)*):", entry.group(1))]
        if all(field in ("*", value) or not value for field, value in zip(fields, wanted, strict=True)):
            passwords.add(re.sub(r"\\(.)", r"\1", entry.group(2)))
    return passwords - {""}


def _spellings(url: str, *libpq_passwords: str) -> list[str]:
    passwords = set(libpq_passwords)
    _scheme, separator, rest = url.partition("://")
    if separator:
        userinfo = rest[: max(rest.rfind("@"), 0)]
        first = rest[: max(rest.find("@"), 0)]
        if ":" in userinfo:
            passwords |= {userinfo, userinfo.partition(":")[2], first.partition(":")[2]}
    passwords |= {value.strip("'") for value in _PASSWORD_PARAMETER.findall(url)}
    passwords |= {unquote(p) for p in passwords}
    passwords |= {quote(p, safe="") for p in passwords} | {quote_plus(p) for p in passwords}
    return sorted(passwords - {""}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """Text from a server or from libpq with the URL shown as describe() shows it, and the
    password removed in every spelling, whole or in pieces (auditor.secrets.scrub)."""
    if url:
        text = text.replace(url, describe(url))
    return secrets.scrub(text, secrets_of(url))
