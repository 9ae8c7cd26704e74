"""Killing `synoptic analyze` (SIGKILL) at any moment, then running it again, loses nothing and duplicates nothing."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from resilience_support import CHECKPOINT, analyze_command, check_json, check_store, query, run_analyze, write_corpus
from synoptic.default_pipeline import default_pipeline

ARTICLES = 2 * CHECKPOINT + 7  # more than two checkpoints
ARTICLE_STAGES = default_pipeline().article_stages[-1].name  # run until the last article stage


def _rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    try:
        return int(query(db, f"SELECT count(*) FROM {table}")[0][0])
    except Exception:  # the store may not have its tables yet
        return 0


# When to kill: a condition polled every few milliseconds (the run is killed as soon as it holds).
MOMENTS: dict[str, Callable[[Path, float], bool]] = {
    "at start-up": lambda db, t: t > 0.3,
    "once the store exists": lambda db, t: db.exists(),
    "while articles are stored": lambda db, t: _rows(db, "articles") > 0,
    "after the first checkpoint": lambda db, t: _rows(db, "documents") > 0,
}


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_resilience_kill_then_rerun_keeps_every_article_once(tmp_path: Path, moment: str) -> None:
    corpus = tmp_path / "corpus"
    files = write_corpus(corpus, ARTICLES)
    db, out = tmp_path / "store.db", tmp_path / "analysis.json"
    proc = subprocess.Popen(analyze_command([corpus], db, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    killed = False
    while proc.poll() is None and time.monotonic() - started < 120:
        if MOMENTS[moment](db, time.monotonic() - started):
            proc.kill()  # SIGKILL: no clean-up, no finally blocks
            killed = True
            break
        time.sleep(0.005)
    proc.wait(timeout=60)
    assert killed, f"the run finished before the moment {moment!r} was seen"
    assert not out.exists() or moment == "after the first checkpoint"
    rerun = run_analyze([corpus], db, out)
    assert rerun.returncode == 0, rerun.stderr
    expected = {str(f) for f in files}
    check_store(db, expected)
    check_json(out, expected)


def test_resilience_kill_resumes_from_the_last_checkpoint(tmp_path: Path) -> None:
    """With every article stage of the default pipeline (the checkpointed ones): killed after a checkpoint,
    resumed, then run once more."""
    corpus = tmp_path / "corpus"
    count = CHECKPOINT + 4
    files = write_corpus(corpus, count)
    db, out = tmp_path / "store.db", tmp_path / "analysis.json"
    command = analyze_command([corpus], db, out, until=ARTICLE_STAGES)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    while proc.poll() is None and _rows(db, "documents") == 0 and time.monotonic() - started < 120:
        time.sleep(0.005)
    proc.kill()
    proc.wait(timeout=60)
    cached = _rows(db, "documents")
    assert cached % CHECKPOINT == 0 or cached == count  # whole checkpoints only
    rerun = run_analyze([corpus], db, out, until=ARTICLE_STAGES)
    assert rerun.returncode == 0, rerun.stderr
    check_store(db, {str(f) for f in files})
    again = run_analyze([corpus], db, out, until=ARTICLE_STAGES)  # a third run finds everything cached and adds nothing
    assert again.returncode == 0, again.stderr
    check_store(db, {str(f) for f in files})
    check_json(out, {str(f) for f in files})
