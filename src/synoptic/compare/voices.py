"""Stories and independent voices: what comparison groups articles by.

Stories come from `state.stories`, or the whole corpus is one story; related stories are compared
as one family; articles joined by a derivation that carries the source's voice count as one voice.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Story
from ..pipeline import CorpusState


def stories_of(state: CorpusState) -> tuple[Story, ...]:
    """The stories to compare: the stories layer, or one story of every document when it is absent."""
    if "stories" in state.provided or state.stories:
        return state.stories
    if not state.documents:
        return ()
    first = min(state.documents, key=lambda d: d.id)
    title = first.article.title or first.article.text[:80]
    return (Story(id="story-0", title=title, articles=tuple(d.id for d in state.documents)),)


def story_families(
    state: CorpusState, stories: Sequence[Story], shared_least: int, jaccard: float
) -> list[list[Story]]:
    """Stories compared together: those naming many of the same people, organisations and places.

    A story split by the clustering (the seeds: the Putin-Díaz-Canel call and Ryabkov's remarks)
    can still contradict its sibling, so claims are aligned and conflicts found across a family;
    unrelated stories (no or one shared entity) stay apart."""
    docs = state.documents.by_id
    keys = [
        {m.entity for a in s.articles if a in docs for m in docs[a].mentions if m.entity and m.type != "OTHER"}
        for s in stories
    ]
    parent = list(range(len(stories)))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i in range(len(stories)):
        for j in range(i + 1, len(stories)):
            shared = len(keys[i] & keys[j])
            if shared >= shared_least and shared / max(1, len(keys[i] | keys[j])) >= jaccard:
                parent[root(j)] = root(i)
    families: dict[int, list[Story]] = {}
    for i, s in enumerate(stories):
        families.setdefault(root(i), []).append(s)
    return list(families.values())


def voice_of(state: CorpusState) -> dict[str, str]:
    """Article id -> voice id: articles linked by a derivation that carries the source's voice share
    it (copy, spin, translation; a partial one when it is most of the derived article:
    `Derivation.same_voice`)."""
    parent: dict[str, str] = {d.id: d.id for d in state.documents}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in state.derivations:
        if d.same_voice():
            a, b = root(d.source), root(d.derived)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {doc_id: root(doc_id) for doc_id in parent}


def count_voices(article_ids: Sequence[str], voices: dict[str, str]) -> int:
    """How many independent voices the articles are."""
    return len({voices.get(a, a) for a in article_ids})
