"""The ``docbatch.warm`` task: cache warming on a worker, on the batch queue.

The task does the whole job itself (hash the files, read the database, write the cache
in pipelines) and returns its report; it never waits on another task's result.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from celery import Celery

from docbatch.worker.dispatch import queue_prefix

if TYPE_CHECKING:
    from docbatch.worker.runtime import WorkerRuntime

__all__ = ["WARM_TASK", "register_warm_task", "send_warm"]

log = logging.getLogger(__name__)

#: The task name of cache warming.
WARM_TASK = "docbatch.warm"


def register_warm_task(app: Celery, runtime: WorkerRuntime) -> None:
    """Register ``docbatch.warm`` on ``app``; it uses the worker's ``runtime`` resources."""

    @app.task(name=WARM_TASK, shared=False)
    def warm_task(batch_id: str | None = None, manifest: str | None = None) -> dict[str, int]:
        """Warm the stage cache for a batch or a manifest; returns the report."""
        from docbatch.redis.warming import batch_sha256s, manifest_sha256s, warm

        repo, cache = runtime.repo, runtime.cache
        if cache is None:
            log.warning("cache warming skipped: this worker has no Redis cache")
            return {"documents": 0, "matched": 0, "entries": 0, "missing": 0}
        versions = runtime.settings.pipeline_options().versions()
        roots = runtime.settings.allowed_roots
        if batch_id:
            digests = batch_sha256s(repo, batch_id)
        else:
            digests = manifest_sha256s(manifest or "", roots)
        report = warm(repo, cache, versions, digests).as_dict()
        log.info("cache warming of %s: %s", batch_id or manifest, report)
        return report


def send_warm(app: Celery, *, batch_id: str | None = None, manifest: str | None = None) -> str:
    """Send a warming task for a batch or a manifest path; returns the task id."""
    result = app.send_task(
        WARM_TASK,
        kwargs={"batch_id": batch_id, "manifest": manifest},
        queue=f"{queue_prefix(app)}batch",
    )
    return str(result.id)
