"""Writing files safely: atomic replace (temp file + os.replace), and never-overwrite names."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str, *, make_parents: bool = True) -> None:
    """Replace `path` with `text` in one step: a reader (or a crash) never sees half a file.
    An existing file keeps its permissions. `make_parents=False` (a command's `-o FILE`):
    a missing directory is an error (FileNotFoundError), as it is for a shell's `>`."""
    path = Path(path)
    if path.is_symlink():  # e.g. a dotfiles manager's link: update the file it points to
        path = path.resolve()
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise FileNotFoundError(2, "no such directory", str(path.parent))
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new_file(directory: Path, stem: str, suffix: str, text: str) -> Path:
    """Create `stem.suffix` in `directory`, else `stem-2.suffix`, `stem-3.suffix`...; never
    overwrites (exclusive create, so two exports at once cannot collide either)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        path = directory / (f"{stem}.{suffix}" if n == 1 else f"{stem}-{n}.{suffix}")
        try:
            with path.open("x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            return path
        except FileExistsError:
            n += 1
