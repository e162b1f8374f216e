"""compare(Inventory, Catalog, DocsTree) -> findings: the drift rules, pure functions over loaded data.

Each rule has a stable code (people grep, ignore and count them), a severity and a hint that
says how to resolve the drift: change the database, or update the inventory.
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.docs.compare import compare_docs
from auditor.docs.tree import DocsTree
from auditor.drift import buckets, security, tables
from auditor.drift.buckets import compare_bucket_sources
from auditor.drift.rules import RULES, finding
from auditor.model import Catalog, Finding, Inventory, display_name

__all__ = ["RULES", "compare", "compare_bucket_sources", "display_name", "finding"]

Comparison = Callable[[Inventory, Catalog], list[Finding]]

COMPARISONS: tuple[Comparison, ...] = (
    tables.compare,
    security.compare_tables,
    buckets.compare,
    security.compare_buckets,
    buckets.compare_sources,
)
"""Every rule module's comparison; each finds nothing in what the catalog did not read."""


def compare(inventory: Inventory, catalog: Catalog, docs: DocsTree | None = None) -> list[Finding]:
    """Every difference between what the inventory declares and what the catalog and docs hold."""
    findings: list[Finding] = [] if docs is None else compare_docs(inventory, docs, catalog)
    for comparison in COMPARISONS:
        findings += comparison(inventory, catalog)
    return findings
