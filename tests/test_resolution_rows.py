"""Entity resolution over compact mention rows (annotate/resolve.py): stamping in order, spans that
verify, and a mention filed twice counted once."""

from __future__ import annotations

import pytest

from synoptic.annotate.gazetteer import build_gazetteer
from synoptic.annotate.resolve import Resolution, _Rows, resolve
from synoptic.models import Article, Document, Mention, Published

TEXT = "Angela Merkel met Emmanuel Macron in Paris. Merkel spoke first."


def _doc(doc_id: str, text: str = TEXT) -> Document:
    article = Article(doc_id, f"{doc_id}.txt", "en", None, None, (), Published(None), text)
    mentions = []
    for name, etype in (("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"), ("Paris", "PLACE")):
        start = text.find(name)
        if start >= 0:
            mentions.append(Mention(start, start + len(name), name, etype, "spacy"))
    return Document(article=article, mentions=tuple(mentions))


def test_every_span_verifies_and_every_mention_is_stamped() -> None:
    docs = [_doc("a"), _doc("b", "Macron arrived in Paris on Monday.")]
    entities, stamped = resolve(docs, build_gazetteer())
    by_id = {d.id: d.article.text for d in docs}
    assert {e.name for e in entities} >= {"Angela Merkel", "Emmanuel Macron"}
    for e in entities:
        for span in e.mentions:
            assert by_id[span.article][span.start : span.end] == span.text
    assert all(m.entity for d in stamped for m in d.mentions)


def test_a_mention_filed_twice_is_one_span() -> None:
    doc = _doc("a")
    rows = _Rows()
    rows.append(doc.mentions)
    found = Resolution([("PERSON", "merkel", [(0, 0), (0, 0)])], rows, [doc.article], {})
    stamped = found.stamp(doc)
    (entity,) = found.entities()
    assert len(entity.mentions) == 1 and stamped.mentions[0].entity == entity.id
    assert stamped.mentions[1].entity is None  # not filed: no entity


def test_documents_are_stamped_in_the_order_resolved() -> None:
    docs = [_doc("a"), _doc("b")]
    rows = _Rows()
    for d in docs:
        rows.append(d.mentions)
    found = Resolution([], rows, [d.article for d in docs], {})
    with pytest.raises(ValueError, match="stamped in place of"):
        found.stamp(docs[1])
