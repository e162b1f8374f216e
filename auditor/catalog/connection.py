"""Opening a safe, read-only session, and turning connection failures into plain messages.

Every failure becomes a SourceUnavailable (exit 3) whose one paragraph names the environment,
the target without its password, what happened and the likely fix; a URL libpq cannot parse is
a UsageError (exit 2). psycopg's exception is never chained (`from None`), so neither its text
nor the URL can reach a traceback.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from auditor import urls
from auditor.catalog import faults
from auditor.catalog.settings import SessionSettings
from auditor.catalog.sql import query
from auditor.errors import SourceUnavailable, UsageError

APPLICATION_NAME = "supabase-inventory-auditor"
MAX_RETRY_DELAY = 30.0  # seconds: the doubling stops here
# TCP keepalives: a connection whose peer vanished mid-query (network cut, host gone) fails after
# about a minute instead of the operating system's default two hours. Ignored on Unix sockets.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


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
    connection = connect(url, environment, settings)
    try:
        connection.read_only = True
        with connection.cursor() as cursor:
            role, server_version = _configure(cursor, settings)
            yield Session(cursor=cursor, role=role, server_version=server_version)
        connection.rollback()  # nothing was written; end the transaction without a commit
    except psycopg.Error as error:
        raise _read_failure(error, url, environment, settings) from None
    finally:
        connection.close()


def connect(url: str, environment: str, settings: SessionSettings) -> psycopg.Connection:
    """Connect, retrying transient failures `settings.connect_retries` times with doubling delays."""
    options: dict[str, object] = {
        "connect_timeout": settings.connect_timeout,
        "application_name": APPLICATION_NAME,
        **KEEPALIVES,
    }
    sslmode = urls.default_sslmode(url)
    if sslmode:
        options["sslmode"] = sslmode
    attempt = 1
    while True:
        try:
            return psycopg.connect(url, autocommit=False, prepare_threshold=None, **options)
        except UnicodeError:
            raise UsageError(
                f"The connection URL of environment '{environment}' holds bytes that are not UTF-8; "
                "likely fix: check the environment variable that holds it."
            ) from None
        except psycopg.Error as error:
            fault = faults.connect_fault(str(error))
            if not fault.transient or attempt > settings.connect_retries or faults.is_bad_parameter(error):
                raise _connect_failure(error, fault, url, environment, settings, attempt) from None
        time.sleep(min(settings.retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY))
        attempt += 1


def _configure(cursor: psycopg.Cursor, settings: SessionSettings) -> tuple[str, str]:
    """Apply the session settings; a value the server rejects is the user's option, not an outage."""
    values = {
        "statement_timeout": settings.statement_timeout,
        "lock_timeout": settings.lock_timeout,
        "idle_timeout": settings.idle_timeout,
    }
    try:
        cursor.execute(query("session"), values)
    except (psycopg.errors.InvalidParameterValue, psycopg.errors.InvalidTextRepresentation):
        raise UsageError(
            f"The server rejected a timeout ({', '.join(f'{k}={v!r}' for k, v in values.items())}): "
            "give a PostgreSQL interval such as 30s, 500ms or 2min (e.g. --statement-timeout 30s)."
        ) from None
    *_, role, server_version = cursor.fetchone()
    return role, server_version


def _where(url: str, environment: str) -> str:
    return f"environment '{environment}' at {urls.describe(url)}"


def _reason(error: BaseException, url: str) -> str:
    """The first line of the error, without the URL or password, psycopg's prefixes and libpq's 'FATAL:  '."""
    text = urls.scrub(str(error), url).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    first = re.sub(r"^(connection failed|connection is bad): ", "", first)
    return re.sub(r"\s+", " ", first).rstrip(".")


def _sentence(text: str) -> str:
    return text if text.endswith(("?", "!", ".")) else f"{text}."


def _attempts(attempt: int, fault: faults.Fault) -> str:
    if attempt > 1:
        return f"Gave up after {attempt} attempts."
    if fault.transient:
        return "Gave up after 1 attempt (--connect-retries 0)."
    return "Not retried: another attempt would fail the same way."


def _connect_failure(
    error: psycopg.Error,
    fault: faults.Fault,
    url: str,
    environment: str,
    settings: SessionSettings,
    attempt: int,
) -> SourceUnavailable | UsageError:
    reason = _reason(error, url)
    if faults.is_bad_parameter(error):
        fix = (
            "check the service's name, and that PGSERVICEFILE or ~/.pg_service.conf defines it"
            if "service" in reason
            else "correct the URL in the environment variable that holds it; a password with special characters "
            "must be percent-encoded in a postgresql:// URL"
        )
        return UsageError(
            f"The connection settings of {_where(url, environment)} are not valid: {reason}. Likely fix: {fix}."
        )
    timeout = f" within {settings.connect_timeout} s" if fault.kind == "no answer" else ""
    return SourceUnavailable(
        f"Cannot connect to the database of {_where(url, environment)}: {fault.kind}{timeout} ({reason}). "
        f"{_attempts(attempt, fault)} Likely fix: {_sentence(fault.hint)}"
    )


def _read_failure(error: psycopg.Error, url: str, environment: str, settings: SessionSettings) -> SourceUnavailable:
    """A failure after the session was open: a timeout, a lost connection, a missing privilege."""
    reason = _reason(error, url)
    where = _where(url, environment)
    if isinstance(error, psycopg.errors.QueryCanceled) and "statement timeout" in str(error):
        return SourceUnavailable(
            f"A catalog query in {where} was cancelled by the statement timeout ({settings.statement_timeout}): "
            f"{reason}. Likely fix: raise --statement-timeout if the catalog is very large, or run the audit "
            "when the server is less busy."
        )
    if isinstance(error, psycopg.errors.LockNotAvailable):
        return SourceUnavailable(
            f"A catalog query in {where} waited longer than the lock timeout ({settings.lock_timeout}) for a "
            f"table another session has locked (a migration?): {reason}. The auditor gives up rather than queue "
            "behind it and block the application. Likely fix: run the audit again when the migration is done."
        )
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return SourceUnavailable(
            f"The role cannot read part of the catalog in {where}: {reason}. Likely fix: grant the privileges "
            "the README lists under 'What the auditor does to a database', or audit as another role."
        )
    if isinstance(error, psycopg.errors.QueryCanceled):
        return SourceUnavailable(
            f"A catalog query in {where} was cancelled by someone else ({reason}). Likely fix: run the audit again."
        )
    if isinstance(error, psycopg.OperationalError):  # AdminShutdown and CrashShutdown included
        return SourceUnavailable(
            f"The connection to the database of {where} was lost during the audit: {reason}. Likely fix: {faults.LOST}."
        )
    return SourceUnavailable(
        f"A catalog query failed in {where}: {reason}. The catalog is not what the auditor expects; "
        "likely fix: check the server version and the audited schemas, and report it if the server is supported."
    )
