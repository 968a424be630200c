"""Repository methods for error recovery: parked retries, recovery batches, quarantine.

:class:`RecoveryStore` is mixed into :class:`~docbatch.store.repository.Repository`;
each method is one transaction, like every repository method. The SQL lives in
:mod:`docbatch.store.reopen` (recovery batches) and
:mod:`docbatch.store.quarantine_store`; parked retries are here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store import quarantine_store, reopen
from docbatch.store.quarantine_store import QuarantineEntry
from docbatch.store.records import DocumentRef, DocumentState, EventKind, Priority
from docbatch.store.recovery import releasable
from docbatch.store.rows import BATCHES, DOCUMENTS, chunked, record_event

__all__ = ["RecoveryStore"]

T = TypeVar("T")
_PENDING = DocumentState.PENDING.value
_PROCESSING = DocumentState.PROCESSING.value


class RecoveryStore:
    """Parked retries, recovery batches and the quarantine (mixed into Repository)."""

    if TYPE_CHECKING:
        clock: Callable[[], datetime]

        def _write(self, work: Callable[[Connection], T]) -> T: ...

        def _read(self) -> AbstractContextManager[Connection]: ...

    # -- retries ------------------------------------------------------------------------

    def schedule_retry(
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
                    updated_at=self.clock(),
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
                connection, kind, self.clock(), batch_id=row.batch_id, document_id=document_id,
                stage=stage, attempt=row.retries, detail=detail,
            )  # fmt: skip
            return True

        return self._write(work)

    def take_due_retries(self, now: datetime | None = None, limit: int = 1000) -> list[DocumentRef]:
        """Parked documents whose ``retry_at`` has passed, un-parked for sending now.

        A document is returned by one call only (its ``retry_at`` is cleared in the same
        transaction; concurrent calls skip each other's rows rather than wait). If
        sending then fails, the document is an ordinary pending one and the reconciler's
        lost-message rule sends it later.
        """
        when = now or self.clock()

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

        return self._write(work)

    def record_sha256(self, document_id: str, sha256: str) -> bool:
        """Store the sha256 of a document's bytes if not yet known (quarantine needs it)."""

        def work(connection: Connection) -> bool:
            return (
                connection.execute(
                    sa.update(DOCUMENTS)
                    .where(DOCUMENTS.c.id == document_id, DOCUMENTS.c.sha256.is_(None))
                    .values(sha256=sha256)
                ).rowcount
                == 1
            )

        return self._write(work)

    # -- recovery batches ---------------------------------------------------------------

    def failed_documents(
        self, batch_id: str, categories: Iterable[str] | None = None
    ) -> list[tuple[str, str | None]]:
        """``(document id, failed stage)`` of the batch's failed documents."""
        with self._read() as connection:
            return reopen.failed_documents(connection, batch_id, categories)

    def failure_examples(self, batch_id: str, per_group: int = 3) -> list[dict[str, Any]]:
        """Failures grouped by category, code and stage, with examples."""
        with self._read() as connection:
            return reopen.failure_examples(connection, batch_id, per_group)

    def create_recovery_batch(
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
        return self._write(
            lambda c: reopen.create_recovery_batch(
                c, recovery_id=recovery_id, original_id=original_id, documents=documents,
                from_stage=from_stage, priority=priority, options=options, now=self.clock(),
            )
        )  # fmt: skip

    # -- cache warming ------------------------------------------------------------------

    def completed_by_sha256(self, sha256s: Sequence[str]) -> list[tuple[str, str, dict[str, str]]]:
        """Completed documents with these sha256s: ``(sha256, document id, stage versions)``.

        The versions are the ``versions`` the document's batch recorded in its options
        (empty when it recorded none); newest documents first.
        """
        found: list[tuple[str, str, dict[str, str]]] = []
        with self._read() as connection:
            for part in chunked(sorted(set(sha256s)), 500):
                rows = connection.execute(
                    sa.select(DOCUMENTS.c.sha256, DOCUMENTS.c.id, BATCHES.c.options)
                    .join(BATCHES, BATCHES.c.id == DOCUMENTS.c.batch_id)
                    .where(
                        DOCUMENTS.c.sha256.in_(list(part)),
                        DOCUMENTS.c.state == DocumentState.COMPLETED.value,
                    )
                    .order_by(DOCUMENTS.c.finished_at.desc())
                )
                found.extend((r.sha256, r.id, _versions(r.options)) for r in rows)
        return found

    # -- quarantine ---------------------------------------------------------------------

    def quarantine_entries(self, sha256: str, threshold: int) -> list[QuarantineEntry]:
        """Entries quarantining ``sha256`` now (empty when it may run)."""
        if threshold <= 0:
            return []
        with self._read() as connection:
            return quarantine_store.active_entries(connection, sha256, threshold)

    def quarantined_sha256s(self, threshold: int, limit: int = 1000) -> frozenset[str] | None:
        """The sha256 of all content quarantined now; None when there are more than
        ``limit`` (look each one up with :meth:`quarantine_entries` then)."""
        if threshold <= 0:
            return frozenset()
        with self._read() as connection:
            return quarantine_store.active_sha256s(connection, threshold, limit)

    def list_quarantine(
        self, threshold: int, *, include_all: bool = False
    ) -> list[QuarantineEntry]:
        """Quarantined entries, or every failure record with ``include_all``."""
        with self._read() as connection:
            return quarantine_store.list_entries(connection, threshold, include_all=include_all)

    def release_quarantine(self, sha256: str) -> int:
        """Release ``sha256`` from quarantine; returns how many entries were released."""
        return self._write(lambda c: quarantine_store.release(c, sha256, self.clock()))


def _versions(options: Any) -> dict[str, str]:
    """The stage versions a batch recorded: ``options["pipeline"]["versions"]``."""
    options = options or {}
    versions = options.get("versions") or (options.get("pipeline") or {}).get("versions") or {}
    return {str(k): str(v) for k, v in versions.items()}
