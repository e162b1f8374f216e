"""Security drift: row level security, what the API roles can read, who can list a bucket."""

from __future__ import annotations

from dataclasses import replace

from auditor.drift.exposure import Outcome, judge, unused
from auditor.drift.rules import finding
from auditor.model import (
    AcceptedExposure,
    BucketSpec,
    Catalog,
    Inventory,
    LiveBucket,
    ObjectsAccess,
    TableSecurity,
    TableSpec,
    display_name,
)
from auditor.policies import listers

# A table with row level security off gets at most one error, the most specific:
# rls-policies-ignored (it has policies), rls-disabled (the inventory expects it on), or
# table-exposed (anon or authenticated can read it: an undeclared table, or one declared with
# rls: false and no exposed_to covering those roles). An undeclared table gets table-undeclared
# as well: one finding is about the inventory, the other about the data. What the inventory
# declares on purpose (exposed_to, rls: deny-all, a public bucket) is accepted, not a finding.


def compare_tables(inventory: Inventory, catalog: Catalog) -> list[Outcome]:
    """Tables of the exposed schemas, and declared tables with an explicit rls, whose security read."""
    declared = {(t.schema, t.name): t for t in inventory.tables}
    default_schema = inventory.default_schema
    outcomes: list[Outcome] = []
    for table in catalog.tables or ():
        security = table.security
        if security is None:
            continue
        spec = declared.get((table.schema, table.name))
        checked = spec.rls is not None if spec else table.schema in inventory.exposed_schemas
        # policies on a table whose row level security is off are a mistake in any schema (splinter's 0007)
        checked = checked or (not security.rls_enabled and bool(security.policies))
        if checked:
            name = display_name(table.schema, table.name, default_schema)
            found = _table_security(name, spec, security)
            if table.partition_of is not None:
                found = [
                    _of_partition(o, name, display_name(table.schema, table.partition_of, default_schema))
                    for o in found
                ]
            outcomes += found
    return outcomes


def _of_partition(outcome: Outcome, name: str, parent: str) -> Outcome:
    """A finding on a partition says why it matters: its parent's row level security does not cover it."""
    if isinstance(outcome, AcceptedExposure):
        return outcome
    note = (
        f" It is a partition of {parent}, which has row level security on: the Data API serves it at "
        f"/rest/v1/{name.rpartition('.')[2]}, past {parent}'s policies (alter table {name} enable row level security)."
    )
    return replace(outcome, message=outcome.message + note)


def _table_security(name: str, spec: TableSpec | None, security: TableSecurity) -> list[Outcome]:
    """`spec`: the declared table, None for an undeclared one.

    Who can read, and the state's wording, are worked out only where a finding may need them:
    most tables have row level security on, with policies, and find nothing.
    """
    if not security.rls_enabled:
        return _rls_disabled(name, spec, security)
    outcomes: list[Outcome] = []
    if spec is not None and spec.rls is False:
        outcomes.append(
            finding(
                "rls-enabled",
                name,
                False,
                True,
                f"Table {name} has row level security enabled{' (forced)' if security.rls_forced else ''}; "
                "the inventory says rls: false.",
            )
        )
    if not security.policies and spec is not None and spec.deny_all:
        outcomes.append(AcceptedExposure("table", name, "deny-all: row level security on, no policy", spec.reason))
        return outcomes
    unknown = None in (security.anon_can_read, security.authenticated_can_read)  # a role not checked
    if not security.policies and (security.readers or unknown):
        outcomes.append(
            finding(
                "rls-no-policy",
                name,
                True,
                False,
                f"Table {name} has row level security enabled but no policy: API reads return no rows.",
            )
        )
    return outcomes


def _rls_disabled(name: str, spec: TableSpec | None, security: TableSecurity) -> list[Outcome]:
    """Findings of a table with row level security off: policies ignored, expected on, or readable."""
    readers = ", ".join(security.readers)
    exposure = f" Roles {readers} can read every row through the API." if readers else ""
    declared, reason = (spec.exposed_to, spec.reason) if spec else ((), "")
    if security.policies:
        policies = f"{security.policies} {'policy' if security.policies == 1 else 'policies'}"
        if spec is not None and spec.rls is False and reason and set(security.readers) <= set(declared):
            unused_policies = f"row level security off, its {policies} unused"
            return [
                AcceptedExposure("table", name, f"{unused_policies}; readable by {readers or 'no API role'}", reason)
            ]
        return [
            finding(
                "rls-policies-ignored",
                name,
                True,
                False,
                f"Table {name} has {policies} but row level security is disabled, so none applies.{exposure}",
            )
        ]
    if spec is not None and spec.rls:
        return [
            finding(
                "rls-disabled",
                name,
                True,
                False,
                f"Table {name} has row level security disabled; the inventory expects it enabled.{exposure}",
            )
        ]
    if security.readers:
        return [
            judge(
                "table-exposed",
                "table",
                name,
                security.readers,
                declared,
                reason,
                exposure=f"row level security off; every row readable by {readers}",
                message=f"Table {name} has row level security disabled and roles {readers} can read every row.",
            )
        ]
    return [unused("table", name, f"exposed_to {', '.join(declared)}")] if declared else []


def compare_buckets(inventory: Inventory, catalog: Catalog) -> list[Outcome]:
    """Public buckets whose files the API roles can list, not only fetch by URL; and the public
    buckets the inventory declares public, accepted."""
    if catalog.buckets is None:
        return []
    live = {b.id: b for b in catalog.buckets}
    outcomes: list[Outcome] = [
        AcceptedExposure("bucket", spec.id, "public, every file readable by its URL", spec.reason)
        for spec in inventory.buckets
        if "public" in spec.declared and spec.public and spec.id in live and live[spec.id].public
    ]
    if catalog.objects_access is not None:
        specs = {spec.id: spec for spec in inventory.buckets}
        outcomes += compare_bucket_listing(catalog.buckets, catalog.objects_access, specs)
    return outcomes


_WHO = {"anon": "anyone (role anon)", "authenticated": "any signed-in user (role authenticated)"}


def compare_bucket_listing(
    buckets: tuple[LiveBucket, ...], access: ObjectsAccess, specs: dict[str, BucketSpec]
) -> list[Outcome]:
    """Public buckets whose files the API roles can list; accepted where the bucket declares
    those roles in exposed_to."""
    outcomes: list[Outcome] = []
    for bucket in buckets:
        who = listers(access, bucket.id) if bucket.public else []
        spec = specs.get(bucket.id)
        declared, reason = (spec.exposed_to, spec.reason) if spec else ((), "")
        if who:
            by_reason: dict[str, list[str]] = {}
            for role, why in who:
                by_reason.setdefault(why, []).append(_WHO[role])
            listed_by = "; ".join(f"{' and '.join(roles)} {why}" for why, roles in by_reason.items())
            roles = tuple(role for role, _ in who)
            outcomes.append(
                judge(
                    "bucket-listable",
                    "bucket",
                    bucket.id,
                    roles,
                    declared,
                    reason,
                    exposure=f"every file listable by {', '.join(roles)}",
                    message=f"Public bucket {bucket.id}: every file can be listed by {listed_by}.",
                )
            )
        elif declared:
            outcomes.append(unused("bucket", bucket.id, f"exposed_to {', '.join(declared)}"))
    return outcomes
