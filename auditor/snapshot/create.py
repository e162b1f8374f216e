"""A complete inventory.yaml from a live catalog: what `auditor snapshot` writes.

The output is deterministic (objects by schema and name, buckets by id, no timestamp), loads
with `load_inventory`, and audits clean against the database it was read from.
"""

from __future__ import annotations

import re

from auditor.drift.policies import STORAGE_OBJECTS
from auditor.model import Catalog
from auditor.snapshot.entries import SECTIONS, EntryOptions, storage_policies_entries
from auditor.snapshot.yaml_text import flow_list, scalar

SCHEMA_FILE = "inventory.schema.json"
"""The JSON Schema a new inventory names for editors (first line), written beside it by `auditor snapshot`."""


def environment_variable(project: str, environment: str) -> str:
    """`OURVIDZ_PROD_DATABASE_URL`: the variable an environment's URL is read from."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", f"{project}_{environment}").strip("_").upper()
    if not stem or stem[0].isdigit():
        stem = f"DB_{stem}".rstrip("_")
    return f"{stem}_DATABASE_URL"


def environment_entry(environment: str, variable: str, indent: int = 2) -> str:
    pad = " " * indent
    return f"{pad}{scalar(environment)}:\n{pad}  database_url: ${{{variable}}}\n"


def render_inventory(
    catalog: Catalog,
    *,
    project: str,
    schemas: tuple[str, ...],
    environment: str,
    variable: str,
    docs_folder: str | None,
    options: EntryOptions,
) -> str:
    """The text of a new inventory.yaml describing `catalog`: a section for every kind it read
    (tables always: a file without them would declare nothing)."""
    out = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}\n",
        f"# Inventory of {project}, written by `auditor snapshot --env {environment}` from its database.\n",
        "# Add descriptions, groups and comments freely: `auditor snapshot --update` keeps them.\n",
        "\nversion: 1\n",
        f"project: {scalar(project)}\n",
        f"schemas: {flow_list(schemas)}\n",
    ]
    if docs_folder is not None:
        out.append(f"\ndocs:\n  folder: {scalar(docs_folder)}\n")
    for section in SECTIONS:
        live = catalog.live(section.kind)
        if live is None and section.kind.name != "table":
            continue
        objects = sorted(live or (), key=lambda obj: section.order(obj, options.default_schema))
        out.append(f"\n{section.comment}{section.kind.plural}:" + ("\n" if objects else " {}\n"))
        out += [section.entry(obj, options).block(2) for obj in objects]
    if options.policies is not None and catalog.objects_access is not None:
        storage = options.policies.get(STORAGE_OBJECTS, ())
        out.append("\n# Row level security policies of storage.objects (who may read and write files).\n")
        out.append("storage_policies:" + ("\n" if storage else " {}\n"))
        out += storage_policies_entries(storage, options)
    out.append("\n# Connection URLs come from environment variables, never from this file.\n")
    out.append("environments:\n" + environment_entry(environment, variable))
    return "".join(out)
