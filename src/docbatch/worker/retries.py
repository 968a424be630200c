"""Sending parked retries once they are due (a rule of the reconciler).

The retry policy (:mod:`docbatch.engine.retry`) parks a step that should run again in more than
a couple of seconds as ``documents.retry_at`` instead of handing the broker a message
with a long countdown: the Redis transport keeps such a message in its unacked set and
would redeliver it after its visibility timeout, and a worker holding it cannot run
anything else. Each reconciler pass sends the documents whose time has come.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from celery import Celery

from docbatch.worker.dispatch import send_step

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = ["send_due_retries"]


def send_due_retries(app: Celery, repo: Repository, now: datetime, limit: int = 1000) -> int:
    """Send every parked retry due at ``now``; returns how many were sent."""
    refs = repo.retries.take_due(now, limit=limit)
    with app.producer_or_acquire() as producer:
        for ref in refs:
            send_step(app, ref.step, [ref.document_id], ref.priority, producer=producer)
    return len(refs)
