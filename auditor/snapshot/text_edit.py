"""Editing YAML as text, at the places PyYAML's node tree points to.

Every change is a splice of the original text (replace this value, insert these lines after
that one, delete those lines), so everything outside the changed lines stays byte for byte:
comments, blank lines, key order, quoting, indentation. No YAML is ever re-dumped.

PyYAML's block collections end where the next token starts (after any trailing comments), so
where a collection's content ends is computed from its last value instead.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from auditor import yaml_nodes as yn
from auditor.errors import UsageError

_ALIAS = re.compile(r"\s*\*[^\s,\[\]{}#]+")


# Which side of an insert's place it belongs to, when several inserts share one place.
NEWLINE = -1  # the line break a file without one at its end needs before anything is added there
AFTER = 0  # the end of what comes before: a key added to the entry above, a list item appended
BEFORE = 1  # the start of what follows: a new entry, a gone-marker above the next entry


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str
    side: int = AFTER


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; inserts at one place go by side, then in the order they were made."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[1].side, item[0]))
    for (_, before), (_, after) in itertools.pairwise(ordered):
        if before.end > after.start:
            raise AssertionError(f"overlapping edits at {before.start}-{before.end} and {after.start}-{after.end}")
    for _, edit in reversed(ordered):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


class Document:
    """The text of a YAML file and its node tree, with the positions edits need."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.root = yn.compose(text)

    # --- lines ---------------------------------------------------------------------------

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Index just after the newline ending the line that holds `index` (or the end of the text)."""
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def lines(self, block: str) -> str:
        """Text made with '\\n' in the file's own newline style."""
        return block.replace("\n", self.newline) if self.newline != "\n" else block

    # --- nodes ---------------------------------------------------------------------------

    @staticmethod
    def is_alias(key: yn.Node, value: yn.Node) -> bool:
        """Whether `value` is written as `*name`: the anchored node seen again, which lies before its key."""
        return value.start_mark.index < key.end_mark.index

    def value_span(self, key: yn.Node, value: yn.Node) -> tuple[int, int]:
        """Where `value` is written after `key`: an alias is its `*name`, not the anchored node."""
        if self.is_alias(key, value):
            colon = self.text.index(":", key.end_mark.index) + 1
            match = _ALIAS.match(self.text, colon)
            if not match:
                raise self.cannot(key, "its value is written in a way the editor does not follow")
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            return start, match.end()
        return value.start_mark.index, self.content_end(value)

    def content_end(self, node: yn.Node) -> int:
        """Where a node's own text ends (a block collection: where its last value ends)."""
        if isinstance(node, yn.MappingNode) and node.flow_style is not True and node.value:
            key, value = node.value[-1]
            return self.value_span(key, value)[1]
        if isinstance(node, yn.SequenceNode) and node.flow_style is not True and node.value:
            return self.item_end(node, len(node.value) - 1)
        if isinstance(node, yn.ScalarNode) and node.style in ("|", ">"):
            return self._block_scalar_end(node)
        return node.end_mark.index

    def item_end(self, sequence: yn.SequenceNode, index: int) -> int:
        item = sequence.value[index]
        if index > 0 and item.start_mark.index < sequence.value[index - 1].start_mark.index:
            raise self.cannot(item, "a list item is an alias")
        return self.content_end(item)

    def _block_scalar_end(self, node: yn.ScalarNode) -> int:
        """A `|` or `>` scalar's end mark is past its trailing blank lines: stop at its last text."""
        end = node.end_mark.index
        while end > node.start_mark.index and self.text[end - 1] in " \r\n":
            end -= 1
        return end

    def pairs(self, node: yn.MappingNode) -> dict[str, tuple[yn.Node, yn.Node]]:
        """A mapping's explicitly written pairs by key text (merged `<<` pairs are not editable here)."""
        return {
            key.value: (key, value)
            for key, value in node.value
            if isinstance(key, yn.ScalarNode) and key.tag != yn.MERGE_TAG
        }

    def block_indent(self, node: yn.MappingNode, default: int) -> int:
        """Column of a block mapping's keys (or `default` when it has none)."""
        return node.value[0][0].start_mark.column if node.value else default

    def cannot(self, node: yn.Node, why: str) -> UsageError:
        line = node.start_mark.line + 1
        return UsageError(f"{self.file}:{line}: cannot edit this entry: {why}. Edit it by hand, then run again.")
