"""The inventory document (docs/INVENTORY.md): inventory.yaml rendered as markdown, with a computed
documentation status, from templates/inventory.md.j2. Same inputs, same bytes: no timestamp."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.docs.compare import DocsStatus, ObjectDocs
from auditor.docs.scan import table_name
from auditor.docs.tree import ObjectRef
from auditor.model import BucketSpec, Catalog, Inventory, LiveBucket, LiveTable, TableSpec
from auditor.sizes import format_size
from auditor.templating import render_template


@dataclass(frozen=True)
class Line:
    """One table or bucket as the document lists it."""

    name: str
    description: str
    facts: str  # "7 columns", "private, 10MB limit"...
    docs: ObjectDocs


def render_inventory_doc(inventory: Inventory, status: DocsStatus, catalog: Catalog | None = None) -> str:
    by_ref = {o.ref: o for o in status.objects}
    live_tables = {table_name(inventory, t.schema, t.name): t for t in (catalog.tables if catalog else None) or ()}
    live_buckets = {b.id: b for b in (catalog.buckets if catalog else None) or ()}
    tables = [(t.group, _table_line(inventory, t, by_ref, live_tables)) for t in inventory.tables]
    buckets = [
        (b.group, _bucket_line(b, by_ref[ObjectRef("bucket", b.id)], live_buckets.get(b.id))) for b in inventory.buckets
    ]
    titles = {g.key: g.title for g in inventory.groups}
    return render_template(
        "inventory.md.j2",
        inventory=inventory,
        status=status,
        live=catalog is not None,
        table_groups=_grouped(tables, titles, "Other tables"),
        bucket_groups=_grouped(buckets, titles, "Other buckets"),
        tables=[line for _, line in tables],
        buckets=[line for _, line in buckets],
        naming=[(f"{low:02d}-{high:02d}", topic) for (low, high), topic in inventory.naming],
    )


def _table_line(
    inventory: Inventory, spec: TableSpec, by_ref: dict[ObjectRef, ObjectDocs], live_tables: dict[str, LiveTable]
) -> Line:
    name = table_name(inventory, spec.schema, spec.name)
    live = live_tables.get(name)
    count = live.column_count if live is not None else spec.column_count
    if count is None and spec.columns is not None:
        count = len(spec.columns)
    facts = "" if count is None else f"{count} column{'' if count == 1 else 's'}"
    return Line(name, spec.description, facts, by_ref[ObjectRef("table", name)])


def _bucket_line(spec: BucketSpec, docs: ObjectDocs, live: LiveBucket | None) -> Line:
    facts = []
    if live is not None:
        facts += ["public" if live.public else "private", _limit(live.file_size_limit)]
        if live.object_count is not None:
            facts.append(f"{live.object_count} object{'' if live.object_count == 1 else 's'}")
    else:
        if "public" in spec.declared:
            facts.append("public" if spec.public else "private")
        if "file_size_limit" in spec.declared:
            facts.append(_limit(spec.file_size_limit))
    if spec.status != "active":
        facts.append(spec.status)
    return Line(spec.id, spec.description, ", ".join(facts), docs)


def _limit(size: int | None) -> str:
    return "no size limit" if size is None else f"{format_size(size)} limit"


def _grouped(lines: list[tuple[str | None, Line]], titles: dict[str, str], other: str) -> list[tuple[str, list[Line]]]:
    """Lines under their group's title, groups in the order they first appear."""
    groups: dict[str, list[Line]] = {}
    for group, line in lines:
        groups.setdefault(titles.get(group, other) if group else other, []).append(line)
    return list(groups.items())
