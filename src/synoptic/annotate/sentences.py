"""Sentence boundaries per language (sentencex), as offsets into the article text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .. import langdata
from ..models import Document, Sentence
from ..pipeline import Context, article_stage


def _abbreviations(language: str) -> frozenset[str]:
    if language not in langdata.supported_languages():
        return frozenset()
    return frozenset(langdata.load(language, "sentences").get("abbreviations", []))


def _ends_with_abbreviation(text: str, abbreviations: frozenset[str]) -> bool:
    words = text.rstrip().rsplit(None, 1)
    return bool(words) and (words[-1] in abbreviations or words[-1].lstrip('("„“«') in abbreviations)


def split_sentences(text: str, language: str) -> tuple[Sentence, ...]:
    """Sentences of `text`, trimmed of surrounding white space; paragraphs never join.

    sentencex segments; a break after a known abbreviation of the language ("M.", "Dr.") is undone.
    """
    from sentencex import segment

    abbreviations = _abbreviations(language)
    out: list[Sentence] = []
    pos = 0
    for para in text.split("\n"):
        if para.strip():
            cursor = 0
            for piece in segment(language or "en", para):
                found = para.find(piece, cursor)
                if found < 0:
                    continue
                cursor = found + len(piece)
                start, end = pos + found, pos + cursor
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if end <= start:
                    continue
                prev = out[-1] if out else None
                if prev and prev.start >= pos and _ends_with_abbreviation(text[prev.start : prev.end], abbreviations):
                    out[-1] = Sentence(prev.start, end)
                else:
                    out.append(Sentence(start, end))
        pos += len(para) + 1
    return tuple(out)


@article_stage("sentences", requires=["text", "language"], provides=["sentences"])
def sentences_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    return [replace(doc, sentences=split_sentences(doc.article.text, doc.article.language)) for doc in docs]
