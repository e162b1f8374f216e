"""compare(Inventory, Catalog, DocsTree) -> findings: the drift rules, pure functions over loaded data.

Each rule has a stable code (people grep, ignore and count them), a severity and a hint that
says how to resolve the drift: change the database, or update the inventory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from auditor.docs.compare import compare_docs
from auditor.docs.tree import DocsTree
from auditor.drift import buckets, functions, policies, relations, security, tables
from auditor.drift.buckets import compare_bucket_sources
from auditor.drift.exposure import Outcome
from auditor.drift.rules import RULES, finding
from auditor.model import INVENTORIED, AcceptedExposure, Catalog, Finding, Inventory, display_name

__all__ = ["RULES", "compare", "compare_bucket_sources", "display_name", "finding", "judge"]

SECURITY = "security"

Comparison = Callable[[Inventory, Catalog], Sequence[Outcome]]

COMPARISONS: tuple[Comparison, ...] = (
    tables.compare,
    security.compare_tables,
    policies.compare,
    relations.compare,
    functions.compare,
    buckets.compare,
    security.compare_buckets,
    buckets.compare_sources,
)
"""Every rule module's comparison, one per kind of object (tables' security and policies apart);
each finds nothing in what the catalog did not read."""


def judge(
    inventory: Inventory, catalog: Catalog, docs: DocsTree | None = None
) -> tuple[list[Finding], list[AcceptedExposure]]:
    """(every difference between what the inventory declares and what the catalog and docs hold,
    every exposure the inventory declares on purpose)."""
    findings: list[Finding] = [] if docs is None else compare_docs(inventory, docs, catalog)
    accepted: list[AcceptedExposure] = []
    for comparison in COMPARISONS:
        for outcome in comparison(inventory, catalog):
            (accepted if isinstance(outcome, AcceptedExposure) else findings).append(outcome)
    if inventory.ignore:
        findings = [f for f in findings if not ignored(inventory, f)]
    return findings, accepted


def ignored(inventory: Inventory, finding: Finding) -> bool:
    """Whether a finding is about an object the inventory ignores (or a part of one, or its doc
    page). Security findings never are: what anyone can read is reported whoever owns it."""
    if SECURITY in finding.tags:
        return False
    if inventory.ignored(finding.kind, finding.name):
        return True
    return finding.about is not None and any(inventory.ignored(kind.name, finding.about) for kind in INVENTORIED)


def compare(inventory: Inventory, catalog: Catalog, docs: DocsTree | None = None) -> list[Finding]:
    """Every difference between what the inventory declares and what the catalog and docs hold."""
    return judge(inventory, catalog, docs)[0]
