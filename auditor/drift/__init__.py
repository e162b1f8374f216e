"""compare(Inventory, Catalog, DocsTree) -> findings: the drift rules, pure functions over loaded data.

Each rule has a stable code (people grep, ignore and count them), a severity and a hint that
says how to resolve the drift: change the database, or update the inventory.
"""

from __future__ import annotations

from auditor.docs.compare import compare_docs
from auditor.docs.tree import DocsTree
from auditor.drift.buckets import compare_bucket_sources, compare_buckets
from auditor.drift.rules import RULES, finding
from auditor.drift.security import compare_bucket_listing, compare_table_security
from auditor.drift.tables import compare_tables, display_name
from auditor.model import Catalog, Finding, Inventory

__all__ = ["RULES", "compare", "compare_bucket_sources", "display_name", "finding"]


def compare(inventory: Inventory, catalog: Catalog, docs: DocsTree | None = None) -> list[Finding]:
    """Every difference between what the inventory declares and what the catalog and docs hold."""
    findings: list[Finding] = [] if docs is None else compare_docs(inventory, docs, catalog)
    if catalog.tables is not None:
        findings += compare_tables(inventory, catalog.tables)
        findings += compare_table_security(inventory, catalog.tables)
    if catalog.buckets is not None:
        findings += compare_buckets(inventory.buckets, catalog.buckets, catalog.object_counts_available)
        if catalog.objects_access is not None:
            findings += compare_bucket_listing(catalog.buckets, catalog.objects_access)
    if catalog.storage_api is not None:
        findings += compare_bucket_sources(catalog.buckets, catalog.storage_api)
    return findings
