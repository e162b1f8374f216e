"""Writing report files so that a reader never sees half a report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from auditor.errors import UsageError


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (FileExistsError, NotADirectoryError):
        raise UsageError(f"Cannot write the report to {path}: a folder on that path is a file.") from None
    except OSError as error:
        raise UsageError(f"Cannot write the report to {path}: {error.strerror}.") from None
