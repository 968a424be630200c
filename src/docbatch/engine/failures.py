"""An exception in a step turned into data: a retry, or the document's failure.

Nothing raises into a fan-in: a permanent error fails the document with its category,
code and a public reason; a transient one releases it for a retry that the caller sends
now or the reconciler sends when due (:mod:`docbatch.engine.retry`).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta

from docbatch.engine.outcomes import StepOutcome, StepStatus
from docbatch.engine.reporter import StepReporter
from docbatch.engine.retry import RetryDecision, RetryKind, RetryPolicy
from docbatch.engine.step import DocumentStep
from docbatch.errors import DocbatchError, category_of, public_reason
from docbatch.models import Stage
from docbatch.store.records import ClaimOutcome, ClaimResult
from docbatch.store.repository import Repository

__all__ = ["StepFailures"]

log = logging.getLogger(__name__)


class StepFailures:
    """Records the failures of steps under ``retry_policy``; ``translate`` maps a
    runner's own exceptions (Celery's soft time limit) to docbatch's."""

    def __init__(
        self,
        repo: Repository,
        retry_policy: RetryPolicy,
        translate: Callable[[BaseException], BaseException],
        reporter: StepReporter,
    ) -> None:
        self.repo = repo
        self.retry_policy = retry_policy
        self.translate = translate
        self.reporter = reporter

    def refused(self, claim: ClaimResult) -> StepOutcome:
        """The outcome of a claim that was not granted (failed for good, or skipped)."""
        if claim.outcome is ClaimOutcome.FAILED:
            self.reporter.failed(claim.batch_id, claim.document_id, claim.stage)
            if claim.batch_finalized:
                self.reporter.finalized(claim.batch_id)
            return StepOutcome(claim.document_id, StepStatus.FAILED, reason=claim.reason)
        return StepOutcome(claim.document_id, StepStatus.SKIPPED, reason=claim.reason)

    def failed(self, work: DocumentStep, stage: Stage, raw: BaseException) -> StepOutcome:
        """Record an exception raised in a step: a retry, or the document's failure,
        at the stage that raised."""
        exc = self.translate(raw)
        stage = work.stage or stage
        if not isinstance(exc, (DocbatchError, MemoryError)):
            # A bug or an untranslated vendor error: fail the document, keep the trace.
            log.error(
                "unexpected error in %s of %s\n%s",
                stage, work.document.id, "".join(traceback.format_exception(raw)),
            )  # fmt: skip
        return self._fail(work, stage, exc)

    def _fail(self, work: DocumentStep, stage: Stage, exc: BaseException) -> StepOutcome:
        category = category_of(exc)
        decision = self.retry_policy.decide(category, work.document.retries)
        if decision.retry:
            return self._retry(work, stage, exc, decision)
        code = exc.code if isinstance(exc, DocbatchError) else type(exc).__name__
        reason = str(exc) or type(exc).__name__
        if not isinstance(exc, DocbatchError):
            reason = f"internal error ({type(exc).__name__}): {reason}"
        # Stored reasons reach the API and exports: the trace and paths stay in the log.
        reason = public_reason(reason)
        if self.retry_policy.rule(category).kind is not RetryKind.NEVER:
            reason = f"{decision.reason}: {reason}"
        if work.sha256 and not work.document.sha256:
            self.repo.warming.record_sha256(work.document.id, work.sha256)  # counted for quarantine
        transition = self.repo.documents.fail(
            work.document.id, stage, category, code, reason[:2000]
        )
        if transition:
            self.reporter.failed(work.document.batch_id, work.document.id, stage)
            if transition.batch_finalized:
                self.reporter.finalized(work.document.batch_id)
        return StepOutcome(
            work.document.id,
            StepStatus.FAILED,
            reason=reason,
            batch_finalized=bool(transition.batch_finalized),
        )

    def _retry(
        self, work: DocumentStep, stage: Stage, exc: BaseException, decision: RetryDecision
    ) -> StepOutcome:
        """Release the document for a retry: sent by the caller now, or parked until due."""
        due = None if decision.direct else self.repo.clock() + timedelta(seconds=decision.delay)
        released = self.repo.retries.schedule(
            work.document.id, stage, owner=work.owner, reason=str(exc), retry_at=due
        )
        if not released:
            return StepOutcome(
                work.document.id, StepStatus.SKIPPED, reason="lease lost before retry"
            )
        log.warning(
            "%s error in %s of %s (retry in %.1fs): %s",
            category_of(exc), stage, work.document.id, decision.delay, exc,
        )  # fmt: skip
        return StepOutcome(
            work.document.id,
            StepStatus.RETRY if due is None else StepStatus.SCHEDULED,
            next_stage=stage,
            retry_in=decision.delay,
            reason=str(exc),
        )
