"""Helpers for the batch-engine tests: corpora, settings, local workers, waiting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from bench.synth.corpus import generate_corpus
from docbatch.client import Docbatch
from docbatch.local.embedded import LocalWorkers
from docbatch.settings import Settings
from docbatch.store.records import BatchRecord

TEXT_MIX = {"pdf": 0.8, "docx": 0.07, "html": 0.07, "txt": 0.06}


def make_corpus(
    folder: Path, count: int, seed: int = 7, mix: dict[str, float] | None = None
) -> Path:
    """A deterministic corpus of small documents (no scans unless ``mix`` asks)."""
    generate_corpus(folder, count, seed=seed, mix=mix or TEXT_MIX, pages=(1, 3))
    for extra in ("truth.jsonl", "manifest.json"):
        (folder / extra).unlink(missing_ok=True)
    return folder


def engine_settings(base: Settings, **changes: object) -> Settings:
    """Settings for a test cluster: short leases and a fast reconciler."""
    defaults: dict[str, object] = {
        "lease_seconds": 20,
        "reconcile_interval_seconds": 1.0,
        "docs_per_task": 4,
    }
    defaults.update(changes)
    return base.model_copy(update=defaults)


@contextmanager
def running_workers(settings: Settings, concurrency: int = 2) -> Iterator[LocalWorkers]:
    """Real Celery worker processes for ``settings``, stopped afterwards."""
    workers = LocalWorkers(settings, concurrency).start()
    try:
        yield workers
    finally:
        workers.stop(timeout=20)


def wait_finished(client: Docbatch, batch_id: str, timeout: float = 240.0) -> BatchRecord:
    """Poll until the batch is terminal; fail with its counters on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.get_batch(batch_id)
        if batch.state.terminal:
            return batch
        time.sleep(0.3)
    batch = client.get_batch(batch_id)
    raise AssertionError(f"batch not finished after {timeout}s: {batch}")


def wait_done_at_least(client: Docbatch, batch_id: str, done: int, timeout: float = 120.0) -> None:
    """Poll until at least ``done`` documents of the batch are terminal."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get_batch(batch_id).done >= done:
            return
        time.sleep(0.1)
    raise AssertionError(f"fewer than {done} documents done after {timeout}s")


def worker_children(workers: LocalWorkers) -> list[psutil.Process]:
    """The pool processes of a running worker."""
    assert workers.process is not None
    return psutil.Process(workers.process.pid).children()


def row_counts(client: Docbatch, batch_id: str) -> dict[str, int]:
    """Rows per result table for the batch, straight from SQL."""
    import sqlalchemy as sa

    tables = {"pages": "pages", "chunks": "chunks", "mentions": "mentions", "rels": "relationships"}
    counts = {}
    with client.database.engine.connect() as conn:
        for name, table in tables.items():
            counts[name] = conn.execute(
                sa.text(
                    f"SELECT count(*) FROM {table} t JOIN documents d ON d.id = t.document_id "
                    "WHERE d.batch_id = :b"
                ),
                {"b": batch_id},
            ).scalar_one()
    return counts


def recorded_lookups(client: Docbatch, batch_id: str, expected: int) -> dict[str, int]:
    """The batch's stage cache hits and misses (``{stage}:hit|miss``), once ``expected``
    lookups are counted (workers record them just after the step's commit) or after 30 s."""
    from docbatch.redis.metrics import MetricsReader

    assert client.redis is not None
    reader = MetricsReader(client.redis, client.settings.key_prefix)
    deadline = time.monotonic() + 30
    lookups = reader.batch_cache(batch_id)
    while sum(lookups.values()) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        lookups = reader.batch_cache(batch_id)
    return lookups
