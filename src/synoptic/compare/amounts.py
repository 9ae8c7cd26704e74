"""Amounts as comparison reads them: the document's own quantity layer (annotate/quantities.py), each
amount with the class of what it counts ("troops" for "Soldaten") and a closed range to compare.

No extractor of its own: `amounts_in` runs the quantity layer's finder on a text (for claims built
outside a document), `doc_quantities` reads `Document.quantities`. What comparison adds is the
reading: the counted class (compare.json `unit_classes`), and how far an approximate or lower-bound
amount reaches ("an estimated 100,000" is 90,000-110,000; "at least 12" is 12-13.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..annotate.quantities import find_quantities
from ..models import Document, Quantity
from . import cues


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


APPROX_REACH = 0.1  # "about 100,000" reaches 10% either side; "at least 12" 10% above
BOUND_WINDOW = 14  # characters before an amount searched for "at least", "mindestens"


def ranges_overlap(a: QuantRef, b: QuantRef, tolerance: float) -> bool:
    """Whether two amounts can both be true: their ranges overlap (a precision difference).
    "Zehntausende" (10,000-99,999) and "100,000" overlap within `tolerance` (`conflicts.approx_tolerance`),
    as an approximate amount's bounds are themselves approximate."""
    slack = 1 + tolerance if a.approximate or b.approximate else 1.0
    return a.low <= b.high * slack and b.low <= a.high * slack


def sentence_around(text: str, pos: int) -> str:
    """The sentence (between full stops or line breaks) around offset `pos`."""
    start = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find(".", pos), text.find("\n", pos)) if e >= 0]
    return text[start : min(ends) if ends else len(text)]


def unit_class(lang: str, after: str, sentence: str) -> tuple[str, int] | None:
    """The class of the counted noun at the start of `after`, and the characters it spans."""
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


def _read(text: str, lang: str, q: Quantity) -> QuantRef | None:
    """A layer amount as comparison reads it; None when it counts no known class."""
    number = re.search(r"\d", q.text)
    at = q.start + (number.start() if number else 0)
    unit = unit_class(lang, " " + q.unit, sentence_around(text, q.start))
    if unit is None or q.low is None:
        return None
    low, high = q.low, q.high if q.high is not None else q.low
    stated = low if low == high else None
    approximate = q.approximate
    lower = cues.matcher(lang, "lower_bound_words")
    if lower is not None and lower.search(text[max(0, at - BOUND_WINDOW) : at]):
        high, approximate = high * (1 + APPROX_REACH), True
    elif approximate and stated is not None:
        low, high = low * (1 - APPROX_REACH), high * (1 + APPROX_REACH)
    return QuantRef(q.start, q.end, q.text, low, high, unit[0], approximate, stated)


def amounts_in(text: str, lang: str) -> list[QuantRef]:
    """Counted amounts of `text` as the quantity layer finds them: "100,000 troops", "Zehntausende Soldaten"."""
    return [r for q in find_quantities(text, lang) if (r := _read(text, lang, q)) is not None]


def doc_quantities(doc: Document) -> list[QuantRef]:
    """Counted amounts of the document: its quantity layer, where an amount counts a known class; a
    document that never went through the quantities stage is read by that stage's finder here."""
    text, lang = doc.article.text, doc.article.language
    if not doc.quantities:
        return amounts_in(text, lang)
    found = [_read(text, lang, q) for q in sorted(doc.quantities, key=lambda q: q.start)]
    return [r for r in found if r is not None]
