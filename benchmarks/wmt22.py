"""WMT22 news test documents (`../shared/eval/wmt22_news/`) as articles, with a fixed calibration / evaluation split.

Each `<doc>` holds an original (`src`), one or two professional translations (`ref`) and two machine
translations (`hyp`). Every version becomes one article: the first segment is its headline, segments
of one `<p>` are joined by spaces and paragraphs by blank lines. The texts are read from `../shared`
at run time and never written into the repository.

The split is by document, from a hash of the document id, so every benchmark that uses WMT22 agrees
on which documents were used for calibration and which are held out for evaluation.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
WMT22 = ROOT.parent / "shared" / "eval" / "wmt22_news"
Half = Literal["calibration", "evaluation"]


@dataclass(frozen=True)
class Version:
    """One rendering of a document: the original or one translation."""

    kind: str  # "src", "ref" or "hyp"
    name: str  # "src", the translator ("A", "stud") or the MT system
    lang: str
    title: str
    body: str

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.name}"


@dataclass(frozen=True)
class WmtDoc:
    """A WMT22 news document: its id, language pair, original language and every version."""

    id: str
    pair: str
    origlang: str
    versions: tuple[Version, ...]

    @property
    def source(self) -> Version:
        return next(v for v in self.versions if v.kind == "src")

    @property
    def half(self) -> Half:
        return split_of(self.id)


def split_of(doc_id: str) -> Half:
    """The fixed half a document belongs to (SHA-1 of its id: even first byte is calibration)."""
    return "calibration" if hashlib.sha1(doc_id.encode("utf-8")).digest()[0] % 2 == 0 else "evaluation"


def _version(node: ET.Element, kind: str) -> Version:
    paragraphs = [[(s.text or "").strip() for s in p.iter("seg")] for p in node.iter("p")]
    segs = [s for p in paragraphs for s in p]
    title = segs[0] if segs else ""
    rest = [[s for s in p if s] for p in paragraphs]
    if rest and rest[0] and rest[0][0] == title:
        rest[0] = rest[0][1:]
    body = "\n\n".join(" ".join(p) for p in rest if p)
    name = node.get("translator") or node.get("system") or "src"
    return Version(kind, name, node.get("lang", ""), title, body)


def load(folder: Path = WMT22) -> list[WmtDoc]:
    """Every news document of every language pair, in file then document order."""
    if not folder.is_dir():
        raise FileNotFoundError(f"WMT22 data not found at {folder} (expected ../shared/eval/wmt22_news)")
    docs: list[WmtDoc] = []
    for path in sorted(folder.glob("wmttest2022.*.news.xml")):
        root = ET.parse(path).getroot()
        pair = root.get("pair", "")
        for doc in root.iter("doc"):
            versions = tuple(_version(node, node.tag) for node in doc if node.tag in ("src", "ref", "hyp"))
            docs.append(WmtDoc(doc.get("id", ""), pair, doc.get("origlang", ""), versions))
    return docs


def interleaved(docs: Sequence[WmtDoc]) -> list[WmtDoc]:
    """Documents taken in turn from each language pair, so any prefix mixes every pair."""
    by_pair: dict[str, list[WmtDoc]] = {}
    for d in docs:
        by_pair.setdefault(d.pair, []).append(d)
    queues = [list(v) for _, v in sorted(by_pair.items())]
    out: list[WmtDoc] = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def article_id(doc: WmtDoc, version: Version) -> str:
    """The file stem an article is written under: document id and version."""
    return f"{doc.id}__{version.key}".replace("/", "_")


def write_articles(
    docs: Iterable[WmtDoc], folder: Path, kinds: Sequence[str] = ("src", "ref", "hyp")
) -> dict[str, str]:
    """Write each version as a news-please JSON file; returns file path -> document id."""
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    for doc in docs:
        for v in doc.versions:
            if v.kind not in kinds:
                continue
            path = folder / f"{article_id(doc, v)}.json"
            record = {"title": v.title, "maintext": v.body, "language": v.lang, "source_domain": f"{v.key}.example"}
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            truth[str(path)] = doc.id
    return truth


def corpus(max_articles: int, half: Half | None = None) -> list[WmtDoc]:
    """Whole documents (every version) from every pair in turn, up to `max_articles` versions in all."""
    docs = [d for d in interleaved(load()) if half is None or d.half == half]
    out: list[WmtDoc] = []
    total = 0
    for d in docs:
        if total + len(d.versions) > max_articles:
            break
        out.append(d)
        total += len(d.versions)
    return out
