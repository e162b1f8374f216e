"""Whether a page was never written: small, still holding placeholders, or mostly empty headings.

A template can be long, so size alone does not find it. Its signs, looked for in the prose a
reader sees (never in code, HTML comments or a generated section):
- a marker: TODO, TBD, FIXME (in capitals: "todo" in prose is a word), or a line that is only
  "Coming soon", "To be documented", "Lorem ipsum..." (after an optional `Label:`);
- a bracketed instruction left in place: `[List components/pages that use this table]`,
  `Used by: [Document the callers]` (a capitalised phrase of two words or more in brackets,
  making up the whole line after an optional label; links and `[ ]` checkboxes are not);
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
    placeholders = tuple(line for line in page.visible_lines() if placeholder_in(line.text))
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
    text = _CODE.sub("", text)
    if match := _MARKER.search(text):
        return match.group(1)
    plain = text.strip().strip("*_").strip()
    if match := _PHRASE.match(plain):
        return match.group(1)
    if match := _BRACKETED.match(plain):
        return f"[{match.group(1)}]"
    return None
