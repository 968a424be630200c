"""Read SQL over one batch: progress rebuilt from its documents, result totals, counts,
stage timings and its event log (what :class:`~docbatch.store.batches.BatchStore` reads).

Everything here is derived from the documents themselves, so a progress view lost with
Redis can be rebuilt exactly from the database.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.records import (
    BatchCounts,
    BatchState,
    DocumentState,
    EventKind,
    EventRecord,
    ProgressFigures,
    StageDuration,
)
from docbatch.store.result_writes import CHUNKS, MENTIONS, PAGES, RELATIONSHIPS
from docbatch.store.rows import BATCHES, DOCUMENTS, EVENTS, in_batch

__all__ = [
    "ACTIVE_BATCH_STATES",
    "batch_counts",
    "batch_totals",
    "progress_figures",
    "read_events",
    "stage_durations",
    "stage_outcomes",
    "unenqueued_condition",
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


def progress_figures(connection: Connection, batch_id: str) -> ProgressFigures:
    """Every document's state and stage outcomes, the containers with stored children and
    the terminal documents' pages, for a progress rebuild: one statement, so the counts
    derived from them agree with the per-document states whatever commits meanwhile."""
    states: dict[str, str] = {}
    stages: dict[str, dict[str, str]] = {}
    containers: Counter[str] = Counter()
    pages = 0
    rows = connection.execute(
        sa.select(
            DOCUMENTS.c.id,
            DOCUMENTS.c.state,
            DOCUMENTS.c.stage,
            DOCUMENTS.c.parent_id,
            DOCUMENTS.c.page_count,
        ).where(in_batch(batch_id))
    )
    for doc_id, state_value, stage, parent_id, page_count in rows:
        state = DocumentState(state_value)
        states[doc_id] = state.value
        outcomes = stage_outcomes(state, Stage(stage))
        if outcomes:
            stages[doc_id] = outcomes
        if parent_id is not None:
            containers[parent_id] += 1
        if state.terminal:
            pages += page_count or 0
    return ProgressFigures(states=states, stages=stages, containers=dict(containers), pages=pages)


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


def unenqueued_condition(older_than: datetime) -> Any:
    """Active batches never marked enqueued and created before ``older_than``."""
    return sa.and_(
        BATCHES.c.enqueued_at.is_(None),
        BATCHES.c.created_at < older_than,
        BATCHES.c.state.in_(ACTIVE_BATCH_STATES),
    )


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
