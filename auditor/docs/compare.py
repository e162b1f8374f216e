"""compare(Inventory, DocsTree, Catalog) -> doc findings and each object's documentation state.

Pure: the tree was scanned and the catalog read before. Without a catalog the staleness checks
are not made and a doc is an orphan as soon as the inventory does not declare its object.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from auditor.docs.claims import claims_for
from auditor.docs.rules import doc_finding
from auditor.docs.scan import object_refs, table_name
from auditor.docs.tree import DocClaims, DocFile, DocsTree, ObjectRef
from auditor.model import Catalog, Finding, Inventory, LiveBucket, LiveTable
from auditor.sizes import format_size
from auditor.wording import mime_list, plural, visibility

_TABLE_CLAIMS = frozenset({"columns", "column_count"})

STATES = ("documented", "stale", "stub", "missing", "undocumented")
"""documented: a doc that is neither a stub nor stale; missing: the inventory says documented, no file
is found; undocumented: no doc, as the inventory says. Coverage counts documented and stale."""


@dataclass(frozen=True)
class ObjectDocs:
    ref: ObjectRef
    group: str | None
    files: tuple[str, ...]  # the doc files about it
    state: str  # one of STATES
    rules: tuple[str, ...]  # codes of the doc findings about it


@dataclass(frozen=True)
class DocsStatus:
    objects: tuple[ObjectDocs, ...]  # every declared table and bucket, in inventory order
    findings: tuple[Finding, ...]  # sorted as reports sort them
    live: bool  # whether a catalog was compared (staleness checked)

    @property
    def documented(self) -> int:
        return sum(o.state in ("documented", "stale") for o in self.objects)

    @property
    def coverage(self) -> float:
        """Percentage of declared tables and buckets with a doc that is not a stub."""
        return 100.0 * self.documented / len(self.objects) if self.objects else 100.0

    def count(self, state: str) -> int:
        return sum(o.state == state for o in self.objects)


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
        self.live = catalog is not None
        self.findings: list[Finding] = []
        self.notes: dict[ObjectRef, set[str]] = defaultdict(set)
        self.claims: dict[ObjectRef, list[DocFile]] = defaultdict(list)
        self.stubs: set[str] = set()
        self.stale: set[tuple[str, ObjectRef]] = set()

    def add(self, code: str, name: str, expected: object, actual: object, message: str, *refs: ObjectRef) -> None:
        self.findings.append(doc_finding(code, name, expected, actual, message))
        for ref in refs:
            self.notes[ref].add(code)

    def run(self) -> DocsStatus:
        for doc in self.docs.files:
            refs = self.documented_by(doc)
            for ref in refs:
                self.claims[ref].append(doc)
            if refs or (doc.slug is not None and not self.is_meta(doc.number)):
                self.check_stub(doc, refs)
            self.check_number(doc)
            for ref in refs:
                self.check_stale(doc, ref, tuple(r for r in refs if r != ref))
        for ref, files in self.claims.items():
            if len(files) > 1:
                names = [f.name for f in files]
                self.add(
                    "doc-duplicate",
                    ref.name,
                    1,
                    len(names),
                    f"{len(names)} docs are about {ref.kind} {ref.name}: {', '.join(names)}.",
                    ref,
                )
        objects = tuple(self.object_docs(ref, doc) for ref, doc in self.declared)
        ordered = tuple(sorted(self.findings, key=lambda f: f.sort_key))
        return DocsStatus(objects, ordered, self.live)

    # --- which object a doc is about -------------------------------------------------------

    def documented_by(self, doc: DocFile) -> list[ObjectRef]:
        """The inventory's links, else the object the file name names; reports orphans and undeclared docs."""
        if doc.links:
            return [link.ref for link in doc.links]
        if doc.slug is None or self.is_meta(doc.number):
            return []
        ref = self.resolve(doc.slug)
        if ref is None:
            where = "declared in the inventory or in the database" if self.live else "declared in the inventory"
            self.add(
                "doc-orphan",
                doc.name,
                True,
                False,
                f"{doc.name} is about {doc.slug}, which is no table or bucket {where}.",
            )
            return []
        if self.doc_of.get(ref) is False:
            self.add(
                "doc-undeclared",
                doc.name,
                False,
                True,
                f"{doc.name} documents {ref.kind} {ref.name}, which the inventory says has no doc.",
                ref,
            )
        return [ref]

    def resolve(self, slug: str) -> ObjectRef | None:
        for ref, _ in self.declared:
            if ref.name == slug:
                return ref
        if self.live_tables is not None and slug in self.live_tables:
            return ObjectRef("table", slug)
        if self.live_buckets is not None and slug in self.live_buckets:
            return ObjectRef("bucket", slug)
        return None

    def is_meta(self, number: int | None) -> bool:
        """A number in a naming range that no group uses (e.g. 00-09 system and meta docs)."""
        if number is None:
            return False
        in_naming = any(low <= number <= high for (low, high), _ in self.inventory.naming)
        in_group = any(low <= number <= high for low, high in self.ranges.values())
        return in_naming and not in_group

    # --- checks of one doc -----------------------------------------------------------------

    def check_stub(self, doc: DocFile, refs: list[ObjectRef]) -> None:
        if doc.placeholder is None and doc.size >= self.docs.stub_bytes:
            return
        self.stubs.add(doc.name)
        if doc.placeholder is not None:  # raw values: no placeholder expected, the one found
            expected, actual, why = None, doc.placeholder, f"still says {doc.placeholder!r}"
        else:  # the least size expected, the size found
            expected, actual = self.docs.stub_bytes, doc.size
            why = f"has {doc.size} bytes (a stub is under {self.docs.stub_bytes})"
        self.add("doc-stub", doc.name, expected, actual, f"{doc.name} is a stub: it {why}.", *refs)

    def check_number(self, doc: DocFile) -> None:
        """A file the naming convention governs (not one the inventory names) must sit in its group's range."""
        if doc.number is None:
            return
        refs = [link.ref for link in doc.links if not link.named] if doc.links else self.claimed_by_name(doc)
        for ref in refs:
            group = self.groups.get(ref)
            bounds = self.ranges.get(group) if group else None
            if bounds and not bounds[0] <= doc.number <= bounds[1]:
                span = f"{bounds[0]:02d}-{bounds[1]:02d}"
                self.add(
                    "doc-misnumbered",
                    doc.name,
                    list(bounds),
                    doc.number,
                    f"{doc.name} documents {ref.kind} {ref.name} of group {group}, whose docs are numbered {span}.",
                    ref,
                )
                return

    def claimed_by_name(self, doc: DocFile) -> list[ObjectRef]:
        if doc.slug is None or self.is_meta(doc.number):
            return []
        ref = next((r for r, _ in self.declared if r.name == doc.slug), None)
        return [ref] if ref else []

    def check_stale(self, doc: DocFile, ref: ObjectRef, others: tuple[ObjectRef, ...]) -> None:
        claims = claims_for(doc.sections, ref, others)
        if not claims.stated:
            return
        table = self.live_tables.get(ref.name) if ref.kind == "table" and self.live_tables is not None else None
        if table is not None and table.columns_visible:  # columns hidden from the role: not compared
            stale = _stale_table(claims, table) if claims.stated & _TABLE_CLAIMS else None
        elif ref.kind == "bucket" and self.live_buckets is not None and ref.name in self.live_buckets:
            stale = _stale_bucket(claims, self.live_buckets[ref.name])
        else:
            return
        if stale is not None:
            expected, actual, why = stale
            self.stale.add((doc.name, ref))
            self.add("doc-stale", doc.name, expected, actual, f"{doc.name} is out of date: {why}.", ref)

    # --- the status of one object ----------------------------------------------------------

    def object_docs(self, ref: ObjectRef, doc: str | bool) -> ObjectDocs:
        files = tuple(f.name for f in self.claims.get(ref, ()))
        declared_missing = (isinstance(doc, str) and self.docs.file(doc) is None) or (doc is True and not files)
        if declared_missing:
            name = doc if isinstance(doc, str) else f"NN-{ref.name}.md"
            said = f"doc: {doc}" if isinstance(doc, str) else "doc: true"
            where = self.docs.folder if self.docs.exists else f"{self.docs.folder} (which does not exist)"
            self.add(
                "doc-missing",
                ref.name,
                name,
                None,
                f"The inventory says {ref.kind} {ref.name} is documented ({said}), but {where} has no {name}.",
                ref,
            )
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


def _groups(inventory: Inventory) -> list[tuple[ObjectRef, str | None]]:
    tables = [(ObjectRef("table", table_name(inventory, t.schema, t.name)), t.group) for t in inventory.tables]
    return tables + [(ObjectRef("bucket", b.id), b.group) for b in inventory.buckets]


def _stale_table(claims: DocClaims, table: LiveTable) -> tuple[int, int, str] | None:
    """(what the doc says, what the table has, why) when the doc's columns or count are out of date."""
    live = [c.name for c in table.columns]
    new = [c for c in live if c not in claims.columns] if "columns" in claims.stated else []
    gone = [c for c in claims.columns if c not in live]
    said = claims.column_count if "column_count" in claims.stated else len(claims.columns)
    if not (new or gone or said != len(live)):
        return None
    why = f"{table.name} has {plural(len(live), 'column')}, the doc says {said}"
    why += f"; the doc leaves out {', '.join(new)}" if new else ""
    why += f"; the doc lists {', '.join(gone)}, which the table no longer has" if gone else ""
    return said, len(live), why


def _stale_bucket(claims: DocClaims, bucket: LiveBucket) -> tuple[dict, dict, str] | None:
    """(what the doc says, what the bucket is, why) for the settings the doc states that no longer hold:
    the first two as {setting: raw value}."""
    said: dict[str, object] = {}
    now: dict[str, object] = {}
    why: list[str] = []
    if "public" in claims.stated and claims.public != bucket.public:
        said["public"], now["public"] = claims.public, bucket.public
        why.append(f"{bucket.id} is {visibility(bucket.public)}, the doc says {visibility(claims.public)}")
    if "file_size_limit" in claims.stated and claims.file_size_limit != bucket.file_size_limit:
        said["file_size_limit"], now["file_size_limit"] = claims.file_size_limit, bucket.file_size_limit
        limits = format_size(bucket.file_size_limit), format_size(claims.file_size_limit)
        why.append(f"{bucket.id} allows {limits[0]} per file, the doc says {limits[1]}")
    if "allowed_mime_types" in claims.stated and claims.allowed_mime_types != bucket.allowed_mime_types:
        said["allowed_mime_types"] = list(claims.allowed_mime_types or [])
        now["allowed_mime_types"] = list(bucket.allowed_mime_types or [])
        why.append(
            f"{bucket.id} allows {mime_list(bucket.allowed_mime_types)}, "
            f"the doc says {mime_list(claims.allowed_mime_types)}"
        )
    if not said:
        return None
    return said, now, "; ".join(why)
