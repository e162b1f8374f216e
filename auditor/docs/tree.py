"""The docs folder as plain immutable data: which files exist and what each one holds."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.docs.markdown import Page
from auditor.docs.stubs import StubSigns


@dataclass(frozen=True)
class ObjectRef:
    """An object a page can document, by kind ("table", "bucket"...) and the name findings give
    it: a table's display name (`profiles`, or `auth.users` outside the default schema), a bucket's id."""

    kind: str
    name: str


@dataclass(frozen=True)
class DocLink:
    """The inventory says this file documents `ref`: by naming it, or with `doc: true` (found by name)."""

    ref: ObjectRef
    named: bool


@dataclass(frozen=True)
class DocFile:
    name: str  # the file name, e.g. "12-profiles.md"
    number: int | None  # 12; None when the name has no NN- prefix
    slug: str | None  # "profiles"; None when the name is not NN-name.md
    size: int  # bytes
    page: Page | None  # None: not read (see `unread`)
    signs: StubSigns | None = None
    unread: str | None = None  # why the page was not read (a symlink leading out, too large...)
    links: tuple[DocLink, ...] = ()  # from the inventory; empty: the file name says what it documents


@dataclass(frozen=True)
class DocsTree:
    folder: str  # as the inventory names it, e.g. "docs/database"
    exists: bool
    files: tuple[DocFile, ...]
    stub_bytes: int

    def file(self, name: str) -> DocFile | None:
        return next((f for f in self.files if f.name == name), None)

    def path(self, name: str) -> str:
        """A page's path as reports show it: relative to the inventory's folder."""
        return f"{self.folder.rstrip('/')}/{name}"
