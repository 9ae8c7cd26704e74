"""Bad stores and faults (issue 13, defects 4, 7 and 8): one clear line and exit 2, never a traceback;
the store stays intact; no worker process outlives a killed analyzer. Real subprocesses throughout."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from resilience_support import query, write_corpus

CLI = [sys.executable, "-m", "synoptic.cli"]


def _run(*args: str, preexec: object = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        preexec_fn=preexec,  # type: ignore[arg-type]
    )


def _one_error_line(run: subprocess.CompletedProcess[str], *words: str) -> str:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, run.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def _damaged(tmp_path: Path) -> Path:
    """A store whose pages in the middle are overwritten with garbage."""
    db = tmp_path / "damaged.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE filler (x TEXT)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 3000,) for _ in range(200)])
    conn.commit()
    conn.close()
    data = bytearray(db.read_bytes())
    data[8192 : 8192 + 40960] = b"\xa5" * 40960
    db.write_bytes(bytes(data))
    return db


def _sqlite(path: Path, statement: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.close()
    return path


def _not_sqlite(tmp_path: Path) -> Path:
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    return db


BAD_STORES = {
    "not SQLite": (_not_sqlite, "not a database"),
    "newer schema": (lambda tmp: _sqlite(tmp / "future.db", "PRAGMA user_version = 999"), "newer than this Synoptic"),
    "damaged": (_damaged, "damaged"),
    "another program's database": (
        lambda tmp: _sqlite(tmp / "other.db", "CREATE TABLE invoices (id INTEGER PRIMARY KEY)"),
        "not a Synoptic store",
    ),
    "missing folder": (lambda tmp: tmp / "missing_dir" / "typo.db", "does not exist"),
}


@pytest.mark.parametrize("kind", sorted(BAD_STORES))
def test_reliability_serve_refuses_a_bad_store(tmp_path: Path, kind: str) -> None:
    make, words = BAD_STORES[kind]
    db = make(tmp_path)
    before = db.read_bytes() if db.exists() else None
    with socket.socket() as taken:  # a port in use: should the store pass, serving fails instead of running on
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = _run("serve", "--db", str(db), "--port", str(taken.getsockname()[1]))
    _one_error_line(run, words)
    assert "serving" not in run.stderr
    assert not (tmp_path / "missing_dir").exists()
    assert (db.read_bytes() if db.exists() else None) == before  # the bad file is left as it was


@pytest.mark.parametrize("kind", ["not SQLite", "newer schema", "another program's database", "missing folder"])
def test_reliability_analyze_refuses_a_bad_store_before_reading(tmp_path: Path, kind: str) -> None:
    make, words = BAD_STORES[kind]
    db = make(tmp_path)
    write_corpus(tmp_path / "corpus", 2)
    run = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    _one_error_line(run, words)
    assert not (tmp_path / "missing_dir").exists()


def test_reliability_damage_found_late_is_one_line(tmp_path: Path) -> None:
    """The analysis reads a damaged page only once it runs (the store opens fine)."""
    write_corpus(tmp_path / "corpus", 3)
    db = tmp_path / "s.db"
    first = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    assert first.returncode == 0, first.stderr
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    size = len(data) // pages
    data[(root - 1) * size : root * size] = b"\xa5" * size  # the annotation cache's table is garbage
    db.write_bytes(bytes(data))
    run = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    _one_error_line(run, "damaged")


def _immutable(path: Path, on: bool) -> bool:
    """Make a file read-only even for root (chattr +i); False when the file system does not allow it."""
    if os.geteuid() != 0:
        path.chmod(0o444 if on else 0o644)
        return True
    return subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, check=False).returncode == 0


def test_reliability_read_only_store_is_one_line_and_unchanged(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 2)
    db = tmp_path / "s.db"
    first = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    assert first.returncode == 0, first.stderr
    write_corpus(tmp_path / "corpus", 2, start=2)
    before = db.read_bytes()
    for side in (db, db.with_name("s.db-wal"), db.with_name("s.db-shm")):
        if side.exists():
            side.unlink() if side != db else None
    if not _immutable(db, True):
        pytest.skip("cannot make a file read-only here")
    try:
        run = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    finally:
        _immutable(db, False)
    _one_error_line(run, "read-only")
    assert db.read_bytes() == before


def _file_size_limit(limit: int) -> object:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_reliability_full_disk_writing_the_json_leaves_no_partial_file(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 3)
    out = tmp_path / "analysis.json"
    db = tmp_path / "s.db"
    out.with_name("analysis.json.tmp").symlink_to("/dev/full")  # every write there fails: no space left
    run = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "--json", str(out), "-q", "--until", "sentences")
    _one_error_line(run, "analysis JSON", "No space left on device", "kept in the store")
    assert not out.exists() and not os.path.lexists(out.with_name("analysis.json.tmp"))
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "SELECT count(*) FROM analyses") == [(1,)]


def test_reliability_full_disk_writing_the_store_is_one_line_and_store_intact(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 3)
    db = tmp_path / "s.db"
    first = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    assert first.returncode == 0, first.stderr
    count = query(db, "SELECT count(*) FROM articles")
    for path in write_corpus(tmp_path / "corpus", 40, start=3):  # languages given: no model file is unpacked
        path.write_text(path.read_text(encoding="utf-8").replace("Text:\n", "Language: en\nText:\n"), encoding="utf-8")
    size = max(p.stat().st_size for p in tmp_path.glob("s.db*"))
    run = _run(
        "analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences",
        preexec=_file_size_limit(size + 4096),
    )  # fmt: skip
    _one_error_line(run, "could not write", "unchanged since its last complete write")
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    stored = query(db, "SELECT count(*) FROM articles")[0][0]
    assert stored in (count[0][0], 43)  # a transaction is whole or absent
    again = _run("analyze", str(tmp_path / "corpus"), "--db", str(db), "-q", "--until", "sentences")
    assert again.returncode == 0, again.stderr  # with room again, the run completes
    assert query(db, "SELECT count(*), count(DISTINCT path) FROM articles") == [(43, 43)]


# ---------------------------------------------------------------------------------------------
# 8. Worker processes die with the analyzer


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_reliability_workers_do_not_outlive_a_killed_analyzer(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 240)  # over parallel_min_articles: the pool of worker processes starts
    command = [*CLI, "analyze", str(tmp_path / "corpus"), "--db", str(tmp_path / "s.db"), "-q"]
    command += ["--workers", "2", "--batch-size", "30", "--until", "entities"]  # one step of 240: in parallel
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline and len(workers) < 2:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the worker pool did not start"
    time.sleep(1.0)  # workers are busy with batches
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    survivors = [w for w in workers if _alive(w)]
    for pid in survivors:  # clean up what the test started before failing
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"{len(survivors)} worker processes outlived the analyzer"


def test_reliability_json_of_a_full_run_still_valid(tmp_path: Path) -> None:
    """A control: the store handling above leaves a normal run unchanged."""
    write_corpus(tmp_path / "corpus", 2)
    out = tmp_path / "a.json"
    run = _run("analyze", str(tmp_path / "corpus"), "--db", str(tmp_path / "s.db"), "--json", str(out), "-q",
               "--until", "sentences")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["articles"]) == 2
