"""Versioned schema migrations of the SQLite store; `PRAGMA user_version` records the version reached.

Append new migrations at the end, never edit a released one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: articles, their paths, rejections, per-article annotation cache, analyses
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        language TEXT NOT NULL,
        language_how TEXT,
        title TEXT,
        outlet TEXT,
        authors TEXT NOT NULL,
        published_date TEXT,
        published_how TEXT,
        url TEXT,
        text TEXT NOT NULL,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE article_paths (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        PRIMARY KEY (article_id, path)
    );
    CREATE TABLE rejections (
        path TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (path, reason)
    );
    CREATE TABLE documents (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        signature TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (article_id, signature)
    );
    CREATE TABLE analyses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        data TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published_date);
    CREATE INDEX articles_language ON articles(language);
    """,
    # 2: incremental story clustering: members with their signals, LSH buckets, stories
    """
    CREATE TABLE story_members (
        article_id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        day INTEGER,
        language TEXT NOT NULL,
        title TEXT NOT NULL,
        keys TEXT NOT NULL,
        coarse BLOB NOT NULL,
        fine BLOB NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story_id, seq);
    CREATE TABLE story_buckets (
        tbl INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (tbl, bucket, seq)
    ) WITHOUT ROWID;
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        size INTEGER NOT NULL DEFAULT 0,
        first_day INTEGER,
        last_day INTEGER
    );
    """,
    # 3: persistent sentence vectors (float16) keyed by model and a hash of the text
    """
    CREATE TABLE vectors (
        model TEXT NOT NULL,
        key BLOB NOT NULL,
        vec BLOB NOT NULL,
        PRIMARY KEY (model, key)
    ) WITHOUT ROWID;
    """,
    # 4 (sources, issue 17): web provenance per article URL, the crawl queue and HTTP validators,
    # each source's state, and the fetched articles still waiting for an analysis run
    """
    CREATE TABLE article_provenance (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        canonical_url TEXT,
        feed TEXT,
        fetched_at TEXT,
        http_status INTEGER,
        published TEXT,
        published_from TEXT,
        outlet TEXT,
        outlet_from TEXT,
        PRIMARY KEY (article_id, url)
    );
    CREATE TABLE crawl_queue (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        feed_date TEXT,
        title TEXT,
        outlet TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        article_id TEXT,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        done_at TEXT
    );
    CREATE INDEX crawl_queue_state ON crawl_queue(state);
    CREATE TABLE http_validators (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        kind TEXT,
        checked_at TEXT NOT NULL
    );
    CREATE TABLE source_state (
        source TEXT PRIMARY KEY,
        kind TEXT,
        last_fetch TEXT,
        last_ok TEXT,
        http_status INTEGER,
        error TEXT,
        links INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        rounds INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE analysis_pending (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
    );
    CREATE INDEX articles_added ON articles(added_at);
    """,
    # 5: the story memory reads its newest members (term frequencies) and their last number at start-up
    """
    CREATE INDEX story_members_seq ON story_members(seq);
    """,
    # 6: which title + lead vectors each story member's `fine` is (E5's stored-vectors name and the lead's
    # characters), so that a run with another encoder refreshes them; rows before it had the int8 graph's.
    # Indexed, so that a run finds in no time that nothing is to be refreshed
    """
    ALTER TABLE story_members ADD COLUMN lead_vectors TEXT NOT NULL DEFAULT 'e5-onnx-int8:300';
    CREATE INDEX story_members_lead ON story_members(lead_vectors);
    """,
)
