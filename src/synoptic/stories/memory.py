"""Where the clusterer keeps what it has seen: story members with their signals, and the LSH buckets.

`StoryMemory` is the small protocol (it also holds the term document frequencies of the lexical
score); `MemoryStoryMemory` keeps everything in dicts for runs without a store;
`synoptic.store.stories.SqliteStoryMemory` persists it in the SQLite store so a later run adds
articles to existing stories without re-clustering the old ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from ..embed import Matrix
from ..models import Article
from ..pipeline import Slot
from .features import Signals
from .index import BucketStore, MemoryBuckets
from .lexical import TermFrequencies


class StoryMemory(Protocol):
    buckets: BucketStore
    frequencies: TermFrequencies  # document frequencies of content terms, for the lexical score

    def assignments(self, ids: Sequence[str]) -> dict[str, str]:
        """Story id of each given article already clustered."""
        ...

    def signals(self, ids: Sequence[str]) -> list[Signals]:
        """Stored signals of these articles (unknown ids are skipped)."""
        ...

    def recent_members(self, story_id: str, limit: int) -> list[Signals]:
        """The newest `limit` members of a story."""
        ...

    def add(self, signals: Signals, story_id: str) -> None:
        """Record an article as a member of a story (new or existing)."""
        ...

    def story_title(self, story_id: str) -> str | None:
        """The headline a story was created with."""
        ...

    def flush(self) -> None:
        """Make additions durable (a no-op in memory)."""
        ...


@runtime_checkable
class RefreshingLeads(Protocol):
    """A persistent memory that knows which title + lead vectors (`recipe`: encoder and lead length)
    its members' `fine` vectors are, and replaces those of another recipe, so that stories stored
    before a change of encoder are compared with new articles in one vector space."""

    def refresh_leads(self, recipe: str, encode: Callable[[Sequence[Article]], Matrix]) -> int:
        """Re-encode (`encode`: one vector per article) the stored members of another recipe, and
        record this one for members added from now on; how many were refreshed."""
        ...


#: Where the composition root puts a persistent `StoryMemory` (the store's, when one is open).
STORY_MEMORY: Slot[StoryMemory] = Slot("stories:memory")


class MemoryStoryMemory:
    """All clustering state in dicts: fast, and gone when the run ends."""

    def __init__(self) -> None:
        self.buckets: BucketStore = MemoryBuckets()
        self.frequencies = TermFrequencies()
        self._story: dict[str, str] = {}
        self._signals: dict[str, Signals] = {}
        self._members: dict[str, list[str]] = defaultdict(list)
        self._titles: dict[str, str] = {}

    def assignments(self, ids: Sequence[str]) -> dict[str, str]:
        return {i: self._story[i] for i in ids if i in self._story}

    def signals(self, ids: Sequence[str]) -> list[Signals]:
        return [self._signals[i] for i in ids if i in self._signals]

    def recent_members(self, story_id: str, limit: int) -> list[Signals]:
        return [self._signals[i] for i in self._members.get(story_id, [])[-limit:]]

    def add(self, signals: Signals, story_id: str) -> None:
        self._story[signals.id] = story_id
        self._signals[signals.id] = signals
        self._members[story_id].append(signals.id)
        self._titles.setdefault(story_id, signals.title)

    def story_title(self, story_id: str) -> str | None:
        return self._titles.get(story_id)

    def flush(self) -> None:
        return None
