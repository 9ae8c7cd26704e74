"""What each page shows, as plain data: the web app and the static report render the same views.

`Links` decides where a reference points: `/stories/ID` in the app, `#story-ID` in the one-file
report. Ids from the document are percent-encoded before they enter a URL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from .. import langdata
from . import charts
from .charts import clip
from .corpus import Corpus, Filters, Json, items, published, spans, story_events, text_of
from .textmarks import DiffPiece, InContext, Mark, Segment, in_context, mark_added, segments


class Links(Protocol):
    def story(self, story_id: str) -> str: ...
    def article(self, article_id: str, span: Json | None = None) -> str: ...
    def entity(self, entity_id: str) -> str: ...


def _q(value: str) -> str:
    return quote(value, safe="")


class AppLinks:
    """Links between the web app's pages."""

    def story(self, story_id: str) -> str:
        return f"/stories/{_q(story_id)}"

    def article(self, article_id: str, span: Json | None = None) -> str:
        url = f"/articles/{_q(article_id)}"
        if span is not None:
            start, end = int(span["start"]), int(span["end"])
            url += f"?hl={start}-{end}#s-{start}-{end}"
        return url

    def entity(self, entity_id: str) -> str:
        return f"/entities/{_q(entity_id)}"


class ReportLinks:
    """Links inside the one-file static report (fragment anchors)."""

    def story(self, story_id: str) -> str:
        return f"#story-{_q(story_id)}"

    def article(self, article_id: str, span: Json | None = None) -> str:
        if span is not None:
            return f"#a-{_q(article_id)}-s-{int(span['start'])}-{int(span['end'])}"
        return f"#article-{_q(article_id)}"

    def entity(self, entity_id: str) -> str:
        return f"#entity-{_q(entity_id)}"


def anchor(prefix: str, value: str) -> str:
    """The element id that a ReportLinks fragment points at."""
    return f"{prefix}-{_q(value)}"


def safe_url(url: Any) -> str | None:
    """An article's own URL when it is http(s); anything else (javascript:, data:) is never linked."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# ---------------------------------------------------------------------------------------------
# Evidence


@dataclass(frozen=True)
class Evidence:
    """A span shown with its source and context, and where to read it in full."""

    article: str
    source: str
    language: str
    context: InContext
    href: str
    start: int
    end: int


def evidence(corpus: Corpus, span: Json, links: Links) -> Evidence:
    article = corpus.article(span["article"]) or {}
    body = text_of(article, "text")
    start, end = span["start"], span["end"]
    context = in_context(body, start, end) if body[start:end] else InContext("", corpus.span_text(span), "")
    return Evidence(
        article=span["article"],
        source=corpus.label(span["article"]),
        language=text_of(article, "language"),
        context=context,
        href=links.article(span["article"], span),
        start=start,
        end=end,
    )


# ---------------------------------------------------------------------------------------------
# Stories list


@dataclass(frozen=True)
class StoryRow:
    id: str
    title: str
    articles: int
    voices: int
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    first: str
    last: str
    events: int
    claims: int
    conflicts: int


def story_row(corpus: Corpus, story: Json) -> StoryRow:
    arts = corpus.story_articles(story)
    dates = corpus.story_dates(story)
    voices = story.get("voices")
    return StoryRow(
        id=story["id"],
        title=text_of(story, "title", story["id"]),
        articles=len(arts),
        voices=voices if isinstance(voices, int) else len(arts),
        languages=tuple(sorted({text_of(a, "language") for a in arts} - {""})),
        outlets=tuple(sorted({text_of(a, "outlet") for a in arts} - {""})),
        first=dates[0] if dates else "",
        last=dates[-1] if dates else "",
        events=len(story_events(story)),
        claims=len(items(story, "claims")),
        conflicts=len(items(story, "conflicts")),
    )


PAGE_SIZE = 50
LOOSE_SHOWN = 200


def index_view(corpus: Corpus, f: Filters, page: int = 1) -> dict[str, Any]:
    """The stories list, `PAGE_SIZE` stories a page, with the articles in no story below it."""
    matching = corpus.filter_stories(f)
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    loose = [a for a in corpus.unclustered() if corpus.article_matches(a, f)]
    return {
        "stories": [story_row(corpus, s) for s in shown],
        "matching": len(matching),
        "page": page,
        "pages": pages,
        "unclustered": loose[:LOOSE_SHOWN],
        "unclustered_more": max(0, len(loose) - LOOSE_SHOWN),
        "filters": f,
        "query": {k: v for k, v in asdict(f).items() if v},
        "languages": corpus.languages,
        "language_names": {lang: langdata.info(lang)["name"] for lang in langdata.supported_languages()},
        "outlets": corpus.outlets,
        "total_stories": len(corpus.stories),
        "total_articles": len(corpus.articles),
        "rejected": corpus.rejected,
    }


# ---------------------------------------------------------------------------------------------
# Story page


@dataclass(frozen=True)
class Wording:
    """One article's report of an utterance, as the analysis compared it with the group's reference:
    its similarity to the reference and the word runs it removed and added (same language only)."""

    quote_id: str
    article: str
    source: str
    language: str
    kind: str
    pieces: tuple[DiffPiece, ...]
    reference: bool
    similarity: float | None  # the analysis's score against the reference (None: not in a stored group)
    href: str
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteGroup:
    id: str
    speaker: str
    speaker_href: str | None
    wordings: tuple[Wording, ...]
    languages: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conflict:
    id: str
    about: str
    values: tuple[tuple[str, tuple[Evidence, ...]], ...]


@dataclass(frozen=True)
class Cited:
    text: str
    citations: tuple[Evidence, ...]


@dataclass(frozen=True)
class StoryView:
    row: StoryRow
    story: Json
    articles: list[Json]
    timeline: charts.Timeline | None
    matrix: charts.Matrix | None
    graph: charts.Graph | None
    conflicts: list[Conflict]
    quote_groups: list[QuoteGroup]
    summary: list[Cited]
    derivations: list[Json] = field(default_factory=list)
    events: list[tuple[Json, list[Evidence]]] = field(default_factory=list)


def story_view(corpus: Corpus, story: Json, links: Links) -> StoryView:
    arts = corpus.story_articles(story)
    ids = [a["id"] for a in arts]
    return StoryView(
        row=story_row(corpus, story),
        story=story,
        articles=arts,
        timeline=charts.timeline(corpus, story),
        matrix=charts.matrix(corpus, story),
        graph=charts.graph(corpus, story),
        conflicts=[_conflict(corpus, c, links) for c in items(story, "conflicts")],
        quote_groups=quote_groups(corpus, ids, links),
        summary=[
            Cited(text_of(s, "text"), tuple(evidence(corpus, c, links) for c in _known(corpus, spans(s, "citations"))))
            for s in items(story, "summary")
        ],
        derivations=corpus.derivations_among(ids),
        events=[
            (e, [evidence(corpus, s, links) for s in _known(corpus, spans(e, "evidence"))])
            for e in sorted(story_events(story), key=lambda e: text_of(e, "date") or "9999")
        ],
    )


def _known(corpus: Corpus, found: list[Json]) -> list[Json]:
    """Spans whose article the document holds (others cannot be shown)."""
    return [s for s in found if corpus.article(s["article"]) is not None]


def _conflict(corpus: Corpus, conflict: Json, links: Links) -> Conflict:
    values = tuple(
        (text_of(v, "value"), tuple(evidence(corpus, s, links) for s in _known(corpus, spans(v, "spans"))))
        for v in items(conflict, "values")
    )
    return Conflict(text_of(conflict, "id"), text_of(conflict, "about"), values)


def quote_groups(corpus: Corpus, article_ids: list[str], links: Links) -> list[QuoteGroup]:
    """Quotes of these articles grouped by utterance, the group's reference wording first.

    Similarities and removed / added words are read from the analysis's top-level `quote_groups`
    list; a quote in no stored group is shown alone, without a comparison.
    """
    order = {aid: i for i, aid in enumerate(article_ids)}
    groups: dict[str, list[Json]] = {}
    for q in corpus.quotes_in(article_ids):
        groups.setdefault(text_of(q, "group") or text_of(q, "id"), []).append(q)
    infos = corpus.memo("group_infos", lambda: group_infos(corpus))
    out = []
    for gid, members in groups.items():
        info = infos.get(gid, GroupInfo())
        members.sort(
            key=lambda q: (q.get("id") != info.reference, order.get(q["span"]["article"], 0), q["span"]["start"])
        )
        out.append(_quote_group(corpus, gid, members, links, info))
    out.sort(key=lambda g: (-len(g.wordings), g.id))
    return out


def _wording(corpus: Corpus, q: Json, links: Links, info: GroupInfo) -> Wording:
    said = corpus.span_text(q["span"])
    variant = info.variants.get(text_of(q, "id"))
    return Wording(
        quote_id=text_of(q, "id"),
        article=q["span"]["article"],
        source=corpus.label(q["span"]["article"]),
        language=text_of(corpus.article(q["span"]["article"]), "language"),
        kind=text_of(q, "kind"),
        pieces=tuple(mark_added(said, variant.added if variant else ())),
        reference=q.get("id") == info.reference,
        similarity=variant.similarity if variant else None,
        href=links.article(q["span"]["article"], q["span"]),
        removed=variant.removed if variant else (),
    )


def _quote_group(corpus: Corpus, gid: str, members: list[Json], links: Links, info: GroupInfo) -> QuoteGroup:
    wordings = [_wording(corpus, q, links, info) for q in members]
    speaker_id = next((q["speaker"] for q in members if isinstance(q.get("speaker"), str)), None)
    speaker_entity = corpus.entity(speaker_id) if speaker_id else None
    spoken = next((corpus.span_text(q["speaker_span"]) for q in members if _has_span(q, "speaker_span")), "")
    return QuoteGroup(
        id=gid,
        speaker=text_of(speaker_entity, "name") if speaker_entity else (info.speaker_name or spoken or "unattributed"),
        speaker_href=links.entity(speaker_entity["id"]) if speaker_entity else None,
        wordings=tuple(wordings),
        languages=tuple(dict.fromkeys(w.language for w in wordings)),
        notes=info.notes,
    )


def _has_span(node: Json, key: str) -> bool:
    value = node.get(key)
    return isinstance(value, dict) and isinstance(value.get("start"), int) and isinstance(value.get("article"), str)


@dataclass(frozen=True)
class Variant:
    """What the analysis stored about one wording of a group, against the group's reference."""

    similarity: float
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupInfo:
    """What the analysis's optional top-level `quote_groups` list says about one group."""

    reference: str | None = None  # id of the reference quote
    speaker_name: str = ""
    variants: dict[str, Variant] = field(default_factory=dict)  # quote id -> its comparison with the reference
    notes: tuple[str, ...] = ()


def _words(node: Json, key: str) -> tuple[str, ...]:
    value = node.get(key)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def group_infos(corpus: Corpus) -> dict[str, GroupInfo]:
    """`quote_groups` entries by group id: `{"id", "reference", "speaker_name", "variants": [{"quote",
    "similarity", "removed", "added"}]}`; free-text `differences` / `notes` are kept as notes.
    Malformed parts are skipped."""
    out: dict[str, GroupInfo] = {}
    for g in items(corpus.doc, "quote_groups"):
        gid = g.get("id") or g.get("group")
        if not isinstance(gid, str):
            continue
        variants = {
            v["quote"]: Variant(float(v["similarity"]), _words(v, "removed"), _words(v, "added"))
            for v in items(g, "variants")
            if isinstance(v.get("quote"), str) and isinstance(v.get("similarity"), int | float)
        }
        notes: list[str] = []
        for key in ("differences", "notes", "wording_differences"):
            value = g.get(key)
            notes += [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
            notes += [value] if isinstance(value, str) else []
        reference = g.get("reference")
        out[gid] = GroupInfo(
            reference=reference if isinstance(reference, str) else None,
            speaker_name=text_of(g, "speaker_name"),
            variants=variants,
            notes=tuple(notes),
        )
    return out


# ---------------------------------------------------------------------------------------------
# Article page


@dataclass(frozen=True)
class ArticleView:
    article: Json
    url: str | None
    segments: list[Segment]
    entities: list[tuple[Json, int]]
    quotes: list[tuple[Json, list[Json]]]  # (quote, the same utterance as other articles report it)
    claims: list[tuple[Json, str, Json]]  # (story, state, claim) for claims it reports or contradicts
    omitted: int  # claims of its stories that it does not mention
    stories: list[Json]
    derivations: list[Json]


def article_marks(corpus: Corpus, article_id: str, highlight: tuple[int, int] | None = None) -> list[Mark]:
    """Every span in the document that falls in this article, as typed highlights."""
    marks: list[Mark] = []
    for e, m in corpus.mentions_by_article.get(article_id, []):
        marks.append(Mark(m["start"], m["end"], "entity", f"{text_of(e, 'name')} ({text_of(e, 'type')})"))
    for q in corpus.quotes_in([article_id]):
        marks.append(Mark(q["span"]["start"], q["span"]["end"], "quote", f"quote ({text_of(q, 'kind')})"))
    for story in corpus.stories_of_article.get(article_id, []):
        for c in items(story, "claims"):
            for kind, key in (("claim", "support"), ("contra", "contradict")):
                for s in spans(c, key):
                    if s["article"] == article_id:
                        verb = "supports" if kind == "claim" else "contradicts"
                        marks.append(Mark(s["start"], s["end"], kind, f"{verb}: {clip(text_of(c, 'statement'), 90)}"))
    marks += [Mark(s["start"], s["end"], "cited", "") for s in cited_spans(corpus, article_id)]
    if highlight:
        marks.append(Mark(highlight[0], highlight[1], "target", "cited evidence"))
    return marks


def cited_spans(corpus: Corpus, article_id: str) -> list[Json]:
    """Spans in this article cited by events, conflicts, summaries and derivations (link targets)."""
    found: list[Json] = []
    for story in corpus.stories_of_article.get(article_id, []):
        for e in items(story, "events"):
            found += spans(e, "evidence")
        for c in items(story, "conflicts"):
            for v in items(c, "values"):
                found += spans(v, "spans")
        for s in items(story, "summary"):
            found += spans(s, "citations")
    for d in corpus.derivations_among([article_id]):
        for p in items(d, "passages"):
            found += [p[k] for k in ("source", "derived") if isinstance(p.get(k), dict) and _has_span(p, k)]
    return [s for s in found if s["article"] == article_id]


def article_view(corpus: Corpus, article: Json, highlight: tuple[int, int] | None = None) -> ArticleView:
    aid = article["id"]
    counts: dict[str, int] = {}
    for e, _ in corpus.mentions_by_article.get(aid, []):
        counts[e["id"]] = counts.get(e["id"], 0) + 1
    claims = []
    omitted = 0
    for story in corpus.stories_of_article.get(aid, []):
        for c in items(story, "claims"):
            state = _claim_states(corpus, story, c).get(aid, ("omitted", None))[0]
            if state == "omitted":
                omitted += 1
            else:
                claims.append((story, state, c))
    return ArticleView(
        article=article,
        url=safe_url(article.get("url")),
        segments=segments(text_of(article, "text"), article_marks(corpus, aid, highlight)),
        entities=[(corpus.entity_by_id[eid], n) for eid, n in counts.items()],
        quotes=[(q, _same_utterance(corpus, q)) for q in corpus.quotes_in([aid])],
        claims=claims,
        omitted=omitted,
        stories=corpus.stories_of_article.get(aid, []),
        derivations=corpus.derivations_among([aid]),
    )


def _claim_states(corpus: Corpus, story: Json, claim: Json) -> dict[str, tuple[str, Json | None]]:
    return corpus.memo(("claim", id(claim)), lambda: charts.claim_states(story, claim))


def _same_utterance(corpus: Corpus, quote: Json) -> list[Json]:
    """Quotes of other articles in the same group as `quote`."""
    group = quote.get("group")
    members = corpus.quotes_by_group.get(group, []) if isinstance(group, str) else []
    return [q for q in members if q["span"]["article"] != quote["span"]["article"]]


# ---------------------------------------------------------------------------------------------
# Entity page


@dataclass(frozen=True)
class EntityView:
    entity: Json
    by_language: list[tuple[str, list[Evidence]]]
    quotes: list[Json]
    stories: list[Json]


def entity_view(corpus: Corpus, entity: Json, links: Links) -> EntityView:
    by_lang: dict[str, list[Evidence]] = {}
    story_ids: dict[str, Json] = {}
    for m in _known(corpus, spans(entity, "mentions")):
        ev = evidence(corpus, m, links)
        by_lang.setdefault(ev.language or "unknown", []).append(ev)
        for s in corpus.stories_of_article.get(m["article"], []):
            story_ids[s["id"]] = s
    return EntityView(
        entity=entity,
        by_language=sorted(by_lang.items()),
        quotes=corpus.quotes_by_speaker.get(entity["id"], []),
        stories=list(story_ids.values()),
    )


def entity_rows(corpus: Corpus, q: str = "") -> list[tuple[Json, int, tuple[str, ...]]]:
    """Entities (optionally matching `q` in name or aliases) with mention counts and languages."""
    out = []
    for e in corpus.entities:
        names = [text_of(e, "name")] + [str(a) for a in e.get("aliases") or [] if isinstance(a, str)]
        if q and not any(q.casefold() in n.casefold() for n in names):
            continue
        mentions = spans(e, "mentions")
        langs = {text_of(corpus.article(m["article"]), "language") for m in mentions}
        out.append((e, len(mentions), tuple(sorted(langs - {""}))))
    out.sort(key=lambda row: (-row[1], text_of(row[0], "name")))
    return out


def publication(article: Json) -> str:
    """'2026-03-04' or '2026-03-04 (inferred)' or 'undated'."""
    date = published(article)
    pub = article.get("published")
    how = text_of(pub, "how") if isinstance(pub, dict) else ""
    if not date:
        return "undated"
    return f"{date} (inferred)" if how == "inferred" else date
