"""No starvation: a reserved share of the finished documents for normal and low batches.

Brokers serve priorities strictly (see :mod:`docbatch.priority`), so a steady stream of
high batches would starve a low batch forever. The policy, run by the reconciler pass
(one worker at a time, every ``reconcile_interval_seconds``):

1. Count the documents that finished in the last ``priority_share_window_seconds``, per
   priority of their batch (the database is the system of record).
2. For each of normal and low with unfinished work, the *quota* is
   ``floor(priority_min_share x finished) - finished at that level``.
3. The oldest ``quota`` unfinished documents of that level (oldest batch first) are
   *promoted*: their current step is sent again, at high priority, to the ``promoted``
   queue, which workers list first (on Redis it is served before every other queue, so
   a promoted step jumps even a deep high backlog; on RabbitMQ the queue gets its turn
   among the others). The message carries ``high``, so the document's remaining steps
   stay high until it is finished.

A promoted step is a duplicate of the one already queued at the batch's priority; the
store's claim refuses whichever copy comes second, so promotion never runs a step twice.
With Redis, each (document, step) is promoted at most once per window, so a deep high
backlog does not collect duplicates. ``priority_min_share = 0`` is strict priority.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from celery import Celery

from docbatch.priority import Priority
from docbatch.queues import PROMOTED_QUEUE
from docbatch.settings import Settings
from docbatch.store.records import DocumentRef
from docbatch.worker.dispatch import send_steps

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = [
    "MAX_PROMOTIONS_PER_PASS",
    "STARVABLE",
    "promote_starved",
    "promotion_quota",
]

log = logging.getLogger(__name__)

#: The levels that can starve behind a higher one, and so get a reserved share.
STARVABLE = (Priority.NORMAL, Priority.LOW)
#: An upper bound on documents promoted per level and pass.
MAX_PROMOTIONS_PER_PASS = 1000


def promotion_quota(finished: Mapping[Priority, int], level: Priority, share: float) -> int:
    """How many unfinished documents of ``level`` should be promoted right now.

    ``finished`` counts the documents finished in the window per priority. The level is
    owed ``floor(share x all finished)`` documents; the quota is what it is short of.
    """
    if share <= 0:
        return 0
    owed = math.floor(share * sum(finished.values()) + 1e-9)
    return max(0, min(MAX_PROMOTIONS_PER_PASS, owed - finished.get(level, 0)))


def promote_starved(
    app: Celery,
    repo: Repository,
    settings: Settings,
    now: datetime,
    *,
    first_time: Callable[[DocumentRef], bool] | None = None,
) -> int:
    """Promote the documents of starving levels (see the module docstring).

    ``first_time`` says whether a document's current step has not been promoted yet in
    this window (the reconciler's Redis marker); without it every pass re-sends. Promoted
    documents at the same stage go ``docs_per_task`` to a message, like any step, so a
    promoted message weighs as much as a high one where the broker takes turns between
    queues (RabbitMQ). Returns the number of documents promoted.
    """
    share = settings.priority_min_share
    if share <= 0:
        return 0
    since = now - timedelta(seconds=settings.priority_share_window_seconds)
    finished = repo.documents.finished_by_priority(since)
    by_stage: dict[str, list[str]] = defaultdict(list)
    for level in STARVABLE:
        quota = promotion_quota(finished, level, share)
        if quota <= 0:
            continue
        for ref in repo.documents.unfinished_by_priority(level, quota):
            if first_time is None or first_time(ref):
                by_stage[ref.step].append(ref.document_id)
    for stage, ids in by_stage.items():
        send_steps(
            app, stage, ids, Priority.HIGH, per_task=settings.docs_per_task, queue=PROMOTED_QUEUE
        )
    sent = sum(len(ids) for ids in by_stage.values())
    if sent:
        log.info("promoted %d starving documents to high (finished: %s)", sent, finished)
    return sent
