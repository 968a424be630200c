"""Run one stage of one stored document: claim it, compute, commit, report.

This is the single code path behind both the Celery tasks and ``docbatch run --inline``.
A step claims the document in the database (compare-and-set with a lease), computes the
stage from inputs read from the stage cache or, when the cache misses, from the database,
and commits the results together with the state transition. A duplicate or stale delivery
finds the claim refused, or the commit refused, and writes nothing.

Failures become data: a permanent error fails the document with its category and reason;
a transient one asks the caller to retry later (:mod:`docbatch.engine.failures`). Nothing
raises into a fan-in. The executor composes the engine's parts: the step's state
(:mod:`~docbatch.engine.step`), its inputs (:mod:`~docbatch.engine.inputs`), cache dedup
(:mod:`~docbatch.engine.dedup`), failures, progress reporting
(:mod:`~docbatch.engine.reporter`) and big scans' page ranges
(:mod:`~docbatch.engine.ranged_ocr`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from docbatch import faults
from docbatch.engine.children import children_of
from docbatch.engine.dedup import CacheDedup
from docbatch.engine.extractors import Extractor, InProcessExtractor
from docbatch.engine.failures import StepFailures
from docbatch.engine.inputs import StageInputs
from docbatch.engine.known_entities import KnownEntityIndex
from docbatch.engine.leases import LeaseHeartbeat, heartbeat_interval
from docbatch.engine.outcomes import StepOutcome, StepStatus
from docbatch.engine.quarantine import QuarantineGate
from docbatch.engine.ranged_ocr import ClaimLostError, PageRanges
from docbatch.engine.reporter import StepReporter
from docbatch.engine.retry import RetryPolicy
from docbatch.engine.stages import TextStages
from docbatch.engine.step import (
    CacheLike,
    DocumentStep,
    GroupShared,
    ProgressSink,
    QueuedCommit,
    StageDone,
)
from docbatch.errors import DatabaseBusyError
from docbatch.models import ExtractedDocument, Page, Stage
from docbatch.pipeline.extract import apply_ocr
from docbatch.pipeline.options import PipelineOptions
from docbatch.store.records import (
    DocumentRecord,
    ExtractResult,
    StageResult,
    StepResults,
    Transition,
)
from docbatch.store.repository import Repository

if TYPE_CHECKING:
    from docbatch.settings import Settings

__all__ = ["BUSY_RETRY_S", "COMMIT_AFTER_S", "StageExecutor"]

log = logging.getLogger(__name__)

#: Seconds before a step whose claims met a busy database (a lock timeout) is sent again.
BUSY_RETRY_S = 2.0

#: Stages run in one step are committed together, and the steps of a group of documents
#: (one task) in one transaction; a stage that took longer than this (OCR, a huge
#: document) is committed at once, and a group is committed at least this often, so that
#: a crash does not throw much work away.
COMMIT_AFTER_S = 2.0


class StageExecutor:
    """Runs document steps against a repository, an optional cache and progress sink."""

    def __init__(
        self,
        repo: Repository,
        options: PipelineOptions,
        *,
        owner: str,
        lease_seconds: int = 60,
        max_attempts: int = 3,
        cache: CacheLike | None = None,
        progress: ProgressSink | None = None,
        fuse_stages: bool = False,
        translate: Callable[[BaseException], BaseException] | None = None,
        clock: Callable[[], float] = time.monotonic,
        extractor: Extractor | None = None,
        retry_policy: RetryPolicy | None = None,
        quarantine_threshold: int = 0,
        ocr_range_pages: int = 0,
        range_sender: Callable[[DocumentRecord, Sequence[int]], None] | None = None,
    ) -> None:
        self.repo = repo
        self.options = options
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.cache = cache
        self.progress = progress
        self.fuse_stages = fuse_stages
        self.clock = clock
        self.translate = translate or (lambda exc: exc)
        self.known_entities = KnownEntityIndex(repo.results)
        # Where parsers run: in a capped sandbox child for workers, else in this process.
        self.extractor: Extractor = extractor or InProcessExtractor()
        # Failure handling (engine.retry, engine.quarantine); 0 turns quarantine off.
        self.retry_policy = retry_policy or RetryPolicy()
        self.quarantine_threshold = quarantine_threshold
        self.versions = options.versions()
        self.dedup = CacheDedup(cache, self.versions, lease_seconds)
        self.inputs = StageInputs(repo)
        self.reporter = StepReporter(progress, self.known_entities)
        self.failures = StepFailures(repo, self.retry_policy, self.translate, self.reporter)
        self.quarantine = QuarantineGate(repo, quarantine_threshold)
        self.text_stages = TextStages(options, self.inputs, self.dedup, self.known_entities)
        self.page_ranges = PageRanges(
            repo, self.extractor, lease_seconds, ocr_range_pages, range_sender
        )
        # Big scans are OCR'd in ranges of this many pages (0: in one go), and
        # ``range_sender`` asks other workers to read ranges (None: no one else can).
        self.ocr_range_pages = ocr_range_pages
        self.range_sender = range_sender

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        repo: Repository,
        *,
        owner: str,
        extractor: Extractor,
        cache: CacheLike | None = None,
        progress: ProgressSink | None = None,
        translate: Callable[[BaseException], BaseException] | None = None,
        range_sender: Callable[[DocumentRecord, Sequence[int]], None] | None = None,
        fuse_stages: bool | None = None,
    ) -> StageExecutor:
        """The executor ``settings`` describe (workers and ``--inline`` alike);
        ``fuse_stages`` overrides the setting (``--inline`` always fuses)."""
        return cls(
            repo,
            settings.pipeline_options(),
            owner=owner,
            lease_seconds=settings.lease_seconds,
            max_attempts=settings.max_attempts,
            cache=cache,
            progress=progress,
            fuse_stages=settings.fuse_stages if fuse_stages is None else fuse_stages,
            translate=translate,
            extractor=extractor,
            retry_policy=RetryPolicy.from_json(settings.retry_policy),
            quarantine_threshold=settings.quarantine_threshold,
            ocr_range_pages=settings.ocr_range_pages,
            range_sender=range_sender,
        )

    # -- the step ---------------------------------------------------------------------

    def run(
        self, document_id: str, stage: Stage, *, allow_ocr: bool = True, owner: str | None = None
    ) -> StepOutcome:
        """Run ``stage`` for the document, and following stages while that is cheap.

        ``allow_ocr=False`` hands a document that needs OCR back to the caller (status
        ``needs_ocr``) instead of running OCR in this process. ``owner`` names the lease
        holder; a Celery task passes its task id so a redelivery of the same message can
        take its lease back while a duplicate message is refused.
        """
        return self.run_many([document_id], stage, allow_ocr=allow_ocr, owner=owner)[0]

    def run_many(
        self,
        document_ids: Sequence[str],
        stage: Stage,
        *,
        allow_ocr: bool = True,
        owner: str | None = None,
    ) -> list[StepOutcome]:
        """:meth:`run` for a group of documents, with one outcome per id, in order.

        The group's claims take one transaction; its documents are computed one after
        the other, and their results committed together in one more (a group commit,
        flushed at least every :data:`COMMIT_AFTER_S`). Each document keeps its own
        outcome: one that fails is recorded as failed, and the others go on.
        """
        owner = owner or self.owner
        unique = list(dict.fromkeys(document_ids))
        try:
            claims = self.repo.documents.claim(
                unique,
                stage,
                lease_seconds=self.lease_seconds,
                owner=owner,
                max_attempts=self.max_attempts,
            )
        except DatabaseBusyError as exc:
            # Another session (a frozen worker) held a row past the lock timeout: nothing
            # was claimed and no attempt spent; send the step again shortly.
            log.warning("claims of %d documents at %s: %s", len(unique), stage, exc)
            return [
                StepOutcome(
                    d, StepStatus.RETRY, next_stage=stage, retry_in=BUSY_RETRY_S, reason=str(exc)
                )
                for d in document_ids
            ]
        outcomes: dict[str, StepOutcome] = {}
        claimed: list[DocumentRecord] = []
        for claim in claims:
            if claim.claimed and claim.document is not None:
                claimed.append(claim.document)
            else:
                outcomes[claim.document_id] = self.failures.refused(claim)
        if stage is Stage.EXTRACT:
            self.reporter.started(claimed)
        shared = GroupShared()
        works = [DocumentStep(doc, owner, sha256=doc.sha256 or "", group=shared) for doc in claimed]
        # The claims stay alive while the group runs, however long (an OCR job); the
        # heartbeat stops with the group, whatever ends it.
        with self._heartbeat(owner, [doc.id for doc in claimed]) as heartbeat:
            outcomes.update(self._run_claimed(works, stage, allow_ocr, heartbeat))
        return [outcomes[document_id] for document_id in document_ids]

    def _heartbeat(self, owner: str, document_ids: Sequence[str]) -> LeaseHeartbeat:
        """The heartbeat that renews ``owner``'s leases on ``document_ids`` (not started)."""

        def renew(ids: Sequence[str], holder: str) -> Sequence[str]:
            return self.repo.documents.renew_leases(
                ids, owner=holder, lease_seconds=self.lease_seconds
            )

        return LeaseHeartbeat(
            renew, owner, document_ids, interval=heartbeat_interval(self.lease_seconds)
        )

    def _run_claimed(
        self,
        works: Sequence[DocumentStep],
        stage: Stage,
        allow_ocr: bool,
        heartbeat: LeaseHeartbeat,
    ) -> dict[str, StepOutcome]:
        """Compute and commit the claimed documents of a group; their outcomes."""
        outcomes: dict[str, StepOutcome] = {}
        group: list[QueuedCommit] = []
        try:
            self.dedup.look_up_group(
                works,
                stage,
                heartbeat.owner,
                self.inputs.read_bytes,
                self.options.extract.max_file_bytes,
            )
            for work in works:
                try:
                    outcome = self._advance(work, stage, allow_ocr, group)
                except Exception as raw:
                    outcome = self._failed(work, stage, raw)
                if outcome is not None:
                    outcomes[work.document.id] = outcome
                if group and self.clock() - group[0].queued_at >= COMMIT_AFTER_S:
                    outcomes.update(self._commit_group(group))
                    group = []
                heartbeat.drop(outcomes)  # their steps ended: nothing left to hold
            outcomes.update(self._commit_group(group))
        except BaseException:
            # Interrupted (Ctrl-C, a shutdown): twins elsewhere must not wait on the
            # claims of documents this group will not commit.
            for work in works:
                self.dedup.release(work)
            raise
        for work in works:
            if work.children:  # a container: its children are sent whatever it did next
                found = outcomes[work.document.id]
                outcomes[work.document.id] = replace(found, children=tuple(work.children))
        return outcomes

    def _failed(self, work: DocumentStep, stage: Stage, raw: BaseException) -> StepOutcome:
        """Record an exception raised in a step (see :class:`StepFailures`); twins
        waiting on its computation claim compute for themselves."""
        self.dedup.release(work)
        return self.failures.failed(work, stage, raw)

    def _advance(
        self, work: DocumentStep, stage: Stage, allow_ocr: bool, group: list[QueuedCommit]
    ) -> StepOutcome | None:
        """Compute ``stage`` and the stages this step may run after it.

        The stages computed are queued on ``group`` for its commit (None is returned);
        a slow stage with more to run after it is committed at once (see
        :data:`COMMIT_AFTER_S`). Other outcomes (OCR hand-off, a stale step) are
        returned.
        """
        pending: list[StageDone] = []
        current: Stage | None = stage
        while current is not None:
            work.stage = current
            started = self.clock()
            try:
                payload, cached = self._compute(work, current, allow_ocr)
            except ClaimLostError as exc:  # cancelled, or re-sent: nothing to write
                self.dedup.release(work)
                return StepOutcome(work.document.id, StepStatus.SKIPPED, reason=str(exc))
            except Exception:
                # Keep the stages already done; the failure is recorded at this one.
                if pending:
                    self._store([QueuedCommit(work, pending, current, started)], hold=True)
                raise
            if payload is None:
                # Hand the document to an OCR worker: give the lease (and the attempt)
                # up so the OCR message (another task) can claim the stage; a re-send
                # from now on is the OCR step.
                self.repo.documents.hand_off_to_ocr(work.document.id, owner=work.owner)
                return StepOutcome(work.document.id, StepStatus.NEEDS_OCR, next_stage=Stage.EXTRACT)
            elapsed = self.clock() - started
            pending.append(StageDone(current, payload, cached, elapsed))
            following = current.next()
            go_on = following is not None and (self.fuse_stages or following in work.cached)
            if go_on and elapsed < COMMIT_AFTER_S:
                current = following
                continue
            if not go_on:
                group.append(QueuedCommit(work, pending, following, self.clock()))
                return None
            # Committed now, and this step goes on with the next stage: it keeps the lease.
            (transition,) = self._store(
                [QueuedCommit(work, pending, following, started)], hold=True
            )
            if not transition:
                return StepOutcome(
                    work.document.id, StepStatus.SKIPPED, reason="stage already committed"
                )
            pending = []
            current = following
        raise AssertionError("unreachable")  # pragma: no cover

    def _commit_group(self, group: list[QueuedCommit]) -> dict[str, StepOutcome]:
        """Commit a group's steps in one transaction; the outcome of each document.

        If the group's transaction fails, each step is committed on its own, so one
        document that cannot be stored fails alone.
        """
        if not group:
            return {}
        outcomes: dict[str, StepOutcome] = {}
        try:
            stored = list(zip(group, self._write(group), strict=True))
        except Exception as raw:
            stored, failures = [], [(group[0], raw)]
            if len(group) > 1:
                log.warning("group commit of %d documents failed (%s): one by one", len(group), raw)
                failures = []
                for item in group:
                    try:
                        stored.append((item, self._write([item])[0]))
                    except Exception as one:
                        failures.append((item, one))
            for item, error in failures:
                item.work.stage = item.done[0].stage  # nothing of this step was stored
                outcomes[item.work.document.id] = self._failed(item.work, item.work.stage, error)
        self.reporter.stored([item for item, _ in stored], [t for _, t in stored])
        for item, transition in stored:
            document_id = item.work.document.id
            if not transition:
                outcome = StepOutcome(
                    document_id, StepStatus.SKIPPED, reason="stage already committed"
                )
            elif item.following is None:
                if transition.batch_finalized:
                    self.reporter.finalized(item.work.document.batch_id)
                outcome = StepOutcome(
                    document_id, StepStatus.COMPLETED, batch_finalized=transition.batch_finalized
                )
            else:
                outcome = StepOutcome(document_id, StepStatus.ADVANCED, next_stage=item.following)
            outcomes[document_id] = outcome
        return outcomes

    def _store(self, items: Sequence[QueuedCommit], *, hold: bool = False) -> list[Transition]:
        """Cache what the steps computed, commit them in one transaction, report them."""
        transitions = self._write(items, hold=hold)
        self.reporter.stored(items, transitions)
        return transitions

    def _write(self, items: Sequence[QueuedCommit], *, hold: bool = False) -> list[Transition]:
        """Cache what the steps computed and commit them in one transaction; with
        ``hold`` the steps go on, so their documents' leases stay theirs."""
        self.dedup.flush([item.work for item in items])
        transitions = self.repo.documents.complete(
            [
                StepResults(
                    item.work.document.id,
                    [StageResult(d.stage, d.payload, int(d.seconds * 1000)) for d in item.done],
                    owner=item.work.owner,
                    hold=hold,
                )
                for item in items
            ]
        )
        return transitions

    # -- computing one stage ----------------------------------------------------------

    def _compute(self, work: DocumentStep, stage: Stage, allow_ocr: bool) -> tuple[Any, bool]:
        """The stage's result for :meth:`DocumentStore.complete`, and if it was cached.

        Returns ``(None, False)`` when extraction needs OCR that this step may not run.
        """
        if stage is Stage.EXTRACT:
            return self._extract(work, allow_ocr)
        return self.text_stages.compute(work, stage)

    def _load_bytes(self, work: DocumentStep) -> bytes:
        data = work.data
        if data is None:
            data = self.inputs.read_bytes(work, self.options.extract.max_file_bytes)
        self.dedup.look_up(work)
        return data

    def _extract(self, work: DocumentStep, allow_ocr: bool) -> tuple[Any, bool]:
        data = self._load_bytes(work)
        self._before_extract(work)
        cached = work.cached.get(Stage.EXTRACT)
        if cached is not None:
            work.extracted = cached
            return self._extract_result(work, data, cached), True

        def compute() -> ExtractedDocument | None:
            document, needs_ocr = self.extractor.text_layer(data, self.options.extract)
            if needs_ocr:
                if not allow_ocr:
                    return None
                document = apply_ocr(document, self._ocr(work, data, document.mime, needs_ocr))
            return document

        extracted, shared = self.dedup.compute_once(work, Stage.EXTRACT, compute)
        if extracted is None:
            return None, False
        work.extracted = extracted
        return self._extract_result(work, data, extracted), shared

    def _extract_result(
        self, work: DocumentStep, data: bytes, extracted: ExtractedDocument
    ) -> ExtractResult:
        """The extract payload; a container's members go with it as child documents,
        stored by the same commit (so never lost, never counted twice)."""
        document, children = children_of(
            work.document, data, extracted, self.options, self.extractor
        )
        # Read in ranges (here, or by an earlier run whose ranges are kept): the commit
        # deletes them.
        ranged = 0 < self.ocr_range_pages < (extracted.ocr_pages or 0)
        return ExtractResult(document, work.sha256, len(data), children, ocr_ranges=ranged)

    # -- OCR: in one go, or a big scan in page ranges (see docbatch.engine.ranged_ocr) --

    def _ocr(
        self, work: DocumentStep, data: bytes, mime: str, pages: Sequence[int]
    ) -> tuple[Page, ...]:
        """OCR ``pages``: in one go, or a big scan in ranges that other workers share."""
        version = self.versions[Stage.EXTRACT]
        return self.page_ranges.ocr(work, data, mime, pages, version, self.options.extract)

    def run_ocr_range(self, document_id: str, number: int, *, owner: str | None = None) -> str:
        """Help read range ``number`` of a big scan another worker is OCR'ing; what
        happened (see :meth:`docbatch.engine.ranged_ocr.RangedOcr.help_with`)."""
        return self.page_ranges.help(
            document_id,
            number,
            owner or self.owner,
            self.inputs.read_bytes,
            self.versions[Stage.EXTRACT],
            self.options.extract,
        )

    def _before_extract(self, work: DocumentStep) -> None:
        """Once the bytes' sha256 is known: skip quarantined bytes (and a test fault point)."""
        if work.sha256:
            self.quarantine.check(work)
            if faults.poison_point is not None:  # the chaos suite's poison documents
                faults.poison_point(work.document.path)
