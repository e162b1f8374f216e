"""Which objects have a documentation page, by file name: `NN-<name>.md` in the docs folder.

Matched by name only (as auditor.docs.scan names pages): a page documenting several tables
under another name is not found, and the object is written `doc: false` for a person to correct.
"""

from __future__ import annotations

from pathlib import Path

from auditor.docs.scan import split_name


class DocsIndex:
    """Doc pages of a folder by the object name they are named after; no folder: nothing to say."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.pages: dict[str, str] = {}
        if folder is not None and folder.is_dir():
            for path in sorted(folder.iterdir()):
                _, name = split_name(path.name)
                if name and path.is_file():
                    self.pages.setdefault(name, path.name)

    def __call__(self, name: str) -> str | bool | None:
        """The page's file name, False when there is none, None when no docs folder is known."""
        if self.folder is None:
            return None
        return self.pages.get(name, False)
