"""A doc page parsed with markdown-it-py into headings and blocks, each with its line number.

A block is a paragraph, a list (items with their sub-items), a table or a code fence, with the
heading it sits under and whether it lies inside a generated section (between the auditor's
marker comments). Inline markup is removed from the text (`**a**` reads `a`, `created\\_at`
reads `created_at`, a link reads as its text); code spans keep their backticks, so a reader can
tell a name written as code. HTML is invisible, as on the rendered page, but for a `<table>`,
which is read as a table (its cells' text, each row with its line).

Lines are numbered from 1, as an editor shows them. Nothing here knows what a page is about:
auditor.docs.reading decides that from these blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*\r?$", re.DOTALL | re.MULTILINE)
_GENERATED_START = re.compile(r"<!--\s*auditor:generated:start\s+(\S+)\s+(.+?)\s*-->")
_GENERATED_END = "<!-- auditor:generated:end -->"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    parent: int  # index of the enclosing heading in Page.headings; -1 for none


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class Item:
    """A list item: the lines of its own text, and its sub-items."""

    lines: tuple[Line, ...]
    children: tuple[Item, ...]

    @property
    def line(self) -> int:
        return self.lines[0].number if self.lines else 0

    @property
    def text(self) -> str:
        """The item's first line (where a column item names its column)."""
        return self.lines[0].text if self.lines else ""


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "list", "table" or "fence"
    line: int
    section: int  # index in Page.headings of the heading it is under; -1 before the first
    generated: bool  # inside an auditor generated section
    lines: tuple[Line, ...] = ()  # paragraph
    items: tuple[Item, ...] = ()  # list
    rows: tuple[tuple[Line, ...], ...] = ()  # table: one Line per cell, the header row first
    info: str = ""  # fence: its info string ("sql")
    code: str = ""  # fence: its text
    code_line: int = 0  # fence: the line its text starts on (after the ``` line; indented code: its first)


@dataclass(frozen=True)
class Page:
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...]

    def path(self, section: int) -> tuple[Heading, ...]:
        """The heading at `section` and those enclosing it, innermost first."""
        chain = []
        while section >= 0:
            chain.append(self.headings[section])
            section = self.headings[section].parent
        return tuple(chain)

    def visible_lines(self) -> list[Line]:
        """Every line of prose a reader sees (headings, paragraphs, list items, table cells),
        outside code and generated sections: where placeholders are looked for."""
        lines = [Line(h.line, h.text) for h in self.headings]
        for block in self.blocks:
            if block.generated:
                continue
            lines += block.lines
            lines += [line for item in block.items for line in _item_lines(item)]
            lines += [cell for row in block.rows for cell in row]
        return sorted(lines, key=lambda line: line.number)


def _item_lines(item: Item) -> list[Line]:
    return [*item.lines, *(line for child in item.children for line in _item_lines(child))]


@cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def parse_page(text: str) -> Page:
    """The page's headings and blocks. YAML front matter is skipped (its lines keep their numbers)."""
    text = _FRONT_MATTER.sub(lambda m: "\n" * m.group(0).count("\n"), text, count=1)
    return _Builder(_parser().parse(text)).page()


class _Builder:
    def __init__(self, tokens: list):
        self.tokens = tokens
        self.index = 0
        self.headings: list[Heading] = []
        self.blocks: list[Block] = []
        self.generated = False

    def page(self) -> Page:
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            if token.type == "heading_open":
                self.heading(token)
            elif token.type == "paragraph_open":
                lines = _lines(self.tokens[self.index + 1], token.map[0])
                self.add(Block("paragraph", token.map[0] + 1, **self.where(), lines=lines))
                self.index += 3
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                items = self.items(token.type.replace("_open", "_close"))
                self.add(Block("list", token.map[0] + 1, **self.where(), items=items))
            elif token.type == "table_open":
                line = token.map[0] + 1
                self.add(Block("table", line, **self.where(), rows=self.table()))
            elif token.type in ("fence", "code_block"):
                first = token.map[0] + 1
                code_line = first + 1 if token.type == "fence" else first
                info = token.info.strip()
                self.add(Block("fence", first, **self.where(), info=info, code=token.content, code_line=code_line))
                self.index += 1
            elif token.type == "html_block":
                self.html(token.content)
                rows = _html_table(token.content, token.map[0] + 1)
                if rows:
                    self.add(Block("table", token.map[0] + 1, **self.where(), rows=rows))
                self.index += 1
            else:  # blockquote_open/close, hr...: their content is read as it comes
                self.index += 1
        return Page(tuple(self.headings), tuple(self.blocks))

    def where(self) -> dict:
        return {"section": len(self.headings) - 1, "generated": self.generated}

    def add(self, block: Block) -> None:
        self.blocks.append(block)

    def heading(self, token) -> None:
        level = int(token.tag[1])
        parent = len(self.headings) - 1
        while parent >= 0 and self.headings[parent].level >= level:
            parent = self.headings[parent].parent
        text = " ".join(line.text for line in _lines(self.tokens[self.index + 1], token.map[0]))
        self.headings.append(Heading(level, text.strip(), token.map[0] + 1, parent))
        self.index += 3

    def html(self, content: str) -> None:
        if _GENERATED_START.search(content):
            self.generated = True
        if _GENERATED_END in content:
            self.generated = False

    def items(self, closing: str) -> tuple[Item, ...]:
        """The items of the list whose opening token is at self.index, up to `closing`."""
        self.index += 1
        items = []
        while self.tokens[self.index].type != closing:
            items.append(self.item())
        self.index += 1
        return tuple(items)

    def item(self) -> Item:
        self.index += 1  # list_item_open
        lines: list[Line] = []
        children: list[Item] = []
        while self.tokens[self.index].type != "list_item_close":
            token = self.tokens[self.index]
            if token.type == "paragraph_open":
                lines += _lines(self.tokens[self.index + 1], token.map[0])
                self.index += 3
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                children += self.items(token.type.replace("_open", "_close"))
            elif token.type == "html_block":
                self.html(token.content)
                self.index += 1
            else:  # code, tables and quotes inside an item are not read
                self.index += 1
        self.index += 1
        return Item(tuple(lines), tuple(children))

    def table(self) -> tuple[tuple[Line, ...], ...]:
        rows: list[tuple[Line, ...]] = []
        cells: list[Line] = []
        line = 0
        while self.tokens[self.index].type != "table_close":
            token = self.tokens[self.index]
            if token.type == "tr_open":
                cells, line = [], token.map[0] + 1
            elif token.type == "inline":
                cells.append(Line(line, _text(token.children or []).strip()))
            elif token.type == "tr_close":
                rows.append(tuple(cells))
            self.index += 1
        self.index += 1
        return tuple(rows)


class _HtmlTable(HTMLParser):
    """The rows of an HTML table, one Line per cell (th or td) with its text."""

    def __init__(self, first: int):
        super().__init__(convert_charrefs=True)
        self.first, self.rows, self.row, self.cell = first, [], None, None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [self.first + self.getpos()[0] - 1, ""]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(Line(self.cell[0], " ".join(self.cell[1].split())))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(tuple(self.row))
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[1] += data


def _html_table(html: str, first: int) -> tuple[tuple[Line, ...], ...]:
    """The rows of the first HTML table in a block, the header row first; () when it holds none."""
    if "<table" not in html.lower():
        return ()
    parser = _HtmlTable(first)
    parser.feed(html)
    parser.close()
    return tuple(row for row in parser.rows if row)


def _lines(inline, first: int) -> tuple[Line, ...]:
    """The inline token's text, one Line per source line (soft and hard breaks end a line)."""
    lines, parts, number = [], [], first + 1
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            lines.append(Line(number, "".join(parts).strip()))
            parts, number = [], number + 1
        else:
            parts.append(_text([child]))
    lines.append(Line(number, "".join(parts).strip()))
    return tuple(line for line in lines if line.text)


def _text(children: list) -> str:
    """Plain text of inline tokens: markup removed, code spans in backticks."""
    out = []
    for child in children:
        if child.type == "text":
            out.append(child.content)
        elif child.type == "code_inline":
            out.append(f"`{child.content}`")
        elif child.type == "image":
            out.append(_text(child.children or []))
    return "".join(out)
