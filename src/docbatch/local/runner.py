"""Running a batch to its end: in this process (``--inline``) or on embedded workers.

Both paths store everything through the same repository and the same
:class:`~docbatch.engine.executor.StageExecutor` the Celery tasks use; they differ only in who
runs the steps. The result is a :class:`RunSummary`, printed as a table or as JSON.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from docbatch.client import Docbatch, Sources
from docbatch.engine.outcomes import next_step
from docbatch.errors import TransientError
from docbatch.local.embedded import (
    LocalWorkers,
    PrivateRedis,
    announce_embedded,
    withdraw_embedded,
)
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.store.records import BatchRecord, DocumentRef

if TYPE_CHECKING:  # the stages load only where they run: --inline, not embedded
    from docbatch.engine.executor import StageExecutor
    from docbatch.engine.outcomes import StepOutcome

__all__ = [
    "EXIT_FAILED_DOCUMENTS",
    "FirstGroup",
    "RunSummary",
    "recover_embedded",
    "run_embedded",
    "run_inline",
    "summarize",
]

#: Exit code of ``docbatch run`` when the batch finished with failed documents.
EXIT_FAILED_DOCUMENTS = 3
#: Children of containers are run this many at a time (one claim and commit each).
_CHILD_GROUP = 16


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The figures ``docbatch run --json`` prints."""

    batch_id: str
    status: str
    total: int
    completed: int
    failed: int
    pages: int
    chunks: int
    mentions: int
    entities: int
    relationships: int
    elapsed_s: float

    def as_dict(self) -> dict[str, Any]:
        """The summary as a JSON-ready dict."""
        return asdict(self)

    @property
    def exit_code(self) -> int:
        """0 when every document completed, 3 when some failed."""
        return 0 if self.failed == 0 and self.status == "completed" else EXIT_FAILED_DOCUMENTS


def summarize(client: Docbatch, batch_id: str, elapsed: float) -> RunSummary:
    """Read the summary of a batch from the database."""
    batch: BatchRecord = client.get_batch(batch_id)
    totals = client.repo.batches.totals(batch_id)
    return RunSummary(
        batch_id=batch.id,
        status=batch.state.value,
        total=batch.total,
        completed=batch.completed,
        failed=batch.failed,
        pages=totals["pages"],
        chunks=totals["chunks"],
        mentions=totals["mentions"],
        entities=totals["entities"],
        relationships=totals["relationships"],
        elapsed_s=round(elapsed, 3),
    )


def run_inline(
    client: Docbatch,
    sources: Sources | None,
    *,
    resume: str | None = None,
    on_step: Callable[[str, str], None] | None = None,
    **submit_options: Any,
) -> RunSummary:
    """Process a batch entirely in this process; returns its summary.

    ``on_step(document_id, status)`` is called after each document step (for progress).
    """
    from docbatch.engine.executor import StageExecutor
    from docbatch.engine.extractors import build_extractor

    started = time.monotonic()
    if resume is not None:
        batch = client.get_batch(resume)
    else:
        assert sources is not None
        batch = client.create(sources, **submit_options)
    # No cache, no progress hash and nobody to share a big scan's page ranges with (the
    # ranges read are kept, though: a scan interrupted by Ctrl-C resumes where it stopped).
    executor = StageExecutor.from_settings(
        client.settings,
        client.repo,
        owner="inline",
        extractor=build_extractor(client.settings),
        fuse_stages=True,
    )
    try:
        refs = client.repo.documents.unfinished(batch.id)
        for start in range(0, len(refs), client.settings.docs_per_task):
            for document_id, status in _run_group(
                executor, refs[start : start + client.settings.docs_per_task]
            ):
                if on_step is not None:
                    on_step(document_id, status)
    finally:
        close = getattr(executor.extractor, "close", None)
        if close is not None:
            close()  # stop the parser sandboxes' children
    client.repo.batches.mark_enqueued(batch.id)
    return summarize(client, batch.id, time.monotonic() - started)


def _run_group(executor: StageExecutor, refs: Sequence[DocumentRef]) -> list[tuple[str, str]]:
    """Run a group of documents through every stage left, as a worker runs one task's
    documents (claimed together, committed together); ``(document id, final status)``.

    A container's members, found on the way, run after them like the batch's other
    documents, :data:`_CHILD_GROUP` at a time.
    """
    by_stage: dict[Stage, list[str]] = defaultdict(list)
    for ref in refs:
        by_stage[ref.stage].append(ref.document_id)
    groups = list(by_stage.items())
    finished = []
    children: list[str] = []
    while groups or children:
        if not groups:
            groups.append((Stage.EXTRACT, children[:_CHILD_GROUP]))
            children = children[_CHILD_GROUP:]
        stage, ids = groups.pop(0)
        for outcome in executor.run_many(ids, stage, allow_ocr=True):
            children.extend(outcome.children)
            finished.append((outcome.document_id, _run_document(executor, outcome, children)))
    return finished


def _run_document(executor: StageExecutor, outcome: StepOutcome, children: list[str]) -> str:
    """Run one document on from ``outcome`` through every stage left; its final status.
    The children a container's steps find are added to ``children``."""
    while True:
        then = next_step(outcome, ocr=True)
        if then.stage is None:
            return outcome.status.value
        time.sleep(then.delay or 0.0)  # a retry waits here, parked or not: nobody else runs it
        outcome = executor.run(outcome.document_id, then.stage, allow_ocr=True)
        children.extend(outcome.children)


def run_embedded(
    settings: Settings,
    sources: Sources | None,
    *,
    workers: int,
    resume: str | None = None,
    on_progress: Callable[[Docbatch, BatchRecord], None] | None = None,
    poll_seconds: float = 0.25,
    **submit_options: Any,
) -> RunSummary:
    """Start a private Redis and local workers, run one batch to its end, stop both.

    The workers start first and boot while the batch is committed here (their start is
    most of an embedded run's wait for its first document).
    ``on_progress(client, batch)`` is called on every poll with the fresh batch record.
    On KeyboardInterrupt the workers get a warm shutdown, the Redis is stopped and the
    exception propagates: the batch stays in the database, resumable.
    """
    started = time.monotonic()
    with _embedded(settings, workers) as (client, pool):
        if resume is not None:
            batch = client.get_batch(resume)
        else:
            assert sources is not None
            batch = client.create(sources, **submit_options)
        first: FirstGroup | None = None
        if resume is not None:
            client.resume(batch.id)
        else:
            first = FirstGroup(client, batch)
            client.enqueue(batch.id)
            first.start()
        try:
            batch = _wait(client, pool, batch.id, on_progress, poll_seconds, first)
        finally:
            if first is not None:
                first.finish()  # its commits and hand-offs land before the workers stop
        return summarize(client, batch.id, time.monotonic() - started)


class FirstGroup(threading.Thread):
    """A new batch's first documents (one task's worth), run by ``docbatch run`` itself
    while its local workers boot (about two seconds at least, most of an embedded run's
    wait for its first document).

    The group runs the workers' own step (:func:`docbatch.worker.tasks.run_step`): it
    claims the documents, commits their stages, and sends what follows (an OCR hand-off,
    a retry) to the workers. The message that also carries these documents finds them
    claimed or done when a worker takes it, and is skipped as a duplicate delivery.
    """

    def __init__(self, client: Docbatch, batch: BatchRecord) -> None:
        super().__init__(name="docbatch-first-group", daemon=True)
        self.client = client
        self.batch = batch
        self.document_ids = [
            ref.document_id
            for ref in client.repo.documents.pending(batch.id, limit=client.settings.docs_per_task)
            if ref.step == Stage.EXTRACT.value
        ]
        self.error: BaseException | None = None

    def run(self) -> None:
        """Run the group's step; an error is kept for :meth:`finish` to raise."""
        if not self.document_ids:
            return
        from docbatch.worker.runtime import WorkerRuntime
        from docbatch.worker.tasks import run_step

        runtime = WorkerRuntime(self.client.settings)
        try:
            run_step(
                self.client.app,
                runtime,
                Stage.EXTRACT.value,
                self.document_ids,
                self.batch.priority,
                ocr=False,
                owner=f"run:{os.getpid()}",
            )
        except BaseException as exc:  # raised again by finish(), in the main thread
            self.error = exc
        finally:
            runtime.close()

    def finish(self) -> None:
        """Wait for the group to end; raise what it raised."""
        if self.ident is not None:
            self.join()
        if self.error is not None:
            raise self.error


def recover_embedded(
    settings: Settings,
    batch_id: str,
    *,
    workers: int,
    on_progress: Callable[[Docbatch, BatchRecord], None] | None = None,
    poll_seconds: float = 0.25,
    **recover_options: Any,
) -> RunSummary:
    """Recover ``batch_id``'s failures on a private Redis and local workers, to the end.

    The embedded counterpart of ``docbatch recover`` (as :func:`run_embedded` is of
    ``submit``). The recovery is checked before the Redis starts (an unknown batch or
    category, or no matching document, raises and changes nothing); the summary is
    the recovery batch's.
    """
    from docbatch.recovery import plan_recovery, recover

    started = time.monotonic()
    reader = Docbatch(settings)
    try:
        plan_recovery(reader, batch_id, **recover_options)
    finally:
        reader.close()
    with _embedded(settings, workers) as (client, pool):
        recovery = recover(client, batch_id, **recover_options)
        batch = _wait(client, pool, recovery.id, on_progress, poll_seconds)
        return summarize(client, batch.id, time.monotonic() - started)


@contextmanager
def _embedded(settings: Settings, workers: int) -> Iterator[tuple[Docbatch, LocalWorkers]]:
    """A client on a private Redis for ``settings``' state folder, and a started pool of
    local workers; both stopped on exit, the Redis last. The Redis is announced in the
    state folder while it runs (see :func:`docbatch.local.embedded.discover_embedded`), for
    ``docbatch monitor``."""
    with PrivateRedis() as redis_server:
        local = settings.model_copy(
            update={"broker_url": redis_server.broker_url, "redis_url": redis_server.url}
        )
        pool = LocalWorkers(local, workers)
        client = Docbatch(local)
        announced = announce_embedded(settings, redis_server)
        try:
            pool.start()
            yield client, pool
        finally:
            withdraw_embedded(announced, redis_server)
            pool.stop()
            client.close()


def _wait(
    client: Docbatch,
    pool: LocalWorkers,
    batch_id: str,
    on_progress: Callable[[Docbatch, BatchRecord], None] | None,
    poll_seconds: float,
    first: FirstGroup | None = None,
) -> BatchRecord:
    while True:
        batch = client.get_batch(batch_id)
        if on_progress is not None:
            on_progress(client, batch)
        if batch.state.terminal:
            return batch
        if first is not None and first.error is not None:
            first.finish()
        if not pool.alive():
            raise TransientError(
                f"the local worker stopped unexpectedly; see {pool.log_path}. "
                f"Resume with: docbatch run --resume {batch_id}"
            )
        time.sleep(poll_seconds)
