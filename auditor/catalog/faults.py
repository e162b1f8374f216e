"""What a failed connection attempt means: retry it or not, and what the operator should do.

libpq reports failures while connecting as text without an SQLSTATE, so they are recognised by
the words of libpq's, PostgreSQL's, psycopg's and Supavisor's messages. Transient faults (the
server is starting, restarting, full, or the network did not answer) are worth another attempt;
permanent ones (wrong password, no such database or role, SSL mismatch) fail at once, since
retrying would only delay the message, and lock out a role after too many bad passwords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    kind: str
    transient: bool
    hint: str


_RESTARTING = Fault(
    "server not accepting connections",
    True,
    "the server is starting up, shutting down or recovering (a restart, an upgrade, a paused project "
    "resuming); run the audit again in a few minutes",
)
_CLOSED = Fault(
    "connection closed",
    True,
    "the server, or a pooler or proxy in front of it, closed the connection while it was being opened: "
    "it may be restarting or overloaded; run the audit again",
)

GARBLED = (
    "something other than PostgreSQL or a PostgreSQL pooler answers on that host and port, or a proxy in between "
    "corrupts the traffic: check the port (Supabase: 5432 direct or session pooler, 6543 transaction pooler) "
    "and any proxy, then run the audit again"
)
# libpq's words for bytes that are not the protocol it expects, while connecting or later
_GARBLED = (
    "lost synchronization with server",
    "message contents do not agree with length",
    "unexpected response from server",
    "insufficient data in",
    "invalid response to SSL negotiation",
    "expected authentication request from server",
    "unexpected message from server",
    "without prior row description",
    "arrived from server while idle",
    "unexpected field count",
)

# (patterns of the message, any of which matches; fault), first match wins: specific before generic.
_CONNECT_FAULTS: tuple[tuple[tuple[str, ...], Fault], ...] = (
    (_GARBLED, Fault("reply not in PostgreSQL's protocol", False, GARBLED)),
    (
        ("password authentication failed", "no password supplied", "password is required"),
        Fault(
            "authentication failed",
            False,
            "check the password: in the URL's environment variable, the password file (~/.pgpass or "
            "PGPASSFILE) or the service file; a role's password may also have expired (VALID UNTIL)",
        ),
    ),
    (
        ("Tenant or user not found",),
        Fault(
            "unknown pooler user",
            False,
            "through Supabase's pooler the user is postgres.<project-ref> (or <role>.<project-ref>): check the "
            "user name and the pooler host of your project's region",
        ),
    ),
    (
        ('database ".*" does not exist',),
        Fault(
            "database missing",
            False,
            "check the database name in the URL (on Supabase it is 'postgres'); list the databases with psql -l",
        ),
    ),
    (
        ('role ".*" does not exist',),
        Fault(
            "role missing",
            False,
            "check the user name in the URL; the role may not exist on this server "
            "(create it as docs/connecting.md shows)",
        ),
    ),
    (
        ("no pg_hba.conf entry",),
        Fault(
            "connection not allowed",
            False,
            "the server's pg_hba.conf does not admit this user, database, client address or SSL mode; on "
            "Supabase check the project's network restrictions and SSL enforcement",
        ),
    ),
    (
        ("permission denied for database",),
        Fault(
            "no CONNECT privilege",
            False,
            "grant the role CONNECT on the database (see the minimal role in docs/connecting.md)",
        ),
    ),
    (("SSL SYSCALL error", "SSL connection has been closed unexpectedly"), _CLOSED),
    (
        ("SSL",),
        Fault(
            "SSL mismatch",
            False,
            "the server and the URL disagree about SSL: the auditor requires SSL for non-local hosts unless "
            "the URL, the service file or PGSSLMODE sets sslmode; set sslmode=disable only on a trusted network",
        ),
    ),
    (
        (
            "the database system is starting up",
            "the database system is shutting down",
            "the database system is in recovery mode",
            "the database system is not yet accepting connections",
            "the database system is not accepting connections",
        ),
        _RESTARTING,
    ),
    (
        (
            "too many connections",
            "too many clients",
            "remaining connection slots are reserved",
            "Max client connections reached",
        ),
        Fault(
            "no free connection slot",
            True,
            "the server, or this role, has reached its connection limit: close idle sessions, raise the limit, "
            "or connect through Supabase's pooler",
        ),
    ),
    (
        ("Temporary failure in name resolution",),
        Fault(
            "DNS temporarily unavailable",
            True,
            "the name server could not be asked: check this machine's network and DNS configuration",
        ),
    ),
    (
        ("failed to resolve host", "could not translate host name", "Name or service not known", "nodename nor"),
        Fault(
            "unknown host name",
            False,
            "check the host name in the URL: DNS does not know it (a typo, or a project that was deleted)",
        ),
    ),
    (
        ("Connection refused",),
        Fault(
            "connection refused",
            True,
            "is the server running, and is the port right (Supabase: 5432 direct or session pooler, "
            "6543 transaction pooler)? Nothing accepts connections on that host and port",
        ),
    ),
    (
        ("timeout expired",),
        Fault(
            "no answer",
            True,
            "the host did not answer in time: check the host name, the network and any firewall; Supabase's "
            "direct host (db.<ref>.supabase.co) is IPv6-only, so from an IPv4-only network use the pooler; "
            "or raise --connect-timeout",
        ),
    ),
    (
        ("Network is unreachable", "No route to host"),
        Fault(
            "network unreachable",
            False,
            "this machine has no route to the host: an IPv6-only host (Supabase's direct host) on an IPv4-only "
            "network? Use Supabase's pooler, or check the network",
        ),
    ),
    (
        ("server closed the connection unexpectedly", "Connection reset by peer", "terminating connection"),
        _CLOSED,
    ),
)

UNKNOWN = Fault("connection failed", False, "check the URL and that the server is up")
STARTED_NOT_FINISHED = Fault(  # "no answer", where the server did take the connection at once
    "no answer",
    True,
    "the server accepts connections but did not finish starting the session in time: a lock held on a "
    "catalog it reads at login (a migration running?), an overloaded server, or a pooler waiting for a free "
    "server connection; see pg_stat_activity, retry later, or raise --connect-timeout",
)


def connect_fault(message: str) -> Fault:
    """The fault a connection attempt's error message describes."""
    for patterns, fault in _CONNECT_FAULTS:
        if any(re.search(pattern, message) for pattern in patterns):
            return fault
    return UNKNOWN


def is_garbled(message: str) -> bool:
    """Whether libpq says the server's bytes were not the protocol it expects."""
    return any(pattern in message for pattern in _GARBLED)


def is_bad_parameter(error: Exception) -> bool:
    """A URL libpq cannot parse, or a service it cannot find: a usage error, not an outage.

    psycopg raises ProgrammingError for a URL it cannot parse, and says 'connection is bad' when
    libpq rejects the parameters before any network traffic.
    """
    return type(error).__name__ == "ProgrammingError" or str(error).startswith("connection is bad:")


LOST = (
    "the server restarted or shut down, or a pooler, proxy or firewall cut the connection; "
    "run the audit again (nothing was compared: the partial read was discarded)"
)
