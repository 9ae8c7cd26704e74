"""Incremental multilingual story clustering (after Miranda et al. 2018, "Multilingual Clustering
of Streaming News").

Articles arrive in publication order. For each new article the LSH index over static vectors
proposes candidate articles (sub-linear in the store size); their stories are scored with a
calibrated logistic combination of E5 similarity of title + lead, static similarity, overlap
of language-independent name keys (canonical entities when resolved) and the time gap. The
article joins the best story when its probability clears the threshold, or starts a new story.
Old articles are never re-clustered, so story ids stay stable across runs: a story's id is
derived from the article that started it.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .features import Signals
from .index import HyperplaneLSH, MemoryBuckets, VectorIndex
from .memory import StoryMemory


@dataclass(frozen=True)
class Calibration:
    """Weights of the join probability, fitted by logistic regression on ECB+ train pairs
    (benchmarks/bench_stories.py --fit); the threshold was tuned on ECB+ train only."""

    bias: float = -33.0
    fine: float = 30.0
    coarse: float = 4.0
    keys: float = 9.0
    cross_lingual: float = 0.04  # E5 cosines of one story sit ~0.04 lower across languages
    gap_free_days: float = 7.0
    gap_weight: float = 1.5  # logit lost per week beyond the free gap
    threshold: float = 0.5
    link_max: float = 0.5


def story_id_for(article_id: str) -> str:
    """A story's stable id, from the article that started it."""
    return "s-" + hashlib.sha256(article_id.encode()).hexdigest()[:12]


def key_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Set cosine of two key sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def pair_logit(a: Signals, b: Signals, cal: Calibration) -> float:
    """Log-odds that two articles report the same story."""
    fine = float(np.dot(a.fine, b.fine))
    coarse = float(np.dot(a.coarse, b.coarse))
    if a.language != b.language:
        fine += cal.cross_lingual
    logit = cal.bias + cal.fine * fine + cal.coarse * coarse + cal.keys * key_overlap(a.keys, b.keys)
    if a.day is not None and b.day is not None:
        gap = abs(a.day - b.day) - cal.gap_free_days
        if gap > 0:
            logit -= cal.gap_weight * gap / 7.0
    return logit


def story_logit(member_logits: Sequence[float], cal: Calibration) -> float:
    """Log-odds that an article belongs to a story: a blend of its best and its mean member link,
    so one look-alike member cannot chain two stories together (single link) and a large story
    is not diluted (average link)."""
    best = max(member_logits)
    mean = sum(member_logits) / len(member_logits)
    return cal.link_max * best + (1.0 - cal.link_max) * mean


def probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))


def average_link(n: int, links: dict[tuple[int, int], float], threshold: float) -> list[set[int]]:
    """Average-link agglomeration of n items over sparse similarities (a missing pair counts 0),
    merging the closest pair of groups while their average similarity reaches `threshold`."""
    groups: dict[int, set[int]] = {i: {i} for i in range(n)}
    sums: dict[tuple[int, int], float] = dict(links)
    heap = [(-v / 1.0, a, b) for (a, b), v in sums.items() if v >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in groups or b not in groups:
            continue
        current = sums.get((a, b), 0.0) / (len(groups[a]) * len(groups[b]))
        if abs(current + neg) > 1e-12:
            continue
        groups[a] |= groups.pop(b)
        touched: dict[int, float] = defaultdict(float)
        for (x, y), v in list(sums.items()):
            if a in (x, y) or b in (x, y):
                del sums[(x, y)]
                other = y if x in (a, b) else x
                if other not in (a, b):
                    touched[other] += v
        for other, v in touched.items():
            key = (min(a, other), max(a, other))
            sums[key] = v
            avg = v / (len(groups[a]) * len(groups[other]))
            if avg >= threshold:
                heapq.heappush(heap, (-avg, key[0], key[1]))
    return list(groups.values())


class Clusterer(Protocol):
    """Assigns each article a story id; articles already clustered keep theirs."""

    def assign(self, signals: Sequence[Signals]) -> dict[str, str]: ...

    def title(self, story_id: str) -> str | None: ...


class SingletonClusterer:
    """The do-nothing clusterer: every article is its own story."""

    def assign(self, signals: Sequence[Signals]) -> dict[str, str]:
        return {s.id: story_id_for(s.id) for s in signals}

    def title(self, story_id: str) -> str | None:
        return None


def arrival_order(signals: Sequence[Signals]) -> list[Signals]:
    """Publication order (undated last), ties by id, so a run's result does not depend on input order."""
    return sorted(signals, key=lambda s: (s.day is None, s.day or 0, s.id))


class StreamingClusterer:
    """Clustering against a persistent memory, with LSH candidate search: each batch of new
    articles is grouped by average link, then each group joins a stored story or starts one."""

    def __init__(
        self,
        memory: StoryMemory,
        calibration: Calibration | None = None,
        *,
        max_candidates: int = 300,
        members_per_story: int = 24,
        batch_limit: int = 1000,
    ) -> None:
        self.memory = memory
        self.cal = calibration or Calibration()
        self.max_candidates = max_candidates
        self.members_per_story = members_per_story
        self.batch_limit = batch_limit
        self._index: VectorIndex | None = None

    def _index_for(self, dim: int) -> VectorIndex:
        if self._index is None:
            self._index = VectorIndex(HyperplaneLSH(dim), self.memory.buckets)
        return self._index

    def assign(self, signals: Sequence[Signals]) -> dict[str, str]:
        known = self.memory.assignments([s.id for s in signals])
        out = dict(known)
        fresh = arrival_order([s for s in {s.id: s for s in signals}.values() if s.id not in known])
        for chunk in range(0, len(fresh), self.batch_limit):
            for group in self.batch_groups(fresh[chunk : chunk + self.batch_limit]):
                story = self.existing_story(group) or story_id_for(group[0].id)
                for sig in group:
                    out[sig.id] = story
                    self.memory.add(sig, story)
                self._index_for(group[0].coarse.shape[0]).add(
                    [s.id for s in group], np.stack([s.coarse for s in group])
                )
        self.memory.flush()
        return out

    def batch_groups(self, batch: Sequence[Signals]) -> list[list[Signals]]:
        """Average-link groups of one batch of new articles, over LSH candidate pairs only."""
        if not batch:
            return []
        local = VectorIndex(HyperplaneLSH(batch[0].coarse.shape[0]), MemoryBuckets())
        local.add([s.id for s in batch], np.stack([s.coarse for s in batch]))
        position = {s.id: i for i, s in enumerate(batch)}
        links: dict[tuple[int, int], float] = {}
        for i, sig in enumerate(batch):
            for other in local.candidates(sig.coarse.reshape(1, -1), exclude=[sig.id])[: self.max_candidates]:
                j = position[other]
                if i < j:
                    links[(i, j)] = probability(pair_logit(sig, batch[j], self.cal))
        groups = average_link(len(batch), links, self.cal.threshold)
        return [[batch[i] for i in sorted(g)] for g in sorted(groups, key=min)]

    def existing_story(self, group: Sequence[Signals]) -> str | None:
        """The stored story a group of new articles joins, or None to start a new one."""
        index = self._index_for(group[0].coarse.shape[0])
        candidates: list[str] = []
        for sig in group:
            candidates += index.candidates(sig.coarse.reshape(1, -1))[: self.max_candidates]
        stories = sorted(set(self.memory.assignments(candidates).values()))
        best, best_p = None, self.cal.threshold
        for story in stories:
            members = self.memory.recent_members(story, self.members_per_story)
            if not members:
                continue
            logits = [story_logit([pair_logit(sig, m, self.cal) for m in members], self.cal) for sig in group]
            p = sum(probability(x) for x in logits) / len(logits)
            if p >= best_p:
                best, best_p = story, p
        return best

    def title(self, story_id: str) -> str | None:
        return self.memory.story_title(story_id)
