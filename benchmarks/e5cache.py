"""An E5 embedder for benchmarks that keeps vectors on disk between runs and counts what the library asks for.

Benchmarks rerun often while thresholds are fitted; E5 (about 60 texts/s on two cores) would
dominate. `CountingE5` wraps the library's `E5Embedder`: texts seen in an earlier run come from a
file in the temp folder, new ones are encoded and saved. `requested` counts the distinct texts the
library asked for in this run, whether cached or not: that is the E5 cost per article the run
would pay without the benchmark cache.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
CACHE = Path(tempfile.gettempdir()) / "synoptic_bench_e5"


class CountingE5:
    """E5 vectors, memoised on disk by text hash; counts distinct texts requested."""

    name = "e5"
    dim = 384

    def __init__(self, path: Path = CACHE / "vectors.npz") -> None:
        self._path = path
        self._vectors: dict[str, Matrix] = {}
        if path.exists():
            data = np.load(path)
            self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self._inner: object | None = None
        self._dirty = False
        self.seen: set[str] = set()

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    @property
    def requested(self) -> int:
        return len(self.seen)

    def encode(self, texts: Sequence[str]) -> Matrix:
        keys = [self.key(t or " ") for t in texts]
        self.seen.update(keys)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if missing:
            from synoptic.embed import E5Embedder

            if self._inner is None:
                self._inner = E5Embedder()
            assert isinstance(self._inner, E5Embedder)
            fresh = self._inner.encode(list(missing.values()))
            self._vectors.update(zip(missing, fresh, strict=True))
            self._dirty = True
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self._dirty:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U40")
        partial = self._path.with_name(self._path.stem + ".partial.npz")
        np.savez(partial, keys=keys, vectors=np.stack(list(self._vectors.values())))
        partial.replace(self._path)  # atomic: a concurrent reader sees the old file or the new one
        self._dirty = False
