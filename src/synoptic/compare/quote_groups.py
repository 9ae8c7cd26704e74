"""The same utterance across sources (corpus stage `quote_groups`).

Every quote found in an article becomes a `models.Quote` with a stable id, its speaker entity
(the entity one of whose mentions overlaps the speaker span, else whose name or alias is the
speaker text) and a `group`. Candidate pairs come without E5: quotes of one speaker entity or
spelling-tolerant speaker name, quotes with the same words, and all quote pairs of two articles
sharing rare names (likely one story). Only quotes in a candidate pair are embedded with E5 (and
their sentences only when one quote is much longer than the other, for a partial rendering). A
pair joins when its log-odds (`Weights`: E5 cosine, language change, speaker agreement, shared
names inside the quotes and in the two articles, each the other's closest quote in its article)
reach the threshold; the weights are a logistic regression fitted on real quote pairs (the
quotes of WMT22 originals and their translations, calibration half; see
docs/bench/quote_groups.md). Speaker attribution is noisy across languages, so a speaker
mismatch weighs little and a quote with no speaker can still join. A group holds at most one
quote per article, joined best match first, so two statements of one article never merge.

For each group of two or more, `QuoteGroup` keeps every version beside a reference version
(the earliest direct quote), with the word runs removed and added within a language, so a
reader can see a possible misquote.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

from ..embed import Embedder, EncoderParams, SentenceVectors, e5_embedder, sentence_vectors, static_embedder
from ..models import Derivation, Document, Entity, Quote, QuoteGroup, QuoteMention, QuoteVariant, Span
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage
from .anchors import name_keys
from .claim_groups import carried_over, chain_root

_FIT = "logistic regression on the WMT22 calibration half (benchmarks/bench_quote_groups.py)"


@dataclass(frozen=True)
class Weights(Params):
    """The quote_groups stage's parameters. Log-odds that two quotes render one statement: a logistic
    regression fitted on the calibration half of WMT22 (quotes of an original and its translations,
    aligned by segment id; benchmarks/bench_quote_groups.py), the join threshold with the best
    pairwise F1 there, and the limits that choose which quote pairs are compared at all."""

    section: ClassVar[str] = "quote_groups"
    bias: float = param(-32.82, f"intercept, fitted with the weights below; {_FIT}")
    e5: float = param(28.83, f"weight of the best E5 cosine over whole texts or sentences; {_FIT}")
    cross_language: float = param(2.73, f"E5 cosines of one statement sit ~0.06 lower across languages; {_FIT}")
    same_speaker: float = param(0.71, f"weight of the same speaker entity or spelling-tolerant name; {_FIT}")
    other_speaker: float = param(0.0, f"two different named speakers: no evidence either way once refitted; {_FIT}")
    shared_names: float = param(0.21, f"weight of the set cosine of name and number keys in the quotes; {_FIT}")
    shared_article_names: float = param(4.85, f"weight of the set cosine of the articles' name keys; {_FIT}")
    late: float = param(-1.0, "set by hand (WMT22 is undated): articles published more than late_days apart")
    mutual_best: float = param(3.34, f"each is the other's closest quote in the other's article; {_FIT}")
    threshold: float = param(0.0, "the fit's boundary (p = 0.5): calibration F1 is flat over -0.5..0.5 (0.871-0.872)")
    late_days: int = param(2, "days between publications after which the late weight applies; set by hand")
    near_identical: int = param(95, "rapidfuzz ratio at which two texts are one quote whoever the speaker is")
    speaker_name_ratio: int = param(
        70, "rapidfuzz ratio of one speaker's spellings across transliterations (Tschaikowski / Chaikovsky); not tuned"
    )
    large_block: int = param(300, "a block of more quotes than this is compared through a static-vector prefilter")
    static_prefilter: float = param(
        0.3, "static cosine under which large-block quotes are not compared (93% of WMT22 true pairs above)"
    )
    shared_article_keys: int = param(
        3,
        "articles sharing this many rare name keys compare all quotes (WMT22 calibration F1 .863/.861/.854 at 2/3/4)",
    )
    rare_key_articles: int = param(50, "a name key in more articles than this is too common to pair articles by")
    partial_length: float = param(
        1.6,
        "a quote this many times longer than its partner is compared sentence by sentence; WMT22 calibration F1 0.874"
        " at 1.6 to 4, 0.870 never splitting (2,406 / 1,820 E5 texts)",
    )


@dataclass(frozen=True)
class _Item:
    """A quote with what grouping needs: its document, language, date and speaker key."""

    quote: Quote
    mention: QuoteMention
    language: str
    published: date | None
    speaker_key: str | None
    quote_keys: frozenset[str] = frozenset()  # names and numbers inside the quote
    article_keys: frozenset[str] = frozenset()  # names and numbers of the whole article


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
        article_keys = name_keys(doc.article.text) if doc.quotes else frozenset()
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
            quote_keys = name_keys(qm.text, skip_first=False)
            items.append(_Item(quote, qm, doc.article.language, _published(doc), key, quote_keys, article_keys))
    return items


def _segments(text: str) -> list[str]:
    """Sentences and clauses of a quote with three words or more (the whole text when none)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?;…])\s*|…|\.\.\.", text) if len(p.split()) >= 3]
    return parts or [text]


def _set_cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


#: Chooses the encoder of texts in some languages (`embed.sentence_vectors` of the run).
EncoderChoice = Callable[[Collection[str]], SentenceVectors]


def one_encoder(encoder: SentenceVectors) -> EncoderChoice:
    """The choice of `encoder` for every pair."""
    return lambda _languages: encoder


class _Vectors:
    """One encoder's vectors of the quotes it compares: whole texts by root quote, and the sentences
    of quotes that are split, all encoded in one call."""

    def __init__(
        self, encoder: SentenceVectors, texts: Sequence[str], own: Sequence[int], split: Mapping[int, list[str]]
    ) -> None:
        wanted = [texts[k] for k in own] + [seg for parts in split.values() for seg in parts]
        vectors = encoder.encode(wanted) if wanted else np.zeros((0, 1), dtype=np.float32)
        self.encoder = encoder
        self._texts = texts
        self.full = {k: vectors[n] for n, k in enumerate(own)}  # by root quote
        self.segments: dict[int, np.ndarray] = {}
        used = len(own)
        for k, parts in split.items():
            self.segments[k] = vectors[used : used + len(parts)]
            used += len(parts)
        self.embedded = len(wanted)

    def whole(self, k: int) -> np.ndarray:
        """Quote `k`'s vector (encoded now for a pair no candidate held: a group's member against its
        reference, when the two were joined through others)."""
        if k not in self.full:
            self.full[k] = self.encoder.encode([self._texts[k]])[0]
        row: np.ndarray = self.full[k]
        return row


class _Similarity:
    """Similarity of compared quotes on E5's scale: the whole-text cosine, or for a short rendering of
    a longer quote the best cosine over its sentences. Only quotes in a candidate pair are embedded,
    and sentences only where the lengths differ (E5 is the slowest step of a run). A quote that
    derivations carried over (`same_as`: quote -> the source quote it renders) takes its source
    quote's vector, so two renderings of one source quote score 1 without E5, and a source quote
    is embedded only when a quote of another source is compared with it. `encoders` chooses each
    pair's encoder by the languages of the two texts it reads (`embed.sentence_vectors`)."""

    def __init__(
        self,
        items: Sequence[_Item],
        pairs: Sequence[tuple[int, int]],
        encoders: EncoderChoice,
        same_as: Mapping[int, int] | None = None,
        partial_length: float = Weights.partial_length,
    ) -> None:
        self._texts = [i.quote.span.text for i in items]
        self._languages = [i.language for i in items]
        self._encoders = encoders
        self._chosen: dict[tuple[str, str], SentenceVectors] = {}
        self.same_as = same_as or {}
        involved: dict[SentenceVectors, set[int]] = {}
        for a, b in pairs:
            if self.root(a) != self.root(b):
                involved.setdefault(self.encoder(a, b), set()).update((a, b))
        partial = {
            k for a, b in pairs for k in self._partial(self._texts, a, b, partial_length) if k not in self.same_as
        }
        self._vectors: dict[SentenceVectors, _Vectors] = {}
        for encoder, quotes in involved.items():
            own = sorted({self.root(k) for k in quotes})
            # a quote only ever scored 1 (against renderings of itself) needs no sentences
            split = {k: _segments(self._texts[k]) for k in sorted(partial & quotes)}
            split = {k: parts for k, parts in split.items() if len(parts) > 1}
            self._vectors[encoder] = _Vectors(encoder, self._texts, own, split)
        self.embedded = sum(v.embedded for v in self._vectors.values())

    def root(self, k: int) -> int:
        """The source quote that quote `k` renders (itself when derivations carried nothing)."""
        return self.same_as.get(k, k)

    def is_split(self, k: int) -> bool:
        """Whether quote `k` is compared by its sentences too (a longer quote against a short rendering)."""
        return any(k in v.segments for v in self._vectors.values())

    def encoder(self, a: int, b: int) -> SentenceVectors:
        """The encoder of a pair: by the languages of the texts whose vectors it compares."""
        key = (self._languages[self.root(a)], self._languages[self.root(b)])
        if key not in self._chosen:
            self._chosen[key] = self._encoders(set(key))
        return self._chosen[key]

    @staticmethod
    def _partial(texts: Sequence[str], a: int, b: int, ratio: float) -> tuple[int, ...]:
        """The longer quote of a pair when it is `ratio` times the length of the other."""
        la, lb = len(texts[a]), len(texts[b])
        if la >= ratio * lb:
            return (a,)
        return (b,) if lb >= ratio * la else ()

    def __call__(self, a: int, b: int) -> float:
        if self.root(a) == self.root(b):
            return 1.0  # one vector: renderings of one source quote
        encoder, same = self.encoder(a, b), self._languages[self.root(a)] == self._languages[self.root(b)]
        if encoder not in self._vectors:
            self._vectors[encoder] = _Vectors(encoder, self._texts, (), {})
        v = self._vectors[encoder]
        whole = float(v.whole(self.root(a)) @ v.whole(self.root(b)))
        for long, short in ((a, b), (b, a)):
            if long in v.segments:
                whole = max(whole, float((v.segments[long] @ v.whole(self.root(short))).max()))
        if encoder.scale.same is None:
            return whole  # E5's own scale
        # the map onto E5's scale is monotone, so the best cosine maps to the best mapped one
        return float(encoder.scale(np.array([whole], dtype=np.float32), same)[0])


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


def related_articles(items: Sequence[_Item], w: Weights) -> set[tuple[str, str]]:
    """Article pairs sharing at least `shared_article_keys` rare name keys (an inverted index, so
    only articles that share a name are ever paired): likely reports of one story."""
    keys: dict[str, frozenset[str]] = {i.quote.span.article: i.article_keys for i in items}
    postings: dict[str, list[str]] = defaultdict(list)
    for article in sorted(keys):
        for key in keys[article]:
            postings[key].append(article)
    shared: Counter[tuple[str, str]] = Counter()
    for members in postings.values():
        if len(members) <= w.rare_key_articles:
            shared.update(itertools.combinations(members, 2))
    return {pair for pair, n in shared.items() if n >= w.shared_article_keys}


def _article_blocks(items: Sequence[_Item], w: Weights) -> list[list[int]]:
    """The quotes of each related article pair, as one block each."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for k, item in enumerate(items):
        by_article[item.quote.span.article].append(k)
    return [by_article[a] + by_article[b] for a, b in sorted(related_articles(items, w))]


def _same_speaker(a: _Item, b: _Item, ratio: int) -> bool:
    if a.speaker_key is None or b.speaker_key is None:
        return False
    if a.quote.speaker and b.quote.speaker:
        return a.quote.speaker == b.quote.speaker
    return a.speaker_key == b.speaker_key or fuzz.ratio(a.speaker_key, b.speaker_key) >= ratio


def _named(item: _Item) -> bool:
    """The speaker is a name (or an entity), not a pronoun, a role or nobody."""
    return item.speaker_key is not None and (item.quote.speaker is not None or item.mention.attribution == "name")


def _block_pairs(
    block: Sequence[int], items: Sequence[_Item], static: Embedder | None, w: Weights
) -> Iterator[tuple[int, int]]:
    """Pairs of a block: all of them, or for a large block those whose static vectors are close."""
    if len(block) <= w.large_block or static is None:
        yield from itertools.combinations(block, 2)
        return
    vectors = static.encode([items[k].quote.span.text for k in block])
    for offset in range(0, len(block), 512):
        close = np.nonzero(vectors[offset : offset + 512] @ vectors.T >= w.static_prefilter)
        for row, col in zip(*close, strict=True):
            if offset + row < col:
                yield block[offset + row], block[col]


def candidate_pairs(
    items: Sequence[_Item], static: Embedder | None, weights: Weights | None = None
) -> list[tuple[int, int]]:
    """Pairs of quotes of different articles that may render one statement: the same speaker,
    the same words, or articles sharing rare names."""
    w = weights or Weights()
    seen: set[tuple[int, int]] = set()
    for block in _blocks(items) + _article_blocks(items, w):
        for a, b in _block_pairs(block, items, static, w):
            pair = (min(a, b), max(a, b))
            if items[pair[0]].quote.span.article != items[pair[1]].quote.span.article:
                seen.add(pair)
    return sorted(seen)


@dataclass(frozen=True)
class PairFeatures:
    """What decides whether two quotes render one statement (see `Weights`)."""

    e5: float
    cross_language: float
    same_speaker: float
    other_speaker: float
    shared_names: float
    shared_article_names: float
    late: float
    mutual_best: float

    def logit(self, w: Weights) -> float:
        return _logit(
            w,
            self.e5,
            self.cross_language,
            self.same_speaker,
            self.other_speaker,
            self.shared_names,
            self.shared_article_names,
            self.late,
            self.mutual_best,
        )


def _logit(
    w: Weights,
    e5: float,
    cross_language: float,
    same_speaker: float,
    other_speaker: float,
    shared_names: float,
    shared_article_names: float,
    late: float,
    mutual_best: float,
) -> float:
    """The fitted log-odds of one pair from its features (`PairFeatures`, `Weights`)."""
    return (
        w.bias
        + w.e5 * e5
        + w.cross_language * cross_language
        + w.same_speaker * same_speaker
        + w.other_speaker * other_speaker
        + w.shared_names * shared_names
        + w.shared_article_names * shared_article_names
        + w.late * late
        + w.mutual_best * mutual_best
    )


def pair_features(
    x: _Item, y: _Item, similarity: float, mutual_best: bool, weights: Weights | None = None
) -> PairFeatures:
    w = weights or Weights()
    return PairFeatures(*_features(x, y, similarity, mutual_best, _same_speaker(x, y, w.speaker_name_ratio), w))


def _features(
    x: _Item, y: _Item, similarity: float, mutual_best: bool, same: bool, w: Weights
) -> tuple[float, float, float, float, float, float, float, float]:
    """`PairFeatures`' fields in order, given whether the speakers are the same (`_same_speaker`)."""
    gap = x.published and y.published and abs((x.published - y.published).days) > w.late_days
    return (
        similarity,
        float(x.language != y.language),
        float(same),
        float(not same and _named(x) and _named(y)),
        _set_cosine(x.quote_keys, y.quote_keys),
        _set_cosine(x.article_keys, y.article_keys),
        float(bool(gap)),
        float(mutual_best),
    )


def similarities(
    items: Sequence[_Item], pairs: Sequence[tuple[int, int]], sim: _Similarity
) -> list[tuple[int, int, float, bool]]:
    """Each pair with its similarity and whether each quote is the other's closest in its article."""
    scores = [sim(a, b) for a, b in pairs]
    best: dict[tuple[int, str], float] = {}
    for (a, b), v in zip(pairs, scores, strict=True):
        for k, other in ((a, b), (b, a)):
            key = (k, items[other].quote.span.article)
            best[key] = max(best.get(key, -1.0), v)
    return [
        (a, b, v, v >= best[(a, items[b].quote.span.article)] and v >= best[(b, items[a].quote.span.article)])
        for (a, b), v in zip(pairs, scores, strict=True)
    ]


def _identical(x: _Item, y: _Item, w: Weights, same: bool) -> bool:
    """The same words, and no sign of two different speakers (`same`: `_same_speaker` of the pair)."""
    unknown = x.speaker_key is None or y.speaker_key is None
    if not unknown and not same:
        return False
    return fuzz.ratio(x.quote.span.text, y.quote.span.text) >= w.near_identical


def scored_pairs(
    items: Sequence[_Item], pairs: Sequence[tuple[int, int]], sim: _Similarity, weights: Weights
) -> list[tuple[float, int, int]]:
    """Pairs whose log-odds reach the threshold (the same words: always, first), best first.
    (`pair_features(...).logit` of each pair, without building the record: a run compares up to
    hundreds of thousands of pairs.)"""
    out: list[tuple[float, int, int]] = []
    for a, b, similarity, mutual in similarities(items, pairs, sim):
        x, y = items[a], items[b]
        same = _same_speaker(x, y, weights.speaker_name_ratio)
        if _identical(x, y, weights, same):
            out.append((math.inf, a, b))
            continue
        logit = _logit(weights, *_features(x, y, similarity, mutual, same, weights))
        if logit >= weights.threshold:
            out.append((logit, a, b))
    return sorted(out, reverse=True)


def cluster(items: Sequence[_Item], scored: Sequence[tuple[float, int, int]]) -> list[list[int]]:
    """Groups of item indices: best pairs first, at most one quote per article in a group."""
    parent = list(range(len(items)))
    articles = [{i.quote.span.article} for i in items]

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for _score, a, b in scored:
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


def derived_quotes(
    items: Sequence[_Item], derivations: Iterable[Derivation], documents: Mapping[str, Document]
) -> dict[int, int]:
    """Quote -> the quote it renders, for quotes that a translation, copy or spin carried over from its
    source (`align.carried_over`): they take the source quote's E5 vector, so one statement costs E5
    once per voice."""
    same_as = carried_over([(i.quote.span.article, i.quote.span.start) for i in items], derivations, documents)
    return {k: chain_root(k, same_as) for k in same_as}


def group_quotes(
    items: Sequence[_Item],
    embedder: Embedder,
    static: Embedder | None = None,
    weights: Weights | None = None,
    derivations: Iterable[Derivation] = (),
    documents: Mapping[str, Document] | None = None,
    encoders: EncoderChoice | None = None,
) -> tuple[list[Quote], list[QuoteGroup]]:
    """Quotes with their group ids, and the records of groups with two or more versions. `static`
    (a fast embedder) prefilters very large blocks; without it they are compared in full. Quotes
    that `derivations` carried from a source article share its quote's vector (`derived_quotes`).
    `encoders`: each pair's encoder by its languages (None: `embedder` for every pair)."""
    if not items:
        return [], []
    weights = weights or Weights()
    same_as = derived_quotes(items, derivations, documents or {})
    pairs = candidate_pairs(items, static, weights)
    sim = _Similarity(items, pairs, encoders or one_encoder(SentenceVectors(embedder)), same_as, weights.partial_length)
    index = {i.quote.id: k for k, i in enumerate(items)}
    quotes: dict[str, Quote] = {}
    groups: list[QuoteGroup] = []
    for members_idx in cluster(items, scored_pairs(items, pairs, sim, weights)):
        members = [items[k] for k in members_idx]
        gid = _group_id([m.quote.id for m in members])
        for m in members:
            quotes[m.quote.id] = replace(m.quote, group=gid)
        if len(members) > 1:
            groups.append(describe_group(gid, members, sim, index))
    ordered = [quotes[i.quote.id] for i in items]
    return ordered, sorted(groups, key=lambda g: g.id)


@corpus_stage(
    "quote_groups",
    requires=["quotes", "entities", "derivations"],
    provides=["quote_groups"],
    version="3",
    params=[Weights, EncoderParams],
    beside=True,  # it changes `quotes` and `quote_groups` alone, which no stage before `coverage` reads
)
def quote_groups_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Set `state.quotes` (with speakers and groups) and `state.quote_groups`."""
    items = build_quotes(state)
    embedders = (e5_embedder(ctx), static_embedder(ctx))
    documents = state.documents.by_id
    weights = ctx.params(Weights)

    def encoders(languages: Collection[str]) -> SentenceVectors:
        return sentence_vectors(ctx, languages)

    found = group_quotes(items, *embedders, weights, state.derivations, documents, encoders) if items else None
    quotes, groups = found or ([], [])
    return replace(state, quotes=tuple(quotes), quote_groups=tuple(groups))
