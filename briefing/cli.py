"""The command line: parse arguments, call the service, print. The TUI is imported lazily."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import os
import signal
import sqlite3
import stat
import sys
import textwrap
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefing import __version__
from briefing.config import Config, ConfigError, load_config, resolve_data_dir, resolve_feeds_path

if TYPE_CHECKING:
    from briefing.store import Store

# Each module exports register(subparsers) and a run(args, ctx) -> int set as the parser's func.
COMMAND_MODULES = [
    "briefing.commands.threads",
    "briefing.commands.feeds",
    "briefing.commands.fetch",
    "briefing.commands.doctor",
    "briefing.threads.cluster_cmd",
    "briefing.commands.export",
    "briefing.commands.importing",
    "briefing.commands.scripting",
    "briefing.commands.curate",
    "briefing.commands.triage",
]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def missing_threads(store: Store, command: str, thread_ids: Iterable[int]) -> int | None:
    """The commands' check of thread ids: None when each one names a thread; else prints
    `briefing COMMAND: no thread N, M (see ...)` and returns EXIT_USAGE."""
    missing = [str(i) for i in thread_ids if not store.thread_exists(i)]
    if not missing:
        return None
    print(
        f"briefing {command}: no thread {', '.join(missing)} (see `briefing threads --all`)",
        file=sys.stderr,
    )
    return EXIT_USAGE


def ident(text: str) -> int:
    """argparse type of a story or thread id: a whole number SQLite can hold (a huge or
    negative one is a usage error, not an OverflowError from the driver)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}") from None
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(f"no such id: {text} (ids are whole numbers from 1)")
    return value


def utf8_text(text: str) -> str:
    """argparse type of a title, name, tag or URL a command stores: UTF-8 text. Bytes typed
    in a terminal set to another encoding (cp1251 over ssh) reach Python as lone surrogates,
    which neither the cache nor feeds.toml can take: a usage error, not a traceback. UTF-8
    bytes that Python decoded in another encoding (the C locale without UTF-8 mode: ASCII,
    each byte of 'Тбилиси' a lone surrogate) are read as the UTF-8 they are."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(text).decode("utf-8")  # the bytes as typed
        except (UnicodeError, ValueError):
            pass
        raise argparse.ArgumentTypeError(
            f"not UTF-8 text: {text!r} (is the terminal's character set UTF-8?)"
        ) from None
    return text


def write_output(command: str, path: str, text: str) -> int | None:
    """Write a command's `-o FILE` (atomically; its directory must exist): None when written,
    else prints `briefing COMMAND: cannot write FILE: reason` and returns EXIT_FAIL. A FILE
    that is there but no regular file nor directory (a named pipe, /dev/stdout, a terminal,
    /dev/null) is written into, as a shell's `>` does: replacing it would put a regular file
    in its place (under /dev, as root) and leave a reader of the pipe waiting forever. So is
    one of the process's own descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N) whatever
    it is, and appended to: under `>> log` it stands for the log, which a replacement (or a
    truncation, as the shell's `> /dev/stdout` does) would empty."""
    from briefing.export.files import write_atomic

    try:
        mode = os.stat(path).st_mode  # follows links: /dev/stdout -> /proc/self/fd/1 -> pipe
    except OSError:
        mode = 0
    stream = path.startswith(("/dev/std", "/dev/fd/", "/proc/self/fd/"))
    try:
        if stream or (mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))):
            with open(path, "a", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        else:
            write_atomic(Path(path), text, make_parents=False)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileNotFoundError) and exc.filename == str(Path(path).parent):
            reason = f"no directory {exc.filename}"
        elif isinstance(exc, IsADirectoryError) or Path(path).is_dir():
            reason = "it is a directory"
        print(f"briefing {command}: cannot write {path}: {reason}", file=sys.stderr)
        return EXIT_FAIL
    return None


# SQLite's primary result codes for a file that is damaged or no database at all.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def cache_damage(exc: BaseException) -> str | None:
    """SQLite's words when `exc` says the cache file is damaged or is not a database (raised
    by a query, or the cause of Store.open's StoreError); else None."""
    for error in (exc, exc.__cause__, exc.__context__):
        if isinstance(error, sqlite3.DatabaseError) and (
            getattr(error, "sqlite_errorcode", 0) & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
        ):
            return str(error)
    return None


def damaged_text(path: Path, detail: str) -> str:
    """What doctor and every command say of a damaged cache file."""
    return f"{path} is not a briefing cache or is damaged ({detail})"


def damaged_advice(path: Path, *, doctor: bool = True) -> str:
    """What to do about it: never delete or overwrite it ourselves (it may be saved)."""
    advice = (
        f"move it aside (with any {path.name}-wal and {path.name}-shm beside it) and briefing"
        " starts a new cache"
    )
    return advice + "; `briefing doctor` checks it" if doctor else advice


def data_dir_problem(data_dir: Path) -> str | None:
    """Why `data_dir` cannot be the data directory (it, or a directory above it, is a file or
    a broken symbolic link), or None."""
    for path in (data_dir, *data_dir.parents):
        if path.exists() or path.is_symlink():
            if path.is_dir():
                return None
            what = not_a_directory(path)
            if path == data_dir:
                return f"is {what}"
            return f"cannot be made: {shown_path(path)} is {what}"
    return None


def not_a_directory(path: Path) -> str:
    """What `path`, which is there but no directory, is: 'a file', 'a broken symbolic link to
    X', ..."""
    if not path.is_symlink():
        return "a file" if path.is_file() else "not a directory"
    try:
        target = shown_path(os.readlink(path))
    except OSError:  # pragma: no cover - it was a link a moment ago
        return "a symbolic link that cannot be read"
    if path.is_file():
        return f"a symbolic link to a file ({target})"
    if path.exists():
        return f"a symbolic link to {target}, which is not a directory"
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"a symbolic link that loops ({target})"
    return f"a broken symbolic link to {target} (which does not exist)"


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: as it is, or quoted with escapes when it holds a control
    or invisible character (a terminal would act on an escape sequence in a file name)."""
    text = os.fspath(path)
    return text if text.isprintable() else repr(text)


def iso(moment: datetime | None) -> str | None:
    """A time as the commands' JSON gives it (ISO 8601), or None."""
    return moment.isoformat() if moment else None


class Context:
    """What every command needs: the chosen paths, the config and the cache, loaded on demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.feeds_path: Path = resolve_feeds_path(args.feeds)
        self.data_dir: Path = resolve_data_dir(args.data_dir)

    @property
    def cache_path(self) -> Path:
        from briefing.store import DB_FILENAME

        return self.data_dir / DB_FILENAME

    @cached_property
    def config(self) -> Config:
        return load_config(self.feeds_path)

    def open_store(self) -> Store:
        """The cache, with the configured feeds and pinned threads in it, and without the
        empty threads a killed engine run left (Store.delete_empty_threads: only those older
        than an hour, so never one a running fetch is filling). Loads the config first, so a
        bad config stops us before the cache is touched."""
        from briefing.store import Store

        config = self.config
        store = Store.open(self.data_dir)
        store.sync_feeds(config.feeds)
        store.ensure_pinned(config.threads)
        store.delete_empty_threads()
        return store


def version_text() -> str:
    import pyexpat

    return (
        f"briefing {__version__}\n"
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"{pyexpat.EXPAT_VERSION}"
    )


DESCRIPTION = """\
A terminal news-briefing reader for journalists who cover the Caucasus.

With no command, opens the reader (a keyboard-driven app) on the cached threads.
Run `briefing COMMAND --help` for a command's options and an example."""

EPILOG = """\
examples:
  briefing                          open the reader
  briefing fetch                    bring every feed up to date (for cron)
  briefing threads --json           crisis threads, for scripts
  briefing --data-dir /tmp/x doctor check the config and the cache

files:
  feeds: --feeds PATH, else $BRIEFING_FEEDS, else feeds.toml in the user config
         directory if it exists, else the shipped list
  cache: --data-dir DIR, else $BRIEFING_DATA_DIR, else the user data directory
         (`briefing doctor` prints both)

exit status:
  0  done
  1  the work failed: another fetch holds the lock, the cache stayed locked, is damaged
     or cannot be written, fetch reached none of the feeds it tried, doctor found a
     problem, an -o FILE could not be written
  2  bad usage (an unknown option, an id that names no story or thread, a --data-dir
     that is a file) or a bad feeds.toml, with nothing changed
  130 interrupted (Ctrl-C); 143 terminated (SIGTERM)"""


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The full parser; with commands=False only the options of the reader itself (opening
    the app then skips importing every command module: a faster first frame)."""
    parser = argparse.ArgumentParser(
        prog="briefing",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_options(parser)
    parser.add_argument(
        "--version", action="version", version=version_text(), help="print versions and exit"
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="open the reader without any network access (no refresh, no page downloads);"
        " refused with fetch",
    )
    if not commands:
        return parser
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def add_global_options(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """--feeds and --data-dir, accepted before or after the command name."""
    default = argparse.SUPPRESS if sub else None
    parser.add_argument("--feeds", metavar="PATH", default=default, help="the feeds.toml to use")
    parser.add_argument(
        "--data-dir", metavar="DIR", default=default, help="the directory holding the cache"
    )


def add_command(
    subparsers: argparse._SubParsersAction, name: str, help: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand parser with the shared options and an example in its --help."""
    parser = subparsers.add_parser(
        name,
        help=help,
        description=help[0].upper() + help[1:] + ".",
        epilog="example:\n" + textwrap.indent(example.strip(), "  "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_options(parser, sub=True)
    return parser


def run_app(args: argparse.Namespace, ctx: Context) -> int:
    from briefing.tui.app import run

    return run(ctx, offline=args.offline)


def opens_app(argv: Sequence[str]) -> bool:
    """True when the arguments name no command (nor --help/--version): the reader opens."""
    args = iter(argv)
    for arg in args:
        if arg in ("--feeds", "--data-dir"):
            next(args, None)
        elif arg != "--offline" and not arg.startswith(("--feeds=", "--data-dir=")):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """`briefing ARGS`: the exit status. Output cut short by its reader (`briefing threads |
    head -1`: head quits, the pipe breaks) is no failure and prints nothing more: the rest of
    the output, still in stdout's buffer, goes nowhere instead of into an 'Exception ignored'
    message and status 120 when Python flushes it at exit. --help and --version included.
    The command's own status stands: a fetch that reached no feed is 1 whatever became of
    its output; only a pipe broken mid-command (no status yet) is 0."""
    status = EXIT_OK
    try:
        status = _main(argv)
    except BrokenPipeError:
        pass
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _discard_stdout()
    return status


def _discard_stdout() -> None:
    """Point stdout's descriptor at /dev/null, so that the flush at exit has somewhere to go."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout is no file
        pass


# Commands whose stdout is a document in UTF-8 whatever the locale (as their -o FILE is).
UTF8_COMMANDS = frozenset({"export", "export-opml", "cluster"})


def _stdout_encoding(*, utf8: bool) -> None:
    """Make stdout able to print every headline when its encoding is not UTF-8 (LC_ALL=C
    with PYTHONUTF8=0, a KOI8-R or Latin-1 locale, PYTHONIOENCODING=ascii): a document
    (JSON, an export, OPML) is written in UTF-8, as README promises and as its own header
    says; text for a person stays in the locale's encoding, a letter it lacks shown as '?',
    instead of a UnicodeEncodeError at the first Georgian title."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if encoding in ("utf-8", "utf8") or not isinstance(stream, io.TextIOWrapper):
        return
    with contextlib.suppress(ValueError, OSError):
        if utf8:
            stream.reconfigure(encoding="utf-8", errors="strict")
        else:
            stream.reconfigure(errors="replace")


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _stdout_encoding(utf8=False)  # --help and usage text hold a dash or a Georgian example
    parser = build_parser(commands=not opens_app(argv))
    args = parser.parse_args(argv)
    if getattr(args, "json", False) or getattr(args, "command", None) in UTF8_COMMANDS:
        _stdout_encoding(utf8=True)
    ctx = Context(args)
    func = getattr(args, "func", run_app)
    if args.offline and func.__module__ == "briefing.commands.fetch":
        # --offline promises no network; only fetch would break that promise
        parser.error("--offline means no network: it cannot go with fetch")
    problem = data_dir_problem(ctx.data_dir)
    if problem:
        given = (
            "--data-dir" if args.data_dir
            else "$BRIEFING_DATA_DIR" if os.environ.get("BRIEFING_DATA_DIR")
            else "the default"
        )  # fmt: skip
        print(
            f"briefing: the data directory {shown_path(ctx.data_dir)} ({given}) {problem}; give the path"
            " of a directory (it is made if missing)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from briefing.store import StoreError

    try:
        with _sigterm_as_interrupt(func is not run_app):
            return int(func(args, ctx) or 0)
    except ConfigError as exc:
        print(f"briefing: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        if (detail := cache_damage(exc)) is not None:
            return damaged(ctx.cache_path, detail)
        print(f"briefing: cache error: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except sqlite3.OperationalError as exc:  # locked past the busy timeout, disk full, ...
        print(f"briefing: the cache could not be written: {exc}{write_advice(ctx, exc)}",
              file=sys.stderr)  # fmt: skip
        return EXIT_FAIL
    except sqlite3.DatabaseError as exc:  # a damaged page met by a query after opening
        if (detail := cache_damage(exc)) is None:
            raise
        return damaged(ctx.cache_path, detail)
    except Terminated:
        print("briefing: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130


class Terminated(KeyboardInterrupt):
    """SIGTERM (cron's timeout, systemd stopping a unit, `kill`) met by a command: it unwinds
    as Ctrl-C does (what was stored stays, the fetch lock and the pool go), then main() says
    so and exits 143, as the shell reports a process the signal ended."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_as_interrupt(active: bool) -> Iterator[None]:
    """While a command runs: SIGTERM raises Terminated (in the main thread, where Python runs
    signal handlers). Before, a fetch ended by SIGTERM said nothing, and the pool's resource
    tracker, outliving it, warned of 'leaked semaphore objects' on its stderr."""
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# SQLite's primary result codes for a lock held by another connection.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def write_advice(ctx: Context, exc: sqlite3.OperationalError) -> str:
    """What to do about a failed write: another program's lock passes, a read-only file or
    directory does not (trying again would not help)."""
    from briefing.store.db import read_only_hint

    if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return " (another program may be writing to it: try again)"
    return read_only_hint(ctx.cache_path)


def damaged(path: Path, detail: str) -> int:
    print(f"briefing: {damaged_text(path, detail)}: {damaged_advice(path)}", file=sys.stderr)
    return EXIT_FAIL
