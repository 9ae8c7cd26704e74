"""Text pieces for display: highlighted article text, evidence in context, word-level quote diffs.

Everything here returns plain strings with labels; the templates escape them. No HTML is built
from article text in Python, so nothing an article contains can become markup.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass

WORD = re.compile(r"\w+|[^\w\s]+|\s+")


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
    """A piece of a quote's wording compared with a reference wording: same, added/changed, or dropped."""

    text: str
    change: str  # "same" | "changed" | "dropped"


def word_diff(reference: str, wording: str) -> list[DiffPiece]:
    """`wording` word by word against `reference`: changed words marked, dropped ones listed in place."""
    ref, new = WORD.findall(reference), WORD.findall(wording)
    matcher = difflib.SequenceMatcher(a=[t.casefold() for t in ref], b=[t.casefold() for t in new], autojunk=False)
    pieces: list[DiffPiece] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece("".join(new[b0:b1]), "same"))
            continue
        dropped = "".join(ref[a0:a1]).strip()
        if dropped and op in ("delete", "replace"):
            pieces.append(DiffPiece(dropped, "dropped"))
        if op in ("insert", "replace"):
            pieces.append(DiffPiece("".join(new[b0:b1]), "changed"))
    return _merge(pieces)


def _merge(pieces: list[DiffPiece]) -> list[DiffPiece]:
    out: list[DiffPiece] = []
    for p in pieces:
        if out and out[-1].change == p.change:
            out[-1] = DiffPiece(out[-1].text + p.text, p.change)
        elif p.text:
            out.append(p)
    return out


def similarity(reference: str, wording: str) -> float:
    """Share of words in common (0..1), shown beside each reported wording."""
    a, b = [t.casefold() for t in re.findall(r"\w+", reference)], [t.casefold() for t in re.findall(r"\w+", wording)]
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()
