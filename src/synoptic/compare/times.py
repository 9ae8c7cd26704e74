"""Dates as comparison reads them: the document's own timex layer (annotate/timex.py), with the parts
of each expression (weekday, month and day) that comparing two articles needs when a value is missing.

No extractor of its own: `times_in` runs the timex layer's expression finder on a text (for claims
built outside a document), `doc_times` reads `Document.timexes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from .. import langdata
from ..annotate.timex import Expression, find_expressions, parse_base, resolve_expression
from ..models import Document, Timex

_WORD = re.compile(r"([^\W\d_]+)\s+")


@dataclass(frozen=True)
class TimeRef:
    """A date expression: resolved ISO value at its precision when possible, else its parts."""

    start: int
    end: int
    text: str
    value: str | None  # 2022-01-13, 2021-12, 1962
    weekday: int | None = None  # 0 = Monday, when the expression names a weekday
    month_day: tuple[int, int] | None = None  # (12, 14) for "14. Dezember" without a year

    @property
    def day(self) -> str | None:
        """The resolved day (YYYY-MM-DD) or None."""
        return self.value if self.value and len(self.value) == 10 else None


def same_day(a: TimeRef, b: TimeRef) -> bool | None:
    """Whether two expressions name the same day; None when that cannot be told."""
    if a.day and b.day:
        return a.day == b.day
    if a.month_day and b.month_day:
        return a.month_day == b.month_day
    for x, y in ((a, b), (b, a)):
        if x.month_day and y.day:
            return x.month_day == (int(y.day[5:7]), int(y.day[8:10]))
    if a.weekday is not None and b.weekday is not None:
        return a.weekday == b.weekday
    for x, y in ((a, b), (b, a)):
        if x.weekday is not None and y.day and not x.day:
            return date.fromisoformat(y.day).weekday() == x.weekday
    return None


def time_label(t: TimeRef) -> str:
    """How a date is shown in conflicts and summaries: the ISO value, else the words."""
    return t.value if t.value and len(t.value) >= 7 else t.text


@cache
def _prefixes(lang: str) -> frozenset[str]:
    """Words the timex layer takes in front of a date ("on", "am", "in the"), lower-cased."""
    data = langdata.load(lang, "timex")
    keys = ("day_prefixes", "month_prefixes", "year_prefixes")
    return frozenset(w.lower() for k in keys for p in data[k] for w in p.split())


def _ref(text: str, lang: str, exp: Expression | None, span: tuple[int, int], value: str | None) -> TimeRef:
    """A date as comparison shows it: the words of the date itself ("14. Dezember", not "Am 14. Dezember")."""
    start, end = span
    while (m := _WORD.match(text, start, end)) and m.group(1).lower() in _prefixes(lang) and m.end() < end:
        start = m.end()
    weekday = exp.weekday if exp is not None else None
    month_day = (exp.month, exp.day) if exp is not None and exp.month and exp.day else None
    return TimeRef(start, end, text[start:end], value or None, weekday, month_day)


def times_in(text: str, lang: str, published: date | str | None = None) -> list[TimeRef]:
    """Date expressions of `text` as the timex layer finds them, resolved against `published`."""
    base = published if isinstance(published, date) else parse_base(published)
    out: list[TimeRef] = []
    for exp in find_expressions(text, lang):
        resolved = resolve_expression(exp, base)
        out.append(_ref(text, lang, exp, (exp.start, exp.end), resolved[0] if resolved else None))
    return out


def doc_times(doc: Document) -> list[TimeRef]:
    """The document's date expressions: its timex layer, each with its weekday and month/day; a
    document that never went through the timex stage is read by that stage's finder here."""
    text, lang = doc.article.text, doc.article.language
    if not doc.timexes:
        return times_in(text, lang, doc.article.published.date)
    parts = {(e.start, e.end): e for e in find_expressions(text, lang)}
    return [_from_timex(text, lang, t, parts.get((t.start, t.end))) for t in sorted(doc.timexes, key=lambda t: t.start)]


def _from_timex(text: str, lang: str, t: Timex, exp: Expression | None) -> TimeRef:
    """A layer date with its parts; a resolved day also gives its month and day ("Thursday" ->
    (1, 13)), so a weekday in one article compares with a date in another."""
    ref = _ref(text, lang, exp, (t.start, t.end), t.value)
    if ref.month_day is None and ref.day:
        return replace(ref, month_day=(int(ref.day[5:7]), int(ref.day[8:10])))
    return ref
