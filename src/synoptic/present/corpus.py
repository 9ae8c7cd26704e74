"""Read-only indexes over one analysis JSON document, tolerant of missing optional keys.

The web app, the HTTP API and the reports all read the analysis contract through this class, so
that a document from an older or newer Synoptic (a key missing, a list empty, an extra key) still
renders instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from .. import langdata

Json = dict[str, Any]
T = TypeVar("T")


def items(node: Any, key: str) -> list[Json]:
    """The list of objects at `node[key]`, or [] when it is missing or not a list of objects."""
    value = node.get(key) if isinstance(node, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text_of(node: Any, key: str, default: str = "") -> str:
    """`node[key]` as a string ("" or `default` when missing / null)."""
    value = node.get(key) if isinstance(node, dict) else None
    return default if value is None else str(value)


def is_span(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and isinstance(node.get("article"), str)
        and isinstance(node.get("start"), int)
        and isinstance(node.get("end"), int)
    )


def spans(node: Any, key: str) -> list[Json]:
    """The well-formed spans at `node[key]` (ill-formed ones are skipped, never fatal)."""
    return [s for s in items(node, key) if is_span(s)]


def published(article: Json) -> str:
    """The article's publication date ('' when unknown)."""
    pub = article.get("published")
    return text_of(pub, "date") if isinstance(pub, dict) else ""


def date_key(value: str, *, upper: bool = False) -> str:
    """An ISO date of any precision padded to a full day, for ordering and range checks."""
    pad = ("-12", "-31") if upper else ("-01", "-01")
    if len(value) == 4:
        return value + pad[0] + pad[1]
    if len(value) == 7:
        return value + pad[1]
    return value[:10]


def story_events(story: Json) -> list[Json]:
    """The story's events; when it has none, its dated `timeline` entries (`what`, `sources`) as events."""
    events = items(story, "events")
    if events:
        return events
    return [
        {
            "id": text_of(t, "id"),
            "date": t.get("date"),
            "description": text_of(t, "description") or text_of(t, "what"),
            "articles": t.get("articles") or t.get("sources") or [],
            "evidence": t.get("evidence") or [],
        }
        for t in items(story, "timeline")
    ]


@dataclass(frozen=True)
class Filters:
    """What the stories list and the API filter by; empty strings mean 'any'."""

    q: str = ""
    language: str = ""
    outlet: str = ""
    date_from: str = ""
    date_to: str = ""


class Corpus:
    """One analysis document with lookups by id; every accessor copes with absent keys."""

    def __init__(self, document: Json | None) -> None:
        self.doc: Json = document if isinstance(document, dict) else {}
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this document (views derived from it are read-only)."""
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    # -- plain lists -------------------------------------------------------------------------

    @cached_property
    def articles(self) -> list[Json]:
        return [a for a in items(self.doc, "articles") if isinstance(a.get("id"), str)]

    @cached_property
    def stories(self) -> list[Json]:
        return [s for s in items(self.doc, "stories") if isinstance(s.get("id"), str)]

    @cached_property
    def entities(self) -> list[Json]:
        return [e for e in items(self.doc, "entities") if isinstance(e.get("id"), str)]

    @cached_property
    def quotes(self) -> list[Json]:
        return [q for q in items(self.doc, "quotes") if is_span(q.get("span"))]

    @cached_property
    def derivations(self) -> list[Json]:
        return [d for d in items(self.doc, "derivations") if isinstance(d.get("source"), str)]

    @property
    def rejected(self) -> list[Json]:
        return items(self.doc, "rejected")

    # -- lookups -----------------------------------------------------------------------------

    @cached_property
    def article_by_id(self) -> dict[str, Json]:
        return {a["id"]: a for a in self.articles}

    @cached_property
    def story_by_id(self) -> dict[str, Json]:
        return {s["id"]: s for s in self.stories}

    @cached_property
    def entity_by_id(self) -> dict[str, Json]:
        return {e["id"]: e for e in self.entities}

    def article(self, article_id: str) -> Json | None:
        return self.article_by_id.get(article_id)

    def story(self, story_id: str) -> Json | None:
        return self.story_by_id.get(story_id)

    def entity(self, entity_id: str) -> Json | None:
        return self.entity_by_id.get(entity_id)

    def story_articles(self, story: Json) -> list[Json]:
        """The story's articles that the document holds, in the story's order."""
        ids = story.get("articles")
        wanted = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
        return [self.article_by_id[i] for i in wanted if i in self.article_by_id]

    @cached_property
    def stories_of_article(self) -> dict[str, list[Json]]:
        out: dict[str, list[Json]] = {}
        for story in self.stories:
            for a in self.story_articles(story):
                out.setdefault(a["id"], []).append(story)
        return out

    @cached_property
    def quotes_by_group(self) -> dict[str, list[Json]]:
        out: dict[str, list[Json]] = {}
        for q in self.quotes:
            group = q.get("group")
            if isinstance(group, str) and group:
                out.setdefault(group, []).append(q)
        return out

    @cached_property
    def _quotes_by_article(self) -> dict[str, list[Json]]:
        out: dict[str, list[Json]] = {}
        for q in self.quotes:
            out.setdefault(q["span"]["article"], []).append(q)
        return out

    @cached_property
    def quotes_by_speaker(self) -> dict[str, list[Json]]:
        out: dict[str, list[Json]] = {}
        for q in self.quotes:
            if isinstance(q.get("speaker"), str):
                out.setdefault(q["speaker"], []).append(q)
        return out

    @cached_property
    def mentions_by_article(self) -> dict[str, list[tuple[Json, Json]]]:
        """(entity, mention span) pairs per article, in entity order."""
        out: dict[str, list[tuple[Json, Json]]] = {}
        for e in self.entities:
            for m in spans(e, "mentions"):
                out.setdefault(m["article"], []).append((e, m))
        return out

    @cached_property
    def _derivations_by_article(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for n, d in enumerate(self.derivations):
            for key in ("source", "derived"):
                if isinstance(d.get(key), str):
                    out.setdefault(d[key], []).append(n)
        return out

    def quotes_in(self, article_ids: Iterable[str]) -> list[Json]:
        """Quotes whose span lies in these articles, in document order."""
        wanted = set(article_ids)
        if len(wanted) == 1:
            return list(self._quotes_by_article.get(next(iter(wanted)), []))
        return [q for q in self.quotes if q["span"]["article"] in wanted]

    def derivations_among(self, article_ids: Iterable[str]) -> list[Json]:
        """Derivations with a source or derived article among these, in document order."""
        found = sorted({n for aid in set(article_ids) for n in self._derivations_by_article.get(aid, [])})
        return [self.derivations[n] for n in found]

    def span_text(self, span: Json) -> str:
        """The span's own text, or the article's text at its offsets when the text key is missing."""
        if isinstance(span.get("text"), str):
            return str(span["text"])
        article = self.article(span["article"])
        return text_of(article, "text")[span["start"] : span["end"]] if article else ""

    def derivation_note(self, d: Json) -> str:
        """One sentence saying what a derivation is: partial or whole, which way, and how sure."""
        src, dst = self.label(str(d.get("source"))), self.label(str(d.get("derived")))
        kind = text_of(d, "kind", "derived")
        cov = d.get("coverage")
        part = ""
        if d.get("partial") is True and isinstance(cov, dict) and isinstance(cov.get("source"), int | float):
            part = f"partial ({cov['source']:.0%} of the source) "
        common = d.get("common_source")
        if isinstance(common, str):
            return f"{dst} and {src}: two renderings of {self.label(common)} ({kind})"
        if d.get("direction") == "undetermined":
            return f"{dst} and {src}: {part}{kind}, direction undetermined"
        return f"{dst} is a {part}{kind} of {src}"

    def label(self, article_id: str) -> str:
        """A short human name for an article: its outlet, else its title (quoted), else its file name."""
        a = self.article(article_id)
        if a is None:
            return article_id
        title = text_of(a, "title")
        if not text_of(a, "outlet") and title:
            return f"“{title[:27].rstrip()}…”" if len(title) > 28 else f"“{title}”"
        return text_of(a, "outlet") or text_of(a, "path").rsplit("/", 1)[-1] or article_id

    def title(self, article_id: str) -> str:
        a = self.article(article_id)
        if a is None:
            return article_id
        return text_of(a, "title") or text_of(a, "path") or article_id

    # -- filters -----------------------------------------------------------------------------

    @cached_property
    def languages(self) -> list[str]:
        """Every supported language, and any other language an article of the corpus carries."""
        return sorted(set(langdata.supported_languages()) | {text_of(a, "language") for a in self.articles} - {""})

    @cached_property
    def outlets(self) -> list[str]:
        return sorted({text_of(a, "outlet") for a in self.articles} - {""})

    def story_dates(self, story: Json) -> list[str]:
        dates = [published(a) for a in self.story_articles(story)]
        dates += [text_of(e, "date") for e in story_events(story)]
        return sorted(d for d in dates if d)

    def story_matches(self, story: Json, f: Filters) -> bool:
        arts = self.story_articles(story)
        if f.language and all(text_of(a, "language") != f.language for a in arts):
            return False
        if f.outlet and all(text_of(a, "outlet") != f.outlet for a in arts):
            return False
        if not _dates_overlap(self.story_dates(story), f):
            return False
        if f.q:
            haystack = [text_of(story, "title")] + [text_of(a, "title") for a in arts]
            haystack += [text_of(s, "text") for s in items(story, "summary")]
            return _contains(haystack, f.q)
        return True

    def article_matches(self, article: Json, f: Filters) -> bool:
        if f.language and text_of(article, "language") != f.language:
            return False
        if f.outlet and text_of(article, "outlet") != f.outlet:
            return False
        if not _dates_overlap([published(article)] if published(article) else [], f):
            return False
        return not f.q or _contains([text_of(article, "title"), text_of(article, "text")], f.q)

    def filter_stories(self, f: Filters) -> list[Json]:
        return [s for s in self.stories if self.story_matches(s, f)]

    def filter_articles(self, f: Filters) -> list[Json]:
        return [a for a in self.articles if self.article_matches(a, f)]

    def unclustered(self) -> Iterator[Json]:
        """Articles that belong to no story (all of them while no stories are found)."""
        return (a for a in self.articles if a["id"] not in self.stories_of_article)


def _contains(haystack: list[str], needle: str) -> bool:
    folded = needle.casefold()
    return any(folded in h.casefold() for h in haystack)


def _dates_overlap(dates: list[str], f: Filters) -> bool:
    """True when a date range filter is unset or some of `dates` falls inside it."""
    if not f.date_from and not f.date_to:
        return True
    if not dates:
        return False
    low, high = date_key(f.date_from) if f.date_from else "", date_key(f.date_to, upper=True) if f.date_to else ""
    return any((not low or date_key(d, upper=True) >= low) and (not high or date_key(d) <= high) for d in dates)
