"""Documents: the state machine's transactions (claim, complete, fail, release, hand off,
requeue, lease renewal) and every read of a document.

Each method is one transaction. State changes are compare-and-set UPDATEs whose matched
rows are checked (:mod:`docbatch.store.lifecycle`, :mod:`docbatch.store.leases`), and a
stage's results are written in the transaction that advances the document, so
redelivered or duplicated tasks never write twice and every document is counted toward
its batch exactly once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import ErrorCategory, NotFoundError
from docbatch.models import Stage
from docbatch.store import document_queries, leases, lifecycle
from docbatch.store.ids import resolve_id
from docbatch.store.records import (
    ClaimOutcome,
    ClaimResult,
    DocumentRecord,
    DocumentRef,
    DocumentState,
    Priority,
    StepResults,
    Transition,
)
from docbatch.store.result_writes import prepare_stages
from docbatch.store.rows import DOCUMENTS, document_record, in_batch, load_document
from docbatch.store.transactions import Transactor

__all__ = ["DocumentStore"]


class DocumentStore:
    """A document's state changes and reads, each one transaction run by ``tx``."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def _lease(self, lease_seconds: float | None) -> float:
        return self._tx.lease_seconds if lease_seconds is None else lease_seconds

    # -- the state machine --------------------------------------------------------------

    def claim(
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
        lease = self._lease(lease_seconds)

        def work(connection: Connection, grouped: bool = True) -> dict[str, ClaimResult]:
            now = self._tx.clock()
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
            claims = self._tx.write(work)
        except lifecycle.StaleTransitionError:
            # A grouped compare-and-set lost (the rows are locked, so it should not):
            # again, each claim with its own, so only the loser is refused.
            claims = self._tx.write(lambda connection: work(connection, grouped=False))
        return [claims[document_id] for document_id in document_ids]

    def renew_lease(
        self, document_id: str, stage: Stage, *, owner: str, lease_seconds: float | None = None
    ) -> bool:
        """Extend the caller's lease during a long stage; False if it is no longer held."""
        lease = self._lease(lease_seconds)
        return self._tx.write(
            lambda c: leases.renew_lease(c, document_id, stage, owner, lease, self._tx.clock())
        )

    def renew_leases(
        self, document_ids: Sequence[str], *, owner: str, lease_seconds: float | None = None
    ) -> list[str]:
        """Extend the live leases ``owner`` holds on ``document_ids`` (a heartbeat); the
        ids renewed. An expired or taken-over lease is left alone (see
        :func:`docbatch.store.leases.renew_leases`)."""
        lease = self._lease(lease_seconds)
        return self._tx.write(
            lambda c: leases.renew_leases(c, document_ids, owner, lease, self._tx.clock())
        )

    def complete(
        self, steps: Sequence[StepResults], *, lease_seconds: float | None = None
    ) -> list[Transition]:
        """Write each document's results of consecutive stages and advance it past the
        last one (or complete it after relate); their transitions in order.

        A step is falsy, with nothing written, when its document is no longer processing
        the first of its stages (or, with an ``owner``, when another owner has taken its
        lease over). With ``hold`` the lease stays the owner's: the caller goes on with
        the next stage. Several documents are one transaction (a group commit), their
        rows locked in id order; if any compare-and-set loses, it is rolled back and
        each document is committed on its own, so a stale step never costs another
        document its results.
        """
        lease = self._lease(lease_seconds)
        if len(steps) == 1:
            return [self._complete_one(steps[0], lease)]
        prepared = {
            step.document_id: prepare_stages(
                step.document_id, [(r.stage, r.payload) for r in step.results]
            )
            for step in steps
        }
        order = sorted(range(len(steps)), key=lambda i: steps[i].document_id)

        def work(connection: Connection) -> dict[int, Transition]:
            now = self._tx.clock()
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
                    lease_seconds=lease,
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
            done = self._tx.write(work)
        except lifecycle.StaleTransitionError:
            return [self._complete_one(step, lease) for step in steps]
        return [done[index] for index in range(len(steps))]

    def _complete_one(self, step: StepResults, lease: float) -> Transition:
        """One document's completion in its own transaction."""
        document_id = step.document_id
        # Rows built before the transaction: SQLite's write lock covers the writes only.
        prepared = prepare_stages(document_id, [(r.stage, r.payload) for r in step.results])

        def work(connection: Connection) -> Transition:
            doc = _locked(connection, document_id)
            return lifecycle.complete_stages(
                connection,
                doc,
                step.results,
                now=self._tx.clock(),
                lease_seconds=lease,
                owner=step.owner,
                hold=step.hold,
                prepared=prepared,
            )

        try:
            return self._tx.write(work)
        except lifecycle.StaleTransitionError:
            return Transition(False, self.get(document_id).batch_id)

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
            doc = _locked(connection, document_id)
            error = (ErrorCategory(category), code, reason)
            return lifecycle.fail(connection, doc, stage, error, self._tx.clock())

        return self._tx.write(work)

    def release(
        self, document_id: str, stage: Stage, *, owner: str | None = None, reason: str = ""
    ) -> bool:
        """Put a document processing ``stage`` back to pending (lease dropped, attempts kept).

        Used before a retry. With ``owner`` only that owner's (or an ownerless) lease is
        released; without, any lease is.
        """
        return self._tx.write(
            lambda c: leases.release(c, document_id, stage, reason, self._tx.clock(), owner)
        )

    def hand_off_to_ocr(self, document_id: str, *, owner: str | None = None) -> bool:
        """Release a document processing extract for an OCR worker (not an attempt).

        Later re-sends of the document go to the OCR step (see
        :func:`docbatch.store.leases.hand_off_to_ocr`). False if the lease is no longer
        ``owner``'s.
        """
        return self._tx.write(
            lambda c: leases.hand_off_to_ocr(c, document_id, owner, self._tx.clock())
        )

    def requeue(self, document_id: str, to_stage: Stage) -> bool:
        """Put an active document back to pending at ``to_stage`` unless its lease is live."""
        return self._tx.write(lambda c: leases.requeue(c, document_id, to_stage, self._tx.clock()))

    # -- reads --------------------------------------------------------------------------

    def get(self, document_id: str) -> DocumentRecord:
        """One document; raises :class:`NotFoundError` if it does not exist."""
        with self._tx.read() as connection:
            return load_document(connection, document_id)

    def resolve_id(self, given: str) -> str:
        """The full id of the document whose id is ``given`` or starts with it."""
        with self._tx.read() as connection:
            return resolve_id(connection, DOCUMENTS.c.id, given, "document")

    def holds_claim(self, document_id: str, owner: str) -> bool:
        """True while the document is processing under ``owner``'s claim."""
        with self._tx.read() as connection:
            row = connection.execute(
                sa.select(DOCUMENTS.c.state, DOCUMENTS.c.lease_owner).where(
                    DOCUMENTS.c.id == document_id
                )
            ).one_or_none()
        return row is not None and (row.state, row.lease_owner) == (
            DocumentState.PROCESSING.value,
            owner,
        )

    def of_batch(
        self,
        batch_id: str,
        state: DocumentState | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[DocumentRecord]:
        """Documents of a batch in a stable order (path, id), optionally of one state."""
        statement = sa.select(DOCUMENTS).where(in_batch(batch_id))
        if state is not None:
            statement = statement.where(DOCUMENTS.c.state == DocumentState(state).value)
        statement = statement.order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
        with self._tx.read() as connection:
            rows = connection.execute(statement.limit(limit).offset(offset))
            return [document_record(r) for r in rows]

    def pending(
        self,
        batch_id: str,
        id_range: tuple[str | None, str] | None = None,
        *,
        limit: int | None = None,
    ) -> list[DocumentRef]:
        """The batch's pending documents, each with its own stage and priority (what to
        send when enqueueing: a recovery batch's documents wait at their failed stage).

        ``id_range`` ``(after, upto]`` limits them to one fan-out slice (see
        :func:`docbatch.worker.dispatch.send_fanout`); ``limit`` to the first ones.
        """
        with self._tx.read() as connection:
            return document_queries.unfinished_documents(
                connection, batch_id, [DocumentState.PENDING], id_range=id_range, limit=limit
            )

    def id_slices(self, batch_id: str, size: int) -> list[tuple[str | None, str]]:
        """The batch's document ids cut into ranges ``(after, upto]`` of ``size`` each."""
        with self._tx.read() as connection:
            return document_queries.id_slices(connection, batch_id, size)

    def unfinished(self, batch_id: str) -> list[DocumentRef]:
        """The batch's pending and processing documents, with stage and priority."""
        with self._tx.read() as connection:
            return document_queries.unfinished_documents(connection, batch_id)

    # -- priorities (see docbatch.worker.fairness) --------------------------------------

    def finished_by_priority(self, since: datetime) -> dict[Priority, int]:
        """Documents completed or failed since ``since``, per priority of their batch."""
        with self._tx.read() as connection:
            return document_queries.finished_by_priority(connection, since)

    def unfinished_by_priority(self, priority: Priority, limit: int) -> list[DocumentRef]:
        """The oldest unfinished documents of active batches of ``priority``."""
        with self._tx.read() as connection:
            return document_queries.unfinished_by_priority(connection, priority, limit)

    def documents_ahead(self, batch_id: str) -> int:
        """Unfinished documents of batches the brokers serve before this one."""
        with self._tx.read() as connection:
            return document_queries.documents_ahead(connection, batch_id)


def _locked(connection: Connection, document_id: str) -> DocumentRecord:
    doc = lifecycle.lock_document(connection, document_id)
    if doc is None:
        raise NotFoundError(f"document {document_id} does not exist")
    return doc
