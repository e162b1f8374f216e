"""Opening a safe, read-only session, and turning connection failures into plain messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from auditor import urls
from auditor.catalog.settings import SessionSettings
from auditor.catalog.sql import query
from auditor.errors import SourceUnavailable

APPLICATION_NAME = "supabase-inventory-auditor"


@dataclass(frozen=True)
class Session:
    cursor: psycopg.Cursor
    role: str
    server_version: str


@contextmanager
def open_session(url: str, environment: str, settings: SessionSettings) -> Iterator[Session]:
    """A read-only transaction with timeouts; errors become SourceUnavailable with a hint.

    Prepared statements are disabled (prepare_threshold=None) so that the session also works
    through Supabase's transaction pooler (Supavisor on port 6543).
    """
    options: dict[str, object] = {
        "connect_timeout": settings.connect_timeout,
        "application_name": APPLICATION_NAME,
    }
    if not urls.is_loopback(url) and "sslmode" not in url:
        options["sslmode"] = "require"
    try:
        connection = psycopg.connect(url, autocommit=False, prepare_threshold=None, **options)
    except psycopg.Error as error:
        raise _unavailable(error, url, environment, "connect to") from None
    try:
        connection.read_only = True
        with connection.cursor() as cursor:
            cursor.execute(
                query("session"),
                {
                    "statement_timeout": settings.statement_timeout,
                    "lock_timeout": settings.lock_timeout,
                    "idle_timeout": settings.idle_timeout,
                },
            )
            *_, role, server_version = cursor.fetchone()
            yield Session(cursor=cursor, role=role, server_version=server_version)
        connection.rollback()  # nothing was written; end the transaction without a commit
    except psycopg.errors.QueryCanceled as error:
        raise SourceUnavailable(
            f"A catalog query in environment '{environment}' ({urls.describe(url)}) was cancelled: "
            f"{_first_line(error, url)}. The statement timeout is {settings.statement_timeout}; "
            "raise it with --statement-timeout if the catalog is very large."
        ) from None
    except psycopg.Error as error:  # dropped connection, server restart, an unexpected catalog
        raise _unavailable(error, url, environment, "read from") from None
    finally:
        connection.close()


def _first_line(error: BaseException, url: str) -> str:
    text = urls.scrub(str(error), url).strip()
    return text.splitlines()[0] if text else type(error).__name__


_HINTS = (
    ("password authentication failed", "check the password in the environment variable that holds the URL"),
    ("does not exist", "check the database and role names in the URL"),
    ("could not translate host name", "check the host name; DNS could not resolve it"),
    ("Name or service not known", "check the host name; DNS could not resolve it"),
    ("Connection refused", "is the server running and listening on that host and port?"),
    (
        "timeout expired",
        "the host did not answer in time: check the network or firewall "
        "(Supabase direct hosts are IPv6-only; use the session pooler from IPv4-only machines)",
    ),
    ("Network is unreachable", "the network cannot reach the host (IPv6-only host on an IPv4 network?)"),
    ("SSL", "check sslmode in the URL (the auditor requires SSL for non-local hosts by default)"),
    ("server closed the connection", "the server went away: it may be restarting; try again"),
    ("terminating connection", "the server ended the session: it may be restarting; try again"),
)


def _unavailable(error: psycopg.Error, url: str, environment: str, action: str) -> SourceUnavailable:
    reason = _first_line(error, url)
    hint = next((h for needle, h in _HINTS if needle in str(error)), "check the URL and that the server is up")
    return SourceUnavailable(
        f"Cannot {action} the database of environment '{environment}' at {urls.describe(url)}: "
        f"{reason}. Likely fix: {hint}."
    )
