"""Wrapping text for a terminal: at spaces, and inside a long value (a URL, a path) after a
separator such as / . : @, so that a word is cut in the middle only when nothing else fits.

rich wraps at spaces only and folds a longer word wherever the line ends
(`aws-0-eu-central-1.poo` / `ler.supabase.com`); these functions choose the breaks and let
rich keep the styles. rich is imported only by the functions that take its Text: an error
message of a quick command is wrapped without it.
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_WORD = re.compile(r"\S+")
# A piece of a long word: up to and including a separator (or the word's end).
_PIECE = re.compile(r"[^/.:@?&=,;+]*(?:[/.:@?&=,;+]+|$)")

MAX_WIDTH = 120
"""Reports are laid out at most this wide: longer lines are hard to read on a wide terminal."""


def line_spans(text: str, width: int, hang: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each line `text` wraps to: the first line `width` wide, the others `width - hang`."""
    width = max(width, 10)
    spans: list[tuple[int, int]] = []
    start = end = None  # the line being filled

    def room() -> int:
        return width - (hang if spans else 0)

    for word in _WORD.finditer(text):
        if start is not None and word.end() - start <= room():
            end = word.end()
            continue
        if word.end() - word.start() <= width - hang:  # fits on a line of its own
            if start is not None:
                spans.append((start, end))
            start, end = word.start(), word.end()
            continue
        for piece_start, piece_end in _pieces(word.start(), word.group(), width - hang):
            if start is not None and piece_end - start <= room():
                end = piece_end
                continue
            if start is not None:
                spans.append((start, end))
            start, end = piece_start, piece_end
    if start is not None:
        spans.append((start, end))
    return spans or [(0, 0)]


def _pieces(offset: int, word: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of the pieces a long word may be cut into: after separators, and every
    `width` characters within a piece longer than a line."""
    pieces = []
    for match in _PIECE.finditer(word):
        if match.start() == match.end():
            continue
        for cut in range(match.start(), match.end(), max(width, 1)):
            pieces.append((offset + cut, offset + min(cut + width, match.end())))
    return pieces


def wrap(text: Text, width: int, indent: int = 0, hang: int | None = None) -> list[Text]:
    """`text` as lines at most `width` wide: the first indented by `indent`, the others by `hang`
    (default: `indent`), styles kept, no trailing spaces."""
    from rich.text import Text

    hang = indent if hang is None else hang
    spans = line_spans(text.plain, width - indent, hang - indent)
    lines = []
    for number, (start, end) in enumerate(spans):
        line = Text(" " * (indent if number == 0 else hang))
        line.append_text(text[start:end])
        lines.append(line)
    return lines


def print_wrapped(console: Console, text: Text, indent: int = 0, hang: int | None = None) -> None:
    """Print `text` wrapped to the console's width (at most MAX_WIDTH)."""
    for line in wrap(text, report_width(console), indent, hang):
        console.print(line, no_wrap=True, crop=False, soft_wrap=False)


def report_width(console: Console) -> int:
    return min(console.width, MAX_WIDTH)


def for_terminal(message: str, stream: TextIO) -> str:
    """`message` wrapped to the terminal's width (at most MAX_WIDTH) when `stream` is a terminal,
    each line's continuation indented two more than the line; as it is otherwise, so that a
    log or a pipe keeps one line per message for grep."""
    try:
        if not stream.isatty():
            return message
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return message
    width = min(shutil.get_terminal_size().columns, MAX_WIDTH)
    lines = []
    for line in message.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        spans = line_spans(line[indent:], width - indent, 2)
        lines += [
            " " * (indent + 2 * (n > 0)) + line[indent + start : indent + end] for n, (start, end) in enumerate(spans)
        ]
    return "\n".join(lines)
