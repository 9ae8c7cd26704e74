"""What comparison reads from earlier layers, with light fallbacks so it always runs.

Dates, amounts and places come from the annotation layers (`Document.timexes`, `.quantities`,
`.mentions`) when earlier stages provide them; spans those layers miss are filled by small
per-language rules (weekday and month names, numbers with counted nouns, places after a
locative preposition or known country names). Stories and independent voices come from
`state.stories` and `state.derivations`; without them the corpus is one story and every article
its own voice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from .. import langdata
from ..models import Document, Story, Timex
from ..pipeline import CorpusState
from . import cues

# ---------------------------------------------------------------------------------------------
# Dates


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


def _pub(doc: Document) -> date | None:
    raw = doc.article.published.date
    if raw and len(raw) >= 10:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return None
    return None


_FUTURE = re.compile(
    r"\b(?:will|would|could|as early as|later|next|pourrait|dès|prochain|soll|sollen|wird|könnte)\b", re.I
)


def _weekday_date(pub: date, weekday: int, future: bool) -> date:
    delta = (pub.weekday() - weekday) % 7
    if future and delta:
        return pub + timedelta(days=7 - delta)
    return pub - timedelta(days=delta)


@cache
def _date_patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = cues.cues(lang)
    months = "|".join(sorted((re.escape(m) for m in data.get("months", {})), key=len, reverse=True)) or "x^"
    days = "|".join(sorted((re.escape(d) for d in data.get("weekdays", {})), key=len, reverse=True)) or "x^"
    day_month = re.compile(
        rf"\b(?:(\d{{1,2}})\.?\s+({months})\.?(?:\s+(\d{{4}}))?|({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?)\b",
        re.I,
    )
    month_year = re.compile(rf"\b({months})\s+(\d{{4}})\b", re.I)
    weekday = re.compile(rf"\b({days})(?:'s|s)?(?=\b|morgen|abend|nachmittag|morning)", re.I)
    year = re.compile(r"(?<![\d.,/-])(1[89]\d\d|20\d\d)(?![\d.,/-]\d)")
    return day_month, month_year, weekday, year


def _resolve_month_day(pub: date | None, month: int, day: int, year: int | None) -> tuple[str | None, tuple[int, int]]:
    if year is None and pub is not None:
        year = pub.year - 1 if month > pub.month + 1 else pub.year
    if year is None:
        return None, (month, day)
    try:
        return date(year, month, day).isoformat(), (month, day)
    except ValueError:
        return None, (month, day)


def _sentence_around(text: str, pos: int) -> str:
    start = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find(".", pos), text.find("\n", pos)) if e >= 0]
    return text[start : min(ends) if ends else len(text)]


def rule_times(text: str, lang: str, pub: date | None, base: int = 0) -> list[TimeRef]:
    """Date expressions of `text` found by the per-language rules (offsets shifted by `base`)."""
    day_month, month_year, weekday, year = _date_patterns(lang)
    months = {k.lower(): v for k, v in cues.cues(lang).get("months", {}).items()}
    weekdays = {k.lower(): v for k, v in cues.cues(lang).get("weekdays", {}).items()}
    out: list[TimeRef] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in day_month.finditer(text):
        if m.group(1):
            d, mon, y = int(m.group(1)), months[m.group(2).lower()], m.group(3)
        else:
            d, mon, y = int(m.group(5)), months[m.group(4).lower()], m.group(6)
        if not 1 <= d <= 31:
            continue
        value, md = _resolve_month_day(pub, mon, d, int(y) if y else None)
        out.append(TimeRef(base + m.start(), base + m.end(), m.group(0), value, None, md))
        taken.append((m.start(), m.end()))
    for m in month_year.finditer(text):
        if free(m.start(), m.end()):
            value = f"{int(m.group(2)):04d}-{months[m.group(1).lower()]:02d}"
            out.append(TimeRef(base + m.start(), base + m.end(), m.group(0), value))
            taken.append((m.start(), m.end()))
    for m in weekday.finditer(text):
        wd = weekdays[m.group(1).lower()]
        future = bool(_FUTURE.search(_sentence_around(text, m.start())))
        value = _weekday_date(pub, wd, future).isoformat() if pub else None
        out.append(TimeRef(base + m.start(), base + m.end(), m.group(0), value, wd))
        taken.append((m.start(), m.end()))
    for m in year.finditer(text):
        if free(m.start(), m.end()):
            out.append(TimeRef(base + m.start(), base + m.end(), m.group(0), m.group(1)))
    return sorted(out, key=lambda t: t.start)


def doc_times(doc: Document) -> list[TimeRef]:
    """The document's date expressions: its timex layer, plus rule hits where that layer has none."""
    text = doc.article.text
    pub = _pub(doc)
    layer = [_from_timex(doc, t) for t in doc.timexes]
    rules = rule_times(text, doc.article.language, pub)
    # a rule hit that writes a year the overlapping timex lost ("in October 1962" read as "in October") wins
    better: list[TimeRef] = []
    for r in rules:
        year = (r.value or "")[:4]
        hit = [t for t in layer if _overlaps(t, [r])]
        if year and year in r.text and hit and not any(year in t.text for t in hit):
            better.append(r)
    layer = [t for t in layer if not _overlaps(t, better)] + better
    rules = [t for t in rules if not _overlaps(t, layer)]
    return sorted(layer + rules, key=lambda t: t.start)


def _from_timex(doc: Document, t: Timex) -> TimeRef:
    start, end = t.start, t.end
    text = doc.article.text[start:end]
    value = t.value or None
    wd = None
    lowered = text.lower()
    for name, idx in cues.cues(doc.article.language).get("weekdays", {}).items():
        if name in lowered:
            wd = int(idx)
    md = (int(value[5:7]), int(value[8:10])) if value and len(value) == 10 else None
    return TimeRef(start, end, text, value, wd, md)


def _overlaps(x: TimeRef | QuantRef, others: Iterable[TimeRef | QuantRef]) -> bool:
    return any(x.start < o.end and o.start < x.end for o in others)


# ---------------------------------------------------------------------------------------------
# Quantities


@dataclass(frozen=True)
class QuantRef:
    """An amount with the class of what it counts ("troops", "deaths"), as a closed range."""

    start: int
    end: int
    text: str
    low: float
    high: float
    unit: str  # the class from the cue data, or the counted word itself
    approximate: bool
    stated: float | None = None  # the number as written ("at least 12" -> 12); None for vague amounts


def ranges_overlap(a: QuantRef, b: QuantRef, tolerance: float) -> bool:
    """Whether two amounts can both be true: their ranges overlap (a precision difference).
    "Zehntausende" (20,000-99,999) and "100,000" overlap within `tolerance` (`conflicts.approx_tolerance`),
    as an approximate amount's bounds are themselves approximate."""
    slack = 1 + tolerance if a.approximate or b.approximate else 1.0
    return a.low <= b.high * slack and b.low <= a.high * slack


_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,\s\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])")


def _parse_number(raw: str, decimal_mark: str) -> float | None:
    s = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    thousands = "," if decimal_mark == "." else "."
    if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", s):
        s = s.replace(thousands, "")
    s = s.replace(decimal_mark, ".")
    try:
        return float(s)
    except ValueError:
        return None


def _unit_class(lang: str, after: str, sentence: str) -> tuple[str, int] | None:
    """The class of the counted noun right after a number, and the characters it spans."""
    data = cues.cues(lang)
    window = after[:40]
    best: tuple[int, str, int] | None = None
    for name, pattern in cues.class_patterns(lang, "unit_classes"):
        m = pattern.search(window)
        if m and m.start() <= 25 and (best is None or m.start() < best[0]):
            best = (m.start(), name, m.end())
    generic = cues.phrase_pattern(data.get("generic_counted", []))
    g = generic.match(window.lstrip()) if generic else None
    if best is None and g is not None:
        death = cues.matcher(lang, "death_cues")
        if death is not None and death.search(sentence):
            return "deaths", len(window) - len(window.lstrip()) + g.end()
        return "people", len(window) - len(window.lstrip()) + g.end()
    if best is None:
        return None
    return best[1], best[2]


def rule_quantities(text: str, lang: str, base: int = 0) -> list[QuantRef]:
    """Amounts of counted things in `text`: "100,000 troops", "Zehntausende Soldaten", "2,5 millions de clients"."""
    data = cues.cues(lang)
    mark = data.get("decimal_mark", ".")
    multipliers = {k.lower(): float(v) for k, v in data.get("multipliers", {}).items()}
    approx = cues.matcher(lang, "approx_words")
    lower = cues.matcher(lang, "lower_bound_words")
    out: list[QuantRef] = []
    for m in _NUMBER.finditer(text):
        value = _parse_number(m.group(1), mark)
        if value is None or re.fullmatch(r"(1[89]|20)\d\d", m.group(1)):
            continue
        end = m.end()
        tail = re.match(r"[\s\u00a0-]*(\w+\.?)", text[end:])
        if tail and tail.group(1).lower() in multipliers:
            value *= multipliers[tail.group(1).lower()]
            end += tail.end()
        before = text[max(0, m.start() - 20) : m.start()]
        out.extend(_counted(text, lang, m.start(), end, value, value, before, approx, lower, base))
    vague = data.get("vague_amounts", {})
    vague_pattern = cues.matcher(lang, "vague_amounts")
    if vague_pattern is not None:
        for m in vague_pattern.finditer(text):
            if _overlaps(QuantRef(m.start(), m.end(), "", 0, 0, "", True), [_shift(q, -base) for q in out]):
                continue
            lo, hi = next(v for k, v in vague.items() if k.lower() == m.group(0).lower())
            out.extend(_counted(text, lang, m.start(), m.end(), float(lo), float(hi), "~", None, None, base))
    return sorted(out, key=lambda q: q.start)


def _shift(q: QuantRef, by: int) -> QuantRef:
    return QuantRef(q.start + by, q.end + by, q.text, q.low, q.high, q.unit, q.approximate)


def _counted(
    text: str,
    lang: str,
    start: int,
    end: int,
    low: float,
    high: float,
    before: str,
    approx: re.Pattern[str] | None,
    lower: re.Pattern[str] | None,
    base: int,
) -> list[QuantRef]:
    unit = _unit_class(lang, text[end:], _sentence_around(text, start))
    if unit is None:
        return []
    name, length = unit
    stated = None if before == "~" else low
    is_approx = before == "~" or bool(approx and approx.search(before[-14:]))
    if is_approx and before != "~":
        low, high = low * 0.9, high * 1.1
    elif lower is not None and lower.search(before[-14:]):
        high = high * 1.1
        is_approx = True
    stop = end + length
    return [QuantRef(base + start, base + stop, text[start:stop], low, high, name, is_approx, stated)]


def doc_quantities(doc: Document) -> list[QuantRef]:
    """Counted amounts of the document: the per-language rules (which know the counted classes and
    vague amounts), plus amounts of the quantity layer the rules missed, where they count a known class."""
    lang = doc.article.language
    text = doc.article.text
    rules = rule_quantities(text, lang)
    layer: list[QuantRef] = []
    for q in doc.quantities:
        unit = _unit_class(lang, " " + q.unit, _sentence_around(text, q.start))
        if unit is None or q.low is None:
            continue
        high = q.high if q.high is not None else q.low * 1.1
        stated = q.low if q.low == q.high or q.high is None else None
        ref = QuantRef(q.start, q.end, text[q.start : q.end], q.low, high, unit[0], q.approximate, stated)
        if not _overlaps(ref, rules):
            layer.append(ref)
    return sorted(rules + layer, key=lambda q: q.start)


# ---------------------------------------------------------------------------------------------
# Places


@dataclass(frozen=True)
class PlaceRef:
    start: int
    end: int
    text: str
    key: str  # language-independent name: "Geneva" for Genf, Genève and Geneva


@cache
def _territories() -> dict[str, str]:
    """Country and territory names in every supported language -> English name (CLDR via babel)."""
    from babel import Locale

    english = Locale("en").territories
    out: dict[str, str] = {}
    for lang in langdata.supported_languages():
        for code, name in Locale.parse(langdata.cldr_locales(lang)[0]).territories.items():
            if code.isalpha() and len(name) > 3 and code in english:
                out[name.lower()] = english[code]
    out.pop("europe", None)
    return out


@cache
def _aliases() -> dict[str, str]:
    from .. import langdata

    out: dict[str, str] = {}
    for lang in langdata.supported_languages():
        for k, v in cues.cues(lang).get("place_aliases", {}).items():
            out[k.lower()] = v
    return out


def place_key(name: str) -> str:
    """A language-independent key of a place name."""
    from anyascii import anyascii

    cleaned = name.strip(" .,'’")
    lowered = cleaned.lower()
    aliases = _aliases()
    if lowered in aliases:
        return aliases[lowered]
    territories = _territories()
    if lowered in territories:
        return territories[lowered]
    return str(anyascii(cleaned))


@cache
def _country_pattern() -> re.Pattern[str]:
    names = sorted(set(_territories()) | set(_aliases()), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.I)


_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]+"


@cache
def _locative_pattern(lang: str) -> re.Pattern[str]:
    preps = "|".join(re.escape(p) for p in cues.cues(lang).get("locative_preps", ["in"]))
    return re.compile(rf"(?<![\w])(?:{preps})\s+({_CAP}(?:\s+{_CAP})?)")


def rule_places(text: str, lang: str) -> list[PlaceRef]:
    """Places named in `text`: known country/city names, and capitalised names after a locative preposition."""
    data = cues.cues(lang)
    skip = {w.lower() for w in list(data.get("weekdays", {})) + list(data.get("months", {}))}
    out: list[PlaceRef] = []
    for m in _country_pattern().finditer(text):
        if text[m.start()].isupper():
            out.append(PlaceRef(m.start(), m.end(), m.group(0), place_key(m.group(0))))
    for m in _locative_pattern(lang).finditer(text):
        words = m.group(1).split()
        while words and words[-1].lower().strip("'’s") in skip:
            words.pop()
        if not words or words[0].lower() in skip:
            continue
        name = " ".join(words)
        start = m.start(1)
        ref = PlaceRef(start, start + len(name), name, place_key(name))
        if not any(ref.start < p.end and p.start < ref.end for p in out):
            out.append(ref)
    return sorted(out, key=lambda p: p.start)


def doc_places(doc: Document, names: dict[str, str] | None = None) -> list[PlaceRef]:
    """Places of the document: PLACE mentions (keyed by their entity's name), plus rule hits."""
    text = doc.article.text
    layer: list[PlaceRef] = []
    for m in doc.mentions:
        if m.type == "PLACE":
            name = (names or {}).get(m.entity, m.text) if m.entity else m.text
            layer.append(PlaceRef(m.start, m.end, text[m.start : m.end], place_key(name)))
    rules = [
        p
        for p in rule_places(text, doc.article.language)
        if not any(p.start < q.end and q.start < p.end for q in layer)
    ]
    return sorted(layer + rules, key=lambda p: p.start)


def doc_actors(doc: Document, names: dict[str, str] | None = None) -> list[PlaceRef]:
    """People and organisations mentioned (PERSON/ORG mentions), keyed by entity name when resolved."""
    out: list[PlaceRef] = []
    for m in doc.mentions:
        if m.type in ("PERSON", "ORG"):
            name = (names or {}).get(m.entity, m.text) if m.entity else m.text
            out.append(PlaceRef(m.start, m.end, doc.article.text[m.start : m.end], place_key(name)))
    return out


# ---------------------------------------------------------------------------------------------
# Stories and voices


def stories_of(state: CorpusState) -> tuple[Story, ...]:
    """The stories to compare: the stories layer, or one story of every document when it is absent."""
    if "stories" in state.provided or state.stories:
        return state.stories
    if not state.documents:
        return ()
    first = min(state.documents, key=lambda d: d.id)
    title = first.article.title or first.article.text[:80]
    return (Story(id="story-0", title=title, articles=tuple(d.id for d in state.documents)),)


def story_families(
    state: CorpusState, stories: Sequence[Story], least_shared: int, least_jaccard: float
) -> list[list[Story]]:
    """Stories compared together: those naming many of the same people, organisations and places
    (at least `least_shared` entities making `least_jaccard` of both stories' entities).

    A story split by the clustering (the seeds: the Putin-Díaz-Canel call and Ryabkov's remarks)
    can still contradict its sibling, so claims are aligned and conflicts found across a family;
    unrelated stories (no or one shared entity) stay apart."""
    docs = {d.id: d for d in state.documents}
    keys = [
        {m.entity for a in s.articles if a in docs for m in docs[a].mentions if m.entity and m.type != "OTHER"}
        for s in stories
    ]
    parent = list(range(len(stories)))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i in range(len(stories)):
        for j in range(i + 1, len(stories)):
            shared = len(keys[i] & keys[j])
            if shared >= least_shared and shared / max(1, len(keys[i] | keys[j])) >= least_jaccard:
                parent[root(j)] = root(i)
    families: dict[int, list[Story]] = {}
    for i, s in enumerate(stories):
        families.setdefault(root(i), []).append(s)
    return list(families.values())


def voice_of(state: CorpusState) -> dict[str, str]:
    """Article id -> voice id: articles linked by a derivation that carries the source's voice share
    it (copy, spin, translation; a partial one when it is most of the derived article:
    `Derivation.same_voice`)."""
    parent: dict[str, str] = {d.id: d.id for d in state.documents}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in state.derivations:
        if d.same_voice():
            a, b = root(d.source), root(d.derived)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {doc_id: root(doc_id) for doc_id in parent}


def count_voices(article_ids: Sequence[str], voices: dict[str, str]) -> int:
    """How many independent voices the articles are."""
    return len({voices.get(a, a) for a in article_ids})
