"""What one step did to a document, and what its caller runs next.

:class:`~docbatch.engine.executor.StageExecutor` returns a :class:`StepOutcome` per document.
The Celery task (:func:`docbatch.worker.tasks.run_step`) and the in-process runner
(:mod:`docbatch.local.runner`) both turn it into the document's next step with
:func:`next_step`, so the two cannot disagree on what a status means.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from docbatch.models import Stage

__all__ = ["NextStep", "StageReport", "StepOutcome", "StepStatus", "next_step"]


class StepStatus(StrEnum):
    """What happened to one document in one step."""

    #: A stage was committed and another follows (``next_stage``).
    ADVANCED = "advanced"
    #: The extract step found pages to OCR and handed the document to the OCR queue.
    NEEDS_OCR = "needs_ocr"
    #: The document's last stage was committed.
    COMPLETED = "completed"
    #: The document failed for good (its category and reason are stored).
    FAILED = "failed"
    #: A transient error: the same stage runs again after ``retry_in`` seconds.
    RETRY = "retry"
    #: A longer retry, parked in the database until due: the reconciler sends it.
    SCHEDULED = "scheduled"
    #: A duplicate or stale delivery: nothing was written.
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """What happened to one document in one step (see :class:`StepStatus`).

    ``children`` names the documents this step found in a container and stored (pending,
    at extract): the caller sends them like the batch's other documents.
    """

    document_id: str
    status: StepStatus
    next_stage: Stage | None = None
    retry_in: float = 0.0
    reason: str = ""
    batch_finalized: bool = False
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StageReport:
    """The stages one step finished for one document, for a progress sink.

    ``finished`` holds ``(stage, seconds, cached)``; with ``completed_pages`` the last
    of them completed the document.
    """

    batch_id: str
    document_id: str
    finished: tuple[tuple[str, float, bool], ...]
    completed_pages: int | None = None
    ocr_pages: int | None = None


@dataclass(frozen=True, slots=True)
class NextStep:
    """The step a document runs after an outcome: ``stage`` (as the OCR step when
    ``ocr``); None when its step is over. A retry (``delay`` is not None) runs alone,
    after ``delay`` seconds; a ``parked`` one waits in the database and is sent by the
    reconciler, not by the caller."""

    stage: Stage | None
    ocr: bool = False
    delay: float | None = None
    parked: bool = False

    @property
    def name(self) -> str:
        """The step's name on the broker: a stage's, or ``ocr``."""
        assert self.stage is not None
        return "ocr" if self.ocr else self.stage.value


def next_step(outcome: StepOutcome, *, ocr: bool) -> NextStep:
    """The step that follows ``outcome`` of a step that ran as the OCR step if ``ocr``
    (a retry runs the same step again)."""
    status = outcome.status
    if status is StepStatus.ADVANCED and outcome.next_stage is not None:
        return NextStep(outcome.next_stage)
    if status is StepStatus.NEEDS_OCR:
        return NextStep(Stage.EXTRACT, ocr=True)
    if status in (StepStatus.RETRY, StepStatus.SCHEDULED) and outcome.next_stage is not None:
        parked = status is StepStatus.SCHEDULED
        return NextStep(outcome.next_stage, ocr, outcome.retry_in, parked=parked)
    return NextStep(None)
