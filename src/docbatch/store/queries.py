"""Read queries over batches and documents for progress, recovery and summaries.

Everything here is derived from the documents themselves, so a progress view lost with
Redis can be rebuilt exactly from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.records import BatchState, DocumentRef, DocumentState, Priority
from docbatch.store.results import CHUNKS, MENTIONS, PAGES, RELATIONSHIPS
from docbatch.store.rows import BATCHES, DOCUMENTS

__all__ = [
    "ACTIVE_BATCH_STATES",
    "batch_totals",
    "document_ids",
    "document_states",
    "stage_outcome_counts",
    "stage_outcomes",
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
        sa.select(DOCUMENTS.c.id, DOCUMENTS.c.state, DOCUMENTS.c.stage).where(
            DOCUMENTS.c.batch_id == batch_id
        )
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
        .where(DOCUMENTS.c.batch_id == batch_id)
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
    """
    in_batch = sa.select(DOCUMENTS.c.id).where(DOCUMENTS.c.batch_id == batch_id).scalar_subquery()
    totals: dict[str, int] = {}
    for name, table in (
        ("pages", PAGES),
        ("chunks", CHUNKS),
        ("mentions", MENTIONS),
        ("relationships", RELATIONSHIPS),
    ):
        totals[name] = connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.document_id.in_(in_batch))
        ).scalar_one()
    totals["entities"] = connection.execute(
        sa.select(sa.func.count(sa.distinct(MENTIONS.c.entity_id))).where(
            MENTIONS.c.document_id.in_(in_batch)
        )
    ).scalar_one()
    return totals


def document_ids(
    connection: Connection, batch_id: str, states: Iterable[DocumentState]
) -> list[str]:
    """Ids of the batch's documents in ``states``, in a stable order."""
    rows = connection.execute(
        sa.select(DOCUMENTS.c.id)
        .where(
            DOCUMENTS.c.batch_id == batch_id,
            DOCUMENTS.c.state.in_([s.value for s in states]),
        )
        .order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
    )
    return list(rows.scalars())


def unfinished_documents(connection: Connection, batch_id: str) -> list[DocumentRef]:
    """References to the batch's pending and processing documents."""
    rows = connection.execute(
        sa.select(
            DOCUMENTS.c.id,
            DOCUMENTS.c.state,
            DOCUMENTS.c.stage,
            DOCUMENTS.c.attempts,
            BATCHES.c.priority,
        )
        .join(BATCHES, BATCHES.c.id == DOCUMENTS.c.batch_id)
        .where(
            DOCUMENTS.c.batch_id == batch_id,
            DOCUMENTS.c.state.in_((DocumentState.PENDING.value, DocumentState.PROCESSING.value)),
        )
        .order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
    )
    return [
        DocumentRef(
            r.id, batch_id, DocumentState(r.state), Stage(r.stage), r.attempts, Priority(r.priority)
        )
        for r in rows
    ]


def unenqueued_condition(older_than: datetime) -> Any:
    """Active batches never marked enqueued and created before ``older_than``."""
    return sa.and_(
        BATCHES.c.enqueued_at.is_(None),
        BATCHES.c.created_at < older_than,
        BATCHES.c.state.in_(ACTIVE_BATCH_STATES),
    )
