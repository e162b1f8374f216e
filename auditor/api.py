"""The library entry point: load the inventory, read the catalog, compare, return a Report.

The CLI is a thin shell around `audit()`; it can be called from Python as well.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from auditor import urls
from auditor.drift import compare
from auditor.errors import UsageError
from auditor.inventory import load_inventory
from auditor.model import Catalog, Inventory, Report

DATABASE_URL_VARIABLE = "AUDITOR_DATABASE_URL"
CATALOG_SOURCES = ("pg_catalog", "information_schema")


def resolve_database_url(
    inventory: Inventory,
    environment: str | None,
    db_url: str | None = None,
    environ: Mapping[str, str] = os.environ,
    label: str = "custom",
) -> tuple[str, str]:
    """(environment name, connection URL) for a run; --db-url / AUDITOR_DATABASE_URL win.

    `label` names a run given only a URL, with no environment of the inventory.
    """
    override = db_url or environ.get(DATABASE_URL_VARIABLE)
    known = ", ".join(e.name for e in inventory.environments) or "none declared"
    if environment is not None and inventory.environment(environment) is None:
        raise UsageError(f"Unknown environment '{environment}' (environments in {inventory.path}: {known}).")
    if override:
        return environment or label, override
    if environment is None:
        raise UsageError(
            f"Choose an environment with --env (in {inventory.path}: {known}), "
            f"or give a URL with --db-url or {DATABASE_URL_VARIABLE}."
        )
    template = inventory.environment(environment).database_url or ""
    url = urls.expand(template, environ, where=f"Environment '{environment}'")
    if not url.strip():
        raise UsageError(f"Environment '{environment}' has an empty database URL.")
    return environment, url


def build_report(inventory: Inventory, catalog: Catalog, *, environment: str, target: str) -> Report:
    """Compare and wrap the findings with what a reader of the report needs to know."""
    return Report(
        environment=environment,
        target=target,
        inventory_path=inventory.path,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        findings=tuple(compare(inventory, catalog)),
        skipped=catalog.skipped,
        checked={
            "tables_declared": len(inventory.tables),
            "tables_live": len(catalog.tables or ()),
            "buckets_declared": len(inventory.buckets),
            "buckets_live": len(catalog.buckets or ()),
        },
    )


def audit(
    inventory_path: str | os.PathLike[str] = "inventory.yaml",
    environment: str | None = None,
    *,
    db_url: str | None = None,
    label: str = "custom",
    catalog_source: str = "pg_catalog",
    statement_timeout: str = "30s",
    environ: Mapping[str, str] = os.environ,
) -> Report:
    """Audit one environment. Raises InventoryError, UsageError or SourceUnavailable."""
    from auditor.catalog.connection import SessionSettings
    from auditor.catalog.postgres import read_catalog

    if catalog_source not in CATALOG_SOURCES:
        raise UsageError(f"Unknown catalog source {catalog_source!r}; choose {' or '.join(CATALOG_SOURCES)}.")
    inventory = load_inventory(inventory_path)
    name, url = resolve_database_url(inventory, environment, db_url, environ, label)
    catalog = read_catalog(
        url,
        inventory.schemas,
        environment=name,
        catalog_source=catalog_source,
        settings=SessionSettings(statement_timeout=statement_timeout),
    )
    return build_report(inventory, catalog, environment=name, target=urls.describe(url))
