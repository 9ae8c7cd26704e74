"""Typed records of Synoptic: what ingest reads, what stages annotate, what the analysis JSON holds.

Every record is a frozen dataclass with tuples for sequences, so stages can share them safely
and a distributed engine can ship them between workers. `to_dict` methods produce exactly the
shapes of the analysis contract (`schemas/report.schema.json`, `docs/contract.md`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_ID = "synoptic.analysis/1"

DateHow = Literal["given", "inferred"]
EntityType = Literal["PERSON", "ORG", "PLACE", "EVENT", "OTHER"]
QuoteKind = Literal["direct", "indirect"]
DerivationKind = Literal["copy", "paraphrase", "translation", "shared-passage"]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of evidence: `text == article.text[start:end]` for the article with id `article`."""

    article: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "start": self.start, "end": self.end, "text": self.text}

    @staticmethod
    def of(article_id: str, text: str, start: int, end: int) -> Span:
        """The span of `text[start:end]`, built from the article text so it always verifies."""
        return Span(article_id, start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Published:
    """A publication date with its precision kept (`2022-01-24`, `2022-01`) and how it was obtained."""

    date: str | None = None
    how: DateHow | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "how": self.how}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one copy of an article came from on the web: the URL, the source that named it, when it
    was fetched and with what HTTP status, and the date and outlet that source or page gave.
    An article found under several URLs (the same content) carries one record per URL."""

    url: str
    canonical_url: str | None = None  # the page's own canonical URL, else the URL after redirects
    feed: str | None = None  # the feed, sitemap, URL list or WARC file that named the URL
    fetched_at: str | None = None  # ISO 8601 UTC
    http_status: int | None = None
    published: str | None = None  # publication date as the feed or the page gave it
    published_from: Literal["feed", "page"] | None = None
    outlet: str | None = None
    outlet_from: Literal["site-name", "domain"] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "feed": self.feed,
            "fetched_at": self.fetched_at,
            "http_status": self.http_status,
            "published": self.published,
            "published_from": self.published_from,
            "outlet": self.outlet,
            "outlet_from": self.outlet_from,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. `text` is the cleaned body that every span offset refers to."""

    id: str
    path: str
    language: str
    title: str | None
    outlet: str | None
    authors: tuple[str, ...]
    published: Published
    text: str
    url: str | None = None
    language_how: DateHow | None = None
    #: Other inputs of the same run with exactly this content (same id), listed rather than dropped.
    duplicate_paths: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = ()  # one record per URL the article was fetched from

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "language": self.language,
            "title": self.title,
            "outlet": self.outlet,
            "authors": list(self.authors),
            "published": self.published.to_dict(),
            "text": self.text,
            "url": self.url,
        }
        if self.duplicate_paths:
            data["duplicate_paths"] = list(self.duplicate_paths)
        if self.provenance:
            data["provenance"] = [p.to_dict() for p in self.provenance]
        return data


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be analysed, with a reason a person can act on."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}


# ---------------------------------------------------------------------------------------------
# Per-article annotations (offsets into Article.text)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention before cross-document resolution."""

    start: int
    end: int
    text: str
    type: EntityType
    source: str = ""  # which recogniser found it: "spacy", "gazetteer", "pattern", "projection"
    role: str | None = None  # a title or role seen beside it ("Deputy Foreign Minister")
    entity: str | None = None  # the resolved Entity id, stamped by the corpus stage `resolve_entities`


@dataclass(frozen=True, slots=True)
class Timex:
    """A temporal expression resolved against the publication date, keeping its precision."""

    start: int
    end: int
    text: str
    value: str  # ISO 8601 at its precision: 2022-01-24, 2022-01, 2022
    granularity: Literal["day", "month", "year"]
    relative: bool


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with what it counts; imprecise amounts ("tens of thousands") keep a range."""

    start: int
    end: int
    text: str
    low: float | None
    high: float | None
    unit: str  # the counted noun as written ("troops", "Soldaten")
    approximate: bool


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """A quote found in one article, before speakers are resolved to entities."""

    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_text: str | None = None
    cue: str | None = None
    # How the speaker is linked ("name", "pronoun", "role", "organisation", "implicit") and the
    # attributing words themselves ("he", "the minister"); speaker_* is the name they resolve to.
    attribution: str | None = None
    reference_start: int | None = None
    reference_end: int | None = None
    reference_text: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """An article with the annotation layers per-article stages have added."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    timexes: tuple[Timex, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[QuoteMention, ...] = ()
    vector: str = ""  # E5 title + lead vector, float16 bytes in base64 (the `lead_vector` stage)
    rejected_reason: str | None = None

    @property
    def id(self) -> str:
        return self.article.id


# ---------------------------------------------------------------------------------------------
# Corpus-level results (the analysis contract)


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: EntityType
    aliases: tuple[str, ...]
    mentions: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    span: Span
    kind: QuoteKind
    speaker: str | None
    speaker_span: Span | None
    group: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "span": self.span.to_dict(),
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_span": self.speaker_span.to_dict() if self.speaker_span else None,
            "group": self.group,
        }


@dataclass(frozen=True, slots=True)
class QuoteVariant:
    """One version of a grouped utterance, compared word by word with the group's reference version.

    `removed`/`added` list the word runs that differ from the reference (only when both are in the
    same language; across languages only `similarity` is known, as no translation is available).
    """

    quote: str
    article: str
    language: str
    text: str
    similarity: float
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "article": self.article,
            "language": self.language,
            "text": self.text,
            "similarity": round(self.similarity, 4),
            "removed": list(self.removed),
            "added": list(self.added),
        }


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """The same utterance as reported by several articles, with each wording beside the reference one."""

    id: str
    speaker: str | None
    speaker_name: str | None
    reference: str
    quotes: tuple[str, ...]
    languages: tuple[str, ...]
    variants: tuple[QuoteVariant, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "speaker": self.speaker,
            "speaker_name": self.speaker_name,
            "reference": self.reference,
            "quotes": list(self.quotes),
            "languages": list(self.languages),
            "variants": [v.to_dict() for v in self.variants],
        }


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: str | None
    description: str
    articles: tuple[str, ...]
    evidence: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date,
            "description": self.description,
            "articles": list(self.articles),
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    statement: str
    support: tuple[Span, ...]
    contradict: tuple[Span, ...] = ()
    # Extra (not in the minimum contract): slot values (actor, action, object, place, time, quantity)
    # and how many independent voices support the claim.
    slots: dict[str, list[str]] | None = field(default=None, compare=False)
    voices: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "statement": self.statement,
            "support": [s.to_dict() for s in self.support],
            "contradict": [s.to_dict() for s in self.contradict],
        }
        if self.slots is not None:
            out["slots"] = self.slots
        if self.voices is not None:
            out["voices"] = self.voices
        return out


@dataclass(frozen=True, slots=True)
class ConflictValue:
    value: str
    spans: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "spans": [s.to_dict() for s in self.spans]}


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    about: str
    values: tuple[ConflictValue, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "about": self.about, "values": [v.to_dict() for v in self.values]}


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    citations: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations]}


ClaimState = Literal["reported", "omitted", "contradicted"]


@dataclass(frozen=True, slots=True)
class CoverageSource:
    """One source of a story's coverage matrix: its article, how a reader names it, its outlet and the
    independent voice it belongs to (the article id of its voice's root)."""

    article: str
    name: str
    outlet: str | None
    voice: str

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "name": self.name, "outlet": self.outlet, "voice": self.voice}


@dataclass(frozen=True, slots=True)
class FirstReporter:
    """The earliest-published article reporting a claim; `tied` lists articles of the same day
    (None when no article is dated, with `how` saying so)."""

    article: str | None
    published: str | None
    how: str
    tied: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"article": self.article, "published": self.published}
        if self.tied is not None:
            out["tied"] = list(self.tied)
        out["how"] = self.how
        return out


@dataclass(frozen=True, slots=True)
class StoryCoverage:
    """A story's source x claim matrix (claim id -> article id -> state) and each claim's first reporter."""

    sources: tuple[CoverageSource, ...]
    matrix: Mapping[str, Mapping[str, ClaimState]]
    first_reporter: Mapping[str, FirstReporter]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [s.to_dict() for s in self.sources],
            "matrix": {claim: dict(row) for claim, row in self.matrix.items()},
            "first_reporter": {claim: f.to_dict() for claim, f in self.first_reporter.items()},
        }


@dataclass(frozen=True, slots=True)
class CueCount:
    """Framing cues of one kind in one article: how many, per 100 sentences, and the first spans."""

    count: int
    per_100_sentences: float
    spans: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "per_100_sentences": self.per_100_sentences,
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(frozen=True, slots=True)
class QuotedVoice:
    """A speaker an article quotes: entity id (None when unresolved), name, type, role, the side it
    speaks for, and how many quotes it is given."""

    speaker: str | None
    name: str
    type: str | None
    role: str | None
    side: str | None
    quotes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "name": self.name,
            "type": self.type,
            "role": self.role,
            "side": self.side,
            "quotes": self.quotes,
        }


@dataclass(frozen=True, slots=True)
class ArticleFraming:
    """One article's framing: loaded and hedged wording, the voices it quotes and quotes per side."""

    loaded: CueCount
    hedged: CueCount
    voices: tuple[QuotedVoice, ...] = ()
    sides: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "loaded": self.loaded.to_dict(),
            "hedged": self.hedged.to_dict(),
            "voices": [v.to_dict() for v in self.voices],
            "sides": dict(self.sides),
        }


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated event or claim of a story's timeline, with the sources reporting it and the evidence."""

    date: str | None
    kind: Literal["event", "claim"]
    id: str
    what: str
    sources: tuple[str, ...]
    evidence: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "kind": self.kind,
            "id": self.id,
            "what": self.what,
            "sources": list(self.sources),
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    articles: tuple[str, ...]
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    voices: int | None = None  # independent voices after collapsing copies, spins, translations
    # Layers of the coverage stage: the source x claim matrix, wording and voices per source
    # (article id -> its framing), and the dated timeline; None before that stage runs.
    coverage: StoryCoverage | None = field(default=None, compare=False)
    framing: Mapping[str, ArticleFraming] | None = field(default=None, compare=False)
    timeline: tuple[TimelineEntry, ...] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "articles": list(self.articles),
            "events": [e.to_dict() for e in self.events],
            "claims": [c.to_dict() for c in self.claims],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "summary": [s.to_dict() for s in self.summary],
            "voices": self.voices if self.voices is not None else len(self.articles),
        }
        if self.coverage is not None:
            out["coverage"] = self.coverage.to_dict()
        if self.framing is not None:
            out["framing"] = {article: f.to_dict() for article, f in self.framing.items()}
        if self.timeline is not None:
            out["timeline"] = [e.to_dict() for e in self.timeline]
        return out


@dataclass(frozen=True, slots=True)
class Passage:
    source: Span
    derived: Span

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source.to_dict(), "derived": self.derived.to_dict()}


DirectionHow = Literal["dates", "text", "undetermined"]
#: A partial derivation makes the derived article the source's voice only when at least this share of
#: the derived article's sentences is the source's (it adds less than it takes); below, it stays an
#: independent voice that quotes a passage. Half: the midpoint, not tuned.
VOICE_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of each article's sentence characters covered by the aligned passages."""

    source: float
    derived: float

    def to_dict(self) -> dict[str, Any]:
        return {"source": round(self.source, 4), "derived": round(self.derived, 4)}


@dataclass(frozen=True, slots=True)
class Derivation:
    """One article (or part of it) copied, spun or translated from another.

    `direction` says how `source` was told from `derived`: by publication dates, by evidence in the
    texts (`evidence` names it), or "undetermined" when the evidence was too weak to choose (the
    two ids are then in an arbitrary but stable order). `common_source` is set when both articles
    derive from one third article of the corpus (two translations of one original): neither is
    then the other's source."""

    source: str
    derived: str
    kind: DerivationKind
    score: float
    passages: tuple[Passage, ...]
    coverage: Coverage | None = None
    partial: bool = False
    direction: DirectionHow = "undetermined"
    evidence: tuple[str, ...] = ()
    common_source: str | None = None

    def same_voice(self) -> bool:
        """Whether the derived article carries the source's voice: copies, spins and translations do;
        a shared wire passage does not; a partial one only when it is mostly the source's text."""
        if self.kind == "shared-passage":
            return False
        return not self.partial or self.coverage is None or self.coverage.derived >= VOICE_COVERAGE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "derived": self.derived,
            "kind": self.kind,
            "score": round(self.score, 4),
            "passages": [p.to_dict() for p in self.passages],
            "direction": self.direction,
            "evidence": list(self.evidence),
            "partial": self.partial,
        }
        if self.coverage is not None:
            out["coverage"] = self.coverage.to_dict()
        if self.common_source is not None:
            out["common_source"] = self.common_source
        return out


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How an analysis was made: the value of every declared parameter in the run (by `section.name`)
    and which of them the run overrode (from `synoptic.toml` or `--set`)."""

    values: tuple[tuple[str, bool | int | float | str], ...] = ()
    overridden: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"params": dict(self.values), "overridden": list(self.overridden)}


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything one analysis found; `to_dict` is the analysis JSON."""

    articles: tuple[Article, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    stories: tuple[Story, ...] = ()
    derivations: tuple[Derivation, ...] = ()
    documents: tuple[Document, ...] = field(default=(), compare=False, repr=False)
    quote_groups: tuple[QuoteGroup, ...] = ()
    #: Inputs analysed after a repair a reader should know of (invalid UTF-8 bytes replaced).
    warnings: tuple[Rejection, ...] = ()
    #: The parameters the analysis ran with; None for an analysis made outside `api` (not recorded).
    settings: RunSettings | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "articles": [a.to_dict() for a in self.articles],
            "rejected": [r.to_dict() for r in self.rejected],
            "entities": [e.to_dict() for e in self.entities],
            "quotes": [q.to_dict() for q in self.quotes],
            "stories": [s.to_dict() for s in self.stories],
            "derivations": [d.to_dict() for d in self.derivations],
            "quote_groups": [g.to_dict() for g in self.quote_groups],
        }
        if self.warnings:
            data["warnings"] = [w.to_dict() for w in self.warnings]
        if self.settings is not None:
            data["settings"] = self.settings.to_dict()
        return data

    def article(self, article_id: str) -> Article:
        """The article with this id; KeyError names the id when it is unknown."""
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)
