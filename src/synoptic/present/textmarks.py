"""Text pieces for display: highlighted article text, evidence in context, the stored quote differences.

Everything here returns plain strings with labels; the templates escape them. No HTML is built
from article text in Python, so nothing an article contains can become markup.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """A highlighted range of an article's text: `kind` is a CSS class suffix, `note` a tooltip."""

    start: int
    end: int
    kind: str
    note: str = ""


@dataclass(frozen=True)
class Segment:
    """A run of text carrying the same highlights; `anchors` name the marks that start here."""

    text: str
    kinds: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()


def anchor_id(start: int, end: int) -> str:
    return f"s-{start}-{end}"


def segments(text: str, marks: list[Mark]) -> list[Segment]:
    """Cut `text` at every mark boundary; each piece lists the marks covering it (overlaps allowed)."""
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text)} | {m.start for m in valid} | {m.end for m in valid})
    starts: dict[int, dict[str, None]] = {}
    for m in sorted(valid, key=lambda m: (m.start, -m.end)):
        starts.setdefault(m.start, {})[anchor_id(m.start, m.end)] = None
    ordered = sorted(valid, key=lambda m: (m.start, -m.end))
    active: list[Mark] = []
    out: list[Segment] = []
    nxt = 0
    for lo, hi in itertools.pairwise(cuts):
        active = [m for m in active if m.end > lo]
        while nxt < len(ordered) and ordered[nxt].start <= lo:
            active.append(ordered[nxt])
            nxt += 1
        kinds = tuple(dict.fromkeys(m.kind for m in active))
        notes = tuple(dict.fromkeys(m.note for m in active if m.note))
        out.append(Segment(text[lo:hi], kinds, notes, tuple(starts.get(lo, ()))))
    return out


@dataclass(frozen=True)
class InContext:
    """Evidence with a little surrounding text: before + text + after."""

    before: str
    text: str
    after: str


def in_context(body: str, start: int, end: int, width: int = 80) -> InContext:
    """The span with up to `width` characters either side, cut at word boundaries, on one line."""
    lo, hi = max(0, start - width), min(len(body), end + width)
    before, after = body[lo:start], body[end:hi]
    if lo > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if hi < len(body) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return InContext(_one_line(before), _one_line(body[start:end]), _one_line(after))


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)


@dataclass(frozen=True)
class DiffPiece:
    """A piece of a quote's wording: the same as the reference's, or a run the analysis found added."""

    text: str
    change: str  # "same" | "changed"


def mark_added(wording: str, added: Sequence[str]) -> list[DiffPiece]:
    """`wording` cut into pieces, the stored `added` word runs (from the analysis's quote groups, in
    order) marked "changed". This only locates runs the analysis already found; a run it cannot
    place is left unmarked rather than guessed."""
    pieces: list[DiffPiece] = []
    at = 0
    for run in added:
        words = run.split()
        if not words:
            continue
        found = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)").search(wording, at)
        if found is None:
            continue
        pieces += [DiffPiece(wording[at : found.start()], "same"), DiffPiece(found.group(), "changed")]
        at = found.end()
    pieces.append(DiffPiece(wording[at:], "same"))
    return [p for p in pieces if p.text]
