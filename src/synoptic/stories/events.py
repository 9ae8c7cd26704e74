"""The corpus stage `events`: dated happenings inside each story, with evidence sentences.

An article's *main* event is the first day-precise date expression in its lead (title and first
sentences): the resolved timexes of the `timex` stage when present, else our own light reading of
weekday names and day-month dates in the article's language (CLDR names via babel). A weekday
resolves against the publication date (the latest such day on or before it); when an article has
no date, its weekday stays open and it joins the event of a dated article naming the same weekday
("Monday" in an undated article and "Monday" in one published on Wednesday 26th). An article with
no date expression in its lead falls back to its publication date. An article whose lead also
names the date of another article's main event belongs to that event too. Every event keeps the
sentences that date it as evidence; its description is one of them (extractive).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import ClassVar

from ..models import Document, Event, Sentence, Span, Story
from ..params import Params, param
from ..pipeline import Context, CorpusState, corpus_stage
from .features import day_number

_DATELINE_END = re.compile(r"\s*[–—-]")


@dataclass(frozen=True)
class EventParams(Params):
    """Where the events stage looks for an article's event dates, and how long a description runs."""

    section: ClassVar[str] = "events"
    lead_sentences: int = param(
        8,
        "the main event's date is the first date in this many lead sentences (news leads: who, what, when); not tuned",
    )
    secondary_sentences: int = param(3, "an article also reports another event whose day its first sentences name")
    max_description: int = param(220, "characters of an event's description, about one sentence; a display length")


@dataclass(frozen=True)
class Anchor:
    """A date expression in a sentence: resolved to a day, or only a weekday (0 = Monday)."""

    sentence: Sentence
    weekday: int
    date: dt.date | None
    at: int = 0  # offset in the article text


@cache
def _names(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """Lower-cased wide weekday names -> 0..6 and month names -> 1..12 of a language (CLDR)."""
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(lang or "en")
    except (UnknownLocaleError, ValueError):
        loc = Locale.parse("en")
    days: dict[str, int] = {}
    months: dict[str, int] = {}
    for ctx_name in ("format", "stand-alone"):
        days.update({str(v).lower(): int(k) for k, v in loc.days[ctx_name]["wide"].items()})
        for width in ("wide", "abbreviated"):
            for k, v in loc.months[ctx_name][width].items():
                name = str(v).lower().rstrip(".")
                if len(name) >= 3:
                    months[name] = int(k)
    return days, months


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    days, months = _names(lang)
    day_alt = "|".join(sorted(map(re.escape, days), key=len, reverse=True))
    month_alt = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    weekday = re.compile(rf"\b({day_alt})\b", re.IGNORECASE)
    day_month = re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?\.?\s+({month_alt})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
    month_day = re.compile(rf"\b({month_alt})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
    return weekday, day_month, month_day


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_weekday(weekday: int, reference: dt.date) -> dt.date:
    """The latest date on or before `reference` that falls on `weekday` (news reports the past)."""
    return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)


def _aside(piece: str, at: int) -> bool:
    """Inside parentheses (a photo caption, an aside), where dates are background."""
    return piece.count("(", 0, at) > piece.count(")", 0, at)


def explicit_dates(doc: Document, sent: Sentence, reference: dt.date | None) -> list[tuple[int, dt.date, bool]]:
    """Day-month dates in a sentence: (offset in sentence, date, is a dateline "CITY, DATE –")."""
    _, months = _names(doc.article.language)
    _, dm_re, md_re = _patterns(doc.article.language)
    piece = doc.article.text[sent.start : sent.end]
    out = []
    for regex, day_group, month_group in ((dm_re, 1, 2), (md_re, 2, 1)):
        for m in regex.finditer(piece):
            month = months[m.group(month_group).lower().rstrip(".")]
            date = _explicit(int(m.group(day_group)), month, m.group(3), reference)
            if date and not _aside(piece, m.start()):
                out.append((m.start(), date, bool(_DATELINE_END.match(piece, m.end()))))
    return out


def dateline(doc: Document) -> dt.date | None:
    """The date of a dateline opening the article ("Köln, 6. April 2025 – ..."), if any."""
    for sent in doc.sentences[:2]:
        for _, date, is_dateline in explicit_dates(doc, sent, None):
            if is_dateline:
                return date
    return None


def light_anchors(doc: Document, sentences: Sequence[Sentence], reference: dt.date | None) -> list[Anchor]:
    """Weekday names and day-month dates in these sentences, resolved against `reference`."""
    days, _ = _names(doc.article.language)
    weekday_re, _, _ = _patterns(doc.article.language)
    out: list[Anchor] = []
    for sent in sentences:
        piece = doc.article.text[sent.start : sent.end]
        found: list[tuple[int, Anchor]] = [
            (at, Anchor(sent, date.weekday(), date, sent.start + at))
            for at, date, is_dateline in explicit_dates(doc, sent, reference)
            if not is_dateline
        ]
        for m in weekday_re.finditer(piece):
            if _aside(piece, m.start()):
                continue
            wd = days[m.group(1).lower()]
            resolved = resolve_weekday(wd, reference) if reference else None
            found.append((m.start(), Anchor(sent, wd, resolved, sent.start + m.start())))
        out += [a for _, a in sorted(found, key=lambda x: x[0])]
    return out


def _explicit(day: int, month: int, year: str | None, reference: dt.date | None) -> dt.date | None:
    if year:
        return _date(int(year), month, day)
    return _date(reference.year, month, day) if reference else None


def timex_anchors(doc: Document, sentences: Sequence[Sentence]) -> list[Anchor]:
    """Day-precise resolved timexes of the `timex` stage that fall inside these sentences."""
    out = []
    for sent in sentences:
        for t in doc.timexes:
            if t.granularity == "day" and sent.start <= t.start < sent.end and len(t.value) >= 10:
                piece = doc.article.text[sent.start : sent.end]
                if _aside(piece, t.start - sent.start) or _DATELINE_END.match(doc.article.text, t.end):
                    continue
                date = _date(*map(int, t.value[:10].split("-")))
                if date:
                    out.append(Anchor(sent, date.weekday(), date, t.start))
    return out


def anchors(doc: Document, lead: int, reference: dt.date | None) -> list[Anchor]:
    """Date anchors in the first `lead` sentences."""
    sentences = doc.sentences[:lead]
    resolved = timex_anchors(doc, sentences)
    taken = [(t.start, t.end) for t in doc.timexes if len(t.value) >= 10]
    own = [a for a in light_anchors(doc, sentences, reference) if not any(s <= a.at < e for s, e in taken)]
    return sorted(resolved + own, key=lambda a: a.at)


def published(doc: Document) -> dt.date | None:
    """The publication day: the article's date, else its dateline's."""
    number = day_number(doc.article.published.date)
    return dt.date.fromordinal(number) if number else dateline(doc)


@dataclass
class Draft:
    """An event being assembled: its day (or open weekday) and evidence per article."""

    date: dt.date | None
    weekday: int | None
    evidence: dict[str, list[Sentence]]


def main_events(docs: Sequence[Document], lead: int = EventParams.lead_sentences) -> tuple[list[Draft], list[Document]]:
    """Events named by the first date expression of each lead; articles without one are returned."""
    drafts: list[Draft] = []
    undated: list[Document] = []
    for doc in sorted(docs, key=lambda d: (published(d) is None, d.id)):
        found = anchors(doc, lead, published(doc))
        if not found:
            undated.append(doc)
            continue
        first = found[0]
        draft = _matching(drafts, first.date, first.weekday)
        if draft is None:
            draft = Draft(first.date, first.weekday, {})
            drafts.append(draft)
        draft.date = draft.date or first.date
        draft.evidence.setdefault(doc.id, []).append(first.sentence)
    return drafts, undated


def _matching(drafts: Sequence[Draft], date: dt.date | None, weekday: int) -> Draft | None:
    if date is not None:
        same = [d for d in drafts if d.date == date]
        if same:
            return same[0]
        return next((d for d in drafts if d.date is None and d.weekday == weekday), None)
    same_day = [d for d in drafts if d.weekday == weekday]
    return max(same_day, key=lambda d: len(d.evidence)) if same_day else None


def add_fallbacks(drafts: list[Draft], undated: Sequence[Document]) -> None:
    """Articles without a dated lead join the event of their publication date (or start it)."""
    for doc in undated:
        day = published(doc)
        lead = doc.sentences[:1]
        if not lead:
            continue
        target = next((d for d in drafts if day is not None and d.date == day), None)
        if target is None:
            if day is None and drafts:
                continue
            target = Draft(day, day.weekday() if day else None, {})
            drafts.append(target)
        target.evidence.setdefault(doc.id, []).extend(lead)


def add_secondary(
    drafts: Sequence[Draft], docs: Sequence[Document], first: int = EventParams.secondary_sentences
) -> None:
    """An article whose lead names another event's day (resolved against its own date) reports it too."""
    for doc in docs:
        own = [d for d in drafts if doc.id in d.evidence]
        reference = published(doc) or next((d.date for d in own if d.date), None)
        for anchor in anchors(doc, first, reference):
            for draft in drafts:
                if anchor.date is not None and draft.date == anchor.date and doc.id not in draft.evidence:
                    draft.evidence[doc.id] = [anchor.sentence]


def description(doc: Document, sentence: Sentence, limit: int = EventParams.max_description) -> str:
    text = " ".join(doc.article.text[sentence.start : sentence.end].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def story_events(story: Story, by_id: Mapping[str, Document], params: EventParams | None = None) -> tuple[Event, ...]:
    p = params or EventParams()
    docs = [by_id[i] for i in story.articles if i in by_id]
    drafts, undated = main_events(docs, p.lead_sentences)
    add_fallbacks(drafts, undated)
    add_secondary(drafts, docs, p.secondary_sentences)
    drafts = [d for d in drafts if d.evidence]
    drafts.sort(key=lambda d: (d.date is None, d.date or dt.date.min))
    order = {a: i for i, a in enumerate(story.articles)}
    events = []
    for n, draft in enumerate(drafts):
        articles = sorted(draft.evidence, key=lambda a: order[a])
        evidence = tuple(
            Span.of(a, by_id[a].article.text, s.start, s.end)
            for a in articles
            for s in sorted(set(draft.evidence[a]), key=lambda s: s.start)
        )
        first = articles[0]
        date = draft.date.isoformat() if draft.date else None
        events.append(
            Event(
                id=f"{story.id}-e{n}",
                date=date,
                description=description(by_id[first], draft.evidence[first][0], p.max_description),
                articles=tuple(articles),
                evidence=evidence,
            )
        )
    return tuple(events)


@corpus_stage("events", requires=["stories", "sentences", "timexes"], provides=["events"], params=[EventParams])
def events_stage(state: CorpusState, ctx: Context) -> CorpusState:
    by_id = state.documents.by_id
    params = ctx.params(EventParams)
    stories = tuple(replace(s, events=story_events(s, by_id, params)) for s in state.stories)
    return replace(state, stories=stories)


def articles_by_event(events: Sequence[Event]) -> dict[str | None, tuple[str, ...]]:
    """Event date -> articles, a compact view for tests and reports."""
    out: dict[str | None, tuple[str, ...]] = defaultdict(tuple)
    for e in events:
        out[e.date] = out[e.date] + e.articles
    return dict(out)
