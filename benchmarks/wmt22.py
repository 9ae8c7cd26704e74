"""WMT22 news (../shared/eval/wmt22_news) as Synoptic documents, read in memory at benchmark time.

Each `<doc origlang id>` holds an original (`<src>`), one or two professional translations (`<ref>`)
and two machine translations (`<hyp>`). One `Group` is one such document: its versions become
articles (first segment the title; a `<p>` a paragraph). The split into calibration and evaluation
halves is by document id (the parity of a SHA-1 byte), so it is the same in every benchmark and run.
Nothing here is ever written into the repository.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from synoptic.annotate.sentences import split_sentences
from synoptic.models import Article, Document, Published

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared").is_dir()), ROOT.parent / "shared")
WMT = SHARED / "eval" / "wmt22_news"
PAIRS = ("de-fr", "fr-de", "ru-en", "en-hr")


@dataclass(frozen=True)
class Version:
    """One rendering of a WMT22 document: the original, a professional or a machine translation."""

    role: str  # "src", "ref" or "hyp"
    name: str  # translator or system ("" for the original)
    language: str
    paragraphs: tuple[tuple[str, ...], ...]  # segments per <p>
    ids: tuple[tuple[str, ...], ...] = ()  # the segment ids, as `paragraphs`

    @property
    def segments(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


@dataclass(frozen=True)
class Group:
    """One WMT22 document with all its versions."""

    pair: str
    doc_id: str
    versions: tuple[Version, ...]

    @property
    def half(self) -> str:
        return split_of(self.doc_id)


def split_of(doc_id: str) -> str:
    """ "calibration" or "evaluation", by the parity of the first SHA-1 byte of the document id."""
    return "calibration" if hashlib.sha1(doc_id.encode("utf-8")).digest()[0] % 2 == 0 else "evaluation"


def _version(node: ET.Element, role: str) -> Version:
    segs = [[(seg.get("id", ""), (seg.text or "").strip()) for seg in p.iter("seg")] for p in node.iter("p")]
    kept = [[(i, t) for i, t in p if t] for p in segs]
    kept = [p for p in kept if p]
    name = node.get("translator") or node.get("system") or ""
    paragraphs = tuple(tuple(t for _, t in p) for p in kept)
    return Version(role, name, node.get("lang") or "", paragraphs, tuple(tuple(i for i, _ in p) for p in kept))


def load_groups(pairs: Sequence[str] = PAIRS) -> list[Group]:
    """Every news document of the given language pairs, in file order."""
    out = []
    for pair in pairs:
        tree = ET.parse(WMT / f"wmttest2022.{pair}.news.xml")
        for doc in tree.getroot().iter("doc"):
            versions = [_version(n, n.tag) for n in doc if n.tag in ("src", "ref", "hyp")]
            kept = tuple(v for v in versions if v.paragraphs)
            if len(kept) > 1:  # one document of en-hr is empty in every version
                out.append(Group(pair, doc.get("id") or "", kept))
    return out


def article_text(paragraphs: Sequence[Sequence[str]]) -> tuple[str, str]:
    """(title, text): the first segment is the headline, on its own line; a paragraph per line."""
    segs = [list(p) for p in paragraphs]
    title = segs[0].pop(0)
    lines = [title] + [" ".join(p) for p in segs if p]
    return title, "\n".join(lines)


def document(article_id: str, language: str, paragraphs: Sequence[Sequence[str]]) -> Document:
    """A Synoptic document with sentences, as the article stages leave it for derivations."""
    title, text = article_text(paragraphs)
    article = Article(article_id, f"{article_id}.txt", language, title, None, (), Published(), text)
    return Document(article, sentences=split_sentences(text, language))


def version_id(group: Group, version: Version) -> str:
    return f"{group.doc_id}#{version.role}{'-' + version.name if version.name else ''}"


def documents_of(group: Group) -> list[Document]:
    return [document(version_id(group, v), v.language, v.paragraphs) for v in group.versions]


def interleaved(groups: Sequence[Group]) -> list[Group]:
    """Documents taken in turn from each language pair, so any prefix mixes every pair."""
    queues = [[g for g in groups if g.pair == pair] for pair in sorted({g.pair for g in groups})]
    out: list[Group] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


def corpus(max_articles: int, half: str | None = None, pairs: Sequence[str] | None = None) -> list[Group]:
    """Whole documents (every version) from every pair (or `pairs`) in turn, up to `max_articles` versions in all."""
    out: list[Group] = []
    total = 0
    for group in interleaved(load_groups(tuple(pairs) if pairs else PAIRS)):
        if half is not None and group.half != half:
            continue
        if total + len(group.versions) > max_articles:
            break
        out.append(group)
        total += len(group.versions)
    return out


def write_articles(groups: Sequence[Group], folder: Path) -> dict[str, str]:
    """Each version as a news-please JSON file (its own outlet); returns file path -> document id."""
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    for group in groups:
        for version in group.versions:
            title, text = article_text(version.paragraphs)
            name = version_id(group, version).replace("/", "_").replace("#", "__")
            record = {
                "title": title,
                "maintext": text.split("\n", 1)[1] if "\n" in text else "",
                "language": version.language,
                "source_domain": f"{name.split('__')[-1]}.example",
            }
            path = folder / f"{name}.json"
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            truth[str(path)] = group.doc_id
    return truth


# ---------------------------------------------------------------------------------------------
# Versions as articles whose segments keep their ids (quote-group gold is aligned by segment id)


@dataclass(frozen=True)
class Rendered:
    """A version as an `Article` (the headline as title, the other segments as body, a blank line between
    paragraphs), with the character range and id of every body segment."""

    article: Article
    role: str  # "src", "ref:<translator>" or "hyp:<system>"
    segments: tuple[tuple[int, int, str], ...]  # (start, end, segment id) in article.text

    def segments_of(self, start: int, end: int) -> tuple[str, ...]:
        """Ids of the segments a character range overlaps, in text order."""
        return tuple(seg for s, e, seg in self.segments if s < end and start < e)


@dataclass(frozen=True)
class RenderedDoc:
    """A WMT22 document with every version rendered (the original first)."""

    id: str
    pair: str
    versions: tuple[Rendered, ...]

    @property
    def half(self) -> str:
        return split_of(self.id)


def rendered(group: Group, version: Version) -> Rendered:
    """One version as an article with segment offsets; its id is `pair:document:role`."""
    role = f"{version.role}:{version.name}" if version.name else version.role
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    at = 0
    for k, (texts, ids) in enumerate(zip(version.paragraphs, version.ids, strict=True)):
        pairs = [(i, " ".join(t.split())) for i, t in zip(ids, texts, strict=True)][1 if k == 0 else 0 :]
        line: list[str] = []
        for seg_id, text in pairs:
            start = at + sum(len(x) + 1 for x in line)
            spans.append((start, start + len(text), seg_id))
            line.append(text)
        if line:
            pieces.append(" ".join(line))
            at += len(pieces[-1]) + 2
    article_id = f"{group.pair}:{group.doc_id}:{role}"
    title = version.paragraphs[0][0] if version.paragraphs else None
    article = Article(article_id, article_id, version.language, title, None, (), Published(), "\n\n".join(pieces))
    return Rendered(article, role, tuple(spans))


def load(pairs: Sequence[str] = PAIRS, *, machine: bool = True) -> list[RenderedDoc]:
    """Every news document rendered (machine translations too unless `machine=False`)."""
    out = []
    for group in load_groups(pairs):
        versions = [rendered(group, v) for v in group.versions if machine or v.role != "hyp"]
        kept = tuple(v for v in versions if v.article.text)
        if kept and kept[0].role == "src":  # a document of one headline has no body to analyse
            out.append(RenderedDoc(group.doc_id, group.pair, kept))
    return out


def halves(docs: Sequence[RenderedDoc]) -> dict[str, list[RenderedDoc]]:
    """The documents of each half."""
    out: dict[str, list[RenderedDoc]] = {"calibration": [], "evaluation": []}
    for doc in docs:
        out[doc.half].append(doc)
    return out
