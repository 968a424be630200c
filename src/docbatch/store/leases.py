"""Leases: renewing, releasing, requeueing, and finding expired leases and lost messages.

The reconciler asks (through :class:`LeaseStore`) for documents whose lease expired
(killed worker) or that sat pending far longer than their batch has been enqueued (lost
message, broker restarted empty), requeues them with a compare-and-set that refuses live
leases, and enqueues them again, at the step they were in (a document handed to OCR is
re-sent to OCR). Attempts stay bounded because every claim counts one; a hand-off to OCR
gives its claim back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.records import BatchState, DocumentRef, DocumentState, EventKind, Priority
from docbatch.store.rows import BATCHES, DOCUMENTS, record_event
from docbatch.store.transactions import Transactor

__all__ = [
    "LeaseStore",
    "expired_leases",
    "hand_off_to_ocr",
    "release",
    "renew_lease",
    "renew_leases",
    "requeue",
    "stale_pending",
]

_PENDING = DocumentState.PENDING.value
_PROCESSING = DocumentState.PROCESSING.value


def requeue(connection: Connection, document_id: str, to_stage: Stage, now: datetime) -> bool:
    """Put an active document back to pending at ``to_stage``, unless its lease is live."""
    lease_over = sa.or_(DOCUMENTS.c.lease_expires_at.is_(None), DOCUMENTS.c.lease_expires_at < now)
    row = connection.execute(
        sa.update(DOCUMENTS)
        .where(
            DOCUMENTS.c.id == document_id,
            sa.or_(
                DOCUMENTS.c.state == _PENDING,
                sa.and_(DOCUMENTS.c.state == _PROCESSING, lease_over),
            ),
        )
        .values(
            state=_PENDING,
            stage=to_stage.value,
            # Attempts count claims of the current stage: kept when the stage is retried.
            attempts=sa.case((DOCUMENTS.c.stage == to_stage.value, DOCUMENTS.c.attempts), else_=0),
            lease_expires_at=None,
            lease_owner=None,
            updated_at=now,
        )
        .returning(DOCUMENTS.c.batch_id, DOCUMENTS.c.attempts)
    ).one_or_none()
    if row is None:
        return False
    record_event(
        connection,
        EventKind.REQUEUED,
        now,
        batch_id=row.batch_id,
        document_id=document_id,
        stage=to_stage,
        attempt=row.attempts,
    )
    return True


def releasable(document_id: str, stage: Stage, owner: str | None) -> list[Any]:
    """WHERE conditions: the document is processing ``stage`` under ``owner``'s lease (or
    an ownerless one; any lease when ``owner`` is None)."""
    owned = (
        sa.true()
        if owner is None
        else sa.or_(DOCUMENTS.c.lease_owner.is_(None), DOCUMENTS.c.lease_owner == owner)
    )
    return [
        DOCUMENTS.c.id == document_id,
        DOCUMENTS.c.state == _PROCESSING,
        DOCUMENTS.c.stage == stage.value,
        owned,
    ]


def release(
    connection: Connection,
    document_id: str,
    stage: Stage,
    reason: str,
    now: datetime,
    owner: str | None = None,
) -> bool:
    """Release the lease of a document processing ``stage`` so a retry can claim it.

    The attempt count is kept: retries are bounded by the same ``max_attempts``. With
    ``owner`` only that owner's lease (or an ownerless one) is released.
    """
    row = connection.execute(
        sa.update(DOCUMENTS)
        .where(*releasable(document_id, stage, owner))
        .values(state=_PENDING, lease_expires_at=None, lease_owner=None, updated_at=now)
        .returning(DOCUMENTS.c.batch_id, DOCUMENTS.c.attempts)
    ).one_or_none()
    if row is None:
        return False
    record_event(
        connection,
        EventKind.RETRIED,
        now,
        batch_id=row.batch_id,
        document_id=document_id,
        stage=stage,
        attempt=row.attempts,
        detail={"reason": reason},
    )
    return True


def hand_off_to_ocr(
    connection: Connection, document_id: str, owner: str | None, now: datetime
) -> bool:
    """Give up the extract lease for an OCR worker; the claim is handed back.

    A hand-off is not an attempt (attempts count runs that crashed or failed), so the
    attempt the extract claim took is returned, and ``needs_ocr`` makes every later
    re-send of the document (reconciler, resume, parked retry) the OCR step.
    """
    row = connection.execute(
        sa.update(DOCUMENTS)
        .where(*releasable(document_id, Stage.EXTRACT, owner))
        .values(
            state=_PENDING,
            lease_expires_at=None,
            lease_owner=None,
            attempts=sa.case((DOCUMENTS.c.attempts > 0, DOCUMENTS.c.attempts - 1), else_=0),
            needs_ocr=True,
            updated_at=now,
        )
        .returning(DOCUMENTS.c.batch_id, DOCUMENTS.c.attempts)
    ).one_or_none()
    if row is None:
        return False
    record_event(
        connection,
        EventKind.HANDED_OFF,
        now,
        batch_id=row.batch_id,
        document_id=document_id,
        stage=Stage.EXTRACT,
        attempt=row.attempts,
        detail={"to": "ocr"},
    )
    return True


def renew_lease(
    connection: Connection,
    document_id: str,
    stage: Stage,
    owner: str,
    lease_seconds: float,
    now: datetime,
) -> bool:
    """Extend the live lease ``owner`` holds on ``document_id`` at ``stage``."""
    renewed = renew_leases(connection, [document_id], owner, lease_seconds, now, stage=stage)
    return renewed == [document_id]


def renew_leases(
    connection: Connection,
    document_ids: Sequence[str],
    owner: str,
    lease_seconds: float,
    now: datetime,
    *,
    stage: Stage | None = None,
) -> list[str]:
    """Extend the leases ``owner`` still holds on ``document_ids``; the ids renewed.

    A compare-and-set: the document is processing (at ``stage``, when given) under
    ``owner``'s lease, and that lease has not run out. A lease that expired is never
    revived (the reconciler may already have re-sent the document), nor is one another
    owner took over. On PostgreSQL a row locked by another transaction (this worker's
    own commit of the document, or a frozen session) is skipped rather than waited for:
    the next heartbeat tries it again.
    """
    if not document_ids:
        return []
    conditions = [
        DOCUMENTS.c.id.in_(sorted(set(document_ids))),
        DOCUMENTS.c.state == _PROCESSING,
        DOCUMENTS.c.lease_owner == owner,
        DOCUMENTS.c.lease_expires_at > now,
    ]
    if stage is not None:
        conditions.append(DOCUMENTS.c.stage == stage.value)
    select = sa.select(DOCUMENTS.c.id).where(*conditions).order_by(DOCUMENTS.c.id)
    if connection.dialect.name == "postgresql":
        select = select.with_for_update(skip_locked=True)
    held = [row.id for row in connection.execute(select)]
    if not held:
        return []
    connection.execute(
        sa.update(DOCUMENTS)
        .where(DOCUMENTS.c.id.in_(held), DOCUMENTS.c.lease_owner == owner)
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)
    )
    return held


def _refs(rows: Sequence[sa.Row[Any]]) -> list[DocumentRef]:
    return [
        DocumentRef(
            r.id,
            r.batch_id,
            DocumentState(r.state),
            Stage(r.stage),
            r.attempts,
            Priority(r.priority),
            r.needs_ocr,
        )
        for r in rows
    ]


def _ref_select() -> sa.Select[Any]:
    return sa.select(
        DOCUMENTS.c.id,
        DOCUMENTS.c.batch_id,
        DOCUMENTS.c.state,
        DOCUMENTS.c.stage,
        DOCUMENTS.c.attempts,
        DOCUMENTS.c.needs_ocr,
        BATCHES.c.priority,
    ).join(
        # A re-opened document belongs to its recovery batch while it runs again.
        BATCHES,
        BATCHES.c.id == sa.func.coalesce(DOCUMENTS.c.recovery_batch_id, DOCUMENTS.c.batch_id),
    )


def expired_leases(connection: Connection, now: datetime, limit: int) -> list[DocumentRef]:
    """Processing documents whose lease ended before ``now``, oldest lease first."""
    rows = connection.execute(
        _ref_select()
        .where(DOCUMENTS.c.state == _PROCESSING, DOCUMENTS.c.lease_expires_at < now)
        .order_by(DOCUMENTS.c.lease_expires_at)
        .limit(limit)
    )
    return _refs(rows.all())


def stale_pending(connection: Connection, older_than: datetime, limit: int) -> list[DocumentRef]:
    """Pending documents untouched since ``older_than`` in batches enqueued before it.

    Choose ``older_than`` well beyond how long a healthy queue takes to drain: a
    document still waiting its turn in a long queue looks just like a lost one, and
    re-enqueueing it only costs a duplicate message (the second claim is refused).
    """
    rows = connection.execute(
        _ref_select()
        .where(
            DOCUMENTS.c.state == _PENDING,
            DOCUMENTS.c.updated_at < older_than,
            # A parked retry is sent by its own rule once due, not as a lost message.
            sa.or_(DOCUMENTS.c.retry_at.is_(None), DOCUMENTS.c.retry_at < older_than),
            BATCHES.c.enqueued_at < older_than,
            BATCHES.c.state.in_((BatchState.PENDING.value, BatchState.RUNNING.value)),
        )
        .order_by(DOCUMENTS.c.updated_at, DOCUMENTS.c.id)
        .limit(limit)
    )
    return _refs(rows.all())


class LeaseStore:
    """The reconciler's reads: expired leases and stale pending documents."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def expired(self, now: datetime | None = None, limit: int = 1000) -> list[DocumentRef]:
        """Processing documents whose lease ended before ``now`` (default: the clock)."""
        when = now or self._tx.clock()
        with self._tx.read() as connection:
            return expired_leases(connection, when, limit)

    def stale_pending(self, older_than: datetime, limit: int = 1000) -> list[DocumentRef]:
        """Pending documents of batches enqueued before ``older_than`` (lost messages)."""
        with self._tx.read() as connection:
            return stale_pending(connection, older_than, limit)
