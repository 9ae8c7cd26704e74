"""Which of two derived articles is the source, and on what evidence; "undetermined" when it is weak.

Evidence:
- publication dates at day precision: the earlier article is the source (decides alone);
- details one side holds that the other lacks: a partial derivation covers all of the derived
  article and part of its source, so the less-covered side is likely the source;
- source-language traces in the derived text (translations only): the words both texts share
  untranslated (names, institutions, brands) read as the source's language more than as the
  derived one's (a German article translated into French keeps "Europa-Park" and "Breisgau"; lingua
  restricted to the two languages reads them); across
  scripts, names the Latin side spells exactly as the Cyrillic side transliterates were taken from
  it; quote marks of the other language's typography left in a text.
Text evidence is a weighted sum (`DirectionParams.weights`, fitted on the calibration half of WMT22
news, where the direction of every translation is known); a partial derivation adds the gap between
the coverages of its two sides (`direction.detail_weight`). Renderings of one text are one decision:
articles of one language linked as copies or rewrites of each other (two outlets translating one
wire story) share their relation to an article in another language, so the sums of all pairs
between the two groups are averaged (`pooled`), which evens out a weak or misleading cue of one
rendering. Below `direction.decide` in absolute value, the direction is "undetermined". Two
articles in one language that both derive from a third one in another language (two translations
of one original) are siblings: neither is the other's source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from ..models import DerivationKind, DirectionHow, Document
from ..params import Params, param
from . import language_odds
from ._lingua_helper import knows
from .features import day_number

#: Quotation marks of each language's own typography (CLDR delimiters, outer and inner, both ends).
QUOTE_MARKS: dict[str, str] = {
    "en": "“”‘’",
    "de": "„“‚‘»«›‹",
    "fr": "«»‹›“”",
    "ru": "«»„“",
    "cs": "„“‚‘",
    "hr": "„“‚‘»«",
}
_FIT = "logistic regression without intercept on the 352 original -> translation pairs of the WMT22 calibration half"


@dataclass(frozen=True)
class DirectionParams(Params):
    """Which side of a derivation is the source (docs/bench/derivations.md, `bench_derivations --fit`)."""

    section: ClassVar[str] = "direction"
    weight_names: float = param(4.2, f"weight of the names cue; {_FIT}")
    weight_transliteration: float = param(6.2, f"weight of the transliteration cue; {_FIT}")
    weight_quote_marks: float = param(2.3, f"weight of the quote-marks cue; {_FIT}")
    decide: float = param(
        0.75,
        "below this |pooled weighted sum| undetermined; WMT22 calibration found pairs: decided 83%, right 97.8%"
        " (0.7: 84% / 97.8%, flat from 0.8 to 1.0; unpooled at 0.5, the earlier setting: 86% / 94%)",
    )
    detail_weight: float = param(
        6.0,
        "weight of a partial derivation's coverage gap (less-covered side = source); WMT22 calibration: turns"
        " 2 of 8 partial translations the gap alone got wrong over to the text cues, a gap of 0.5 decides alone",
    )
    min_shared: int = param(3, "shared untranslated words needed for the names cue (fewer say nothing); not tuned")
    name_match: int = param(75, "rapidfuzz ratio at which a Latin word and a transliterated Cyrillic one are one name")
    case_ending: int = param(3, "letters a Cyrillic inflection may add to a name ('Иванова' for 'Иванов')")

    def weights(self) -> dict[str, float]:
        """Weight of each text cue, by the names `text_cues` gives them."""
        return {
            "names": self.weight_names,
            "transliteration": self.weight_transliteration,
            "quote-marks": self.weight_quote_marks,
        }


_WORD = re.compile(r"[^\W\d_]{3,}(?:-[^\W\d_]+)*", re.UNICODE)
_CAPITAL = re.compile(r"\b[^\W\d_][^\W\d_]{2,}", re.UNICODE)


@dataclass(frozen=True)
class Oriented:
    """How a pair (a, b) is oriented: whether a is the source, how that was decided, and why."""

    a_is_source: bool
    how: DirectionHow
    evidence: tuple[str, ...] = ()
    common_source: str | None = None
    margin: float = 0.0  # the weighted text evidence, positive when a looks like the source


def names_cue(a: Document, b: Document, min_shared: int = DirectionParams.min_shared) -> float:
    """How much more the words both texts share verbatim (same script only) read as language a than
    as language b (lingua confidence, between -1 and 1): positive when a is the source."""
    la, lb = a.article.language, b.article.language
    shared = sorted(set(_WORD.findall(a.article.text)) & set(_WORD.findall(b.article.text)))
    if la == lb or len(shared) < min_shared or not (knows(la) and knows(lb)):
        return 0.0
    pair = sorted((la, lb))
    confidence = language_odds.confidences(" ".join(shared), (pair[0], pair[1]))
    return float(confidence.get(la, 0.0) - confidence.get(lb, 0.0))


def transliteration_cue(
    a: Document, b: Document, a_script: str, b_script: str, p: DirectionParams | None = None
) -> float:
    """Across scripts: of the Latin side's capitalised words that match a Cyrillic word of the other
    side once transliterated (anyascii, `name_match`), the share spelled as the transliteration gives
    them (up to a case ending) minus the share spelled otherwise; signed so that positive means a is
    the source. Names taken from a Cyrillic text keep its transliteration ("Ryabkov", "Peskov");
    names of a Latin text come back from Cyrillic changed ("Джонсон" -> "Dzhonson")."""
    from anyascii import anyascii
    from rapidfuzz import fuzz, process

    p = p or DirectionParams()
    if a_script == b_script:
        return 0.0
    latin, cyrillic = (a, b) if a_script == "latn" else (b, a)
    back = sorted(
        {anyascii(w).lower().replace("'", "") for w in _CAPITAL.findall(cyrillic.article.text) if w[0].isupper()}
    )
    names = {w.lower() for w in _CAPITAL.findall(latin.article.text) if w[0].isupper() and w.isascii()}
    same = other = 0
    for name in names:
        found = process.extractOne(name, back, scorer=fuzz.ratio, score_cutoff=p.name_match)
        if found is None:
            continue
        word = str(found[0])
        stem = len(name) - 1
        if word[:stem] == name[:stem] and len(word) - len(name) <= p.case_ending:
            same += 1
        else:
            other += 1
    if same + other < p.min_shared:
        return 0.0
    share = (same - other) / (same + other)
    return share if cyrillic is a else -share


def quote_cue(a: Document, b: Document) -> float:
    """Quote marks of the other language's typography that the text's own never uses, per thousand
    characters: b holding a's marks says a is the source."""

    def foreign(doc: Document, other: str) -> float:
        own = QUOTE_MARKS.get(doc.article.language, "")
        marks = set(QUOTE_MARKS.get(other, "")) - set(own)
        text = doc.article.text
        return 1000 * sum(text.count(m) for m in marks) / max(len(text), 1)

    la, lb = a.article.language, b.article.language
    if la == lb:
        return 0.0
    return foreign(b, la) - foreign(a, lb)


def text_cues(a: Document, b: Document, scripts: tuple[str, str], p: DirectionParams | None = None) -> dict[str, float]:
    """Every text cue of a pair, signed: positive when a looks like the source."""
    p = p or DirectionParams()
    return {
        "names": names_cue(a, b, p.min_shared) if scripts[0] == scripts[1] else 0.0,
        "transliteration": transliteration_cue(a, b, *scripts, p),
        "quote-marks": quote_cue(a, b),
    }


def orient(
    a: Document,
    b: Document,
    kind: DerivationKind,
    covers: tuple[float, float],
    partial: bool,
    scripts: tuple[str, str],
    params: DirectionParams | None = None,
) -> Oriented:
    """Source and derived of a pair, from dates, then (whole copies) what the copy adds, then text
    cues and the coverage gap of a partial derivation, weighed together (`params`: the run's
    `DirectionParams`; None, the declared defaults)."""
    p = params or DirectionParams()
    day_a, day_b = day_number(a.article.published.date), day_number(b.article.published.date)
    cover_a, cover_b = covers
    if day_a is not None and day_b is not None and day_a != day_b:
        return Oriented(day_a < day_b, "dates", ("published earlier",))
    if kind == "copy" and not partial and abs(cover_a - cover_b) > 0:
        # a whole copy adds (a credit line, an intro) far more often than it drops
        return Oriented(cover_a > cover_b, "text", ("the other adds to its text",))
    weights = p.weights()
    cues = {k: weights[k] * v for k, v in text_cues(a, b, scripts, p).items()}
    if partial:
        cues[DETAILS] = p.detail_weight * (cover_b - cover_a)
    return decided(a.id < b.id, cues, p.decide)


#: Evidence name of the coverage gap of a partial derivation.
DETAILS = "holds details the other lacks"


def decided(fallback: bool, cues: dict[str, float], decide: float, agreeing: int = 1) -> Oriented:
    """The direction the weighted cues give (their sum, or the mean over `agreeing` renderings),
    or "undetermined" (a first by `fallback`) when it is below `decide`."""
    total = sum(cues.values()) / agreeing
    if abs(total) < decide:
        return Oriented(fallback, "undetermined", margin=total)
    named = tuple(k for k, v in cues.items() if v and (v > 0) == (total > 0))
    if agreeing > 1:
        named += (f"same direction over {agreeing} renderings",)
    return Oriented(total > 0, "text", named, margin=total)


def pooled(
    pairs: Sequence[tuple[Document, Document, DerivationKind]],
    ways: Sequence[Oriented],
    params: DirectionParams | None = None,
) -> list[Oriented]:
    """Decide the text-oriented pairs between two language groups together: articles of one language
    linked as copies or rewrites form a group, and every pair between two groups takes the mean
    of their margins (signed towards the group of lower id)."""
    decide = (params or DirectionParams()).decide
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b, kind in pairs:
        if a.article.language == b.article.language and kind != "shared-passage":
            parent[root(a.id)] = root(b.id)
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    keys = []
    for (a, b, _), way in zip(pairs, ways, strict=True):
        ra, rb = root(a.id), root(b.id)
        textual = way.how != "dates" and a.article.language != b.article.language and ra != rb
        keys.append((min(ra, rb), max(ra, rb), ra < rb) if textual else None)
        if textual:
            groups[(min(ra, rb), max(ra, rb))].append(way.margin if ra < rb else -way.margin)
    out = list(ways)
    for n, ((a, b, _), key) in enumerate(zip(pairs, keys, strict=True)):
        if key is None or len(groups[key[:2]]) < 2:
            continue
        sign = 1.0 if key[2] else -1.0
        margins = groups[key[:2]]
        way = decided(a.id < b.id, {"pooled": sign * sum(margins)}, decide, len(margins))
        own = (
            ways[n].evidence
            if way.how == "text" and ways[n].how == "text" and (ways[n].a_is_source == way.a_is_source)
            else ()
        )
        out[n] = replace(way, evidence=own + way.evidence[1:])
    return out


def siblings(pairs: Sequence[tuple[Document, Document, DerivationKind]], ways: Sequence[Oriented]) -> list[Oriented]:
    """Mark pairs of one language that both derive (copy, spin, translation) from one article in
    another language: two renderings of one original, neither the other's source."""
    links: dict[str, set[str]] = defaultdict(set)
    language = {}
    for a, b, kind in pairs:
        language[a.id], language[b.id] = a.article.language, b.article.language
        if kind != "shared-passage":
            links[a.id].add(b.id)
            links[b.id].add(a.id)
    out = list(ways)
    for n, (a, b, kind) in enumerate(pairs):
        if kind == "translation" or language[a.id] != language[b.id]:
            continue
        common = sorted(z for z in links[a.id] & links[b.id] if language[z] != language[a.id])
        if common:
            out[n] = replace(ways[n], a_is_source=a.id < b.id, how="undetermined", evidence=(), common_source=common[0])
    return out
