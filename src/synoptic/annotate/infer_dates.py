"""Publication dates for undated articles, inferred from dated articles about the same events.

An undated article still says *when* things happened relative to itself ("on Monday", "gestern").
For each such day-level expression we look for the same event in dated articles: an expression there
with the same weekday (or any day-level date for "yesterday"-like offsets) whose surrounding sentences
are close in meaning (static multilingual embeddings) and name the same canonical entities. A matched
expression pins the event's date, and so a lower bound on the undated article's date (it reports the
event on that day or later; "yesterday" means the day after). The inferred date is the latest such
bound over confident matches. Without any match, the date of the most similar dated article is used;
without dated articles, the latest full date written in the text. A date so found must agree
with the dates the article itself states (`agrees_with_text`): news reports what has happened, so
an article whose dates name December 2019 was not published in 2018 (an old date it looks back
at does not hold a later match back); when it disagrees, the
latest date the text states in its own year is used instead (at its own precision). The article is then marked
`published.how == "inferred"` and its relative timexes are resolved again against the new date.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import ClassVar

import numpy as np

from ..corpus import Documents
from ..embed import Embedder, static_embedder
from ..models import Document, Published
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage
from .timex import Expression, TimexParams, find_expressions, find_timexes, parse_base, resolve_expression

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InferDateParams(Params):
    """How an undated article's publication date is inferred from dated articles about its events."""

    section: ClassVar[str] = "infer_dates"
    max_neighbours: int = param(20, "dated articles compared with each undated one (by shared entities): bounds cost")
    min_score: float = param(
        0.9, "cosine of contexts + entity Jaccard for a match; set on the seeds (true pairs 1.1-1.6), no labelled data"
    )


@dataclass(frozen=True)
class _Anchor:
    """A day-level expression with its sentence context: a dated event, or an undated reference."""

    doc: int
    exp: Expression
    context: str
    entities: frozenset[str]


def _anchors(doc: Document, di: int) -> list[_Anchor]:
    """Day-level relative expressions of one article with their context window (sentence +-1)."""
    text, sents = doc.article.text, doc.sentences
    out: list[_Anchor] = []
    for exp in find_expressions(text, doc.article.language):
        if exp.kind not in ("weekday", "relative", "ago") or exp.unit != "day":
            continue
        idx = next((i for i, s in enumerate(sents) if s.start <= exp.start < s.end), None)
        lo, hi = (
            (exp.start, exp.end)
            if idx is None
            else (sents[max(0, idx - 1)].start, sents[min(len(sents) - 1, idx + 1)].end)
        )
        ents = frozenset(m.entity for m in doc.mentions if m.entity and lo <= m.start < hi)
        out.append(_Anchor(di, exp, text[lo:hi], ents))
    return out


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _bound(ref: _Anchor, event: date) -> date:
    """The earliest publication date consistent with `ref` describing an event on `event`."""
    if ref.exp.kind == "weekday":
        return event + timedelta(days=7) if ref.exp.direction > 0 else event
    return event - timedelta(days=ref.exp.offset)


def infer_date(
    undated: list[_Anchor],
    dated: list[tuple[_Anchor, date]],
    vectors: dict[int, np.ndarray],
    min_score: float = InferDateParams.min_score,
) -> tuple[date | None, float]:
    """The publication date implied by the dated article whose events match best, and the match score.

    Each dated article is tried on its own: every reference of the undated article is matched to
    that article's best expression, matches below `min_score` are dropped, and the scores are summed.
    The article with the highest sum (most events shared) wins, and its latest bound is the date.
    """
    by_doc: dict[int, list[tuple[_Anchor, date]]] = {}
    for anchor, event in dated:
        by_doc.setdefault(anchor.doc, []).append((anchor, event))
    best: tuple[float, date] | None = None
    for candidates in by_doc.values():
        total, bound = 0.0, None
        for ref in undated:
            top = _best_match(ref, candidates, vectors)
            if top is None or top[0] < min_score:
                continue
            total += top[0]
            b = _bound(ref, top[1])
            bound = b if bound is None or b > bound else bound
        if bound is not None and (best is None or total > best[0]):
            best = (total, bound)
    return (best[1], best[0]) if best else (None, 0.0)


def _best_match(
    ref: _Anchor, candidates: list[tuple[_Anchor, date]], vectors: dict[int, np.ndarray]
) -> tuple[float, date] | None:
    top: tuple[float, date] | None = None
    for anchor, event in candidates:
        if ref.exp.kind == "weekday" and event.weekday() != ref.exp.weekday:
            continue
        score = float(vectors[id(ref)] @ vectors[id(anchor)]) + _jaccard(ref.entities, anchor.entities)
        if top is None or score > top[0]:
            top = (score, event)
    return top


def _neighbours(docs: Sequence[Document], undated: list[int], dated: list[int], most: int) -> dict[int, list[int]]:
    """For each undated article, the dated articles sharing the most (rare) canonical entities, best first."""
    ents = {i: {m.entity for m in docs[i].mentions if m.entity} for i in (*undated, *dated)}
    postings: dict[str, list[int]] = defaultdict(list)
    for i in dated:
        for e in ents[i]:
            postings[e].append(i)
    n = len(docs)
    out: dict[int, list[int]] = {}
    for i in undated:
        score: dict[int, float] = defaultdict(float)
        for e in ents[i]:
            weight = math.log(1 + n / (1 + len(postings.get(e, ()))))
            for j in postings.get(e, ()):
                score[j] += weight
        out[i] = sorted(score, key=lambda j: (-score[j], j))[:most]
    return out


def _latest_written_date(doc: Document) -> date | None:
    days = [t.value for t in doc.timexes if t.granularity == "day" and t.value and not t.relative]
    return parse_base(max(days)) if days else None


def stated_dates(doc: Document) -> list[str]:
    """ISO values of the day- and month-precise dates the text states itself (not relative ones:
    "on 12 December 2019", "im Dezember 2019"); bare years are left out, as they often name plans."""
    return sorted(
        t.value
        for t in doc.timexes
        if not t.relative and t.granularity in ("day", "month") and t.value[:4].isdigit() and len(t.value) >= 7
    )


def own_year(doc: Document) -> int | None:
    """The year most of the text's stated dates fall in (the latest on a tie), or None."""
    years = Counter(int(v[:4]) for v in stated_dates(doc))
    return max(years, key=lambda y: (years[y], y)) if years else None


def agrees_with_text(found: date, doc: Document) -> bool:
    """Whether a publication date is no earlier than the year the text's own dates name: news reports
    what has happened, so it may look back years (a photo caption of an old meeting) but was not
    published before the year it reports."""
    year = own_year(doc)
    return year is None or found.year >= year


def text_date(doc: Document) -> str:
    """The latest stated date in the text's own year (day or month precision)."""
    year = str(own_year(doc))
    return [v for v in stated_dates(doc) if v.startswith(year)][-1]


def infer_publication_dates(
    docs: Sequence[Document],
    embedder: Embedder,
    params: InferDateParams | None = None,
    future_penalty: float = TimexParams.future_penalty,
) -> list[Document]:
    """Documents with inferred publication dates where they had none (others unchanged)."""
    changed = inferred_dates(docs, embedder, params, future_penalty)
    return [changed.get(i, d) for i, d in enumerate(docs)]


def inferred_dates(
    docs: Sequence[Document],
    embedder: Embedder,
    params: InferDateParams | None = None,
    future_penalty: float = TimexParams.future_penalty,
) -> dict[int, Document]:
    """The undated documents that got an inferred publication date, by position (the rest are
    unchanged, so a large run's documents are never all copied)."""
    articles = docs.articles() if isinstance(docs, Documents) else [d.article for d in docs]  # none decoded
    dated_idx = [i for i, a in enumerate(articles) if parse_base(a.published.date)]
    undated_idx = [i for i, a in enumerate(articles) if not a.published.date]
    if not undated_idx:
        return {}
    p = params or InferDateParams()
    neighbours = _neighbours(docs, undated_idx, dated_idx, p.max_neighbours)
    needed = sorted({j for js in neighbours.values() for j in js})
    dated: dict[int, list[tuple[_Anchor, date]]] = {}
    for j in needed:
        base = parse_base(docs[j].article.published.date)
        resolved = [(a, resolve_expression(a.exp, base, future_penalty)) for a in _anchors(docs[j], j)]
        dated[j] = [(a, date.fromisoformat(r[0])) for a, r in resolved if r]
    # an article with no dated neighbour matches nothing: its references are never compared
    refs = {i: _anchors(docs[i], i) for i in undated_idx if neighbours[i]}
    everything = [a for anchors in dated.values() for a, _d in anchors] + [a for rs in refs.values() for a in rs]
    matrix = embedder.encode([a.context for a in everything])
    vectors = {id(a): matrix[k] for k, a in enumerate(everything)}
    out: dict[int, Document] = {}
    for i in undated_idx:
        candidates = [pair for j in neighbours[i] for pair in dated[j]]
        found, score = infer_date(refs.get(i, []), candidates, vectors, p.min_score)
        how = f"matched events (score {score:.2f})"
        if found is None and neighbours[i]:
            found, how = parse_base(docs[neighbours[i][0]].article.published.date), "nearest dated article"
        if found is None:
            found, how = _latest_written_date(docs[i]), "latest date in the text"
        if found is None:
            continue
        day = found.isoformat()
        if not agrees_with_text(found, docs[i]):
            day, how = text_date(docs[i]), f"the text's own dates ({how} gave {day})"
        log.info("article %s: publication date inferred as %s from %s", docs[i].id, day, how)
        out[i] = redate(docs[i], day, future_penalty)
    return out


def redate(doc: Document, day: str, future_penalty: float = TimexParams.future_penalty) -> Document:
    """The document with an inferred publication date and its timexes resolved again against it."""
    art = replace(doc.article, published=Published(day, "inferred"))
    return replace(doc, article=art, timexes=find_timexes(art.text, art.language, day, future_penalty))


@corpus_stage(
    "infer_dates",
    requires=["timexes", "entities"],
    provides=["published_inferred"],
    version="1",
    params=[InferDateParams, TimexParams],
)
def infer_dates_stage(state: CorpusState, ctx: Context) -> CorpusState:
    """Infer publication dates of undated articles from dated articles about the same events."""
    penalty = ctx.params(TimexParams).future_penalty
    docs = state.documents
    found = inferred_dates(docs, static_embedder(ctx), ctx.params(InferDateParams), penalty)
    return replace(state, documents=docs.replaced({d.id: d for d in found.values()}))
