"""ru: English names as Russian renders them by sound (Уильям, Браун, Майкл, Гарри) join their
English spelling when given name and surname both agree; a loose skeleton alone joins nothing."""

from __future__ import annotations

import pytest

from synoptic.annotate.entities import recogniser
from synoptic.annotate.resolve import resolve
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context

_CTX = Context()


def _ids(english: str, russian: str) -> set[str | None]:
    docs = []
    for i, (lang, _name, text) in enumerate(
        (
            ("en", english, f"On Monday, {english} said the talks would go on."),
            ("ru", russian, f"{russian} заявил в понедельник, что переговоры продолжатся."),
        )
    ):
        art = Article(f"a{i}", f"a{i}", lang, None, None, (), Published(), text, language_how="given")
        docs.append(Document(article=art, mentions=tuple(recogniser(_CTX).find(text, lang))))
    _entities, resolved = resolve(docs, recogniser(_CTX).gazetteer)
    return {m.entity for d in resolved for m in d.mentions if m.text in (english, russian)}


@pytest.mark.parametrize(
    ("english", "russian", "same"),
    [
        ("William Shakespeare", "Уильям Шекспир", True),  # initial w before a vowel is у
        ("Winston Churchill", "Уинстон Черчилль", True),
        ("Gordon Brown", "Гордон Браун", True),  # ow is a vowel
        ("Michael Flynn", "Майкл Флинн", True),  # Greek ch is к
        ("Harry Potter", "Гарри Поттер", True),  # h is г
        ("Howard Stern", "Говард Стерн", True),
        ("Donald Trump", "Дональд Трамп", True),  # the strict skeleton as before
        ("Michael Brown", "Мэтью Браун", False),  # one surname, two given names
        ("Harry Potter", "Гарри Портер", False),  # one given name, two surnames
    ],
)
def test_russian_sound_renderings(english: str, russian: str, same: bool) -> None:
    ids = _ids(english, russian)
    assert None not in ids
    assert (len(ids) == 1) is same, ids
