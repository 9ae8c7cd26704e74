"""The corpus stage `stories`: cluster this run's documents into stories (incrementally with a store).

When the composition root (`api.py`) fills the `STORY_MEMORY` slot (with the store's memory, migration
2), clustering state persists, so a later run only places its new articles; without it, state lives
in memory for the run. The clusterer can be
swapped through the context resource `stories:clusterer` (`SingletonClusterer` switches it off).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..models import Story
from ..pipeline import Context, CorpusState, corpus_stage
from .cluster import Clusterer, StreamingClusterer
from .features import Signals, build_signals
from .memory import STORY_MEMORY, MemoryStoryMemory


def default_clusterer(ctx: Context) -> Clusterer:
    """The run's clusterer: streaming, with the provided (store's) memory, else one in memory."""

    def build() -> Clusterer:
        return StreamingClusterer(ctx.provided(STORY_MEMORY) or MemoryStoryMemory())

    return ctx.resource("stories:clusterer", build)


def representative_title(members: Sequence[Signals], fallback: str | None) -> str:
    """The headline of the member closest to the others (the medoid of E5 title + lead vectors)."""
    if len(members) == 1 or not members:
        return members[0].title if members else (fallback or "")
    m = np.stack([s.fine for s in members])
    centrality = (m @ m.T).sum(axis=1)
    best = int(np.argmax(centrality))
    return members[best].title or fallback or ""


def build_stories(signals: Sequence[Signals], assignment: dict[str, str], clusterer: Clusterer) -> list[Story]:
    """Stories of this run's articles, largest first, articles in publication order."""
    groups: dict[str, list[Signals]] = defaultdict(list)
    for sig in sorted(signals, key=lambda s: (s.day is None, s.day or 0, s.id)):
        groups[assignment[sig.id]].append(sig)
    stories = [
        Story(id=sid, title=representative_title(members, clusterer.title(sid)), articles=tuple(s.id for s in members))
        for sid, members in groups.items()
    ]
    return sorted(stories, key=lambda s: (-len(s.articles), s.id))


@corpus_stage("stories", requires=["text", "metadata", "entities"], provides=["stories"])
def stories_stage(state: CorpusState, ctx: Context) -> CorpusState:
    docs = state.documents
    signals = build_signals(docs, ctx, state.entities)
    clusterer = default_clusterer(ctx)
    assignment = clusterer.assign(signals)
    return replace(state, stories=tuple(build_stories(signals, assignment, clusterer)))
