"""Entities of one story named in different languages, joined by what their names mean.

Entity resolution (annotate/resolve.py) joins names by spelling: transliteration skeletons,
exonyms, inflection. A name one language translates and another keeps ("Republican Party",
"Partido Republicano", "Республиканской партии"; "Census Bureau", "Бюро переписи населения") has no
spelling in common, so it stays two entities, and the story's claims and quotes of that party do not
meet across languages. This stage compares such leftover names by their multilingual E5 vectors,
within a story only: two entities of one type, never named in a common language, whose names are
each other's best match among the story's candidates and closer than `LinkParams.min_cosine`,
become one entity. E5 also puts a topic's names together ("Covid", "Pfizer"), so what is known
keeps two apart: different gazetteer keys, a place or organisation named inside the other's name
(a part or a neighbour), two one-word names spelt unalike once romanised (a one-word name is
rendered, not translated); and a common word taken for a name needs a closer match.

Only entities that some story's language lacks are candidates, and each entity name is one short E5
text (cached by text like every E5 vector), so a story in one language, or one whose entities were
all joined by spelling, costs nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from ..annotate.gazetteer import Gazetteer, run_gazetteer
from ..annotate.names import fold, spelt_alike
from ..annotate.proper import ProperParams, is_common, language, zipf
from ..embed import Embedder, e5_embedder
from ..models import Document, Entity
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage


@dataclass(frozen=True)
class LinkParams(Params):
    """Joining entities across languages by the meaning of their names."""

    section: ClassVar[str] = "link_entities"
    min_cosine: float = param(
        0.86,
        "E5 cosine of two names in different languages from which they may name one entity: on the PUD "
        "calibration half, the joins added below 0.86 were mostly wrong (Was / Техас), above it mostly right",
    )
    min_cosine_common_word: float = param(
        0.905,
        "the same when either name is one common word of its language, often a noun taken for a name "
        "('Was' / 'Wir' 0.879, 'Euro' / 'En' 0.902 wrong; 'ЦАР' / 'CAR' 0.906 right: WMT22 calibration half, "
        "read by hand)",
    )
    one_word_spelling: float = param(
        0.5,
        "two one-word names must also be spelt this alike once romanised (Levenshtein similarity): a one-word "
        "name is rendered, not translated ('Congress' / 'Kongres', 'ЦАР' / 'CAR'), and E5 puts topics close "
        "('Ungeimpfte' / 'Covid' 0.888; WMT22 calibration half, read by hand)",
    )
    margin: float = param(
        0.0,
        "a pair is kept only when each name's best match is at most this much closer than the pair "
        "(0: mutual best match only)",
    )


@dataclass(frozen=True, slots=True)
class NameNode:
    """One entity as a candidate for joining: its type, name, languages, stories, and the gazetteer
    key of its names when the gazetteer knows them."""

    index: int
    type: str
    name: str
    languages: frozenset[str]
    scopes: frozenset[int]
    known_as: str | None = None
    common_word: bool = False


def gazetteer_key(entity: Entity, languages: Iterable[str], gaz: Gazetteer) -> str | None:
    """The gazetteer's key of any of the entity's names in any of its languages, if it has one."""
    for alias in entity.aliases:
        for lang in sorted(languages):
            place = gaz.lookup(alias, lang, include_typing_only=False)
            if place is not None:
                return place.key
    return None


def entity_languages(entities: Sequence[Entity], language_of: Mapping[str, str]) -> list[frozenset[str]]:
    """The languages each entity is named in (by the articles of its mentions)."""
    return [frozenset(language_of[s.article] for s in e.mentions if s.article in language_of) for e in entities]


def candidate_nodes(
    entities: Sequence[Entity],
    language_of: Mapping[str, str],
    scopes: Sequence[frozenset[str]],
    gaz: Gazetteer | None = None,
    proper: ProperParams | None = None,
) -> list[NameNode]:
    """Entities lacking some language of a scope (story) they occur in: only they may need a
    counterpart named otherwise. `proper`: the run's `entities` settings, which say what a common word is."""
    langs = entity_languages(entities, language_of)
    scope_langs = [frozenset(language_of[a] for a in scope if a in language_of) for scope in scopes]
    scopes_of: dict[str, list[int]] = defaultdict(list)
    for si, scope in enumerate(scopes):
        for article in scope:
            scopes_of[article].append(si)
    nodes = []
    for i, e in enumerate(entities):
        mine = frozenset(si for s in e.mentions for si in scopes_of.get(s.article, ()))
        if any(scope_langs[si] - langs[i] for si in mine):
            known = gazetteer_key(e, langs[i], gaz) if gaz is not None else None
            common = len(e.name.split()) == 1 and any(common_word(e.name, lang, proper) for lang in langs[i])
            nodes.append(NameNode(i, e.type, e.name, langs[i], mine, known, common))
    return nodes


def candidate_pairs(nodes: Sequence[NameNode], p: LinkParams) -> list[tuple[int, int]]:
    """Pairs of nodes (positions in `nodes`) of one type, sharing a scope, named in no common language,
    not known to differ and, when both are one word, spelt alike: only their names need vectors."""
    by_scope: dict[tuple[int, str], list[int]] = defaultdict(list)
    for k, n in enumerate(nodes):
        for si in n.scopes:
            by_scope[(si, n.type)].append(k)
    pairs: set[tuple[int, int]] = set()
    for members in by_scope.values():
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                na, nb = nodes[a], nodes[b]
                if not na.languages & nb.languages and not _known_apart(na, nb) and one_words_alike(na, nb, p):
                    pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def common_word(word: str, lang: str, params: ProperParams | None = None) -> bool:
    """Whether a one-word name is a common word of the language: frequent anywhere in a sentence, or a
    noun by the rules of a language that capitalises nouns ("Was", "Land", "Ungeimpfte")."""
    p = params or ProperParams()
    frequent = zipf(word.lower(), language(lang).frequency_list) >= p.common_at_start
    return frequent or is_common(word, lang, True, params=p)


def _known_apart(a: NameNode, b: NameNode) -> bool:
    """Whether the two are known to differ: the gazetteer names them as different places or
    organisations ("Austria", "Germany"), or, not being people, one name is a part of the other
    ("Abu Dhabi" of "Abu Dhabi Grand Prix", "Robert Koch" of "Robert Koch-Institut"), which spelling
    left apart and which names a part or a neighbour, not a translation."""
    if a.known_as is not None and b.known_as is not None and a.known_as != b.known_as:
        return True
    if a.type == "PERSON":
        return False
    wa, wb = name_words(a.name), name_words(b.name)
    return bool(wa and wb and (wa < wb or wb < wa))


def name_words(name: str) -> frozenset[str]:
    """The folded words of a name, hyphenated parts apart."""
    return frozenset(w for w in re.split(r"[^\w]+", fold(name)) if w)


def one_words_alike(a: NameNode, b: NameNode, p: LinkParams) -> bool:
    """Whether two names, when both are one word, are spelt alike once romanised (`one_word_spelling`)."""
    if len(a.name.split()) > 1 or len(b.name.split()) > 1:
        return True
    return spelt_alike(romanised(a.name), romanised(b.name), p.one_word_spelling)


def romanised(name: str) -> str:
    """A name in lower-case Latin letters only ("ЦАР" -> "tsar")."""
    from anyascii import anyascii

    return "".join(ch for ch in anyascii(name).lower() if ch.isalpha())


def threshold(a: NameNode, b: NameNode, p: LinkParams) -> float:
    """The cosine a pair needs: more when either name is a common word."""
    return p.min_cosine_common_word if a.common_word or b.common_word else p.min_cosine


def close_pairs(
    nodes: Sequence[NameNode], pairs: Sequence[tuple[int, int]], vectors: npt.NDArray[np.float32], p: LinkParams
) -> list[tuple[float, int, int]]:
    """The candidate pairs whose names are close enough (`threshold`), with their cosine, closest first."""
    left, right = np.array([a for a, _b in pairs]), np.array([b for _a, b in pairs])
    cosines = np.einsum("ij,ij->i", vectors[left], vectors[right]) if pairs else np.zeros(0)
    scored = [(float(c), a, b) for c, (a, b) in zip(cosines, pairs, strict=True)]
    scored = [(c, a, b) for c, a, b in scored if c >= threshold(nodes[a], nodes[b], p)]
    return sorted(scored, key=lambda t: (-t[0], t[1], t[2]))


def join_groups(nodes: Sequence[NameNode], close: Sequence[tuple[float, int, int]], p: LinkParams) -> list[list[int]]:
    """Groups of nodes joined by close pairs that are each side's best match (within
    `margin`), never two groups named in a common language. Rounds repeat over the groups formed, so
    a name whose best match was a name of another language first joined with a third still joins."""
    parent = list(range(len(nodes)))
    langs = [set(n.languages) for n in nodes]

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    while True:
        live = [(c, root(a), root(b)) for c, a, b in close if root(a) != root(b)]
        live = [(c, a, b) for c, a, b in live if not langs[a] & langs[b]]
        best: dict[int, float] = defaultdict(lambda: -1.0)
        for c, a, b in live:
            best[a], best[b] = max(best[a], c), max(best[b], c)
        joined = False
        for c, a, b in live:
            ra, rb = root(a), root(b)
            if c >= best[a] - p.margin and c >= best[b] - p.margin and ra != rb and not langs[ra] & langs[rb]:
                parent[rb] = ra
                langs[ra] |= langs[rb]
                joined = True
        if not joined:
            break
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(nodes)):
        groups[root(k)].append(nodes[k].index)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def merged_entity(members: Sequence[Entity]) -> Entity:
    """One entity for several: the id and name of the most mentioned, every alias and mention."""
    head = max(members, key=lambda e: (len(e.mentions), e.id))
    aliases = tuple(sorted({a for e in members for a in e.aliases}))
    spans = tuple(sorted({s for e in members for s in e.mentions}, key=lambda s: (s.article, s.start, s.end)))
    return replace(head, aliases=aliases, mentions=spans)


def link_entities(
    entities: Sequence[Entity],
    language_of: Mapping[str, str],
    scopes: Sequence[frozenset[str]],
    embedder: Embedder,
    p: LinkParams,
    gaz: Gazetteer | None = None,
    proper: ProperParams | None = None,
) -> tuple[list[Entity], dict[str, str]]:
    """The entities after joining names across languages, and each joined id -> the id it took."""
    nodes = candidate_nodes(entities, language_of, scopes, gaz, proper)
    pairs = candidate_pairs(nodes, p)
    used = sorted({k for pair in pairs for k in pair})
    if not used:
        return list(entities), {}
    encoded = embedder.encode([nodes[k].name for k in used])
    vectors = np.zeros((len(nodes), encoded.shape[1]), dtype=np.float32)
    vectors[used] = encoded
    groups = join_groups(nodes, close_pairs(nodes, pairs, vectors, p), p)
    renamed: dict[str, str] = {}
    joined: set[int] = set()
    out: list[Entity] = []
    for group in groups:
        merged = merged_entity([entities[i] for i in group])
        out.append(merged)
        joined.update(group)
        renamed.update({entities[i].id: merged.id for i in group if entities[i].id != merged.id})
    out.extend(e for i, e in enumerate(entities) if i not in joined)
    out.sort(key=lambda e: (-len(e.mentions), e.name))
    return out, renamed


def restamp(doc: Document, renamed: Mapping[str, str]) -> Document:
    """The document with its mentions' entity ids following the joins."""
    if not any(m.entity in renamed for m in doc.mentions):
        return doc
    mentions = tuple(replace(m, entity=renamed.get(m.entity, m.entity)) if m.entity else m for m in doc.mentions)
    return replace(doc, mentions=mentions)


@corpus_stage(
    "link_entities",
    requires=["entities", "stories"],
    provides=["linked_entities"],
    version="1",
    params=[LinkParams, ProperParams],
    beside=True,  # `derivations` reads neither entities nor mentions
    rewrites=["entities", "mentions"],
)
def link_entities_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Join a story's entities that different languages name differently (see the module's docstring)."""
    docs = state.documents
    language_of = {a.id: a.language for a in docs.articles()}  # no document decoded
    scopes = [frozenset(s.articles) for s in state.stories if len(s.articles) > 1]
    entities, renamed = link_entities(
        state.entities,
        language_of,
        scopes,
        e5_embedder(ctx),
        ctx.params(LinkParams),
        run_gazetteer(ctx),
        ctx.params(ProperParams),
    )
    if not renamed:
        return state
    touched = {s.article for e in state.entities if e.id in renamed for s in e.mentions}
    changed = {d.id: restamp(d, renamed) for d in docs.pick(sorted(touched))}
    return replace(state, entities=tuple(entities), documents=docs.replaced(changed))
