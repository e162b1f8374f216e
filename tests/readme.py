"""The shell commands README.md shows, read from README.md itself, so that the tests and CI run
what a reader copies: a README that drifts from the tool fails.

`python3 tests/readme.py quick-start-script` prints the Quick start as one bash script, with a
check after the demo (which exits 1: its database has drifted); .ci/run runs it in its fresh
clone. Standard library only: it runs before any virtual environment exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


def manual_pages() -> list[Path]:
    """README.md and the manual's pages under docs/ (not the project's own doc pages in
    docs/database, which the auditor reads as data)."""
    pages = sorted(path for path in (REPO / "docs").rglob("*.md") if "database" not in path.parts)
    return [README, *pages]


def section(heading: str, text: str | None = None) -> str:
    """The text of the `## heading` section, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8") if text is None else text
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if match is None:
        raise LookupError(f"README.md has no section '## {heading}'")
    return match.group(1)


def shell_blocks(text: str) -> list[str]:
    """The contents of the ```sh blocks in `text`."""
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.M | re.S)


def commands(text: str) -> list[str]:
    """Every command line of the ```sh blocks in `text` (backslash continuations joined)."""
    lines = []
    for block in shell_blocks(text):
        lines += [line for line in re.sub(r"\\\n\s*", "", block).splitlines() if line.strip()]
    return lines


def quick_start() -> list[str]:
    return commands(section("Quick start"))


def quick_start_script() -> str:
    """The Quick start's commands as one bash script, run as a reader types them into one shell."""
    demo, tests = quick_start()
    return "\n".join(
        [
            "set -u",
            "# Quick start, first command, as README.md prints it",
            demo,
            "status=$?",
            '[ "$status" -eq 1 ] || { echo "the demo exited $status, not 1 (its drift)" >&2; exit 1; }',
            '[ -s reports/audit.md ] && [ -s reports/audit.json ] || { echo "the demo wrote no reports" >&2; exit 1; }',
            "# Quick start, second command",
            tests,
            "",
        ]
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["quick-start-script"]:
        sys.exit("usage: python3 tests/readme.py quick-start-script")
    sys.stdout.write(quick_start_script())
