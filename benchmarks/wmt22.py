"""WMT22 news documents as articles: an original and its translations, aligned by segment id.

Reads ../shared/eval/wmt22_news (never copied into the repository). Each `<doc>` holds the original
(`<src>`), one or two professional translations (`<ref>`) and two machine translations (`<hyp>`),
all split into the same numbered segments; the first segment is the headline. Every version becomes
an `Article` whose body is the other segments (a blank line between paragraphs), with the
character range of each segment kept, so a span found by the pipeline maps back to segment ids.
Documents are split into calibration and evaluation halves by a hash of the document id: the same
split for every benchmark that reads this data.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from synoptic.models import Article, Published

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared").is_dir()), ROOT.parent / "shared")
WMT = SHARED / "eval" / "wmt22_news"
PAIRS = ("de-fr", "fr-de", "ru-en", "en-hr")


@dataclass(frozen=True)
class Version:
    """One rendering of a document: the original, a professional or a machine translation."""

    article: Article
    role: str  # "src", "ref:<translator>" or "hyp:<system>"
    segments: tuple[tuple[int, int, str], ...]  # (start, end, segment id) in article.text

    def segments_of(self, start: int, end: int) -> tuple[str, ...]:
        """Ids of the segments a character range overlaps, in text order."""
        return tuple(seg for s, e, seg in self.segments if s < end and start < e)


@dataclass(frozen=True)
class WmtDoc:
    """A WMT22 document: its id, language pair, and every version (the original first)."""

    id: str
    pair: str
    versions: tuple[Version, ...]

    @property
    def half(self) -> str:
        return half_of(self.id)


def half_of(doc_id: str) -> str:
    """ "calibration" or "evaluation": the first bit of the SHA-256 of the document id."""
    return "calibration" if hashlib.sha256(doc_id.encode()).digest()[0] < 128 else "evaluation"


def _version(doc_id: str, pair: str, role: str, node: ET.Element) -> Version:
    lang = node.get("lang", "")
    title = ""
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    at = 0
    for p in node.iter("p"):
        segs = [(s.get("id", ""), " ".join((s.text or "").split())) for s in p.iter("seg")]
        line: list[str] = []
        for seg_id, text in segs:
            if not title and seg_id == "1":
                title = text
                continue
            if not text:
                continue
            start = at + sum(len(x) + 1 for x in line)
            spans.append((start, start + len(text), seg_id))
            line.append(text)
        if line:
            pieces.append(" ".join(line))
            at += len(pieces[-1]) + 2
    text = "\n\n".join(pieces)
    article_id = f"{pair}:{doc_id}:{role}"
    article = Article(
        id=article_id,
        path=article_id,
        language=lang,
        title=title or None,
        outlet=None,
        authors=(),
        published=Published(),
        text=text,
    )
    return Version(article, role, tuple(spans))


def load(pairs: Sequence[str] = PAIRS, *, machine: bool = True) -> list[WmtDoc]:
    """Every news document of the given language pairs (machine translations too unless `machine=False`)."""
    out: list[WmtDoc] = []
    for pair in pairs:
        root = ET.parse(WMT / f"wmttest2022.{pair}.news.xml").getroot()
        for doc in root.iter("doc"):
            doc_id = doc.get("id", "")
            versions = [_version(doc_id, pair, "src", next(doc.iter("src")))]
            versions += [_version(doc_id, pair, f"ref:{r.get('translator')}", r) for r in doc.iter("ref")]
            if machine:
                versions += [_version(doc_id, pair, f"hyp:{h.get('system')}", h) for h in doc.iter("hyp")]
            kept = tuple(v for v in versions if v.article.text)
            if kept and kept[0].role == "src":  # a document of one headline has no body to analyse
                out.append(WmtDoc(doc_id, pair, kept))
    return out


def halves(docs: Sequence[WmtDoc]) -> dict[str, list[WmtDoc]]:
    """The documents of each half."""
    out: dict[str, list[WmtDoc]] = {"calibration": [], "evaluation": []}
    for doc in docs:
        out[doc.half].append(doc)
    return out
