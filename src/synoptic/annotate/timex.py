"""Temporal expressions, absolute and relative, resolved against the publication date.

Candidates are found with patterns built from CLDR month and weekday names (Babel) and the words of
`resources/<iso>/timex.json` ("on", "am", "le"; "yesterday", "gestern", "hier"; "last month"). Only
whole weekday and month names are matched, never abbreviations, which keeps out German "die", "mit",
"so" and similar false hits; English "May"/"March" count only beside a day, a year or a preposition.

Resolution follows news usage: a bare weekday is its most recent occurrence on or before the
publication date ("on Monday" in a Wednesday article is two days back), "last"/"vergangenen" go
strictly back, "next" strictly forward; a day and month without a year is its nearest occurrence,
a future reading only when clearly nearer or after "until"/"jusqu'au". Granularity is kept: day,
month or year. Without a publication date only expressions that carry their own year get a value;
the others keep value "". Resolution is plain date arithmetic rather than dateparser: the candidate
finder already knows each part (day, month, weekday, offset), and arithmetic is exact, fast and
free of dateparser's weekday readings of short words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, ClassVar, Literal

from .. import langdata
from ..models import Document, Timex
from ..params import Params, param
from ..pipeline import Context, article_stage

Granularity = Literal["day", "month", "year"]
Kind = Literal["date", "monthday", "month", "monthyear", "year", "weekday", "relative", "ago"]


@dataclass(frozen=True)
class Expression:
    """A temporal expression found in text, not yet resolved."""

    start: int
    end: int
    kind: Kind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    direction: int = 0  # -1 strictly past, +1 strictly future, 0 most recent on or before
    unit: Granularity = "day"
    offset: int = 0


@dataclass(frozen=True)
class _Patterns:
    regexes: tuple[tuple[re.Pattern[str], Kind], ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, tuple[Granularity, int]]
    past: frozenset[str]
    future: frozenset[str]
    units: dict[str, Granularity]
    numbers: dict[str, int]


def _alt(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def _as_list(value: str | list[str]) -> list[str]:
    """A word or a list of words ("vor"; ["pre", "пре"] in a two-script language) as a list."""
    return [value] if isinstance(value, str) else list(value)


@cache
def patterns(lang: str) -> _Patterns:
    """The compiled patterns and word tables of one language."""
    import babel

    data: dict[str, Any] = langdata.load(lang, "timex")
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for code in langdata.cldr_locales(lang):  # Serbian: Cyrillic and Latin month names
        loc = babel.Locale.parse(code)
        for ctx in ("format", "stand-alone"):
            for num, name in loc.months[ctx]["wide"].items():
                months[name] = num
                months[name[:1].upper() + name[1:]] = num
            for num, name in loc.days[ctx]["wide"].items():
                weekdays[name] = num
                weekdays[name[:1].upper() + name[1:]] = num
    mon, wd = _alt(list(months)), _alt(list(weekdays))
    ordinal = data.get("ordinal", "")
    dpre = _alt(data.get("day_prefixes", []))
    dsuf = _alt(data.get("day_suffixes_past", []) + data.get("day_suffixes_future", []))
    mpre = _alt(data.get("month_prefixes", []))
    ypre = _alt(data.get("year_prefixes", []))
    flags = re.IGNORECASE if data.get("case_insensitive_months_with_year") else 0
    units = {w: unit for unit, ws in data.get("ago", {}).get("units", {}).items() for w in ws}
    numbers: dict[str, int] = data.get("number_words", {})
    ago = data.get("ago", {})
    regexes: list[tuple[re.Pattern[str], Kind]] = [
        (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"), "date"),
        (re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})\b"), "date"),
    ]
    pre = rf"(?:(?P<pre>{dpre}) )?" if dpre else ""
    if data.get("day_first"):
        regexes.append(
            (
                re.compile(
                    rf"{pre}(?:(?:{wd}),? )?(?:the )?\b(?P<d>\d{{1,2}}){ordinal}(?: of)? (?P<mon>{mon})\b"
                    rf"(?:,? (?P<y>\d{{4}})\b)?"
                ),
                "monthday",
            )
        )
    if data.get("month_first"):
        regexes.append(
            (
                re.compile(
                    rf"{pre}(?:(?:{wd}),? )?\b(?P<mon>{mon}) (?P<d>\d{{1,2}}){ordinal}\b(?:,? (?P<y>\d{{4}})\b)?"
                ),
                "monthday",
            )
        )
    regexes.append((re.compile(rf"\b(?P<mon>{mon}) (?:of )?(?P<y>\d{{4}})\b", flags), "monthyear"))
    if mpre:
        regexes.append((re.compile(rf"(?<!\w)(?:{mpre}) ?(?P<mon>{mon})\b(?:,? (?P<y>\d{{4}})\b)?"), "month"))
    day_tail = rf"(?: (?P<suf>{dsuf}))?" if dsuf else ""
    regexes.append(
        (
            re.compile(
                rf"(?:\b(?P<pre>{dpre}) )?\b(?P<wd>{wd})\b{day_tail}" if dpre else rf"\b(?P<wd>{wd})\b{day_tail}"
            ),
            "weekday",
        )
    )
    relative = {k.lower(): (v[0], int(v[1])) for k, v in data.get("relative", {}).items()}
    if relative:
        regexes.append((re.compile(rf"(?<!\w)(?P<rel>{_alt(list(relative))})(?!\w)", re.IGNORECASE), "relative"))
    if units:
        num = rf"\d+|{_alt(list(numbers))}" if numbers else r"\d+"
        before = rf"(?:{_alt(_as_list(ago['before']))}) " if ago.get("before") else ""
        after = rf" (?:{_alt(_as_list(ago['after']))})" if ago.get("after") else ""
        regexes.append((re.compile(rf"(?<!\w){before}(?P<n>{num}) (?P<unit>{_alt(list(units))}){after}(?!\w)"), "ago"))
    if ypre:
        regexes.append((re.compile(rf"(?<!\w)(?:{ypre}) (?P<y>1[5-9]\d\d|20\d\d)\b(?![.,]\d)"), "year"))
    return _Patterns(
        tuple(regexes),
        months,
        weekdays,
        relative,
        frozenset(data.get("past_words", []) + data.get("day_suffixes_past", [])),
        frozenset(data.get("future_words", []) + data.get("day_suffixes_future", [])),
        units,
        numbers,
    )


def _expression(m: re.Match[str], kind: Kind, pats: _Patterns, lang: str) -> Expression | None:
    g = m.groupdict()
    s, e = m.start(), m.end()
    year = int(g["y"]) if g.get("y") else None
    if kind == "date" and g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        month_first = bool(langdata.load(lang, "timex").get("numeric_month_first"))  # "3/14/2025" in English
        month, day = (a, b) if month_first and a <= 12 else (b, a)
        return Expression(s, e, "date", year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None
    if kind == "date":
        return Expression(s, e, "date", year, int(g["m"]), int(g["d"]))
    if kind in ("monthday", "monthyear", "month"):
        mon = pats.months.get(g["mon"]) or pats.months.get(g["mon"].capitalize())
        if kind == "monthday":
            direction = 1 if (g.get("pre") or "") in pats.future else 0
            day = int(g["d"])
            return (
                Expression(s, e, "date" if year else "monthday", year, mon, day, direction=direction) if mon else None
            )
        return Expression(s, e, "monthyear" if year else kind, year, mon) if mon else None
    if kind == "weekday":
        words = {g.get("pre") or "", g.get("suf") or ""}
        direction = -1 if words & pats.past else 1 if words & pats.future else 0
        return Expression(s, e, "weekday", weekday=pats.weekdays[g["wd"]], direction=direction)
    if kind == "relative":
        unit, offset = pats.relative[g["rel"].lower()]
        return Expression(s, e, "relative", unit=unit, offset=offset)
    if kind == "ago":
        n = int(g["n"]) if g["n"].isdigit() else pats.numbers[g["n"]]
        return Expression(s, e, "ago", unit=pats.units[g["unit"]], offset=-n)
    return Expression(s, e, "year", year)


#: Texts whose expressions a process remembers: `infer_dates` and then `claims` read every article of a
#: run (a 247-article run read each twice); a bound on the texts the memory holds on to.
EXPRESSION_MEMO = 1024


def find_expressions(text: str, lang: str) -> list[Expression]:
    """Every temporal expression in `text`, longest first where candidates overlap."""
    return list(_expressions(text, lang))


@lru_cache(maxsize=EXPRESSION_MEMO)
def _expressions(text: str, lang: str) -> tuple[Expression, ...]:
    pats = patterns(lang)
    cands: list[Expression] = []
    for regex, kind in pats.regexes:
        for m in regex.finditer(text):
            exp = _expression(m, kind, pats, lang)
            if exp is not None:
                cands.append(exp)
    cands.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Expression] = []
    for c in cands:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return tuple(out)


def _add_months(d: date, n: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + n
    return total // 12, total % 12 + 1


@dataclass(frozen=True)
class TimexParams(Params):
    """How a date without a year is placed relative to the publication date."""

    section: ClassVar[str] = "timex"
    future_penalty: float = param(
        2.5, "news mostly reports the past: a future reading must be this many times nearer; set by hand, not fitted"
    )


def resolve_expression(
    exp: Expression, base: date | None, future_penalty: float = TimexParams.future_penalty
) -> tuple[str, Granularity] | None:
    """ISO value and granularity of an expression, given the publication date (None when unknown)."""
    if exp.kind == "date" and exp.year and exp.month and exp.day:
        try:
            return date(exp.year, exp.month, exp.day).isoformat(), "day"
        except ValueError:
            return None
    if exp.kind == "monthyear" and exp.year and exp.month:
        return f"{exp.year:04d}-{exp.month:02d}", "month"
    if exp.kind == "year" and exp.year:
        return f"{exp.year:04d}", "year"
    if base is None:
        return None
    if exp.kind == "monthday" and exp.month and exp.day:
        return _recent_day(base, exp.month, exp.day, exp.direction, future_penalty)
    if exp.kind == "month" and exp.month:
        when = _nearest(base, exp.month, 15, 0, future_penalty)
        return (f"{when.year:04d}-{exp.month:02d}", "month") if when else None
    if exp.kind == "weekday" and exp.weekday is not None:
        back = (base.weekday() - exp.weekday) % 7
        if exp.direction < 0 and back == 0:
            back = 7
        if exp.direction > 0:
            back = -((exp.weekday - base.weekday()) % 7 or 7)
        return (base - timedelta(days=back)).isoformat(), "day"
    if exp.kind in ("relative", "ago"):
        if exp.unit == "day":
            return (base + timedelta(days=exp.offset)).isoformat(), "day"
        if exp.unit == "month":
            y, mth = _add_months(base, exp.offset)
            return f"{y:04d}-{mth:02d}", "month"
        return f"{base.year + exp.offset:04d}", "year"
    return None


def _nearest(base: date, month: int, day: int, direction: int, future_penalty: float) -> date | None:
    """The occurrence of month/day nearest to `base`, past readings preferred ("until ..." looks ahead)."""
    best: tuple[float, date] | None = None
    for year in (base.year - 1, base.year, base.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        gap = (d - base).days
        if direction > 0 and gap < 0:
            continue
        cost = gap * future_penalty if gap > 0 and direction <= 0 else abs(gap)
        if best is None or cost < best[0]:
            best = (cost, d)
    return best[1] if best else None


def _recent_day(
    base: date, month: int, day: int, direction: int, future_penalty: float
) -> tuple[str, Granularity] | None:
    when = _nearest(base, month, day, direction, future_penalty)
    return (when.isoformat(), "day") if when else None


def parse_base(published: str | None) -> date | None:
    """The publication date as a date (day precision only), else None."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_timexes(
    text: str, lang: str, published: str | None, future_penalty: float = TimexParams.future_penalty
) -> tuple[Timex, ...]:
    """Timexes of `text` resolved against `published`; unresolvable relative ones keep value ''."""
    base = parse_base(published)
    out: list[Timex] = []
    for exp in find_expressions(text, lang):
        resolved = resolve_expression(exp, base, future_penalty)
        relative = exp.kind not in ("date", "monthyear", "year")
        value, gran = resolved if resolved else ("", _granularity_of(exp))
        out.append(Timex(exp.start, exp.end, text[exp.start : exp.end], value, gran, relative))
    return tuple(out)


def _granularity_of(exp: Expression) -> Granularity:
    if exp.kind in ("month", "monthyear"):
        return "month"
    if exp.kind == "year":
        return "year"
    return exp.unit if exp.kind in ("relative", "ago") else "day"


@article_stage(
    "timex", requires=["text", "language", "sentences"], provides=["timexes"], version="1", params=[TimexParams]
)
def timex_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Fill `Document.timexes` for each article, resolved against its publication date."""
    penalty = ctx.params(TimexParams).future_penalty
    return [
        replace(doc, timexes=find_timexes(doc.article.text, doc.article.language, doc.article.published.date, penalty))
        for doc in docs
    ]
