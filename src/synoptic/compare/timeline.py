"""Timeline of a story: its events and its claims that carry a resolved date, in date order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Claim, Event
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


def timeline(events: Sequence[Event], aligned: Aligned, claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """Entries `{date, kind, what, id, sources, evidence}` sorted by date (undated events last)."""
    entries: list[dict[str, Any]] = [
        {
            "date": e.date,
            "kind": "event",
            "id": e.id,
            "what": e.description,
            "sources": list(e.articles),
            "evidence": [s.to_dict() for s in e.evidence],
        }
        for e in events
    ]
    for members, claim in zip(aligned.groups, claims, strict=True):
        when = _claim_date(aligned, members)
        if when is None:
            continue
        entries.append(
            {
                "date": when,
                "kind": "claim",
                "id": claim.id,
                "what": claim.statement,
                "sources": sorted({s.article for s in claim.support}),
                "evidence": [s.to_dict() for s in claim.support],
            }
        )
    return sorted(entries, key=lambda e: (e["date"] is None, e["date"] or "", e["kind"], e["id"]))
