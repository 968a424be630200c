"""Parked retries: a document released for a retry by the retry policy, and sent when due.

:meth:`RetryStore.schedule` hands a failed claim back (optionally parked until
``retry_at``); :meth:`RetryStore.take_due` un-parks the documents whose time has come, for
the reconciler to send. The policy deciding when to retry is :mod:`docbatch.engine.retry`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.leases import releasable
from docbatch.store.records import DocumentRef, DocumentState, EventKind, Priority
from docbatch.store.rows import BATCHES, DOCUMENTS, record_event
from docbatch.store.transactions import Transactor

__all__ = ["RetryStore"]

_PENDING = DocumentState.PENDING.value


class RetryStore:
    """Releasing documents for a retry and taking the parked ones that are due."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def schedule(
        self,
        document_id: str,
        stage: Stage,
        *,
        owner: str | None,
        reason: str,
        retry_at: datetime | None,
    ) -> bool:
        """Release a document processing ``stage`` for a retry by the retry policy.

        The claim that failed is handed back (``attempts`` counts only runs that ended
        without an answer, such as a killed worker) and ``retries`` grows by one. With
        ``retry_at`` the document is parked until then and the reconciler sends it; without,
        the caller sends the retry itself. False if the lease is no longer ``owner``'s.
        """

        def work(connection: Connection) -> bool:
            row = connection.execute(
                sa.update(DOCUMENTS)
                .where(*releasable(document_id, stage, owner))
                .values(
                    state=_PENDING,
                    lease_expires_at=None,
                    lease_owner=None,
                    attempts=sa.case((DOCUMENTS.c.attempts > 0, DOCUMENTS.c.attempts - 1), else_=0),
                    retries=DOCUMENTS.c.retries + 1,
                    retry_at=retry_at,
                    updated_at=self._tx.clock(),
                )
                .returning(DOCUMENTS.c.batch_id, DOCUMENTS.c.retries)
            ).one_or_none()
            if row is None:
                return False
            kind = EventKind.RETRIED if retry_at is None else EventKind.RETRY_SCHEDULED
            detail: dict[str, Any] = {"reason": reason[:500], "retry": row.retries}
            if retry_at is not None:
                detail["retry_at"] = retry_at.isoformat()
            record_event(
                connection, kind, self._tx.clock(), batch_id=row.batch_id, document_id=document_id,
                stage=stage, attempt=row.retries, detail=detail,
            )  # fmt: skip
            return True

        return self._tx.write(work)

    def take_due(self, now: datetime | None = None, limit: int = 1000) -> list[DocumentRef]:
        """Parked documents whose ``retry_at`` has passed, un-parked for sending now.

        A document is returned by one call only (its ``retry_at`` is cleared in the same
        transaction; concurrent calls skip each other's rows rather than wait). If
        sending then fails, the document is an ordinary pending one and the reconciler's
        lost-message rule sends it later.
        """
        when = now or self._tx.clock()

        def work(connection: Connection) -> list[DocumentRef]:
            rows = connection.execute(
                sa.select(
                    DOCUMENTS.c.id, DOCUMENTS.c.batch_id, DOCUMENTS.c.stage,
                    DOCUMENTS.c.attempts, DOCUMENTS.c.needs_ocr, BATCHES.c.priority,
                )
                .join(BATCHES, BATCHES.c.id == sa.func.coalesce(
                    DOCUMENTS.c.recovery_batch_id, DOCUMENTS.c.batch_id))
                .where(DOCUMENTS.c.state == _PENDING, DOCUMENTS.c.retry_at <= when)
                .order_by(DOCUMENTS.c.retry_at)
                .limit(limit)
                # Rows another session holds (a frozen one, or a second reconciler) are
                # left for a later pass instead of waited for (PostgreSQL; ignored on
                # SQLite, whose write transaction is already exclusive).
                .with_for_update(of=DOCUMENTS, skip_locked=True)
            ).all()  # fmt: skip
            if not rows:
                return []
            connection.execute(
                sa.update(DOCUMENTS)
                .where(DOCUMENTS.c.id.in_([r.id for r in rows]), DOCUMENTS.c.state == _PENDING)
                .values(retry_at=None, updated_at=when)
            )
            return [
                DocumentRef(r.id, r.batch_id, DocumentState.PENDING, Stage(r.stage), r.attempts,
                            Priority(r.priority), r.needs_ocr)
                for r in rows
            ]  # fmt: skip

        return self._tx.write(work)
