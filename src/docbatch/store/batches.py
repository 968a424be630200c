"""Projects and batches: creation in one transaction, cancellation, and batch reads.

A batch and all its documents are committed together before anything is enqueued, so a
message can never name a document the database does not hold. Documents are inserted
with bulk ``executemany`` in slices, never as ORM objects one by one.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import ErrorCategory, ManifestError, NotFoundError
from docbatch.models import Stage
from docbatch.store import batch_queries, recovery
from docbatch.store.ids import resolve_id
from docbatch.store.lifecycle import ACTIVE_STATES
from docbatch.store.records import (
    BatchCounts,
    BatchRecord,
    BatchState,
    DocumentState,
    EventKind,
    EventRecord,
    NewDocument,
    Priority,
    ProgressFigures,
    StageDuration,
    Transition,
)
from docbatch.store.rows import (
    BATCHES,
    DOCUMENTS,
    EVENTS,
    PROJECTS,
    batch_record,
    batch_select,
    chunked,
    event_values,
    insert_ignoring_duplicates,
    record_event,
)
from docbatch.store.transactions import Transactor

__all__ = [
    "BatchStore",
    "cancel_batch",
    "ensure_project",
    "insert_batch",
    "lineage",
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
    re-opened document does (:func:`docbatch.store.recovery.original_correction`). Every
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
    # terminal transition locks them (see docbatch.store.recovery.count_reopened).
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
                corrected[row.recovery_batch_id] = recovery.recovered_batches(
                    connection, row.batch_id, row.recovery_batch_id
                )
            counted_as = DocumentState(row.reopened_from or DocumentState.FAILED.value)
            correction = recovery.original_correction(DocumentState.CANCELLED, 1, pages, counted_as)
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


class BatchStore:
    """Batches: creation, cancellation, the enqueue mark, and every read of a batch.

    Each method is one transaction run by the repository root (``tx``).
    """

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    # -- writes -------------------------------------------------------------------------

    def ensure_project(self, name: str) -> int:
        """The id of project ``name``, created if missing (safe under races)."""
        return self._tx.write(lambda c: ensure_project(c, name, self._tx.clock()))

    def create(
        self,
        project: str | int,
        documents: Sequence[NewDocument],
        *,
        priority: Priority | str = Priority.NORMAL,
        options: dict[str, Any] | None = None,
        name: str | None = None,
        parent_batch_id: str | None = None,
        batch_id: str | None = None,
    ) -> BatchRecord:
        """Commit a pending batch and all its documents in one transaction.

        Enqueue the documents only after this returns, then call :meth:`mark_enqueued`.
        ``project`` is a project name (created if missing) or an existing project id.
        An empty batch is created already completed (nothing could finalise it later).
        """
        new_id = batch_id or str(uuid.uuid4())

        def work(connection: Connection) -> None:
            now = self._tx.clock()
            insert_batch(
                connection,
                batch_id=new_id,
                project_id=(
                    project
                    if isinstance(project, int)
                    else ensure_project(connection, project, now)
                ),
                documents=documents,
                priority=Priority(priority),
                options=options or {},
                name=name,
                parent_batch_id=parent_batch_id,
                now=now,
            )

        self._tx.write(work)
        return self.get(new_id)

    def mark_enqueued(self, batch_id: str) -> bool:
        """Record that every document of the batch was handed to the broker."""

        def work(connection: Connection) -> bool:
            statement = (
                sa.update(BATCHES)
                .where(BATCHES.c.id == batch_id)
                .values(enqueued_at=self._tx.clock())
            )
            return connection.execute(statement).rowcount == 1

        return self._tx.write(work)

    def cancel(self, batch_id: str) -> Transition:
        """Cancel the batch's active documents (counted) and the batch itself.

        Truthy, with ``batch_finalized``, when this call moved the batch to cancelled.
        """
        finalized = self._tx.write(lambda c: cancel_batch(c, batch_id, self._tx.clock()))
        return Transition(finalized, batch_id, finalized)

    # -- reads --------------------------------------------------------------------------

    def find(self, batch_id: str) -> BatchRecord | None:
        """One batch, or None if it does not exist."""
        with self._tx.read() as connection:
            row = connection.execute(batch_select().where(BATCHES.c.id == batch_id)).one_or_none()
        return None if row is None else batch_record(row)

    def get(self, batch_id: str) -> BatchRecord:
        """One batch; raises :class:`NotFoundError` if it does not exist."""
        batch = self.find(batch_id)
        if batch is None:
            raise NotFoundError(f"batch {batch_id} does not exist")
        return batch

    def resolve_id(self, given: str) -> str:
        """The full id of the batch whose id is ``given`` or starts with it (at least
        6 characters); raises :class:`NotFoundError` or
        :class:`~docbatch.errors.AmbiguousIdError`."""
        with self._tx.read() as connection:
            return resolve_id(connection, BATCHES.c.id, given, "batch")

    def newest(
        self,
        limit: int = 50,
        state: BatchState | None = None,
        project: str | None = None,
        *,
        active_only: bool = False,
    ) -> list[BatchRecord]:
        """The newest batches, optionally of one state, one project, or only active ones."""
        statement = batch_select().order_by(BATCHES.c.created_at.desc(), BATCHES.c.id)
        if state is not None:
            statement = statement.where(BATCHES.c.state == BatchState(state).value)
        if project is not None:
            statement = statement.where(PROJECTS.c.name == project)
        if active_only:
            statement = statement.where(BATCHES.c.state.in_(batch_queries.ACTIVE_BATCH_STATES))
        with self._tx.read() as connection:
            return [batch_record(r) for r in connection.execute(statement.limit(limit))]

    def unenqueued(self, older_than: datetime) -> list[BatchRecord]:
        """Active batches created before ``older_than`` and never marked enqueued.

        Their submitter died between committing and enqueueing; the reconciler sends them.
        """
        statement = batch_select().where(batch_queries.unenqueued_condition(older_than))
        with self._tx.read() as connection:
            rows = connection.execute(statement.order_by(BATCHES.c.created_at))
            return [batch_record(r) for r in rows]

    def related(self, batch_id: str) -> list[BatchRecord]:
        """The batch, the batches it recovers and the recovery batches descending from it
        (every batch cancelling it may change), the oldest ancestor first."""
        with self._tx.read() as connection:
            ids = [*reversed(recovery.ancestors(connection, batch_id))]
            ids += lineage(connection, batch_id)
            rows = connection.execute(batch_select().where(BATCHES.c.id.in_(ids))).all()
        by_id = {record.id: record for record in map(batch_record, rows)}
        return [by_id[i] for i in ids if i in by_id]

    def counts(self, batch_id: str) -> BatchCounts:
        """Document counts recomputed from the documents, to rebuild progress."""
        with self._tx.read() as connection:
            return batch_queries.batch_counts(connection, batch_id)

    def progress_figures(self, batch_id: str) -> ProgressFigures:
        """What the batch's progress is rebuilt from (see :class:`ProgressFigures`)."""
        with self._tx.read() as connection:
            return batch_queries.progress_figures(connection, batch_id)

    def totals(self, batch_id: str) -> dict[str, int]:
        """Stored pages, chunks, mentions, relationships and distinct entities."""
        with self._tx.read() as connection:
            return batch_queries.batch_totals(connection, batch_id)

    def stage_durations(self, batch_id: str) -> dict[Stage, StageDuration]:
        """Per-stage timings of a batch, from the event log."""
        with self._tx.read() as connection:
            return batch_queries.stage_durations(connection, batch_id)

    def events(self, batch_id: str, since_id: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Events of a batch after ``since_id``, oldest first."""
        with self._tx.read() as connection:
            return batch_queries.read_events(connection, batch_id, since_id, limit)
