"""An OurVidz-shaped Supabase database, for the demo and the tests.

platform.sql builds what Supabase owns (roles, auth and storage schemas); ourvidz.sql the
application's 26 tables and 10 buckets, exactly as the repository's inventory.yaml declares.
"""

from __future__ import annotations

from importlib.resources import files

FIXTURE_FILES = ("platform.sql", "ourvidz.sql")


def fixture_sql() -> str:
    """The SQL that builds the OurVidz-shaped database inside an empty database."""
    return "\n".join((files("auditor") / "demo" / name).read_text(encoding="utf-8") for name in FIXTURE_FILES)
