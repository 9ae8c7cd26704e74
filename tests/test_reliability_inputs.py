"""Hostile inputs (issue 13): one bad name or record never costs the run, and every input is analysed,
rejected with a true reason, or listed on the article it duplicates. Defects 1, 5, 9, 10 and 11a."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from synoptic.api import analyze
from synoptic.ingest import read_bytes, read_paths
from synoptic.settings import Settings

BODY = "The harbour of Hamburg reopened on Monday after repairs that took a year, officials said. "


def _article(n: int) -> str:
    return f"Title: Harbour {n}\nText:\n{BODY * 2}Report number {n} of the series.\n"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "synoptic.cli", "analyze", *args, "-q", "--until", "sentences"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def _stored(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# 1. Names and records that are not valid UTF-8


def test_reliability_latin1_file_name_and_surrogate_url_do_not_cost_the_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(_article(1), encoding="utf-8")
    latin1 = os.fsencode(corpus) + b"/caf\xe9.txt"
    with open(latin1, "wb") as handle:
        handle.write(_article(2).encode())
    record = '[{"title": "Surrogate", "url": "https://x.test/\\ud800", "maintext": "%s"}]' % (BODY * 2)
    (corpus / "records.json").write_text(record, encoding="utf-8")
    db, out = tmp_path / "s.db", tmp_path / "a.json"
    run = _cli(str(corpus), "--db", str(db), "--json", str(out))
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    paths = sorted(a["path"] for a in doc["articles"])
    assert paths == sorted([f"{corpus}/caf\\xe9.txt", f"{corpus}/good.txt", f"{corpus}/records.json"])
    assert [a["url"] for a in doc["articles"] if a["title"] == "Surrogate"] == ["https://x.test/\ufffd"]
    assert _stored(db, "SELECT count(*) FROM articles") == [(3,)]
    assert not doc["rejected"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "\ud800 title"), ("url", "https://x.test/\udfff"), ("authors", ["Ann \ud83d"]), ("maintext", None)],
)
def test_reliability_lone_surrogates_in_any_field_become_replacement_characters(field: str, value: object) -> None:
    record: dict[str, object] = {"title": "T", "maintext": BODY * 2 + ("\ud800 end" if value is None else "")}
    if value is not None:
        record[field] = value
    data = json.dumps(record).encode()  # json.dumps writes lone surrogates as \ud800 escapes
    articles, rejected = read_bytes("r.json", data, Settings())
    assert len(articles) == 1, rejected
    article = articles[0]
    for text in (article.title, article.url, article.text, *article.authors):
        assert text is None or text.encode("utf-8")
    assert "\ufffd" in json.dumps(article.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# 5. The same text under a second name


def test_reliability_duplicate_in_one_run_is_listed_on_the_article(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(_article(1), encoding="utf-8")
    (tmp_path / "other.txt").write_text(_article(2), encoding="utf-8")
    db = tmp_path / "s.db"
    analysis = analyze([tmp_path], db=db, settings=Settings())
    kept = {a.path: a.duplicate_paths for a in analysis.articles}
    assert kept == {str(tmp_path / "a.txt"): (str(tmp_path / "b.txt"), str(tmp_path / "c.txt")),
                    str(tmp_path / "other.txt"): ()}  # fmt: skip
    document = analysis.to_dict()
    assert document["articles"][0]["duplicate_paths"] == [str(tmp_path / "b.txt"), str(tmp_path / "c.txt")]
    assert "duplicate_paths" not in document["articles"][1]
    paths = {p for (p,) in _stored(db, "SELECT path FROM article_paths")}
    assert paths == {str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt", "other.txt")}
    again = analyze([tmp_path], db=db, settings=Settings())  # cached annotations keep this run's duplicates
    assert {a.path: a.duplicate_paths for a in again.articles} == kept


# ---------------------------------------------------------------------------------------------
# 9. Inputs skipped silently or with a wrong reason


def test_reliability_special_files_and_folders_are_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "inside.txt").write_text(_article(1), encoding="utf-8")
    (corpus / "good.txt").write_text(_article(2), encoding="utf-8")
    os.mkfifo(corpus / "pipe")
    (corpus / "loop").symlink_to("loop")
    (corpus / "up").symlink_to(corpus)
    (corpus / "gone").symlink_to(corpus / "missing.txt")
    os.chmod(corpus / "locked", 0)
    try:
        unreadable = not os.access(corpus / "locked", os.R_OK)  # root reads anything
        result = read_paths([corpus, "/dev/zero", tmp_path / "absent.txt"], Settings())
    finally:
        os.chmod(corpus / "locked", 0o755)
    reasons = {r.path.removeprefix(f"{corpus}/"): r.reason for r in result.rejected}
    assert reasons["pipe"].startswith("a FIFO (named pipe), not a regular file")
    assert reasons["loop"] == "symbolic link loop, not followed"
    assert reasons["up"].startswith("symbolic link to a folder, not followed")
    assert reasons["gone"].startswith("broken symbolic link")
    assert reasons["/dev/zero"].startswith("a character device, not a regular file")
    assert reasons[str(tmp_path / "absent.txt")] == "no such file or folder"
    if unreadable:
        assert reasons["locked"].startswith("cannot read folder")
    assert str(corpus / "good.txt") in {a.path for a in result.articles}


def test_reliability_fifo_given_directly_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    result = read_paths([tmp_path / "pipe"], Settings())  # opening it would block for ever
    assert [r.reason for r in result.rejected] == ["a FIFO (named pipe), not a regular file: not read"]


TEXT = "Café in Köln: the council said the new tram line would open in spring, officials said."


@pytest.mark.parametrize(
    ("label", "data", "expected", "warned"),
    [
        ("UTF-16 LE without BOM", TEXT.encode("utf-16-le"), TEXT, False),
        ("UTF-16 BE without BOM", TEXT.encode("utf-16-be"), TEXT, False),
        ("UTF-8 with one bad byte", TEXT.encode() + b" \xff end.", TEXT + " \ufffd end.", True),
        ("clean UTF-8", TEXT.encode(), TEXT, False),
        ("cp1252", TEXT.encode("cp1252"), TEXT, False),  # must stay a legacy reading, not "damaged UTF-8"
    ],
)
def test_reliability_decoding_tells_the_truth(label: str, data: bytes, expected: str, warned: bool) -> None:
    from synoptic.ingest.decode import decode_text

    text, warning = decode_text(data)
    assert text == expected, label
    assert (warning is not None) is warned
    if warned:
        assert warning and "not valid UTF-8" in warning


def test_reliability_binary_is_still_binary() -> None:
    from synoptic.errors import ReadError
    from synoptic.ingest.decode import decode_bytes

    with pytest.raises(ReadError, match="binary"):
        decode_bytes(bytes(range(256)) * 8)


def test_reliability_damaged_utf8_warning_reaches_the_analysis(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(f"Title: Tram\nText:\n{TEXT} {BODY}".encode() + b"\xff more.\n")
    analysis = analyze([tmp_path], settings=Settings(), pipeline=None)
    assert [w.path for w in analysis.warnings] == [str(tmp_path / "a.txt")]
    assert "Köln" in analysis.articles[0].text
    assert analysis.to_dict()["warnings"][0]["reason"].startswith("1 byte not valid UTF-8")


def test_reliability_deeply_nested_html_keeps_its_text() -> None:
    depth = 100_000
    page = f"<html><body>{'<div>' * depth}<p>{BODY * 3}</p>{'</div>' * depth}</body></html>".encode()
    articles, rejected = read_bytes("deep.html", page, Settings())
    assert not rejected
    assert articles[0].text.startswith("The harbour of Hamburg reopened")


def test_reliability_shallow_html_without_text_is_still_rejected() -> None:
    articles, rejected = read_bytes("nav.html", b"<html><body><nav>menu</nav></body></html>", Settings())
    assert not articles and len(rejected) == 1


# ---------------------------------------------------------------------------------------------
# 10. File names cannot drive the terminal


def test_reliability_control_characters_in_names_are_escaped_on_stderr(tmp_path: Path) -> None:
    name = "bad\nrejected passwd: forged\x1b[31m[red]x.txt"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text("too short", encoding="utf-8")
    run = _cli(str(tmp_path / "in"), "--db", str(tmp_path / "s.db"))
    lines = run.stderr.splitlines()
    assert not any(line.startswith("rejected passwd") for line in lines)
    assert "\x1b" not in run.stderr
    rejected = [line for line in lines if line.startswith("rejected")]
    assert len(rejected) == 1
    assert "bad\\nrejected passwd: forged\\x1b[31m[red]x.txt: too short" in rejected[0]


# ---------------------------------------------------------------------------------------------
# 11a. Size messages that contradict themselves


def test_reliability_size_message_never_reads_equal(tmp_path: Path) -> None:
    limit = 20 * 1024 * 1024
    _, rejected = read_bytes("big.txt", b"a" * (limit + 1), Settings(max_file_bytes=limit))
    assert rejected[0].reason.startswith("file is 20,971,521 bytes, over the limit of 20,971,520 bytes")
    _, far = read_bytes("big.txt", b"a" * (limit + 5 * 1024 * 1024), Settings(max_file_bytes=limit))
    assert far[0].reason.startswith("file is 25.0 MB, over the limit of 20.0 MB")
