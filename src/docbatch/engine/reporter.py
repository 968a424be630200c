"""What a step tells the progress sink, and the entities it remembers for its project."""

from __future__ import annotations

from collections.abc import Sequence

from docbatch.engine.known_entities import KnownEntityIndex
from docbatch.engine.outcomes import StageReport
from docbatch.engine.step import DocumentStep, ProgressSink, QueuedCommit
from docbatch.models import Stage
from docbatch.store.records import DocumentRecord, DocumentState, ExtractResult, Transition

__all__ = ["StepReporter"]


class StepReporter:
    """Reports a step's transitions to ``progress`` (none without one)."""

    def __init__(self, progress: ProgressSink | None, known_entities: KnownEntityIndex) -> None:
        self.progress = progress
        self.known_entities = known_entities

    def started(self, documents: Sequence[DocumentRecord]) -> None:
        """Documents claimed at extract (counted once: the progress script ignores a
        transition already applied)."""
        if self.progress and documents:
            self.progress.documents_started([(doc.batch_id, doc.id) for doc in documents])

    def failed(self, batch_id: str, document_id: str, stage: Stage) -> None:
        """A document failed at ``stage``."""
        if self.progress:
            self.progress.document_transition(
                batch_id,
                document_id,
                DocumentState.PROCESSING.value,
                DocumentState.FAILED.value,
                stage.value,
                0,
            )

    def finalized(self, batch_id: str) -> None:
        """A batch was finalised by this step."""
        if self.progress:
            self.progress.batch_finalized(batch_id)

    def stored(self, items: Sequence[QueuedCommit], transitions: Sequence[Transition]) -> None:
        """Remember the entities the committed steps resolved and the children they
        stored; report their stages as finished (skipping refused commits)."""
        reports = []
        for item, transition in zip(items, transitions, strict=True):
            if not transition:
                continue
            work = item.work
            for done in item.done:
                if isinstance(done.payload, ExtractResult) and done.payload.children:
                    self._children(work, done.payload)
                if done.stage is Stage.RESOLVE:
                    self.known_entities.remember(work.document.project_id, done.payload.entities)
            completed_pages = ocr_pages = None
            if item.done[-1].stage.next() is None:
                extracted = work.extracted
                completed_pages = (
                    len(extracted.pages) if extracted else work.document.page_count or 0
                )
                ocr_pages = extracted.ocr_pages if extracted else None
            finished = tuple((d.stage.value, d.seconds, d.cached) for d in item.done)
            reports.append(
                StageReport(
                    work.document.batch_id, work.document.id, finished, completed_pages, ocr_pages
                )
            )
        if self.progress and reports:
            self.progress.stages_finished_many(reports)

    def _children(self, work: DocumentStep, result: ExtractResult) -> None:
        """Remember the children a commit stored, and count them in the batch's progress."""
        work.children.extend(child.id for child in result.children)
        if self.progress:
            batch_id = work.document.recovery_batch_id or work.document.batch_id
            self.progress.documents_added(batch_id, work.document.id, len(result.children))
