"""Sentence boundaries per language (sentencex), as offsets into the article text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..models import Document, Sentence
from ..pipeline import Context, article_stage


def split_sentences(text: str, language: str) -> tuple[Sentence, ...]:
    """Sentences of `text`, trimmed of surrounding white space; paragraphs never join."""
    from sentencex import segment

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
                if end > start:
                    out.append(Sentence(start, end))
        pos += len(para) + 1
    return tuple(out)


@article_stage("sentences", requires=["text", "language"], provides=["sentences"])
def sentences_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    return [replace(doc, sentences=split_sentences(doc.article.text, doc.article.language)) for doc in docs]
