"""Batch counters: each terminal document counted once, each batch finalised once.

A document's terminal transition adds to its batch's counter in the same transaction,
and the batch that this makes complete finalises with one more compare-and-set on
``batches.state`` (:func:`count_terminal`). Used by the state machine
(:mod:`docbatch.store.lifecycle`) and by re-opened documents' recovery batches
(:mod:`docbatch.store.recovery`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.store.records import BatchState, DocumentState, EventKind
from docbatch.store.rows import BATCHES, record_event

__all__ = ["count_terminal"]

_ACTIVE_BATCH = (BatchState.PENDING.value, BatchState.RUNNING.value)
_COUNTER = {
    DocumentState.COMPLETED: "completed",
    DocumentState.FAILED: "failed",
    DocumentState.CANCELLED: "cancelled",
}


def count_terminal(
    connection: Connection,
    batch_id: str,
    state: DocumentState,
    documents: int,
    pages: int,
    *,
    now: datetime,
) -> bool:
    """Add terminal documents to the batch counters; finalise it if all are terminal.

    Returns True when this call finalised the batch.
    """
    column = BATCHES.c[_COUNTER[state]]
    counts = connection.execute(
        sa.update(BATCHES)
        .where(BATCHES.c.id == batch_id)
        .values({column: column + documents, BATCHES.c.pages: BATCHES.c.pages + pages})
        .returning(BATCHES.c.total, BATCHES.c.completed, BATCHES.c.failed, BATCHES.c.cancelled)
    ).one()
    if counts.completed + counts.failed + counts.cancelled < counts.total:
        return False
    clean = counts.failed == 0 and counts.cancelled == 0
    final = BatchState.COMPLETED if clean else BatchState.COMPLETED_WITH_FAILURES
    matched = connection.execute(
        sa.update(BATCHES)
        .where(BATCHES.c.id == batch_id, BATCHES.c.state.in_(_ACTIVE_BATCH))
        .values(
            state=final.value,
            finished_at=now,
            finalized_count=BATCHES.c.finalized_count + 1,
        )
    ).rowcount
    if matched != 1:
        return False
    record_event(
        connection,
        EventKind.BATCH_FINALIZED,
        now,
        batch_id=batch_id,
        detail={
            "state": final.value,
            "completed": counts.completed,
            "failed": counts.failed,
            "cancelled": counts.cancelled,
        },
    )
    return True
