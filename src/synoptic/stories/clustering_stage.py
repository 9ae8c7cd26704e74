"""The corpus stage `stories`: cluster this run's documents into stories (incrementally with a store).

When the composition root (`api.py`) fills the `STORY_MEMORY` slot (with the store's memory, migration
2), clustering state persists, so a later run only places its new articles; without it, state lives
in memory for the run. The clusterer is chosen by name (`--set stories.clusterer=singleton` switches
clustering off) from `CLUSTERERS`, where a user registers their own factory; a context resource
`stories:clusterer` set beforehand wins over both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from ..embed import Embedder, Matrix, e5_embedder
from ..models import Article, Document, Story
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage
from ..registry import Registry
from .cluster import Calibration, Clusterer, ScaleParams, Settling, SingletonClusterer, StreamingClusterer
from .features import SignalParams, Signals, build_signals, lead_vectors, stored_leads
from .memory import STORY_MEMORY, MemoryStoryMemory, RefreshingLeads


@dataclass(frozen=True)
class StoryParams(Params):
    """The stories stage's choice of clusterer (its weights are `cluster.Calibration`, fitted on ECB+)."""

    section: ClassVar[str] = "stories"
    clusterer: str = param(
        "streaming", "the clusterer registered under this name; 'singleton' keeps every article apart"
    )


def streaming_clusterer(ctx: Context) -> Clusterer:
    """Streaming clustering, with the provided (store's) memory, else one in memory."""
    memory = ctx.provided(STORY_MEMORY) or MemoryStoryMemory()
    return StreamingClusterer(memory, ctx.params(Calibration), ctx.params(ScaleParams))


def _singleton(ctx: Context) -> Clusterer:
    return SingletonClusterer()


#: Clusterer factories by name; `stories.clusterer` picks one.
CLUSTERERS: Registry[Callable[[Context], Clusterer]] = Registry(
    "clusterer", lambda: {"streaming": streaming_clusterer, "singleton": _singleton}
)


def lead_recipe(embedder: Embedder, chars: int) -> str:
    """Names the title + lead vectors: the encoder's stored-vectors name and the lead's characters."""
    return f"{getattr(embedder, 'vectors', embedder.name)}:{chars}"


def refresh_stored_leads(ctx: Context) -> None:
    """Bring the stored story members' title + lead vectors to this run's encoder and lead length
    (`memory.RefreshingLeads`), once after either changes, so new articles meet comparable vectors;
    each is computed as a new article's is (`features.lead_vectors`, in its stored rounding)."""
    memory = ctx.provided(STORY_MEMORY)
    if not isinstance(memory, RefreshingLeads):
        return

    def encode(articles: Sequence[Article]) -> Matrix:
        return lead_vectors([Document(article=a) for a in articles], ctx)

    memory.refresh_leads(lead_recipe(e5_embedder(ctx), ctx.params(SignalParams).lead_chars), encode)


def default_clusterer(ctx: Context) -> Clusterer:
    """The run's clusterer: the one named by `stories.clusterer`, made once per run."""
    make = CLUSTERERS.get(ctx.params(StoryParams).clusterer)
    return ctx.resource("stories:clusterer", lambda: make(ctx))


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


@corpus_stage(
    "stories",
    requires=["text", "metadata", "entities"],
    provides=["stories"],
    params=[StoryParams, SignalParams, Calibration, ScaleParams],
)
def stories_stage(state: CorpusState, ctx: Context) -> CorpusState:
    # Signals read only each article and its stored lead vector, read into one matrix as the
    # documents are decoded one at a time (the rest of a document stays encoded in a large run,
    # `Documents`); of the articles the clusterer has placed already, they read no more.
    documents = state.documents
    refresh_stored_leads(ctx)
    clusterer = default_clusterer(ctx)
    settled = clusterer.settled(documents.ids) if isinstance(clusterer, Settling) else frozenset[str]()
    leads = stored_leads(documents, len(documents), e5_embedder(ctx).dim)
    docs = [Document(article=a) for a in documents.articles()]
    signals = build_signals(docs, ctx, state.entities, settled=settled, lead=leads)
    del docs, leads
    assignment = clusterer.assign(signals)
    return replace(state, stories=tuple(build_stories(signals, assignment, clusterer)))
