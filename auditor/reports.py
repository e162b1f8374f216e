"""Writing files so that a reader never sees half of one: reports, doc pages, inventories."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from auditor.errors import UsageError


def write_atomically(path: Path, text: str, *, what: str = "the report", create_only: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    The text is written as given (no newline translation). An existing file keeps its mode; a new
    one gets 0o666 less the umask, as `open` would give it (mkstemp's 0600 would hide it from the
    rest of the team). `create_only`: never replace a file already at `path`. `what` names the
    file in error messages ("Cannot write the report to ...").
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            os.chmod(temporary, mode)
            if create_only:
                os.link(temporary, path)  # fails if `path` exists: nothing is replaced
                os.unlink(temporary)
            else:
                os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except FileExistsError:
        if create_only and (path.exists() or path.is_symlink()):
            raise UsageError(f"Cannot write {what} to {path}: a file is there already; it was not replaced.") from None
        raise UsageError(f"Cannot write {what} to {path}: a folder on that path is a file.") from None
    except NotADirectoryError:
        raise UsageError(f"Cannot write {what} to {path}: a folder on that path is a file.") from None
    except OSError as error:
        raise UsageError(f"Cannot write {what} to {path}: {error.strerror}.") from None


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
