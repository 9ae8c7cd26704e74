"""Bad input never stops a run: each kind is listed in `rejected` with a reason, the rest is analysed."""

from __future__ import annotations

from pathlib import Path

import pytest

from synoptic import Settings, analyze
from synoptic.cli import main
from synoptic.pipeline import Pipeline

GOOD = (
    "Council approves tram line\n\nThe city council approved the new tram line on Tuesday after a long debate.\n\n"
    "Supporters said the line would cut travel times across the river by a third."
)

BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n \t\n", "empty file"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("nul.txt", b"hello\x00world" * 50, "binary"),
    ("broken.json", b'{"title": "x", "maintext": ', "malformed JSON"),
    ("notext.json", b'{"title": "only a title"}', "no text"),
    ("short.txt", b"Too short.", "too short"),
    ("undecodable.txt", b"\xff\xfe" + "Hochwasser in Köln".encode("utf-16-le") + b"\x41", "undecodable"),
]


@pytest.fixture()
def mixed_dir(tmp_path: Path) -> Path:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, data, _ in BAD_FILES:
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_ingest_each_bad_file_is_rejected_with_its_reason(mixed_dir: Path, ingest_only: Pipeline) -> None:
    analysis = analyze(mixed_dir, pipeline=ingest_only)
    assert [a.path for a in analysis.articles] == [str(mixed_dir / "good.txt")]
    reasons = {Path(r.path).name: r.reason for r in analysis.rejected}
    for name, _, words in BAD_FILES:
        assert words in reasons[name], (name, reasons.get(name))


def test_ingest_oversized_file_is_rejected_by_configurable_limit(tmp_path: Path, ingest_only: Pipeline) -> None:
    (tmp_path / "big.txt").write_text(GOOD + " padding" * 200, encoding="utf-8")
    analysis = analyze(tmp_path, settings=Settings(max_file_bytes=1000), pipeline=ingest_only)
    assert not analysis.articles
    assert "over the limit" in analysis.rejected[0].reason
    assert analyze(tmp_path, settings=Settings(max_file_bytes=10_000), pipeline=ingest_only).articles


def test_ingest_overlong_article_is_rejected_by_configurable_limit(tmp_path: Path, ingest_only: Pipeline) -> None:
    (tmp_path / "long.txt").write_text(GOOD, encoding="utf-8")
    analysis = analyze(tmp_path, settings=Settings(max_article_chars=50), pipeline=ingest_only)
    assert "over the limit of 50" in analysis.rejected[0].reason


def test_ingest_missing_path_is_reported(tmp_path: Path, ingest_only: Pipeline) -> None:
    analysis = analyze([tmp_path / "nope.txt"], pipeline=ingest_only)
    assert analysis.rejected[0].reason == "no such file or folder"


def test_ingest_hidden_files_are_skipped(tmp_path: Path, ingest_only: Pipeline) -> None:
    (tmp_path / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(GOOD, encoding="utf-8")
    analysis = analyze(tmp_path, pipeline=ingest_only)
    assert not analysis.articles and not analysis.rejected


def test_cli_exit_status_is_0_with_anything_analysed(
    mixed_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["analyze", str(mixed_dir), "--db", str(tmp_path / "s.db"), "--json", str(tmp_path / "o.json"), "-q"])
    assert code == 0
    err = capsys.readouterr().err
    assert "rejected" in err and "empty.txt" in err
    assert (tmp_path / "o.json").is_file()


def test_cli_exit_status_is_2_when_nothing_analysed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    code = main(["analyze", str(tmp_path / "in"), "--db", str(tmp_path / "s.db"), "-q"])
    assert code == 2
    assert "nothing could be analysed" in capsys.readouterr().err
