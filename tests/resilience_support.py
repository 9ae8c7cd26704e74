"""Helpers of the resilience tests: a corpus of distinct articles, a CLI subprocess, store checks."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

SUBJECTS = ("harbour", "bridge", "hospital", "railway", "school", "airport", "market", "tunnel")
CITIES = ("Hamburg", "Lyon", "Vienna", "Geneva", "Cologne", "Prague", "Lisbon", "Warsaw")


def write_corpus(folder: Path, count: int, start: int = 0) -> list[Path]:
    """`count` distinct English plain-text articles with metadata heads, numbered from `start`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(start, start + count):
        subject, city = SUBJECTS[i % len(SUBJECTS)], CITIES[(i // 3) % len(CITIES)]
        body = " ".join(
            f"Report {i}, part {k}: officials in {city} said the {subject} would reopen after repairs "
            f"that cost {100 + i * 7 + k} thousand euros, and residents welcomed the news."
            for k in range(6)
        )
        path = folder / f"article_{i:04d}.txt"
        path.write_text(f"Title: The {subject} of {city}, report {i}\nPublished: 2025-03-{1 + i % 28:02d}\n"
                        f"Text:\n{body}\n", encoding="utf-8")  # fmt: skip
        files.append(path)
    return files


#: Small batches so that a short run passes several checkpoints (every 8 batches).
BATCH = 2
CHECKPOINT = BATCH * 8


def analyze_command(paths: list[Path], db: Path, out: Path, until: str | None = "sentences") -> list[str]:
    """The `synoptic analyze` command line for a subprocess; by default only the first, light stages run
    (store writes, checkpoints and caching do not depend on which stages run), `until=None` runs them all."""
    options = ["--db", str(db), "--json", str(out), "--batch-size", str(BATCH), "-q"]
    options += ["--until", until] if until else []
    return [sys.executable, "-m", "synoptic.cli", "analyze", *map(str, paths), *options]


def run_analyze(
    paths: list[Path], db: Path, out: Path, until: str | None = "sentences"
) -> subprocess.CompletedProcess[str]:
    command = analyze_command(paths, db, out, until)
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a read-only query (waits when a writer holds the store)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def check_store(db: Path, expected_paths: set[str]) -> None:
    """The store is intact and holds every expected article exactly once, with one cached annotation each."""
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    paths = [p for (p,) in query(db, "SELECT path FROM articles")]
    assert sorted(paths) == sorted(expected_paths)
    per_article = query(db, "SELECT article_id, count(*) FROM documents GROUP BY article_id, signature")
    assert len(per_article) == len(expected_paths)
    assert {n for _, n in per_article} == {1}
    assert query(db, "SELECT count(*) FROM articles a LEFT JOIN documents d ON d.article_id = a.id "
                     "WHERE d.article_id IS NULL") == [(0,)]  # fmt: skip


def check_json(out: Path, expected_paths: set[str]) -> None:
    """The analysis JSON lists every expected article exactly once."""
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = [a["id"] for a in data["articles"]]
    assert len(ids) == len(set(ids))
    assert sorted(a["path"] for a in data["articles"]) == sorted(expected_paths)
