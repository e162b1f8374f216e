"""`auditor docs scaffold`: draft the missing docs, refresh the generated sections of the others.

plan_scaffold() is pure: it decides every file's new bytes from the inventory, the scanned tree,
the files' current text and (optionally) the live catalog. write_plan() writes the changed ones.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.docs import generated
from auditor.docs.compare import docs_status
from auditor.docs.scan import declared_objects, object_refs, split_name, table_name
from auditor.docs.tree import DocsTree, ObjectRef
from auditor.errors import UsageError
from auditor.model import BucketSpec, Catalog, Inventory, TableSpec
from auditor.reports import write_atomically


@dataclass(frozen=True)
class DocWrite:
    name: str  # file name in the docs folder
    action: str  # "create", "refresh" or "unchanged"
    objects: tuple[ObjectRef, ...]
    text: str


@dataclass(frozen=True)
class Skipped:
    what: str  # "table profiles", "page 12-profiles.md"
    reason: str


@dataclass(frozen=True)
class ScaffoldPlan:
    writes: tuple[DocWrite, ...]
    skipped: tuple[Skipped, ...]
    left_out: tuple[tuple[str, int], ...] = ()  # (why, how many) objects without a page not drafted unless --all

    @property
    def changes(self) -> tuple[DocWrite, ...]:
        return tuple(w for w in self.writes if w.action != "unchanged")


def plan_scaffold(
    inventory: Inventory,
    docs: DocsTree,
    texts: Mapping[str, str],
    catalog: Catalog | None = None,
    *,
    all_objects: bool = False,
    present: Collection[str] = (),
    unreadable: Mapping[str, str] | None = None,
) -> ScaffoldPlan:
    """New pages for the objects the inventory says are documented that have none (`all_objects`:
    also those it marks `doc: false` or `status: legacy`, whose drafts it would then report), and,
    with a catalog, refreshed generated sections in the existing pages (`texts`: name -> text).

    A new page is never planned over a file already in the folder (`present`: every name there),
    nor for an object whose name cannot be a file name there; `unreadable` (name -> why) are
    pages whose sections cannot be refreshed."""
    sources = _Sources(inventory, catalog)
    status = docs_status(inventory, docs, catalog)
    named = [split_name(doc)[0] for doc in sources.doc.values() if isinstance(doc, str)]
    used = {f.number for f in docs.files if f.number is not None} | {n for n in named if n is not None}
    new: dict[str, list[ObjectRef]] = {}
    skipped: list[Skipped] = []
    left_out: dict[str, int] = {}
    for entry in status.objects:
        if entry.files:
            continue
        why = sources.left_out(entry.ref)
        if why and not all_objects:
            left_out[why] = left_out.get(why, 0) + 1
            continue
        doc = sources.doc[entry.ref]
        if isinstance(doc, str):
            new.setdefault(doc, []).append(entry.ref)
            continue
        bounds = sources.range_of(entry.ref)
        if bounds is None:
            skipped.append(Skipped(_what(entry.ref), f"group {entry.group or '(none)'} has no doc number range"))
            continue
        number = next((n for n in range(bounds[0], bounds[1] + 1) if n not in used), None)
        if number is None:
            skipped.append(Skipped(_what(entry.ref), f"no free number left in {bounds[0]:02d}-{bounds[1]:02d}"))
            continue
        if not safe_file_name(entry.ref.name):
            reason = "its name cannot be a file name in the docs folder: name its page with doc: FILE.md"
            skipped.append(Skipped(_what(entry.ref), reason))
            continue
        used.add(number)
        new[f"{number:02d}-{entry.ref.name}.md"] = [entry.ref]
    writes = []
    for name, refs in new.items():
        if name in present:
            skipped.append(Skipped(f"page {name}", "something of that name is there that is no doc page; not replaced"))
        else:
            writes.append(DocWrite(name, "create", tuple(refs), new_doc(refs, sources)))
    if catalog is not None:
        skipped += [
            Skipped(f"page {name}", f"{why}; its generated sections are not refreshed")
            for name, why in sorted((unreadable or {}).items())
        ]
    for name in sorted(texts):
        text = texts[name]
        refs = tuple(generated.sections_in(text))
        if catalog is None:
            continue
        for ref in generated.unclosed_in(text):
            reason = f"the generated section of {_what(ref)} has no end marker {generated.END}; left as it is"
            skipped.append(Skipped(f"page {name}", reason))
        if not refs:
            continue
        bodies = {ref: body for ref in refs if (body := sources.live_body(ref)) is not None}
        refreshed = generated.refresh(text, bodies)
        writes.append(DocWrite(name, "unchanged" if refreshed == text else "refresh", refs, refreshed))
    return ScaffoldPlan(tuple(sorted(writes, key=lambda w: w.name)), tuple(skipped), tuple(left_out.items()))


def safe_file_name(name: str) -> bool:
    """Whether `NN-<name>.md` names a file directly in the docs folder, whatever the platform."""
    return not (
        name.startswith(".") or any(c in name for c in "/\\:") or any(ord(c) < 32 or ord(c) == 127 for c in name)
    )


def write_plan(folder: Path, plan: ScaffoldPlan) -> None:
    """Write the changed pages; a new one only where no file is (never over one made meanwhile),
    and never anywhere but directly in `folder`."""
    for write in plan.changes:
        target = folder / write.name
        if target.parent != folder or write.name in ("", ".", ".."):
            raise UsageError(f"Not writing {write.name!r}: a page is written only directly in {folder}.")
        write_atomically(target, write.text, what="the doc page", create_only=write.action == "create")


def _what(ref: ObjectRef) -> str:
    return f"{ref.kind} {ref.name}"


def new_doc(refs: list[ObjectRef], sources: _Sources) -> str:
    from auditor.templating import render_template

    entries = [(ref, sources.description(ref), sources.section(ref)) for ref in refs]
    return render_template("doc.md.j2", title=" & ".join(r.name for r in refs), entries=entries)


class _Sources:
    """The inventory's and the catalog's facts about each object, by ObjectRef."""

    def __init__(self, inventory: Inventory, catalog: Catalog | None):
        self.doc = dict(object_refs(inventory))
        self.specs = dict(declared_objects(inventory))
        self.tables: dict[str, TableSpec] = {table_name(inventory, t.schema, t.name): t for t in inventory.tables}
        self.buckets: dict[str, BucketSpec] = {b.id: b for b in inventory.buckets}
        self.ranges = {g.key: g.doc_range for g in inventory.groups}
        live_tables = (catalog.tables if catalog else None) or ()
        self.live_tables = {table_name(inventory, t.schema, t.name): t for t in live_tables}
        self.live_buckets = {b.id: b for b in (catalog.buckets if catalog else None) or ()}

    def left_out(self, ref: ObjectRef) -> str | None:
        """Why a page is not drafted for `ref` unless asked (--all): the inventory says it has none, or is legacy."""
        if getattr(self.specs[ref], "status", None) == "legacy":
            return "legacy buckets"
        return None if self.doc[ref] else "objects with doc: false"

    def range_of(self, ref: ObjectRef) -> tuple[int, int] | None:
        group = self.specs[ref].group
        return self.ranges.get(group) if group else None

    def description(self, ref: ObjectRef) -> str:
        return self.specs[ref].description

    def section(self, ref: ObjectRef) -> str:
        """A new page's generated section: tables and buckets have one; other kinds, none yet."""
        return generated.section(ref, self.body(ref)) if ref.kind in ("table", "bucket") else ""

    def body(self, ref: ObjectRef) -> str:
        if ref.kind == "table":
            return generated.table_body(ref.name, self.tables.get(ref.name), self.live_tables.get(ref.name))
        return generated.bucket_body(self.buckets.get(ref.name), self.live_buckets.get(ref.name))

    def live_body(self, ref: ObjectRef) -> str | None:
        """The section's text from the database; None when the object is not live (left as it is)."""
        live = self.live_tables if ref.kind == "table" else self.live_buckets
        return self.body(ref) if ref.name in live else None
