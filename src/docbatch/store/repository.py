"""The repository: every read and state change of the system of record.

Each method is one transaction. State changes are compare-and-set UPDATEs whose matched
rows are checked, and a stage's results are written in the transaction that advances the
document, so redelivered or duplicated tasks never write twice and every document is
counted toward its batch exactly once. Methods return frozen records, never ORM objects.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, PendingRollbackError

from docbatch.errors import DatabaseBusyError, ErrorCategory, NotFoundError
from docbatch.models import Stage
from docbatch.store import batches, lifecycle, recovery
from docbatch.store.db import Database, busy_error
from docbatch.store.ocr_ranges import OcrRangeStore
from docbatch.store.reads import RepositoryReads
from docbatch.store.records import (
    BatchRecord,
    ClaimOutcome,
    ClaimResult,
    DocumentRecord,
    DocumentRef,
    NewDocument,
    Priority,
    StageResult,
    StepResults,
    Transition,
)
from docbatch.store.recovery_store import RecoveryStore
from docbatch.store.results import prepare_stages
from docbatch.store.rows import (
    BATCHES,
)
from docbatch.store.tables import utcnow

__all__ = ["Repository"]

T = TypeVar("T")
#: PostgreSQL deadlock and serialisation failures: the transaction is safe to re-run.
_RETRY_SQLSTATES = {"40P01", "40001"}


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__


def _retryable(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


class Repository(RepositoryReads, RecoveryStore):
    """Compare-and-set writes (and, inherited, every read) over one :class:`Database`.

    ``clock`` returns the current UTC time (tests move it); ``lease_seconds`` is the
    default lease length for claims and stage hand-offs.
    """

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        lease_seconds: float = 60,
        retries: int = 5,
    ) -> None:
        self.database = database
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.retries = retries
        #: The page ranges of big scans being OCR'd by several workers.
        self.ocr_ranges = OcrRangeStore(self._write, lambda: self.clock())

    # -- transactions -------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, re-running it after a deadlock.

        A wait that ran out (a lock held by a frozen session, see
        :class:`~docbatch.store.db.SessionLimits`) raises
        :class:`~docbatch.errors.DatabaseBusyError`, a transient error, at once: the
        caller's retry comes later instead of queueing again behind the same holder. So
        does a session the server ended under the transaction (an idle-in-transaction
        timeout can surface as a lost connection, or as SQLAlchemy's "invalid
        transaction" once the connection was invalidated): nothing of it committed.
        """
        for attempt in range(self.retries + 1):
            try:
                with self.database.engine.begin() as connection:
                    return work(connection)
            except PendingRollbackError as exc:
                raise DatabaseBusyError(f"database session ended mid-transaction: {exc}") from exc
            except DBAPIError as exc:
                busy = busy_error(exc)
                if busy is None and exc.connection_invalidated:
                    busy = DatabaseBusyError(f"database session ended: {_first_line(exc)}")
                if busy is not None:
                    raise busy from exc
                if attempt >= self.retries or not _retryable(exc):
                    raise
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _locked(self, connection: Connection, document_id: str) -> DocumentRecord:
        doc = lifecycle.lock_document(connection, document_id)
        if doc is None:
            raise NotFoundError(f"document {document_id} does not exist")
        return doc

    # -- projects and batches -----------------------------------------------------------

    def ensure_project(self, name: str) -> int:
        """The id of project ``name``, created if missing (safe under races)."""
        return self._write(lambda c: batches.ensure_project(c, name, self.clock()))

    def create_batch(
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
            now = self.clock()
            batches.insert_batch(
                connection,
                batch_id=new_id,
                project_id=(
                    project
                    if isinstance(project, int)
                    else batches.ensure_project(connection, project, now)
                ),
                documents=documents,
                priority=Priority(priority),
                options=options or {},
                name=name,
                parent_batch_id=parent_batch_id,
                now=now,
            )

        self._write(work)
        return self.get_batch(new_id)

    def mark_enqueued(self, batch_id: str) -> bool:
        """Record that every document of the batch was handed to the broker."""

        def work(connection: Connection) -> bool:
            statement = (
                sa.update(BATCHES).where(BATCHES.c.id == batch_id).values(enqueued_at=self.clock())
            )
            return connection.execute(statement).rowcount == 1

        return self._write(work)

    def cancel_batch(self, batch_id: str) -> Transition:
        """Cancel the batch's active documents (counted) and the batch itself.

        Truthy, with ``batch_finalized``, when this call moved the batch to cancelled.
        """
        finalized = self._write(lambda c: batches.cancel_batch(c, batch_id, self.clock()))
        return Transition(finalized, batch_id, finalized)

    # -- the document state machine -----------------------------------------------------

    def claim_many(
        self,
        document_ids: Sequence[str],
        stage: Stage,
        *,
        owner: str,
        max_attempts: int,
        lease_seconds: float | None = None,
    ) -> list[ClaimResult]:
        """Take the lease to run ``stage`` on each document (see :class:`ClaimOutcome`),
        in one transaction; the results in the given order.

        Pass the broker's task id as ``owner``: a redelivery of the same message may then
        take over its own live lease, while a duplicate message is refused as BUSY.
        Rows are locked in id order (no deadlock between overlapping groups on
        PostgreSQL). A document that does not exist is refused (SKIP), not raised: one
        bad id must not cost the others their step.
        """
        lease = self.lease_seconds if lease_seconds is None else lease_seconds

        def work(connection: Connection, grouped: bool = True) -> dict[str, ClaimResult]:
            now = self.clock()
            locked = lifecycle.lock_documents(connection, document_ids)
            ledger = lifecycle.GroupLedger() if grouped else None
            found: dict[str, ClaimResult] = {}
            for document_id in sorted(set(document_ids)):
                doc = locked.get(document_id)
                if doc is None:
                    found[document_id] = ClaimResult(
                        ClaimOutcome.SKIP, document_id, "", stage, 0, "document does not exist"
                    )
                    continue
                found[document_id] = lifecycle.claim(
                    connection,
                    doc,
                    stage,
                    now=now,
                    lease_seconds=lease,
                    owner=owner,
                    max_attempts=max_attempts,
                    ledger=ledger,
                )
            if ledger is not None:
                ledger.flush(connection, now)  # claims finish no document through it
            return found

        try:
            claims = self._write(work)
        except lifecycle.StaleTransitionError:
            # A grouped compare-and-set lost (the rows are locked, so it should not):
            # again, each claim with its own, so only the loser is refused.
            claims = self._write(lambda connection: work(connection, grouped=False))
        return [claims[document_id] for document_id in document_ids]

    def renew_lease(
        self, document_id: str, stage: Stage, *, owner: str, lease_seconds: float | None = None
    ) -> bool:
        """Extend the caller's lease during a long stage; False if it is no longer held."""
        lease = self.lease_seconds if lease_seconds is None else lease_seconds
        return self._write(
            lambda c: recovery.renew_lease(c, document_id, stage, owner, lease, self.clock())
        )

    def renew_leases(
        self, document_ids: Sequence[str], *, owner: str, lease_seconds: float | None = None
    ) -> list[str]:
        """Extend the live leases ``owner`` holds on ``document_ids`` (a heartbeat); the
        ids renewed. An expired or taken-over lease is left alone (see
        :func:`docbatch.store.recovery.renew_leases`)."""
        lease = self.lease_seconds if lease_seconds is None else lease_seconds
        return self._write(
            lambda c: recovery.renew_leases(c, document_ids, owner, lease, self.clock())
        )

    def complete_stages(
        self,
        document_id: str,
        results: Sequence[StageResult],
        *,
        lease_seconds: float | None = None,
        owner: str | None = None,
        hold: bool = False,
    ) -> Transition:
        """Write the results of consecutive stages in one transaction and advance the
        document past the last one (or complete it after relate).

        Falsy, with nothing written, when the document is no longer processing the
        first of them (or, with ``owner``, when another owner has taken its lease over).
        With ``hold`` the lease stays ``owner``'s: the caller goes on with the next stage.
        """
        lease = self.lease_seconds if lease_seconds is None else lease_seconds
        # Rows built before the transaction: SQLite's write lock covers the writes only.
        prepared = prepare_stages(document_id, [(r.stage, r.payload) for r in results])

        def work(connection: Connection) -> Transition:
            doc = self._locked(connection, document_id)
            return lifecycle.complete_stages(
                connection,
                doc,
                results,
                now=self.clock(),
                lease_seconds=lease,
                owner=owner,
                hold=hold,
                prepared=prepared,
            )

        try:
            return self._write(work)
        except lifecycle.StaleTransitionError:
            return Transition(False, self.get_document(document_id).batch_id)

    def complete_many(self, steps: Sequence[StepResults]) -> list[Transition]:
        """:meth:`complete_stages` for several documents in one transaction (a group
        commit), returning their transitions in order.

        Rows are locked in id order. If any compare-and-set loses, the transaction is
        rolled back and each document is committed on its own, so a stale step never
        costs another document its results.
        """
        if len(steps) == 1:
            (step,) = steps
            return [
                self.complete_stages(
                    step.document_id, step.results, owner=step.owner, hold=step.hold
                )
            ]
        prepared = {
            step.document_id: prepare_stages(
                step.document_id, [(r.stage, r.payload) for r in step.results]
            )
            for step in steps
        }
        order = sorted(range(len(steps)), key=lambda i: steps[i].document_id)

        def work(connection: Connection) -> dict[int, Transition]:
            now = self.clock()
            locked = lifecycle.lock_documents(connection, [step.document_id for step in steps])
            ledger = lifecycle.GroupLedger()
            done: dict[int, Transition] = {}
            for index in order:
                step = steps[index]
                doc = locked.get(step.document_id)
                if doc is None:
                    raise NotFoundError(f"document {step.document_id} does not exist")
                done[index] = lifecycle.complete_stages(
                    connection,
                    doc,
                    step.results,
                    now=now,
                    lease_seconds=self.lease_seconds,
                    owner=step.owner,
                    hold=step.hold,
                    prepared=prepared[step.document_id],
                    ledger=ledger,
                )
            ledger.flush(connection, now)
            finalized = set(ledger.finalized)
            # The last of a batch's documents in the group carries its finalisation.
            for index in reversed(order):
                if done[index].batch_id in finalized:
                    finalized.discard(done[index].batch_id)
                    done[index] = dataclasses.replace(done[index], batch_finalized=True)
            return done

        try:
            done = self._write(work)
        except lifecycle.StaleTransitionError:
            return [
                self.complete_stages(s.document_id, s.results, owner=s.owner, hold=s.hold)
                for s in steps
            ]
        return [done[index] for index in range(len(steps))]

    def fail(
        self,
        document_id: str,
        stage: Stage | None,
        category: ErrorCategory,
        code: str,
        reason: str,
    ) -> Transition:
        """Fail an active document still at ``stage`` (any stage if None), counted once."""

        def work(connection: Connection) -> Transition:
            doc = self._locked(connection, document_id)
            error = (ErrorCategory(category), code, reason)
            return lifecycle.fail(connection, doc, stage, error, self.clock())

        return self._write(work)

    def release(
        self, document_id: str, stage: Stage, *, owner: str | None = None, reason: str = ""
    ) -> bool:
        """Put a document processing ``stage`` back to pending (lease dropped, attempts kept).

        Used before a retry. With ``owner`` only that owner's (or an ownerless) lease is
        released; without, any lease is.
        """
        return self._write(
            lambda c: recovery.reset_for_retry(c, document_id, stage, reason, self.clock(), owner)
        )

    def hand_off_to_ocr(self, document_id: str, *, owner: str | None = None) -> bool:
        """Release a document processing extract for an OCR worker (not an attempt).

        Later re-sends of the document go to the OCR step (see
        :func:`docbatch.store.recovery.hand_off_to_ocr`). False if the lease is no longer
        ``owner``'s.
        """
        return self._write(lambda c: recovery.hand_off_to_ocr(c, document_id, owner, self.clock()))

    def reset_for_retry(self, document_id: str, stage: Stage, reason: str = "") -> bool:
        """:meth:`release` without an owner check."""
        return self.release(document_id, stage, reason=reason)

    def requeue(self, document_id: str, to_stage: Stage) -> bool:
        """Put an active document back to pending at ``to_stage`` unless its lease is live."""
        return self._write(lambda c: recovery.requeue(c, document_id, to_stage, self.clock()))

    def expired_leases(self, now: datetime | None = None, limit: int = 1000) -> list[DocumentRef]:
        """Processing documents whose lease ended before ``now`` (default: the clock)."""
        return super().expired_leases(now or self.clock(), limit)
