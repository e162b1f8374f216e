"""CREATE TABLE statements in a page's SQL: the table each creates and its columns, by line.

PostgreSQL's lexical rules are followed (quoted identifiers, string constants with E'' and
dollar quoting, nested block comments), and the element list of CREATE TABLE is read as its
grammar has it: an element is a column definition unless it starts a table constraint
(CONSTRAINT, CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY, EXCLUDE) or a LIKE clause. Nothing else
of SQL is needed to name a table's columns, so no SQL library is: pglast (PostgreSQL's own
parser) is 33 MB installed, sqlglot 8 MB and 100-150 ms to import, and both reject the
abbreviations docs use (`...`, a trailing comma) that this reader notes and reads past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*)
  | (?P<block>/\*)
  | (?P<dollar>\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$)
  | (?P<string>(?:[EeBbXxNn]|[Uu]&)?')
  | (?P<quoted>(?:[Uu]&)?")
  | (?P<word>[A-Za-z_\x80-\uffff][\w$\x80-\uffff]*)
  | (?P<number>\d[\w.]*)
  | (?P<punct>\.\.\.|…|::|[(),;.\[\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_TABLE_PREFIXES = ("or", "replace", "global", "local", "temp", "temporary", "unlogged")
_ELLIPSES = ("...", "…")
_CONSTRAINTS = frozenset({"constraint", "check", "unique", "primary", "foreign"})


@dataclass(frozen=True)
class Token:
    kind: str  # "word" (folded to lower case), "quoted" (as written), "punct", "string", "other"
    value: str
    offset: int


@dataclass(frozen=True)
class CreateTable:
    schema: str | None
    name: str
    line: int  # of CREATE
    columns: tuple[tuple[str, int], ...]  # (name, line)
    complete: bool  # False: an element could not be read, or LIKE copies another table's columns
    notes: tuple[tuple[int, str], ...]  # (line, what was not read and why)


class SqlError(ValueError):
    """The text cannot be split into tokens (an unterminated quote or comment)."""


def create_tables(code: str, first_line: int = 1) -> list[CreateTable]:
    """Every CREATE TABLE in `code` with a column list; `first_line` is the line `code` starts on."""
    tokens = tokenize(code)
    line_of = _Lines(code, first_line)
    tables = []
    for statement in _statements(tokens):
        table = _create_table(statement, line_of)
        if table is not None:
            tables.append(table)
    return tables


def tokenize(code: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(code):
        match = _TOKEN.match(code, position)
        assert match is not None  # `other` matches any character
        kind, start = match.lastgroup or "other", position
        position = match.end()
        if kind in ("space", "comment"):
            continue
        if kind == "block":
            position = _block_end(code, position)
        elif kind == "dollar":
            end = code.find(match.group(0), position)
            if end < 0:
                raise SqlError(f"a dollar-quoted string ({match.group(0)}) is not closed")
            tokens.append(Token("string", code[position:end], start))
            position = end + len(match.group(0))
        elif kind in ("string", "quoted"):
            quote = code[position - 1]
            escapes = kind == "string" and match.group(0)[0] in "Ee"
            value, position = _quoted(code, position, quote, escapes)
            tokens.append(Token(kind, value, start))
        elif kind == "word":
            tokens.append(Token("word", match.group(0).lower(), start))
        else:
            tokens.append(Token("punct" if kind == "punct" else kind, match.group(0), start))
    return tokens


def _block_end(code: str, position: int) -> int:
    depth = 1
    while depth:
        opening, closing = code.find("/*", position), code.find("*/", position)
        if closing < 0:
            raise SqlError("a /* comment is not closed")
        if 0 <= opening < closing:
            depth, position = depth + 1, opening + 2
        else:
            depth, position = depth - 1, closing + 2
    return position


def _quoted(code: str, position: int, quote: str, escapes: bool) -> tuple[str, int]:
    value = []
    while True:
        if position >= len(code):
            raise SqlError("a quoted " + ("identifier" if quote == '"' else "string") + " is not closed")
        char = code[position]
        if escapes and char == "\\" and position + 1 < len(code):
            value.append(code[position + 1])
            position += 2
        elif char == quote and code[position + 1 : position + 2] == quote:
            value.append(quote)
            position += 2
        elif char == quote:
            return "".join(value), position + 1
        else:
            value.append(char)
            position += 1


def _statements(tokens: list[Token]) -> list[list[Token]]:
    statements, current = [], []
    for token in tokens:
        if token.kind == "punct" and token.value == ";":
            statements.append(current)
            current = []
        else:
            current.append(token)
    statements.append(current)
    return [s for s in statements if s]


class _Lines:
    def __init__(self, code: str, first_line: int):
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", code)]
        self.first = first_line

    def __call__(self, offset: int) -> int:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return self.first + low


def _is(token: Token | None, *words: str) -> bool:
    return token is not None and token.kind == "word" and token.value in words


def _create_table(tokens: list[Token], line_of: _Lines) -> CreateTable | None:
    """The table a CREATE TABLE statement creates, if it is one with a column list."""
    if not _is(tokens[0], "create"):
        return None
    index = 1
    while index < len(tokens) and _is(tokens[index], *_TABLE_PREFIXES):
        index += 1
    if not _is(tokens[index] if index < len(tokens) else None, "table"):
        return None
    index += 1
    if [t.value for t in tokens[index : index + 3] if t.kind == "word"] == ["if", "not", "exists"]:
        index += 3
    parts, index = _qualified_name(tokens, index)
    if not parts:
        return None
    schema, name = (parts[-2] if len(parts) > 1 else None), parts[-1]
    opening = tokens[index] if index < len(tokens) else None
    if opening is None or opening.value != "(" or opening.kind != "punct":
        return None  # AS query, OF type, PARTITION OF parent: the columns come from elsewhere
    columns, complete, notes = _elements(_element_list(tokens, index), line_of)
    return CreateTable(schema, name, line_of(tokens[0].offset), tuple(columns), complete, tuple(notes))


def _qualified_name(tokens: list[Token], index: int) -> tuple[list[str], int]:
    parts = []
    while index < len(tokens) and tokens[index].kind in ("word", "quoted"):
        parts.append(tokens[index].value)
        index += 1
        if index < len(tokens) and tokens[index].kind == "punct" and tokens[index].value == ".":
            index += 1
        else:
            break
    return parts, index


def _element_list(tokens: list[Token], opening: int) -> list[list[Token]]:
    """The comma-separated elements between the parenthesis at `opening` and its match."""
    elements, current, depth = [], [], 0
    for token in tokens[opening + 1 :]:
        if token.kind == "punct" and token.value in "([":
            depth += 1
        elif token.kind == "punct" and token.value in ")]":
            if depth == 0:
                break
            depth -= 1
        elif token.kind == "punct" and token.value == "," and depth == 0:
            elements.append(current)
            current = []
            continue
        current.append(token)
    elements.append(current)
    return elements


def _elements(
    elements: list[list[Token]], line_of: _Lines
) -> tuple[list[tuple[str, int]], bool, list[tuple[int, str]]]:
    columns, complete, notes = [], True, []
    for element in elements:
        if element and element[0].value in _ELLIPSES:  # `...` for columns left out: read what follows it
            complete = False
            notes.append((line_of(element[0].offset), f"{element[0].value} stands for columns not shown"))
            element = [t for t in element if t.value not in _ELLIPSES]
        if not element:
            continue  # a trailing comma
        first = element[0]
        following = element[1] if len(element) > 1 else None
        if first.kind == "word" and (
            first.value in _CONSTRAINTS or (first.value == "exclude" and (_is(following, "using") or _opens(following)))
        ):
            continue  # a table constraint
        if _is(first, "like"):
            complete = False
            notes.append((line_of(first.offset), "LIKE copies the columns of another table"))
        elif first.kind in ("word", "quoted"):
            columns.append((first.value, line_of(first.offset)))
        else:
            complete = False
            notes.append((line_of(first.offset), f"{first.value!r} is not a column definition"))
    return columns, complete, notes


def _opens(token: Token | None) -> bool:
    return token is not None and token.kind == "punct" and token.value == "("
