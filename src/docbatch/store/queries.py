"""Read queries over batches and documents for progress, recovery and summaries.

Everything here is derived from the documents themselves, so a progress view lost with
Redis can be rebuilt exactly from the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.records import (
    BatchCounts,
    BatchState,
    DocumentRef,
    DocumentState,
    EventKind,
    EventRecord,
    Priority,
    StageDuration,
)
from docbatch.store.result_writes import CHUNKS, MENTIONS, PAGES, RELATIONSHIPS
from docbatch.store.rows import BATCHES, DOCUMENTS, EVENTS, in_batch

__all__ = [
    "ACTIVE_BATCH_STATES",
    "batch_counts",
    "batch_totals",
    "document_ids",
    "document_states",
    "documents_ahead",
    "finished_by_priority",
    "read_events",
    "stage_durations",
    "stage_outcome_counts",
    "stage_outcomes",
    "unfinished_by_priority",
    "unfinished_documents",
]

ACTIVE_BATCH_STATES = (BatchState.PENDING.value, BatchState.RUNNING.value)
_TERMINAL_OUTCOME = {DocumentState.FAILED: "failed", DocumentState.CANCELLED: "cancelled"}


def stage_outcomes(state: DocumentState, stage: Stage) -> dict[str, str]:
    """``{stage: outcome}`` for a document in ``state`` at ``stage``.

    Stages before ``stage`` are ``done``; a completed document has every stage done; a
    failed or cancelled one has ``failed``/``cancelled`` for the stage it stopped at.
    """
    order = Stage.ordered()
    position = order.index(stage)
    outcomes = {s.value: "done" for s in order[:position]}
    if state is DocumentState.COMPLETED:
        outcomes[stage.value] = "done"
    elif state in _TERMINAL_OUTCOME:
        outcomes[stage.value] = _TERMINAL_OUTCOME[state]
    return outcomes


def document_states(
    connection: Connection, batch_id: str
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``({document: state}, {document: {stage: outcome}})`` for every document."""
    states: dict[str, str] = {}
    stages: dict[str, dict[str, str]] = {}
    rows = connection.execute(
        sa.select(DOCUMENTS.c.id, DOCUMENTS.c.state, DOCUMENTS.c.stage).where(in_batch(batch_id))
    )
    for doc_id, state, stage in rows:
        states[doc_id] = state
        outcomes = stage_outcomes(DocumentState(state), Stage(stage))
        if outcomes:
            stages[doc_id] = outcomes
    return states, stages


def stage_outcome_counts(connection: Connection, batch_id: str) -> dict[str, dict[str, int]]:
    """``{stage: {outcome: documents}}`` over the batch (see :func:`stage_outcomes`)."""
    rows = connection.execute(
        sa.select(DOCUMENTS.c.state, DOCUMENTS.c.stage, sa.func.count())
        .where(in_batch(batch_id))
        .group_by(DOCUMENTS.c.state, DOCUMENTS.c.stage)
    )
    counts: dict[str, dict[str, int]] = {}
    for state, stage, n in rows:
        for stage_name, outcome in stage_outcomes(DocumentState(state), Stage(stage)).items():
            per_stage = counts.setdefault(stage_name, {})
            per_stage[outcome] = per_stage.get(outcome, 0) + n
    return counts


def batch_totals(connection: Connection, batch_id: str) -> dict[str, int]:
    """Stored result rows of a batch: pages, chunks, mentions, relationships, entities.

    ``entities`` counts the distinct canonical entities the batch's mentions resolved to.
    A recovery batch's rows are those of the documents it re-opened.
    """
    documents = sa.select(DOCUMENTS.c.id).where(in_batch(batch_id)).scalar_subquery()
    totals: dict[str, int] = {}
    for name, table in (
        ("pages", PAGES),
        ("chunks", CHUNKS),
        ("mentions", MENTIONS),
        ("relationships", RELATIONSHIPS),
    ):
        totals[name] = connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.document_id.in_(documents))
        ).scalar_one()
    totals["entities"] = connection.execute(
        sa.select(sa.func.count(sa.distinct(MENTIONS.c.entity_id))).where(
            MENTIONS.c.document_id.in_(documents)
        )
    ).scalar_one()
    return totals


def document_ids(
    connection: Connection, batch_id: str, states: Iterable[DocumentState]
) -> list[str]:
    """Ids of the batch's documents in ``states``, in a stable order.

    A recovery batch's documents are those it re-opened (``recovery_batch_id``).
    """
    rows = connection.execute(
        sa.select(DOCUMENTS.c.id)
        .where(
            sa.or_(DOCUMENTS.c.batch_id == batch_id, DOCUMENTS.c.recovery_batch_id == batch_id),
            DOCUMENTS.c.state.in_([s.value for s in states]),
        )
        .order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
    )
    return list(rows.scalars())


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


def unenqueued_condition(older_than: datetime) -> Any:
    """Active batches never marked enqueued and created before ``older_than``."""
    return sa.and_(
        BATCHES.c.enqueued_at.is_(None),
        BATCHES.c.created_at < older_than,
        BATCHES.c.state.in_(ACTIVE_BATCH_STATES),
    )


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


def batch_counts(connection: Connection, batch_id: str) -> BatchCounts:
    """Document counts of a batch recomputed from the documents (GROUP BY state, stage).

    A document that a later recovery batch re-opened still belongs to this batch and
    reads pending here; it is also counted in ``recovering``, so a reader can tell it
    from one this batch has yet to run.
    """
    reopened = sa.case(
        (
            sa.and_(
                DOCUMENTS.c.recovery_batch_id.is_not(None),
                DOCUMENTS.c.recovery_batch_id != batch_id,
            ),
            1,
        ),
        else_=0,
    ).label("reopened")
    rows = connection.execute(
        sa.select(
            DOCUMENTS.c.state,
            DOCUMENTS.c.stage,
            reopened,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(DOCUMENTS.c.page_count), 0),
        )
        .where(in_batch(batch_id))
        .group_by(DOCUMENTS.c.state, DOCUMENTS.c.stage, reopened)
    ).all()
    states: Counter[DocumentState] = Counter()
    stages: Counter[tuple[DocumentState, Stage]] = Counter()
    pages = recovering = 0
    for state_value, stage_value, by_recovery, count, page_sum in rows:
        state = DocumentState(state_value)
        states[state] += count
        if state.terminal:
            pages += int(page_sum)
        else:
            stages[(state, Stage(stage_value))] += count
            recovering += count if by_recovery else 0
    return BatchCounts(states=dict(states), stages=dict(stages), pages=pages, recovering=recovering)


def stage_durations(connection: Connection, batch_id: str) -> dict[Stage, StageDuration]:
    """Count, total, mean and max duration of each stage over the batch, from events."""
    duration = EVENTS.c.duration_ms
    rows = connection.execute(
        sa.select(
            EVENTS.c.stage,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(duration), 0),
            sa.func.coalesce(sa.func.max(duration), 0),
        )
        .where(
            EVENTS.c.batch_id == batch_id,
            EVENTS.c.kind == EventKind.STAGE_COMPLETED.value,
            duration.is_not(None),
        )
        .group_by(EVENTS.c.stage)
    ).all()
    return {
        Stage(stage): StageDuration(int(n), int(total), int(total) / n, int(longest))
        for stage, n, total, longest in rows
    }


def read_events(
    connection: Connection, batch_id: str, since_id: int, limit: int
) -> list[EventRecord]:
    """Events of a batch with ids above ``since_id``, oldest first."""
    rows = connection.execute(
        sa.select(EVENTS)
        .where(EVENTS.c.batch_id == batch_id, EVENTS.c.id > since_id)
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    return [
        EventRecord(
            id=r.id,
            at=r.at,
            kind=EventKind(r.kind),
            batch_id=r.batch_id,
            document_id=r.document_id,
            stage=None if r.stage is None else Stage(r.stage),
            attempt=r.attempt,
            duration_ms=r.duration_ms,
            detail=dict(r.detail or {}),
        )
        for r in rows
    ]
