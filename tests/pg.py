"""Test databases on a real PostgreSQL server: one database per test, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("AUDITOR_TEST_DATABASE_URL", DEFAULT_ADMIN_URL)


def database_url(admin: str, name: str) -> str:
    return make_conninfo(admin, dbname=name)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_database(admin: str, name: str, template: str | None = None) -> str:
    statement = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" template {}").format(sql.Identifier(template))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)
    return database_url(admin, name)


@contextmanager
def fresh_database(admin: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """URL of a new database with a unique name (a copy of `template`, if given), dropped afterwards."""
    name = unique_name(prefix)
    url = create_database(admin, name, template)
    try:
        yield url
    finally:
        drop_database(admin, name)


def drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def execute(url: str, statements: str, params: object = None) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statements, params)


def conninfo_dbname(url: str) -> str:
    """The database name a connection URL or conninfo string names."""
    return conninfo_to_dict(url)["dbname"]
