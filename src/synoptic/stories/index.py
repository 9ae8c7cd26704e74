"""Sub-linear candidate search over article vectors: random-hyperplane LSH in numpy.

Each of `tables` hash tables maps a unit vector to `bits` signs of its dot products with fixed
random hyperplanes (seeded, so keys are stable across runs and processes). Two vectors with
cosine similarity s share one table's bucket with probability (1 - arccos(s)/pi) ** bits, so
near neighbours collide in at least one table while a query reads only its own `tables`
buckets, never the whole store. Buckets are capped at query time to their newest members, which
keeps the cost bounded even for a crowded region of the space (a long-running story).

The bucket storage sits behind `BucketStore`: a dict in memory, or SQLite tables in the store
(`synoptic.store.stories`), so the same index persists across runs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


@cache
def _planes(dim: int, tables: int, bits: int, seed: int) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((tables, bits, dim)).astype(np.float32)


@dataclass(frozen=True)
class HyperplaneLSH:
    """The hash family: `tables` independent keys of `bits` bits for each vector."""

    dim: int
    tables: int = 24
    bits: int = 8
    seed: int = 20180601

    def keys(self, vectors: Matrix) -> npt.NDArray[np.int64]:
        """Bucket keys, shape (n, tables); each key is an integer below 2 ** bits."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        planes = _planes(self.dim, self.tables, self.bits, self.seed)
        signs = np.einsum("tbd,nd->ntb", planes, vectors) > 0
        weights = (1 << np.arange(self.bits, dtype=np.int64)).reshape(1, 1, -1)
        out: npt.NDArray[np.int64] = (signs.astype(np.int64) * weights).sum(axis=2)
        return out


class BucketStore(Protocol):
    """Where bucket memberships live: `(table, key) -> article ids`, newest last."""

    def add_keys(self, rows: Sequence[tuple[str, Sequence[int]]]) -> None:
        """Record each article id under its key in every table."""
        ...

    def add_table_keys(self, rows: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> None:
        """Record each article id under the given `(table, key)` buckets."""
        ...

    def members(self, table_keys: Sequence[tuple[int, int]], per_bucket: int) -> list[str]:
        """Article ids in these buckets, at most `per_bucket` (the newest) from each."""
        ...


class MemoryBuckets:
    """Buckets in a dict, for runs without a store."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[int, int], list[str]] = defaultdict(list)

    def add_keys(self, rows: Sequence[tuple[str, Sequence[int]]]) -> None:
        self.add_table_keys([(i, list(enumerate(keys))) for i, keys in rows])

    def add_table_keys(self, rows: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> None:
        for article_id, table_keys in rows:
            for table, key in table_keys:
                self._buckets[(table, int(key))].append(article_id)

    def members(self, table_keys: Sequence[tuple[int, int]], per_bucket: int) -> list[str]:
        out: list[str] = []
        for tk in table_keys:
            out.extend(self._buckets.get(tk, [])[-per_bucket:])
        return out


class VectorIndex:
    """Approximate nearest-neighbour candidates for unit vectors, backed by a BucketStore."""

    def __init__(self, lsh: HyperplaneLSH, buckets: BucketStore, per_bucket: int = 64) -> None:
        self.lsh = lsh
        self.buckets = buckets
        self.per_bucket = per_bucket

    def add(self, ids: Sequence[str], vectors: Matrix) -> None:
        keys = self.lsh.keys(vectors)
        self.buckets.add_keys([(i, [int(k) for k in row]) for i, row in zip(ids, keys, strict=True)])

    def candidates(self, vector: Matrix, exclude: Iterable[str] = ()) -> list[str]:
        """Ids sharing at least one bucket with `vector`, most collisions first."""
        keys = self.lsh.keys(vector)[0]
        found = self.buckets.members([(t, int(k)) for t, k in enumerate(keys)], self.per_bucket)
        return by_collisions(found, exclude)


def by_collisions(found: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """Distinct ids found in buckets, most often found first (ties by id), without `exclude`."""
    skip = set(exclude)
    counts: dict[str, int] = defaultdict(int)
    for article_id in found:
        if article_id not in skip:
            counts[article_id] += 1
    return sorted(counts, key=lambda i: (-counts[i], i))


TERM_TABLE = 1_000  # bucket table of the term index, clear of the LSH tables 0 .. tables - 1


def term_bucket(term: str) -> int:
    """A stable signed 63-bit bucket key for a term (the same in every process and run)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big") >> 1


class TermIndex:
    """Candidates sharing an article's most distinctive terms (an inverted index over its top
    IDF-weighted terms, in the same bucket store as the LSH): it finds articles that report the
    same specifics when their static vectors fall into different LSH buckets. Each posting list
    is read capped to its newest members, so a query costs at most `terms * per_bucket` ids."""

    def __init__(self, buckets: BucketStore, terms: int, per_bucket: int) -> None:
        self.buckets = buckets
        self.terms = terms
        self.per_bucket = per_bucket

    def _keys(self, weights: Mapping[str, float]) -> list[tuple[int, int]]:
        top = sorted(weights, key=lambda w: (-weights[w], w))[: self.terms]
        return [(TERM_TABLE, term_bucket(w)) for w in top]

    def add(self, article_id: str, weights: Mapping[str, float]) -> None:
        self.buckets.add_table_keys([(article_id, self._keys(weights))])

    def candidates(self, weights: Mapping[str, float], exclude: Iterable[str] = ()) -> list[str]:
        """Ids sharing at least one top term, most shared terms first."""
        return by_collisions(self.buckets.members(self._keys(weights), self.per_bucket), exclude)
