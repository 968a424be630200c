"""The Celery tasks: thin wrappers that take ids, call the executor and send what follows.

``docbatch.step`` runs one stage for a group of documents and sends each document's next
stage; it never raises into a fan-in and never passes text through the broker. Batch
completion is counted by the database (see :mod:`docbatch.store.repository`), not by a
chord.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from celery import Celery

from docbatch.engine.outcomes import next_step
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.worker.dispatch import (
    FANOUT_TASK,
    RANGE_TASK,
    STEP_TASK,
    send_documents,
    send_ranges,
    send_step,
)
from docbatch.worker.runtime import WorkerRuntime
from docbatch.worker.warm import register_warm_task

if TYPE_CHECKING:
    from docbatch.store.records import DocumentRecord

__all__ = ["register_tasks", "run_step"]

log = logging.getLogger(__name__)


def register_tasks(app: Celery, settings: Settings) -> WorkerRuntime:
    """Register docbatch's tasks on ``app``; returns the runtime they share."""
    runtime = WorkerRuntime(settings)
    app.conf.docbatch_runtime = runtime

    def ask_for_help(document: DocumentRecord, numbers: Sequence[int]) -> None:
        """Send the page ranges of a big scan this worker is OCR'ing to every worker."""
        batch = runtime.repo.batches.get(document.recovery_batch_id or document.batch_id)
        send_ranges(app, document.id, numbers, batch.priority)

    runtime.range_sender = ask_for_help

    @app.task(name=STEP_TASK, bind=True, shared=False)
    def step(
        self: Any, stage: str, document_ids: list[str], priority: str, ocr: bool = False
    ) -> dict[str, int]:
        """Run ``stage`` for each document and send each one's next step."""
        if len(document_ids) > 1 and self.request.delivery_info.get("redelivered"):
            # A redelivered group may hold the document that killed its worker: split it
            # so each document's attempts count only its own crashes.
            for document_id in document_ids:
                send_step(app, "ocr" if ocr else stage, [document_id], priority)
            return {"split": len(document_ids)}
        return run_step(app, runtime, stage, document_ids, priority, ocr=ocr, owner=self.request.id)

    @app.task(name=RANGE_TASK, bind=True, shared=False)
    def ocr_range(self: Any, document_id: str, number: int) -> dict[str, int]:
        """Read one page range of a big scan another worker is OCR'ing."""
        status = runtime.executor.run_ocr_range(document_id, number, owner=self.request.id)
        return {status: 1}

    @app.task(name=FANOUT_TASK, bind=True, shared=False)
    def fanout(self: Any, batch_id: str, after: str | None, upto: str) -> dict[str, int]:
        """Send the steps of the pending documents in one slice of a batch."""
        refs = runtime.repo.documents.pending(batch_id, id_range=(after, upto))
        return {"sent": send_documents(app, refs, per_task=settings.docs_per_task)}

    @app.task(name="docbatch.reconcile", bind=True, shared=False)
    def reconcile(self: Any) -> dict[str, int]:
        """Re-enqueue documents whose lease expired or whose message was lost."""
        from docbatch.worker.reconciler import reconcile_once

        return reconcile_once(app, runtime)

    register_warm_task(app, runtime)
    _start_reconciler_with_worker(app, runtime)
    _settle_heap_in_pool_processes()
    return runtime


def run_step(
    app: Celery,
    runtime: WorkerRuntime,
    stage: str,
    document_ids: list[str],
    priority: str,
    *,
    ocr: bool,
    owner: str,
) -> dict[str, int]:
    """Run ``stage`` for each document under one claim ``owner`` and send each one's
    next step; the counts of the outcomes. The body of the ``docbatch.step`` task, also
    run by ``docbatch run`` itself for a batch's first documents (see
    :func:`docbatch.local.runner.run_embedded`)."""
    executor = runtime.executor
    follow: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    outcomes = executor.run_many(document_ids, Stage(stage), allow_ocr=ocr, owner=owner)
    for document_id, outcome in zip(document_ids, outcomes, strict=True):
        counts[outcome.status] += 1
        # A container's members, stored with its extract result: sent like the batch's
        # other documents (a lost message is re-sent by the reconciler).
        follow[Stage.EXTRACT.value].extend(outcome.children)
        then = next_step(outcome, ocr=ocr)
        if then.stage is None or then.parked:
            continue
        if then.delay is not None:  # a retry: alone, after its delay
            send_step(app, then.name, [document_id], priority, countdown=then.delay)
        else:
            follow[then.name].append(document_id)
    for name, ids in follow.items():
        per_task = 1 if name == "ocr" else min(len(ids), runtime.settings.docs_per_task) or 1
        for start in range(0, len(ids), per_task):
            send_step(app, name, ids[start : start + per_task], priority)
    return dict(counts)


def _settle_heap_in_pool_processes() -> None:
    """Tune the garbage collector of each pool process as it starts (see
    :mod:`docbatch.heap`)."""
    from celery.signals import worker_process_init

    from docbatch.heap import settle_heap

    worker_process_init.connect(
        lambda **_: settle_heap(), weak=False, dispatch_uid="docbatch-settle-heap"
    )


def _import_reconciler_modules() -> None:
    """Import what a reconciler pass imports lazily, here in the main process's main
    thread: a pool process forked while the reconciler thread held a module's import lock
    would inherit the lock held, and wait on it forever when it imports that module."""
    from docbatch.worker.preload import preload

    preload(run_stages=False)


def _start_reconciler_with_worker(app: Celery, runtime: WorkerRuntime) -> None:
    """Run the reconciler thread in the worker's main process while it is up."""
    from celery.signals import worker_ready, worker_shutdown

    from docbatch.worker.reconciler import ReconcilerThread

    threads: list[ReconcilerThread] = []

    def started(sender: Any = None, **_: Any) -> None:
        if (
            getattr(sender, "app", None) is not app
            or runtime.settings.reconcile_interval_seconds <= 0
        ):
            return
        _import_reconciler_modules()
        thread = ReconcilerThread(app, runtime, runtime.settings.reconcile_interval_seconds)
        threads.append(thread)
        thread.start()

    def stopping(**_: Any) -> None:
        for thread in threads:
            thread.stop()

    worker_ready.connect(started, weak=False)
    worker_shutdown.connect(stopping, weak=False)
