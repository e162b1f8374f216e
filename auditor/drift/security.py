"""Security drift: row level security, what the API roles can read, who can list a bucket."""

from __future__ import annotations

from auditor.drift.rules import finding
from auditor.model import (
    Catalog,
    Finding,
    Inventory,
    LiveBucket,
    ObjectsAccess,
    TableSecurity,
    display_name,
)
from auditor.policies import listers

# A table with row level security off gets at most one error, the most specific:
# rls-policies-ignored (it has policies), rls-disabled (the inventory expects it on), or
# table-exposed (anon or authenticated can read it: an undeclared table, or one declared with
# rls: false; declaring rls: false does not silence an exposure). An undeclared table gets
# table-undeclared as well: one finding is about the inventory, the other about the data.


def compare_tables(inventory: Inventory, catalog: Catalog) -> list[Finding]:
    """Tables of the exposed schemas, and declared tables with an explicit rls, whose security read."""
    live_tables = catalog.tables or ()
    declared = {(t.schema, t.name): t for t in inventory.tables}
    default_schema = inventory.default_schema
    findings: list[Finding] = []
    for table in live_tables:
        security = table.security
        if security is None:
            continue
        spec = declared.get((table.schema, table.name))
        expected = spec.rls if spec else None
        checked = expected is not None if spec else table.schema in inventory.exposed_schemas
        if checked:
            findings += _table_security(display_name(table.schema, table.name, default_schema), expected, security)
    return findings


def _table_security(name: str, expected: bool | None, security: TableSecurity) -> list[Finding]:
    """`expected`: the declared rls, None for an undeclared table.

    Who can read, and the state's wording, are worked out only where a finding may need them:
    most tables have row level security on, with policies, and find nothing.
    """
    if not security.rls_enabled:
        return _rls_disabled(name, expected, security)
    findings: list[Finding] = []
    if expected is False:
        findings.append(
            finding(
                "rls-enabled",
                name,
                "disabled",
                "enabled (forced)" if security.rls_forced else "enabled",
                f"Table {name} has row level security enabled; the inventory says rls: false.",
            )
        )
    unknown = None in (security.anon_can_read, security.authenticated_can_read)  # a role not checked
    if not security.policies and (security.readers or unknown):
        findings.append(
            finding(
                "rls-no-policy",
                name,
                "a policy",
                "no policy",
                f"Table {name} has row level security enabled but no policy: API reads return no rows.",
            )
        )
    return findings


def _rls_disabled(name: str, expected: bool | None, security: TableSecurity) -> list[Finding]:
    """Findings of a table with row level security off: policies ignored, expected on, or readable."""
    readers = ", ".join(security.readers)
    exposure = f" Roles {readers} can read every row through the API." if readers else ""
    if security.policies:
        policies = f"{security.policies} {'policy' if security.policies == 1 else 'policies'}"
        return [
            finding(
                "rls-policies-ignored",
                name,
                "enabled",
                "disabled",
                f"Table {name} has {policies} but row level security is disabled, so none applies.{exposure}",
            )
        ]
    if expected:
        return [
            finding(
                "rls-disabled",
                name,
                "enabled",
                "disabled",
                f"Table {name} has row level security disabled; the inventory expects it enabled.{exposure}",
            )
        ]
    if readers:
        return [
            finding(
                "table-exposed",
                name,
                "protected",
                f"readable by {readers}",
                f"Table {name} has row level security disabled and roles {readers} can read every row.",
            )
        ]
    return []


_WHO = {"anon": "anyone (role anon)", "authenticated": "any signed-in user (role authenticated)"}


def compare_buckets(inventory: Inventory, catalog: Catalog) -> list[Finding]:
    """Public buckets whose files the API roles can list, not only fetch by URL."""
    if catalog.buckets is None or catalog.objects_access is None:
        return []
    return compare_bucket_listing(catalog.buckets, catalog.objects_access)


def compare_bucket_listing(buckets: tuple[LiveBucket, ...], access: ObjectsAccess) -> list[Finding]:
    findings: list[Finding] = []
    for bucket in buckets:
        who = listers(access, bucket.id) if bucket.public else []
        if who:
            by_reason: dict[str, list[str]] = {}
            for role, why in who:
                by_reason.setdefault(why, []).append(_WHO[role])
            listed_by = "; ".join(f"{' and '.join(roles)} {why}" for why, roles in by_reason.items())
            findings.append(
                finding(
                    "bucket-listable",
                    bucket.id,
                    "fetch by URL only",
                    f"listable by {', '.join(role for role, _ in who)}",
                    f"Public bucket {bucket.id}: every file can be listed by {listed_by}.",
                )
            )
    return findings
