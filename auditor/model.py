"""Plain immutable data passed between the stages: nothing here does I/O.

inventory.yaml -> Inventory ─┐
                             ├─> compare() -> Report -> renderers
live database  -> Catalog  ──┘
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, so sorting by rank puts errors first."""
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
SEVERITIES = _SEVERITY_ORDER


# --- kinds of object ------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of object findings are about. An inventoried kind has a section of inventory.yaml
    and a field of Inventory and of Catalog, both named `plural`; the others are parts of one
    (a table's columns and policies) or documentation pages."""

    name: str  # as findings name it: "table", "materialized view"
    plural: str  # "tables", "materialized_views": its section, fields and summary counts
    title: str  # its section of a report
    code: str  # the prefix of its rules' codes: "matview" in matview-missing
    inventoried: bool = True


KINDS = (
    Kind("table", "tables", "Tables", "table"),
    Kind("column", "columns", "Columns", "column", inventoried=False),
    Kind("policy", "policies", "Policies", "policy", inventoried=False),
    Kind("view", "views", "Views", "view"),
    Kind("materialized view", "materialized_views", "Materialized views", "matview"),
    Kind("foreign table", "foreign_tables", "Foreign tables", "foreign-table"),
    Kind("function", "functions", "Functions", "function"),
    Kind("bucket", "buckets", "Buckets", "bucket"),
    Kind("doc", "docs", "Documentation", "doc", inventoried=False),
)
"""Every kind, in the order reports show them."""

INVENTORIED = tuple(kind for kind in KINDS if kind.inventoried)
KIND_RANK = {kind.name: rank for rank, kind in enumerate(KINDS)}


def kind_named(name: str) -> Kind:
    return KINDS[KIND_RANK[name]]


def display_name(schema: str, name: str, default_schema: str) -> str:
    """How findings and reports name an object: `profiles`, or `auth.users` outside the default schema."""
    return name if schema == default_schema else f"{schema}.{name}"


# --- the inventory (what the team declares) ---------------------------------------------


@dataclass(frozen=True)
class DeclaredColumn:
    name: str
    type: str | None = None  # None: the type is not checked


API_ROLES = ("anon", "authenticated")
"""The roles the Data API runs requests as: without a JWT, and with a signed-in user's."""

POLICY_COMMANDS = ("select", "insert", "update", "delete", "all")


def _readers(anon: bool | None, authenticated: bool | None) -> tuple[str, ...]:
    return tuple(role for role, can in zip(API_ROLES, (anon, authenticated), strict=True) if can)


@dataclass(frozen=True)
class PolicySpec:
    """A row level security policy as the inventory declares it (on a table or storage.objects)."""

    name: str
    command: str  # one of POLICY_COMMANDS
    roles: tuple[str, ...]  # sorted; "public" stands for every role
    using: str | None = None  # the USING expression as PostgreSQL prints it; None: not checked
    check: str | None = None  # the WITH CHECK expression; None: not checked
    restrictive: bool = False
    line: int = 0
    reason: str = ""  # why a policy the platform's linter questions is meant (always true)


@dataclass(frozen=True)
class TableSpec:
    schema: str
    name: str
    group: str | None = None
    description: str = ""
    column_count: int | None = None  # None: the count is not checked
    columns: tuple[DeclaredColumn, ...] | None = None  # None: names are not checked
    doc: str | bool = False  # a file name, True (documented, file found by name) or False
    line: int = 0  # where the table is declared in inventory.yaml
    rls: bool | None = None  # row level security expected on/off; None: not checked
    policies: tuple[PolicySpec, ...] | None = None  # None: policies are not checked
    deny_all: bool = False  # `rls: deny-all`: on, with no policy, on purpose (only the server reads it)
    exposed_to: tuple[str, ...] = ()  # API roles meant to read it with row level security off
    reason: str = ""  # why it is deny-all or exposed

    def display(self, default_schema: str) -> str:
        """The name findings give it."""
        return display_name(self.schema, self.name, default_schema)


@dataclass(frozen=True)
class RelationSpec:
    """A declared view, materialized view or foreign table (which of them: the section it is in)."""

    schema: str
    name: str
    group: str | None = None
    description: str = ""
    doc: str | bool = False
    line: int = 0
    exposed_to: tuple[str, ...] = ()  # API roles meant to read it although the platform's linter warns
    reason: str = ""

    def display(self, default_schema: str) -> str:
        """The name findings give it."""
        return display_name(self.schema, self.name, default_schema)


@dataclass(frozen=True)
class FunctionSpec:
    schema: str
    name: str
    arguments: str | None = None  # identity arguments, e.g. "text, integer"; None: every overload
    group: str | None = None
    description: str = ""
    doc: str | bool = False
    line: int = 0
    exposed_to: tuple[str, ...] = ()  # API roles meant to call it although it is SECURITY DEFINER
    reason: str = ""

    def display(self, default_schema: str) -> str:
        """The name findings give it: with its arguments when the inventory names one overload."""
        name = display_name(self.schema, self.name, default_schema)
        return name if self.arguments is None else f"{name}({self.arguments})"


BUCKET_STATUSES = ("active", "legacy")


@dataclass(frozen=True)
class BucketSpec:
    id: str
    group: str | None = None
    description: str = ""
    public: bool = False
    file_size_limit: int | None = None  # bytes; None: no limit
    allowed_mime_types: tuple[str, ...] | None = None  # None: any type allowed
    status: str = "active"
    doc: str | bool = False
    declared: frozenset[str] = frozenset()  # which of the checkable fields the inventory states
    line: int = 0
    exposed_to: tuple[str, ...] = ()  # API roles meant to list a public bucket's files
    reason: str = ""  # why a public bucket is public (optional), or listable (required)

    def display(self, default_schema: str) -> str:
        return self.id


@dataclass(frozen=True)
class IgnoreRule:
    """Objects of a kind the team does not own (`ignore:` in inventory.yaml): a name pattern
    (fnmatch: `*`, `?`, `[...]`), matched against the name findings give the object."""

    kind: str  # the kind's name: "table", "function"...
    pattern: str
    reason: str
    line: int = 0

    def matches(self, name: str) -> bool:
        """Whether a name, or a function's name without its arguments, matches the pattern."""
        return fnmatchcase(name, self.pattern) or fnmatchcase(name.split("(", 1)[0], self.pattern)


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    doc_range: tuple[int, int] | None = None


@dataclass(frozen=True)
class Environment:
    name: str
    database_url: str | None  # a template with ${VAR} references, never a literal secret
    description: str = ""
    supabase_url: str | None = None  # the project's API URL (Storage API bucket source)
    service_key: str | None = None  # always a lone ${VAR} reference: the key itself never is here


@dataclass(frozen=True)
class Inventory:
    path: str
    project: str
    schemas: tuple[str, ...]
    tables: tuple[TableSpec, ...]
    buckets: tuple[BucketSpec, ...]
    groups: tuple[Group, ...] = ()
    environments: tuple[Environment, ...] = ()
    docs_folder: str | None = None
    naming: tuple[tuple[tuple[int, int], str], ...] = ()  # ((low, high), topic)
    docs_stub_bytes: int = 200  # a doc smaller than this is a stub
    exposed_schemas: tuple[str, ...] = ("public",)  # schemas the Data API serves to anon/authenticated
    # Sections a file may leave out; None: that kind is not inventoried (not checked for missing
    # or undeclared objects; its security rules still run).
    views: tuple[RelationSpec, ...] | None = None
    materialized_views: tuple[RelationSpec, ...] | None = None
    foreign_tables: tuple[RelationSpec, ...] | None = None
    functions: tuple[FunctionSpec, ...] | None = None
    storage_policies: tuple[PolicySpec, ...] | None = None  # policies on storage.objects; None: not checked
    ignore: tuple[IgnoreRule, ...] = ()
    # whether a declared policy gives its expressions (using/check): the catalog read then prints
    # every policy's (see auditor/sql/policies.sql). In the header of a file still being read, a
    # hint from its text that is never false when the file does.
    policy_expressions: bool = False
    fail_on: str | None = None  # audit.fail_on: the project's default for --fail-on

    @property
    def default_schema(self) -> str:
        return self.schemas[0]

    def environment(self, name: str) -> Environment | None:
        return next((e for e in self.environments if e.name == name), None)

    def ignored(self, kind: str, name: str) -> IgnoreRule | None:
        """The ignore rule an object of this kind and name falls under, if any."""
        return next((rule for rule in self.ignore if rule.kind == kind and rule.matches(name)), None)

    def declared(self, kind: Kind) -> tuple | None:
        """The declared objects of an inventoried kind; None when the file has no such section."""
        return getattr(self, kind.plural)


# --- the live catalog (what the database holds) -----------------------------------------


@dataclass(frozen=True, slots=True)
class LiveColumn:
    name: str
    type: str
    nullable: bool


@dataclass(frozen=True, slots=True)
class TableSecurity:
    """Row level security of a table and which API roles may read it (None: role not checked)."""

    rls_enabled: bool
    rls_forced: bool
    policies: int
    anon_can_read: bool | None = None
    authenticated_can_read: bool | None = None

    @property
    def readers(self) -> tuple[str, ...]:
        """The API roles that hold SELECT on the table (and USAGE on its schema)."""
        return _readers(self.anon_can_read, self.authenticated_can_read)


@dataclass(frozen=True, slots=True)
class LiveTable:
    """A table as the catalog has it. Its columns are kept as three parallel tuples, as the
    catalog query returns them: a 10,000-table catalog has 200,000 columns, and most audits
    only count them, so a LiveColumn is made only when `columns` is asked for. Slots, no
    __dict__: a 30,000-table catalog takes 24 MB instead of 27."""

    schema: str
    name: str
    column_names: tuple[str, ...]
    column_types: tuple[str, ...]
    column_nullable: tuple[bool, ...]
    partitioned: bool = False
    security: TableSecurity | None = None  # None: not read
    columns_visible: bool = True  # False: the catalog source hid its columns from the role (not read)
    # a partition's parent: one is read (as a table) only when its row level security is off and
    # its parent's on, as the Data API serves it past the parent's policies
    partition_of: str | None = None

    @property
    def column_count(self) -> int:
        return len(self.column_names)

    @property
    def columns(self) -> tuple[LiveColumn, ...]:
        return tuple(map(LiveColumn, self.column_names, self.column_types, self.column_nullable))


@dataclass(frozen=True)
class LiveRelation:
    """A view, materialized view or foreign table, with what decides whether it leaks rows."""

    kind: str  # "view", "materialized view" or "foreign table"
    schema: str
    name: str
    anon_can_read: bool | None  # None: the role does not exist, not checked
    authenticated_can_read: bool | None
    security_invoker: bool = False  # a view that runs with the caller's rights (PostgreSQL 15+)
    rls_tables: tuple[str, ...] = ()  # tables with row level security it reads, schema-qualified
    reads_auth_users: bool = False
    auth_users_rls: bool = True  # whether auth.users has row level security on

    @property
    def readers(self) -> tuple[str, ...]:
        return _readers(self.anon_can_read, self.authenticated_can_read)


@dataclass(frozen=True)
class LiveFunction:
    schema: str
    name: str
    arguments: str  # identity arguments as pg_get_function_identity_arguments prints them
    security_definer: bool
    anon_can_execute: bool | None  # None: the role does not exist, not checked
    authenticated_can_execute: bool | None

    @property
    def callers(self) -> tuple[str, ...]:
        """The API roles that may execute it (and use its schema)."""
        return _readers(self.anon_can_execute, self.authenticated_can_execute)


@dataclass(frozen=True)
class LivePolicy:
    """A policy as pg_policies prints it. An expression that names columns is read only when asked
    for (it costs its table's relation cache entry on the server): then `has_using` is true and
    `using` None."""

    schema: str
    table: str
    name: str
    command: str  # one of POLICY_COMMANDS
    roles: tuple[str, ...]  # sorted; "public" for PUBLIC
    using: str | None  # the USING expression; None: none, or not read
    check: str | None  # the WITH CHECK expression; None: none, or not read
    restrictive: bool
    rls_enabled: bool  # on its table
    has_using: bool = True
    has_check: bool = True


@dataclass(frozen=True)
class ObjectsPolicy:
    """A permissive policy on storage.objects that lets some roles SELECT (list) objects."""

    name: str
    roles: tuple[str, ...]  # "public" stands for every role
    qual: str | None  # the USING expression as PostgreSQL prints it; None: every row


@dataclass(frozen=True)
class ObjectsAccess:
    """Who may list storage.objects: its row level security, privileges and SELECT policies."""

    rls_enabled: bool
    anon_can_read: bool | None  # None: the role does not exist, not checked
    authenticated_can_read: bool | None
    policies: tuple[ObjectsPolicy, ...]


@dataclass(frozen=True)
class LiveBucket:
    id: str
    name: str
    public: bool
    file_size_limit: int | None
    allowed_mime_types: tuple[str, ...] | None
    object_count: int | None = None  # None: not readable
    total_bytes: int | None = None


@dataclass(frozen=True)
class SkippedCheck:
    """A check that could not be made, and why (missing privilege, missing schema...)."""

    check: str
    reason: str


@dataclass(frozen=True)
class Catalog:
    tables: tuple[LiveTable, ...] | None  # None: tables could not be read
    buckets: tuple[LiveBucket, ...] | None  # None: buckets could not be read
    object_counts_available: bool = True
    skipped: tuple[SkippedCheck, ...] = ()
    server_version: str = ""
    objects_access: ObjectsAccess | None = None  # None: storage.objects policies not read
    storage_api: ApiBucketListing | None = None  # None: the Storage API was not asked
    # None: not read (no privilege, or a source such as the Storage API that has none)
    views: tuple[LiveRelation, ...] | None = None
    materialized_views: tuple[LiveRelation, ...] | None = None
    foreign_tables: tuple[LiveRelation, ...] | None = None
    functions: tuple[LiveFunction, ...] | None = None
    policies: tuple[LivePolicy, ...] | None = None  # of the audited schemas' tables and storage.objects
    policy_expressions: bool = False  # whether every policy's expressions were read (LivePolicy)

    def live(self, kind: Kind) -> tuple | None:
        """The live objects of an inventoried kind; None when they were not read."""
        return getattr(self, kind.plural)


@dataclass(frozen=True)
class ApiBucketListing:
    """The buckets the Storage API listed, and the kind of key that asked for them.

    `key_role` is the JWT's `role` claim, "secret" / "publishable" for the sb_ key formats,
    or "unknown". Only an elevated key is sure to see every bucket: row level security on
    storage.buckets hides rows from the others, usually all of them, without an error.
    """

    host: str
    buckets: tuple[LiveBucket, ...]
    key_role: str
    unreadable: tuple[str, ...] = ()  # bucket rows that could not be read, each with why
    uncounted: tuple[str, ...] = ()  # legacy buckets whose objects could not be counted, each with why

    @property
    def elevated(self) -> bool:
        return self.key_role in ("service_role", "secret")

    @property
    def trusted(self) -> bool:
        """Whether the listing can stand for every bucket: an elevated key, or an unknown one that saw some."""
        return self.elevated or (self.key_role == "unknown" and bool(self.buckets))


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A drift rule and its entry in the rules reference (`auditor rules CODE`, docs/rules.md):
    its stable code, severity, the kind of object it is about, and for a person what it catches,
    why that matters, how to fix it (`hint`, which every finding of the rule carries) and how to
    accept the drift when it is intended. The explanations are required: a rule cannot exist
    without its entry."""

    code: str
    severity: Severity
    kind: str
    hint: str
    tags: tuple[str, ...] = ()
    catches: str = field(kw_only=True)
    why: str = field(kw_only=True)
    accept: str = field(kw_only=True)  # with `auditor accept`, by editing inventory.yaml, or why it cannot be
    linter: str = field(default="", kw_only=True)  # e.g. "0028 anon_security_definer_function_executable"

    def finding(
        self,
        name: str,
        expected: object,
        actual: object,
        message: str,
        *,
        kind: str | None = None,
        path: str | None = None,
        line: int | None = None,
        about: str | None = None,
    ) -> Finding:
        """A finding of this rule; `kind` when the rule covers objects of several kinds."""
        return Finding(
            self.code, self.severity, kind or self.kind, name, expected, actual, message, self.hint, self.tags,
            path, line, about,
        )  # fmt: skip


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    kind: str
    name: str
    expected: object
    actual: object
    message: str
    hint: str
    tags: tuple[str, ...] = ()  # e.g. ("security",): lets --fail-on and reports single them out
    path: str | None = None  # the file the finding points at, when not inventory.yaml (a doc page)
    line: int | None = None  # the line in that file that the finding is about
    about: str | None = None  # the table or bucket a finding on another object (a doc page) is about

    @property
    def sort_key(self) -> tuple:
        kind_rank = KIND_RANK.get(self.kind, len(KINDS))
        return (kind_rank, self.severity.rank, self.name, self.rule)


@dataclass(frozen=True)
class AuditFailure:
    """Why an audit reached no verdict; a report carrying one is never read as clean."""

    message: str
    exit_code: int


@dataclass(frozen=True)
class InventoryObject:
    """A declared table or bucket, named as findings name it, with its line in inventory.yaml."""

    kind: str
    name: str
    line: int = 0


@dataclass(frozen=True)
class AcceptedExposure:
    """An exposure the inventory declares on purpose, with its reason (a function anon may call,
    a public view, a deny-all table): not a finding, but listed in the report's security section."""

    kind: str
    name: str
    exposure: str
    reason: str


@dataclass(frozen=True)
class Baseline:
    """The earlier report a run is compared with (`--baseline`): findings match on rule + name."""

    path: str
    environment: str
    generated_at: str
    previous: frozenset[tuple[str, str]]  # (rule, name) of the earlier findings
    changed: frozenset[tuple[str, str]] = frozenset()  # earlier findings whose live value is not the same now
    resolved: tuple[Finding, ...] = ()  # earlier findings that are gone
    column_changes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    """table name -> (columns added, columns removed) since the earlier report, for each
    column-count finding whose table the earlier report lists."""


@dataclass(frozen=True)
class Report:
    """The outcome of one audit: findings in a stable order, and what could not be checked.

    A report with a `failure` has no findings because nothing could be compared, not because
    nothing drifted: its status is "failed" in every format.
    """

    environment: str
    target: str  # host/database, password removed
    inventory_path: str
    generated_at: str  # ISO 8601, UTC
    findings: tuple[Finding, ...]
    skipped: tuple[SkippedCheck, ...] = ()
    checked: dict[str, int | None] = field(default_factory=dict)  # {"tables_declared": 26, ...}; None: not read
    failure: AuditFailure | None = None
    objects: tuple[InventoryObject, ...] = ()  # the declared tables and buckets
    inventory_sha256: str = ""  # of the inventory file's bytes; "" when unknown
    baseline: Baseline | None = None
    accepted: tuple[AcceptedExposure, ...] = ()  # exposures declared on purpose
    security_checks: tuple[str, ...] = ()  # what the security checks looked at, e.g. "who can list 10 buckets"
    live_columns: dict[str, tuple[str, ...]] | None = None  # live table (named as findings name it) -> its
    # column names, so that a later run given this report as --baseline can say which columns came and went;
    # None: tables not read

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.findings, key=lambda f: f.sort_key))
        object.__setattr__(self, "findings", ordered)

    def change(self, finding: Finding) -> str | None:
        """'new', 'changed' (the same finding, its live value moved: 19 -> 20 columns, then 21) or
        'unchanged' since the baseline report; None when there is no baseline."""
        if self.baseline is None:
            return None
        key = (finding.rule, finding.name)
        if key not in self.baseline.previous:
            return "new"
        return "changed" if key in self.baseline.changed else "unchanged"

    @property
    def counts(self) -> dict[str, int]:
        """Number of findings per severity, every severity present, most severe first."""
        return {s.value: sum(f.severity is s for f in self.findings) for s in SEVERITIES}

    @property
    def clean(self) -> bool:
        return self.failure is None and not self.findings

    @property
    def status(self) -> str:
        """'failed', 'clean' or 'drift': the one-word verdict every format starts with."""
        if self.failure is not None:
            return "failed"
        return "clean" if self.clean else "drift"

    def fails(self, threshold: Severity | None) -> bool:
        """True when a finding is at or above `threshold` (None: never fail)."""
        if threshold is None:
            return False
        return any(f.severity.rank <= threshold.rank for f in self.findings)
