"""The document state machine and exactly-once batch accounting.

Every function here runs inside the caller's transaction and changes state only with
conditional (compare-and-set) UPDATEs whose matched rows it checks. A document's terminal
transition increments its batch's counter in the same transaction, and the batch
finalises with one more compare-and-set on ``batches.state``, so each document counts
once and each batch finalises once however often a task is delivered.

Lock order is always document row, then batch row, which keeps PostgreSQL free of
deadlocks between these transactions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch import faults
from docbatch.errors import ErrorCategory
from docbatch.models import Stage
from docbatch.store import children, counters, quarantine, recovery
from docbatch.store.records import (
    BatchState,
    ClaimOutcome,
    ClaimResult,
    DocumentRecord,
    DocumentState,
    EventKind,
    ExtractResult,
    StageResult,
    Transition,
)
from docbatch.store.result_writes import PreparedStages, write_stages
from docbatch.store.rows import (
    BATCHES,
    DOCUMENTS,
    chunked,
    document_record,
    event_values,
    record_events,
)

__all__ = [
    "ACTIVE_STATES",
    "GroupLedger",
    "StaleTransitionError",
    "claim",
    "complete_stages",
    "fail",
    "finish_document",
    "lock_document",
    "lock_documents",
]

ACTIVE_STATES = (DocumentState.PENDING.value, DocumentState.PROCESSING.value)


class StaleTransitionError(Exception):
    """Raised inside a transaction to roll back writes whose compare-and-set lost."""


@dataclasses.dataclass
class GroupLedger:
    """The event rows and batch counter changes of documents, written together.

    A group (one task's documents) is claimed, and later completed, document by document
    inside one transaction. Their events and batch counters would cost a statement or
    two each; they are collected here instead and written by :meth:`flush`, after every
    document row was changed, so the lock order stays documents, then batches (in id
    order). A single step uses a ledger of its own, flushed at once.
    """

    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    #: The claims' compare-and-set parameters (see :data:`_CLAIM`), one statement for all.
    claims: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    started: set[str] = dataclasses.field(default_factory=set)
    #: (batch id, terminal state) -> [documents, pages]
    terminal: dict[tuple[str, DocumentState], list[int]] = dataclasses.field(default_factory=dict)
    #: The batches the flushes so far finalised.
    finalized: set[str] = dataclasses.field(default_factory=set)

    def count(self, batch_id: str, state: DocumentState, pages: int) -> None:
        """One more document of ``batch_id`` reached ``state``."""
        counted = self.terminal.setdefault((batch_id, state), [0, 0])
        counted[0] += 1
        counted[1] += pages

    def flush(self, connection: Connection, now: datetime) -> None:
        """Take the leases, write the events, start the batches, add the counts (see
        :attr:`finalized`).

        Raises :class:`StaleTransitionError` if a claim's compare-and-set matched no row
        (its document changed although the caller locked it), so the caller's
        transaction rolls back.
        """
        if self.claims:
            matched = connection.execute(_CLAIM, self.claims).rowcount
            if matched != len(self.claims):
                raise StaleTransitionError(f"{len(self.claims) - matched} claims lost a race")
        record_events(connection, self.events)
        for batch_id in sorted(self.started):
            _start_batch(connection, batch_id, now)
        for (batch_id, state), (documents, pages) in sorted(
            self.terminal.items(), key=lambda item: (item[0][0], item[0][1].value)
        ):
            if counters.count_terminal(connection, batch_id, state, documents, pages, now=now):
                self.finalized.add(batch_id)
        self.events, self.claims, self.started, self.terminal = [], [], set(), {}


# A claim's compare-and-set: the document is still in the state, stage and attempt count
# it was read (and locked) in. Executed once for all the claims a ledger holds.
_CLAIM = (
    sa.update(DOCUMENTS)
    .where(
        DOCUMENTS.c.id == sa.bindparam("b_id"),
        DOCUMENTS.c.state == sa.bindparam("b_state"),
        DOCUMENTS.c.stage == sa.bindparam("b_stage"),
        DOCUMENTS.c.attempts == sa.bindparam("b_attempts"),
    )
    .values(
        state=DocumentState.PROCESSING.value,
        attempts=DOCUMENTS.c.attempts + 1,
        lease_expires_at=sa.bindparam("b_expires", type_=DOCUMENTS.c.lease_expires_at.type),
        lease_owner=sa.bindparam("b_owner"),
        started_at=sa.func.coalesce(
            DOCUMENTS.c.started_at, sa.bindparam("b_now", type_=DOCUMENTS.c.started_at.type)
        ),
        updated_at=sa.bindparam("b_now", type_=DOCUMENTS.c.updated_at.type),
    )
)


def lock_document(connection: Connection, document_id: str) -> DocumentRecord | None:
    """Read a document for a decision, locking its row on PostgreSQL.

    On SQLite the ``BEGIN IMMEDIATE`` transaction already holds the write lock.
    """
    statement = sa.select(DOCUMENTS).where(DOCUMENTS.c.id == document_id)
    if connection.dialect.name == "postgresql":
        statement = statement.with_for_update()
    row = connection.execute(statement).one_or_none()
    return None if row is None else document_record(row)


def lock_documents(
    connection: Connection, document_ids: Sequence[str]
) -> dict[str, DocumentRecord]:
    """:func:`lock_document` for several documents in one statement, locked in id order.

    A group takes every document lock before any batch lock, so groups keep the lock
    order of single steps (documents, then batches) and do not deadlock each other.
    """
    found: dict[str, DocumentRecord] = {}
    for part in chunked(sorted(set(document_ids)), 500):
        statement = sa.select(DOCUMENTS).where(DOCUMENTS.c.id.in_(list(part)))
        statement = statement.order_by(DOCUMENTS.c.id)
        if connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        found.update((row.id, document_record(row)) for row in connection.execute(statement))
    return found


def _claim_refusal(doc: DocumentRecord, stage: Stage) -> ClaimResult:
    """Why ``doc`` cannot be claimed for ``stage`` right now (SKIP or BUSY)."""
    outcome, reason = ClaimOutcome.SKIP, ""
    if doc.state.terminal:
        reason = f"document is {doc.state.value}"
    elif doc.stage is not stage:
        reason = f"document is at stage {doc.stage.value}, not {stage.value}"
    else:
        outcome = ClaimOutcome.BUSY
        reason = f"leased by {doc.lease_owner} until {doc.lease_expires_at}"
    return ClaimResult(outcome, doc.id, doc.batch_id, doc.stage, doc.attempts, reason)


def _claimable(doc: DocumentRecord, stage: Stage, owner: str, now: datetime) -> bool:
    """Pending at ``stage``, or processing it under an expired, free or own lease."""
    if doc.state.terminal or doc.stage is not stage:
        return False
    if doc.state is DocumentState.PENDING:
        return True
    lease_live = doc.lease_expires_at is not None and doc.lease_expires_at > now
    return not lease_live or doc.lease_owner in (None, owner)


def claim(
    connection: Connection,
    doc: DocumentRecord,
    stage: Stage,
    *,
    now: datetime,
    lease_seconds: float,
    owner: str,
    max_attempts: int,
    ledger: GroupLedger | None = None,
) -> ClaimResult:
    """Take the lease on ``doc`` (locked by the caller) to run ``stage``; with
    ``ledger``, the lease's compare-and-set, its event and its batch's start are left to
    the ledger's flush (one statement for a group's claims)."""
    if not _claimable(doc, stage, owner, now):
        return _claim_refusal(doc, stage)
    if doc.attempts >= max_attempts:
        reason = f"gave up after {doc.attempts} attempts at stage {stage.value}"
        finished = finish_document(
            connection,
            doc,
            DocumentState.FAILED,
            now=now,
            error=(ErrorCategory.WORKER_LOST, "attempts_exhausted", reason, stage),
        )
        outcome = ClaimOutcome.FAILED if finished else ClaimOutcome.SKIP
        return ClaimResult(
            outcome, doc.id, doc.batch_id, stage, doc.attempts, reason, finished.batch_finalized
        )
    expires = now + timedelta(seconds=lease_seconds)
    own = ledger is None
    ledger = GroupLedger() if ledger is None else ledger
    ledger.claims.append({
        "b_id": doc.id, "b_state": doc.state.value, "b_stage": stage.value,
        "b_attempts": doc.attempts, "b_expires": expires, "b_owner": owner, "b_now": now,
    })  # fmt: skip
    attempt = doc.attempts + 1
    event = event_values(
        EventKind.CLAIMED, now, doc.batch_id, doc.id, stage, attempt, detail={"owner": owner}
    )
    ledger.started.add(doc.recovery_batch_id or doc.batch_id)
    ledger.events.append(event)
    if own:
        try:
            ledger.flush(connection, now)
        except StaleTransitionError:
            return ClaimResult(
                ClaimOutcome.SKIP, doc.id, doc.batch_id, stage, doc.attempts, "lost a race"
            )
    claimed = dataclasses.replace(
        doc,
        state=DocumentState.PROCESSING,
        attempts=attempt,
        lease_expires_at=expires,
        lease_owner=owner,
        started_at=doc.started_at or now,
        updated_at=now,
    )
    return ClaimResult(ClaimOutcome.CLAIMED, doc.id, doc.batch_id, stage, attempt, document=claimed)


def _start_batch(connection: Connection, batch_id: str, now: datetime) -> None:
    """Mark a pending batch running. Only the first claim of a batch matches; later
    ones read the row and move on."""
    connection.execute(
        sa.update(BATCHES)
        .where(BATCHES.c.id == batch_id, BATCHES.c.state == BatchState.PENDING.value)
        .values(state=BatchState.RUNNING.value, started_at=now)
    )


def finish_document(
    connection: Connection,
    doc: DocumentRecord,
    state: DocumentState,
    *,
    now: datetime,
    error: tuple[ErrorCategory, str, str, Stage | None] | None = None,
    expect_stage: Stage | None = None,
    expect_states: tuple[str, ...] = ACTIVE_STATES,
    ledger: GroupLedger | None = None,
    final_stage: Stage | None = None,
) -> Transition:
    """Move ``doc`` from an active state to the terminal ``state``, counted once.

    ``error`` is ``(category, code, reason, stage)`` for failures and cancellations.
    The document must be in one of ``expect_states`` and, with ``expect_stage``, still
    at that stage. With ``ledger``, its event and its count are left to the ledger's
    flush, whose :attr:`GroupLedger.finalized` says whether the batch was finalised.
    ``final_stage`` is the stage the document ends at (relate for a completed one),
    when that is not the stage it is at.
    """
    values: dict[str, Any] = {
        "state": state.value,
        "finished_at": now,
        "updated_at": now,
        "lease_expires_at": None,
        "lease_owner": None,
    }
    if error is not None:
        category, code, reason, stage = error
        values |= {
            "error_category": category.value,
            "error_code": code,
            "error_reason": reason,
            "error_stage": None if stage is None else stage.value,
        }
    if final_stage is not None:
        values["stage"] = final_stage.value
    conditions = [DOCUMENTS.c.id == doc.id, DOCUMENTS.c.state.in_(expect_states)]
    if expect_stage is not None:
        conditions.append(DOCUMENTS.c.stage == expect_stage.value)
    row = connection.execute(
        sa.update(DOCUMENTS)
        .where(*conditions)
        .values(**values)
        .returning(DOCUMENTS.c.page_count, DOCUMENTS.c.stage)
    ).one_or_none()
    if row is None:
        return Transition(False, doc.batch_id)
    kind = {
        DocumentState.COMPLETED: EventKind.COMPLETED,
        DocumentState.FAILED: EventKind.FAILED,
        DocumentState.CANCELLED: EventKind.CANCELLED,
    }[state]
    detail = {} if error is None else {"category": error[0].value, "code": error[1]}
    event = event_values(
        kind, now, doc.batch_id, doc.id, row.stage, doc.attempts,
        detail=detail | ({"reason": error[2]} if error else {}),
    )  # fmt: skip
    if state is DocumentState.FAILED and error is not None and doc.sha256:
        quarantine.record_failure(connection, doc.sha256, error, now)
    own = ledger is None
    ledger = GroupLedger() if ledger is None else ledger
    ledger.events.append(event)
    if doc.recovery_batch_id is not None:
        # Re-opened by a recovery batch: counted there at once, and corrected in the
        # original, after the events so far (the batch may finalise).
        ledger.flush(connection, now)
        return recovery.count_reopened(connection, doc, state, row.page_count or 0, now)
    ledger.count(doc.batch_id, state, row.page_count or 0)
    if not own:
        return Transition(True, doc.batch_id)
    ledger.flush(connection, now)
    return Transition(True, doc.batch_id, doc.batch_id in ledger.finalized)


def complete_stages(
    connection: Connection,
    doc: DocumentRecord,
    results: Sequence[StageResult],
    *,
    now: datetime,
    lease_seconds: float,
    owner: str | None = None,
    hold: bool = False,
    prepared: PreparedStages | None = None,
    ledger: GroupLedger | None = None,
) -> Transition:
    """Write the results of consecutive stages for ``doc`` (locked), then advance it past
    the last one, or complete it after relate. ``prepared`` holds their rows when they
    were built before the transaction (:func:`~docbatch.store.result_writes.prepare_stages`).

    The document must be processing the first of them. With ``owner``, a lease another
    owner has taken over (after this one expired) makes the completion stale: the new
    owner's run is the one that counts. With ``hold`` (the same step runs the next stage)
    the advanced document's lease stays ``owner``'s.

    Raises :class:`StaleTransitionError` after writing if the compare-and-set matched no
    row, so the caller's transaction rolls the writes back.
    """
    stages = [result.stage for result in results]
    if not stages or any(later is not earlier.next() for earlier, later in pairwise(stages)):
        raise ValueError(f"not consecutive stages: {[s.value for s in stages]}")
    first, next_stage = stages[0], stages[-1].next()
    if doc.state is not DocumentState.PROCESSING or doc.stage is not first:
        return Transition(False, doc.batch_id)
    if owner is not None and doc.lease_owner not in (None, owner):
        return Transition(False, doc.batch_id)
    if faults.freeze_point is not None:  # the chaos suite's worker frozen mid-transaction
        faults.freeze_point()
    write_stages(connection, doc, prepared or [(r.stage, r.payload) for r in results], now)
    for result in results:
        if isinstance(result.payload, ExtractResult) and result.payload.children:
            # With the container's result, before any terminal count: the batch's total
            # includes the children before it can finalise.
            children.add_children(connection, doc, result.payload.children, now)
    events = [
        event_values(
            EventKind.STAGE_COMPLETED, now, doc.batch_id, doc.id, r.stage, doc.attempts,
            r.duration_ms,
        )
        for r in results
    ]  # fmt: skip
    if ledger is not None:
        ledger.events.extend(events)
    else:
        record_events(connection, events)
    if next_stage is None:
        done = finish_document(
            connection,
            doc,
            DocumentState.COMPLETED,
            now=now,
            expect_stage=first,
            expect_states=(DocumentState.PROCESSING.value,),
            ledger=ledger,
            # Stages run together (fused, or served from the cache) end the document at
            # the last of them, not at the first: its stage says how far it got.
            final_stage=stages[-1],
        )
        if not done:
            raise StaleTransitionError(doc.id)
        return done
    matched = connection.execute(
        sa.update(DOCUMENTS)
        .where(
            DOCUMENTS.c.id == doc.id,
            DOCUMENTS.c.state == DocumentState.PROCESSING.value,
            DOCUMENTS.c.stage == first.value,
        )
        .values(
            stage=next_stage.value,
            # The lease stays (the reconciler still watches the hand-off). It has no
            # owner, so the next stage's task may claim it whoever runs it, unless this
            # step goes on itself: then it stays this step's, renewed by its heartbeat,
            # and no other message takes the document from under it.
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            lease_owner=owner if hold else None,
            # max_attempts bounds the claims of one stage, not of the whole pipeline.
            attempts=0,
            updated_at=now,
        )
    ).rowcount
    if matched != 1:
        raise StaleTransitionError(doc.id)
    return Transition(True, doc.batch_id)


def fail(
    connection: Connection,
    doc: DocumentRecord,
    stage: Stage | None,
    error: tuple[ErrorCategory, str, str],
    now: datetime,
) -> Transition:
    """Fail an active ``doc`` (locked) that is still at ``stage`` (any stage if None)."""
    if stage is not None and doc.stage is not stage:
        return Transition(False, doc.batch_id)
    category, code, reason = error
    return finish_document(
        connection,
        doc,
        DocumentState.FAILED,
        now=now,
        error=(category, code, reason, stage or doc.stage),
        expect_stage=stage,
    )
