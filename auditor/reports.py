"""Writing outputs: reports, doc pages, inventories.

A regular file is replaced atomically (a reader never sees half of one, and a run killed midway
leaves the old file whole); anything else a path can name (a terminal, /dev/null, a FIFO, a
symlink to one of them, `-` for standard output) is written through, never replaced by a file;
a block device (a disk) and a socket are refused. A symlink to a regular file keeps pointing at
it: the file it names is replaced. An output that is appended to (the job summary) is opened for
appending instead of replaced, and written through the same way otherwise.

Temporary files are named `.NAME.XXXXXXXX.auditor-tmp` beside NAME and locked (flock) while
they are written, so that the next write of NAME removes those a killed run left behind and
leaves a running one's alone.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UsageError

STDOUT = "-"
_SUFFIX = ".auditor-tmp"
_DESCRIPTOR = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/(\d+)/fd)/(\d+)$")
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def write_output(path: str | Path, text: str, *, what: str = "the report", append: bool = False) -> None:
    """Write `text` to `path` as the module docstring says (`append`: at the end of a regular
    file, which is kept); UsageError when it cannot be written."""
    shown = str(path)
    descriptor = 1 if shown == STDOUT else standard_descriptor(shown)
    try:
        if descriptor is not None:
            _write_descriptor(descriptor, text)
        elif _is_stream(Path(path)):
            _write_through(Path(path), text)
        elif append:
            with open(path, "a", encoding="utf-8", newline="") as file:
                file.write(text)
        else:
            write_atomically(Path(path), text, what=what)
    except OSError as error:
        raise UsageError(f"Cannot write {what} to {shown}: {_reason(error)}.") from None


def write_atomically(path: Path, text: str, *, what: str = "the report", create_only: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    The text is written as given (no newline translation). An existing file keeps its mode; a new
    one gets 0o666 less the umask, as `open` would give it (mkstemp's 0600 would hide it from the
    rest of the team). `create_only`: never replace a file already at `path`. `what` names the
    file in error messages ("Cannot write the report to ..."). A path that names something other
    than a regular file (a device, a FIFO) is written through, not replaced.
    """
    path = Path(path)
    try:
        if path.is_symlink():  # replace the file the link names, and keep the link
            path = Path(os.path.realpath(path))
        if not create_only and _is_stream(path):
            _write_through(path, text)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        remove_leftovers(path)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_SUFFIX, dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held until closed: this file is not a leftover
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
                file.write(text)
                file.flush()
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
        raise UsageError(f"Cannot write {what} to {path}: {_reason(error)}.") from None


def remove_leftovers(path: Path) -> None:
    """Remove the temporary files that runs killed while writing `path` left beside it.

    A temporary file whose lock can be taken has no writer any more; one still locked is being
    written by a run under way, and is left alone.
    """
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    prefix = f".{path.name}."
    for name in names:
        if not (name.startswith(prefix) and name.endswith(_SUFFIX) and len(name) > len(prefix) + len(_SUFFIX)):
            continue
        leftover = path.parent / name
        try:
            fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                leftover.unlink(missing_ok=True)
        except OSError:  # locked: a writer is at work
            pass
        finally:
            os.close(fd)


# --- outputs that are not regular files -------------------------------------------------


def standard_descriptor(path: str) -> int | None:
    """The descriptor of this process that `path` names (/dev/stdout, /dev/fd/1, /proc/self/fd/1,
    or a symlink to one of them), or None. Such a path is written through the descriptor, as
    shells do: reopening it would truncate or overwrite a file the caller opened for appending."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on symlinks followed
        if current in _STANDARD:
            return _STANDARD[current]
        match = _DESCRIPTOR.match(current)
        if match and match.group(1) in (None, str(os.getpid())):
            return int(match.group(2))
        try:
            target = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return None


def _is_stream(path: Path) -> bool:
    """Whether `path` (its symlinks followed) exists and is something other than a regular file
    or a folder: a device, a FIFO, a socket."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_descriptor(descriptor: int, text: str) -> None:
    stream = {1: sys.stdout, 2: sys.stderr}.get(descriptor)
    if stream is not None:
        stream.write(text)
        stream.flush()
        return
    _write_all(descriptor, text.encode("utf-8"))


def _write_through(path: Path, text: str) -> None:
    """Write into a device or FIFO as it is. A FIFO nobody reads is an error, not a wait; a block
    device or a socket is refused."""
    mode = os.stat(path).st_mode
    refused = _refused(mode)
    if refused:
        raise OSError(errno.EINVAL, refused)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ENXIO and stat.S_ISFIFO(mode):
            raise OSError(errno.ENXIO, "it is a FIFO that no process reads") from None
        raise
    try:
        os.set_blocking(fd, True)
        _write_all(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def _refused(mode: int) -> str | None:
    """Why a path that is neither a regular file nor a folder is not written to: a block device
    is a disk (writing onto it would destroy what it holds); a socket cannot be opened."""
    if stat.S_ISBLK(mode):
        return "it is a block device"
    if stat.S_ISSOCK(mode):
        return "it is a socket"
    return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --- checking outputs before anything is written -----------------------------------------


@dataclass(frozen=True)
class Target:
    """One output of a run: the option that names it (or the environment variable, such as
    GITHUB_STEP_SUMMARY), the path ('-' for standard output), and what is written there as
    messages name it (by default from the option: 'the json report')."""

    option: str
    path: str
    what: str = ""

    @property
    def name(self) -> str:
        return self.what or report_name(self.option)


def check_outputs(targets: list[Target], *, inputs: dict[str, Path], folders: dict[str, Path]) -> None:
    """Raise UsageError, before any work is done, when an output cannot or must not be written.

    Two outputs may not name the same file (symlinks followed; '-' and /dev/stdout are one); no
    output may name one of `inputs` ({"the inventory": path}, whether it exists yet or not) or lie
    inside one of `folders` ({"the docs folder": path}); and each must be writable: its folder, or
    the nearest existing one above it, a writable folder, and no block device or socket.
    """
    seen: dict[object, Target] = {}
    for target in targets:
        try:
            _check_output(target, seen, inputs, folders)
        except OSError as error:  # a name too long, a symlink loop...
            raise UsageError(f"Cannot write {target.name} to {target.path}: {_reason(error)}.") from None


def _check_output(
    target: Target, seen: dict[object, Target], inputs: dict[str, Path], folders: dict[str, Path]
) -> None:
    """One output of check_outputs: `seen` holds the outputs before it, by what they name."""
    identity = _identity(target.path)
    if identity in seen:
        first = seen[identity]
        if identity == ("descriptor", 1):
            same = f"{_option(first)} and {_option(target)} both write to standard output"
        elif first.path == target.path:
            same = f"{_option(first)} and {_option(target)} name the same file {target.path}"
        else:
            same = f"{_option(first)} {first.path} and {_option(target)} {target.path} are the same file"
        raise UsageError(f"{same}: each report needs a file of its own.")
    seen[identity] = target
    for what, path in inputs.items():
        if identity == _identity(str(path)):
            raise UsageError(f"{_option(target)} {target.path} is {what}: {_writer(target)} must not overwrite it.")
    resolved = Path(os.path.realpath(target.path))
    for what, folder in folders.items():
        if target.path != STDOUT and resolved.is_relative_to(os.path.realpath(folder)):
            raise UsageError(
                f"{_option(target)} {target.path} is inside {what} {folder}: {_writer(target)} must not "
                "overwrite a page there, nor be read as one. Write it elsewhere."
            )
    problem = _unwritable(target.path)
    if problem:
        raise UsageError(f"Cannot write {target.name} to {target.path}: {problem}.")


def report_name(option: str) -> str:
    """How messages name the report an option writes: 'the report', 'the json report'."""
    return "the report" if option in ("output", "stdout") else f"the {option} report"


def _option(target: Target) -> str:
    if target.option == "stdout":
        return "the report on standard output"
    return target.option if target.option.isupper() else f"--{target.option}"  # GITHUB_STEP_SUMMARY as it is


def _writer(target: Target) -> str:
    """Who must not overwrite an input: 'a report', or what the target holds ('the schema')."""
    return target.what or "a report"


def _identity(path: str) -> object:
    """What `path` names: ('descriptor', n) for this process's descriptors, the device and inode
    of an existing file, else the absolute path with symlinks resolved."""
    descriptor = 1 if path == STDOUT else standard_descriptor(path)
    if descriptor is not None:
        return ("descriptor", descriptor)
    try:
        info = os.stat(path)
        return ("file", info.st_dev, info.st_ino)
    except OSError:
        return ("path", os.path.realpath(path))


def _unwritable(path: str) -> str | None:
    """Why a report cannot be written to `path`, or None as far as can be told beforehand."""
    if path == STDOUT or standard_descriptor(path) is not None:
        return None
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.is_dir():
        return "it is a folder"
    if _is_stream(target):
        return _refused(os.stat(target).st_mode) or (None if os.access(target, os.W_OK) else "permission denied")
    folder = target.parent
    while not folder.exists():
        if folder.is_symlink():
            return "a folder on that path is a symlink to nothing"
        folder = folder.parent
    if not folder.is_dir():
        return "a folder on that path is a file"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    return None
