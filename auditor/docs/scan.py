"""docs folder -> DocsTree: the only part of the docs package that reads files."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.docs.markdown import parse_page
from auditor.docs.stubs import stub_signs
from auditor.docs.tree import DocFile, DocLink, DocsTree, ObjectRef
from auditor.errors import UsageError
from auditor.model import INVENTORIED, Inventory

DOC_NAME = re.compile(r"^(\d{2,3})-(.+)\.md$")
MAX_DOC_BYTES = 1024 * 1024  # a page larger than this is reported, not read


def docs_path(inventory: Inventory) -> Path | None:
    """The docs folder, relative to the inventory file; None when the inventory names none."""
    if not inventory.docs_folder:
        return None
    return Path(inventory.path).parent / inventory.docs_folder


def inventory_document_path(inventory_path: str | Path) -> Path:
    """Where `auditor docs inventory` writes the inventory document by default: docs/INVENTORY.md
    beside the inventory."""
    return Path(inventory_path).parent / "docs" / "INVENTORY.md"


def spared_paths(inventory_path: str | Path, docs_folder: Path | None) -> tuple[dict[str, Path], dict[str, Path]]:
    """What no output of a command may overwrite, as reports.check_outputs takes them: the files
    (the inventory, the inventory document beside it) and the folders (the docs folder)."""
    files = {"the inventory": Path(inventory_path), "the inventory document": inventory_document_path(inventory_path)}
    return files, ({"the docs folder": docs_folder} if docs_folder else {})


def declared_objects(inventory: Inventory) -> list[tuple[ObjectRef, Any]]:
    """Every declared object of every inventoried kind (tables, views..., buckets) with its spec,
    in the order of the kinds, then of the inventory."""
    default = inventory.default_schema
    return [
        (ObjectRef(kind.name, spec.display(default)), spec)
        for kind in INVENTORIED
        for spec in inventory.declared(kind) or ()
    ]


def object_refs(inventory: Inventory) -> list[tuple[ObjectRef, str | bool]]:
    """Every declared object with its `doc` value."""
    return [(ref, spec.doc) for ref, spec in declared_objects(inventory)]


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
            names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".md"))
        except OSError as error:
            raise UsageError(f"Cannot read the docs folder {folder}: {error.strerror}.") from None
        files = [doc for name in names if (doc := read_doc(folder, name)) is not None]
    links = _links(inventory, [f.name for f in files])
    files = [replace(f, links=links.get(f.name, ())) for f in files]
    return DocsTree(inventory.docs_folder, folder.is_dir(), tuple(files), inventory.docs_stub_bytes)


class Unreadable(Exception):
    """A page that is not read: the message says why (for a finding), `size` what it has."""

    def __init__(self, why: str, size: int = 0):
        super().__init__(why)
        self.size = size


def read_page_bytes(folder: Path, name: str) -> bytes | None:
    """The bytes of the page `name`; None for a folder (no page). Raises Unreadable.

    Only regular files are opened, without blocking (a FIFO or a device is reported, never
    read), and a symlink only when it leads to a file inside the docs folder. A page over
    MAX_DOC_BYTES is not read at all: half a page would read as a page that leaves things out.
    """
    path = folder / name
    try:
        if path.is_symlink():
            real, inside = os.path.realpath(path), os.path.realpath(folder)
            if os.path.commonpath([real, inside]) != inside:
                raise Unreadable(f"a symlink to {os.readlink(path)}, outside the docs folder: not followed")
            path = Path(real)
        if path.is_dir():
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable(f"not a regular file ({_file_type(status.st_mode)}): not read")
        data = handle.read(MAX_DOC_BYTES + 1)
    if len(data) > MAX_DOC_BYTES:
        raise Unreadable(f"over {MAX_DOC_BYTES // 1024 // 1024} MiB ({status.st_size} bytes): not read", status.st_size)
    return data


def read_doc(folder: Path, name: str) -> DocFile | None:
    number, slug = split_name(name)
    try:
        data = read_page_bytes(folder, name)
    except Unreadable as error:
        return DocFile(name, number, slug, error.size, page=None, unread=str(error))
    if data is None:
        return None
    page = parse_page(data.decode("utf-8", errors="replace"))
    return DocFile(name, number, slug, len(data), page, signs=stub_signs(page))


def _file_type(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    kinds += ((stat.S_ISSOCK, "a socket"),)
    return next((name for test, name in kinds if test(mode)), "not a file")


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
