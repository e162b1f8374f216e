"""docs folder -> DocsTree: the only part of the docs package that reads files."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from auditor.docs.claims import find_placeholder, parse_sections
from auditor.docs.tree import DocFile, DocLink, DocsTree, ObjectRef
from auditor.errors import UsageError
from auditor.model import Inventory

DOC_NAME = re.compile(r"^(\d{2,3})-(.+)\.md$")
MAX_DOC_BYTES = 1024 * 1024  # a doc page larger than this is read only that far


def docs_path(inventory: Inventory) -> Path | None:
    """The docs folder, relative to the inventory file; None when the inventory names none."""
    if not inventory.docs_folder:
        return None
    return Path(inventory.path).parent / inventory.docs_folder


def object_refs(inventory: Inventory) -> list[tuple[ObjectRef, str | bool]]:
    """Every declared table and bucket, with its `doc` value, in inventory order."""
    tables = [(ObjectRef("table", table_name(inventory, t.schema, t.name)), t.doc) for t in inventory.tables]
    return tables + [(ObjectRef("bucket", b.id), b.doc) for b in inventory.buckets]


def table_name(inventory: Inventory, schema: str, name: str) -> str:
    return name if schema == inventory.default_schema else f"{schema}.{name}"


def split_name(file_name: str) -> tuple[int | None, str | None]:
    """(12, "profiles") for "12-profiles.md"; (None, None) for a name without the NN- prefix."""
    match = DOC_NAME.match(file_name)
    return (int(match.group(1)), match.group(2)) if match else (None, None)


def scan_docs(inventory: Inventory) -> DocsTree | None:
    """Read the inventory's docs folder (its *.md files, not sub-folders); None without `docs.folder`."""
    folder = docs_path(inventory)
    if folder is None:
        return None
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"The docs folder {folder} (docs.folder in {inventory.path}) is not a folder.")
    files = []
    if folder.is_dir():
        try:
            paths = sorted(p for p in folder.iterdir() if p.suffix == ".md" and p.is_file())
        except OSError as error:
            raise UsageError(f"Cannot read the docs folder {folder}: {error.strerror}.") from None
        files = [read_doc(path) for path in paths]
    links = _links(inventory, [f.name for f in files])
    files = [replace(f, links=links.get(f.name, ())) for f in files]
    return DocsTree(inventory.docs_folder, folder.is_dir(), tuple(files), inventory.docs_stub_bytes)


def read_doc(path: Path) -> DocFile:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DOC_BYTES)
    except OSError as error:
        raise UsageError(f"Cannot read the doc {path}: {error.strerror}.") from None
    text = data.decode("utf-8", errors="replace")
    number, slug = split_name(path.name)
    return DocFile(
        name=path.name,
        number=number,
        slug=slug,
        size=path.stat().st_size,
        placeholder=find_placeholder(text),
        sections=parse_sections(text),
    )


def _links(inventory: Inventory, names: list[str]) -> dict[str, tuple[DocLink, ...]]:
    """File name -> what the inventory says it documents (`doc: file`, or `doc: true` found by name)."""
    links: dict[str, list[DocLink]] = {}
    slugs = {name: split_name(name)[1] for name in names}
    for ref, doc in object_refs(inventory):
        if isinstance(doc, str):
            if doc in slugs:
                links.setdefault(doc, []).append(DocLink(ref, named=True))
        elif doc:
            for name, slug in slugs.items():
                if slug == ref.name:
                    links.setdefault(name, []).append(DocLink(ref, named=False))
    return {name: tuple(found) for name, found in links.items()}
