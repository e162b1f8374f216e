"""How the auditor's database sessions behave: timeouts and connect retries (no psycopg import)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionSettings:
    connect_timeout: int = 10  # seconds, per attempt
    statement_timeout: str = "30s"  # PostgreSQL interval
    lock_timeout: str = "2s"
    idle_timeout: str = "60s"
    connect_retries: int = 2  # extra attempts after a transient connect failure
    retry_delay: float = 1.0  # seconds before the first retry; doubles each time
