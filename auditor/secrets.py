"""Keeping secrets out of text that came from elsewhere (a server's error, an API's answer).

A server may echo a secret in another form than the one the auditor sent: cut short, lower
or upper case, split differently (a password libpq read as part of a host name), escaped in a
JSON string (`ab"cd\\ef` as `ab\\"cd\\\\ef`). So a secret, and its JSON-escaped spelling, is
removed whole wherever it stands as a token of its own, in any case, and so is every run of
FRAGMENT or more of its characters, wherever it stands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

MASK = "********"
FRAGMENT = 8
"""The shortest piece of a secret that is removed wherever it appears (a shorter one is too
likely to be an ordinary word: a password 'postgres1' must not hide the user 'postgres')."""


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret of `secrets`, and every FRAGMENT-character piece of one, masked."""
    secrets = {spelling for s in secrets if s for spelling in (s, *_json_spellings(s))}
    if not secrets or not text:
        return text
    folded = _fold(text)
    hidden = bytearray(len(text))
    for secret in secrets:
        wanted = _fold(secret)
        if len(wanted) >= FRAGMENT:
            pieces = {wanted[i : i + FRAGMENT] for i in range(len(wanted) - FRAGMENT + 1)}
            for start in range(len(folded) - FRAGMENT + 1):
                if folded[start : start + FRAGMENT] in pieces:
                    hidden[start : start + FRAGMENT] = b"\1" * FRAGMENT
        else:  # short: only as a token of its own, so that 'p' does not mangle 'supported'
            for match in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(wanted)}(?![A-Za-z0-9])", folded):
                hidden[match.start() : match.end()] = b"\1" * (match.end() - match.start())
    if not any(hidden):
        return text
    parts, start = [], 0
    for match in re.finditer(b"\1+", bytes(hidden)):
        parts += [text[start : match.start()], MASK]
        start = match.end()
    return "".join(parts) + text[start:]


def _fold(text: str) -> str:
    """Lower case, one character for one (a character whose lower case is longer is kept), so
    that positions in the folded text are positions in the original."""
    if text.isascii():
        return text.lower()
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _json_spellings(secret: str) -> set[str]:
    """The secret as it stands inside a JSON string, non-ASCII characters escaped (\\u00e9) or not."""
    return {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
