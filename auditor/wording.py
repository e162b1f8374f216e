"""How counts and bucket settings read in messages, the same words in findings, docs and reports."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """'1 column', '2 columns', '2 policies'."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}s"


def visibility(public: bool | None) -> str:
    return "public" if public else "private"


def mime_list(types: tuple[str, ...] | None) -> str:
    """The allowed MIME types, or 'any type' when none are set."""
    return ", ".join(types) if types else "any type"


def did_you_mean(name: str, known: list[str] | tuple[str, ...]) -> str:
    """' Did you mean 'prod'?' for a name close to a known one, else ''. (difflib is imported only
    for a mistyped name.)"""
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    return f" Did you mean '{close[0]}'?" if close else ""
