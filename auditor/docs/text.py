"""What the docs commands print and write: plain text, the same bytes for the same state."""

from __future__ import annotations

import difflib
import os
import shutil
import sys
from pathlib import Path

from auditor.docs.compare import STATES, DocsStatus
from auditor.docs.scaffold import ScaffoldPlan
from auditor.docs.scan import Unreadable, read_page_bytes
from auditor.docs.tree import DocsTree
from auditor.errors import UsageError
from auditor.model import Inventory, kind_named
from auditor.reports import write_atomically

MAX_DIFF_LINES = 40
MARKER = b"<!-- auditor:generated:start "


def terminal_width() -> int:
    """The terminal's width (COLUMNS wins; 80 when the output is no terminal)."""
    return max(shutil.get_terminal_size((80, 24)).columns, 40)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width`, broken at spaces, else after a separator (`_ - . / ,`);
    mid-word only for a word longer than the line with no separator in it."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while len(word) > width:
            cut = _cut(word, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


_SEPARATORS = ("_-/,", ".")  # preferred first: a cut before "md" of a file name reads badly


def _cut(word: str, width: int) -> int:
    """Where to break a word longer than the line: after the last separator that fits."""
    for separators in _SEPARATORS:
        cut = max(word.rfind(sep, 1, width) for sep in separators) + 1
        if cut > 0:
            return cut
    return width


_LIVE = "add --env NAME or --db-url URL"


def hanging(first: str, text: str, width: int) -> list[str]:
    """`first` then `text` wrapped, the following lines indented under the text."""
    indent = " " * len(first)
    return [(first if i == 0 else indent) + line for i, line in enumerate(wrap(text, max(width - len(first), 20)))]


def _table(rows: list[tuple[str, ...]], width: int, wrapped: tuple[int, ...]) -> list[str]:
    """Rows in columns two spaces apart; when too wide, the `wrapped` columns are narrowed and wrap."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    gaps = 2 * (len(widths) - 1)
    while sum(widths) + gaps > width:
        widest = max(wrapped, key=lambda i: widths[i])
        if widths[widest] <= 12:
            break
        widths[widest] -= 1
    lines = []
    for row in rows:
        cells = [wrap(cell, widths[i]) if i in wrapped else [cell] for i, cell in enumerate(row)]
        for depth in range(max(len(c) for c in cells)):
            parts = [(c[depth] if depth < len(c) else "").ljust(widths[i]) for i, c in enumerate(cells)]
            lines.append("  ".join(parts).rstrip())
    return lines


def status_text(inventory: Inventory, docs: DocsTree, status: DocsStatus, width: int = 80) -> str:
    total = len(status.objects)
    lines = wrap(
        f"Documentation of {inventory.project or inventory.path} in {docs.folder}: {status.documented} of {total} "
        f"{_kinds(status)} have a page that is not a stub ({status.coverage:.1f}%)",
        width,
    )
    lines += wrap(" · ".join(f"{status.count(state)} {state}" for state in STATES), width)
    lines.append("")
    rows = [("KIND", "NAME", "PAGE", "STATE", "NOTES")]
    rows += [(o.ref.kind, o.ref.name, ", ".join(o.files) or "-", o.state, ", ".join(o.rules)) for o in status.objects]
    lines += _table(rows, width, wrapped=(1, 2, 4))
    if not status.live:
        offline = f"Offline: pages were not compared with a database ({_LIVE} for the staleness checks)."
        lines += ["", *wrap(offline, width)]
    if status.findings:
        lines += ["", f"Findings ({len(status.findings)})"]
        for finding in status.findings:
            lines += hanging(f"  {finding.severity.value:<7}  {finding.rule:<18}  ", finding.message, width)
        hints = {f.rule: f.hint for f in status.findings}
        lines += ["", "How to resolve them"]
        for rule, hint in sorted(hints.items()):
            lines += hanging(f"  {rule}: ", hint, width)
    return "\n".join(lines) + "\n"


def _kinds(status: DocsStatus) -> str:
    """The kinds of the objects listed, as a phrase: "tables and buckets", "tables, views and buckets"."""
    names = [kind_named(kind).plural.replace("_", " ") for kind in dict.fromkeys(o.ref.kind for o in status.objects)]
    if len(names) < 2:
        return names[0] if names else "objects"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def scaffold_text(plan: ScaffoldPlan, folder: Path, *, dry_run: bool, live: bool, width: int = 80) -> str:
    """`folder`: the docs folder as the working directory reaches it (paths printed are usable as typed)."""
    verbs = {"create": "would create" if dry_run else "created", "refresh": "would refresh" if dry_run else "refreshed"}
    lines = []
    for write in plan.changes:
        objects = ", ".join(r.name for r in write.objects)
        lines += wrap(f"{verbs[write.action]} {folder / write.name} ({objects})", width)
    by_reason: dict[str, list[str]] = {}
    for skipped in plan.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.what)
    for reason, whats in by_reason.items():
        lines += hanging("skipped ", f"{', '.join(whats)}: {reason}", width)
    if plan.left_out:
        counted = " and ".join(f"{count} {why}" for why, count in plan.left_out)
        lines += wrap(f"Not drafted: {counted} (--all drafts them too).", width)
    if not live:
        lines += wrap(f"Offline: existing pages are not refreshed ({_LIVE} to refresh generated sections).", width)
    if not plan.changes:
        done = "Nothing to write." if plan.skipped or plan.left_out else "Nothing to write: every page is up to date."
        lines.insert(0, done)
    return "\n".join(lines) + "\n"


def read_texts(folder: Path, docs: DocsTree) -> tuple[dict[str, str], dict[str, str]]:
    """The text of every page holding a generated-section marker, line breaks as they are;
    and the pages that cannot be read (name -> why), which are left alone."""
    texts, unreadable = {}, {}
    for doc in docs.files:
        if doc.unread is not None:
            unreadable[doc.name] = f"not read ({doc.unread})"
            continue
        try:
            data = read_page_bytes(folder, doc.name)
        except Unreadable as error:
            unreadable[doc.name] = f"not read ({error})"
            continue
        if data is None or MARKER not in data:
            continue
        try:
            texts[doc.name] = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            unreadable[doc.name] = f"not UTF-8 text (line {line})"
    return texts, unreadable


def present_names(folder: Path) -> frozenset[str]:
    """Every name in the docs folder (files, folders, links), which a new doc must not replace."""
    try:
        return frozenset(os.listdir(folder))
    except FileNotFoundError:
        return frozenset()
    except OSError as error:
        raise UsageError(f"Cannot read the docs folder {folder}: {error.strerror}.") from None


def write_output(target: Path, text: str) -> None:
    if str(target) == "-":
        sys.stdout.write(text)
        return
    write_atomically(target, text, what="the inventory document")
    print(f"Written to {target}", file=sys.stderr)


def check_file(target: Path, text: str, command: str = "auditor docs inventory") -> int:
    """0 when `target` holds exactly `text`; else print a short diff and return 1. `command`
    renders the file as the check did (its environment, its output)."""
    try:
        current = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"{target} does not exist: run {command} to write it.", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"Cannot read {target}: {error}.") from None
    if current == text:
        print(f"{target} is up to date.", file=sys.stderr)
        return 0
    diff = list(
        difflib.unified_diff(
            current.splitlines(), text.splitlines(), f"{target} (committed)", f"{target} (rendered)", lineterm=""
        )
    )
    shown = diff[:MAX_DIFF_LINES]
    if len(diff) > MAX_DIFF_LINES:
        shown.append(f"... {len(diff) - MAX_DIFF_LINES} more diff lines")
    print("\n".join(shown))
    print(f"{target} is out of date: run {command} to render it again.", file=sys.stderr)
    return 1
