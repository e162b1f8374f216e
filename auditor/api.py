"""The library entry point: load the inventory, read the catalog, compare, return a Report.

The CLI is a thin shell around `audit()`; it can be called from Python as well.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from auditor import exit_codes, urls
from auditor.catalog.settings import SessionSettings
from auditor.docs.scan import scan_docs
from auditor.docs.tree import DocsTree
from auditor.drift import judge
from auditor.errors import AuditorError, Interrupted, UsageError
from auditor.inventory import load_inventory
from auditor.model import (
    INVENTORIED,
    KIND_RANK,
    AuditFailure,
    Catalog,
    Inventory,
    InventoryObject,
    Kind,
    Report,
    display_name,
)
from auditor.wording import did_you_mean, plural

DATABASE_URL_VARIABLE = "AUDITOR_DATABASE_URL"
DEBUG_VARIABLE = "AUDITOR_DEBUG"
CATALOG_SOURCES = ("pg_catalog", "information_schema")


class InternalFailure(AuditorError):
    """An unexpected exception while auditing one environment of several: a bug (exit 4)."""

    exit_code = exit_codes.INTERNAL

    def __init__(self, environment: str, error: Exception):
        super().__init__(
            f"internal error: {type(error).__name__} while auditing environment '{environment}'. This is a bug "
            f"in the auditor; run again with {DEBUG_VARIABLE}=1 for the traceback and report it."
        )


def resolve_database_url(
    inventory: Inventory,
    environment: str | None,
    db_url: str | None = None,
    environ: Mapping[str, str] = os.environ,
    label: str | None = None,
) -> tuple[str, str]:
    """(environment name, connection URL) for a run; --db-url / AUDITOR_DATABASE_URL win.

    `label` names a run given only a URL, with no environment of the inventory; by default it
    is named after its target (urls.environment_name). A URL whose password is ambiguous is
    refused here, before any connection (urls.check_url).
    """
    override = db_url or environ.get(DATABASE_URL_VARIABLE)
    if environment is not None:
        check_environment(inventory, environment)
    if override:
        urls.check_url(override, f"The URL given with --db-url or {DATABASE_URL_VARIABLE}")
        return environment or label or urls.environment_name(override), override
    if environment is None:
        raise UsageError(
            f"Choose an environment with --env (in {inventory.path}: {_known(inventory)}), "
            f"or give a URL with --db-url or {DATABASE_URL_VARIABLE}."
        )
    template = inventory.environment(environment).database_url or ""
    url = urls.expand(template, environ, where=f"Environment '{environment}'")
    if not url.strip():
        raise UsageError(f"Environment '{environment}' has an empty database URL.")
    urls.check_url(url, f"The database URL of environment '{environment}'")
    return environment, url


def check_environment(inventory: Inventory, environment: str) -> None:
    """Raise UsageError, listing the known ones, if the inventory has no such environment."""
    if inventory.environment(environment) is None:
        known = _known(inventory)
        hint = did_you_mean(environment, [e.name for e in inventory.environments])
        raise UsageError(f"Unknown environment '{environment}' (environments in {inventory.path}: {known}).{hint}")


def _known(inventory: Inventory) -> str:
    return ", ".join(e.name for e in inventory.environments) or "none declared"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_report(
    inventory: Inventory, catalog: Catalog, *, environment: str, target: str, docs: DocsTree | None = None
) -> Report:
    """Compare and wrap the findings with what a reader of the report needs to know."""
    findings, accepted = judge(inventory, catalog, docs)
    return Report(
        environment=environment,
        target=target,
        inventory_path=inventory.path,
        generated_at=_now(),
        findings=tuple(findings),
        accepted=tuple(sorted(accepted, key=lambda a: (KIND_RANK.get(a.kind, len(KIND_RANK)), a.name))),
        skipped=catalog.skipped,
        checked=checked_counts(inventory, catalog),
        objects=inventory_objects(inventory),
        inventory_sha256=file_sha256(inventory.path),
        security_checks=security_checks(inventory, catalog),
        live_columns=live_columns(inventory, catalog),
    )


def security_checks(inventory: Inventory, catalog: Catalog) -> tuple[str, ...]:
    """What the security checks looked at, in a few words each, for the report's security section."""
    checks = []
    tables = [t for t in catalog.tables or () if t.security is not None]
    exposed = [t for t in tables if t.schema in inventory.exposed_schemas]
    if exposed:
        schemas = sorted({t.schema for t in exposed}, key=inventory.exposed_schemas.index)
        checks.append(
            f"row level security and API read access of {plural(len(exposed), 'table')} in {', '.join(schemas)}"
        )
    declared = {(t.schema, t.name) for t in inventory.tables if t.rls is not None}
    elsewhere = sum((t.schema, t.name) in declared for t in tables if t.schema not in inventory.exposed_schemas)
    if elsewhere:
        checks.append(f"row level security of {plural(elsewhere, 'declared table')} outside them (rls: set)")
    relations = [
        plural(sum(r.schema in inventory.exposed_schemas for r in live), kind)
        for kind, live in (
            ("view", catalog.views),
            ("materialized view", catalog.materialized_views),
            ("foreign table", catalog.foreign_tables),
        )
        if live
    ]
    if relations:
        checks.append(f"API read access and rights of {', '.join(relations)} in the exposed schemas")
    if catalog.functions is not None:
        exposed = [f for f in catalog.functions if f.schema in inventory.exposed_schemas]
        definers = sum(f.security_definer for f in exposed)
        checks.append(
            f"who can call {plural(definers, 'SECURITY DEFINER function')} (of {len(exposed)}) in the exposed schemas"
        )
    if catalog.policies is not None:
        checks.append(f"{plural(len(catalog.policies), 'policy')} for always-true writes")
    if catalog.buckets is not None and catalog.objects_access is not None:
        public = sum(b.public for b in catalog.buckets)
        checks.append(f"who can list the files of {plural(public, 'public bucket')} (of {len(catalog.buckets)})")
    return tuple(checks)


def live_columns(inventory: Inventory, catalog: Catalog) -> dict[str, tuple[str, ...]] | None:
    """Each live table's column names, by the name findings give the table; None when tables were not read."""
    if catalog.tables is None:
        return None
    default = inventory.default_schema
    return {display_name(t.schema, t.name, default): t.column_names for t in catalog.tables}


def checked_counts(inventory: Inventory, catalog: Catalog | None) -> dict[str, int | None]:
    """Declared and live objects of each kind ("tables_declared", "tables_live"...), the same keys
    in every report; a count is None when the inventory has no such section, or that source was
    not read. A kind with ignore rules also counts the live objects they match ("tables_ignored")."""
    counts: dict[str, int | None] = {}
    for kind in INVENTORIED:
        declared = inventory.declared(kind)
        live = None if catalog is None else catalog.live(kind)
        counts[f"{kind.plural}_declared"] = None if declared is None else len(declared)
        counts[f"{kind.plural}_live"] = None if live is None else len(live)
        if any(rule.kind == kind.name for rule in inventory.ignore):
            counts[f"{kind.plural}_ignored"] = None if live is None else _ignored(inventory, kind, live)
    return counts


def _ignored(inventory: Inventory, kind: Kind, live: tuple) -> int:
    """How many live objects of a kind the inventory ignores."""
    default = inventory.default_schema
    names = (obj.id if kind.name == "bucket" else display_name(obj.schema, obj.name, default) for obj in live)
    return sum(inventory.ignored(kind.name, name) is not None for name in names)


def inventory_objects(inventory: Inventory) -> tuple[InventoryObject, ...]:
    """The declared objects of every kind, named as findings name them, with their lines."""
    return tuple(
        InventoryObject(kind.name, spec.display(inventory.default_schema), spec.line)
        for kind in INVENTORIED
        for spec in inventory.declared(kind) or ()
    )


def file_sha256(path: str) -> str:
    """The file's SHA-256 (hex), so a report names the exact inventory it used; "" if unreadable."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def failed_report(
    inventory: Inventory,
    environment: str | None,
    error: AuditorError | Interrupted,
    *,
    db_url: str | None = None,
    label: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Report:
    """The report of an audit that reached no verdict: status 'failed', never mistaken for clean."""
    name, target = _failed_target(inventory, environment, db_url, label, environ)
    return Report(
        environment=name,
        target=target,
        inventory_path=inventory.path,
        generated_at=_now(),
        findings=(),
        checked=checked_counts(inventory, None),
        failure=AuditFailure(str(error), error.exit_code),
        objects=inventory_objects(inventory),
        inventory_sha256=file_sha256(inventory.path),
    )


def _failed_target(
    inventory: Inventory,
    environment: str | None,
    db_url: str | None,
    label: str | None,
    environ: Mapping[str, str],
) -> tuple[str, str]:
    """(environment name, target) of a failed report; the target is 'unknown' when it cannot be worked out."""
    from auditor.catalog.storage_api import describe_target

    try:
        try:
            name, url = resolve_database_url(inventory, environment, db_url, environ, label)
            return name, urls.describe(url)
        except AuditorError:
            return _run_name(environment, label, db_url, environ), describe_target(inventory, environment, environ)
    except Exception:  # the bug that failed the audit may strike here again: the report is written all the same
        return environment or label or "unknown", "unknown"


def _run_name(environment: str | None, label: str | None, db_url: str | None, environ: Mapping[str, str]) -> str:
    """The environment name of a run, as resolve_database_url names it, when that refused the run."""
    override = db_url or environ.get(DATABASE_URL_VARIABLE)
    if environment or label or not override:
        return environment or label or "unknown"
    return urls.environment_name(override)


class CatalogPrefetch:
    """Reads one environment's catalog in a background thread while the inventory loads.

    Connecting and reading need only the URL and the schemas, which the inventory's header
    gives (see load_inventory's `on_header`); the tables and buckets, most of a large file,
    are then validated while the server works, instead of before it starts. The thread is a
    daemon: an invalid inventory ends the CLI's process at once, abandoning a read still under
    way; a long-lived caller would be left with that read running until it ends on its own.
    """

    def __init__(
        self,
        environment: str | None,
        *,
        db_url: str | None = None,
        catalog_source: str = "pg_catalog",
        settings: SessionSettings | None = None,
        environ: Mapping[str, str] = os.environ,
    ):
        self._environment, self._db_url, self._environ = environment, db_url, environ
        self._catalog_source, self._settings = catalog_source, settings or SessionSettings()
        self._key: tuple[str, tuple[str, ...]] | None = None
        self._thread: threading.Thread | None = None
        self._outcome: Catalog | BaseException | None = None

    def start(self, header: Inventory) -> None:
        """Start reading, unless the environment has no usable database URL (then the audit,
        which resolves it again, reports why or reads the Storage API)."""
        try:
            name, url = resolve_database_url(header, self._environment, self._db_url, self._environ)
        except AuditorError:
            return
        # imported here, not in the thread: importing holds the interpreter lock, and the
        # thread is only useful once it waits for the server while this one validates
        from auditor.catalog.postgres import read_catalog

        self._key = (url, header.schemas)
        args = (read_catalog, url, header.schemas, name, header.policy_expressions)
        self._thread = threading.Thread(target=self._read, args=args, name="catalog-prefetch", daemon=True)
        self._thread.start()

    def _read(
        self, read_catalog: Callable[..., Catalog], url: str, schemas: tuple[str, ...], name: str, expressions: bool
    ) -> None:
        try:
            self._outcome = read_catalog(
                url,
                schemas,
                environment=name,
                catalog_source=self._catalog_source,
                settings=self._settings,
                policy_expressions=expressions,
            )
        except BaseException as error:  # re-raised in the auditing thread by catalog()
            self._outcome = error

    def catalog(self, url: str, schemas: tuple[str, ...], policy_expressions: bool = False) -> Catalog | None:
        """The catalog read for this URL and these schemas (raising what the read raised), or
        None when no read was started for them, or it lacks the policy expressions asked for."""
        if self._thread is None or self._key != (url, schemas):
            return None
        self._thread.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome if self._outcome.policy_expressions or not policy_expressions else None


def audit_inventory(
    inventory: Inventory,
    environment: str | None,
    *,
    db_url: str | None = None,
    label: str | None = None,
    catalog_source: str = "pg_catalog",
    settings: SessionSettings | None = None,
    environ: Mapping[str, str] = os.environ,
    prefetch: CatalogPrefetch | None = None,
) -> Report:
    """Audit one environment of a loaded inventory. Raises UsageError or SourceUnavailable.

    Buckets come from SQL when the environment has a database URL; its Storage API, when it
    declares one, is then compared with them, or is the only bucket source without SQL.
    A `prefetch` started for the same URL and schemas supplies the catalog it read.
    """
    from auditor.catalog import storage_api
    from auditor.catalog.postgres import read_catalog

    if catalog_source not in CATALOG_SOURCES:
        raise UsageError(f"Unknown catalog source {catalog_source!r}; choose {' or '.join(CATALOG_SOURCES)}.")
    settings = settings or SessionSettings()
    docs = scan_docs(inventory)
    api = storage_api.api_target(inventory, environment, environ)
    if api is not None and not (api.has_database_url or db_url or environ.get(DATABASE_URL_VARIABLE)):
        legacy = tuple(b.id for b in inventory.buckets if b.status == "legacy")
        listing = storage_api.read_listing(
            api, timeout=settings.connect_timeout, legacy=legacy, deadline=settings.deadline()
        )
        catalog = storage_api.api_catalog(listing, api.environment)
        return build_report(inventory, catalog, environment=api.environment, target=api.describe(), docs=docs)
    name, url = resolve_database_url(inventory, environment, db_url, environ, label)
    expressions = inventory.policy_expressions
    catalog = prefetch.catalog(url, inventory.schemas, expressions) if prefetch else None
    if catalog is None:
        catalog = read_catalog(
            url,
            inventory.schemas,
            environment=name,
            catalog_source=catalog_source,
            settings=settings,
            policy_expressions=expressions,
        )
    target = urls.describe(url)
    if api is not None:
        listing = storage_api.read_listing(api, timeout=settings.connect_timeout, deadline=settings.deadline())
        catalog, target = storage_api.with_api_listing(catalog, listing), f"{target} + {api.describe()}"
    return build_report(inventory, catalog, environment=name, target=target, docs=docs)


def audit(
    inventory_path: str | os.PathLike[str] = "inventory.yaml",
    environment: str | None = None,
    *,
    db_url: str | None = None,
    label: str | None = None,
    catalog_source: str = "pg_catalog",
    statement_timeout: str = "30s",
    settings: SessionSettings | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Report:
    """Audit one environment. Raises InventoryError, UsageError or SourceUnavailable.

    The inventory is loaded before the catalog is read, with no background thread: a caller
    that goes on after an invalid inventory is left with no read under way (the CLI, whose
    process ends then, overlaps the two with a CatalogPrefetch).
    """
    return audit_inventory(
        load_inventory(inventory_path),
        environment,
        db_url=db_url,
        label=label,
        catalog_source=catalog_source,
        settings=settings or SessionSettings(statement_timeout=statement_timeout),
        environ=environ,
    )


def audit_environments(
    inventory: Inventory,
    environments: list[str],
    *,
    catalog_source: str = "pg_catalog",
    settings: SessionSettings | None = None,
    jobs: int = 4,
    environ: Mapping[str, str] = os.environ,
) -> list[Report]:
    """Audit several environments concurrently (at most `jobs` at a time), one report each.

    One environment's failure does not stop the others: it becomes a failed report. Reports
    come back in the order the environments were given.
    """
    if len(environments) > 1 and environ.get(DATABASE_URL_VARIABLE):
        raise UsageError(f"{DATABASE_URL_VARIABLE} names one database: audit several environments without it.")
    for name in environments:
        check_environment(inventory, name)

    def run(name: str) -> Report:
        try:
            return audit_inventory(inventory, name, catalog_source=catalog_source, settings=settings, environ=environ)
        except AuditorError as error:
            return failed_report(inventory, name, error, environ=environ)
        except Exception as error:  # a bug: fail this environment's report, not the others'
            if environ.get(DEBUG_VARIABLE):
                raise
            return failed_report(inventory, name, InternalFailure(name, error), environ=environ)

    workers = max(1, min(jobs, len(environments)))
    if workers == 1:
        return [run(name) for name in environments]
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audit")
    try:
        return list(pool.map(run, environments))
    finally:  # interrupted (a signal): do not wait for audits still under way
        pool.shutdown(wait=False, cancel_futures=True)
