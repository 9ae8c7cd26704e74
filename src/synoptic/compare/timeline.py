"""Timeline of a story: its events and its claims that carry a resolved date, in date order."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Claim, Event, TimelineEntry
from .claim_groups import Aligned


def _claim_date(aligned: Aligned, members: Sequence[int]) -> str | None:
    """The date most sources give for a claim (day, else month, else year); None when none is resolved."""
    counts: dict[str, int] = {}
    for u in members:
        for t in aligned.units[u].times:
            if t.value:
                counts[t.value] = counts.get(t.value, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], len(v), v))


def timeline(events: Sequence[Event], aligned: Aligned, claims: Sequence[Claim]) -> tuple[TimelineEntry, ...]:
    """The story's events and dated claims, sorted by date (undated events last)."""
    entries = [TimelineEntry(e.date, "event", e.id, e.description, e.articles, e.evidence) for e in events]
    for members, claim in zip(aligned.groups, claims, strict=True):
        when = _claim_date(aligned, members)
        if when is None:
            continue
        sources = tuple(sorted({s.article for s in claim.support}))
        entries.append(TimelineEntry(when, "claim", claim.id, claim.statement, sources, claim.support))
    return tuple(sorted(entries, key=lambda e: (e.date is None, e.date or "", e.kind, e.id)))
