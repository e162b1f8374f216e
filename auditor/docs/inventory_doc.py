"""The inventory document (docs/INVENTORY.md): inventory.yaml rendered as markdown, with a computed
documentation status, from templates/inventory.md.j2. Same inputs, same bytes: no timestamp."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.docs.compare import DocsStatus, ObjectDocs
from auditor.docs.scan import table_name
from auditor.docs.tree import ObjectRef
from auditor.model import INVENTORIED, BucketSpec, Catalog, Inventory, Kind, LiveBucket, LiveTable, TableSpec
from auditor.sizes import format_size
from auditor.templating import render_template


@dataclass(frozen=True)
class Line:
    """One object as the document lists it."""

    name: str
    description: str
    facts: str  # "7 columns", "private, 10MB limit", "exposed to anon: ..."
    docs: ObjectDocs


@dataclass(frozen=True)
class Section:
    """The objects of one kind: a heading of the document, and a part of its documentation status."""

    kind: Kind
    heading: str
    groups: list[tuple[str, list[Line]]]
    lines: list[Line]


def render_inventory_doc(inventory: Inventory, status: DocsStatus, catalog: Catalog | None = None) -> str:
    by_ref = {o.ref: o for o in status.objects}
    live_tables = {table_name(inventory, t.schema, t.name): t for t in (catalog.tables if catalog else None) or ()}
    live_buckets = {b.id: b for b in (catalog.buckets if catalog else None) or ()}
    titles = {g.key: g.title for g in inventory.groups}
    sections = []
    for kind in INVENTORIED:
        specs = inventory.declared(kind)
        if not specs and kind.name not in ("table", "bucket"):  # tables and buckets always have their heading
            continue
        lines = []
        for spec in specs or ():
            name = spec.display(inventory.default_schema)
            docs = by_ref[ObjectRef(kind.name, name)]
            if kind.name == "table":
                line = _table_line(inventory, spec, docs, live_tables)
            elif kind.name == "bucket":
                line = _bucket_line(spec, docs, live_buckets.get(spec.id))
            else:
                line = Line(name, spec.description, _exposure(spec), docs)
            lines.append((spec.group, line))
        sections.append(
            Section(kind, _heading(kind, inventory), _grouped(lines, titles, f"Other {kind.plural.replace('_', ' ')}"),
                    [line for _, line in lines])
        )  # fmt: skip
    return render_template(
        "inventory.md.j2",
        inventory=inventory,
        status=status,
        live=catalog is not None,
        sections=sections,
        objects_noun="tables and buckets" if len(sections) == 2 else "objects",
        naming=[(f"{low:02d}-{high:02d}", topic) for (low, high), topic in inventory.naming],
    )


def _heading(kind: Kind, inventory: Inventory) -> str:
    if kind.name == "table":
        schemas = ", ".join(inventory.schemas)
        return f"Tables ({schemas} schema{'s' if len(inventory.schemas) > 1 else ''})"
    return "Storage Buckets" if kind.name == "bucket" else kind.title


def _exposure(spec: object) -> str:
    """'exposed to anon: the public leaderboard' for an exposure the inventory declares."""
    roles = getattr(spec, "exposed_to", ())
    return f"exposed to {', '.join(roles)}: {spec.reason}" if roles else ""


def _table_line(inventory: Inventory, spec: TableSpec, docs: ObjectDocs, live_tables: dict[str, LiveTable]) -> Line:
    name = table_name(inventory, spec.schema, spec.name)
    live = live_tables.get(name)
    count = live.column_count if live is not None else spec.column_count
    if count is None and spec.columns is not None:
        count = len(spec.columns)
    facts = "" if count is None else f"{count} column{'' if count == 1 else 's'}"
    return Line(name, spec.description, facts, docs)


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
