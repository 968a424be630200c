"""Read SQL over documents: a batch's documents to send, its id slices, and the
per-priority reads of the fairness policy (what
:class:`~docbatch.store.documents.DocumentStore` reads).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.batch_queries import ACTIVE_BATCH_STATES
from docbatch.store.records import DocumentRef, DocumentState, Priority
from docbatch.store.rows import BATCHES, DOCUMENTS

__all__ = [
    "documents_ahead",
    "finished_by_priority",
    "id_slices",
    "runs_in",
    "unfinished_by_priority",
    "unfinished_documents",
]


def unfinished_documents(
    connection: Connection,
    batch_id: str,
    states: Iterable[DocumentState] = (DocumentState.PENDING, DocumentState.PROCESSING),
    *,
    id_range: tuple[str | None, str] | None = None,
    limit: int | None = None,
) -> list[DocumentRef]:
    """References to the batch's documents in ``states`` (by default every unfinished one),
    the first ``limit`` of them when given.

    Each carries the document's own stage and the priority it runs with: a re-opened
    document's is its recovery batch's. ``id_range`` ``(after, upto)`` keeps the
    documents whose id is above ``after`` (None: no bound) and at most ``upto``.
    """
    statement = (
        sa.select(
            DOCUMENTS.c.id,
            DOCUMENTS.c.state,
            DOCUMENTS.c.stage,
            DOCUMENTS.c.attempts,
            DOCUMENTS.c.needs_ocr,
            BATCHES.c.priority,
        )
        # A re-opened document runs with its recovery batch's priority.
        .join(
            BATCHES,
            BATCHES.c.id == sa.func.coalesce(DOCUMENTS.c.recovery_batch_id, DOCUMENTS.c.batch_id),
        )
        .where(
            sa.or_(DOCUMENTS.c.batch_id == batch_id, DOCUMENTS.c.recovery_batch_id == batch_id),
            DOCUMENTS.c.state.in_([s.value for s in states]),
        )
        .order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
    )
    if id_range is not None:
        after, upto = id_range
        statement = statement.where(DOCUMENTS.c.id <= upto)
        if after is not None:
            statement = statement.where(DOCUMENTS.c.id > after)
    if limit is not None:
        statement = statement.limit(limit)
    return [
        DocumentRef(
            r.id,
            batch_id,
            DocumentState(r.state),
            Stage(r.stage),
            r.attempts,
            Priority(r.priority),
            r.needs_ocr,
        )
        for r in connection.execute(statement)
    ]


def id_slices(connection: Connection, batch_id: str, size: int) -> list[tuple[str | None, str]]:
    """The batch's document ids cut into ranges ``(after, upto]`` of ``size`` documents."""
    ids = (
        connection.execute(
            sa.select(DOCUMENTS.c.id)
            .where(
                sa.or_(DOCUMENTS.c.batch_id == batch_id, DOCUMENTS.c.recovery_batch_id == batch_id)
            )
            .order_by(DOCUMENTS.c.id)
        )
        .scalars()
        .all()
    )
    uppers = [ids[end - 1] for end in range(size, len(ids), size)]
    if ids:
        uppers.append(ids[-1])
    return list(zip([None, *uppers[:-1]], uppers, strict=True))


_UNFINISHED = (DocumentState.PENDING.value, DocumentState.PROCESSING.value)


_FINISHED = (DocumentState.COMPLETED.value, DocumentState.FAILED.value)


def _priority_rank(column: Any) -> Any:
    """0 for high, 1 for normal, 2 for low, as a SQL expression over ``column``."""
    return sa.case(
        (column == Priority.HIGH.value, 0), (column == Priority.NORMAL.value, 1), else_=2
    )


def runs_in(batch_id: Any) -> sa.ColumnElement[bool]:
    """A document runs in batch ``batch_id`` (a column or value): a re-opened one in its
    recovery batch, any other in its own. Each document matches one batch, through the
    ``batch_id`` or the ``recovery_batch_id`` index."""
    return sa.or_(
        sa.and_(DOCUMENTS.c.recovery_batch_id.is_(None), DOCUMENTS.c.batch_id == batch_id),
        DOCUMENTS.c.recovery_batch_id == batch_id,
    )


def finished_by_priority(connection: Connection, since: datetime) -> dict[Priority, int]:
    """Documents completed or failed since ``since``, per priority of the batch they ran
    in (:func:`runs_in`: a re-opened document counts at its recovery batch's priority).

    Only batches still active or finished since then are looked at, so the query stays
    on the batch indexes however many old batches the database holds.
    """
    recent = sa.or_(BATCHES.c.state.in_(ACTIVE_BATCH_STATES), BATCHES.c.finished_at >= since)
    rows = connection.execute(
        sa.select(BATCHES.c.priority, sa.func.count())
        .select_from(BATCHES.join(DOCUMENTS, runs_in(BATCHES.c.id)))
        .where(recent, DOCUMENTS.c.state.in_(_FINISHED), DOCUMENTS.c.finished_at >= since)
        .group_by(BATCHES.c.priority)
    )
    return {Priority(priority): n for priority, n in rows}


def unfinished_by_priority(
    connection: Connection, priority: Priority, limit: int
) -> list[DocumentRef]:
    """The oldest unfinished documents running in active ``priority`` batches (oldest
    batch first; a re-opened document runs in its recovery batch, see :func:`runs_in`)."""
    rows = connection.execute(
        sa.select(
            DOCUMENTS.c.id,
            DOCUMENTS.c.batch_id,
            DOCUMENTS.c.state,
            DOCUMENTS.c.stage,
            DOCUMENTS.c.attempts,
            DOCUMENTS.c.needs_ocr,
        )
        .join(BATCHES, runs_in(BATCHES.c.id))
        .where(
            BATCHES.c.state.in_(ACTIVE_BATCH_STATES),
            BATCHES.c.priority == Priority(priority).value,
            DOCUMENTS.c.state.in_(_UNFINISHED),
        )
        .order_by(BATCHES.c.created_at, BATCHES.c.id, DOCUMENTS.c.path, DOCUMENTS.c.id)
        .limit(limit)
    )
    return [
        DocumentRef(
            r.id,
            r.batch_id,
            DocumentState(r.state),
            Stage(r.stage),
            r.attempts,
            Priority(priority),
            r.needs_ocr,
        )
        for r in rows
    ]


def documents_ahead(connection: Connection, batch_id: str) -> int:
    """Unfinished documents of other active batches served before this batch's.

    Those are the documents running in batches with a higher priority, and in batches
    with the same priority created earlier (brokers serve one priority first in, first
    out); a re-opened document runs in its recovery batch (:func:`runs_in`).
    """
    me = connection.execute(
        sa.select(BATCHES.c.priority, BATCHES.c.created_at).where(BATCHES.c.id == batch_id)
    ).one_or_none()
    if me is None:
        return 0
    mine, other = _priority_rank(sa.literal(me.priority)), _priority_rank(BATCHES.c.priority)
    before = sa.or_(
        other < mine,
        sa.and_(BATCHES.c.priority == me.priority, BATCHES.c.created_at < me.created_at),
    )
    count = connection.execute(
        sa.select(sa.func.count())
        .select_from(BATCHES.join(DOCUMENTS, runs_in(BATCHES.c.id)))
        .where(
            BATCHES.c.state.in_(ACTIVE_BATCH_STATES),
            BATCHES.c.id != batch_id,
            before,
            DOCUMENTS.c.state.in_(_UNFINISHED),
        )
    ).scalar_one()
    return int(count)
