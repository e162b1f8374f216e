"""The catalog queries shipped in auditor/sql/, one file each."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def query(name: str) -> str:
    """Text of auditor/sql/<name>.sql."""
    return (files("auditor") / "sql" / f"{name}.sql").read_text(encoding="utf-8")
