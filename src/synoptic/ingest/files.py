"""Finding input files: every path given or found in a folder is either a regular file to read or
a reason why it is not read (no such file, unreadable folder, FIFO, device, symbolic-link loop).

Nothing is skipped without a word except hidden names (`.git`, `.DS_Store`) inside folders, which
`Settings.follow_hidden` controls. Special files are never opened: reading `/dev/zero` or a FIFO
would never end.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings
from .safe import display_path


@dataclass(frozen=True)
class Found:
    """An input: `file` to read, or `problem` saying why it is not read. `display` names it safely."""

    display: str
    file: Path | None
    problem: str | None = None


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _stat_problem(path: str, exc: OSError) -> str:
    """Why `os.stat(path)` failed, in words."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop, not followed"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link (its target does not exist)" if os.path.lexists(path) else "no such file or folder"
    return f"cannot read: {exc.strerror or exc}"


def _entry(path: str) -> Found | os.stat_result:
    """The stat of `path` (symbolic links followed), or a Found naming the problem."""
    try:
        return os.stat(path)
    except OSError as exc:
        return Found(display_path(path), None, _stat_problem(path, exc))


def iter_inputs(paths: Iterable[str | os.PathLike[str]], settings: Settings) -> Iterator[Found]:
    """Every input, folders walked recursively (files in sorted order of their paths)."""
    for raw in paths:
        path = os.fspath(raw)
        st = _entry(path)
        if isinstance(st, Found):
            yield st
        elif stat.S_ISDIR(st.st_mode):
            yield from sorted(_walk(path, settings), key=lambda f: f.display)
        else:
            yield _file(path, st)


def _file(path: str, st: os.stat_result) -> Found:
    if stat.S_ISREG(st.st_mode):
        return Found(display_path(path), Path(path))
    return Found(display_path(path), None, f"{_kind(st.st_mode)}, not a regular file: not read")


def _walk(root: str, settings: Settings) -> Iterator[Found]:
    """Files under `root`; unreadable folders, special files and links to folders are reported."""
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        yield from _folder_errors(errors)
        if not settings.follow_hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".")]
        for name in sorted(dirs):
            full = os.path.join(folder, name)
            if os.path.islink(full):
                yield Found(display_path(full), None, "symbolic link to a folder, not followed (it could loop)")
        for name in sorted(files):
            full = os.path.join(folder, name)
            st = _entry(full)
            yield st if isinstance(st, Found) else _file(full, st)
    yield from _folder_errors(errors)


def _folder_errors(errors: list[OSError]) -> Iterator[Found]:
    while errors:
        exc = errors.pop(0)
        name = exc.filename if isinstance(exc.filename, str) else "?"
        yield Found(display_path(name), None, f"cannot read folder: {exc.strerror or exc}")
