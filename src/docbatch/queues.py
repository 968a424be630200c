"""The broker queues: one per kind of work, their order, and which step goes where.

Kept apart from the Celery app (:mod:`docbatch.worker.app`) so that whatever names or
counts queues (dispatch, fairness, metrics, the CLI) does not import Celery's app and
its tasks.
"""

from __future__ import annotations

from docbatch.settings import Settings

__all__ = ["PROMOTED_QUEUE", "QUEUES", "STAGE_QUEUES", "queue_for", "queue_names"]

#: Where the no-starvation policy sends the steps of promoted documents (any stage).
PROMOTED_QUEUE = "promoted"

#: Every queue docbatch uses; workers may be started on a subset (``--queues``).
#: The order matters on Redis: within one priority the transport serves queues in the
#: order a worker lists them (``queue_order_strategy="priority"``). Promoted steps come
#: first (they jump a deep high backlog), then later stages before earlier ones, so
#: documents already started finish before new ones start.
QUEUES = (PROMOTED_QUEUE, "batch", "graph", "entities", "text", "ocr", "extract")

#: Which queue runs which stage of a document.
STAGE_QUEUES = {
    "extract": "extract",
    "ocr": "ocr",
    "chunk": "text",
    "entities": "entities",
    "resolve": "graph",
    "relate": "graph",
}


def queue_for(step: str, prefix: str = "") -> str:
    """The queue a document step (a stage name or ``"ocr"``) is sent to.

    ``prefix`` is :attr:`Settings.queue_prefix <docbatch.settings.Settings.queue_prefix>`.
    """
    return f"{prefix}{STAGE_QUEUES[step]}"


def queue_names(settings: Settings) -> list[str]:
    """Every queue of this deployment: :data:`QUEUES` under the settings' queue prefix."""
    return [f"{settings.queue_prefix}{name}" for name in QUEUES]
