"""Objects of a kind listed by name that are declared but not live, or live but not declared."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.drift.rules import finding
from auditor.model import Finding, Kind


def missing(kind: Kind, names: Iterable[str]) -> list[Finding]:
    """`<code>-missing` for each name declared and not in the database (expected and actual:
    whether the object exists)."""
    title = kind.name.capitalize()
    return [
        finding(f"{kind.code}-missing", name, True, False, f"{title} {name} is declared but not in the database.")
        for name in names
    ]


def undeclared(kind: Kind, names: Iterable[str]) -> list[Finding]:
    """`<code>-undeclared` for each name in the database and not in the inventory."""
    title = kind.name.capitalize()
    return [
        finding(
            f"{kind.code}-undeclared", name, False, True, f"{title} {name} is in the database but not in the inventory."
        )
        for name in names
    ]
