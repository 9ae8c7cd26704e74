"""Conflicts: aligned statements that give different values for the same slot.

There is no NLI model, so a conflict is found on slots, never on wording alone:

- place: two frames of the same kind of event on the same day ("NATO-Russia gathering in
  Brussels Wednesday" / "conference in Vienna on Wednesday") name different places;
- date: closely aligned statements about the same people and places give different days
  (more than ~4 months apart it is taken as a different event);
- number: amounts of the same class ("troops", "deaths") in statements about the same fact whose
  ranges do not overlap; "100,000" vs "Zehntausende" overlap, so differ only in precision;
- outcome: the same result stated as happened in one source and as narrowly avoided ("nearly led
  to") or denied in another.

Statements from derivations of one source (copies, translations) never conflict with each other.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import ClassVar

import numpy as np

from .. import langdata
from ..annotate.gazetteer import Gazetteer
from ..params import Params, param
from . import cues
from .amounts import QuantRef, ranges_overlap
from .claim_groups import Aligned
from .claims import ClaimUnit
from .places import place_key, rule_places
from .times import TimeRef, same_day, time_label

_BY_HAND = "set by hand on the seeds and example corpus when conflicts were written (a999469), not on labelled data"
_WMT22 = (
    "WMT22 calibration half: versions of one document never conflict, perturbed numbers or days must"
    " (benchmarks/conflicts_wmt22.py, docs/bench/conflicts.md)"
)


@dataclass(frozen=True)
class ConflictParams(Params):
    """Thresholds of the conflicts stage, on the calibrated E5 similarity of `compare.claim_groups`
    (docs/compare.md); docs/bench/conflicts.md measures the stage with them."""

    section: ClassVar[str] = "conflicts"
    related: float = param(
        0.86,
        f"similarity above which two sentences are about one fact (outcomes); {_BY_HAND} (WMT22 gives no"
        " outcome conflicts to calibrate it on: 0 false ones between versions)",
    )
    date_align: float = param(
        0.86,
        "similarity for a date disagreement to count, with three shared names. WMT22 cannot decide it: date "
        "recall is flat (0.33-0.39) over 0.80-0.95 on the calibration half; 0.93 saved one false conflict there "
        "but found 2 fewer of 45 dates on the evaluation half, so the earlier value stays",
    )
    date_align_strong: float = param(
        0.9, "... or with two shared names; kept with date_align (flat on the WMT22 calibration half)"
    )
    max_date_gap_days: int = param(
        120, "dates farther apart are two events, not one dated differently (about a news cycle); not tuned"
    )
    number_align: float = param(
        0.89,
        f"similarity for two numbers of one unit to be compared: recall 0.86 with 1.3 false per 100 version"
        f" pairs (0.865 by hand: 0.86, 1.7); {_WMT22}",
    )
    approx_tolerance: float = param(
        0.05, "slack on the bounds of an approximate amount ('about 100,000') when ranges are compared; not tuned"
    )
    number_context_align: float = param(
        0.83,
        f"... when the sentences share a place or an actor; {_BY_HAND}; on WMT22 any value 0.80-0.89 gives the"
        f" same recall and false conflicts, so it stays; {_WMT22}",
    )


@dataclass(frozen=True)
class Finding:
    """A conflict before it becomes a record: values with the units (indexes) that state each."""

    kind: str  # place, date, number, outcome
    about: str
    values: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def units(self) -> set[int]:
        return {u for _v, us in self.values for u in us}


def _different_voice(a: ClaimUnit, b: ClaimUnit, voices: dict[str, str]) -> bool:
    return a.article != b.article and voices.get(a.article, a.article) != voices.get(b.article, b.article)


def _merge(kind: str, about: str, labelled: list[tuple[str, int]]) -> Finding:
    values: dict[str, list[int]] = {}
    for label, unit in labelled:
        if unit not in values.setdefault(label, []):
            values[label].append(unit)
    ordered = tuple((k, tuple(sorted(v))) for k, v in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return Finding(kind, about, ordered)


def _components(edges: Iterable[tuple[int, int]]) -> list[set[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]  # path halving keeps chains short
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[int, set[int]] = {}
    for x in parent:
        groups.setdefault(root(x), set()).add(x)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# Place of an event on a day


def place_conflicts(aligned: Aligned, voices: dict[str, str]) -> list[Finding]:
    units = aligned.units
    frames = [(i, f) for i, u in enumerate(units) for f in u.frames]
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for x, (i, fa) in enumerate(frames):
        for j, fb in frames[x + 1 :]:
            a, b = units[i], units[j]
            if fa.kind != fb.kind or not _different_voice(a, b, voices) or same_day(fa.time, fb.time) is not True:
                continue
            if fa.place.key == fb.place.key or fa.place.key.lower() in b.keys or fb.place.key.lower() in a.keys:
                continue
            day = fa.time.day or fb.time.day or fa.time.text
            if (fa.kind, day) in seen:
                continue
            seen.add((fa.kind, day))
            agreeing = [
                (f.place.key, k)
                for k, f in frames
                if f.kind == fa.kind and (same_day(f.time, fa.time) or same_day(f.time, fb.time))
            ]
            label = f"{fa.kind} on {_day_words(fa.time, fb.time)}"
            out.append(_merge("place", f"place of the {label}", agreeing))
    return out


def _day_words(a: TimeRef, b: TimeRef) -> str:
    """ "Wednesday (2022-01-12)" for a day, in English whatever the sources' languages."""
    day = a.day or b.day
    if day:
        return f"{date.fromisoformat(day).strftime('%A')} ({day})"
    weekday = a.weekday if a.weekday is not None else b.weekday
    return calendar.day_name[weekday] if weekday is not None else time_label(a)


# ---------------------------------------------------------------------------------------------
# Date of the same statement


def _days(u: ClaimUnit) -> list[TimeRef]:
    return [t for t in u.times if t.day or t.weekday is not None or t.month_day]


@cache
def _relative(lang: str) -> re.Pattern[str]:
    """A relative clause after a comma (", who headed ..."), by the language's relative pronouns."""
    return re.compile(rf",\s*(?:{cues.alternation(lang, 'relative_pronouns')})\b[^,]*", re.I)


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|„[^“”]*[“”]|«[^»]*»|»[^«]*«|^[^“„«»\"]*[”\"](?=[\s,.])")


def _main_days(u: ClaimUnit) -> list[TimeRef]:
    """Days stated for the sentence's own event, leaving out those inside relative clauses
    ("Ryabkov, who headed the team in Monday's talks, said ...")."""
    inner = [(u.start + m.start(), u.start + m.end()) for m in _relative(u.lang).finditer(u.text)]
    inner += [(u.start + m.start(), u.start + m.end()) for m in _QUOTED.finditer(u.text)]
    framed = {(f.time.start, f.time.end) for f in u.frames}
    return [t for t in _days(u) if not any(a <= t.start < b for a, b in inner) and (t.start, t.end) not in framed]


def _actor_words(u: ClaimUnit) -> set[str]:
    """Words of the parsed subject, leaving out pronouns, which name no one by themselves."""
    pronouns = {w.lower() for w in cues.words(u.lang, "pronouns", "anaphors", "relative_pronouns")}
    words = {w.lower().strip(".,'’s") for w in u.parse.get("actor", "").split()}
    return {w for w in words if len(w) > 2 and w not in pronouns}


def _actors_agree(a: ClaimUnit, b: ClaimUnit) -> bool:
    """False only when both parses name an actor and they share no word."""
    wa, wb = _actor_words(a), _actor_words(b)
    return not (wa and wb) or bool(wa & wb)


def _after(t: TimeRef, published: str | None) -> bool:
    return bool(t.day and published and t.day > published[:10])


def _date_related(aligned: Aligned, i: int, j: int, p: ConflictParams) -> bool:
    """Whether two sentences report the same statement closely enough for their dates to be compared."""
    a, b = aligned.units[i], aligned.units[j]
    shared, sim = len(a.keys & b.keys), aligned.sim(i, j)
    return sim >= p.date_align and (shared >= 3 or (shared >= 2 and sim >= p.date_align_strong))


def _far_apart(a: TimeRef, b: TimeRef, p: ConflictParams) -> bool:
    if a.day and b.day:
        return abs((date.fromisoformat(a.day) - date.fromisoformat(b.day)).days) > p.max_date_gap_days
    return False


def _day_verdict(
    aligned: Aligned, i: int, j: int, main_days: Sequence[list[TimeRef]], p: ConflictParams
) -> bool | None:
    """True: same day; False: different days (a conflict if related); None: not comparable.
    `main_days` holds `_main_days` of every unit, computed once per story."""
    da, db = main_days[i], main_days[j]
    if not da or not db or not _date_related(aligned, i, j, p):
        return None
    verdicts = [same_day(x, y) for x in da for y in db]
    if any(v is True for v in verdicts):
        return True
    a, b = aligned.units[i], aligned.units[j]
    if not _actors_agree(a, b):
        return None  # "Díaz-Canel said ... on Monday" and "Peskov said ... on Tuesday": two statements
    if any(_after(x, b.published) for x in da) or any(_after(y, a.published) for y in db):
        return None  # one source dates it after the other was published: a later, different event
    if not any(v is False for v in verdicts) or any(_far_apart(x, y, p) for x in da for y in db):
        return None
    return False


@cache
def _leading(lang: str) -> re.Pattern[str]:
    """A preposition opening a stated date ("on", "am", "le"): not part of the date's value."""
    return re.compile(rf"^(?:{cues.alternation(lang, 'date_prepositions')})\s+", re.I)


def _date_words(t: TimeRef, lang: str) -> str:
    """The words of a date without its preposition and possessive ending ("on Monday's" -> "Monday")."""
    words = _leading(lang).sub("", t.text)
    for ending in cues.words(lang, "possessive_endings"):
        words = words.removesuffix(ending)
    return words


def _date_key(t: TimeRef, lang: str) -> str:
    """What makes two stated dates the same value: the resolved day, else the words."""
    if t.day:
        return t.day
    if t.month_day:
        return f"--{t.month_day[0]:02d}-{t.month_day[1]:02d}"
    return _date_words(t, lang).lower()


def _date_labels(times: list[tuple[TimeRef, str]]) -> dict[str, str]:
    """Date key -> how the value is shown: "Thursday (2022-01-13)", "14. Dezember (2021-12-14)".
    `times` pairs each date with the language of its sentence."""
    out: dict[str, str] = {}
    for t, lang in times:
        key = _date_key(t, lang)
        if key not in out:
            word = _date_words(t, lang)
            out[key] = f"{word} ({t.day})" if t.day and t.day not in word else word
    return out


def _close_pairs(aligned: Aligned, voices: dict[str, str], threshold: float) -> list[tuple[int, int]]:
    """Pairs of units from different voices with similarity >= threshold (found with numpy, not a loop)."""
    rows, cols = np.nonzero(np.triu(aligned.sims >= threshold, k=1))
    units = aligned.units
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if _different_voice(units[i], units[j], voices)]


def date_conflicts(aligned: Aligned, voices: dict[str, str], p: ConflictParams | None = None) -> list[Finding]:
    p = p or ConflictParams()
    units = aligned.units
    pairs = _close_pairs(aligned, voices, p.date_align)
    main_days = [_main_days(u) for u in units]
    verdicts = {(i, j): _day_verdict(aligned, i, j, main_days, p) for i, j in pairs}
    edges = [p for p, v in verdicts.items() if v is False]
    agree = [p for p, v in verdicts.items() if v is True]
    out: list[Finding] = []
    for core in _components(edges):
        component = set(core)
        component |= {k for i, j in agree for k in (i, j) if i in core or j in core}
        firsts = {k: main_days[k][0] for k in sorted(component)}
        labels = _date_labels([(t, units[k].lang) for k, t in firsts.items()])
        labelled = [(labels[_date_key(t, units[k].lang)], k) for k, t in firsts.items()]
        if len({lab for lab, _ in labelled}) < 2:
            continue
        first = units[min(component, key=lambda k: (units[k].lang != langdata.REPORT_LANGUAGE, len(units[k].text), k))]
        out.append(_merge("date", f"date of “{_brief(first)}”", labelled))
    return out


def _brief(u: ClaimUnit, words: int = 14) -> str:
    parts = u.text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


# ---------------------------------------------------------------------------------------------
# Numbers


def _comparable(aligned: Aligned, i: int, j: int, p: ConflictParams) -> bool:
    a, b = aligned.units[i], aligned.units[j]
    pa, pb = {p.key for p in a.places}, {p.key for p in b.places}
    if pa and pb and not pa & pb:
        return False
    da, db = _days(a), _days(b)
    if da and db and all(same_day(x, y) is False for x in da for y in db):
        return False
    if _years(a) != _years(b):
        return False  # "11,000 troops ... in the early 1990s" is another time than today's buildup
    sim = aligned.sim(i, j)
    return sim >= p.number_align or (bool(a.keys & b.keys) and sim >= p.number_context_align)


def _years(u: ClaimUnit) -> set[str]:
    """Years the sentence writes out ("in 1990", "October 1962"), not ones resolved from "this year"."""
    return {t.value[:4] for t in u.times if t.value and t.value[:4] in t.text}


def _number_label(q: QuantRef) -> str:
    if q.stated is None:
        return q.text
    value = q.stated
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:g} {word}"
    return f"{value:,.0f}".replace(",", " ") if value >= 10000 else f"{value:g}"


def number_conflicts(aligned: Aligned, voices: dict[str, str], p: ConflictParams | None = None) -> list[Finding]:
    p = p or ConflictParams()
    units = aligned.units
    quants = [(i, q) for i, u in enumerate(units) for q in u.quantities]
    by_unit: dict[str, list[int]] = {}
    for x, (_, q) in enumerate(quants):
        by_unit.setdefault(q.unit, []).append(x)
    edges: list[tuple[int, int]] = []
    clash: set[frozenset[int]] = set()
    for x, y in (pair for same in by_unit.values() for pair in itertools.combinations(same, 2)):
        (i, qa), (j, qb) = quants[x], quants[y]
        if not _different_voice(units[i], units[j], voices) or not _comparable(aligned, i, j, p):
            continue
        edges.append((x, y))
        if not ranges_overlap(qa, qb, p.approx_tolerance):
            clash.add(frozenset((x, y)))
    edges.sort()  # the order of a scan over all pairs, so components come out in the same order
    out: list[Finding] = []
    for component in _components(edges):
        if not any(pair <= component for pair in clash):
            continue
        labelled = [(_number_label(quants[k][1]), quants[k][0]) for k in sorted(component) if quants[k][1].stated]
        if len({lab for lab, _ in labelled}) < 2:
            continue
        unit = quants[min(component)][1].unit
        out.append(_merge("number", f"number of {unit}", labelled))
    return out


# ---------------------------------------------------------------------------------------------
# Outcomes


def _content_words(text: str) -> set[str]:
    """Words that say what resulted, leaving out short words and acronyms (all capitals)."""
    return {w.lower().strip(".,") for w in text.split() if len(w) > 2 and not w.isupper()}


def outcome_conflicts(
    aligned: Aligned, voices: dict[str, str], p: ConflictParams | None = None, gazetteer: Gazetteer | None = None
) -> list[Finding]:
    p = p or ConflictParams()
    units = aligned.units
    found: list[Finding] = []
    with_outcomes = [i for i, u in enumerate(units) if u.outcomes]
    pairs = [(i, j) for x, i in enumerate(with_outcomes) for j in with_outcomes[x + 1 :]]
    for i, j in pairs:
        a, b = units[i], units[j]
        if not _different_voice(a, b, voices):
            continue
        years_a = {t.value[:4] for t in a.times if t.value}
        years_b = {t.value[:4] for t in b.times if t.value}
        if not (years_a & years_b or aligned.sim(i, j) >= p.related):
            continue
        for oa in a.outcomes:
            for ob in b.outcomes:
                if oa.modal or ob.modal or not _content_words(oa.result) & _content_words(ob.result):
                    continue
                if oa.near_miss == ob.near_miss and oa.negated == ob.negated:
                    continue
                anchor = sorted(years_a & years_b)
                what = f"the events of {anchor[0]}" if anchor else place_key(oa.result, gazetteer)
                about = f"outcome of {what}" if anchor else f"outcome: {what}"
                found.append(Finding("outcome", about, ((oa.text, (i,)), (ob.text, (j,)))))
    return found


# ---------------------------------------------------------------------------------------------
# Titles and roles


@cache
def _role_noise(lang: str) -> re.Pattern[str]:
    """Articles and rank words of a title ("the", "a", "former", "deputy"): not the post itself."""
    return re.compile(rf"\b(?:{cues.alternation(lang, 'articles', 'indefinite_articles', 'rank_words')})\b", re.I)


def _role_words(role: str, lang: str, gazetteer: Gazetteer | None = None) -> tuple[str, set[str]]:
    """(head word, modifiers) of a role, leaving out articles, rank words, places and nationalities
    ("Russian"), which say whose post it is, not which post."""
    words = [w.lower().strip(".,'’s") for w in _role_noise(lang).sub(" ", role).split()]
    words = [w for w in words if w and not rule_places(w.capitalize(), lang, gazetteer)]
    if not words:
        return "", set()
    return words[-1], set(words[:-1]) - set(cues.words(lang, "nationality_adjectives"))


def roles_differ(a: str, b: str, lang: str, gazetteer: Gazetteer | None = None) -> bool:
    """Two roles of one person, both written in `lang`, disagree: different kinds of post ("minister" /
    "spokesman") or the same kind with different portfolios ("trade minister" / "agriculture
    minister"). Rank or precision differences ("Deputy Foreign Minister" / "Foreign Minister") do not."""
    head_a, mods_a = _role_words(a, lang, gazetteer)
    head_b, mods_b = _role_words(b, lang, gazetteer)
    if not head_a or not head_b:
        return False
    if head_a != head_b:
        return True
    return bool(mods_a and mods_b and not mods_a & mods_b)


def role_conflicts(aligned: Aligned, voices: dict[str, str], gazetteer: Gazetteer | None = None) -> list[Finding]:
    """The same person given different titles by sources writing in one language."""
    units = aligned.units
    seen: dict[str, list[tuple[str, int]]] = {}
    for i, u in enumerate(units):
        for name, role in u.roles:
            seen.setdefault(name, []).append((role, i))
    out: list[Finding] = []
    for name, rows in sorted(seen.items()):
        clash = any(
            units[i].lang == units[j].lang
            and _different_voice(units[i], units[j], voices)
            and roles_differ(ra, rb, units[i].lang, gazetteer)
            for x, (ra, i) in enumerate(rows)
            for rb, j in rows[x + 1 :]
        )
        if clash:
            out.append(_merge("role", f"title or role of {name}", rows))
    return out


def find_conflicts(
    aligned: Aligned, voices: dict[str, str], p: ConflictParams | None = None, gazetteer: Gazetteer | None = None
) -> list[Finding]:
    """Every conflict among the aligned claim units of one story (`p`: the run's parameters, `gazetteer`
    its gazetteer; None, the declared defaults)."""
    p = p or ConflictParams()
    return (
        place_conflicts(aligned, voices)
        + date_conflicts(aligned, voices, p)
        + number_conflicts(aligned, voices, p)
        + outcome_conflicts(aligned, voices, p, gazetteer)
        + role_conflicts(aligned, voices, gazetteer)
    )
