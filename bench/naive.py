"""The specification sketch's naive design (plan 1.1), as its own small Celery app.

One Celery chain per document, extract → chunk → entities → resolve → relate, each link
a task that receives the previous link's whole output, document text included, as JSON
through the broker; a chord over the batch aggregates the chains' results. It calls the
same stage functions as docbatch (:mod:`docbatch.pipeline`) with the same options.

What we chose, to keep the comparison fair (the README and the results say so too):

- **Same work.** The sketch's chain stops at entities; here it also resolves and relates,
  so both designs produce the same kinds of output. Resolve sees no known entities (the
  naive design has no project-wide store to look them up in).
- **It stores its results.** The last link writes the document's full output (pages,
  chunks, mentions, entities, edges) to a SQLite file as one JSON row, in one
  transaction; docbatch writes normalised rows, once per stage.
- **Honest completion.** The sketch's chord counts a document done when the *first* task
  of its chain returns (DESIGN.md, defect 1). Here the chord's header is the chains
  themselves, so the callback runs after every document's last link: a fair end time.
- **Same delivery settings** as docbatch: JSON, late acks, prefetch 1. No stage cache, no
  state machine, no leases, no progress hash: those are the costs docbatch pays.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from celery import Celery, chain, chord

from docbatch.errors import DocbatchError
from docbatch.ingest import read_document
from docbatch.models import (
    Chunk,
    ExtractedDocument,
    Mention,
    Resolution,
    to_dict,
)
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.extract import extract
from docbatch.pipeline.options import PipelineOptions
from docbatch.pipeline.relate import relate
from docbatch.pipeline.resolve import resolve

__all__ = ["QUEUE", "create_naive_app", "create_results_table", "send_batch"]

#: The only queue of the naive app.
QUEUE = "naive"
_OPTIONS = PipelineOptions()
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS naive_results (path TEXT PRIMARY KEY, status TEXT, "
    "pages INTEGER, mentions INTEGER, relationships INTEGER, payload TEXT)"
)


def create_results_table(database: Path) -> None:
    """Create the SQLite table the naive design writes its results to."""
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)


def create_naive_app(broker_url: str, database: Path) -> Celery:
    """The naive Celery app on ``broker_url`` (also its result backend, as chords need)."""
    app = Celery("naive", broker=broker_url, backend=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        result_expires=3600,
        worker_hijack_root_logger=False,
    )
    _register(app, database)
    return app


def send_batch(app: Celery, paths: Sequence[str], batch_id: str) -> Any:
    """Send one chain per document under a chord; returns the callback's AsyncResult."""
    t = app.tasks
    header = [
        chain(
            t["naive.extract"].s(path),
            t["naive.chunk"].s(),
            t["naive.entities"].s(),
            t["naive.resolve"].s(),
            t["naive.relate_store"].s(),
        )
        for path in paths
    ]
    return chord(header)(t["naive.aggregate"].s(batch_id))


def _register(app: Celery, database: Path) -> None:
    """The chain's stage tasks; each takes the previous output and returns it grown."""

    def stage(name: str) -> Any:
        return app.task(name=f"naive.{name}", shared=False)

    @stage("extract")
    def extract_task(path: str) -> dict[str, Any]:
        try:
            data, _sha = read_document(path, _OPTIONS.extract.max_file_bytes)
            document = extract(data, _OPTIONS.extract)
        except DocbatchError as exc:  # the sketch returns failures as data, too
            return {"path": path, "status": "failed", "reason": str(exc)}
        return {"path": path, "status": "ok", "extracted": to_dict(document)}

    @stage("chunk")
    def chunk_task(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] == "ok":
            chunks = chunk_document(_extracted(doc), _OPTIONS.chunk)
            doc["chunks"] = to_dict(chunks)
        return doc

    @stage("entities")
    def entities_task(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] == "ok":
            extracted = _extracted(doc)
            mentions = extract_mentions(
                extracted.text, _chunks(doc), extracted.page_spans(), _OPTIONS.entities
            )
            doc["mentions"] = to_dict(mentions)
        return doc

    @stage("resolve")
    def resolve_task(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] == "ok":
            doc["resolution"] = to_dict(resolve(_mentions(doc)))
        return doc

    del extract_task, chunk_task, entities_task, resolve_task
    _register_tail(app, database)


def _register_tail(app: Celery, database: Path) -> None:
    """The chain's last link (relate and store) and the chord's callback."""

    @app.task(name="naive.relate_store", shared=False)
    def relate_store_task(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] == "ok":
            resolution = Resolution.from_dict(doc["resolution"])
            doc["relationships"] = to_dict(relate(_mentions(doc), resolution, _chunks(doc)))
        return _store(database, doc)

    @app.task(name="naive.aggregate", shared=False)
    def aggregate_task(results: list[dict[str, Any]], batch_id: str) -> dict[str, Any]:
        completed = sum(1 for r in results if r["status"] == "ok")
        return {
            "batch_id": batch_id,
            "total": len(results),
            "completed": completed,
            "failed": len(results) - completed,
            "pages": sum(r["pages"] for r in results),
        }

    del relate_store_task, aggregate_task


def _store(database: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """Write one document's output in one transaction; return its small summary."""
    pages = len(doc["extracted"]["pages"]) if doc["status"] == "ok" else 0
    summary = {
        "path": doc["path"],
        "status": doc["status"],
        "pages": pages,
        "mentions": len(doc.get("mentions", ())),
        "relationships": len(doc.get("relationships", ())),
    }
    payload = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    with sqlite3.connect(database, timeout=60) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO naive_results VALUES (?, ?, ?, ?, ?, ?)",
            (doc["path"], doc["status"], pages, summary["mentions"],
             summary["relationships"], payload),
        )  # fmt: skip
    conn.close()
    return summary


def _extracted(doc: dict[str, Any]) -> ExtractedDocument:
    return ExtractedDocument.from_dict(doc["extracted"])


def _chunks(doc: dict[str, Any]) -> tuple[Chunk, ...]:
    return tuple(Chunk.from_dict(c) for c in doc["chunks"])


def _mentions(doc: dict[str, Any]) -> tuple[Mention, ...]:
    return tuple(Mention.from_dict(m) for m in doc["mentions"])


def __getattr__(name: str) -> Any:
    # ``celery -A bench.naive:app worker`` reads this; the URLs come from the environment
    # the harness sets, so importing the module elsewhere never builds a stray app.
    if name == "app":
        return _worker_app()
    raise AttributeError(name)


@functools.cache
def _worker_app() -> Celery:
    broker = os.environ["BENCH_NAIVE_BROKER_URL"]
    return create_naive_app(broker, Path(os.environ["BENCH_NAIVE_DATABASE"]))
