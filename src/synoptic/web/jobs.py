"""Uploads as jobs: read and analysed one at a time by a worker thread, never in a request handler.

A request only streams the body (capped) and queues it: it answers `202 Accepted` with the job's
URL at once, or `503` when `capacity` uploads already wait. The worker parses the upload (plain text,
HTML, JSON, JSON Lines or a multipart form of files) with the CLI's reader, re-runs the analysis
and records the outcome on the job, which `GET /api/v1/jobs/{id}` shows. So a large or slow upload
never holds the event loop or a request thread, and reads stay fast while analyses run.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import queue
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from ..errors import SynopticError
from ..ingest import IngestResult, display_path, read_input
from ..models import Article, Rejection

if TYPE_CHECKING:
    from .site import Site

#: Uploads that may wait for the worker; one more is refused with 503. Each holds its body in
#: memory (at most max_file_bytes), so 8 bound the memory of waiting uploads to 8 x 20 MB.
QUEUE_CAPACITY = 8
#: Finished jobs whose outcome stays visible at their URL (older ones are forgotten first).
KEPT_JOBS = 500

State = Literal["queued", "reading", "analysing", "done", "rejected", "failed"]
FINAL: frozenset[str] = frozenset({"done", "rejected", "failed"})


@dataclass(frozen=True)
class Upload:
    """What a request handed over: the body, its media type and the name the client chose."""

    data: bytes
    media: str
    content_type: str
    name: str


@dataclass
class Job:
    """One upload's progress; `status` and `result` are the HTTP answer once it is final."""

    id: str
    upload: Upload | None
    state: State = "queued"
    created: float = field(default_factory=time.time)
    finished: float | None = None
    status: int = 202
    result: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": f"/api/v1/jobs/{self.id}",
            "state": self.state,
            "created": round(self.created, 3),
            "finished": round(self.finished, 3) if self.finished else None,
            "status": self.status,
            "result": self.result or None,
        }


class JobQueue:
    """A bounded queue of uploads and the one worker thread that processes them in order."""

    def __init__(self, site: Site, capacity: int = QUEUE_CAPACITY) -> None:
        self._site = site
        self._queue: queue.Queue[Job | None] = queue.Queue(capacity)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, upload: Upload) -> Job | None:
        """Queue an upload; None when the queue is full."""
        job = Job(uuid.uuid4().hex[:16], upload)
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            return None
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                # A daemon: a stopping server does not wait for an analysis (the store's transactions keep it whole).
                self._worker = threading.Thread(target=self._work, name="synoptic-uploads", daemon=True)
                self._worker.start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def waiting(self) -> int:
        return self._queue.qsize()

    def close(self) -> None:
        """Ask the worker to stop after its current job."""
        with contextlib.suppress(queue.Full):  # a full queue: the worker is busy and a daemon
            self._queue.put_nowait(None)

    def _forget_old(self) -> None:
        while len(self._jobs) > KEPT_JOBS:
            oldest = next(iter(self._jobs.values()))
            if oldest.state not in FINAL:
                break
            self._jobs.popitem(last=False)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                run_job(self._site, job)
            except Exception as exc:  # a bug must not kill the worker: the job says what happened
                traceback.print_exc()
                _finish(job, "failed", 500, {"detail": f"the analysis failed ({type(exc).__name__}: {exc})"})


def _finish(job: Job, state: State, status: int, result: dict[str, Any]) -> None:
    job.result, job.status, job.finished, job.upload = result, status, time.time(), None
    job.state = state  # last: a reader that sees a final state sees its result


def run_job(site: Site, job: Job) -> None:
    """Read the upload, then analyse the store's articles with the new ones; record the outcome."""
    upload = job.upload
    assert upload is not None
    job.state = "reading"
    read = read_upload(upload, site)
    if not read.articles:
        status = 400 if not upload.data.strip() else 422
        _finish(job, "rejected", status, problem(*read.rejected))
        return
    job.state = "analysing"
    try:
        body = _analyse(site, list(read.articles), read)
    except SynopticError as exc:
        _finish(job, "failed", 500, {"detail": str(exc), "rejected": []})
        return
    if not body["articles"]:
        _finish(job, "rejected", 422, problem(*(Rejection(**r) for r in body["rejected"])))
        return
    _finish(job, "done", 201, body)


def problem(*rejected: Rejection) -> dict[str, Any]:
    """The body of a refused upload: every reason, and all of them in `detail`."""
    reasons = [r.to_dict() for r in rejected] or [{"path": "api/upload", "reason": "nothing to read"}]
    return {"detail": "; ".join(f"{r['path']}: {r['reason']}" for r in reasons), "rejected": reasons}


def _analyse(site: Site, articles: list[Article], read: IngestResult) -> dict[str, Any]:
    """Re-run the analysis over the store's articles plus the new ones; the upload's part of it."""
    from ..api import analyze_articles

    with site.analysis_lock:
        store = site.store()
        known = {a.id: a for a in store.articles()}
        everything = list(known.values()) + [a for a in articles if a.id not in known]
        analysis = analyze_articles(
            everything, rejected=read.rejected, settings=site.settings, db=store, pipeline=site.pipeline
        )
        run = site.run()
    new_ids = {a.id for a in articles}
    paths = {a.path for a in articles}
    document = analysis.to_dict()
    rejected = list(read.rejected) + [r for r in analysis.rejected if r.path in paths]
    return {
        "articles": [a for a in document["articles"] if a["id"] in new_ids],
        "rejected": [r.to_dict() for r in rejected],
        "warnings": [w.to_dict() for w in read.warnings],
        "stories": [s for s in document["stories"] if new_ids & set(s.get("articles", []))],
        "run": run,
    }


# ---------------------------------------------------------------------------------------------
# Reading an upload

SUFFIX = {
    "text/plain": ".txt",
    "text/markdown": ".txt",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
}


def upload_path(name: str, media: str) -> str:
    """The path an uploaded body is known by: `api/NAME.SUFFIX`."""
    return f"api/{name or 'upload'}{SUFFIX.get(media, '')}"


def read_upload(upload: Upload, site: Site) -> IngestResult:
    """The articles, rejections and warnings of an upload: one body, or each file of a multipart form."""
    if upload.media != "multipart/form-data":
        return read_input(upload_path(upload.name, upload.media), upload.data, site.settings)
    parts = form_files(upload.content_type, upload.data)
    if not parts:
        return IngestResult((), (Rejection(upload_path(upload.name, ""), "multipart form with no file in it"),))
    results = [read_input(path, data, site.settings) for path, data in parts]
    return IngestResult(
        tuple(a for r in results for a in r.articles),
        tuple(x for r in results for x in r.rejected),
        tuple(w for r in results for w in r.warnings),
    )


def form_files(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """(path, content) of each part of a `multipart/form-data` body, named by its file name."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return []
    out: list[tuple[str, bytes]] = []
    for n, part in enumerate(message.iter_parts()):
        raw_name = part.get_filename() or part.get_param("name", header="content-disposition") or f"part{n}"
        name = PurePosixPath(str(raw_name).replace("\\", "/")).name.lstrip(".") or f"part{n}"
        payload = part.get_payload(decode=True)
        out.append((f"api/{display_path(name)}", payload if isinstance(payload, bytes) else b""))
    return out
