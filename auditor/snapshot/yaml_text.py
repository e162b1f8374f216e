"""Writing YAML scalars so that any name PostgreSQL allows reads back as the same text.

Names are written plain when that is unambiguous (`profiles`, `image/png`) and double-quoted
otherwise: `"true"`, `"123"`, `"null"`, `"My Table"`, `"a: b"`, emoji, control characters.
PyYAML (the loader) reads YAML 1.1, where `yes`, `on` and `off` are booleans too; every plain
candidate is checked against PyYAML's own resolver, so what it would mistype gets quoted.
"""

from __future__ import annotations

import re

import yaml

# Plain only when nothing in it is special in any context (block or flow): starts with a letter,
# digit or underscore (the resolver check below quotes 123, 1e3, 2026-01-01), no ': ', no ' #',
# no flow indicators, no trailing space.
_PLAIN = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_./+*()-]| (?=[A-Za-z0-9_(]))*$")
_BLOCK_PLAIN = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_./+*()\[\],-]| (?=[A-Za-z0-9_(]))*$")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def scalar(value: object, *, flow: bool = True) -> str:
    """A YAML scalar for None, a bool, an int or a text; `flow=False` allows [ ] , (block context only)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    pattern = _PLAIN if flow else _BLOCK_PLAIN
    if pattern.match(text) and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG:
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """A double-quoted YAML scalar; escapes what YAML would not read back as written."""
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    printable = (
        code in (0x09, 0x0A, 0x0D) or 0x20 <= code <= 0x7E or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
    )
    printable = printable or (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or 0x10000 <= code <= 0x10FFFF
    if printable:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def flow_list(items: list[str] | tuple[str, ...] | None) -> str:
    """`[a, b]`, `[]`, or `null` for None."""
    if items is None:
        return "null"
    return "[" + ", ".join(scalar(item) for item in items) + "]"
