"""Projects and batches: creation in one transaction, cancellation, and batch reads.

A batch and all its documents are committed together before anything is enqueued, so a
message can never name a document the database does not hold. Documents are inserted
with bulk ``executemany`` in slices, never as ORM objects one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import ErrorCategory, ManifestError
from docbatch.models import Stage
from docbatch.store import reopen
from docbatch.store.lifecycle import ACTIVE_STATES
from docbatch.store.records import (
    BatchCounts,
    BatchState,
    DocumentState,
    EventKind,
    EventRecord,
    NewDocument,
    Priority,
    StageDuration,
)
from docbatch.store.rows import (
    BATCHES,
    DOCUMENTS,
    EVENTS,
    PROJECTS,
    chunked,
    event_values,
    in_batch,
    insert_ignoring_duplicates,
    record_event,
)

__all__ = [
    "batch_counts",
    "cancel_batch",
    "ensure_project",
    "insert_batch",
    "lineage",
    "read_events",
    "stage_durations",
]

_INSERT_SLICE = 5000


def ensure_project(connection: Connection, name: str, now: datetime) -> int:
    """The id of project ``name``, creating it if needed (safe against races)."""
    insert_ignoring_duplicates(connection, PROJECTS, [{"name": name, "created_at": now}])
    return int(
        connection.execute(sa.select(PROJECTS.c.id).where(PROJECTS.c.name == name)).scalar_one()
    )


def _check_external_ids(documents: Sequence[NewDocument]) -> None:
    counts = Counter(d.external_id for d in documents if d.external_id is not None)
    duplicates = sorted(k for k, n in counts.items() if n > 1)
    if duplicates:
        shown = ", ".join(duplicates[:5])
        raise ManifestError(f"external ids must be unique within a batch; repeated: {shown}")


def insert_batch(
    connection: Connection,
    *,
    batch_id: str,
    project_id: int,
    documents: Sequence[NewDocument],
    priority: Priority,
    options: Mapping[str, Any],
    name: str | None,
    parent_batch_id: str | None,
    now: datetime,
) -> None:
    """Insert a pending batch and its pending documents (first stage: extract)."""
    _check_external_ids(documents)
    # An empty batch has no document whose terminal transition could finalise it.
    empty = not documents
    connection.execute(
        sa.insert(BATCHES).values(
            id=batch_id,
            project_id=project_id,
            name=name,
            state=(BatchState.COMPLETED if empty else BatchState.PENDING).value,
            priority=priority.value,
            total=len(documents),
            completed=0,
            failed=0,
            cancelled=0,
            pages=0,
            options=dict(options),
            parent_batch_id=parent_batch_id,
            created_at=now,
            finished_at=now if empty else None,
            finalized_count=1 if empty else 0,
        )
    )
    first = Stage.ordered()[0].value
    pending = DocumentState.PENDING.value
    rows = [
        {
            "id": d.id,
            "batch_id": batch_id,
            "project_id": project_id,
            "external_id": d.external_id,
            "path": d.path,
            "sha256": d.sha256,
            "size_bytes": d.size_bytes,
            "mime": d.mime,
            "metadata": dict(d.metadata),
            "state": pending,
            "stage": first,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for d in documents
    ]
    for part in chunked(rows, _INSERT_SLICE):
        connection.execute(sa.insert(DOCUMENTS), list(part))
    record_event(
        connection,
        EventKind.BATCH_CREATED,
        now,
        batch_id=batch_id,
        detail={"documents": len(documents), "priority": priority.value},
    )


_CANCEL_REASON = "the batch was cancelled"


def cancel_batch(connection: Connection, batch_id: str, now: datetime) -> bool:
    """Cancel the batch and its recovery batches; True if ``batch_id`` itself finalised.

    Every active document of the :func:`lineage` is cancelled and counted once: the
    batch's own (those a recovery batch re-opened included: they still belong to it)
    and those its recovery batches re-opened. A re-opened document counts toward its
    recovery batch and corrects its original batch as any terminal transition of a
    re-opened document does (:func:`docbatch.store.reopen.original_correction`). Every
    batch of the lineage still active ends ``cancelled``, finalised once.
    """
    family = lineage(connection, batch_id)
    cancelled = connection.execute(
        sa.update(DOCUMENTS)
        .where(
            sa.or_(DOCUMENTS.c.batch_id.in_(family), DOCUMENTS.c.recovery_batch_id.in_(family)),
            DOCUMENTS.c.state.in_(ACTIVE_STATES),
        )
        .values(
            state=DocumentState.CANCELLED.value,
            error_category=ErrorCategory.CANCELLED.value,
            error_code="cancelled",
            error_reason=_CANCEL_REASON,
            error_stage=DOCUMENTS.c.stage,
            finished_at=now,
            updated_at=now,
            lease_expires_at=None,
            lease_owner=None,
        )
        .returning(
            DOCUMENTS.c.id,
            DOCUMENTS.c.batch_id,
            DOCUMENTS.c.recovery_batch_id,
            DOCUMENTS.c.page_count,
            DOCUMENTS.c.stage,
            DOCUMENTS.c.attempts,
            DOCUMENTS.c.reopened_from,
        )
    ).all()
    _record_cancelled(connection, cancelled, now)
    deltas = _cancel_deltas(connection, cancelled)
    # Recovery batches before the batches they recover, as a re-opened document's
    # terminal transition locks them (see docbatch.store.reopen.count_reopened).
    order = [*reversed(family), *sorted(set(deltas) - set(family))]
    finalized = False
    for each in order:
        moved = _cancel_one(
            connection, each, deltas.get(each, Counter()), now, active=each in family
        )
        finalized = finalized or (moved and each == batch_id)
    return finalized


def _record_cancelled(
    connection: Connection, cancelled: Sequence[sa.Row[Any]], now: datetime
) -> None:
    """One ``cancelled`` event per cancelled document, as a failure records ``failed``."""
    detail = {"category": "cancelled", "code": "cancelled", "reason": _CANCEL_REASON}
    events = [
        event_values(
            EventKind.CANCELLED, now, row.batch_id, row.id, row.stage, row.attempts,
            detail=detail,
        )
        for row in cancelled
    ]  # fmt: skip
    for part in chunked(events, 500):
        connection.execute(sa.insert(EVENTS), list(part))


def lineage(connection: Connection, batch_id: str) -> list[str]:
    """``batch_id`` and the recovery batches descending from it, parents first."""
    found, frontier = [batch_id], [batch_id]
    while frontier:
        children = connection.execute(
            sa.select(BATCHES.c.id)
            .where(BATCHES.c.parent_batch_id.in_(frontier))
            .order_by(BATCHES.c.created_at, BATCHES.c.id)
        ).scalars()
        frontier = [child for child in children if child not in found]
        found.extend(frontier)
    return found


def _cancel_deltas(
    connection: Connection, cancelled: Sequence[sa.Row[Any]]
) -> dict[str, Counter[str]]:
    """Counter changes per batch for the cancelled documents ``(batch_id,
    recovery_batch_id, page_count)``."""
    deltas: dict[str, Counter[str]] = {}
    corrected: dict[str, list[str]] = {}
    for row in cancelled:
        pages = row.page_count or 0
        counting = deltas.setdefault(row.recovery_batch_id or row.batch_id, Counter())
        counting.update({"cancelled": 1, "pages": pages})
        if row.recovery_batch_id is not None:
            if row.recovery_batch_id not in corrected:
                corrected[row.recovery_batch_id] = reopen.recovered_batches(
                    connection, row.batch_id, row.recovery_batch_id
                )
            counted_as = DocumentState(row.reopened_from or DocumentState.FAILED.value)
            correction = reopen.original_correction(DocumentState.CANCELLED, 1, pages, counted_as)
            for recovered in corrected[row.recovery_batch_id]:
                deltas.setdefault(recovered, Counter()).update(correction)
    return deltas


def _cancel_one(
    connection: Connection, batch_id: str, delta: Counter[str], now: datetime, *, active: bool
) -> bool:
    """Apply ``delta`` to the batch's counters and, with ``active``, cancel the batch if it
    is still pending or running. True when this call moved it to cancelled."""
    counters = {BATCHES.c[name]: BATCHES.c[name] + n for name, n in delta.items() if n}
    matched = 0
    if active:
        # Counting and cancelling in one UPDATE: the batch must end "cancelled", not be
        # finalised as completed by the counting of its last documents.
        matched = connection.execute(
            sa.update(BATCHES)
            .where(
                BATCHES.c.id == batch_id,
                BATCHES.c.state.in_((BatchState.PENDING.value, BatchState.RUNNING.value)),
            )
            .values(
                {
                    **counters,
                    BATCHES.c.state: BatchState.CANCELLED.value,
                    BATCHES.c.finished_at: now,
                    BATCHES.c.finalized_count: BATCHES.c.finalized_count + 1,
                }
            )
        ).rowcount
    if matched == 0 and counters:
        # A finished original whose re-opened documents were cancelled.
        connection.execute(sa.update(BATCHES).where(BATCHES.c.id == batch_id).values(counters))
    if matched:
        record_event(
            connection,
            EventKind.BATCH_CANCELLED,
            now,
            batch_id=batch_id,
            detail={"documents": delta["cancelled"]},
        )
    return matched == 1


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
