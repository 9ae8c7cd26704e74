"""A neutral multi-source summary in which every sentence cites all of its supporting spans.

Extractive, then templated: the claims reported by the most independent voices (derivations of
one source count once) are restated with attribution, then each conflict is stated as a conflict
("Source A says Brussels; source B says Vienna"). Nothing is written that no span supports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from .. import langdata
from ..models import Article, Claim, Span, SummarySentence
from ..params import Params, param
from . import cues
from .claim_groups import Aligned
from .conflicts import Finding
from .coverage import source_name
from .voices import count_voices


@dataclass(frozen=True)
class SummaryParams(Params):
    """Length and redundancy of the cited summary (docs/compare.md)."""

    section: ClassVar[str] = "summary"
    max_claim_sentences: int = param(4, "a summary a reader takes in at a glance: at most this many claim sentences")
    max_conflict_sentences: int = param(4, "... and this many sentences on conflicts; a choice of length, not tuned")
    duplicate: float = param(
        0.9, "representative sentences this similar (calibrated E5) say the same thing; above claims.align, not tuned"
    )


def _names(article_ids: Sequence[str], articles: dict[str, Article]) -> str:
    names = sorted({source_name(articles[a]) for a in article_ids if a in articles})
    if len(names) <= 1:
        return names[0] if names else "one source"
    return ", ".join(names[:-1]) + " and " + names[-1]


def _loaded(unit_text: str, lang: str) -> int:
    return len(cues.find(lang, "loaded", unit_text))


@cache
def _anaphor_start(lang: str) -> re.Pattern[str]:
    """A sentence opening with a capitalised anaphor of `lang` ("He", "This", "Er", "Elle")."""
    capitalised = sorted({w[:1].upper() + w[1:] for w in cues.words(lang, "anaphors") if w}, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in capitalised) or "(?!)"
    return re.compile(rf"^(?:{body})\b")


def stands_alone(text: str, lang: str) -> bool:
    """Whether a sentence can be read without the one before it (it does not open with a pronoun)."""
    return _anaphor_start(lang).match(text) is None


def representative(aligned: Aligned, members: Sequence[int]) -> int:
    """The unit that best stands for a claim: English if possible, fewest loaded words, then earliest."""
    return min(
        members,
        key=lambda u: (
            aligned.units[u].lang != langdata.REPORT_LANGUAGE,
            not stands_alone(aligned.units[u].text, aligned.units[u].lang),
            _loaded(aligned.units[u].text, aligned.units[u].lang),
            u,
        ),
    )


def _claim_sentence(
    aligned: Aligned, members: Sequence[int], claim: Claim, articles: dict[str, Article], voices: dict[str, str]
) -> SummarySentence:
    reporting = sorted({aligned.units[u].article for u in members})
    n = count_voices(reporting, voices)
    rep = aligned.units[representative(aligned, members)]
    statement = rep.text.strip().rstrip(".") + "."
    if rep.lang != langdata.REPORT_LANGUAGE:
        statement = f"({rep.lang}) {statement}"
    if n >= 2:
        text = f"Reported by {n} independent sources ({_names(reporting, articles)}): {statement}"
    else:
        text = f"According to {_names(reporting, articles)}: {statement}"
    return SummarySentence(text=text, citations=claim.support)


def _conflict_sentence(f: Finding, aligned: Aligned, articles: dict[str, Article]) -> SummarySentence:
    parts: list[str] = []
    spans: list[Span] = []
    for value, members in f.values:
        sources = sorted({aligned.units[u].article for u in members})
        verb = "says" if len(sources) == 1 else "say"
        shown = f"“{value}”" if f.kind == "outcome" else value
        parts.append(f"{_names(sources, articles)} {verb} {shown}")
        for u in members:
            unit = aligned.units[u]
            spans.append(Span(unit.article, unit.start, unit.end, unit.text))
    text = f"Sources differ on the {f.about.removeprefix('the ')}: " + "; ".join(parts) + "."
    return SummarySentence(text=text, citations=tuple(dict.fromkeys(spans)))


def summarise(
    aligned: Aligned,
    claims: Sequence[Claim],
    findings: Sequence[Finding],
    articles: Sequence[Article],
    voices: dict[str, str],
    others: Sequence[Article] = (),
    params: SummaryParams | None = None,
) -> tuple[SummarySentence, ...]:
    """Up to `max_claim_sentences` claim sentences by independent voices, then the conflicts.
    `others` are articles of sibling stories that conflicts may cite (named, never summarised);
    `params` the run's `SummaryParams` (None: the declared defaults)."""
    p = params or SummaryParams()
    by_id = {a.id: a for a in articles}
    named = {**{a.id: a for a in others}, **by_id}
    in_conflict = {u for f in findings for u in f.units}

    def weight(g: int) -> tuple[int, int, bool, int]:
        members = aligned.groups[g]
        n = count_voices([aligned.units[u].article for u in members], voices)
        return (-n, -len(members), all(aligned.units[u].lang != langdata.REPORT_LANGUAGE for u in members), g)

    order = sorted(range(len(claims)), key=weight)
    chosen: list[int] = []
    used_articles: set[str] = set()
    for g in order:
        members = aligned.groups[g]
        if set(members) & in_conflict or len(chosen) >= p.max_claim_sentences:
            continue
        rep = representative(aligned, members)
        if not stands_alone(aligned.units[rep].text, aligned.units[rep].lang):
            continue
        if any(aligned.sim(rep, representative(aligned, aligned.groups[c])) >= p.duplicate for c in chosen):
            continue
        arts = {aligned.units[u].article for u in members}
        if len(members) == 1 and arts <= used_articles and len(used_articles) < len(by_id):
            continue
        chosen.append(g)
        used_articles |= arts
    out = [_claim_sentence(aligned, aligned.groups[g], claims[g], by_id, voices) for g in chosen]
    out += [_conflict_sentence(f, aligned, named) for f in findings[: p.max_conflict_sentences]]
    return tuple(out)
