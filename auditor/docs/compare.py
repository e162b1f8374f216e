"""compare(Inventory, DocsTree, Catalog) -> doc findings and each object's documentation state.

Pure: the tree was scanned and the catalog read before. Without a catalog the staleness checks
are not made and a page is an orphan as soon as the inventory does not declare its object.

Each page gets at most one finding, the most specific: a page that is not read gets
doc-unreadable; a page about nothing declared or live, doc-orphan; then doc-stub (a stub is not
checked for staleness); then doc-stale (one finding naming every difference); then
doc-undeclared, then doc-misnumbered. doc-missing and doc-duplicate are about objects; a docs
folder that does not exist is said once (doc-folder-missing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from auditor.docs.reading import Reading, read_page
from auditor.docs.rules import doc_finding
from auditor.docs.scan import declared_objects, object_refs, table_name
from auditor.docs.stubs import placeholder_in
from auditor.docs.tree import DocFile, DocsTree, ObjectRef
from auditor.model import INVENTORIED, Catalog, Finding, Inventory, LiveBucket, LiveTable, display_name
from auditor.sizes import format_size, unit_mixup
from auditor.wording import mime_list, plural, visibility

STATES = ("documented", "stale", "stub", "missing", "undocumented")
"""documented: a page that is neither a stub nor stale; missing: the inventory says documented, no file
is found; undocumented: no page, as the inventory says. Coverage counts documented and stale."""


@dataclass(frozen=True)
class ObjectDocs:
    ref: ObjectRef
    group: str | None
    files: tuple[str, ...]  # the pages about it
    state: str  # one of STATES
    rules: tuple[str, ...]  # codes of the doc findings about it


@dataclass(frozen=True)
class Difference:
    """One statement of a page that the database contradicts (a list that leaves columns out is one)."""

    ref: ObjectRef
    text: str  # "profiles has 9 columns, the page says 7 (line 19)"
    line: int
    said: object  # raw, for the finding's `expected` and `actual`: 7, {"file_size_limit": 5242880}
    now: object


@dataclass(frozen=True)
class PageStatus:
    """What was made of one page: the objects it is about and why, what it says of each, its finding."""

    doc: DocFile
    refs: tuple[ObjectRef, ...]
    why: str  # how the page's objects were found ("the inventory names it", "its file name"...)
    readings: tuple[Reading, ...]
    stub: str | None  # why it is a stub
    differences: tuple[Difference, ...]  # with a catalog
    finding: Finding | None
    unchecked: tuple[ObjectRef, ...] = ()  # with a catalog: objects it does not hold (or could not read)


@dataclass(frozen=True)
class DocsStatus:
    objects: tuple[ObjectDocs, ...]  # every declared table and bucket, in inventory order
    findings: tuple[Finding, ...]  # sorted as reports sort them
    live: bool  # whether a catalog was compared (staleness checked)
    pages: tuple[PageStatus, ...] = ()

    @property
    def documented(self) -> int:
        return sum(o.state in ("documented", "stale") for o in self.objects)

    @property
    def coverage(self) -> float:
        """Percentage of declared tables and buckets with a page that is not a stub."""
        return 100.0 * self.documented / len(self.objects) if self.objects else 100.0

    def count(self, state: str) -> int:
        return sum(o.state == state for o in self.objects)

    def page(self, name: str) -> PageStatus | None:
        return next((p for p in self.pages if p.doc.name == name), None)


def compare_docs(inventory: Inventory, docs: DocsTree, catalog: Catalog | None = None) -> list[Finding]:
    """The doc findings (kind "doc") for `auditor audit`."""
    return list(docs_status(inventory, docs, catalog).findings)


def docs_status(inventory: Inventory, docs: DocsTree, catalog: Catalog | None = None) -> DocsStatus:
    return _Comparison(inventory, docs, catalog).run()


class _Comparison:
    def __init__(self, inventory: Inventory, docs: DocsTree, catalog: Catalog | None):
        self.inventory = inventory
        self.docs = docs
        self.declared = object_refs(inventory)
        self.doc_of = dict(self.declared)
        self.groups = dict(_groups(inventory))
        self.ranges = {g.key: g.doc_range for g in inventory.groups if g.doc_range}
        tables = catalog.tables if catalog is not None else None
        buckets = catalog.buckets if catalog is not None else None
        self.live_tables = None if tables is None else {table_name(inventory, t.schema, t.name): t for t in tables}
        self.live_buckets = None if buckets is None else {b.id: b for b in buckets}
        self.live_refs = _live_refs(inventory, catalog) if catalog is not None else {}
        self.live = catalog is not None
        self.names = frozenset(
            n for ref in (*self.doc_of, *self.live_refs.values()) for n in (ref.name, ref.name.rpartition(".")[2])
        )
        self.findings: list[Finding] = []
        self.notes: dict[ObjectRef, set[str]] = defaultdict(set)
        self.pages_of: dict[ObjectRef, list[DocFile]] = defaultdict(list)
        self.stubs: set[str] = set()
        self.stale: set[tuple[str, ObjectRef]] = set()

    def add(self, finding: Finding, *refs: ObjectRef) -> Finding:
        self.findings.append(finding)
        for ref in refs:
            self.notes[ref].add(finding.rule)
        return finding

    def run(self) -> DocsStatus:
        pages = []
        self.check_folder()
        for doc in self.docs.files:
            refs, why = self.documented_by(doc)
            for ref in refs:
                self.pages_of[ref].append(doc)
            pages.append(self.check_page(doc, refs, why))
        for ref, files in self.pages_of.items():
            if len(files) > 1:
                names = ", ".join(f.name for f in files)
                message = f"{len(files)} pages are about {ref.kind} {ref.name}: {names}."
                self.add(doc_finding("doc-duplicate", ref.name, 1, len(files), message), ref)
        objects = tuple(self.object_docs(ref, doc) for ref, doc in self.declared)
        ordered = tuple(sorted(self.findings, key=lambda f: f.sort_key))
        return DocsStatus(objects, ordered, self.live, tuple(pages))

    def check_folder(self) -> None:
        documented = [ref for ref, doc in self.declared if doc]
        if self.docs.exists or not documented:
            return
        folder = self.docs.folder
        objects = "1 object is" if len(documented) == 1 else f"{len(documented)} objects are"
        message = (
            f"The docs folder {folder} (docs.folder in {self.inventory.path}) does not exist; the inventory says "
            f"{objects} documented there."
        )
        self.add(doc_finding("doc-folder-missing", folder, folder, None, message))

    # --- which objects a page is about -----------------------------------------------------

    def documented_by(self, doc: DocFile) -> tuple[list[ObjectRef], str]:
        """The inventory's links, else the object the file name names."""
        if doc.links:
            named = [link.ref.name for link in doc.links if link.named]
            found = [link.ref.name for link in doc.links if not link.named]
            why = "; ".join(
                ([f"inventory.yaml says doc: {doc.name} for {', '.join(named)}"] if named else [])
                + ([f"its file name, and doc: true for {', '.join(found)} in inventory.yaml"] if found else [])
            )
            return [link.ref for link in doc.links], why
        if doc.slug is None:
            return [], "its name is not NN-name.md"
        if self.is_meta(doc.number):
            return [], f"{doc.number:02d} is in a range no group uses: a meta page"
        ref = self.resolve(doc.slug)
        if ref is None:
            return [], f"its file name names {doc.slug}, which is neither declared nor live"
        said = "says doc: false" if self.doc_of.get(ref) is False else "does not declare it"
        return [ref], f"its file name; inventory.yaml {said}"

    def resolve(self, slug: str) -> ObjectRef | None:
        for ref, _ in self.declared:
            if ref.name == slug:
                return ref
        return self.live_refs.get(slug)

    def is_meta(self, number: int | None) -> bool:
        """A number in a naming range that no group uses (e.g. 00-09 system and meta docs)."""
        if number is None:
            return False
        in_naming = any(low <= number <= high for (low, high), _ in self.inventory.naming)
        in_group = any(low <= number <= high for low, high in self.ranges.values())
        return in_naming and not in_group

    # --- the checks of one page, the most specific finding kept ------------------------------

    def check_page(self, doc: DocFile, refs: list[ObjectRef], why: str) -> PageStatus:
        path = self.docs.path(doc.name)
        about = ", ".join(ref.name for ref in refs) or None
        status = PageStatus(doc, tuple(refs), why, (), None, (), None)
        if doc.unread is not None:
            message = f"{doc.name} is not read: {doc.unread}."
            finding = doc_finding("doc-unreadable", doc.name, True, False, message, path=path, about=about)
            return _with(status, finding=self.add(finding, *refs))
        if not refs:
            if doc.slug is None or self.is_meta(doc.number):
                return status
            where = "declared in the inventory or in the database" if self.live else "declared in the inventory"
            message = f"{doc.name} is about {doc.slug}, which is no object {where}."
            finding = doc_finding("doc-orphan", doc.name, True, False, message, path=path)
            return _with(status, finding=self.add(finding))
        readings = tuple(read_page(doc.page, ref, tuple(r for r in refs if r != ref), self.names) for ref in refs)
        status = _with(status, readings=readings)
        stub = self.stub(doc, readings)
        if stub is not None:
            self.stubs.add(doc.name)
            reason, expected, actual, line = stub
            message = f"{doc.name} is a stub: {reason}."
            finding = doc_finding("doc-stub", doc.name, expected, actual, message, path, line, about)
            return _with(status, stub=reason, finding=self.add(finding, *refs))
        compared = [(reading.ref, self.differences(reading)) for reading in readings]
        differences = tuple(d for _, found in compared for d in found or ())
        unchecked = tuple(ref for ref, found in compared if self.live and found is None)
        status = _with(status, differences=differences, unchecked=unchecked)
        if differences:
            stale = list(dict.fromkeys(d.ref for d in differences))
            return _with(status, finding=self.add(self.stale_finding(doc, differences), *stale))
        undeclared = [ref for ref in refs if self.doc_of.get(ref) is False and not doc.links]
        if undeclared:
            ref = undeclared[0]
            message = f"{doc.name} documents {ref.kind} {ref.name}, which the inventory says has no page."
            finding = doc_finding("doc-undeclared", doc.name, False, True, message, path=path, about=ref.name)
            return _with(status, finding=self.add(finding, ref))
        finding = self.misnumbered(doc, refs)
        return _with(status, finding=finding and self.add(finding, *refs))

    def stub(self, doc: DocFile, readings: tuple[Reading, ...]) -> tuple[str, object, object, int | None] | None:
        """(why, expected, actual, line) when the page is a stub; the values raw: no placeholder and
        the one found, no empty heading and those found, or the least size and the size.

        A small page that states something the auditor reads (columns, a count, a setting) is
        short, not empty: what it states is checked instead."""
        signs = doc.signs
        if signs is not None and signs.placeholders:
            first = signs.placeholders[0]
            marker = placeholder_in(first.text)
            others = len(signs.placeholders) - 1
            more = f" and {plural(others, 'more placeholder')}" if others else ""
            return f"it still says {marker!r} (line {first.number}){more}", None, marker, first.number
        if signs is not None and signs.mostly_empty:
            empty = signs.empty_headings
            names = ", ".join(f'"{h.text}" (line {h.line})' for h in empty[:3]) + (" ..." if len(empty) > 3 else "")
            why = f"{len(empty)} of its {signs.headings} headings have nothing under them: {names}"
            return why, [], [h.text for h in empty], empty[0].line
        if doc.size < self.docs.stub_bytes and not any(reading.statements for reading in readings):
            why = f"it has {doc.size} bytes (a stub is under {self.docs.stub_bytes})"
            return why, self.docs.stub_bytes, doc.size, None
        return None

    def misnumbered(self, doc: DocFile, refs: list[ObjectRef]) -> Finding | None:
        """A page the naming convention governs (not one the inventory names) must sit in its group's range."""
        if doc.number is None:
            return None
        governed = [link.ref for link in doc.links if not link.named] if doc.links else refs
        for ref in governed:
            group = self.groups.get(ref)
            bounds = self.ranges.get(group) if group else None
            if bounds and not bounds[0] <= doc.number <= bounds[1]:
                span = f"{bounds[0]:02d}-{bounds[1]:02d}"
                message = f"{doc.name} documents {ref.kind} {ref.name} of group {group}, whose pages are {span}."
                path = self.docs.path(doc.name)
                return doc_finding(
                    "doc-misnumbered", doc.name, list(bounds), doc.number, message, path=path, about=ref.name
                )
        return None

    def differences(self, reading: Reading) -> list[Difference] | None:
        """What the database contradicts; None when it holds no such object (or it was not read)."""
        ref = reading.ref
        table = (self.live_tables or {}).get(ref.name) if ref.kind == "table" else None
        if table is not None and table.columns_visible:  # columns hidden from the role: not compared
            return _table_differences(reading, table)
        if ref.kind == "bucket" and self.live_buckets is not None and ref.name in self.live_buckets:
            return _bucket_differences(reading, self.live_buckets[ref.name])
        return None

    def stale_finding(self, doc: DocFile, differences: tuple[Difference, ...]) -> Finding:
        refs = list(dict.fromkeys(d.ref for d in differences))
        for ref in refs:
            self.stale.add((doc.name, ref))
        said = "; ".join(d.text for d in differences)
        expected, actual = _stale_values(differences)
        return doc_finding(
            "doc-stale",
            doc.name,
            expected,
            actual,
            f"{doc.name} is out of date: {said}.",
            path=self.docs.path(doc.name),
            line=min(d.line for d in differences),
            about=", ".join(r.name for r in refs),
        )

    # --- the status of one object ----------------------------------------------------------

    def object_docs(self, ref: ObjectRef, doc: str | bool) -> ObjectDocs:
        files = tuple(f.name for f in self.pages_of.get(ref, ()))
        declared_missing = (isinstance(doc, str) and self.docs.file(doc) is None) or (doc is True and not files)
        if declared_missing:
            name = doc if isinstance(doc, str) else f"NN-{ref.name}.md"
            said = f"doc: {doc}" if isinstance(doc, str) else "doc: true"
            where = f"{self.docs.folder} has no {name}" if self.docs.exists else f"there is no {name}"
            message = f"The inventory says {ref.kind} {ref.name} is documented ({said}), but {where}."
            self.add(doc_finding("doc-missing", ref.name, name, None, message), ref)
            state = "missing"
        elif not files:
            state = "undocumented"
        elif any(f in self.stubs for f in files):
            state = "stub"
        elif any((f, ref) in self.stale for f in files):
            state = "stale"
        else:
            state = "documented"
        return ObjectDocs(ref, self.groups.get(ref), files, state, tuple(sorted(self.notes.get(ref, ()))))


def _with(status: PageStatus, **changes) -> PageStatus:
    return replace(status, **changes)


def _groups(inventory: Inventory) -> list[tuple[ObjectRef, str | None]]:
    return [(ref, spec.group) for ref, spec in declared_objects(inventory)]


def _live_refs(inventory: Inventory, catalog: Catalog) -> dict[str, ObjectRef]:
    """The live objects of every inventoried kind that was read, by the name findings give them."""
    refs: dict[str, ObjectRef] = {}
    for kind in INVENTORIED:
        for live in catalog.live(kind) or ():
            name = live.id if kind.name == "bucket" else display_name(live.schema, live.name, inventory.default_schema)
            refs.setdefault(name, ObjectRef(kind.name, name))
    return refs


def _table_differences(reading: Reading, table: LiveTable) -> list[Difference]:
    """What the page says of the table's columns that the table contradicts: only what it states.

    Raw values, as findings carry them: the count the page states (else the number of columns
    it lists) and the table's."""
    ref, live = reading.ref, list(table.column_names)
    has = plural(len(live), "column")
    counts = reading.of("column_count")
    wrong_counts = [s for s in counts if s.value != len(live)]
    listed = reading.columns
    said = (wrong_counts or counts)[0].value if counts else len(listed)
    found = [
        Difference(ref, f"{ref.name} has {has}, the page says {s.value} (line {s.line})", s.line, said, len(live))
        for s in wrong_counts
    ]
    live_folded = {name.casefold() for name in live}
    gone = [(name, line) for name, line in listed.items() if name not in live_folded]
    if gone:
        names = ", ".join(f"{name} (line {line})" for name, line in gone)
        text = f"it lists {names}, which {ref.name} does not have"
        found.append(Difference(ref, text, gone[0][1], said, len(live)))
    new = [name for name in live if name.casefold() not in listed] if reading.complete else []
    if new:
        first = reading.of("columns")[0].line
        text = f"its column list (line {first}) leaves out {', '.join(new)}"
        found.append(Difference(ref, text, first, said, len(live)))
    return found


def _bucket_differences(reading: Reading, bucket: LiveBucket) -> list[Difference]:
    """The settings the page states that no longer hold; raw values as {setting: value}."""
    found = []
    for statement in reading.statements:
        now = getattr(bucket, statement.field)
        if statement.value == now or (statement.field == "file_size_limit" and unit_mixup(statement.value, now)):
            continue  # prose says "1 MB" for 1 MiB as often as not: only the inventory's units are strict
        if statement.field == "public":
            text = f"{bucket.id} is {visibility(now)}, the page says {visibility(statement.value)}"
        elif statement.field == "file_size_limit":
            text = f"{bucket.id} allows {format_size(now)} per file, the page says {format_size(statement.value)}"
        else:
            text = f"{bucket.id} allows {mime_list(now)}, the page says {mime_list(statement.value)}"
        said, live = statement.value, now
        if statement.field == "allowed_mime_types":  # as lists, as JSON has them (any type: [])
            said, live = list(said or []), list(live or [])
        text += f" (line {statement.line})"
        found.append(Difference(reading.ref, text, statement.line, {statement.field: said}, {statement.field: live}))
    return found


def _stale_values(differences: tuple[Difference, ...]) -> tuple[object, object]:
    """The finding's raw `expected` and `actual`: a table's counts, a bucket's settings that differ;
    by object name when the page is stale about several."""
    said: dict[ObjectRef, object] = {}
    now: dict[ObjectRef, object] = {}
    for d in differences:
        if isinstance(d.said, dict):
            said[d.ref] = {**d.said, **said.get(d.ref, {})}
            now[d.ref] = {**d.now, **now.get(d.ref, {})}
        else:
            said.setdefault(d.ref, d.said)
            now.setdefault(d.ref, d.now)
    if len(said) == 1:
        return next(iter(said.values())), next(iter(now.values()))
    return {r.name: v for r, v in said.items()}, {r.name: v for r, v in now.items()}
