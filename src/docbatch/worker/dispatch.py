"""Sending document steps to the broker.

All messages carry ids only (never document text), the batch's priority mapped for the
broker in use, and go to the queue of the step's kind of work. Sending is idempotent in
effect: a duplicate message finds its claim refused and does nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from celery import Celery

from docbatch.errors import ConfigError
from docbatch.priority import RABBITMQ_MAX_PRIORITY, Priority, broker_priority
from docbatch.queues import queue_for

if TYPE_CHECKING:
    from docbatch.store.records import DocumentRef

__all__ = [
    "FANOUT_TASK",
    "RANGE_TASK",
    "STEP_TASK",
    "broker_errors",
    "chunked",
    "queue_prefix",
    "send_documents",
    "send_fanout",
    "send_ranges",
    "send_step",
    "send_steps",
]

#: The one task that runs document steps (see :mod:`docbatch.worker.tasks`).
STEP_TASK = "docbatch.step"
#: The task that sends the steps of one slice of a large batch (see :func:`send_fanout`).
FANOUT_TASK = "docbatch.fanout"
#: The task that reads one page range of a big scan (see :mod:`docbatch.engine.ranged_ocr`).
RANGE_TASK = "docbatch.ocr_range"


def time_limits(app: Celery, step: str) -> dict[str, float]:
    """The time limits of a message running ``step``: OCR's own (a scan of hundreds of
    pages takes minutes), the app's defaults for the other stages."""
    settings = getattr(app.conf, "docbatch_settings", None)
    if step != "ocr" or settings is None:
        return {}
    return {
        "soft_time_limit": settings.ocr_soft_time_limit,
        "time_limit": settings.ocr_time_limit,
    }


def chunked(items: Sequence[str], size: int) -> Iterable[list[str]]:
    """Consecutive slices of ``items`` of at most ``size`` elements."""
    step = max(1, size)
    for start in range(0, len(items), step):
        yield list(items[start : start + step])


def queue_prefix(app: Celery) -> str:
    """The queue prefix of the settings ``app`` was built from ("" when none)."""
    settings = getattr(app.conf, "docbatch_settings", None)
    return str(getattr(settings, "queue_prefix", "") or "")


@contextmanager
def broker_errors() -> Iterator[None]:
    """Turn a RabbitMQ queue declared without ``x-max-priority`` into a clear ConfigError.

    RabbitMQ refuses (PRECONDITION_FAILED) to redeclare an existing queue with other
    arguments; such a queue was created by an older docbatch or another application and
    would silently ignore priorities.
    """
    from amqp.exceptions import PreconditionFailed

    try:
        yield
    except PreconditionFailed as exc:
        raise ConfigError(
            f"a RabbitMQ queue exists with other arguments than docbatch needs "
            f"(x-max-priority={RABBITMQ_MAX_PRIORITY}): {exc}. Delete the queue (for example "
            "`rabbitmqctl delete_queue NAME` once it is drained) or set DOCBATCH_QUEUE_PREFIX "
            "to use new queues"
        ) from exc


def send_step(
    app: Celery,
    step: str,
    document_ids: Sequence[str],
    priority: Priority | str,
    *,
    countdown: float | None = None,
    producer: Any = None,
    queue: str | None = None,
) -> None:
    """Send one message running ``step`` (a stage name or ``"ocr"``) for the documents.

    ``priority`` is the batch's; the message carries it so that every step that follows
    (next stages, OCR hand-offs, retries) is sent with the same priority. ``queue`` (a
    name of :data:`~docbatch.queues.QUEUES`) overrides the step's own queue.
    """
    prefix = queue_prefix(app)
    kwargs = {
        "stage": "extract" if step == "ocr" else step,
        "document_ids": list(document_ids),
        "priority": Priority(priority).value,
        "ocr": step == "ocr",
    }
    with broker_errors():
        app.send_task(
            STEP_TASK,
            kwargs=kwargs,
            # The summary Celery logs and shows for a task, given so it does not build a
            # safe repr of every id (a third of the cost of enqueueing a large batch).
            argsrepr="()",
            kwargsrepr=f"{{stage: {kwargs['stage']}, documents: {len(document_ids)}}}",
            queue=f"{prefix}{queue}" if queue else queue_for(step, prefix),
            priority=broker_priority(priority, app.conf.broker_url),
            countdown=countdown,
            producer=producer,
            **time_limits(app, step),
        )


def send_ranges(
    app: Celery, document_id: str, numbers: Sequence[int], priority: Priority | str
) -> None:
    """Send one message per page range of a big scan, to the OCR queue: any worker
    that takes one reads that range (see :mod:`docbatch.engine.ranged_ocr`)."""
    prefix = queue_prefix(app)
    with app.producer_or_acquire() as producer, broker_errors():
        for number in numbers:
            app.send_task(
                RANGE_TASK,
                kwargs={"document_id": document_id, "number": int(number)},
                argsrepr="()",
                kwargsrepr=f"{{document: {document_id}, range: {number}}}",
                queue=queue_for("ocr", prefix),
                priority=broker_priority(priority, app.conf.broker_url),
                producer=producer,
                **time_limits(app, "ocr"),
            )


def send_steps(
    app: Celery,
    step: str,
    document_ids: Sequence[str],
    priority: Priority | str,
    *,
    per_task: int,
    queue: str | None = None,
) -> int:
    """Send ``step`` for many documents, ``per_task`` documents per message (to
    ``queue`` instead of the step's own, as :func:`send_step` does).

    OCR steps always go one document per message: they are slow, and a document that
    kills its worker must not take innocent neighbours down with it. One producer (one
    connection) serves every message.
    """
    size = 1 if step == "ocr" else max(1, per_task)
    sent = 0
    with app.producer_or_acquire() as producer:
        for group in chunked(document_ids, size):
            send_step(app, step, group, priority, producer=producer, queue=queue)
            sent += 1
    return sent


def send_documents(app: Celery, refs: Iterable[DocumentRef], *, per_task: int) -> int:
    """Send each document's own step at its own priority; returns the documents sent.

    A document's step is its stage, or OCR for one the extract step handed to OCR
    (:attr:`~docbatch.store.records.DocumentRef.step`).

    The documents of one batch need not share a step: a recovery batch resumes each
    re-opened document at the stage it failed at, and a re-opened document runs with its
    recovery batch's priority, whichever batch it is listed under. Documents with the
    same stage and priority share messages (``per_task`` per message, see
    :func:`send_steps`).
    """
    groups: dict[tuple[str, Priority], list[str]] = defaultdict(list)
    for ref in refs:
        groups[(ref.step, Priority(ref.priority))].append(ref.document_id)
    for (step, priority), ids in groups.items():
        send_steps(app, step, ids, priority, per_task=per_task)
    return sum(len(ids) for ids in groups.values())


def send_fanout(
    app: Celery, batch_id: str, slices: Sequence[tuple[str | None, str]], priority: Priority | str
) -> int:
    """Send one fan-out message per slice of a batch; returns how many.

    Enqueueing 100,000 documents one message per few documents takes the submitter
    longer than committing them. Instead each fan-out message names a slice of the
    batch's documents, a range ``(after, upto]`` of their ids (from
    :meth:`~docbatch.store.documents.DocumentStore.id_slices`), and the worker that takes
    it sends that slice's pending steps (``docbatch.fanout``), reading it through the
    primary key. Fan-out messages travel on the batch queue, which workers serve before
    the stage queues of the same priority. Sending a slice twice is harmless: the claim
    refuses a duplicate step.
    """
    prefix = queue_prefix(app)
    with app.producer_or_acquire() as producer, broker_errors():
        for after, upto in slices:
            app.send_task(
                FANOUT_TASK,
                kwargs={"batch_id": batch_id, "after": after, "upto": upto},
                queue=f"{prefix}batch",
                priority=broker_priority(priority, app.conf.broker_url),
                producer=producer,
            )
    return len(slices)
