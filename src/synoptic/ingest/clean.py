"""Turn a raw article body into clean text: headline, bylines and page furniture out, paragraphs kept.

The method is general rather than a list of known strings: page furniture is recognised by where
it stands (before the first or after the last real paragraph), how long it is, whether it repeats
inside the document, and by per-language cue words (`lang/<iso>/boilerplate.json`).
A trailing byline is an author-name line followed by a date line, as many outlets print them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from .. import langdata
from ..params import Params, param
from .dates import parse_date_line, parse_metadata_date

_TERMINAL = tuple(".?!:;,…\"”“»«'’)")
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*$")
# "LYON, May 20, 2025 —", "Köln, 6. April 2025 –", "COLOGNE (Allemagne), 8 avril 2025 –": place, date, dash.
_DATELINE = re.compile(r"^(?P<place>[^\W\d][^,\n]{0,60}),\s*(?P<date>[^—–\n]{6,40}?)\s+[—–-]{1,2}\s")
_BY_HAND = "set by hand when the cleaner was written, checked on the example corpus; not tuned on labelled data"


@dataclass(frozen=True)
class CleanParams(Params):
    """Sizes (in words unless named otherwise) by which the cleaner tells page furniture from text."""

    section: ClassVar[str] = "ingest"
    long_words: int = param(
        15, f"a line of this many words is body text: furniture lies before the first/after the last; {_BY_HAND}"
    )
    title_max_words: int = param(
        25, f"an opening line of 2 to this many words, no final stop, may be the headline; {_BY_HAND}"
    )
    title_max_chars: int = param(200, f"... and of at most this many characters; {_BY_HAND}")
    byline_tail_lines: int = param(
        10, f"a trailing byline (name line, date line) is looked for in the last lines; {_BY_HAND}"
    )
    byline_after_words: int = param(
        30, f"lines after a trailing byline are at most this long (furniture, not text); {_BY_HAND}"
    )
    by_line_words: int = param(8, f"a 'By ...' line among the first three has at most this many words; {_BY_HAND}")
    repeated_line_words: int = param(12, f"a line repeated in the document and this short is furniture; {_BY_HAND}")
    cue_line_words: int = param(
        6, f"a line this short holding a boilerplate cue word is furniture anywhere; {_BY_HAND}"
    )
    cue_edge_words: int = param(30, f"... and up to this long before the first or after the last long line; {_BY_HAND}")


@dataclass(frozen=True)
class Cleaned:
    """The cleaned body and what cleaning learned about the article on the way."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None


@cache
def _particles() -> frozenset[str]:
    """Name particles of every language ("von", "de", "bin"), from `names.json`."""
    return frozenset(w for data in langdata.load_all("names").values() for w in data["particles"])


def _pooled(key: str) -> list[str]:
    """One `boilerplate.json` word list pooled over every language, longest first."""
    words = {w for data in langdata.load_all("boilerplate").values() for w in data[key]}
    return sorted(words, key=len, reverse=True)


@cache
def _by_line() -> re.Pattern[str]:
    """A byline: a byline word of any language ("By", "Von", "Автор:") and up to 80 characters of names."""
    words = "|".join(re.escape(w) for w in _pooled("byline_words"))
    return re.compile(rf"^(?:{words})\s+(?P<names>[^\d]{{3,80}})$", re.IGNORECASE)


@cache
def _author_split() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in _pooled("author_separators"))
    return re.compile(rf"\s*(?:,|\b(?:{words})\b|&)\s*")


@cache
def _cue_pattern() -> re.Pattern[str]:
    cues: list[str] = []
    for data in langdata.load_all("boilerplate").values():
        cues.extend(data.get("cues", []))
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(set(cues), key=len, reverse=True)) + r")(?!\w)", re.I)


def _words(line: str) -> int:
    return len(line.split())


#: Lines longer than this are body text, never a headline, byline or furniture line to compare:
#: their comparison key is the line itself, not its costly normal form (a title is at most 1000).
_KEYED_LINE_CHARS = 4_000


def _key(line: str) -> str:
    """What repeated lines and the title are compared by."""
    return _norm(line) if len(line) <= _KEYED_LINE_CHARS else line


def _norm(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def is_name_line(line: str) -> bool:
    """A line that is only a person's name, as bylines print it ("Tyler Durden", "Anna von Berg")."""
    tokens = line.strip().split()
    if not 2 <= len(tokens) <= 5 or len(line) > 60 or line.rstrip().endswith(_TERMINAL):
        return False
    named = [t for t in tokens if t.lower() not in _particles()]
    return len(named) >= 2 and all(_NAME_TOKEN.match(t) for t in named)


def _split_authors(names: str) -> tuple[str, ...]:
    parts = _author_split().split(names.strip())
    return tuple(p.strip() for p in parts if p.strip())


def dateline_date(first_line: str) -> str | None:
    """The date of an opening dateline ("HAMBURG, April 6, 2025 — ..."), else None."""
    m = _DATELINE.match(first_line)
    if not m or not any(ch.isdigit() for ch in m.group("date")):
        return None
    return parse_metadata_date(m.group("date"))


def _is_title_block(block: list[str], rest: list[list[str]], p: CleanParams) -> bool:
    if len(block) != 1 or not rest:
        return False
    line = block[0].strip()
    if _by_line().match(line):
        return False
    return (
        2 <= _words(line) <= p.title_max_words
        and not line.endswith((".", ",", ";", ":"))
        and len(line) <= p.title_max_chars
    )


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs (split at blank lines), each a list of stripped non-empty lines."""
    blocks: list[list[str]] = []
    for para in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in para.split("\n") if ln.strip()]
        if lines:
            blocks.append(lines)
    return blocks


def _trailing_byline(lines: list[str], p: CleanParams) -> tuple[int, tuple[str, ...], str | None] | None:
    """(index where the byline starts, authors, date) for a name line followed by a date line near the end."""
    tail_start = max(0, len(lines) - p.byline_tail_lines)
    for i in range(len(lines) - 1, tail_start, -1):
        date = parse_date_line(lines[i])
        if date and is_name_line(lines[i - 1]):
            after = lines[i + 1 :]
            if all(_words(ln) <= p.byline_after_words for ln in after):
                return i - 1, (lines[i - 1].strip(),), date
    return None


def clean_body(raw: str, title: str | None = None, params: CleanParams | None = None) -> Cleaned:
    """Clean an article body; `title` (from metadata) is used to drop repeated headlines; `params`
    the run's `CleanParams` (None: the declared defaults)."""
    p = params or CleanParams()
    blocks = _blocks(raw)
    if title is None and blocks and _is_title_block(blocks[0], blocks[1:], p):
        title = blocks[0][0]
        blocks = blocks[1:]
    flat: list[tuple[int, str]] = [(bi, ln) for bi, block in enumerate(blocks) for ln in block]
    lines = [ln for _, ln in flat]
    keep = [True] * len(lines)
    authors: tuple[str, ...] = ()
    date: str | None = None

    byline = _trailing_byline(lines, p)
    if byline:
        start, authors, date = byline
        for i in range(start, len(lines)):
            keep[i] = False
    for i, line in enumerate(lines[:3]):
        m = _by_line().match(line)
        if m and not authors and _words(line) <= p.by_line_words:
            authors = _split_authors(m.group("names"))
            keep[i] = False

    title_key = _norm(title) if title else None
    keys = [_key(line) for line in lines]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    long_idx = [i for i, ln in enumerate(lines) if _words(ln) >= p.long_words and keep[i]]
    first_long = long_idx[0] if long_idx else 0
    last_long = long_idx[-1] if long_idx else len(lines) - 1
    cue = _cue_pattern()
    for i, line in enumerate(lines):
        key = keys[i]
        words = _words(line)
        if (
            not key
            or (title_key and key == title_key)
            or (counts[key] > 1 and words <= p.repeated_line_words)
            # the cheap word count first: a cue search over a 15 MB line held the GIL for 15 s
            or (
                (words <= p.cue_line_words or ((i < first_long or i > last_long) and words <= p.cue_edge_words))
                and cue.search(line)
            )
        ):
            keep[i] = False

    out_blocks: dict[int, list[str]] = {}
    for (bi, line), k in zip(flat, keep, strict=True):
        if k:
            out_blocks.setdefault(bi, []).append(line)
    text = "\n\n".join("\n".join(b) for _, b in sorted(out_blocks.items()))
    if date is None and text:
        date = dateline_date(text.split("\n", 1)[0])
    return Cleaned(text=text, title=title, authors=authors, date=date)
