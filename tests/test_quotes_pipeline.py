"""The quotes stage in the default pipeline, for every supported language including Czech and Russian."""

from __future__ import annotations

from pathlib import Path

import pytest

from synoptic.api import analyze
from synoptic.default_pipeline import default_pipeline

TEXTS = {
    "cs.txt": "Ministr zahraničí Jan Novák ve středu v Praze uvedl, že vláda návrh podpoří. "
    "„Nechceme válku, chceme jednat,“ řekl Novák novinářům. Podle něj budou jednání pokračovat příští týden.",
    "ru.txt": "Заместитель министра иностранных дел Сергей Рябков заявил в четверг, что переговоры зашли в тупик. "
    "«Всё зависит от действий наших американских коллег», — сказал Рябков журналистам в Москве.",
}


def test_quotes_pipeline_declares_its_layers() -> None:
    names = [s.name for s in default_pipeline().stages]
    assert names.index("entities") < names.index("quotes") < names.index("quote_groups")
    assert names.index("resolve_entities") < names.index("quote_groups")


@pytest.mark.parametrize("lang", ["cs", "ru"])
def test_quotes_pipeline_runs_for_czech_and_russian(tmp_path: Path, lang: str) -> None:
    (tmp_path / f"{lang}.txt").write_text(TEXTS[f"{lang}.txt"], encoding="utf-8")
    analysis = analyze(tmp_path, pipeline=default_pipeline().until("quotes"))
    assert analysis.rejected == ()
    (doc,) = analysis.documents
    assert doc.article.language == lang
    kinds = {q.kind for q in doc.quotes}
    assert kinds == {"direct", "indirect"}
    speakers = {q.speaker_text for q in doc.quotes}
    assert speakers <= {"Jan Novák", "Novák", "Сергей Рябков", "Рябков"}
