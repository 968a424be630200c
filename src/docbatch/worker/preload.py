"""Warm a worker's main process before it forks its pool.

Celery's prefork pool forks its processes from the worker's main process. Whatever the
main process imported and built is then shared by every pool process (copy-on-write)
instead of being rebuilt by each one on its first task: the stage modules and their
libraries (eyecite, Hyperscan, rapidfuzz, lxml, pypdfium2: about a second per process on
a 2-core machine), and the caches the stages fill on first use. A document's first step
then starts at once, which is most of what an embedded ``docbatch run`` waits for.

Nothing here opens a connection, a file or a thread, so nothing unsafe crosses the fork.
"""

from __future__ import annotations

import importlib

from docbatch.pipeline.options import PipelineOptions

__all__ = ["PRELOAD_MODULES", "preload"]

#: The modules a task imports on its first run (the executor, the parser sandbox's
#: client, the cache and progress sides, and the stages), and those the reconciler
#: thread imports lazily: imported in the main thread before the pool forks, so no pool
#: process inherits an import lock that thread held.
PRELOAD_MODULES = (
    "docbatch.worker.fairness",
    "docbatch.worker.reconciler",
    "docbatch.worker.retries",
    "docbatch.engine.executor",
    "docbatch.engine.extractors",
    "docbatch.redis.cache",
    "docbatch.observe.status",
    "docbatch.store.repository",
    "docbatch.pipeline.extract",
    "docbatch.pipeline.chunk",
    "docbatch.pipeline.entities",
    "docbatch.pipeline.resolve",
    "docbatch.pipeline.relate",
)

#: A short text that takes every text stage through its lazy set-up: a case citation
#: and a short form (eyecite, the court index), a statute, a date, money and parties.
_WARM_TEXT = (
    b"Holloway v. Brightline Logistics, Inc., 550 U.S. 544, 556 (2007). Id. at 557. "
    b"See 28 U.S.C. \xc2\xa7 1332. On March 3, 2021 Margaret Holloway paid $1,200.00 "
    b"to Brightline Logistics, Inc.\n"
)


def preload(options: PipelineOptions | None = None, *, run_stages: bool = True) -> None:
    """Import :data:`PRELOAD_MODULES` and (``run_stages``) run the text stages once over
    a short text.

    ``options`` are the pipeline options the tasks will use (the defaults otherwise), so
    the same extractors are built. Any failure is left to the first task to report.
    """
    for name in PRELOAD_MODULES:
        importlib.import_module(name)
    if not run_stages:
        return
    from docbatch.pipeline.chunk import chunk_document
    from docbatch.pipeline.entities import extract_mentions
    from docbatch.pipeline.extract import extract
    from docbatch.pipeline.relate import relate
    from docbatch.pipeline.resolve import resolve

    options = options or PipelineOptions()
    try:
        document = extract(_WARM_TEXT, options.extract)
        chunks = chunk_document(document, options.chunk)
        mentions = extract_mentions(document.text, chunks, document.page_spans(), options.entities)
        relate(mentions, resolve(mentions, ()), chunks)
    except Exception:
        return  # a warm-up only: the first real task meets the same error and reports it
