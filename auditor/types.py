"""Spelling of column types: what people write in inventory.yaml vs what format_type() prints."""

from __future__ import annotations

import re
from functools import lru_cache

_ALIASES = {
    "int": "integer",
    "int4": "integer",
    "serial": "integer",
    "serial4": "integer",
    "int8": "bigint",
    "bigserial": "bigint",
    "serial8": "bigint",
    "int2": "smallint",
    "smallserial": "smallint",
    "serial2": "smallint",
    "bool": "boolean",
    "float8": "double precision",
    "float": "double precision",
    "float4": "real",
    "decimal": "numeric",
    "varchar": "character varying",
    "char": "character",
    "bpchar": "character",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
    "timetz": "time with time zone",
    "time": "time without time zone",
}
_TYPE = re.compile(r"^\s*(.*?)\s*(\([^)]*\))?\s*((?:\[\])*)\s*$")


@lru_cache(maxsize=4096)  # a schema spells a few dozen types over and over
def normalize_type(spelling: str) -> str:
    """Canonical form of a type name: 'varchar(20)' -> 'character varying(20)', 'INT[]' -> 'integer[]'."""
    match = _TYPE.match(spelling)
    if not match:
        return spelling.strip()
    base, modifier, arrays = match.groups()
    base = " ".join(base.split()).removeprefix("public.")  # the session's search_path shows public unqualified
    canonical = _ALIASES.get(base.lower(), base.lower() if base.islower() or base.isupper() else base)
    modifier = modifier.replace(" ", "") if modifier else ""
    if modifier and canonical.startswith(("timestamp ", "time ")):
        head, _, zone = canonical.partition(" ")
        return f"{head}{modifier} {zone}{arrays}"
    return f"{canonical}{modifier}{arrays}"


def same_type(declared: str, live: str) -> bool:
    return normalize_type(declared) == normalize_type(live)
