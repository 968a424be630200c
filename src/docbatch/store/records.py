"""Values the store hands out and takes in.

The repository never returns ORM objects: callers get these frozen dataclasses, so no
caller ever holds a session or a connection, and a value read once never changes under
its reader.
"""

from __future__ import annotations

import enum
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from docbatch.models import (  # the one DocumentState enum, re-exported for the store
    DocumentState,
    ExtractedDocument,
    Stage,
)
from docbatch.priority import Priority  # the one Priority enum, re-exported for the store

__all__ = [
    "BatchCounts",
    "BatchRecord",
    "BatchState",
    "ChildDocument",
    "ClaimOutcome",
    "ClaimResult",
    "DocumentRecord",
    "DocumentRef",
    "DocumentState",
    "EventKind",
    "EventRecord",
    "ExtractResult",
    "NewDocument",
    "Priority",
    "ProgressFigures",
    "StageDuration",
    "StageResult",
    "StepResults",
    "Transition",
]


class BatchState(enum.StrEnum):
    """Where a batch is in its life; the last three are terminal."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        """True once the batch has finalised."""
        return self not in (BatchState.PENDING, BatchState.RUNNING)


class EventKind(enum.StrEnum):
    """Kinds of rows in the append-only event log."""

    BATCH_CREATED = "batch_created"
    BATCH_FINALIZED = "batch_finalized"
    BATCH_CANCELLED = "batch_cancelled"
    CLAIMED = "claimed"
    STAGE_COMPLETED = "stage_completed"
    COMPLETED = "completed"
    FAILED = "failed"
    RETRIED = "retried"
    REQUEUED = "requeued"
    CANCELLED = "cancelled"
    #: A failed document re-opened by a recovery batch (docbatch.recovery).
    REOPENED = "reopened"
    #: An original batch whose failures were all recovered (counters corrected; it was
    #: finalised once, earlier, and is not finalised again).
    BATCH_RECOVERED = "batch_recovered"
    #: A failed step parked until ``retry_at`` by the retry policy.
    RETRY_SCHEDULED = "retry_scheduled"
    #: The extract step gave its lease up for an OCR worker (not an attempt).
    HANDED_OFF = "handed_off"


class ClaimOutcome(enum.StrEnum):
    """What :meth:`DocumentStore.claim` decided for one document."""

    #: The caller holds the lease and must run the stage.
    CLAIMED = "claimed"
    #: Duplicate or stale delivery (terminal document, other stage): drop the message.
    SKIP = "skip"
    #: Another owner holds a live lease on this stage: drop the message; the reconciler
    #: re-enqueues the document if that lease ever expires.
    BUSY = "busy"
    #: Attempts were exhausted; the document is now failed (``worker_lost``).
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """The extract stage's payload: the pages, plus the bytes' identity read at ingest.

    The sha256 is computed by the worker that reads the file, not at submission, so a
    batch of 10,000 documents is committed without reading 10,000 files.
    """

    document: ExtractedDocument
    sha256: str
    size_bytes: int
    #: A container's members, stored as documents of its batch with this result.
    children: tuple[ChildDocument, ...] = ()
    #: True when OCR was read in page ranges: the commit deletes the ranges.
    ocr_ranges: bool = False


@dataclass(frozen=True, slots=True)
class ChildDocument:
    """A container's member, to become a document of the container's batch.

    ``data`` (stored content-addressed by ``sha256``) is None for a member that cannot be
    read; its document then fails with ``code`` and ``reason`` at its extract stage.
    """

    id: str
    container_path: str
    depth: int
    sha256: str | None
    size_bytes: int
    data: bytes | None = None
    code: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document to add to a new batch; ``id`` may be chosen by the caller."""

    path: str
    sha256: str | None
    size_bytes: int
    mime: str | None = None
    external_id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One batch and its counters, as stored."""

    id: str
    project_id: int
    project: str
    name: str | None
    state: BatchState
    priority: Priority
    total: int
    completed: int
    failed: int
    cancelled: int
    pages: int
    options: Mapping[str, Any]
    parent_batch_id: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    enqueued_at: datetime | None
    finalized_count: int

    @property
    def done(self) -> int:
        """Documents in a terminal state."""
        return self.completed + self.failed + self.cancelled

    @property
    def percent(self) -> float:
        """Share of documents in a terminal state, 0-100 (100 for an empty batch)."""
        return round(100.0 * self.done / self.total, 2) if self.total else 100.0

    def counters(self) -> dict[str, Any]:
        """State, priority and document counts: the fields every view of a batch shows."""
        return {
            "state": self.state.value,
            "priority": self.priority.value,
            "total": self.total,
            "completed": self.completed,
            "failed": self.failed,
            "cancelled": self.cancelled,
        }


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One document row, as stored."""

    id: str
    batch_id: str
    project_id: int
    external_id: str | None
    path: str
    sha256: str | None
    size_bytes: int
    mime: str | None
    page_count: int | None
    ocr_pages: int | None
    metadata: Mapping[str, Any]
    state: DocumentState
    stage: Stage
    #: Claims of the current stage (reset when the document moves to the next stage).
    attempts: int
    lease_expires_at: datetime | None
    lease_owner: str | None
    error_category: str | None
    error_code: str | None
    error_reason: str | None
    error_stage: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    #: When a parked retry is due (the reconciler sends it), else None.
    retry_at: datetime | None = None
    #: Retries spent by the retry policy (worker crashes count in ``attempts``).
    retries: int = 0
    #: The recovery batch that re-opened this failed (or cancelled) document, if any.
    recovery_batch_id: str | None = None
    #: The state it was re-opened from (``failed`` or ``cancelled``), which the batches
    #: it recovers still count it as until it ends again.
    reopened_from: str | None = None
    #: What the extract stage warned about (``no_text``, ``pdf_repaired``, ...).
    warnings: tuple[str, ...] = ()
    #: The container this document is a member of (None for a submitted file).
    parent_id: str | None = None
    #: Where it sits inside its container: ``production.zip!/folder/letter.docx``.
    container_path: str | None = None
    #: Containers between it and the submitted file (0 for a submitted file).
    depth: int = 0


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """Just enough to re-enqueue a document: ids, stage, attempts and priority."""

    document_id: str
    batch_id: str
    state: DocumentState
    stage: Stage
    attempts: int
    priority: Priority
    #: The extract step handed the document to OCR: re-send it as the OCR step.
    needs_ocr: bool = False

    @property
    def step(self) -> str:
        """The step to send: the stage's name, or ``"ocr"`` for a document handed to
        OCR at extract (a re-send resumes the step the document was in)."""
        return "ocr" if self.needs_ocr and self.stage is Stage.EXTRACT else self.stage.value


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage's output for :meth:`DocumentStore.complete`, with its duration."""

    stage: Stage
    payload: Any
    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of a state change; truthy when the change was applied.

    ``batch_finalized`` is True for exactly one call per batch: the one whose terminal
    document transition finished the batch (callers publish the event).
    """

    applied: bool
    batch_id: str
    batch_finalized: bool = False

    def __bool__(self) -> bool:
        return self.applied


@dataclass(frozen=True, slots=True)
class StepResults:
    """One document's share of a group commit (:meth:`DocumentStore.complete`)."""

    document_id: str
    results: Sequence[StageResult]
    #: The lease holder; None skips the owner check.
    owner: str | None = None
    #: The same step goes on with the next stage: the lease stays ``owner``'s (and its
    #: heartbeat keeps it alive) instead of being left for the next stage's message.
    hold: bool = False


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """What a claim decided, and the document's attempt number when claimed."""

    outcome: ClaimOutcome
    document_id: str
    batch_id: str
    stage: Stage
    attempts: int
    reason: str = ""
    batch_finalized: bool = False
    #: The document as this claim left it (processing, leased), when claimed.
    document: DocumentRecord | None = None

    @property
    def claimed(self) -> bool:
        """True when the caller must run the stage."""
        return self.outcome is ClaimOutcome.CLAIMED


@dataclass(frozen=True, slots=True)
class BatchCounts:
    """Document counts of a batch recomputed from the documents themselves."""

    states: Mapping[DocumentState, int]
    #: Non-terminal documents per (state, stage).
    stages: Mapping[tuple[DocumentState, Stage], int]
    pages: int
    #: Unfinished documents that a later recovery batch re-opened: the batch's own
    #: counters still count them as failed (or cancelled) until they end again.
    recovering: int = 0

    @property
    def total(self) -> int:
        """Every document of the batch."""
        return sum(self.states.values())


@dataclass(frozen=True, slots=True)
class ProgressFigures:
    """What a batch's Redis progress is rebuilt from, read in one statement so that the
    counts and the per-document states agree (see :mod:`docbatch.redis.progress`)."""

    #: ``{document: state}`` of every document of the batch.
    states: Mapping[str, str]
    #: ``{document: {stage: outcome}}`` (done, failed, cancelled) of documents with any.
    stages: Mapping[str, Mapping[str, str]]
    #: ``{container: children}``: containers whose children are stored.
    containers: Mapping[str, int]
    #: Pages of the terminal documents.
    pages: int

    @property
    def state_counts(self) -> dict[str, int]:
        """Documents per state."""
        return dict(Counter(self.states.values()))

    @property
    def stage_counts(self) -> dict[str, dict[str, int]]:
        """``{stage: {outcome: documents}}`` over the batch."""
        counts: dict[str, dict[str, int]] = {}
        for outcomes in self.stages.values():
            for stage, outcome in outcomes.items():
                per_stage = counts.setdefault(stage, {})
                per_stage[outcome] = per_stage.get(outcome, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class StageDuration:
    """Timing of one stage over a batch, from the event log."""

    count: int
    total_ms: int
    mean_ms: float
    max_ms: int


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One row of the append-only event log."""

    id: int
    at: datetime
    kind: EventKind
    batch_id: str | None
    document_id: str | None
    stage: Stage | None
    attempt: int | None
    duration_ms: int | None
    detail: Mapping[str, Any]
