"""Direct quotations found by their marks, in every common quote style, paragraph by paragraph.

Styles: “…” (English), „…“ and »…« (German), « … » (French, Russian), „…“ (Czech), "…" and '…'
(ASCII), ‘…’ (single). Whether a mark opens or closes is read from its neighbours (a mark
before a word opens, one after a word closes); an apostrophe between letters (“Russia’s”) is
no mark at all. Marks are paired inside each paragraph, so a missing close mark spoils only
its own paragraph. Across a paragraph break two cases are repaired: a quote left open and
closed by a stray mark at the start of the next paragraph (a line break inside a quotation),
and the newspaper convention of an open quote continued by a paragraph that opens again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

#: Which marks may close a quote opened by each mark.
CLOSERS: dict[str, str] = {
    "“": '”“"',
    "„": '“”"',
    '"': '"”“',
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
    "‘": "’‘'",
    "‚": "‘’",
    "'": "'’",
    "”": "”",
}
SINGLE = frozenset("‘’‚'‹›")
MARKS = frozenset("“”„\"«»‹›‘’‚'")
_OPEN_BEFORE = frozenset(" \t\u00a0\u202f([{—–-/:;")
_CLOSE_AFTER = frozenset(" \t\u00a0\u202f.,;:!?)]}—–-…")


@dataclass(frozen=True)
class QuotedSpan:
    """One direct quotation: `start:end` is the content without marks (offsets into the text).

    `open_at`/`close_at` are the offsets of its marks (`close_at` is None when the paragraph
    ended first); `continued` says the next paragraph carries on the same quotation.
    """

    start: int
    end: int
    open_at: int
    close_at: int | None
    continued: bool = False


@dataclass(frozen=True)
class _Mark:
    at: int
    char: str
    can_open: bool
    can_close: bool


def _flanks(para: str, i: int) -> tuple[bool, bool]:
    """(left-flanking, right-flanking): may the mark at `i` open, may it close."""
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    opens = not after.isspace() and (before in _OPEN_BEFORE or before in MARKS or before.isspace())
    closes = not before.isspace() and (after in _CLOSE_AFTER or after in MARKS or after.isspace())
    return opens, closes


def _mark_at(para: str, i: int, reversed_guillemets: bool) -> _Mark | None:
    """Classify the quote character at `i`, or None when it is an apostrophe or stray."""
    ch = para[i]
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    if ch in "’'" and before.isalnum() and after.isalnum():
        return None  # an apostrophe: don’t, Russia’s, aujourd'hui
    opens, closes = _flanks(para, i)
    if ch in "«»":
        opening = "»" if reversed_guillemets else "«"
        return _Mark(i, ch, ch == opening, ch != opening)
    if ch in "„‚":
        return _Mark(i, ch, True, False)
    if ch == "”":
        return _Mark(i, ch, opens and not closes, closes or not opens)
    if ch in "’":
        return _Mark(i, ch, False, closes)
    if ch == "‘" and after.isdigit():
        return None  # ‘90s
    if ch == "'" and not (opens or closes):
        return None
    return _Mark(i, ch, opens, closes)


def _marks(para: str) -> list[_Mark]:
    first_guillemet = next((c for c in para if c in "«»"), "«")
    out = []
    for i, ch in enumerate(para):
        if ch in MARKS:
            m = _mark_at(para, i, first_guillemet == "»")
            if m is not None and (m.can_open or m.can_close):
                out.append(m)
    return out


@dataclass
class _Paragraph:
    """Pairing result of one paragraph (offsets relative to the paragraph)."""

    pairs: list[tuple[_Mark, _Mark]]
    unclosed: _Mark | None  # the outermost opener left open at the end
    leading_stray: _Mark | None  # the first mark, when it paired with nothing


def _pair(para: str) -> _Paragraph:
    """Pair marks with a small stack: single quotes nest in double ones, not the reverse."""
    stack: list[_Mark] = []
    pairs: list[tuple[_Mark, _Mark]] = []
    paired: set[int] = set()
    marks = _marks(para)
    for m in marks:
        top = stack[-1] if stack else None
        if top is not None and m.can_close and m.char in CLOSERS.get(top.char, ""):
            stack.pop()
            paired.update((top.at, m.at))
            if not stack:
                pairs.append((top, m))
            continue
        match = next((k for k in range(len(stack) - 1, -1, -1) if m.char in CLOSERS.get(stack[k].char, "")), None)
        if match is not None and m.can_close and not m.can_open:
            opener = stack[match]
            del stack[match:]
            paired.update((opener.at, m.at))
            if not stack:
                pairs.append((opener, m))
            continue
        if m.can_open:
            if top is not None and (m.char in SINGLE) == (top.char in SINGLE):
                stack.pop()  # same family opening again: the earlier opener was stray
            if m.char not in SINGLE and stack and stack[-1].char in SINGLE:
                stack.clear()  # a double quote inside a single one: the single one was an apostrophe
            stack.append(m)
    unclosed = stack[0] if stack else None
    leading = marks[0] if marks and marks[0].at not in paired and marks[0] is not unclosed else None
    if leading is not None and para[: leading.at].strip() and leading.can_open:
        leading = None
    return _Paragraph(pairs, unclosed, leading)


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, line
        pos += len(line) + 1


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Content bounds without surrounding white space and a trailing comma."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def find_quoted(text: str) -> list[QuotedSpan]:
    """Every outermost quotation of `text` with at least one letter of content, in text order."""
    paras = [(off, para, _pair(para)) for off, para in _paragraphs(text)]
    out: list[QuotedSpan] = []
    joined_leading: set[int] = set()
    for k, (off, para, res) in enumerate(paras):
        for opener, closer in res.pairs:
            if off + opener.at in joined_leading:
                continue
            out.append(_span(text, off + opener.at, off + closer.at))
        if res.unclosed is None:
            continue
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        start = off + res.unclosed.at
        if nxt is not None and nxt[2].leading_stray is not None:
            stray = nxt[2].leading_stray
            if stray.char in CLOSERS.get(res.unclosed.char, ""):
                joined_leading.add(nxt[0] + stray.at)
                out.append(_span(text, start, nxt[0] + stray.at))
                continue
        if res.unclosed.char in "'‘‚" and res.unclosed.at > 0:
            continue  # an unclosed single mark mid-paragraph is too often an apostrophe
        continued = nxt is not None and nxt[1].lstrip()[:1] in MARKS
        out.append(_span(text, start, off + len(para), closed=False, continued=continued))
    return [q for q in out if any(c.isalpha() for c in text[q.start : q.end])]


def _span(text: str, open_at: int, close_at: int, *, closed: bool = True, continued: bool = False) -> QuotedSpan:
    start, end = _trimmed(text, open_at + 1, close_at)
    return QuotedSpan(start, end, open_at, close_at if closed else None, continued)
