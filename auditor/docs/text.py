"""What the docs commands print and write: plain text, the same bytes for the same state."""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from auditor.docs.compare import STATES, DocsStatus
from auditor.docs.scaffold import ScaffoldPlan
from auditor.docs.tree import DocsTree
from auditor.errors import UsageError
from auditor.model import Inventory
from auditor.reports import write_atomically

MAX_DIFF_LINES = 40
MARKER = b"<!-- auditor:generated:start "


def status_text(inventory: Inventory, docs: DocsTree, status: DocsStatus) -> str:
    total = len(status.objects)
    lines = [
        f"Documentation of {inventory.project or inventory.path} in {docs.folder}: {status.documented} of {total} "
        f"tables and buckets documented ({status.coverage:.1f}%)",
        " · ".join(f"{status.count(state)} {state}" for state in STATES),
        "",
    ]
    rows = [("KIND", "NAME", "DOC", "STATE", "NOTES")]
    rows += [(o.ref.kind, o.ref.name, ", ".join(o.files) or "-", o.state, ", ".join(o.rules)) for o in status.objects]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    if not docs.exists:
        lines += ["", f"The docs folder {docs.folder} does not exist."]
    if not status.live:
        lines += ["", "Offline: docs were not compared with a database (add --env NAME for the staleness checks)."]
    if status.findings:
        lines += ["", f"Findings ({len(status.findings)})"]
        lines += [f"  {f.severity.value:<7}  {f.rule:<15}  {f.message}" for f in status.findings]
        hints = {f.rule: f.hint for f in status.findings}
        lines += ["", "How to resolve them"] + [f"  {rule}: {hint}" for rule, hint in sorted(hints.items())]
    return "\n".join(lines) + "\n"


def scaffold_text(plan: ScaffoldPlan, folder: Path, *, dry_run: bool, live: bool) -> str:
    """`folder`: the docs folder as the working directory reaches it (paths printed are usable as typed)."""
    verbs = {"create": "would create" if dry_run else "created", "refresh": "would refresh" if dry_run else "refreshed"}
    lines = [f"{verbs[w.action]} {folder / w.name} ({', '.join(r.name for r in w.objects)})" for w in plan.changes]
    lines += [f"skipped {s.what}: {s.reason}" for s in plan.skipped]
    if not live:
        lines.append("Offline: existing docs are not refreshed (add --env NAME to refresh generated sections).")
    if not plan.changes:
        lines.insert(0, "Nothing to write: every doc is up to date.")
    return "\n".join(lines) + "\n"


def read_texts(folder: Path, docs: DocsTree) -> tuple[dict[str, str], dict[str, str]]:
    """The text of every page holding a generated-section marker, line breaks as they are;
    and the pages that cannot be read (name -> why), which are left alone."""
    texts, unreadable = {}, {}
    for doc in docs.files:
        try:
            data = (folder / doc.name).read_bytes()
        except OSError as error:
            unreadable[doc.name] = f"cannot be read ({error.strerror})"
            continue
        if MARKER not in data:
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


def check_file(target: Path, text: str) -> int:
    """0 when `target` holds exactly `text`; else print a short diff and return 1."""
    try:
        current = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"{target} does not exist: run auditor docs inventory to write it.", file=sys.stderr)
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
    print(f"{target} is out of date: run auditor docs inventory to render it again.", file=sys.stderr)
    return 1
