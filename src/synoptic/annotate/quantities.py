"""Numbers with what they count ("100,000 troops", "Zehntausende Soldaten", "une quarantaine de navires").

Everything language-specific is data in `resources/<iso>/quantities.json`: digit grouping and decimal
marks, number words, scale words ("million", "Millionen"), vague amounts with their range
("tens of thousands of" -> 10,000-99,999), approximation words and which of them bound the value from
below or above, and where the counted noun sits (last word in English, last capitalised word in
German, first word in French). Years and day numbers of dates are not quantities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from .. import langdata
from ..models import Document, Quantity
from ..pipeline import Context, article_stage
from .timex import patterns as timex_patterns

_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[\w]+)*")


@dataclass(frozen=True)
class _Rules:
    regex: re.Pattern[str]
    data: dict[str, Any]
    months: frozenset[str]


def _alt(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def rules(lang: str) -> _Rules:
    data: dict[str, Any] = langdata.load(lang, "quantities")
    group, dec = re.escape(data.get("group", ",")), re.escape(data.get("decimal", "."))
    group_re = r"[ \u00a0\u202f]" if data.get("group") == " " else group
    number = rf"\d{{1,3}}(?:{group_re}\d{{3}})+(?:{dec}\d+)?|\d+(?:{dec}\d+)?"
    low_word, and_word = (re.escape(w) for w in data.get("range", ["between", "and"]))
    amounts = [
        rf"{low_word} (?P<rlo>{number}) {and_word} (?P<rhi>{number})",
        rf"(?P<num>{number})(?:\s?[-–]\s?(?P<num2>{number}))?",
    ]
    # Optional parts only when the language's data has words for them (an empty alternation would
    # match the empty string).
    if data.get("vague"):
        amounts.insert(1, rf"(?P<vague>(?i:{_alt(list(data['vague']))}))(?!\w)")
    if data.get("number_words"):
        amounts.append(rf"(?P<word>{_alt(list(data['number_words']))})(?!\w)")
    approx = rf"(?:(?P<approx>{_alt(data['approx'])}) )?" if data.get("approx") else ""
    scale = rf"(?:[ \u00a0](?P<scale>{_alt(list(data['scales']))})(?!\w))?" if data.get("scales") else ""
    pattern = rf"(?<![\w.,-]){approx}(?:{'|'.join(amounts)}){scale}"
    months = frozenset(timex_patterns(lang).months)
    return _Rules(re.compile(pattern), data, months)


def parse_number(raw: str, lang: str) -> float:
    """A digit string as written in `lang` ("100,000", "2,5", "100 000") as a float."""
    data = rules(lang).data
    group, dec = data.get("group", ","), data.get("decimal", ".")
    cleaned = re.sub(r"[ \u00a0\u202f]", "", raw) if group == " " else raw.replace(group, "")
    return float(cleaned.replace(dec, "."))


def _counted_noun(text: str, end: int, lang: str) -> tuple[str, int]:
    """The counted noun after offset `end` and where it ends ('' when none follows)."""
    data = rules(lang).data
    stop = set(data.get("stop", []))
    rest = text[end : end + 80]
    lead = re.match(r"-strong |-(?=[^\W\d_])| |\u00a0", rest)
    if lead is None:
        return "", end
    pos = lead.end()
    for linker in data.get("linkers", []):
        if rest[pos:].startswith(linker + " ") or (linker.endswith(("'", "’")) and rest[pos:].startswith(linker)):
            pos += len(linker) + (0 if linker.endswith(("'", "’")) else 1)
            break
    picked: list[re.Match[str]] = []
    for m in _WORD.finditer(rest, pos):
        if rest[pos : m.start()].strip() or m.group().lower() in stop or len(picked) == 3:
            break
        picked.append(m)
        pos = m.end()
    head = data.get("head", "last")
    if head == "first":
        picked = picked[:1]
    elif head == "first_plural":
        plural = set(data.get("plural_words", []))
        hit = next((m for m in picked if m.group().lower() in plural or m.group().endswith("s")), None)
        picked = [hit] if hit is not None else picked[:1]
    elif head == "first_non_adjective":
        endings = tuple(data.get("adjective_endings", []))
        picked = [next((m for m in picked if not m.group().lower().endswith(endings)), picked[-1])] if picked else []
    elif head == "last_capitalised":
        caps = [m for m in picked if m.group()[:1].isupper()]
        picked = caps[:1]
    if not picked:
        return "", end
    return picked[-1].group(), end + picked[-1].end()


def find_quantities(text: str, lang: str) -> tuple[Quantity, ...]:
    """Counted amounts in `text`: exact, ranged and vague, with what they count."""
    r = rules(lang)
    data = r.data
    out: list[Quantity] = []
    for m in r.regex.finditer(text):
        g = m.groupdict()
        if _is_date_part(text, m, r.months) or _is_year(g):
            continue
        low, high, approximate = _amount(g, lang, data)
        if low is None and high is None:
            continue
        unit, unit_end = _counted_noun(text, m.end(), lang)
        percent = next((p for p in data.get("percent", []) if text[m.end() :].lstrip().startswith(p)), None)
        if percent and not unit:
            unit = percent
        if not unit and not (approximate or g.get("scale") or g.get("vague")):
            continue
        if unit in r.months:
            continue
        end = unit_end if unit and unit != percent else m.end()
        out.append(Quantity(m.start(), end, text[m.start() : end], low, high, unit, approximate))
    return tuple(out)


def _is_year(g: dict[str, Any]) -> bool:
    num = g.get("num") or ""
    return bool(re.fullmatch(r"1[5-9]\d\d|20\d\d", num)) and not g.get("approx") and not g.get("scale")


def _is_date_part(text: str, m: re.Match[str], months: frozenset[str]) -> bool:
    """A number next to a month name ("November 2", "14. Dezember", "8 avril") is part of a date."""
    before = text[max(0, m.start() - 12) : m.start()].split()
    after = text[m.end() : m.end() + 14].lstrip(". ").split()
    near = [w.strip(",.") for w in before[-1:] + after[:1]]
    return any(w in months or w.capitalize() in months for w in near)


def _amount(g: dict[str, Any], lang: str, data: dict[str, Any]) -> tuple[float | None, float | None, bool]:
    scale = float(data.get("scales", {}).get(g.get("scale") or "", 1))
    approx = g.get("approx")
    if g.get("vague"):
        vague = {k.lower(): v for k, v in data["vague"].items()}
        lo, hi = vague[g["vague"].lower()]
        return float(lo) * scale, float(hi) * scale, True
    if g.get("rlo"):
        return parse_number(g["rlo"], lang) * scale, parse_number(g["rhi"], lang) * scale, bool(approx)
    if g.get("word"):
        low = float(data["number_words"][g["word"]]) * scale
        high = low
    else:
        low = parse_number(g["num"], lang) * scale
        high = parse_number(g["num2"], lang) * scale if g.get("num2") else low
    if approx in data.get("lower_bound", []):
        return low, None, True
    if approx in data.get("upper_bound", []):
        return None, high, True
    return low, high, bool(approx)


@article_stage("quantities", requires=["text", "language"], provides=["quantities"], version="1")
def quantities_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Fill `Document.quantities` for each article."""
    return [replace(doc, quantities=find_quantities(doc.article.text, doc.article.language)) for doc in docs]
