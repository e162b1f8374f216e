"""Plain immutable data passed between the stages: nothing here does I/O.

inventory.yaml -> Inventory ─┐
                             ├─> compare() -> Report -> renderers
live database  -> Catalog  ──┘
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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


# --- the inventory (what the team declares) ---------------------------------------------


@dataclass(frozen=True)
class DeclaredColumn:
    name: str
    type: str | None = None  # None: the type is not checked


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

    @property
    def default_schema(self) -> str:
        return self.schemas[0]

    def environment(self, name: str) -> Environment | None:
        return next((e for e in self.environments if e.name == name), None)


# --- the live catalog (what the database holds) -----------------------------------------


@dataclass(frozen=True)
class LiveColumn:
    name: str
    type: str
    nullable: bool


@dataclass(frozen=True)
class LiveTable:
    schema: str
    name: str
    columns: tuple[LiveColumn, ...]
    partitioned: bool = False


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
    source: str = "postgres"


# --- the result ---------------------------------------------------------------------------

KINDS = ("table", "column", "bucket", "doc")
"""Object kinds, in the order reports show them."""


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

    @property
    def sort_key(self) -> tuple:
        kind_rank = KINDS.index(self.kind) if self.kind in KINDS else len(KINDS)
        return (kind_rank, self.severity.rank, self.name, self.rule)


@dataclass(frozen=True)
class AuditFailure:
    """Why an audit reached no verdict; a report carrying one is never read as clean."""

    message: str
    exit_code: int


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
    checked: dict[str, int] = field(default_factory=dict)  # e.g. {"tables_declared": 26, ...}
    failure: AuditFailure | None = None

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.findings, key=lambda f: f.sort_key))
        object.__setattr__(self, "findings", ordered)

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

    def by_kind(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped by object kind, in report order, empty kinds left out."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.kind, []).append(finding)
        return list(groups.items())
