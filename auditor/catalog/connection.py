"""Opening a safe, read-only session, reading the catalog in it in one round trip, and turning
failures into plain messages.

Every failure becomes a SourceUnavailable (exit 3) whose one paragraph names the environment,
the target without its password, what happened and the likely fix; a URL libpq cannot parse is
a UsageError (exit 2). psycopg's exception is never chained (`from None`), so neither its text
nor the URL can reach a traceback. The whole of it, connecting and retries included, ends by
the deadline of the settings, whatever the server or a pooler in between does.
"""

from __future__ import annotations

import contextlib
import math
import re
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import psycopg

from auditor import urls
from auditor.catalog import faults
from auditor.catalog.pipeline import CHUNK_ROWS, DeadlineExpired, Pipeline, Statement, packaged_statements
from auditor.catalog.settings import Deadline, SessionSettings
from auditor.errors import SourceUnavailable, UsageError
from auditor.model import SkippedCheck

APPLICATION_NAME = "supabase-inventory-auditor"
MAX_RETRY_DELAY = 30.0  # seconds: the doubling stops here
# TCP keepalives: a connection whose peer vanished mid-query (network cut, host gone) fails after
# about a minute instead of the operating system's default two hours. Ignored on Unix sockets.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
CANCEL_WAIT = 2.0  # seconds given to the cancel request sent when the deadline passes
STALLED = 2.0  # seconds without a byte from the server: it stopped answering, rather than answers slowly


@dataclass(frozen=True)
class CatalogRequest:
    """What a catalog read is asked for."""

    schemas: tuple[str, ...]
    catalog_source: str = "pg_catalog"
    policy_expressions: bool = False  # print every policy's expressions, not only those naming no column


@dataclass(frozen=True)
class Read:
    """One kind of object read from the catalog: an entry of postgres.READS.

    `statement` gives its packaged SQL file and bound parameters for the request; `parse` turns
    its rows, handed over as they arrive, into the value read. `skipped`, when given, turns a
    failure of the read into a check not made (from the server's error and the session's role;
    None lets the failure end the audit), and the read then runs behind a savepoint, so that the
    reads after it run all the same. Without it, a failure of the read ends the audit.
    """

    name: str
    statement: Callable[[CatalogRequest], Statement]
    parse: Callable[[Iterator[tuple]], object]
    skipped: Callable[[psycopg.Error, str], SkippedCheck | None] | None = None


@dataclass(frozen=True)
class Session:
    """What one session read: its role and server version, the value of each read, or why not."""

    role: str
    server_version: str
    values: dict[str, object]  # read name -> value; a read that failed is not here
    skipped: dict[str, SkippedCheck]  # read name -> the check its failure left unmade


def run_reads(
    url: str, environment: str, settings: SessionSettings, reads: Sequence[Read], request: CatalogRequest
) -> Session:
    """Connect and run every read in one READ ONLY transaction, sent in one round trip.

    The statements are pipelined: the session's settings, each read (those that may fail behind
    a savepoint and a Sync), and the final ROLLBACK, whose reply is not awaited.
    """
    deadline = settings.deadline()
    connection = connect(url, environment, settings, deadline)
    try:
        settings.report(f"Reading the catalog of {urls.describe(url)}")
        pipeline = Pipeline(connection, deadline)
        _send(pipeline, settings, reads, request)
        pipeline.flush()
        return _receive(pipeline, settings, reads)
    except DeadlineExpired as expired:
        with contextlib.suppress(psycopg.Error):
            connection.cancel_safe(timeout=CANCEL_WAIT)  # spare the server the rest of the work
        raise _deadline_failure(expired, url, environment, deadline) from None
    except psycopg.Error as error:
        raise _read_failure(error, url, environment, settings) from None
    finally:
        connection.close()


def _send(pipeline: Pipeline, settings: SessionSettings, reads: Sequence[Read], request: CatalogRequest) -> None:
    timeouts = {
        "statement_timeout": settings.statement_timeout,
        "lock_timeout": settings.lock_timeout,
        "idle_timeout": settings.idle_timeout,
    }
    pipeline.send_settings(Statement("session", timeouts))
    pipeline.send(Statement("session_role"))
    for read in reads:
        if read.skipped is None:
            pipeline.send(read.statement(request))
            continue
        pipeline.send(Statement("savepoint"))
        pipeline.send(read.statement(request))
        pipeline.sync()
        pipeline.send(Statement("rollback_to_savepoint"))
    pipeline.send(Statement("rollback"))
    pipeline.sync()


def _receive(pipeline: Pipeline, settings: SessionSettings, reads: Sequence[Read]) -> Session:
    try:
        for _statement in packaged_statements("session"):
            pipeline.command()
    except (psycopg.errors.InvalidParameterValue, psycopg.errors.InvalidTextRepresentation):
        raise UsageError(
            f"The server rejected a timeout (statement_timeout={settings.statement_timeout!r}, "
            f"lock_timeout={settings.lock_timeout!r}, idle_timeout={settings.idle_timeout!r}): "
            "give a PostgreSQL interval such as 30s, 500ms or 2min (e.g. --statement-timeout 30s)."
        ) from None
    role, server_version = pipeline.read(next)
    values: dict[str, object] = {}
    skipped: dict[str, SkippedCheck] = {}
    for read in reads:
        if read.skipped is not None:
            pipeline.command()  # the savepoint
        try:
            values[read.name] = pipeline.read(lambda rows, read=read: read.parse(_counted(rows, read, settings)))
        except psycopg.Error as error:
            check = read.skipped(error, role) if read.skipped is not None else None
            if check is None:
                raise
            skipped[read.name] = check
        if read.skipped is not None:
            pipeline.synced()
            pipeline.command()  # back to the savepoint
    return Session(role, server_version, values, skipped)


def _counted(rows: Iterator[tuple], read: Read, settings: SessionSettings) -> Iterator[tuple]:
    """The rows, reporting progress every chunk of a large result."""
    if settings.progress is None:
        return rows
    return _reporting(rows, read.name, settings.report)


def _reporting(rows: Iterator[tuple], name: str, report: Callable[[str], None]) -> Iterator[tuple]:
    for count, row in enumerate(rows, 1):
        if count % CHUNK_ROWS == 0:
            report(f"Reading the catalog: {count:,} {name}")
        yield row


def connect(url: str, environment: str, settings: SessionSettings, deadline: Deadline) -> psycopg.Connection:
    """Connect, retrying transient failures `settings.connect_retries` times with doubling delays,
    never past the deadline."""
    options: dict[str, object] = {"application_name": APPLICATION_NAME, **KEEPALIVES}
    sslmode = urls.default_sslmode(url)
    if sslmode:
        options["sslmode"] = sslmode
    attempts = settings.connect_retries + 1
    target = urls.describe(url)
    attempt = 1
    while True:
        settings.report(f"Connecting to {target}" + (f" (attempt {attempt} of {attempts})" if attempt > 1 else ""))
        # psycopg waits 2 s at the least; a deadline closer than that is passed by as much
        timeout = max(1, min(settings.connect_timeout, math.ceil(deadline.remaining())))
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=timeout, **options)
        except UnicodeError:
            raise UsageError(
                f"The connection URL of environment '{environment}' holds bytes that are not UTF-8; "
                "likely fix: check the environment variable that holds it."
            ) from None
        except psycopg.Error as error:
            fault = faults.connect_fault(str(error))
            delay = min(settings.retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY)
            retry = fault.transient and attempt < attempts and not faults.is_bad_parameter(error)
            if not retry or deadline.remaining() <= delay:
                outcome = _attempts(attempt, fault, deadline if retry else None)
                raise _connect_failure(error, fault, url, environment, timeout, outcome) from None
        settings.report(f"{fault.kind.capitalize()}; retrying in {delay:g} s (attempt {attempt + 1} of {attempts})")
        time.sleep(delay)
        attempt += 1


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


def _attempts(attempt: int, fault: faults.Fault, deadline: Deadline | None) -> str:
    if deadline is not None:
        return (
            f"Gave up after {attempt} attempt{'s' if attempt > 1 else ''}: another would have gone past the "
            f"audit's deadline (--timeout {deadline.seconds:g} s)."
        )
    if attempt > 1:
        return f"Gave up after {attempt} attempts."
    if fault.transient:
        return "Gave up after 1 attempt (--connect-retries 0)."
    return "Not retried: another attempt would fail the same way."


def _connect_failure(
    error: psycopg.Error, fault: faults.Fault, url: str, environment: str, timeout: int, attempts: str
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
    within = f" within {max(timeout, 2)} s" if fault.kind == "no answer" else ""  # psycopg waits 2 s at the least
    if fault.kind == "no answer" and _accepts_connections(url):
        fault = faults.STARTED_NOT_FINISHED
    return SourceUnavailable(
        f"Cannot connect to the database of {_where(url, environment)}: {fault.kind}{within} ({reason}). "
        f"{attempts} Likely fix: {_sentence(fault.hint)}"
    )


def _accepts_connections(url: str) -> bool:
    """Whether the server takes a new connection at once: then the time went in starting the
    session (a lock on a catalog it reads, an overloaded server, a pooler waiting for a server),
    not in a network that drops packets. One host only; a second's wait at most."""
    target = urls.resolve_target(url)
    host, port = target["hostaddr"] or target["host"] or "/var/run/postgresql", target["port"] or "5432"
    if "," in host or "," in port or not port.isdigit():
        return False
    try:
        if host.startswith("/"):
            with socket.socket(socket.AF_UNIX) as unix:
                unix.settimeout(1)
                unix.connect(f"{host}/.s.PGSQL.{port}")
        else:
            socket.create_connection((host, int(port)), timeout=1).close()
    except (OSError, ValueError):
        return False
    return True


def _deadline_failure(expired: DeadlineExpired, url: str, environment: str, deadline: Deadline) -> SourceUnavailable:
    """The deadline passed while reading: say whether the reply had stopped or was merely slow."""
    where = _where(url, environment)
    ended = f"the audit's deadline (--timeout {deadline.seconds:g} s) cancelled the read and closed the connection"
    if not expired.replied or expired.silent_for >= STALLED:
        return SourceUnavailable(
            f"The database of {where} sent no reply in {expired.silent_for:.0f} s, and {ended}: the server, or a "
            "pooler or proxy in front of it, stopped answering while keeping the connection open (the server's "
            "own timeouts would have answered with an error). Likely fix: check the pooler or proxy between "
            "this machine and the server, then run the audit again."
        )
    return SourceUnavailable(
        f"The reply of the database of {where} was still arriving, too slowly, when {ended}: the network, or a "
        "proxy in between, delivers data at a crawl. Likely fix: check the network path to the server, or raise "
        "--timeout if the catalog is very large and the network known to be slow."
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
            "docs/connecting.md lists under 'Privileges, and a minimal role', or audit as another role."
        )
    if isinstance(error, psycopg.errors.QueryCanceled):
        return SourceUnavailable(
            f"A catalog query in {where} was cancelled by someone else ({reason}). Likely fix: run the audit again."
        )
    if faults.is_garbled(str(error)):
        return SourceUnavailable(
            f"The reply of the database of {where} was not PostgreSQL's protocol ({reason}). Likely fix: "
            f"{faults.GARBLED}."
        )
    if isinstance(error, psycopg.OperationalError) or error.sqlstate is None:  # shutdowns, crashes, lost sockets
        return SourceUnavailable(
            f"The connection to the database of {where} was lost during the audit: {reason}. Likely fix: {faults.LOST}."
        )
    if error.sqlstate.startswith(("42", "0A")):  # an undefined column or function, an unsupported feature
        return SourceUnavailable(
            f"A catalog query failed in {where}: {reason}. The catalog is not what the auditor expects; likely fix: "
            "check the server version and the audited schemas, and report it if the server is supported."
        )
    return SourceUnavailable(
        f"The server could not run a catalog query in {where}: {reason} (SQLSTATE {error.sqlstate}). Likely fix: "
        "run the audit again; if it fails the same way, the server's log says more."
    )
