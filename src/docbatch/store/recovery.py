"""Recovery batches: failed documents re-opened in place, counted exactly once.

:class:`RecoveryStore` finds a batch's failed documents and creates the recovery batch
re-opening them; the functions below are the SQL, also run by the state machine and by
batch cancellation inside their own transactions.

How a recovery is counted (the design :mod:`docbatch.recovery` relies on):

- A recovery batch is a batch row like any other (``parent_batch_id`` = the original),
  but it owns no document rows. It **re-opens** the original's failed documents in place:
  each goes back to ``pending`` at the stage it failed at, its error cleared, attempts and
  retries reset, and ``recovery_batch_id`` set. Rows of the stages it had finished stay
  untouched, so nothing earlier is recomputed.
- The recovery batch's ``total`` is the number of documents re-opened; each one's next
  terminal transition counts toward the recovery batch, which finalises exactly once by
  the usual compare-and-set on its state (:func:`docbatch.store.counters.count_terminal`).
- The original batch was finalised once, when its documents first became terminal, and
  is never finalised again. Its counters stay a true account of its documents: a
  re-opened document still counts as failed there until it **completes** (or is
  **cancelled**), when one document moves from ``failed`` to ``completed`` (or
  ``cancelled``) in the same transaction. When its last failure is recovered, its state
  moves from ``completed_with_failures`` to ``completed`` (``finalized_count``
  unchanged; a ``batch_recovered`` event says so).
- Cancelling a recovery batch cancels the documents it re-opened that are not yet
  terminal; cancelling the original also cancels those its recovery batches re-opened,
  and those recovery batches with them (:func:`docbatch.store.batches.cancel_batch`).
- Pages: the original's page counter drops a document's pages while it is re-opened and
  gains them back (as re-counted) at its terminal transition.
- A recovery of a recovery batch re-opens the documents that failed again under it. The
  recovery batch in between is then corrected exactly as the original is (pages
  dropped at re-opening, a failure moved to completed or cancelled at the end), so every
  batch of the chain keeps a true account (:func:`recovered_batches`).
- Cancelled documents are re-opened the same way when a recovery asks for the
  ``cancelled`` category. ``reopened_from`` remembers what the batches it recovers count
  it as (``failed`` or ``cancelled``), and its end moves it from that counter. A cancelled
  batch with no cancelled document left reads ``completed`` (or
  ``completed_with_failures``), again without being finalised twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import ErrorCategory, NothingToRecoverError
from docbatch.models import Stage
from docbatch.store import counters
from docbatch.store.records import (
    BatchState,
    DocumentRecord,
    DocumentState,
    EventKind,
    Priority,
    Transition,
)
from docbatch.store.rows import BATCHES, DOCUMENTS, EVENTS, chunked, in_batch, record_event
from docbatch.store.transactions import Transactor

__all__ = [
    "RecoveryStore",
    "ancestors",
    "count_reopened",
    "create_recovery_batch",
    "failed_documents",
    "failure_examples",
    "original_correction",
    "recovered_batches",
]

_FAILED = DocumentState.FAILED.value
_CANCELLED = DocumentState.CANCELLED.value
#: Finalised states a recovered batch can move on from (see :func:`_settle`).
_SETTLED_FROM = (BatchState.COMPLETED_WITH_FAILURES.value, BatchState.CANCELLED.value)


def failed_documents(
    connection: Connection, batch_id: str, categories: Iterable[str] | None
) -> list[tuple[str, str | None]]:
    """``(document id, failed stage)`` of the batch's failed documents in ``categories``.

    A recovery batch's failed documents are those it re-opened that failed again.
    ``categories`` None means every category of failure. Cancelled documents (category
    ``cancelled``) are included only when ``categories`` names that category: a user
    re-runs what they cancelled on purpose, not as a side effect of ``--all``.
    """
    states = [_FAILED]
    if categories is not None and ErrorCategory.CANCELLED.value in set(categories):
        states.append(_CANCELLED)
    statement = sa.select(DOCUMENTS.c.id, DOCUMENTS.c.error_stage).where(
        in_batch(batch_id), DOCUMENTS.c.state.in_(states)
    )
    if categories is not None:
        statement = statement.where(DOCUMENTS.c.error_category.in_(sorted(set(categories))))
    rows = connection.execute(statement.order_by(DOCUMENTS.c.path, DOCUMENTS.c.id))
    return [(r.id, r.error_stage) for r in rows]


def failure_examples(
    connection: Connection, batch_id: str, per_group: int = 3
) -> list[dict[str, Any]]:
    """Failed documents grouped by (category, code, stage), largest group first.

    Each group has ``category``, ``code``, ``stage``, ``count`` and up to ``per_group``
    ``examples`` (document id, path, reason).
    """
    rows = connection.execute(
        sa.select(
            DOCUMENTS.c.id,
            DOCUMENTS.c.path,
            DOCUMENTS.c.error_category,
            DOCUMENTS.c.error_code,
            DOCUMENTS.c.error_stage,
            DOCUMENTS.c.error_reason,
        )
        .where(in_batch(batch_id), DOCUMENTS.c.state == _FAILED)
        .order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
    )
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r.error_category or "unknown", r.error_code or "", r.error_stage or "")
        group = groups.setdefault(
            key, {"category": key[0], "code": key[1], "stage": key[2], "count": 0, "examples": []}
        )
        group["count"] += 1
        if len(group["examples"]) < per_group:
            group["examples"].append({"id": r.id, "path": r.path, "reason": r.error_reason or ""})
    return sorted(groups.values(), key=lambda g: (-g["count"], g["category"], g["code"]))


def _restart_stage(failed_at: str | None, from_stage: Stage | None) -> Stage:
    """The stage a re-opened document resumes at: never later than where it failed."""
    failed = Stage(failed_at) if failed_at else Stage.ordered()[0]
    if from_stage is None:
        return failed
    order = list(Stage.ordered())
    return min(failed, from_stage, key=order.index)


def create_recovery_batch(
    connection: Connection,
    *,
    recovery_id: str,
    original_id: str,
    documents: Sequence[tuple[str, str | None]],
    from_stage: Stage | None,
    priority: Priority,
    options: dict[str, Any],
    now: datetime,
) -> int:
    """Insert the recovery batch and re-open ``documents`` (still failed) into it.

    Returns how many documents were re-opened (a document no longer failed, because
    another recovery took it first, is skipped). With none, raises
    :class:`~docbatch.errors.NothingToRecoverError`, which rolls the transaction back:
    no empty recovery batch is left behind.
    """
    project_id, original_name = connection.execute(
        sa.select(BATCHES.c.project_id, BATCHES.c.name).where(BATCHES.c.id == original_id)
    ).one()
    earlier = connection.execute(
        sa.select(sa.func.count()).where(BATCHES.c.parent_batch_id == original_id)
    ).scalar_one()
    source = original_id[:8] + (f" ({original_name})" if original_name else "")
    name = f"recovery #{earlier + 1} of {source}"
    connection.execute(
        sa.insert(BATCHES).values(
            id=recovery_id,
            project_id=project_id,
            name=name[:200],
            state=BatchState.PENDING.value,
            priority=priority.value,
            total=0,
            completed=0,
            failed=0,
            cancelled=0,
            pages=0,
            options=options,
            parent_batch_id=original_id,
            created_at=now,
            finalized_count=0,
        )
    )
    by_stage: dict[Stage, list[str]] = defaultdict(list)
    for document_id, failed_at in documents:
        by_stage[_restart_stage(failed_at, from_stage)].append(document_id)
    reopened = 0
    for stage, ids in by_stage.items():
        for part in chunked(ids, 500):
            reopened += _reopen(connection, list(part), stage, recovery_id, now)
    if reopened == 0:
        raise NothingToRecoverError(f"nothing to recover in batch {original_id}")
    # Named with its number, its source and its size, so recoveries can be told apart.
    named = f"{name}: {reopened} document{'s' if reopened != 1 else ''}"[:200]
    connection.execute(
        sa.update(BATCHES).where(BATCHES.c.id == recovery_id).values(total=reopened, name=named)
    )
    record_event(
        connection,
        EventKind.BATCH_CREATED,
        now,
        batch_id=recovery_id,
        detail={"documents": reopened, "priority": priority.value, "recovers": original_id},
    )
    return reopened


def _reopen(
    connection: Connection, ids: list[str], stage: Stage, recovery_id: str, now: datetime
) -> int:
    # A document that failed again under an earlier recovery batch leaves it too.
    earlier = dict(
        connection.execute(
            sa.select(DOCUMENTS.c.id, DOCUMENTS.c.recovery_batch_id).where(
                DOCUMENTS.c.id.in_(ids), DOCUMENTS.c.recovery_batch_id.is_not(None)
            )
        ).all()
    )
    rows = connection.execute(
        sa.update(DOCUMENTS)
        .where(DOCUMENTS.c.id.in_(ids), DOCUMENTS.c.state.in_((_FAILED, _CANCELLED)))
        .values(
            # What the batches it recovers count it as until it ends again.
            reopened_from=DOCUMENTS.c.state,
            state=DocumentState.PENDING.value,
            stage=stage.value,
            attempts=0,
            retries=0,
            retry_at=None,
            lease_expires_at=None,
            lease_owner=None,
            error_category=None,
            error_code=None,
            error_reason=None,
            error_stage=None,
            finished_at=None,
            recovery_batch_id=recovery_id,
            updated_at=now,
        )
        .returning(DOCUMENTS.c.id, DOCUMENTS.c.batch_id, DOCUMENTS.c.page_count)
    ).all()
    pages: dict[str, int] = defaultdict(int)
    for row in rows:
        pages[row.batch_id] += row.page_count or 0
        if row.id in earlier:
            pages[earlier[row.id]] += row.page_count or 0
    for batch_id, count in pages.items():
        if count:
            connection.execute(
                sa.update(BATCHES)
                .where(BATCHES.c.id == batch_id)
                .values(pages=BATCHES.c.pages - count)
            )
    if rows:
        connection.execute(
            sa.insert(EVENTS),
            [
                {
                    "at": now,
                    "kind": EventKind.REOPENED.value,
                    "batch_id": row.batch_id,
                    "document_id": row.id,
                    "stage": stage.value,
                    "attempt": 0,
                    "duration_ms": None,
                    "detail": {"recovery_batch_id": recovery_id},
                }
                for row in rows
            ],
        )
    return len(rows)


def count_reopened(
    connection: Connection, doc: DocumentRecord, state: DocumentState, pages: int, now: datetime
) -> Transition:
    """Count a re-opened document's terminal transition (see the module docstring).

    The returned transition's ``batch_finalized`` is about the recovery batch.
    """
    assert doc.recovery_batch_id is not None
    finalized = counters.count_terminal(connection, doc.recovery_batch_id, state, 1, pages, now=now)
    counted_as = DocumentState(doc.reopened_from or _FAILED)
    values = {
        BATCHES.c[name]: BATCHES.c[name] + n
        for name, n in original_correction(state, 1, pages, counted_as).items()
    }
    for recovered in recovered_batches(connection, doc.batch_id, doc.recovery_batch_id):
        counts = connection.execute(
            sa.update(BATCHES)
            .where(BATCHES.c.id == recovered)
            .values(values)
            .returning(BATCHES.c.state, BATCHES.c.failed, BATCHES.c.cancelled)
        ).one_or_none()
        if counts is not None and state is not counted_as:
            _settle(connection, recovered, counts, now)
    return Transition(True, doc.batch_id, finalized)


def ancestors(connection: Connection, batch_id: str) -> list[str]:
    """The batches ``batch_id`` recovers: its parent, the parent's parent, and so on."""
    found: list[str] = []
    child = batch_id
    while True:
        parent = connection.execute(
            sa.select(BATCHES.c.parent_batch_id).where(BATCHES.c.id == child)
        ).scalar_one_or_none()
        if parent is None or parent == batch_id or parent in found:
            return found
        found.append(parent)
        child = parent


def recovered_batches(connection: Connection, batch_id: str, recovery_batch_id: str) -> list[str]:
    """The batches a terminal transition under ``recovery_batch_id`` corrects (with
    :func:`original_correction`): the recovery batches between it and the document's
    own batch ``batch_id`` (a recovery of a recovery), nearest first, then ``batch_id``.

    Nearest first is also the lock order: recovery batches before what they recover.
    """
    chain = ancestors(connection, recovery_batch_id)
    between = chain[: chain.index(batch_id)] if batch_id in chain else chain
    return [*between, batch_id]


def original_correction(
    state: DocumentState,
    documents: int,
    pages: int,
    counted_as: DocumentState = DocumentState.FAILED,
) -> dict[str, int]:
    """Counter changes of the original batch when ``documents`` of its re-opened documents
    (``pages`` pages) end ``state``.

    Their pages come back. Each is still counted there as ``counted_as``, the state it
    was re-opened from (failed, or cancelled); it moves to ``state``'s counter unless it
    ended that way again, so the original's counters stay a true account of its
    documents.
    """
    deltas = {"pages": pages}
    if state is not counted_as:
        deltas |= {counted_as.value: -documents, state.value: documents}
    return deltas


def _settle(connection: Connection, batch_id: str, counts: Any, now: datetime) -> None:
    """A finalised batch whose failures or cancellations were recovered: its state says
    so, without re-finalising (``completed`` once none is left, ``completed_with_failures``
    for a cancelled batch with no cancelled document left but failures)."""
    if counts.state not in _SETTLED_FROM:
        return
    if counts.cancelled:
        return
    state = BatchState.COMPLETED if counts.failed == 0 else BatchState.COMPLETED_WITH_FAILURES
    if state.value == counts.state:
        return
    matched = connection.execute(
        sa.update(BATCHES)
        .where(BATCHES.c.id == batch_id, BATCHES.c.state == counts.state)
        .values(state=state.value)
    ).rowcount
    if matched:
        record_event(
            connection, EventKind.BATCH_RECOVERED, now, batch_id=batch_id,
            detail={"from": counts.state, "to": state.value},
        )  # fmt: skip


class RecoveryStore:
    """A batch's failures and the recovery batches re-running them, each method one
    transaction run by ``tx``."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def failed_documents(
        self, batch_id: str, categories: Iterable[str] | None = None
    ) -> list[tuple[str, str | None]]:
        """``(document id, failed stage)`` of the batch's failed documents."""
        with self._tx.read() as connection:
            return failed_documents(connection, batch_id, categories)

    def failure_examples(self, batch_id: str, per_group: int = 3) -> list[dict[str, Any]]:
        """Failures grouped by category, code and stage, with examples."""
        with self._tx.read() as connection:
            return failure_examples(connection, batch_id, per_group)

    def create_batch(
        self,
        recovery_id: str,
        original_id: str,
        documents: Sequence[tuple[str, str | None]],
        *,
        from_stage: Stage | None,
        priority: Priority,
        options: dict[str, Any],
    ) -> int:
        """Create a recovery batch re-opening ``documents``; returns how many were re-opened."""
        return self._tx.write(
            lambda c: create_recovery_batch(
                c, recovery_id=recovery_id, original_id=original_id, documents=documents,
                from_stage=from_stage, priority=priority, options=options, now=self._tx.clock(),
            )
        )  # fmt: skip
