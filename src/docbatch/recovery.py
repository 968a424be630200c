"""Recovering failed documents: analyse a batch's failures, re-run the ones worth it.

Failures are read from the database (never from Redis). :func:`recover` selects a
batch's failed documents (by default only the categories a retry can fix, see
:data:`RETRYABLE_CATEGORIES`; ``all_`` adds data and permanent failures), creates a
high-priority **recovery batch** linked to the original (``parent_batch_id``) and sends
each document from the stage it failed at, so stages it had finished are not computed
again: their rows stay in the database and the next stage reads them from there (or from
the stage cache).

Counting (see :mod:`docbatch.store.recovery`): documents are re-opened in place and count
toward the recovery batch, which finalises once; the original batch, finalised once
already, is corrected as its documents complete (failed - 1, completed + 1) and reads
``completed`` once every failure is recovered, without being finalised again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docbatch.errors import ConfigError, ErrorCategory, NothingToRecoverError
from docbatch.models import Stage
from docbatch.priority import Priority
from docbatch.store.records import BatchRecord

if TYPE_CHECKING:
    from docbatch.client import Docbatch
    from docbatch.settings import Settings

__all__ = [
    "RETRYABLE_CATEGORIES",
    "RecoveryPlan",
    "analyze",
    "plan_recovery",
    "recover",
    "selected_categories",
]

#: Failures a retry can fix: recovered by default.
RETRYABLE_CATEGORIES = (
    ErrorCategory.TRANSIENT,
    ErrorCategory.RESOURCE,
    ErrorCategory.RATE_LIMIT,
    ErrorCategory.TIMEOUT,
    ErrorCategory.WORKER_LOST,
)


def selected_categories(
    categories: Iterable[str] | None, all_: bool
) -> tuple[ErrorCategory, ...] | None:
    """The categories to recover: those named, else every one with ``all_``, else the
    retryable ones. None means every category."""
    if categories:
        try:
            return tuple(ErrorCategory(c) for c in categories)
        except ValueError as exc:
            known = ", ".join(c.value for c in ErrorCategory)
            raise ConfigError(f"unknown failure category: {exc} (one of {known})") from None
    return None if all_ else RETRYABLE_CATEGORIES


@dataclass(frozen=True, slots=True)
class RecoveryPlan:
    """What a recovery would do, checked before anything is written."""

    batch_id: str
    documents: list[tuple[str, str | None]]
    categories: tuple[ErrorCategory, ...] | None
    from_stage: Stage | None
    priority: Priority


def plan_recovery(
    client: Docbatch,
    batch_id: str,
    *,
    categories: Iterable[str] | None = None,
    all_: bool = False,
    from_stage: Stage | str | None = None,
    priority: Priority | str = Priority.HIGH,
) -> RecoveryPlan:
    """Check a recovery and select its documents; reads only, changes nothing.

    Raises :class:`~docbatch.errors.NotFoundError` for an unknown batch,
    :class:`~docbatch.errors.ConfigError` for an unknown category, stage or priority and
    :class:`~docbatch.errors.NothingToRecoverError` when no document matches.
    """
    client.get_batch(batch_id)
    chosen = selected_categories(categories, all_)
    try:
        start = None if from_stage is None else Stage(from_stage)
        level = Priority(priority)
    except ValueError as exc:
        raise ConfigError(f"recover: {exc}") from None
    documents = client.repo.recovery.failed_documents(
        batch_id, None if chosen is None else [c.value for c in chosen]
    )
    if not documents:
        raise NothingToRecoverError(
            f"nothing to recover in batch {batch_id} (see: docbatch analyze {batch_id})"
        )
    return RecoveryPlan(batch_id, documents, chosen, start, level)


def recover(
    client: Docbatch,
    batch_id: str,
    *,
    categories: Iterable[str] | None = None,
    all_: bool = False,
    from_stage: Stage | str | None = None,
    priority: Priority | str = Priority.HIGH,
    enqueue: bool = True,
) -> BatchRecord:
    """Create (and, with ``enqueue``, send) a recovery batch for ``batch_id``'s failures.

    ``client`` is a :class:`docbatch.client.Docbatch`. ``from_stage`` restarts every
    document at that stage instead of where it failed (never later than where it
    failed). Everything is checked first (:func:`plan_recovery`, and with ``enqueue`` that
    a broker is configured): a refused recovery changes nothing, and one that matches no
    document raises :class:`~docbatch.errors.NothingToRecoverError` instead of creating
    an empty batch.
    """
    plan = plan_recovery(
        client, batch_id, categories=categories, all_=all_, from_stage=from_stage,
        priority=priority,
    )  # fmt: skip
    if enqueue:
        _require_broker(client.settings, batch_id)
        client.app  # noqa: B018 - a broken broker setting is reported before any write
    original = client.get_batch(batch_id)
    recovery_id = str(uuid.uuid4())
    options = {
        **dict(original.options),
        "recovery": {
            "of": batch_id,
            "categories": "all" if plan.categories is None else [c.value for c in plan.categories],
            "from_stage": None if plan.from_stage is None else plan.from_stage.value,
        },
    }
    client.repo.recovery.create_batch(
        recovery_id, batch_id, plan.documents, from_stage=plan.from_stage,
        priority=plan.priority, options=options,
    )  # fmt: skip
    if enqueue:
        send_recovery(client, recovery_id)
    return client.repo.batches.get(recovery_id)


def _require_broker(settings: Settings, batch_id: str) -> None:
    """Refuse, before any write, a recovery that no worker could run."""
    if settings.broker_url or settings.redis_url:
        return
    raise ConfigError(
        "no broker configured to send the recovery to: set DOCBATCH_BROKER_URL, or run "
        f"`docbatch recover {batch_id}` (with the same options) on this machine, which "
        "runs it on a private Redis and local workers as `docbatch run` does"
    )


def send_recovery(client: Docbatch, recovery_id: str) -> int:
    """Send each unfinished document of a recovery batch at its own stage; idempotent."""
    from docbatch.worker.dispatch import send_documents

    batch = client.repo.batches.get(recovery_id)
    if client.progress is not None:
        client.progress.init(batch)
    refs = client.repo.documents.unfinished(recovery_id)
    sent = send_documents(client.app, refs, per_task=client.settings.docs_per_task)
    client.repo.batches.mark_enqueued(recovery_id)
    return sent


def analyze(client: Docbatch, batch_id: str, examples: int = 3) -> dict[str, Any]:
    """A batch's failures by category, code and stage, with counts and examples.

    Each group says whether :func:`recover` retries it by default (``retryable``).
    """
    batch = client.get_batch(batch_id)
    groups = client.repo.recovery.failure_examples(batch_id, examples)
    retryable = {c.value for c in RETRYABLE_CATEGORIES}
    for group in groups:
        group["retryable"] = group["category"] in retryable
    by_category: dict[str, int] = defaultdict(int)
    for group in groups:
        by_category[group["category"]] += group["count"]
    return {
        "batch_id": batch.id,
        "state": batch.state.value,
        "total": batch.total,
        "failed": sum(by_category.values()),
        "by_category": dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        "recoverable": sum(g["count"] for g in groups if g["retryable"]),
        "groups": groups,
    }
