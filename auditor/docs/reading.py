"""What a page says about one object, read from where it says it, each statement with its line.

Columns are read only where a page documents columns:
- a list under a heading that names columns (Columns, Schema, Fields, Structure, Table
  definition...), one column per item (`- name (type) - note`, `- name type ...`, `- name: type`,
  `- a/b (type)` and `- a, b (type)` are two; sub-items are never columns);
- a list directly under the heading that names the object (its page title), when every item
  shows a type;
- one heading per column under a columns heading (`### created_at`), when every heading right
  under it names a column (what sits under each is about that column, never columns);
- a definition list under a columns heading (`created_at` then `: timestamptz`), one column per term;
- a markdown table with a header cell Column, Column name, Field or Attribute, in any position
  (or Name, in a columns section or beside a Type header), one column per row;
- a CREATE TABLE for the object in a code fence (auditor.docs.sql).
Nothing under a heading about something else (Constraints, Indexes, Policies, Usage,
Integration, Examples...) is read. A count is read only where the page states one ("15 columns",
"Columns (15)"), and not when another object is named just before it in its sentence. Headings
and headers in a few other languages count too (Colonnes, Spalten...). Bucket settings are
read from `key: value` lines, list items and two-cell table rows whose key is one of a few
exact names.

A page about several objects states, for each, only what sits under a heading naming it (a
CREATE TABLE names its table itself). What is not read, and why, is kept for `--explain`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from auditor.docs.markdown import Block, Heading, Item, Line, Page
from auditor.docs.sql import SqlError, create_tables
from auditor.docs.tree import ObjectRef
from auditor.sizes import parse_size

COLUMNED_KINDS = ("table", "view", "materialized view")
"""Kinds of object whose pages list columns; bucket pages state settings; other kinds nothing yet."""

_STRONG_OTHER = re.compile(
    r"\b(index|indexes|indices|foreign|constraints?|triggers?|polic(?:y|ies)|rls|relationships?)\b", re.I
)
_COLUMN_WORDS = re.compile(  # and the same in French, German, Spanish, Portuguese, Dutch
    r"\b(columns?|schema|fields?|structure|definition|attributes"
    r"|colonnes?|champs|spalten?|felder|columnas?|campos|colunas?|kolommen|velden)\b",
    re.I,
)
_OTHER = re.compile(
    r"\b(keys?|usage|used by|integrations?|integration map|hooks?|examples?|quer(?:y|ies)|notes?|migrations?|"
    r"history|changelog|api|endpoints?|services?|dependenc(?:y|ies)|related|see also|security|access|"
    r"permissions?|grants?|views?|functions?|components?|consumers?|workflow|lifecycle|faq)\b",
    re.I,
)
_SUBSET = re.compile(r"\b(key|main|important|notable|selected|some|common|highlights?|example)\b", re.I)

_NAME = r"`[^`]+`|\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*"
_NAMES = re.compile(rf"^\s*({_NAME})((?:\s*(?:/|,|&|\band\b)\s*(?:{_NAME}))*)")
_NAME_SPLIT = re.compile(rf"{_NAME}")
_HEADING_NAME = re.compile(rf"\s*({_NAME})\s*(?:\([^()]*\)|[:\-–—]\s*`?[\w\[\]() ,]+`?)?\s*")
_SEPARATOR = re.compile(r"^\s*(?::|-|–|—|->|→)\s+(.*)$|^\s*:\s*(.*)$")
_PARTIAL_ITEM = re.compile(r"^(\.\.\.|…)|^etc\.?$|\band (?:many )?more\b|\bother columns\b|\.\.\.$|…$", re.I)
_TYPES = frozenset(
    re.findall(
        r"\w+",
        """uuid text varchar char character citext string int int2 int4 int8 integer smallint bigint serial serial4
        serial8 bigserial smallserial numeric decimal real float float4 float8 double money bool boolean date time
        timetz timestamp timestamptz datetime interval json jsonb bytea inet cidr macaddr tsvector tsquery xml point
        vector halfvec geometry geography ltree hstore oid enum array number object bit varbit""",
    )
)
_NOT_TYPES = frozenset(  # annotations in parentheses, not types
    re.findall(
        r"\w+",
        """pk fk primary key required optional nullable null unique default deprecated new legacy internal unused
        computed generated indexed auto see below above todo tbd etc""",
    )
)
_COLUMN_HEADERS = (
    *("column", "columns", "column name", "field", "field name", "attribute"),
    *("colonne", "nom de colonne", "champ", "spalte", "spaltenname", "feld", "columna", "campo", "coluna", "kolom"),
)
_NAME_HEADERS = ("name", "nom", "nombre", "nome", "naam")
_TYPE_HEADERS = ("type", "data type", "datatype", "column type", "typ", "datentyp", "tipo", "type de données")
_COUNT = re.compile(
    r"(?:\b(?P<n>\d+)\s+columns?\b)|(?:\b(?:columns|fields)\s*\(\s*(?P<m>\d+)\s*\))"
    r"|(?:\bcolumn count\s*[:=]?\s*(?P<c>\d+))",
    re.I,
)
_NEAR = 6  # words: how close before a count a name must be for the count to be said of it
_NOT_A_TOTAL = frozenset(re.findall(r"\w+", "first last top these those other additional extra more new following few"))
_SETTING = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(.+?)\s*$")
_SETTING_KEYS = {
    "public": ("public", "public bucket", "is public", "visibility", "bucket visibility", "access"),
    "file_size_limit": (
        "file size limit",
        "size limit",
        "max file size",
        "maximum file size",
        "file size",
        "max size",
        "max upload size",
        "upload size limit",
        "upload limit",
        "file_size_limit",
    ),
    "allowed_mime_types": (
        "allowed mime types",
        "mime types",
        "allowed types",
        "file types",
        "allowed file types",
        "content types",
        "allowed content types",
        "accepted types",
        "accepted file types",
        "accepted mime types",
        "accepted formats",
        "allowed formats",
        "allowed_mime_types",
    ),
}
_KEY_FIELD = {key: field for field, keys in _SETTING_KEYS.items() for key in keys}
_SQL_INFOS = ("", "sql", "postgresql", "postgres", "pgsql", "psql", "plpgsql")


@dataclass(frozen=True)
class Statement:
    """One thing the page states: `field` is columns, column_count or a bucket setting."""

    field: str
    value: object  # columns: ((name, line), ...); column_count: int; settings: as LiveBucket has them
    line: int
    source: str  # where it was read, for --explain: 'the list under "Columns" (line 12)'
    complete: bool = True  # columns: whether the block lists every column


@dataclass(frozen=True)
class Skip:
    """A block that was not read, and why; `partial`: it may hold columns, so those read may be incomplete."""

    line: int
    what: str
    why: str
    partial: bool = False


@dataclass(frozen=True)
class Reading:
    ref: ObjectRef
    statements: tuple[Statement, ...]
    skipped: tuple[Skip, ...]

    def of(self, field: str) -> list[Statement]:
        return [s for s in self.statements if s.field == field]

    @property
    def columns(self) -> dict[str, int]:
        """Each column name the page lists (folded to lower case), with the first line listing it."""
        names: dict[str, int] = {}
        for statement in self.of("columns"):
            for name, line in statement.value:
                names.setdefault(name.casefold(), line)
        return names

    @property
    def complete(self) -> bool:
        """Whether the columns read are all the page lists: then a live column it lacks is left out."""
        lists = self.of("columns")
        return bool(lists) and all(s.complete for s in lists) and not any(k.partial for k in self.skipped)


def read_page(
    page: Page, ref: ObjectRef, others: tuple[ObjectRef, ...] = (), known: frozenset[str] = frozenset()
) -> Reading:
    """What `page` states about `ref`; `others`: the other objects the same page documents;
    `known`: the names of every object declared or live, so that a count said of another is not taken."""
    return _Reader(page, ref, others, known).read()


def names_object(heading: str, ref: ObjectRef) -> bool:
    """Whether a heading names the object (its name, or its name without the schema)."""
    names = {ref.name, ref.name.rpartition(".")[2]}
    return any(re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])", heading, re.I) for n in names)


class _Reader:
    def __init__(self, page: Page, ref: ObjectRef, others: tuple[ObjectRef, ...], known: frozenset[str]):
        self.page, self.ref, self.others = page, ref, others
        own = {ref.name.casefold(), ref.name.rpartition(".")[2].casefold()}
        self.other_names = {name.casefold() for name in known} - own
        self.own_names = own
        self.statements: list[Statement] = []
        self.skipped: list[Skip] = []
        self.per_column: set[int] = set()  # headings that each name one column (column_headings)
        self.definitions: set[int] = set()  # first lines of paragraphs read as definition lists
        first = page.headings[0] if page.headings else None
        top = min((h.level for h in page.headings), default=0)
        # the page title: a first heading no other heading outranks is about the page's object
        self.title = 0 if first is not None and first.level == top and not others else None

    def read(self) -> Reading:
        columned = self.ref.kind in COLUMNED_KINDS
        for index, heading in enumerate(self.page.headings):
            if columned and self.owns(index) and self.context(index) != "other":
                self.count(Line(heading.line, heading.text), f'the heading "{heading.text}"')
            if columned and self.owns(index) and _heading_kind(heading.text) == "columns":
                self.column_headings(index)
        if columned:
            self.definition_lists()
        for block in self.page.blocks:
            if block.kind == "fence":
                if columned:
                    self.fence(block)
                continue
            if not self.owns(block.section):
                continue
            if self.ref.kind == "bucket":
                self.settings(block)
            elif columned:
                self.columns(block)
        by_line = sorted(self.statements, key=lambda s: s.line)
        return Reading(self.ref, tuple(by_line), tuple(sorted(self.skipped, key=lambda s: s.line)))

    # --- where a block sits ----------------------------------------------------------------

    def owns(self, section: int) -> bool:
        """Whether what sits under `section` is about the object (always, on a page about one)."""
        if not self.others:
            return True
        for heading in self.page.path(section):
            named = [r for r in (self.ref, *self.others) if names_object(heading.text, r)]
            if named:
                return named == [self.ref]
        return False

    def context(self, section: int) -> str:
        """Where a section sits: columns, object (its heading names the object, or is the title), other, neutral."""
        chain = self.page.path(section)
        if not chain:
            return "object" if not self.others else "neutral"
        kind = _heading_kind(chain[0].text)
        if kind != "neutral":
            return kind
        if names_object(chain[0].text, self.ref) or section == self.title:
            return "object"
        for heading in chain[1:]:
            outer = _heading_kind(heading.text)
            if outer == "columns":
                return "columns"
            if outer == "other":
                return "neutral"
        return "neutral"

    def under(self, block: Block) -> str:
        return self.under_section(block.section)

    def under_section(self, section: int) -> str:
        chain = self.page.path(section)
        return f'under "{chain[0].text}" (line {chain[0].line})' if chain else "before the first heading"

    # --- columns ---------------------------------------------------------------------------

    def column_headings(self, index: int) -> None:
        """One heading per column under a columns heading (`### created_at`, `### status (text)`):
        read when every heading right under it names one column."""
        below = [(i, h) for i, h in enumerate(self.page.headings) if h.parent == index]
        names = [_HEADING_NAME.fullmatch(h.text) for _, h in below]
        if not below or not all(names):
            return
        heading = self.page.headings[index]
        found = tuple((_unquote(match.group(1)), h.line) for match, (_, h) in zip(names, below, strict=True))
        where = f'the headings under "{heading.text}" (line {heading.line})'
        complete = not _subset(self.page.path(index))
        self.statements.append(Statement("columns", found, below[0][1].line, where, complete))
        self.per_column |= {i for i, _ in below}

    def definition_lists(self) -> None:
        """A definition list under a columns heading (`created_at` then `: timestamptz, ...`, as
        Pandoc and Markdown Extra write them): CommonMark reads each term and its definitions as a
        paragraph, so the paragraphs of one section whose lines are all such pairs are one list."""
        found: dict[int, list[tuple[str, int]]] = {}
        for block in self.page.blocks:
            if block.kind != "paragraph" or not self.owns(block.section) or self.context(block.section) != "columns":
                continue
            if names := _defined_terms(block.lines):
                found.setdefault(block.section, []).extend(names)
                self.definitions.add(block.line)
        for section, names in found.items():
            where = f"the definition list {self.under_section(section)}"
            complete = not _subset(self.page.path(section))
            self.statements.append(Statement("columns", tuple(names), names[0][1], where, complete))

    def columns(self, block: Block) -> None:
        if block.section in self.per_column:  # what a column's own heading says of it: not columns
            return
        if block.line in self.definitions:  # read as a definition list, a term and what defines it
            return
        context = self.context(block.section)
        for line in block.lines:
            if context != "other":
                self.count(line, f"the paragraph {self.under(block)}")
        if block.kind == "list":
            for item in block.items:
                if context != "other" and item.lines and not _column_item(item, lenient=True):
                    self.count(item.lines[0], f"the list {self.under(block)}")
            self.column_list(block, context)
        elif block.kind == "table":
            self.column_table(block, context)

    def column_list(self, block: Block, context: str) -> None:
        if context not in ("columns", "object"):
            if context == "other" or any(_column_item(i, lenient=False) for i in block.items):
                why = "a section about something else" if context == "other" else "not a section about columns"
                self.skipped.append(Skip(block.line, "list", f"{self.under(block)}: {why}"))
            return
        lenient = context == "columns"
        found: list[tuple[str, int]] = []
        rejected, partial = [], False
        for item in block.items:
            names = _column_item(item, lenient=lenient)
            if names:
                found += [(name, item.line) for name in names]
                if item.children:
                    why = f"under {names[0]}: sub-items, not columns"
                    self.skipped.append(Skip(item.children[0].line, "the items", why))
            elif _PARTIAL_ITEM.search(item.text):
                partial = True
            else:
                rejected.append(item)
        where = f"the list {self.under(block)}"
        if not found:
            return
        if rejected and not lenient:
            lines = ", ".join(str(i.line) for i in rejected)
            why = f"{self.under(block)}: items on lines {lines} are not columns, so the list is not read"
            self.skipped.append(Skip(block.line, "list", why, partial=True))
            return
        if rejected:
            lines = ", ".join(str(i.line) for i in rejected)
            self.skipped.append(Skip(rejected[0].line, "items", f"on lines {lines} of {where}: not columns"))
        complete = not partial and not rejected and not _subset(self.page.path(block.section))
        self.statements.append(Statement("columns", tuple(found), block.line, where, complete))

    def column_table(self, block: Block, context: str) -> None:
        header = [_plain(cell.text).lower() for cell in block.rows[0]] if block.rows else []
        if not header:
            return
        at = _name_column(header, sure=context in ("columns", "object"))
        if at is None:
            if context == "columns":
                why = f"{self.under(block)}: no header names the column (Column, Name, Field...)"
                self.skipped.append(Skip(block.line, "table", why))
            return
        if context == "other":
            why = f'{self.under(block)}: a section about something else (header "{block.rows[0][at].text}")'
            self.skipped.append(Skip(block.line, "table", why))
            return
        found, partial = [], False
        for row in block.rows[1:]:
            cell = row[at] if len(row) > at else Line(block.line, "")
            names = _cell_names(cell.text)
            if names:
                found += [(name, cell.number) for name in names]
            elif cell.text.strip():
                partial = True
        if found:
            where = f'the table (header "{block.rows[0][at].text}") {self.under(block)}'
            complete = not partial and not _subset(self.page.path(block.section))
            self.statements.append(Statement("columns", tuple(found), block.line, where, complete))

    def fence(self, block: Block) -> None:
        info = block.info.split()[0].lower() if block.info.split() else ""
        if info not in _SQL_INFOS:
            if self.owns(block.section) and self.context(block.section) == "columns":
                why = f"{self.under(block)}: only SQL is read in code"
                self.skipped.append(Skip(block.line, f"code ({info or 'indented'})", why))
            return
        if not re.search(r"\bcreate\b", block.code, re.I):
            return
        try:
            tables = create_tables(block.code, block.code_line)
        except SqlError as error:
            self.skipped.append(Skip(block.line, "the SQL", f"cannot be read ({error})", partial=True))
            return
        for table in tables:
            if not _creates(table.schema, table.name, self.ref):
                if not self.others:
                    self.skipped.append(Skip(table.line, f"CREATE TABLE {table.name}", "is about another table"))
                continue
            if self.context(block.section) == "other":
                why = f"{self.under(block)}: a section about something else"
                self.skipped.append(Skip(table.line, f"CREATE TABLE {table.name}", why))
                continue
            for line, note in table.notes:
                self.skipped.append(Skip(line, f"CREATE TABLE {table.name}", note))
            where = f"CREATE TABLE {table.name} (line {table.line})"
            self.statements.append(Statement("columns", table.columns, table.line, where, table.complete))

    def count(self, line: Line, where: str) -> None:
        for match in _COUNT.finditer(line.text):
            before = line.text[: match.start()].split()
            if before and before[-1].lower() in _NOT_A_TOTAL:
                continue
            number = int(match.group("n") or match.group("m") or match.group("c"))
            if other := self.said_of_other(line.text[: match.start()]):
                why = f"said of {other}, not {self.ref.name}"
                self.skipped.append(Skip(line.number, f'"{match.group(0)}"', why))
                continue
            self.statements.append(Statement("column_count", number, line.number, f'{where}: "{line.text}"'))

    def said_of_other(self, before: str) -> str | None:
        """The other object a count is said of: the name nearest before it in its sentence, within
        a few words ("Unlike `orders`, which has 7 columns"), when it is not this object's."""
        sentence = re.split(r"[.;!?](?:\s|$)", before)[-1]
        for word in reversed(re.findall(r"[\w.$-]+", sentence)[-_NEAR:]):
            if word.casefold() in self.own_names:
                return None
            if word.casefold() in self.other_names:
                return word
        return None

    # --- bucket settings -------------------------------------------------------------------

    def settings(self, block: Block) -> None:
        where = f"the {block.kind} {self.under(block)}"
        pairs: list[tuple[Line, str, str]] = []
        for line in block.lines:
            if match := _SETTING.match(line.text):
                pairs.append((line, match.group(1), match.group(2)))
        for item in _all_items(block.items):
            if item.lines and (match := _SETTING.match(item.text)):
                pairs.append((item.lines[0], match.group(1), match.group(2)))
        for row in block.rows:
            if len(row) >= 2:
                pairs.append((row[0], row[0].text, row[1].text))
        for line, key, value in pairs:
            self.setting(line, key, value, where)

    def setting(self, line: Line, key: str, raw: str, where: str) -> None:
        field = _KEY_FIELD.get(" ".join(_plain(key).lower().split()))
        if field is None:
            return
        value = _plain(raw).rstrip(".").strip()
        parsed = _setting_value(field, value)
        if parsed is _UNREAD:
            if field != "public" or _plain(key).lower() != "access":
                why = f"in {where}: not a value the auditor reads"
                self.skipped.append(Skip(line.number, f'"{_plain(key)}: {value}"', why))
            return
        self.statements.append(Statement(field, parsed, line.number, f'{where}: "{_plain(key)}: {value}"'))


def _heading_kind(text: str) -> str:
    if _STRONG_OTHER.search(text):
        return "other"
    if _COLUMN_WORDS.search(text):
        return "columns"
    if _OTHER.search(text):
        return "other"
    return "neutral"


def _subset(chain: tuple[Heading, ...]) -> bool:
    """A columns heading that says it lists some of them ("Key columns")."""
    return any(_COLUMN_WORDS.search(h.text) and _SUBSET.search(h.text) for h in chain)


def _plain(text: str) -> str:
    """Text without code and emphasis marks; the `*` of a MIME type's wildcard (`image/*`) stays."""
    return re.sub(r"(?<!/)\*(?!/)", "", text.replace("`", "")).strip()


def _name_column(header: list[str], *, sure: bool) -> int | None:
    """Which cell of a table's header (folded to lower case) holds the column names, or None.

    Column, Field, Attribute (or the same in another language) anywhere; Name when the table
    is in a columns section or under the object's heading (`sure`), or has a Type header."""
    for at, cell in enumerate(header):
        if cell in _COLUMN_HEADERS:
            return at
    if sure or any(cell in _TYPE_HEADERS for cell in header):
        for at, cell in enumerate(header):
            if cell in _NAME_HEADERS:
                return at
    return None


def _unquote(name: str) -> str:
    return name[1:-1] if name[:1] in '`"' and name[-1:] == name[:1] and len(name) > 1 else name


def _column_item(item: Item, *, lenient: bool) -> list[str]:
    """The column names a list item gives (two for `a/b (type)`), or [] when it is no column.

    `lenient` (in a columns section): a bare name, or a name and a note, is a column too.
    Elsewhere the item must show a type: `name (type)`, `name: type`, `name type ...`.
    """
    match = _NAMES.match(item.text)
    if not match:
        return []
    names = [_unquote(n) for n in _NAME_SPLIT.findall(match.group(0))]
    names = [n for n in names if n.lower() != "and"]
    rest = item.text[match.end() :]
    stripped = rest.strip()
    if not stripped:
        return names if lenient else []
    if stripped.startswith("("):
        inside = stripped[1:].split(")", 1)[0]
        return names if lenient or _type_like(inside) else []
    if separated := _SEPARATOR.match(rest):
        after = separated.group(1) if separated.group(1) is not None else separated.group(2)
        if _type_like(after, colon=True):
            return names
        return names if lenient and len(names) == 1 and not rest.lstrip().startswith(":") else []
    if rest[:1].isspace() and _known_type(stripped.split()[0]):
        return names
    return []


def _defined_terms(lines: tuple[Line, ...]) -> list[tuple[str, int]]:
    """The terms of a paragraph made only of `term` lines each followed by `: definition` lines, or []."""
    terms: list[tuple[str, int]] = []
    expecting_definition = False
    for line in lines:
        text = line.text.strip()
        if text.startswith(":") and len(text) > 1:
            if not terms:
                return []
            expecting_definition = False
        elif not expecting_definition and (match := re.fullmatch(_NAME, text)):
            terms.append((_unquote(match.group(0)), line.number))
            expecting_definition = True
        else:
            return []
    return terms if terms and not expecting_definition else []


def _cell_names(text: str) -> list[str]:
    match = _NAMES.match(text)
    if not match or _PARTIAL_ITEM.search(text.strip()):
        return []
    rest = text[match.end() :].strip()
    if rest and not rest.startswith(("(", "-", "–", "—", ":")):
        return []
    return [n for n in (_unquote(n) for n in _NAME_SPLIT.findall(match.group(0))) if n.lower() != "and"]


def _known_type(word: str) -> bool:
    base = re.split(r"[(\[,]", word.strip("`*").lower(), maxsplit=1)[0]
    return base in _TYPES or (base.startswith("_") and base[1:] in _TYPES)


def _type_like(text: str, *, colon: bool = False) -> bool:
    """Whether text (inside parentheses, or after `name:`) starts with a type.

    A known type name starts it; so does a lone identifier (an enum or domain), unless it is an
    annotation (`pk`, `required`...) or, after a colon, has no underscore (`Note: see` is no type)."""
    words = text.replace(",", " ").split()
    if not words:
        return False
    if _known_type(words[0]):
        return True
    first = words[0].strip("`")
    if not re.fullmatch(r"[A-Za-z_]\w*(\[\])?", first):
        return False
    if len(words) > 1:
        return words[1].lower() == "enum"  # `status: job_status enum`
    if colon:
        return "_" in first
    return first.lower() not in _NOT_TYPES


def _all_items(items: tuple[Item, ...]) -> list[Item]:
    return [x for item in items for x in (item, *_all_items(item.children))]


def _creates(schema: str | None, name: str, ref: ObjectRef) -> bool:
    qualified = f"{schema}.{name}" if schema else name
    return ref.name in (name, qualified) or (schema in (None, "public") and ref.name == name)


_UNREAD = object()


def _setting_value(field: str, value: str) -> object:
    lowered = value.lower()
    words = lowered.replace("(", " ").split()
    if not words:
        return _UNREAD
    if field == "public":
        if words[0].strip(",;") in ("yes", "true", "public", "✅"):
            return True
        if words[0].strip(",;") in ("no", "false", "private", "❌"):
            return False
        return _UNREAD
    if field == "file_size_limit":
        if lowered.startswith(("none", "no limit", "unlimited", "null")) or lowered == "no":
            return None
        match = re.match(r"^(\d+(?:\.\d+)?\s*[a-zA-Z]*)", value)
        if match:
            with contextlib.suppress(ValueError):
                return parse_size(match.group(1))
        return _UNREAD
    if lowered in ("any", "any type", "all", "*/*", "*", "any (no restriction)"):
        return None
    types = [t.strip().strip("`") for t in re.split(r",|\band\b", value) if t.strip()]
    if types and all(re.fullmatch(r"[\w.+-]+/[\w.+*-]+", t) for t in types):
        return tuple(sorted(set(types)))
    return _UNREAD
