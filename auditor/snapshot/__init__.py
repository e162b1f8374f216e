"""`auditor snapshot` and `auditor accept` as a library: write, refresh or correct inventory.yaml
from a live database.

    create_inventory(...)   a complete new inventory.yaml (snapshot)
    refresh_inventory(...)  the existing file brought up to date, comments kept (snapshot --update)
    accept_finding(...)     one finding accepted into the file (accept)

Each returns an Outcome with the new text and its unified diff; writing is the caller's choice
(`write`), so --dry-run is the same call without it.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from auditor import exit_codes
from auditor.api import build_report, resolve_database_url
from auditor.catalog.settings import SessionSettings
from auditor.errors import AuditorError, InventoryError, UsageError
from auditor.inventory import load_inventory, parse_inventory
from auditor.model import Catalog, Finding, Inventory
from auditor.reports import write_atomically
from auditor.snapshot.create import environment_variable, render_inventory
from auditor.snapshot.docs_index import DocsIndex
from auditor.snapshot.entries import entry_options
from auditor.snapshot.text_edit import Document, apply_edits
from auditor.snapshot.update import Change, Planner

DEFAULT_DOCS_FOLDER = "docs/database"
POLICIES_BY_DEFAULT = 2_000
"""Up to this many tables a new snapshot declares their policies unless told not to: two or three
lines a table read well in a file people keep by hand, and catch a policy whose roles widen. Past
it the policies would double a file nobody reads line by line (30,000 tables: 2.9 MB, over the
2 MB an inventory may have); --policies declares them all the same."""


class EditError(AuditorError):
    """The edited inventory would not load: a bug in the editor; nothing is written."""

    exit_code = exit_codes.INTERNAL


@dataclass
class Outcome:
    path: Path
    old: str  # "" for a new file
    new: str
    changes: list[Change] = field(default_factory=list)
    left: list[Finding] = field(default_factory=list)  # drift no inventory edit resolves
    skipped: tuple = ()
    note: str = ""  # why nothing changed, when that is worth saying
    notes: list[str] = field(default_factory=list)  # what else the run wants a person to know

    @property
    def diff(self) -> str:
        old = self.old.splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        name = str(self.path)
        lines = difflib.unified_diff(old, new, f"{name} (before)" if old else "/dev/null", name)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

    def write(self) -> None:
        """Replace the file atomically, keeping its permissions and any byte order mark it had."""
        text = self.new
        try:
            with self.path.open("rb") as file:
                if file.read(3) == b"\xef\xbb\xbf":
                    text = "\ufeff" + text
        except FileNotFoundError:
            pass
        except OSError as error:
            raise UsageError(f"Cannot write the inventory to {self.path}: {error.strerror}.") from None
        write_atomically(self.path, text, what="the inventory")


def read_live(
    url: str,
    schemas: tuple[str, ...],
    environment: str,
    settings: SessionSettings | None,
    *,
    policy_expressions: bool = False,
) -> Catalog:
    from auditor.catalog.postgres import read_catalog

    return read_catalog(
        url,
        schemas,
        environment=environment,
        settings=settings or SessionSettings(),
        policy_expressions=policy_expressions,
    )


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# --- snapshot: a new file -----------------------------------------------------------------


def create_inventory(
    path: Path,
    *,
    environment: str,
    db_url: str | None = None,
    project: str | None = None,
    schemas: tuple[str, ...] = ("public",),
    docs_folder: str | None = None,
    with_columns: bool = False,
    policies: bool | None = None,
    policy_expressions: bool = False,
    overwrite: bool = False,
    settings: SessionSettings | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Outcome:
    """A complete inventory of the database, whose URL is `db_url`, AUDITOR_DATABASE_URL or the
    variable the new file will name (e.g. OURVIDZ_PROD_DATABASE_URL)."""
    path = Path(path)
    try:  # a name the system refuses (too long, a symlink loop) is refused here, --dry-run included
        path.resolve()
        is_folder, exists = path.is_dir(), path.exists()
    except (OSError, RuntimeError) as error:  # RuntimeError: resolve() met a symlink loop
        why = error.strerror if isinstance(error, OSError) else os.strerror(errno.ELOOP)
        raise UsageError(f"Cannot write the inventory to {path}: {why}.") from None
    if is_folder:
        raise UsageError(f"{path} is a folder: give the path of the inventory file to write with --output.")
    old = ""
    if exists and str(path) != "-":
        if overwrite:
            old = _current_text(path)
        else:
            raise UsageError(
                f"{path} already exists. Refresh it with --update (keeps your comments and descriptions), "
                "or replace it with --force."
            )
    project = project or _default_project(path)
    variable = environment_variable(project, environment)
    url = db_url or environ.get("AUDITOR_DATABASE_URL") or environ.get(variable)
    if not url:
        raise UsageError(
            f"Give the database URL with --db-url or in AUDITOR_DATABASE_URL, or set {variable} "
            f"(the variable the new inventory's environment '{environment}' will read it from)."
        )
    base = path.parent if str(path) != "-" else Path.cwd()
    if docs_folder is None and (base / DEFAULT_DOCS_FOLDER).is_dir():
        docs_folder = DEFAULT_DOCS_FOLDER
    docs = DocsIndex(base / docs_folder if docs_folder is not None else None)
    catalog = read_live(
        url, schemas, environment, settings, policy_expressions=policies is not False and policy_expressions
    )
    notes = [
        f"schema {schema} holds no table, view or function this role can see: is its name right?"
        for schema in _empty_schemas(catalog, schemas)
    ]
    if policies is None:  # by default, while a person can read them: see POLICIES_BY_DEFAULT
        policies = len(catalog.tables or ()) <= POLICIES_BY_DEFAULT
        if not policies and catalog.policies:
            notes.append(
                f"the tables' policies are not declared: over {POLICIES_BY_DEFAULT:,} tables they would "
                "double the file; --policies declares them"
            )
    text = render_inventory(
        catalog,
        project=project,
        schemas=schemas,
        environment=environment,
        variable=variable,
        docs_folder=docs_folder,
        options=entry_options(
            catalog,
            schemas[0],
            docs,
            with_columns=with_columns,
            policies=policies,
            policy_expressions=policy_expressions,
        ),
    )
    # Not re-read with _check_loads, as edits are: the writers build the file from the catalog's
    # values through yaml_text.scalar, whose output PyYAML's own resolver vets, and tests load
    # snapshots of hostile names; a re-read would hold the whole file's node tree, 2.6 times the
    # peak memory of a snapshot of 30,000 tables (264 MB, against 102 MB without).
    return Outcome(path, old, text, skipped=catalog.skipped, notes=notes)


def _empty_schemas(catalog: Catalog, schemas: tuple[str, ...]) -> list[str]:
    """The audited schemas nothing was read from (a typo in --schema writes an inventory that checks nothing)."""
    kinds = (catalog.tables, catalog.views, catalog.materialized_views, catalog.foreign_tables, catalog.functions)
    if any(objects is None for objects in kinds):  # a kind not read: nothing can be said
        return []
    used = {obj.schema for objects in kinds for obj in objects}
    return [schema for schema in schemas if schema not in used]


def _current_text(path: Path) -> str:
    """The file --force replaces, for the diff (undecodable bytes shown as U+FFFD)."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise UsageError(f"Cannot read {path}: {error.strerror}.") from None


def _default_project(path: Path) -> str:
    folder = (Path.cwd() if str(path) == "-" else path.resolve().parent).name
    return folder or "project"


# --- snapshot --update and accept: edits of an existing file ------------------------------


@dataclass
class _Loaded:
    inventory: Inventory
    document: Document
    catalog: Catalog
    findings: list[Finding]
    environment: str
    variable: str | None  # set when the environment is new to the file


def _load_and_audit(
    path: Path,
    environment: str,
    db_url: str | None,
    settings: SessionSettings | None,
    environ: Mapping[str, str],
) -> _Loaded:
    from auditor import urls
    from auditor.docs.scan import scan_docs

    inventory = load_inventory(path)
    variable = None
    if inventory.environment(environment) is None:
        override = db_url or environ.get("AUDITOR_DATABASE_URL")
        if not override:
            resolve_database_url(inventory, environment, None, environ)  # raises: unknown environment
        urls.check_url(override, "The URL given with --db-url or AUDITOR_DATABASE_URL")
        name, url = environment, override
        variable = environment_variable(inventory.project or _default_project(path), environment)
    else:
        name, url = resolve_database_url(inventory, environment, db_url, environ)
    catalog = read_live(url, inventory.schemas, name, settings, policy_expressions=inventory.policy_expressions)
    report = build_report(inventory, catalog, environment=name, target=urls.describe(url), docs=scan_docs(inventory))
    text = _read_text(path)
    return _Loaded(inventory, Document(text, str(path)), catalog, list(report.findings), name, variable)


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def _docs_lookup(inventory: Inventory, path: Path) -> DocsIndex:
    folder = inventory.docs_folder
    return DocsIndex(path.parent / folder if folder else None)


def refresh_inventory(
    path: Path,
    *,
    environment: str,
    db_url: str | None = None,
    prune: bool = False,
    with_columns: bool = False,
    on: str | None = None,
    settings: SessionSettings | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Outcome:
    """The inventory brought up to date with the environment's database; `on` dates gone-markers."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path} does not exist; create it with `auditor snapshot --env {environment}` first.")
    loaded = _load_and_audit(path, environment, db_url, settings, environ)
    planner = Planner(
        loaded.document,
        loaded.inventory,
        loaded.catalog,
        environment=loaded.environment,
        today=on or today(),
        options=entry_options(
            loaded.catalog,
            loaded.inventory.default_schema,
            _docs_lookup(loaded.inventory, path),
            with_columns=with_columns,
            exposures=False,  # a refresh never accepts an exposure: that is `auditor accept`'s
        ),
    )
    plan = planner.plan(loaded.findings, prune=prune)
    if loaded.variable:
        plan.changes.append(planner.add_environment(loaded.environment, loaded.variable))
    new = apply_edits(loaded.document.text, plan.edits)
    _check_loads(new, path)
    return Outcome(path, loaded.document.text, new, plan.changes, plan.left, loaded.catalog.skipped)


def accept_finding(
    path: Path,
    rule: str,
    name: str,
    *,
    environment: str,
    reason: str | None = None,
    db_url: str | None = None,
    settings: SessionSettings | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Outcome:
    """The inventory with one finding (rule, object name) accepted as the intended state; `reason`
    says why an exposure is meant (required for those)."""
    path = Path(path)
    loaded = _load_and_audit(path, environment, db_url, settings, environ)
    matches = [f for f in loaded.findings if f.rule == rule and f.name == name]
    if not matches and _already_accepted(rule, name, loaded):
        note = f"No {rule} finding for {name!r} in environment '{loaded.environment}': nothing to accept."
        return Outcome(path, loaded.document.text, loaded.document.text, skipped=loaded.catalog.skipped, note=note)
    if not matches:
        raise UsageError(_no_such_finding(rule, name, loaded.findings, loaded.environment))
    planner = Planner(
        loaded.document,
        loaded.inventory,
        loaded.catalog,
        environment=loaded.environment,
        today=today(),
        options=entry_options(
            loaded.catalog, loaded.inventory.default_schema, _docs_lookup(loaded.inventory, path), exposures=False
        ),
        reason=reason,
    )
    plan = planner.plan(matches, prune=True, accept=True)
    if not plan.changes:
        hint = matches[0].hint
        raise UsageError(f"A {rule} finding cannot be accepted by editing inventory.yaml. {hint}")
    if reason and not planner.reason_used:
        raise UsageError(
            f"Accepting {rule} writes no reason, so --reason would be lost: nothing was written. A reason is "
            "written for an exposure, a deny-all table, an always-true policy or a bucket made public; "
            "run the accept again without --reason."
        )
    new = apply_edits(loaded.document.text, plan.edits)
    _check_loads(new, path)
    return Outcome(path, loaded.document.text, new, plan.changes, [], loaded.catalog.skipped)


def _already_accepted(rule: str, name: str, loaded: _Loaded) -> bool:
    """Whether a rule with no finding for `name` names an object the inventory declares (as an
    accept leaves it), or is a `-missing` rule (an accept removed the entry): then running the
    accept again has nothing to do. An unknown rule, or another name nothing explains, is not."""
    from auditor.api import inventory_objects
    from auditor.drift.rules import RULES

    if rule not in RULES:
        return False
    declared = {o.name for o in inventory_objects(loaded.inventory)}
    table = name.split("/", 1)[0].rsplit(".", 1)[0] if RULES[rule].kind in ("column", "policy") else name
    return name in declared or table in declared or rule.endswith("-missing")


def _no_such_finding(rule: str, name: str, findings: list[Finding], environment: str) -> str:
    same_rule = [f.name for f in findings if f.rule == rule]
    message = f"No {rule} finding for {name!r} in environment '{environment}'"
    if same_rule:
        return f"{message}; {rule} findings are for: {', '.join(same_rule)}."
    if findings:
        found = sorted({f.rule for f in findings})
        return f"{message}; the audit found no {rule} drift (rules found: {', '.join(found)})."
    return f"{message}: the audit found no drift at all."


def _check_loads(text: str, path: Path) -> None:
    """Refuse to write a file that `load_inventory` would reject (a bug if it ever happens)."""
    try:
        parse_inventory(text, str(path))
    except InventoryError as error:
        raise EditError(
            f"The new {path} would not be a valid inventory, so nothing was written "
            f"(a bug in the auditor; please report it): {error}"
        ) from None
