"""The reconciler: nothing accepted is ever lost in flight.

Messages can vanish (a worker killed after it acknowledged, Redis restarted empty, a
submitter killed between committing a batch and enqueueing it). The database knows every
document that is not yet terminal, so a periodic pass re-sends:

- documents whose lease expired (their worker died or their next step was never sent),
  each once per :func:`expired_resend_window`, at the step they were in (a document
  handed to OCR goes back to the OCR queue, not through extract's hand-off again);
- pending documents of batches never marked enqueued (the submitter died), each at its
  own stage and priority (a recovery batch's documents resume where they failed);
- pending documents enqueued long ago when the broker queues are empty (lost messages).

The same pass keeps normal and low batches from starving behind higher priorities (see
:mod:`docbatch.worker.fairness`).

Re-sending is harmless by construction: a duplicate message finds its claim refused.
Attempts are bounded by the claim, which fails a document with ``worker_lost`` once they
run out. One worker at a time runs the pass (a Redis lock); the others skip it.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from celery import Celery

from docbatch.redis.keys import RedisKeys
from docbatch.settings import Settings
from docbatch.store.records import DocumentRef
from docbatch.worker.dispatch import broker_errors, send_documents, send_step
from docbatch.worker.retries import send_due_retries

if TYPE_CHECKING:
    from docbatch.worker.runtime import WorkerRuntime

__all__ = [
    "ReconcilerThread",
    "broker_queues_empty",
    "declare_queues",
    "expired_resend_window",
    "queue_depths",
    "reconcile_once",
]

log = logging.getLogger(__name__)

#: How long after a batch ended the reconciler still compares its progress hash with the
#: database.
PROGRESS_CHECK_AFTER_END_SECONDS = 3600.0


def broker_queues_empty(app: Celery) -> bool:
    """True when every docbatch queue on the broker holds no ready message."""
    try:
        return not any(queue_depths(app).values())
    except Exception as exc:  # the broker is down: assume work is queued, try later
        log.warning("cannot read queue depths: %s", exc)
        return False


def queue_depths(app: Celery, names: Iterable[str] | None = None) -> dict[str, int]:
    """Ready messages in each of ``names`` (every docbatch queue by default), read on a
    connection of its own; broker errors are raised."""
    names = [q.name for q in app.conf.task_queues] if names is None else list(names)
    depths: dict[str, int] = {}
    with app.connection_for_write() as conn, conn.channel() as channel:
        redis_transport = conn.transport.driver_type == "redis"
        for name in names:
            # On Redis a passive declare says NOT_FOUND for an empty queue (it has no
            # key) and, under a global key prefix, even for a full one: count the
            # priority lists directly instead.
            if redis_transport:
                depths[name] = int(channel._size(name))
            else:
                depths[name] = channel.queue_declare(queue=name, passive=True).message_count
    return depths


def declare_queues(app: Celery) -> None:
    """(Re)declare every docbatch queue and its binding on the broker.

    On Redis the bindings are ordinary keys: after the server restarted empty a message
    sent to a queue whose binding is gone is routed nowhere, so every pass declares them
    again before re-sending anything.
    """
    with broker_errors(), app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.conf.task_queues:
            queue.bind(channel).declare()


def reconcile_once(
    app: Celery, runtime: WorkerRuntime, *, now: datetime | None = None
) -> dict[str, int]:
    """One reconciliation pass; returns how many documents each rule re-sent."""
    settings: Settings = runtime.settings
    declare_queues(app)
    repo = runtime.repo
    now = now or datetime.now(UTC)
    counts = {"unenqueued": 0, "expired": 0, "lost": 0, "promoted": 0, "progress_rebuilt": 0}
    per_task = settings.docs_per_task

    grace = timedelta(seconds=max(5.0, settings.reconcile_interval_seconds))
    for batch in repo.batches.unenqueued(older_than=now - grace):
        # Each at its own stage: a recovery batch's documents resume where they failed.
        pending = repo.documents.pending(batch.id)
        counts["unenqueued"] += send_documents(app, pending, per_task=per_task)
        repo.batches.mark_enqueued(batch.id)

    # One document per message: an expired lease may mean the document killed its
    # worker, and it must not take neighbours down with it a second time. Each is
    # re-sent once per window, so documents that no worker takes (all busy, or hung)
    # are not re-sent on every pass while they wait.
    resent = _first_in_window(runtime, "resent", expired_resend_window(settings))
    for ref in repo.leases.expired(now, limit=1000):
        if resent(ref):
            send_step(app, ref.step, [ref.document_id], ref.priority)
            counts["expired"] += 1

    # Retries the retry policy parked in the database (docbatch.engine.retry) and now due.
    counts["retry_due"] = send_due_retries(app, repo, now)

    stale = repo.leases.stale_pending(now - timedelta(seconds=settings.lease_seconds), limit=5000)
    if stale and broker_queues_empty(app):
        for ref in stale:
            send_step(app, ref.step, [ref.document_id], ref.priority)
            counts["lost"] += 1

    counts["promoted"] = _promote(app, runtime, now)

    progress = runtime.progress
    if progress is not None:
        # Running batches, and those that ended in the last hour: their hashes may still
        # miss a report (see RedisProgressSink.ensure); later ones are left as they are.
        ended_since = now - timedelta(seconds=PROGRESS_CHECK_AFTER_END_SECONDS)
        recent = [
            batch
            for batch in repo.batches.newest(limit=50)
            if batch.state.terminal and batch.finished_at is not None
            and batch.finished_at >= ended_since
        ]  # fmt: skip
        for batch in [*repo.batches.newest(limit=200, active_only=True), *recent]:
            if progress.ensure(batch, repo):
                counts["progress_rebuilt"] += 1
    if any(counts.values()):
        log.info("reconciler: %s", counts)
    return counts


def expired_resend_window(settings: Settings) -> float:
    """Seconds between two re-sends of one document whose lease expired.

    Five reconciler passes (at least 10 s), and never more than a lease: a document
    claimed again and left to expire once more is re-sent at its next expiry.
    """
    return min(float(settings.lease_seconds), max(10.0, 5 * settings.reconcile_interval_seconds))


def _promote(app: Celery, runtime: WorkerRuntime, now: datetime) -> int:
    """Run the no-starvation policy; Redis, when there is one, de-duplicates promotions."""
    from docbatch.worker.fairness import promote_starved

    settings: Settings = runtime.settings
    first_time = _first_in_window(runtime, "promoted", settings.priority_share_window_seconds)
    return promote_starved(app, runtime.repo, settings, now, first_time=first_time)


def _first_in_window(
    runtime: WorkerRuntime, kind: str, seconds: float
) -> Callable[[DocumentRef], bool]:
    """Whether a (document, stage) is met for the first time in a window of ``seconds``.

    Backed by one Redis key per (kind, document, stage) living one window (SET NX EX).
    Without Redis, or when it fails, every call says yes: a duplicate message is
    harmless (the claim refuses it), a missing one is not.
    """
    client = runtime.redis
    if client is None:
        return lambda ref: True
    ttl = max(1, math.ceil(seconds))
    keys = RedisKeys(runtime.settings.key_prefix)

    def first_time(ref: DocumentRef) -> bool:
        try:
            key = keys.window_mark(kind, ref.document_id, ref.stage.value)
            return bool(client.set(key, "1", nx=True, ex=ttl))
        except Exception:  # Redis is down: send anyway, the claim drops duplicates
            return True

    return first_time


class ReconcilerThread(threading.Thread):
    """Runs :func:`reconcile_once` every interval inside a worker's main process.

    Several workers may run one each; a Redis lock (or, without Redis, nothing: the pass
    is idempotent) keeps them from running the same pass at the same moment.
    """

    def __init__(self, app: Celery, runtime: WorkerRuntime, interval: float) -> None:
        super().__init__(name="docbatch-reconciler", daemon=True)
        self.app = app
        self.runtime = runtime
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        """Loop until :meth:`stop`; errors are logged and the loop goes on."""
        while not self.stopped.wait(self.interval):
            try:
                if self._acquire():
                    reconcile_once(self.app, self.runtime)
            except Exception:
                log.exception("reconciler pass failed; will try again")

    def _acquire(self) -> bool:
        client = self.runtime.redis
        if client is None:
            return True
        key = RedisKeys(self.runtime.settings.key_prefix).reconcile_lock()
        ttl = max(1, int(self.interval * 0.9))
        try:
            return bool(client.set(key, "1", nx=True, ex=ttl))
        except Exception:
            return True  # Redis is down: the pass is idempotent, run it anyway

    def stop(self) -> None:
        """Ask the loop to end after the current pass."""
        self.stopped.set()
