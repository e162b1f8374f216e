"""Whether a page was never written: small, still holding placeholders, or mostly empty headings.

A template can be long, so size alone does not find it. Its signs, looked for in the prose a
reader sees (never in code, HTML comments or a generated section):
- a marker: TODO, TBD, FIXME (in capitals: "todo" in prose is a word), or a line that is only
  "Coming soon", "To be documented", "Lorem ipsum..." (after an optional `Label:`);
- a bracketed instruction left in place: `[List components/pages that use this table]`,
  `Used by: [Document the callers]` (a capitalised phrase of two words or more in brackets,
  making up the whole line after an optional label; links and `[ ]` checkboxes are not);
- a template's own words: "this template" (`How to use this template`), or a column row
  left as the template wrote it (`| column_name | data_type | ... |`, `- column_name (data_type)`);
- headings with nothing under them: two or more, and more than half of the headings below
  the page title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.docs.markdown import Heading, Line, Page

_CODE = re.compile(r"`[^`]*`")
_MARKER = re.compile(r"(?<![\w-])(TODO|TBD|FIXME)(?![\w-])")
_PHRASE = re.compile(
    r"^(?:[^:]{1,40}:\s*)?_?(coming soon|to be documented|to be written|to be added|lorem ipsum\b.*)[_.!…]*$", re.I
)
_TEMPLATE = re.compile(r"\bthis template\b", re.I)
_TEMPLATE_ROW = re.compile(r"\b(?:column|field|col)_name\b.*\b(?:data|column|field)_type\b", re.I)
_BRACKETED = re.compile(r"^(?:[^:\[\]]{1,40}:\s*)?\[([A-Z][^\[\]]*\s[^\[\]]*)\][.…]*$")


@dataclass(frozen=True)
class StubSigns:
    placeholders: tuple[Line, ...]  # the lines holding a placeholder
    empty_headings: tuple[Heading, ...]
    headings: int  # headings below the title

    @property
    def mostly_empty(self) -> bool:
        empty = len(self.empty_headings)
        return empty >= 2 and 2 * empty > self.headings


def stub_signs(page: Page) -> StubSigns:
    joined = (  # a table row as one line; its cells are visible lines already, so only a row the
        # template left (`column_name | data_type`) is added, never a second sighting of a cell's TODO
        Line(row[0].number, " | ".join(cell.text for cell in row))
        for block in page.blocks
        if not block.generated
        for row in block.rows[1:]
        if row
    )
    rows = [line for line in joined if _TEMPLATE_ROW.search(line.text.replace("`", ""))]
    lines = sorted([*page.visible_lines(), *rows], key=lambda line: line.number)
    placeholders = tuple(line for line in lines if placeholder_in(line.text))
    used = {block.section for block in page.blocks}
    filled = set()
    for index in used:  # a heading with content below it, at any depth, is not empty
        while index >= 0 and index not in filled:
            filled.add(index)
            index = page.headings[index].parent
    below_title = [i for i in range(len(page.headings)) if not (i == 0 and page.headings[0].level == 1)]
    empty = tuple(page.headings[i] for i in below_title if i not in filled)
    return StubSigns(placeholders, empty, len(below_title))


def placeholder_in(text: str) -> str | None:
    """The placeholder `text` holds ("TODO", "Coming soon", "[Describe ...]"), or None; code spans are not read."""
    if match := _TEMPLATE_ROW.search(text.replace("`", "")):
        return match.group(0)
    text = _CODE.sub("", text)
    if match := _TEMPLATE.search(text):
        return match.group(0)
    if match := _MARKER.search(text):
        return match.group(1)
    plain = text.strip().strip("*_").strip()
    if match := _PHRASE.match(plain):
        return match.group(1)
    if match := _BRACKETED.match(plain):
        return f"[{match.group(1)}]"
    return None
