"""Claims: one factual statement per sentence, with its slots filled from the annotation layers.

Without a parser for every language, a claim is a sentence with slots taken from the layers
(places, dates, amounts, people and organisations) and from per-language cue data (negation,
hedging, outcome and event words). English sentences also get actor / action / object from the
spaCy dependency parse. Within a sentence, *frames* tie an event word to the place and day in
the same clause ("a NATO-Russia gathering in Brussels Wednesday"), and *outcomes* tie a result
cue to what resulted ("which nearly led to World War III"); conflicts are found on these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from ..annotate.gazetteer import Gazetteer
from ..models import Document
from ..params import Params, param
from . import cues
from .amounts import QuantRef, doc_quantities
from .places import PlaceRef, doc_actors, doc_places
from .times import TimeRef, doc_times

_SEEDS = "set on the seeds and example corpus when claims were written (a999469), not on labelled data"
_WMT22 = "fitted on the WMT22 calibration half (benchmarks/conflicts_wmt22.py, docs/bench/conflicts.md)"


@dataclass(frozen=True)
class ClaimParams(Params):
    """Claim units and their E5 alignment across articles (docs/compare.md)."""

    section: ClassVar[str] = "claims"
    min_words: int = param(4, "sentences shorter than this (datelines, captions, 'He denied it.') state no claim")
    align: float = param(
        0.84,
        f"mean calibrated E5 of one claim: best pairwise F1, calibration 0.914 (0.885 by hand: 0.887),"
        f" evaluation 0.950 (0.932); {_WMT22}",
    )
    same_language_offset: float = param(
        0.01, f"E5 scores sentences of one language this much higher than across languages; fitted with align; {_WMT22}"
    )
    family_shared: int = param(
        5, "stories sharing this many entities (and family_jaccard of them) align claims together; set on the seeds"
    )
    family_jaccard: float = param(0.15, "... and this share of their entities (set on the seeds' split story)")
    borrow: float = param(
        0.88,
        f"similarity for a weekday to take its date from another source's weekday; {_SEEDS}"
        " (WMT22 is undated, so it cannot calibrate this)",
    )
    static_pair: float = param(
        0.4,
        "static cosine for a sentence derivations did not align to be embedded for a sentence of another article"
        " of its voice that shares no anchor with it: the highest keeping >= 0.99 of the pairs grouped with all"
        " embedded (a lost pair marks a source as omitting what it reported), WMT22 real-news calibration half"
        " 0.992 (evaluation 0.997; 0.7 kept the issue's 0.97: 0.974); benchmarks/bench_claim_candidates.py",
    )


@dataclass(frozen=True)
class Frame:
    """An event word with the place and day stated in the same clause."""

    kind: str  # event class from the cue data: meeting, signing, interview, call
    cue: str
    place: PlaceRef
    time: TimeRef


@dataclass(frozen=True)
class Outcome:
    """A stated result: `cue` ("led to") with what followed it, and whether it is hedged or negated."""

    start: int
    end: int
    text: str
    result: str  # the words after the cue ("nuclear war")
    near_miss: bool  # "nearly", "beinahe", "failli"
    negated: bool
    modal: bool  # "could lead to": a possibility, not a stated outcome


@dataclass(frozen=True)
class ClaimUnit:
    """A sentence of one article as a claim, with its slots (offsets into the article text)."""

    id: str
    article: str
    lang: str
    start: int
    end: int
    text: str
    published: str | None
    places: tuple[PlaceRef, ...] = ()
    times: tuple[TimeRef, ...] = ()
    quantities: tuple[QuantRef, ...] = ()
    actors: tuple[PlaceRef, ...] = ()
    negated: bool = False
    hedged: bool = False
    frames: tuple[Frame, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()  # (person's name, title or role written beside it)
    parse: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def keys(self) -> frozenset[str]:
        """Language-independent names of the places, people and organisations it mentions."""
        return frozenset(p.key.lower() for p in self.places + self.actors)

    def slots(self) -> dict[str, list[str]]:
        """Slot values for the analysis JSON: actor, action, object (English parse; else the first
        person or organisation named), participants (resolved entity names), place, time, quantity."""
        out: dict[str, list[str]] = {}
        for key in ("actor", "action", "object"):
            if self.parse.get(key):
                out[key] = [self.parse[key]]
        actors = sorted({a.key for a in self.actors})
        if actors:
            out["participants"] = actors
        if "actor" not in out and self.actors:
            out["actor"] = [self.actors[0].key]
        if self.places:
            out["place"] = sorted({p.key for p in self.places})
        if self.times:
            out["time"] = [t.value or t.text for t in self.times]
        if self.quantities:
            out["quantity"] = [f"{q.text} [{q.unit}]" for q in self.quantities]
        return out


def _within(items: Sequence[Any], start: int, end: int) -> tuple[Any, ...]:
    return tuple(x for x in items if x.start >= start and x.end <= end)


@cache
def _clause_split(lang: str) -> re.Pattern[str]:
    """Punctuation, and the language's conjunctions and clause joiners ("and", "but", "while")."""
    joiners = cues.alternation(lang, "conjunctions", "clause_joiners")
    return re.compile(rf"[,;:()\u2013\u2014]|\s(?:{joiners})\s")


def _clauses(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence, split at punctuation and coordinating words."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _clause_split(lang).finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(a, b) for a, b in out if b > a]


@cache
def _locative_before(lang: str) -> re.Pattern[str]:
    """A locative preposition, then perhaps an article, ending the text before a place ("in the")."""
    preps = "|".join(re.escape(p) for p in cues.cues(lang).get("locative_preps", ["in"]))
    return re.compile(rf"(?:^|\s)(?:{preps})(?:\s+(?:{cues.alternation(lang, 'articles')}))?\s+$")


def _locative(text: str, place: PlaceRef, lang: str) -> bool:
    return _locative_before(lang).search(text[: place.start]) is not None


def find_frames(text: str, base: int, lang: str, places: Sequence[PlaceRef], times: Sequence[TimeRef]) -> list[Frame]:
    """Event frames of one sentence: in each clause, an event word, a located place and a day."""
    frames: list[Frame] = []
    for a, b in _clauses(text, lang):
        clause = text[a:b]
        days = [t for t in _within(times, base + a, base + b) if t.day or t.weekday is not None or t.month_day]
        located = [p for p in _within(places, base + a, base + b) if _locative(text, _shift(p, -base), lang)]
        kinds = list(cues.classes_in(lang, "event_classes", clause))
        if not days or not located or not kinds:
            continue
        time = days[0]
        place = min(located, key=lambda p: abs(p.start - time.start))
        kind, hit = min(kinds, key=lambda k: abs(base + a + k[1].start - place.start))
        frames.append(Frame(kind, hit.text, place, time))
    return frames


def _shift(p: PlaceRef, by: int) -> PlaceRef:
    return PlaceRef(p.start + by, p.end + by, p.text, p.key)


@cache
def _result_end(lang: str) -> re.Pattern[str]:
    """Where a stated result ends: punctuation, a conjunction or a clause of time ("and", "when")."""
    return re.compile(rf"[.,;:!?]|\s(?:{cues.alternation(lang, 'conjunctions', 'time_conjunctions')})\s")


def find_outcomes(text: str, base: int, lang: str) -> list[Outcome]:
    """Stated results in a sentence ("led to nuclear war", "nearly led to World War III")."""
    out: list[Outcome] = []
    for hit in cues.find(lang, "result_cues", text):
        rest = text[hit.end :]
        stop = _result_end(lang).search(rest)
        result = rest[: stop.start() if stop else len(rest)].strip()
        words = result.split()[:6]
        if not words or words[0].lower() in cues.words(lang, "agent_prepositions"):
            continue  # "caused by ...": a cause, not a result
        result = " ".join(words)
        before = text[max(0, hit.start - 25) : hit.start]
        end = hit.end + rest.find(result) + len(result)
        lead = max(0, hit.start - 12)
        near = cues.find(lang, "near_miss", text[lead : hit.start])
        start = lead + near[0].start if near else hit.start
        out.append(
            Outcome(
                start=base + start,
                end=base + end,
                text=text[start:end],
                result=result,
                near_miss=bool(near),
                negated=cues.has(lang, "negation", before[-15:]),
                modal=cues.has(lang, "modal", before[-15:]),
            )
        )
    return out


_DATELINE_HEAD = re.compile(r"^[A-ZÀ-Þ][\w\s().,'-]{0,40},\s*$")
_DATELINE_TAIL = re.compile(r"^[\s\d:.]*[–—-]\s")


def is_dateline(sentence: str, start: int, end: int) -> bool:
    """Whether a date opens the sentence as its dateline ("COLOGNE, 8 April 2025 – ..."): the
    publication date, not the date of what the sentence states."""
    return bool(_DATELINE_HEAD.match(sentence[:start]) and _DATELINE_TAIL.match(sentence[end:]))


def is_claim_sentence(text: str, min_words: int = ClaimParams.min_words) -> bool:
    """Whether a sentence can state a claim: at least `min_words` words (the `claims.min_words` setting)."""
    return len(text.split()) >= min_words


def units_of(
    doc: Document,
    names: dict[str, str] | None = None,
    min_words: int = ClaimParams.min_words,
    gazetteer: Gazetteer | None = None,
) -> list[ClaimUnit]:
    """One claim unit per sentence of the document (sentences of fewer than `min_words` words, the
    `claims.min_words` setting, are skipped); places are keyed by `gazetteer`, the run's (None: the default)."""
    art = doc.article
    lang = art.language or "en"
    places, times = doc_places(doc, names, gazetteer), doc_times(doc)
    quantities, actors = doc_quantities(doc), doc_actors(doc, names, gazetteer)
    out: list[ClaimUnit] = []
    for i, s in enumerate(doc.sentences):
        text = art.text[s.start : s.end]
        if not is_claim_sentence(text, min_words):
            continue
        sp = _within(places, s.start, s.end)
        st = tuple(
            t for t in _within(times, s.start, s.end) if not is_dateline(text, t.start - s.start, t.end - s.start)
        )
        out.append(
            ClaimUnit(
                id=f"{art.id}:{i}",
                article=art.id,
                lang=lang,
                start=s.start,
                end=s.end,
                text=text,
                published=art.published.date,
                places=sp,
                times=st,
                quantities=_within(quantities, s.start, s.end),
                actors=_within(actors, s.start, s.end),
                negated=cues.has(lang, "negation", text),
                hedged=cues.has(lang, "hedges", text),
                frames=tuple(find_frames(text, s.start, lang, sp, st)),
                outcomes=tuple(find_outcomes(text, s.start, lang)),
                roles=tuple(_roles(doc, s.start, s.end, names)),
            )
        )
    return out


def _roles(doc: Document, start: int, end: int, names: dict[str, str] | None) -> list[tuple[str, str]]:
    """(entity name, role) for the person mentions of a sentence that carry a role."""
    out: list[tuple[str, str]] = []
    for m in doc.mentions:
        if m.type == "PERSON" and m.role and m.entity and start <= m.start < end:
            out.append(((names or {}).get(m.entity, m.text), m.role))
    return out
