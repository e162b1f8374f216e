"""The docs folder as plain immutable data: which files exist and what each one states."""

from __future__ import annotations

from dataclasses import dataclass

STATED_KEYS = ("column_count", "columns", "public", "file_size_limit", "allowed_mime_types")


@dataclass(frozen=True)
class ObjectRef:
    """A table (by its display name, e.g. `profiles` or `auth.users`) or a bucket (by id)."""

    kind: str  # "table" or "bucket"
    name: str


@dataclass(frozen=True)
class DocClaims:
    """What a doc, or part of one, states about its object; `stated` says which fields it states."""

    column_count: int | None = None
    columns: tuple[str, ...] = ()
    public: bool | None = None
    file_size_limit: int | None = None  # None with "file_size_limit" in stated: "no limit"
    allowed_mime_types: tuple[str, ...] | None = None  # None with the key stated: any type
    stated: frozenset[str] = frozenset()

    def merged(self, other: DocClaims) -> DocClaims:
        """These claims, completed by `other` where these state nothing (columns: both, in order)."""
        values = {key: getattr(self if key in self.stated else other, key) for key in STATED_KEYS}
        values["columns"] = tuple(dict.fromkeys(self.columns + other.columns))
        return DocClaims(**values, stated=self.stated | other.stated)


@dataclass(frozen=True)
class DocSection:
    """A heading (level 0 and "" for the text before the first one) and the claims under it."""

    level: int
    heading: str
    claims: DocClaims


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
    placeholder: str | None  # placeholder text found ("TODO", "Coming soon"...), if any
    sections: tuple[DocSection, ...]
    links: tuple[DocLink, ...] = ()  # from the inventory; empty: the file name says what it documents


@dataclass(frozen=True)
class DocsTree:
    folder: str  # as the inventory names it, e.g. "docs/database"
    exists: bool
    files: tuple[DocFile, ...]
    stub_bytes: int

    def file(self, name: str) -> DocFile | None:
        return next((f for f in self.files if f.name == name), None)
