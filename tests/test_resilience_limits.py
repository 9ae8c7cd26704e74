"""Limits on file size, article length and entity mentions per article are settings, and hitting one is reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from synoptic.api import analyze, analyze_articles
from synoptic.cli import main
from synoptic.default_pipeline import default_pipeline
from synoptic.errors import SettingsError
from synoptic.ingest import read_bytes, read_paths
from synoptic.models import Article, Document, Mention, Published
from synoptic.pipeline import Context, Pipeline, article_stage, run_article_stages
from synoptic.settings import Settings

BODY = "The harbour of Hamburg reopened on Monday after repairs, officials said. " * 4  # 292 characters
TEXT_FILE = f"Title: Harbour\nText:\n{BODY}".encode()


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        (Settings(max_file_bytes=100), "over the limit of 100 bytes"),
        (Settings(max_article_chars=200), "over the limit of 200"),
        (Settings(min_article_chars=1000), "too short to analyse"),
        (Settings(), None),  # within every limit: an article, nothing reported
        (Settings(max_file_bytes=len(TEXT_FILE), max_article_chars=len(BODY.strip())), None),  # exactly at the limits
    ],
)
def test_resilience_limits_on_files_and_articles(settings: Settings, reason: str | None) -> None:
    articles, rejected = read_bytes("a.txt", TEXT_FILE, settings)
    if reason is None:
        assert len(articles) == 1 and not rejected
    else:
        assert not articles
        assert len(rejected) == 1 and reason in rejected[0].reason


def test_resilience_file_size_limit_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(TEXT_FILE * 10)
    result = read_paths([tmp_path], Settings(max_file_bytes=1000))
    assert not result.articles
    assert [r.path for r in result.rejected] == [str(big)]
    assert "raise max_file_bytes / --max-file-size" in result.rejected[0].reason


def _with_mentions(count: int) -> Document:
    article = Article("a1", "a1.txt", "en", None, None, (), Published(), BODY)
    mentions = tuple(Mention(0, 3, "The", "OTHER") for _ in range(count))
    return Document(article, mentions=mentions)


@article_stage("fake_mentions", requires=["text"], provides=["mentions"])
def fake_mentions(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """Finds one mention per word (a recogniser gone wild)."""
    out = []
    for d in docs:
        spans, start = [], 0
        for word in d.article.text.split(" "):
            if word:
                spans.append(Mention(start, start + len(word), word, "OTHER"))
            start += len(word) + 1
        out.append(replace(d, mentions=tuple(spans)))
    return out


@pytest.mark.parametrize(
    ("mentions", "limit", "rejected"), [(5, 4, True), (4, 4, False), (0, 1, False), (3, 100, False)]
)
def test_resilience_entity_limit_per_article(mentions: int, limit: int, rejected: bool) -> None:
    identity = article_stage("identity", requires=["text"], provides=[])(lambda docs, ctx: list(docs))
    kept, bad = run_article_stages(
        [identity], [_with_mentions(mentions)], Context(Settings(max_entities_per_article=limit))
    )
    assert bool(bad) == rejected and bool(kept) != rejected
    if rejected:
        assert bad[0].reason == (
            f"{mentions} entity mentions, over the limit of {limit} (raise max_entities_per_article / --max-entities)"
        )


def test_resilience_entity_limit_reported_in_the_analysis() -> None:
    article = Article("a1", "a1.txt", "en", None, None, (), Published(), BODY)
    pipeline = Pipeline((fake_mentions,))
    analysis = analyze_articles([article], pipeline=pipeline, settings=Settings(max_entities_per_article=10))
    assert not analysis.articles
    assert [r.path for r in analysis.rejected] == ["a1.txt"]
    assert "over the limit of 10" in analysis.rejected[0].reason
    assert analyze_articles([article], pipeline=pipeline).articles  # the default limit lets it through


@pytest.mark.parametrize("field", ["max_file_bytes", "max_article_chars", "max_entities_per_article", "batch_size"])
@pytest.mark.parametrize("value", [0, -1])
def test_resilience_limits_must_be_positive(field: str, value: int) -> None:
    with pytest.raises(SettingsError, match=field):
        Settings().with_(**{field: value})


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        (["--max-file-size", "50"], "over the limit of 50 bytes (raise max_file_bytes / --max-file-size)"),
        (["--max-article-chars", "100"], "over the limit of 100 (raise max_article_chars / --max-article-chars)"),
    ],
)
def test_resilience_limits_reported_by_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], reason: str
) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT_FILE)
    code = main(["analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "s.db"), "--quiet", *option])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2  # nothing could be analysed
    assert reason in err


def test_resilience_limits_not_reported_when_not_hit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT_FILE)
    light = default_pipeline().until("sentences")
    analysis = analyze(tmp_path, settings=Settings(max_file_bytes=10_000, max_article_chars=10_000), pipeline=light)
    assert len(analysis.articles) == 1 and not analysis.rejected
