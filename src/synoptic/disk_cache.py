"""Data that takes seconds to build and never changes between runs, kept on disk: `cached`.

Some per-process data costs more to build than a small run takes to analyse (the gazetteer: CLDR
names of every supported language plus GeoNames' cities, about 3 s). A command-line run, a web job
and each test process would build it again. `cached` keeps it as a pickle in the user's cache
folder, under a key that hashes everything the data is built from (the code and data files that
build it, the versions of the packages it reads, the settings), so that any change rebuilds it.

Where: `SYNOPTIC_CACHE_DIR`, else `$XDG_CACHE_HOME/synoptic`, else `~/.cache/synoptic`.
`SYNOPTIC_CACHE_DIR=off` turns the cache off. A folder that cannot be written, or a file that cannot
be read back, only costs the build: the data is built and the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ENV = "SYNOPTIC_CACHE_DIR"
#: Versions of one named item kept (the newest by time of writing): enough for runs that alternate
#: between a few settings, and old versions do not pile up.
KEEP_VERSIONS = 4
_log = logging.getLogger(__name__)


def cache_off() -> bool:
    """Whether the cache is turned off: asked once a word by the entity rules (`word_freq`), so it reads
    the environment alone (building `cache_dir`'s path took 0.5 s of CPU a run there)."""
    return os.environ.get(ENV, "").lower() == "off"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if cache_off():
        return None
    chosen = os.environ.get(ENV, "")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synoptic"


def key_of(parts: Iterable[str | bytes]) -> str:
    """A hex digest of `parts` and of the Python version (pickles are read by the version that wrote them)."""
    digest = hashlib.sha256(sys.version.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


def file_parts(paths: Iterable[Path]) -> list[bytes]:
    """The names and contents of files, as key parts."""
    return [p.name.encode() + b"\0" + p.read_bytes() for p in sorted(paths)]


def package_version(name: str) -> str:
    """The installed version of a distribution, or "absent"."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def path_of(name: str, parts: Iterable[str | bytes]) -> Path | None:
    """Where `cached` keeps the build of `name` with these key parts (None: the cache is off)."""
    folder = cache_dir()
    return None if folder is None else folder / f"{name}-{key_of(parts)}.pickle"


def cached(name: str, parts: Iterable[str | bytes], build: Callable[[], T]) -> T:
    """`build()`, read from the cache when a build with the same key parts was kept, else built and kept."""
    path = path_of(name, parts)
    if path is None:
        return build()
    try:
        with path.open("rb") as f:
            value: T = pickle.load(f)
        return value
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build it again
        _log.warning("rebuilding %s: the cached copy %s could not be read (%s)", name, path, exc)
    value = build()
    _keep(path.parent, path, value)
    return value


def _keep(folder: Path, path: Path, value: object) -> None:
    """Write `value` to `path` whole or not at all, then drop the oldest versions of the same name."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        _log.warning(
            "could not keep %s in the cache folder %s (%s); it is built again next run", path.name, folder, exc
        )
        return
    name = path.name.rsplit("-", 1)[0]
    versions = sorted(folder.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in versions[KEEP_VERSIONS:]:
        old.unlink(missing_ok=True)
