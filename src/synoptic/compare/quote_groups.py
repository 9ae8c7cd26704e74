"""The same utterance across sources (corpus stage `quote_groups`).

Every quote found in an article becomes a `models.Quote` with a stable id, its speaker entity
(the entity one of whose mentions overlaps the speaker span, else whose name or alias is the
speaker text) and a `group`. Two quotes join one group when their speakers are the same person
and their wordings are close in multilingual E5 space, taking the best-matching pair of sentences
so a short rendering matches part of a longer one. Thresholds are calibrated on the example
corpus (`examples/expected.json`): E5 cosines of the same statement sit at or above ~0.90 within
a language and ~0.85 across languages, while other statements of the same speaker on the same
story reach ~0.89; a publication gap of more than two days raises the bar. A group holds at most
one quote per article, joined best match first, so two statements of one article never merge.
Only quotes sharing a speaker entity, a speaker-name key or their exact words are compared, so
the work grows with the quotes per speaker, not with the square of the corpus.

For each group of two or more, `QuoteGroup` keeps every version beside a reference version
(the earliest direct quote), with the word runs removed and added within a language, so a
reader can see a possible misquote.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

from ..embed import Embedder, e5_embedder
from ..models import Document, Entity, Quote, QuoteGroup, QuoteMention, QuoteVariant, Span
from ..pipeline import Context, CorpusState, corpus_stage

SAME_LANGUAGE_THRESHOLD = 0.90
CROSS_LANGUAGE_THRESHOLD = 0.85
LATE_PENALTY = 0.04  # added to the threshold when the two articles are more than two days apart
NEAR_IDENTICAL = 95  # rapidfuzz ratio at which two texts are one quote whoever the speaker is
SPEAKER_NAME_RATIO = 70  # transliterations: Rjabkow / Ryabkov, Hryzenko / Hrytsenko
LARGE_BLOCK = 300  # a speaker quoted more often than this is compared through a whole-text prefilter
PREFILTER = 0.80  # whole-text cosine below which two quotes of a large block are not compared further


@dataclass(frozen=True)
class _Item:
    """A quote with what grouping needs: its document, language, date and speaker key."""

    quote: Quote
    mention: QuoteMention
    language: str
    published: date | None
    speaker_key: str | None


def quote_id(article_id: str, start: int, end: int) -> str:
    """Stable id of the quote at `start:end` in an article."""
    return "q-" + hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]


def _group_id(member_ids: Sequence[str]) -> str:
    return "qg-" + hashlib.sha256(min(member_ids).encode()).hexdigest()[:12]


def _entity_index(entities: Sequence[Entity]) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, str]]:
    spans: dict[str, list[tuple[int, int, str]]] = {}
    names: dict[str, str] = {}
    for ent in entities:
        for m in ent.mentions:
            spans.setdefault(m.article, []).append((m.start, m.end, ent.id))
        for alias in (ent.name, *ent.aliases):
            names.setdefault(alias.lower(), ent.id)
    return spans, names


def _speaker_entity(
    doc_id: str, qm: QuoteMention, spans: dict[str, list[tuple[int, int, str]]], names: dict[str, str]
) -> str | None:
    if qm.speaker_start is None or qm.speaker_end is None:
        return None
    for start, end, ent in spans.get(doc_id, ()):
        if start < qm.speaker_end and qm.speaker_start < end:
            return ent
    said = (qm.speaker_text or "").lower()
    if said in names:
        return names[said]
    # A longer phrase ending in a known name: "Lyoner Cloud-Speicher-Anbieter Quillon Systems".
    endings = [alias for alias in names if len(alias) > 3 and said.endswith(" " + alias)]
    return names[max(endings, key=len)] if endings else None


def _name_key(text: str | None) -> str | None:
    """A spelling-tolerant key of a speaker's name: the last word, ASCII, w→v, j→y, ts→z."""
    if not text:
        return None
    words = re.findall(r"[\w-]+", anyascii(text).lower())
    if not words:
        return None
    key = words[-1].replace("w", "v").replace("j", "y").replace("ts", "z")
    return re.sub(r"(s|a)$", "", key) if len(key) > 5 else key


def _published(doc: Document) -> date | None:
    value = doc.article.published.date
    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


def build_quotes(state: CorpusState) -> list[_Item]:
    """Every QuoteMention of every document as a Quote with its speaker entity (group set later)."""
    spans, names = _entity_index(state.entities)
    items: list[_Item] = []
    for doc in state.documents:
        for qm in doc.quotes:
            entity = _speaker_entity(doc.id, qm, spans, names)
            speaker_span = (
                Span.of(doc.id, doc.article.text, qm.speaker_start, qm.speaker_end)
                if qm.speaker_start is not None and qm.speaker_end is not None
                else None
            )
            quote = Quote(
                id=quote_id(doc.id, qm.start, qm.end),
                span=Span.of(doc.id, doc.article.text, qm.start, qm.end),
                kind=qm.kind,
                speaker=entity,
                speaker_span=speaker_span,
                group="",
            )
            key = entity or _name_key(qm.speaker_text)
            items.append(_Item(quote, qm, doc.article.language, _published(doc), key))
    return items


def _segments(text: str) -> list[str]:
    """Sentences and clauses of a quote with three words or more (the whole text when none)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?;…])\s*|…|\.\.\.", text) if len(p.split()) >= 3]
    return parts or [text]


class _Similarity:
    """Each quote's whole-text and sentence vectors; the similarity of two quotes is the best cosine
    over whole texts and sentence pairs. Computed per compared pair, never as an n x n matrix."""

    def __init__(self, items: Sequence[_Item], embedder: Embedder) -> None:
        texts = [i.quote.span.text for i in items]
        self.full = embedder.encode(texts)
        split = [_segments(t) for t in texts]
        extra = [seg for parts in split if len(parts) > 1 for seg in parts]
        vectors = embedder.encode(extra) if extra else np.zeros((0, self.full.shape[1]), dtype=np.float32)
        self.segments: list[np.ndarray] = []
        used = 0
        for k, parts in enumerate(split):
            if len(parts) > 1:
                self.segments.append(vectors[used : used + len(parts)])
                used += len(parts)
            else:  # a single-sentence quote reuses its whole-text vector
                self.segments.append(self.full[k : k + 1])

    def __call__(self, a: int, b: int) -> float:
        whole = float(self.full[a] @ self.full[b])
        return max(whole, float((self.segments[a] @ self.segments[b].T).max()))


def _blocks(items: Sequence[_Item]) -> list[list[int]]:
    """Quotes worth comparing: the same speaker entity, the same spelling-tolerant name key
    (Rjabkow / Ryabkov), or the same words (copies, whoever the speaker)."""
    by: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        keys = {"text:" + " ".join(item.quote.span.text.lower().split())}
        if item.quote.speaker:
            keys.add("entity:" + item.quote.speaker)
        name = _name_key(item.mention.speaker_text)
        if name:
            keys.add("name:" + name)
        for key in keys:
            by.setdefault(key, []).append(k)
    return [members for members in by.values() if len(members) > 1]


def _same_speaker(a: _Item, b: _Item) -> bool:
    if a.speaker_key is None or b.speaker_key is None:
        return False
    if a.quote.speaker and b.quote.speaker:
        return a.quote.speaker == b.quote.speaker
    return a.speaker_key == b.speaker_key or fuzz.ratio(a.speaker_key, b.speaker_key) >= SPEAKER_NAME_RATIO


def _threshold(a: _Item, b: _Item) -> float:
    base = SAME_LANGUAGE_THRESHOLD if a.language == b.language else CROSS_LANGUAGE_THRESHOLD
    if a.published and b.published and abs((a.published - b.published).days) > 2:
        base += LATE_PENALTY
    return base


def _block_pairs(block: Sequence[int], sim: _Similarity) -> Iterator[tuple[int, int]]:
    """Pairs of a block: all of them, or for a large block those whose whole texts are close."""
    if len(block) <= LARGE_BLOCK:
        yield from itertools.combinations(block, 2)
        return
    vectors = sim.full[list(block)]
    for offset in range(0, len(block), 512):
        close = np.nonzero(vectors[offset : offset + 512] @ vectors.T >= PREFILTER)
        for row, col in zip(*close, strict=True):
            if offset + row < col:
                yield block[offset + row], block[col]


def _candidate_pairs(items: Sequence[_Item], sim: _Similarity) -> list[tuple[float, int, int]]:
    """Pairs that may join a group, scored (2.0 for the same words), best first."""
    pairs: list[tuple[float, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for block in _blocks(items):
        for a, b in _block_pairs(block, sim):
            pair = (min(a, b), max(a, b))
            x, y = items[pair[0]], items[pair[1]]
            if pair in seen or x.quote.span.article == y.quote.span.article:
                continue
            seen.add(pair)
            unknown = x.speaker_key is None or y.speaker_key is None
            same = _same_speaker(x, y)
            identical = (same or unknown) and fuzz.ratio(x.quote.span.text, y.quote.span.text) >= NEAR_IDENTICAL
            score = sim(*pair) if same and not identical else 0.0
            if identical or (same and score >= _threshold(x, y)):
                pairs.append((2.0 if identical else score, *pair))
    return sorted(pairs, reverse=True)


def cluster(items: Sequence[_Item], sim: _Similarity) -> list[list[int]]:
    """Groups of item indices: best pairs first, at most one quote per article in a group."""
    parent = list(range(len(items)))
    articles = [{i.quote.span.article} for i in items]

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for _score, a, b in _candidate_pairs(items, sim):
        ra, rb = root(a), root(b)
        if ra == rb or articles[ra] & articles[rb]:
            continue
        parent[rb] = ra
        articles[ra] |= articles[rb]
    groups: dict[int, list[int]] = {}
    for k in range(len(items)):
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def _word_diff(reference: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Word runs of the reference missing from `text` and added in it, against the reference
    sentence closest to `text` (a short rendering is compared with the part it renders)."""
    closest = max([*_segments(reference), reference], key=lambda seg: fuzz.ratio(seg, text))
    ref_words, words = closest.split(), text.split()
    removed: list[str] = []
    added: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ref_words, b=words, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed.append(" ".join(ref_words[i1:i2]))
        if op in ("replace", "insert"):
            added.append(" ".join(words[j1:j2]))
    return tuple(removed), tuple(added)


def _reference(members: Sequence[_Item]) -> _Item:
    def rank(i: _Item) -> tuple[int, date, str]:
        return (i.quote.kind != "direct", i.published or date.max, i.quote.id)

    return min(members, key=rank)


def describe_group(gid: str, members: Sequence[_Item], sim: _Similarity, index: dict[str, int]) -> QuoteGroup:
    """The QuoteGroup record: every version with its similarity to, and words changed from, the reference."""
    ref = _reference(members)
    variants = []
    for m in sorted(members, key=lambda i: (i.published or date.max, i.quote.id)):
        same_lang = m.language == ref.language
        removed, added = _word_diff(ref.quote.span.text, m.quote.span.text) if same_lang and m is not ref else ((), ())
        variants.append(
            QuoteVariant(
                quote=m.quote.id,
                article=m.quote.span.article,
                language=m.language,
                text=m.quote.span.text,
                similarity=1.0 if m is ref else sim(index[m.quote.id], index[ref.quote.id]),
                removed=removed,
                added=added,
            )
        )
    speaker = next((m.quote.speaker for m in members if m.quote.speaker), None)
    name = next((m.mention.speaker_text for m in members if m.mention.speaker_text), None)
    return QuoteGroup(
        id=gid,
        speaker=speaker,
        speaker_name=name,
        reference=ref.quote.id,
        quotes=tuple(v.quote for v in variants),
        languages=tuple(sorted({m.language for m in members})),
        variants=tuple(variants),
    )


def group_quotes(items: Sequence[_Item], embedder: Embedder) -> tuple[list[Quote], list[QuoteGroup]]:
    """Quotes with their group ids, and the records of groups with two or more versions."""
    if not items:
        return [], []
    sim = _Similarity(items, embedder)
    index = {i.quote.id: k for k, i in enumerate(items)}
    quotes: dict[str, Quote] = {}
    groups: list[QuoteGroup] = []
    for members_idx in cluster(items, sim):
        members = [items[k] for k in members_idx]
        gid = _group_id([m.quote.id for m in members])
        for m in members:
            quotes[m.quote.id] = replace(m.quote, group=gid)
        if len(members) > 1:
            groups.append(describe_group(gid, members, sim, index))
    ordered = [quotes[i.quote.id] for i in items]
    return ordered, sorted(groups, key=lambda g: g.id)


@corpus_stage("quote_groups", requires=["quotes", "entities"], provides=["quote_groups"], version="2")
def quote_groups_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Set `state.quotes` (with speakers and groups) and `state.extras["quote_groups"]`."""
    items = build_quotes(state)
    quotes, groups = group_quotes(items, e5_embedder(ctx)) if items else ([], [])
    return replace(state, quotes=tuple(quotes), extras={**state.extras, "quote_groups": tuple(groups)})
