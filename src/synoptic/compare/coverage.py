"""Coverage per source: which claims each article reports, omits or contradicts, who reported
each claim first, and whose voices each outlet quotes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import (
    Article,
    Claim,
    ClaimState,
    CoverageSource,
    Entity,
    FirstReporter,
    Quote,
    QuotedVoice,
    StoryCoverage,
)
from . import cues
from .claim_groups import Aligned
from .conflicts import Finding


def source_name(article: Article) -> str:
    """How a source is named to a reader: its outlet, else its title, else its file name."""
    if article.outlet:
        return article.outlet
    if article.title:
        words = article.title.split()
        return "“" + " ".join(words[:8]) + ("…" if len(words) > 8 else "") + "”"
    return article.path.rsplit("/", 1)[-1]


def contradicted_by(aligned: Aligned, findings: Sequence[Finding]) -> dict[int, set[str]]:
    """Group index -> articles that state another value in a conflict involving that claim."""
    group_of = aligned.group_of()
    out: dict[int, set[str]] = {}
    for f in findings:
        for value, members in f.values:
            others = {aligned.units[u].article for v, us in f.values if v != value for u in us}
            for u in members:
                if u in group_of:
                    out.setdefault(group_of[u], set()).update(others)
    return out


def coverage_matrix(
    aligned: Aligned,
    claims: Sequence[Claim],
    articles: Sequence[Article],
    findings: Sequence[Finding],
    voices: dict[str, str],
) -> StoryCoverage:
    """The source x claim matrix and first reporters.

    A cell is "reported" (the article states the claim), "contradicted" (it states another value in
    a conflict about the claim), "both" (it states the claim, but with a value that another reporter
    contradicts) or "omitted"."""
    against = contradicted_by(aligned, findings)
    matrix: dict[str, dict[str, ClaimState]] = {}
    first: dict[str, FirstReporter] = {}
    for g, (members, claim) in enumerate(zip(aligned.groups, claims, strict=True)):
        reporting = {aligned.units[u].article for u in members}
        row: dict[str, ClaimState] = {}
        for art in articles:
            contradicting = art.id in against.get(g, set())
            if art.id in reporting:
                row[art.id] = "both" if contradicting else "reported"
            elif contradicting:
                row[art.id] = "contradicted"
            else:
                row[art.id] = "omitted"
        matrix[claim.id] = row
        first[claim.id] = first_reporter([a for a in articles if a.id in reporting])
    sources = tuple(CoverageSource(a.id, source_name(a), a.outlet, voices.get(a.id, a.id)) for a in articles)
    return StoryCoverage(sources=sources, matrix=matrix, first_reporter=first)


def first_reporter(articles: Sequence[Article]) -> FirstReporter:
    """The earliest-published article among those reporting a claim (ties and unknown dates say so)."""
    dated = sorted((a.published.date, a.id) for a in articles if a.published.date)
    if not dated:
        return FirstReporter(None, None, how="unknown: no publication dates")
    earliest = dated[0][0]
    tied = [i for d, i in dated if d[:10] == earliest[:10]]
    return FirstReporter(tied[0], earliest, tied=tuple(tied[1:]), how="earliest publication date")


def voices_quoted(
    quotes: Sequence[Quote], entities: Sequence[Entity], articles: Sequence[Article], roles: dict[str, str]
) -> dict[str, list[QuotedVoice]]:
    """Per article: the speakers it quotes, with their type, role and how often."""
    by_id = {e.id: e for e in entities}
    wanted = {a.id for a in articles}
    langs = {a.id: a.language for a in articles}
    out: dict[str, dict[str, dict[str, Any]]] = {a.id: {} for a in articles}
    for q in quotes:
        if q.span.article not in wanted:
            continue
        entity = by_id.get(q.speaker or "")
        name = entity.name if entity else (q.speaker_span.text if q.speaker_span else "unattributed")
        key = entity.id if entity else name
        role = roles.get(entity.id) if entity else None
        row = out[q.span.article].setdefault(
            key,
            {
                "speaker": entity.id if entity else None,
                "name": name,
                "type": entity.type if entity else None,
                "role": role,
                "side": affiliation(" ".join(x for x in (role, name) if x), langs.get(q.span.article, "en")),
                "quotes": 0,
            },
        )
        row["quotes"] += 1
    return {
        a: [QuotedVoice(**r) for r in sorted(rows.values(), key=lambda r: (-r["quotes"], r["name"]))]
        for a, rows in out.items()
    }


def affiliation(words: str, lang: str) -> str | None:
    """The side a speaker speaks for, from their role and name ("Russian Deputy Foreign Minister" ->
    Russia, "Kremlin spokesman" -> Russia), by the per-language `affiliations` cue table."""
    for table_lang in dict.fromkeys((lang, "en")):
        hits = cues.find(table_lang, "affiliations", words)
        if hits:
            return str(cues.lookup(table_lang, "affiliations", hits[0].text))
    return None


def sides_quoted(quoted: dict[str, list[QuotedVoice]]) -> dict[str, dict[str, int]]:
    """Per article: how many quotes it gives to each side (speakers without a known side under "unknown")."""
    out: dict[str, dict[str, int]] = {}
    for article, rows in quoted.items():
        counts: dict[str, int] = {}
        for r in rows:
            side = r.side or "unknown"
            counts[side] = counts.get(side, 0) + r.quotes
        out[article] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
