"""Two `synoptic analyze` runs on one store at the same time: both finish, the store stays intact."""

from __future__ import annotations

import subprocess
from pathlib import Path

from resilience_support import analyze_command, check_json, check_store, query, write_corpus


def test_resilience_two_concurrent_runs_share_one_store(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", 30)
    second = write_corpus(tmp_path / "b", 30, start=20)  # ten articles with the same content as in `a`
    db = tmp_path / "store.db"
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    procs = [
        subprocess.Popen(analyze_command([tmp_path / name], db, out), stderr=subprocess.PIPE, text=True)
        for name, out in zip(("a", "b"), outs, strict=True)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    check_json(outs[0], {str(f) for f in first})
    check_json(outs[1], {str(f) for f in second})
    # Same content read from two folders is one article (content ids), stored once with both paths.
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "SELECT count(*) FROM articles") == [(50,)]
    assert query(db, "SELECT count(*) FROM article_paths") == [(60,)]
    assert query(db, "SELECT count(*) FROM analyses") == [(2,)]
    assert query(db, "SELECT count(*) FROM documents") == [(50,)]


def test_resilience_concurrent_runs_on_a_fresh_store_both_migrate_safely(tmp_path: Path) -> None:
    files = write_corpus(tmp_path / "c", 12)
    db = tmp_path / "fresh.db"
    procs = [
        subprocess.Popen(
            analyze_command([tmp_path / "c"], db, tmp_path / f"{n}.json"), stderr=subprocess.PIPE, text=True
        )
        for n in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    check_store(db, {str(f) for f in files})
    assert query(db, "PRAGMA user_version")[0][0] >= 1
