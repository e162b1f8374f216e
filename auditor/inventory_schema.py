"""The shape of inventory.yaml as JSON Schema: for editors (completion, hover, checks as you type),
and the one place the keys of each mapping are listed. auditor/inventory.py takes its allowed
keys from here (`keys`), and validates what a schema cannot say: names PostgreSQL can hold,
duplicates after normalising, groups that exist, exposed schemas that are audited, literal
secrets. tests/test_inventory_schema.py checks that the two agree on valid and broken files.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from auditor import exit_codes
from auditor.model import API_ROLES, BUCKET_STATUSES, INVENTORIED, POLICY_COMMANDS

SCHEMA_ID = "urn:supabase-inventory-auditor:inventory:1"
Schema = dict[str, Any]

TEXT: Schema = {"type": "string", "pattern": r"\S"}
OPTIONAL_TEXT: Schema = {"type": "string"}
NAMES: Schema = {"type": "array", "items": TEXT}
GROUP_KEY: Schema = {"description": "The key of its group under `groups` (the inventory's headings).", **TEXT}
DESCRIPTION: Schema = {"description": "What the object is for, shown in the inventory document.", **OPTIONAL_TEXT}
DOC: Schema = {
    "description": "The documenting page: a file name in the docs folder, true (found by its name, NN-<name>.md) "
    "or false (none).",
    "oneOf": [{"type": "boolean"}, {"type": "string", "pattern": r"^[^/\\.][^/\\]*\.md$"}],
}
EXPOSED_TO: Schema = {
    "description": "The API roles meant to reach the object although the security rules question it; needs a reason.",
    "type": "array",
    "items": {"enum": list(API_ROLES)},
    "uniqueItems": True,
}
REASON: Schema = {"description": "Why an exposure, deny-all or ignore rule is meant.", **TEXT}
SIZE: Schema = {
    "description": "Bytes, or a size like 5MB (5,000,000 bytes), 10MiB (10 x 1024 x 1024), 500KB, 1GiB; null: none.",
    "oneOf": [
        {"type": "null"},
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*([kKmMgGtT]?[iI]?[bB]|[bB][yY][tT][eE][sS]?)?\s*$"},
    ],
}
RANGE: Schema = {"type": "string", "pattern": r"^\s*\d+\s*-\s*\d+\s*$"}


def _mapping(fields: dict[str, Schema], description: str = "", required: tuple[str, ...] = ()) -> Schema:
    """An object with exactly these keys (null: an empty entry, as `profiles:` alone)."""
    schema: Schema = {"type": ["object", "null"], "properties": fields, "additionalProperties": False}
    if required:
        schema["type"] = "object"
        schema["required"] = list(required)
    return {"description": description, **schema} if description else schema


def _section(entry: Schema, description: str) -> Schema:
    """A section of named entries (tables, views, buckets...)."""
    return {
        "description": description,
        "type": ["object", "null"],
        "additionalProperties": entry,
    }


POLICY = _mapping(
    {
        "command": {
            "description": "The command it applies to: select, insert, update, delete or all.",
            "enum": list(POLICY_COMMANDS) + [c.upper() for c in POLICY_COMMANDS],
        },
        "roles": {"description": "The roles it applies to (public for every role).", **NAMES},
        "using": {"description": "The USING expression, as PostgreSQL prints it (pg_policies).", **TEXT},
        "check": {"description": "The WITH CHECK expression, as PostgreSQL prints it.", **TEXT},
        "restrictive": {"description": "true for a restrictive policy (default false: permissive).", "type": "boolean"},
        "reason": REASON,
    },
    "A row level security policy: its command and roles, optionally its expressions.",
    required=("command", "roles"),
)
POLICIES = _section(POLICY, "Policies by name; checked when declared.")
COLUMN = {
    "description": "A column: its name, or `name: type` (types compared as PostgreSQL names them).",
    "oneOf": [
        TEXT,
        {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": TEXT},
    ],
}
TABLE = _mapping(
    {
        "group": GROUP_KEY,
        "description": DESCRIPTION,
        "columns": {
            "description": "The column count, or the columns by name (`- id: uuid`, or a bare name).",
            "oneOf": [{"type": "integer", "minimum": 0}, {"type": "array", "items": COLUMN}],
        },
        "doc": DOC,
        "rls": {
            "description": "Row level security: true, false, or deny-all (on, with no policy, on purpose).",
            "oneOf": [{"type": "boolean"}, {"const": "deny-all"}],
        },
        "policies": POLICIES,
        "exposed_to": EXPOSED_TO,
        "reason": REASON,
    },
    "A table: a key left out is not checked.",
)
RELATION = _mapping(
    {"group": GROUP_KEY, "description": DESCRIPTION, "doc": DOC, "exposed_to": EXPOSED_TO, "reason": REASON},
    "A view, materialized view, foreign table or function.",
)
BUCKET = _mapping(
    {
        "group": GROUP_KEY,
        "description": DESCRIPTION,
        "public": {"description": "Whether anyone with a file's URL can read it.", "type": "boolean"},
        "file_size_limit": {**SIZE, "description": "The largest file it accepts. " + SIZE["description"]},
        "allowed_mime_types": {
            "description": "The MIME types it accepts (image/png, image/*); null: any.",
            "type": ["array", "null"],
            "items": {"type": "string", "pattern": r"/|\*$"},
        },
        "status": {
            "description": "active, or legacy: a legacy bucket must hold no objects.",
            "enum": list(BUCKET_STATUSES),
        },
        "doc": DOC,
        "exposed_to": EXPOSED_TO,
        "reason": {"description": "Why a public or listable bucket is meant.", **OPTIONAL_TEXT},
    },
    "A storage bucket: a key left out is not checked.",
)
ENVIRONMENT: Schema = {
    "description": "Where an environment's database (and Storage API) are: a database_url, a supabase_url, or both.",
    "type": "object",
    "properties": {
        "database_url": {"description": "The connection URL, as ${VARIABLE} references: never a password.", **TEXT},
        "supabase_url": {"description": "The project's API URL, for the Storage API bucket source.", **TEXT},
        "service_key": {"description": "A lone ${VARIABLE} holding the service key.", **TEXT},
        "description": {"description": "What the environment is.", **OPTIONAL_TEXT},
    },
    "additionalProperties": False,
    "anyOf": [{"required": ["database_url"]}, {"required": ["supabase_url"]}],
}
GROUP = _mapping(
    {
        "title": {"description": "The heading of the group in the inventory document.", **TEXT},
        "docs": {"description": "The number range of its doc pages, like 10-19.", **RANGE},
    },
    "A group of objects: a heading of the inventory.",
    required=("title",),
)
DOCS = _mapping(
    {
        "folder": {"description": "The folder of doc pages, relative to inventory.yaml.", **TEXT},
        "naming": {
            "description": "What each number range of pages holds (a range: a title), for the inventory document.",
            "type": "object",
            "propertyNames": RANGE,
            "additionalProperties": TEXT,
        },
        "stub_bytes": {
            "description": "Pages smaller than this that state no column, count or setting are stubs (default 200).",
            "type": "integer",
            "minimum": 0,
        },
    },
    "The documentation folder: one markdown page per object, named NN-name.md.",
)
AUDIT = _mapping(
    {"fail_on": {"description": "The default of --fail-on.", "enum": list(exit_codes.FAIL_ON)}},
    "Defaults of `auditor audit` for this project (an option or its variable wins).",
)
IGNORE = _mapping(
    {
        kind.plural: {
            "description": f"{kind.title} to ignore: a name pattern, then its reason.",
            "type": ["object", "null"],
            "additionalProperties": REASON,
        }
        for kind in INVENTORIED
    },
    "Objects the team does not own, by name pattern (*, ?, [...]), each with its reason.",
)

TOP: dict[str, Schema] = {
    "version": {"description": "The format's version: 1.", "const": 1},
    "project": {"description": "The project's name, shown in reports and the inventory document.", **TEXT},
    "schemas": {**NAMES, "minItems": 1, "description": "The audited schemas; the first is the default."},
    "exposed_schemas": {**NAMES, "description": "The schemas the Data API serves (default [public])."},
    "docs": DOCS,
    "groups": _section(GROUP, "Groups by key: a title, and the doc number range of their pages."),
    "tables": _section(TABLE, "Tables by name (`auth.users` outside the default schema)."),
    "views": _section(RELATION, "Views by name; inventoried once the section is here."),
    "materialized_views": _section(RELATION, "Materialized views by name."),
    "foreign_tables": _section(RELATION, "Foreign tables by name."),
    "functions": _section(RELATION, "Functions by name, `name(arguments)` for one overload of several."),
    "buckets": _section(BUCKET, "Storage buckets by id."),
    "storage_policies": {**POLICIES, "description": "The policies of storage.objects by name; checked when declared."},
    "ignore": IGNORE,
    "environments": {
        **_section(ENVIRONMENT, "Environments by name (part of report file names through {env})."),
        "propertyNames": {"pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"},
    },
    "audit": AUDIT,
}


def keys(mapping: Schema | dict[str, Schema]) -> tuple[str, ...]:
    """The keys a mapping of the schema allows, in the schema's order (for the validator)."""
    return tuple(mapping.get("properties", mapping))


def nullable_keys(mapping: dict[str, Schema]) -> frozenset[str]:
    """The keys whose value may be null (then the key counts as left out), for the validator."""
    return frozenset(key for key, value in mapping.items() if "null" in value.get("type", ()))


@cache
def inventory_schema() -> Schema:
    """The JSON Schema (draft 2020-12) of inventory.yaml."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "inventory.yaml of supabase-inventory-auditor",
        "description": "A Supabase project's declared tables, views, functions, policies, buckets and environments, "
        "audited against the live database by `auditor audit`.",
        "type": "object",
        "properties": TOP,
        "additionalProperties": False,
    }


def schema_text() -> str:
    """The schema as the package ships it (auditor/schemas/inventory.schema.json) and `auditor schema` prints it."""
    return json.dumps(inventory_schema(), indent=2, ensure_ascii=False) + "\n"
