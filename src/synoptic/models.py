"""Typed records of Synoptic: what ingest reads, what stages annotate, what the analysis JSON holds.

Every record is a frozen dataclass with tuples for sequences, so stages can share them safely
and a distributed engine can ship them between workers. `Record.to_dict` produces exactly the
shapes of the analysis contract (`schemas/report.schema.json`, `docs/contract.md`) through the one
codec (`codec.py`); field metadata says where the contract leaves a field out or rounds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from itertools import repeat
from typing import Any, ClassVar, Literal

from .codec import OMIT_EMPTY, OMIT_NONE, SKIP, rounded, to_json

SCHEMA_ID = "synoptic.analysis/1"


class Record:
    """Base of the records of the analysis JSON: `to_dict` is their contract shape, written by the
    one codec (`codec.to_json`) from the fields and their metadata; `codec.from_json` reads it back."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """This record as the analysis contract writes it."""
        data: dict[str, Any] = to_json(self)
        return data


DateHow = Literal["given", "inferred"]
EntityType = Literal["PERSON", "ORG", "PLACE", "EVENT", "OTHER"]
QuoteKind = Literal["direct", "indirect"]
DerivationKind = Literal["copy", "paraphrase", "translation", "shared-passage"]


@dataclass(frozen=True, slots=True)
class Span(Record):
    """A piece of evidence: `text == article.text[start:end]` for the article with id `article`."""

    article: str
    start: int
    end: int
    text: str

    @staticmethod
    def of(article_id: str, text: str, start: int, end: int) -> Span:
        """The span of `text[start:end]`, built from the article text so it always verifies."""
        return Span(article_id, start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Published(Record):
    """A publication date with its precision kept (`2022-01-24`, `2022-01`) and how it was obtained."""

    date: str | None = None
    how: DateHow | None = None


@dataclass(frozen=True, slots=True)
class Provenance(Record):
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


@dataclass(frozen=True, slots=True)
class Article(Record):
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
    language_how: DateHow | None = field(default=None, metadata=SKIP)  # kept in the store, not in the JSON
    #: Other inputs of the same run with exactly this content (same id), listed rather than dropped.
    duplicate_paths: tuple[str, ...] = field(default=(), metadata=OMIT_EMPTY)
    provenance: tuple[Provenance, ...] = field(default=(), metadata=OMIT_EMPTY)  # one record per URL fetched


@dataclass(frozen=True, slots=True)
class Rejection(Record):
    """An input that could not be analysed, with a reason a person can act on."""

    path: str
    reason: str


# ---------------------------------------------------------------------------------------------
# Per-article annotations (offsets into Article.text)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SentenceParse:
    """Actor, action and object of one sentence from a dependency parse, as (slot, words) pairs
    (the `claim_parse` stage; claims read them)."""

    start: int
    end: int
    slots: tuple[tuple[str, str], ...]


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
    parses: tuple[SentenceParse, ...] = ()  # sentences parsed for claims (the `claim_parse` stage)
    rejected_reason: str | None = None

    @property
    def id(self) -> str:
        return self.article.id


# ---------------------------------------------------------------------------------------------
# Corpus-level results (the analysis contract)


@dataclass(frozen=True, slots=True)
class Entity(Record):
    id: str
    name: str
    type: EntityType
    aliases: tuple[str, ...]
    mentions: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Quote(Record):
    id: str
    span: Span
    kind: QuoteKind
    speaker: str | None
    speaker_span: Span | None
    group: str


@dataclass(frozen=True, slots=True)
class QuoteVariant(Record):
    """One version of a grouped utterance, compared word by word with the group's reference version.

    `removed`/`added` list the word runs that differ from the reference (only when both are in the
    same language; across languages only `similarity` is known, as no translation is available).
    """

    quote: str
    article: str
    language: str
    text: str
    similarity: float = field(metadata=rounded(4))
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteGroup(Record):
    """The same utterance as reported by several articles, with each wording beside the reference one."""

    id: str
    speaker: str | None
    speaker_name: str | None
    reference: str
    quotes: tuple[str, ...]
    languages: tuple[str, ...]
    variants: tuple[QuoteVariant, ...]


@dataclass(frozen=True, slots=True)
class Event(Record):
    id: str
    date: str | None
    description: str
    articles: tuple[str, ...]
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Claim(Record):
    id: str
    statement: str
    support: tuple[Span, ...]
    contradict: tuple[Span, ...] = ()
    # Extra (not in the minimum contract): slot values (actor, action, object, place, time, quantity)
    # and how many independent voices support the claim.
    slots: dict[str, list[str]] | None = field(default=None, compare=False, metadata=OMIT_NONE)
    voices: int | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True, slots=True)
class ConflictValue(Record):
    value: str
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Conflict(Record):
    id: str
    about: str
    values: tuple[ConflictValue, ...]


@dataclass(frozen=True, slots=True)
class SummarySentence(Record):
    text: str
    citations: tuple[Span, ...]


def _article_count(story: Story) -> int:
    return len(story.articles)


ClaimState = Literal["reported", "omitted", "contradicted", "both"]


@dataclass(frozen=True, slots=True)
class CoverageSource(Record):
    """One source of a story's coverage matrix: its article, how a reader names it, its outlet and the
    independent voice it belongs to (the article id of its voice's root)."""

    article: str
    name: str
    outlet: str | None
    voice: str


@dataclass(frozen=True, slots=True)
class FirstReporter(Record):
    """The earliest-published article reporting a claim; `tied` lists articles of the same day
    (None, and left out, when no article is dated, with `how` saying so)."""

    article: str | None
    published: str | None
    tied: tuple[str, ...] | None = field(default=None, metadata=OMIT_NONE)
    how: str = ""


@dataclass(frozen=True, slots=True)
class StoryCoverage(Record):
    """A story's source x claim matrix (claim id -> article id -> state) and each claim's first reporter."""

    sources: tuple[CoverageSource, ...]
    matrix: dict[str, dict[str, ClaimState]]
    first_reporter: dict[str, FirstReporter]


@dataclass(frozen=True, slots=True)
class CueCount(Record):
    """Framing cues of one kind in one article: how many, per 100 sentences, and the first spans."""

    count: int
    per_100_sentences: float
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class QuotedVoice(Record):
    """A speaker an article quotes: entity id (None when unresolved), name, type, role, the side it
    speaks for, and how many quotes it is given."""

    speaker: str | None
    name: str
    type: str | None
    role: str | None
    side: str | None
    quotes: int


@dataclass(frozen=True, slots=True)
class ArticleFraming(Record):
    """One article's framing: loaded and hedged wording, the voices it quotes and quotes per side."""

    loaded: CueCount
    hedged: CueCount
    voices: tuple[QuotedVoice, ...] = ()
    sides: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TimelineEntry(Record):
    """A dated event or claim of a story's timeline, with the sources reporting it and the evidence."""

    date: str | None
    kind: Literal["event", "claim"]
    id: str
    what: str
    sources: tuple[str, ...]
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Story(Record):
    id: str
    title: str
    articles: tuple[str, ...]
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    # independent voices after collapsing copies, spins, translations (written as the article count
    # when no stage counted them)
    voices: int | None = field(default=None, metadata={"or": _article_count})
    # Layers of the coverage stage: the source x claim matrix, wording and voices per source
    # (article id -> its framing), and the dated timeline; None (and left out) before that stage runs.
    coverage: StoryCoverage | None = field(default=None, compare=False, metadata=OMIT_NONE)
    framing: dict[str, ArticleFraming] | None = field(default=None, compare=False, metadata=OMIT_NONE)
    timeline: tuple[TimelineEntry, ...] | None = field(default=None, compare=False, metadata=OMIT_NONE)


@dataclass(frozen=True, slots=True)
class Passage(Record):
    source: Span
    derived: Span


DirectionHow = Literal["dates", "text", "undetermined"]
#: A partial derivation makes the derived article the source's voice only when at least this share of
#: the derived article's sentences is the source's (it adds less than it takes); below, it stays an
#: independent voice that quotes a passage. Half: the midpoint, not tuned.
VOICE_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class Coverage(Record):
    """Share of each article's sentence characters covered by the aligned passages."""

    source: float = field(metadata=rounded(4))
    derived: float = field(metadata=rounded(4))


@dataclass(frozen=True, slots=True)
class Derivation(Record):
    """One article (or part of it) copied, spun or translated from another.

    `direction` says how `source` was told from `derived`: by publication dates, by evidence in the
    texts (`evidence` names it), or "undetermined" when the evidence was too weak to choose (the
    two ids are then in an arbitrary but stable order). `common_source` is set when both articles
    derive from one third article of the corpus (two translations of one original): neither is
    then the other's source."""

    source: str
    derived: str
    kind: DerivationKind
    score: float = field(metadata=rounded(4))
    passages: tuple[Passage, ...]
    direction: DirectionHow = "undetermined"
    evidence: tuple[str, ...] = ()
    partial: bool = False
    coverage: Coverage | None = field(default=None, metadata=OMIT_NONE)
    common_source: str | None = field(default=None, metadata=OMIT_NONE)

    def same_voice(self) -> bool:
        """Whether the derived article carries the source's voice: copies, spins and translations do;
        a shared wire passage does not; a partial one only when it is mostly the source's text."""
        if self.kind == "shared-passage":
            return False
        return not self.partial or self.coverage is None or self.coverage.derived >= VOICE_COVERAGE


@dataclass(frozen=True, slots=True)
class RunSettings(Record):
    """How an analysis was made: the value of every declared parameter in the run (by `section.name`)
    and which of them the run overrode (from `synoptic.toml` or `--set`)."""

    params: dict[str, bool | int | float | str] = field(default_factory=dict)
    overridden: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis(Record):
    """Everything one analysis found; `to_dict` is the analysis JSON."""

    JSON_HEAD: ClassVar[dict[str, str]] = {"schema": SCHEMA_ID}

    articles: tuple[Article, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    stories: tuple[Story, ...] = ()
    derivations: tuple[Derivation, ...] = ()
    documents: Sequence[Document] = field(default=(), compare=False, repr=False, metadata=SKIP)
    quote_groups: tuple[QuoteGroup, ...] = ()
    #: Inputs analysed after a repair a reader should know of (invalid UTF-8 bytes replaced).
    warnings: tuple[Rejection, ...] = field(default=(), metadata=OMIT_EMPTY)
    #: The parameters the analysis ran with; None (left out) for an analysis made outside `api`.
    settings: RunSettings | None = field(default=None, metadata=OMIT_NONE)

    def article(self, article_id: str) -> Article:
        """The article with this id; KeyError names the id when it is unknown."""
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)


def _pickled_by_field_order(cls: type) -> None:
    """Pickle a frozen, slotted record with the state dataclasses gives it (its field values in order,
    as a list; the same bytes) from names listed once: dataclasses' own methods list the fields again
    for every object. A large run keeps its documents pickled between passes (`corpus.Documents`), and
    1,000 stored documents took 0.49 s to unpickle that way, 0.34 s this way."""
    names = tuple(f.name for f in fields(cls))
    set_slot = object.__setattr__  # the record is frozen

    def getstate(self: object) -> list[Any]:
        return list(map(getattr, repeat(self), names))

    def setstate(self: object, state: Sequence[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            set_slot(self, name, value)

    for name, method in (("__getstate__", getstate), ("__setstate__", setstate)):
        setattr(cls, name, method)


for _record in [c for c in list(globals().values()) if isinstance(c, type) and is_dataclass(c)]:
    if _record.__module__ == __name__:
        _pickled_by_field_order(_record)
