"""Load what the docs commands compare: the inventory, its docs folder and, with an environment, the catalog."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.docs.scan import scan_docs
from auditor.docs.tree import DocsTree
from auditor.errors import UsageError
from auditor.inventory import load_inventory
from auditor.model import Catalog, Inventory


@dataclass(frozen=True)
class DocsInputs:
    inventory: Inventory
    docs: DocsTree
    catalog: Catalog | None  # None: offline, no staleness checks


def load_docs_inputs(
    inventory_path: str | os.PathLike[str],
    environment: str | None = None,
    environ: Mapping[str, str] = os.environ,
    db_url: str | None = None,
) -> DocsInputs:
    """Raise InventoryError, UsageError (no docs folder declared) or SourceUnavailable.

    The database is read when an environment or a URL is given (offline otherwise)."""
    inventory = load_inventory(inventory_path)
    docs = scan_docs(inventory)
    if docs is None:
        raise UsageError(f"{inventory.path} names no docs folder: add docs: {{folder: docs/database}} to it.")
    live = environment is not None or bool(db_url)
    catalog = read_live_catalog(inventory, environment, environ, db_url) if live else None
    return DocsInputs(inventory, docs, catalog)


def read_live_catalog(
    inventory: Inventory, environment: str | None, environ: Mapping[str, str] = os.environ, db_url: str | None = None
) -> Catalog:
    from auditor.api import resolve_database_url
    from auditor.catalog.postgres import read_catalog

    name, url = resolve_database_url(inventory, environment, db_url, environ=environ)
    return read_catalog(url, inventory.schemas, environment=name)


def docs_folder(inputs: DocsInputs) -> Path:
    return Path(inputs.inventory.path).parent / inputs.docs.folder
