"""Run one stage of one stored document: claim it, compute, commit, report.

This is the single code path behind both the Celery tasks and ``docbatch run --inline``.
A step claims the document in the database (compare-and-set with a lease), computes the
stage from inputs read from the stage cache or, when the cache misses, from the database,
and commits the results together with the state transition. A duplicate or stale delivery
finds the claim refused, or the commit refused, and writes nothing.

Failures become data: a permanent error fails the document with its category and reason;
a transient one asks the caller to retry later. Nothing raises into a fan-in.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from docbatch.cache import CacheItem, ClaimRequest, HeldClaim, Lookup, pack_stage, unpack_stage
from docbatch.containers import children_of, read_member
from docbatch.errors import (
    DatabaseBusyError,
    DocbatchError,
    NotFoundError,
    QuarantinedError,
    category_of,
    public_reason,
)
from docbatch.extraction import Extractor, InProcessExtractor
from docbatch.faults import poison_point
from docbatch.ingest import read_document
from docbatch.known_entities import KnownEntityIndex
from docbatch.leases import LeaseHeartbeat, heartbeat_interval
from docbatch.models import (
    CACHED_STAGES,
    Chunk,
    ExtractedDocument,
    Mention,
    Page,
    Resolution,
    Stage,
)
from docbatch.outcomes import StageReport, StepOutcome, StepStatus
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.extract import apply_ocr
from docbatch.pipeline.options import PipelineOptions
from docbatch.pipeline.relate import relate
from docbatch.pipeline.resolve import resolve
from docbatch.quarantine import quarantine_reason
from docbatch.ranged_ocr import ClaimLostError, RangedOcr, RangeSender
from docbatch.retry import RetryDecision, RetryKind, RetryPolicy
from docbatch.store.records import (
    ClaimOutcome,
    ClaimResult,
    DocumentRecord,
    DocumentState,
    ExtractResult,
    StageResult,
    StepResults,
    Transition,
)
from docbatch.store.repository import Repository

if TYPE_CHECKING:
    from docbatch.settings import Settings

__all__ = [
    "CACHED_STAGES",
    "COMMIT_AFTER_S",
    "ProgressSink",
    "StageExecutor",
    "StageReport",
    "StepOutcome",
]

log = logging.getLogger(__name__)

#: Seconds before a step whose claims met a busy database (a lock timeout) is sent again.
BUSY_RETRY_S = 2.0

#: Stages run in one step are committed together, and the steps of a group of documents
#: (one task) in one transaction; a stage that took longer than this (OCR, a huge
#: document) is committed at once, and a group is committed at least this often, so that
#: a crash does not throw much work away.
COMMIT_AFTER_S = 2.0
#: A group's documents are read before the first is computed, while their bytes add up
#: to no more than this, so that the whole group is looked up in the cache in one round
#: trip; the others are read and looked up in their turn.
GROUP_READ_BYTES = 64 * 1024 * 1024


class CacheLike(Protocol):
    """What the executor needs of :class:`docbatch.cache.StageCache`."""

    def get_many(self, sha256: str, versions: dict[Stage, str]) -> dict[Stage, Any]: ...

    def look_up(
        self, sha256: str, versions: dict[Stage, str], claim: ClaimRequest | None = None
    ) -> Lookup: ...

    def look_up_many(
        self, requests: Sequence[tuple[str, ClaimRequest | None]], versions: dict[Stage, str]
    ) -> list[Lookup]: ...

    def put_many(self, items: Iterable[CacheItem], *, release: Iterable[HeldClaim] = ()) -> Any: ...

    def release_claim(self, stage: Stage, sha256: str, version: str, owner: str) -> bool: ...

    def wait_for(self, stage: Stage, sha256: str, version: str, timeout: float) -> Any | None: ...


class ProgressSink(Protocol):
    """Receives document state transitions (the Redis progress hash, metrics)."""

    def document_transition(
        self,
        batch_id: str,
        document_id: str,
        old: str,
        new: str,
        stage: str,
        pages: int,
        ocr_pages: int | None = None,
    ) -> None: ...

    def documents_started(self, documents: Sequence[tuple[str, str]]) -> None: ...

    def documents_added(self, batch_id: str, container_id: str, count: int) -> None: ...

    def stages_finished_many(self, reports: Sequence[StageReport]) -> None: ...

    def batch_finalized(self, batch_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class _Done:
    """A stage computed in this step, waiting to be committed."""

    stage: Stage
    payload: Any
    cached: bool
    seconds: float


@dataclass
class _Work:
    """Values of one document computed or loaded during this step."""

    document: DocumentRecord
    owner: str
    sha256: str = ""
    data: bytes | None = None
    #: The stage outputs found in the cache (or computed by a twin in this group).
    cached: dict[Stage, Any] = field(default_factory=dict)
    extracted: ExtractedDocument | None = None
    chunks: tuple[Chunk, ...] | None = None
    mentions: tuple[Mention, ...] | None = None
    resolution: Resolution | None = None
    #: The stage being computed (several run in one step when fused or cached).
    stage: Stage | None = None
    #: Computed values to cache at the next commit.
    cache_writes: list[CacheItem] = field(default_factory=list)
    #: The computation claim this step holds on its content, taken by the lookup: one
    #: claim covers every cached stage the step computes. The commit releases it, and so
    #: does a failure or an OCR hand-off.
    claim: HeldClaim | None = None
    #: The stage another worker is computing for the same content (the step waits).
    contended: Stage | None = None
    #: True once the cache was read for this step.
    looked_up: bool = False
    #: What the documents of one group (one :meth:`StageExecutor.run_many`) share.
    group: _GroupState = field(default_factory=lambda: _GroupState())
    #: The child documents (a container's members) this step stored.
    children: list[str] = field(default_factory=list)


@dataclass
class _GroupState:
    """What the documents computed in one group share."""

    #: Outputs computed in this group, by sha256 then stage: a twin in the same group
    #: uses them before they reach the cache.
    fresh: dict[str, dict[Stage, Any]] = field(default_factory=dict)
    #: The quarantined sha256s, read once for the group (None: too many to hold, so
    #: each document is looked up; unread until the first extract needs it).
    quarantined: frozenset[str] | None = None
    quarantine_read: bool = False


@dataclass(frozen=True, slots=True)
class _Pending:
    """A document's step, computed and waiting for its group's commit."""

    work: _Work
    done: list[_Done]
    following: Stage | None
    queued_at: float


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
        self.known_entities = KnownEntityIndex(repo)
        # Where parsers run: in a capped sandbox child for workers, else in this process.
        self.extractor: Extractor = extractor or InProcessExtractor()
        # Error recovery (docbatch.retry, docbatch.quarantine); 0 turns quarantine off.
        self.retry_policy = retry_policy or RetryPolicy()
        self.quarantine_threshold = quarantine_threshold
        self.versions = options.versions()
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
            claims = self.repo.claim_many(
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
                outcomes[claim.document_id] = self._refused(claim)
        if stage is Stage.EXTRACT and self.progress and claimed:
            # Counted once: the progress script ignores a transition already applied.
            self.progress.documents_started([(doc.batch_id, doc.id) for doc in claimed])
        shared = _GroupState()
        works = [_Work(doc, owner, sha256=doc.sha256 or "", group=shared) for doc in claimed]
        # The claims stay alive while the group runs, however long (an OCR job); the
        # heartbeat stops with the group, whatever ends it.
        with self._heartbeat(owner, [doc.id for doc in claimed]) as heartbeat:
            outcomes.update(self._run_claimed(works, stage, allow_ocr, heartbeat))
        return [outcomes[document_id] for document_id in document_ids]

    def _heartbeat(self, owner: str, document_ids: Sequence[str]) -> LeaseHeartbeat:
        """The heartbeat that renews ``owner``'s leases on ``document_ids`` (not started)."""

        def renew(ids: Sequence[str], holder: str) -> Sequence[str]:
            return self.repo.renew_leases(ids, owner=holder, lease_seconds=self.lease_seconds)

        return LeaseHeartbeat(
            renew, owner, document_ids, interval=heartbeat_interval(self.lease_seconds)
        )

    def _run_claimed(
        self, works: Sequence[_Work], stage: Stage, allow_ocr: bool, heartbeat: LeaseHeartbeat
    ) -> dict[str, StepOutcome]:
        """Compute and commit the claimed documents of a group; their outcomes."""
        outcomes: dict[str, StepOutcome] = {}
        group: list[_Pending] = []
        try:
            self._look_up_group(works, stage, heartbeat.owner)
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
                self._release_claim(work)
            raise
        for work in works:
            if work.children:  # a container: its children are sent whatever it did next
                found = outcomes[work.document.id]
                outcomes[work.document.id] = replace(found, children=tuple(work.children))
        return outcomes

    def _refused(self, claim: ClaimResult) -> StepOutcome:
        """The outcome of a claim that was not granted (failed for good, or skipped)."""
        if claim.outcome is ClaimOutcome.FAILED:
            self._report_terminal(
                claim.batch_id, claim.document_id, DocumentState.FAILED.value, claim.stage, 0
            )
            if claim.batch_finalized:
                self._report_finalized(claim.batch_id)
            return StepOutcome(claim.document_id, StepStatus.FAILED, reason=claim.reason)
        return StepOutcome(claim.document_id, StepStatus.SKIPPED, reason=claim.reason)

    def _failed(self, work: _Work, stage: Stage, raw: BaseException) -> StepOutcome:
        """Record an exception raised in a step: a retry, or the document's failure."""
        self._release_claim(work)  # twins waiting on it compute for themselves
        exc = self.translate(raw)
        stage = work.stage or stage  # a failure is recorded at the stage that raised
        if not isinstance(exc, (DocbatchError, MemoryError)):
            # A bug or an untranslated vendor error: fail the document, keep the trace.
            log.error(
                "unexpected error in %s of %s\n%s",
                stage, work.document.id, "".join(traceback.format_exception(raw)),
            )  # fmt: skip
        return self._fail(work, stage, exc)

    def _advance(
        self, work: _Work, stage: Stage, allow_ocr: bool, group: list[_Pending]
    ) -> StepOutcome | None:
        """Compute ``stage`` and the stages this step may run after it.

        The stages computed are queued on ``group`` for its commit (None is returned);
        a slow stage with more to run after it is committed at once (see
        :data:`COMMIT_AFTER_S`). Other outcomes (OCR hand-off, a stale step) are
        returned.
        """
        pending: list[_Done] = []
        current: Stage | None = stage
        while current is not None:
            work.stage = current
            started = self.clock()
            try:
                payload, cached = self._compute(work, current, allow_ocr)
            except ClaimLostError as exc:  # cancelled, or re-sent: nothing to write
                self._release_claim(work)
                return StepOutcome(work.document.id, StepStatus.SKIPPED, reason=str(exc))
            except Exception:
                # Keep the stages already done; the failure is recorded at this one.
                if pending:
                    self._store([_Pending(work, pending, current, started)], hold=True)
                raise
            if payload is None:
                # Hand the document to an OCR worker: give the lease (and the attempt)
                # up so the OCR message (another task) can claim the stage; a re-send
                # from now on is the OCR step.
                self.repo.hand_off_to_ocr(work.document.id, owner=work.owner)
                return StepOutcome(work.document.id, StepStatus.NEEDS_OCR, next_stage=Stage.EXTRACT)
            elapsed = self.clock() - started
            pending.append(_Done(current, payload, cached, elapsed))
            following = current.next()
            go_on = following is not None and (self.fuse_stages or following in work.cached)
            if go_on and elapsed < COMMIT_AFTER_S:
                current = following
                continue
            if not go_on:
                group.append(_Pending(work, pending, following, self.clock()))
                return None
            # Committed now, and this step goes on with the next stage: it keeps the lease.
            (transition,) = self._store([_Pending(work, pending, following, started)], hold=True)
            if not transition:
                return StepOutcome(
                    work.document.id, StepStatus.SKIPPED, reason="stage already committed"
                )
            pending = []
            current = following
        raise AssertionError("unreachable")  # pragma: no cover

    def _commit_group(self, group: list[_Pending]) -> dict[str, StepOutcome]:
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
        self._report_stored([item for item, _ in stored], [t for _, t in stored])
        for item, transition in stored:
            document_id = item.work.document.id
            if not transition:
                outcome = StepOutcome(
                    document_id, StepStatus.SKIPPED, reason="stage already committed"
                )
            elif item.following is None:
                if transition.batch_finalized:
                    self._report_finalized(item.work.document.batch_id)
                outcome = StepOutcome(
                    document_id, StepStatus.COMPLETED, batch_finalized=transition.batch_finalized
                )
            else:
                outcome = StepOutcome(document_id, StepStatus.ADVANCED, next_stage=item.following)
            outcomes[document_id] = outcome
        return outcomes

    def _store(self, items: Sequence[_Pending], *, hold: bool = False) -> list[Transition]:
        """Cache what the steps computed, commit them in one transaction, report them."""
        transitions = self._write(items, hold=hold)
        self._report_stored(items, transitions)
        return transitions

    def _write(self, items: Sequence[_Pending], *, hold: bool = False) -> list[Transition]:
        """Cache what the steps computed and commit them in one transaction; with
        ``hold`` the steps go on, so their documents' leases stay theirs."""
        if self.cache is not None:
            writes = [write for item in items for write in item.work.cache_writes]
            claims = [item.work.claim for item in items if item.work.claim is not None]
            if writes or claims:
                self.cache.put_many(writes, release=claims)
            for item in items:
                item.work.cache_writes = []
                item.work.claim = None
        transitions = self.repo.complete_many(
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

    def _report_stored(self, items: Sequence[_Pending], transitions: Sequence[Transition]) -> None:
        """Remember the entities the steps resolved; report their stages as finished."""
        reports = []
        for item, transition in zip(items, transitions, strict=True):
            if not transition:
                continue
            work = item.work
            for d in item.done:
                if isinstance(d.payload, ExtractResult) and d.payload.children:
                    self._report_children(work, d.payload)
                if d.stage is Stage.RESOLVE:
                    self.known_entities.remember(work.document.project_id, d.payload.entities)
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

    # -- computing one stage ----------------------------------------------------------

    def _compute(self, work: _Work, stage: Stage, allow_ocr: bool) -> tuple[Any, bool]:
        """The stage's result for :meth:`Repository.complete_stage`, and if it was cached.

        Returns ``(None, False)`` when extraction needs OCR that this step may not run.
        """
        if stage is Stage.EXTRACT:
            return self._extract(work, allow_ocr)
        if stage is Stage.CHUNK:
            return self._cached_or(
                work, stage, lambda: chunk_document(self._extracted(work), self.options.chunk)
            )
        if stage is Stage.ENTITIES:
            return self._cached_or(work, stage, lambda: self._entities(work))
        if stage is Stage.RESOLVE:
            return self._resolve(work), False
        return self._relate(work), False

    def _load_bytes(self, work: _Work) -> bytes:
        data = work.data
        if data is None:
            data = self._read_bytes(work, self.options.extract.max_file_bytes)
        self._look_up(work)
        return data

    def _read_bytes(self, work: _Work, limit: int) -> bytes:
        """Read the document's bytes: its file, or a container member's stored bytes."""
        if work.document.parent_id is None:
            work.data, work.sha256 = read_document(work.document.path, limit)
        else:
            work.data, work.sha256 = read_member(self.repo, work.document, limit)
        return work.data

    def _look_up_group(self, works: Sequence[_Work], stage: Stage, owner: str) -> None:
        """Look a group's documents up in the cache in one round trip (see
        :meth:`_look_up`), reading their bytes first when the step starts at extract.

        Documents that cannot be read now (too large for :data:`GROUP_READ_BYTES`, or
        any error, which their own step meets and records) are looked up in their turn.
        The claims taken here are held until the group's commit, so a worker computing
        a twin elsewhere waits for this group's value rather than computing it too.
        """
        if self.cache is None or stage not in self.versions or len(works) < 2:
            return
        budget = GROUP_READ_BYTES
        ready: list[_Work] = []
        for work in works:
            if stage is Stage.EXTRACT:
                limit = min(self.options.extract.max_file_bytes, budget)
                try:
                    budget -= len(self._read_bytes(work, limit))
                except Exception as exc:  # the document's own step meets it again
                    log.debug("%s is read in its turn: %s", work.document.id, exc)
                    continue
            if work.sha256:
                ready.append(work)
        if not ready:
            return
        claim = ClaimRequest(owner, self.lease_seconds, stage)
        found = self.cache.look_up_many([(work.sha256, claim) for work in ready], self.versions)
        for work, lookup in zip(ready, found, strict=True):
            self._found(work, lookup)

    def _look_up(self, work: _Work) -> None:
        """Read the cached stages of the document's content (once per step), and claim
        the computation of the first one this step needs and the cache lacks; then add
        the outputs that twins computed earlier in the group."""
        if not work.looked_up and self.cache is not None:
            first = work.stage if work.stage in self.versions else None
            claim = ClaimRequest(work.owner, self.lease_seconds, first) if first else None
            self._found(work, self.cache.look_up(work.sha256, self.versions, claim))
        work.looked_up = True
        work.cached.update(work.group.fresh.get(work.sha256, {}))

    def _found(self, work: _Work, lookup: Lookup) -> None:
        """Keep what a cache lookup found for the document, and the claim it took."""
        work.looked_up = True
        work.cached = self._unpacked(lookup.found)
        work.claim, work.contended = lookup.claimed, lookup.contended

    @staticmethod
    def _unpacked(found: dict[Stage, Any]) -> dict[Stage, Any]:
        """The stage outputs in cache entries; an entry of an unknown shape is a miss."""
        outputs: dict[Stage, Any] = {}
        for stage, data in found.items():
            try:
                outputs[stage] = unpack_stage(stage, data)
            except ValueError as exc:
                log.warning("ignoring a cached %s output: %s", stage, exc)
        return outputs

    def _extract(self, work: _Work, allow_ocr: bool) -> tuple[Any, bool]:
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

        extracted, shared = self._compute_once(work, Stage.EXTRACT, compute)
        if extracted is None:
            return None, False
        work.extracted = extracted
        return self._extract_result(work, data, extracted), shared

    def _extract_result(
        self, work: _Work, data: bytes, extracted: ExtractedDocument
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

    # -- OCR of big scans in page ranges (see docbatch.ranged_ocr) ----------------------

    def _ranged(self, owner: str, document: DocumentRecord | None = None) -> RangedOcr:
        """The page-range reader for ``owner``; with ``document``, as the coordinator
        of its OCR step (it asks others for help and stops if the claim is lost)."""
        sender: RangeSender | None = None
        still_ours: Callable[[], bool] | None = None
        if document is not None:
            if self.range_sender is not None:
                send = self.range_sender
                sender = lambda _document_id, numbers: send(document, numbers)  # noqa: E731
            still_ours = lambda: self.repo.holds_claim(document.id, owner)  # noqa: E731
        return RangedOcr(
            self.repo.ocr_ranges,
            self.extractor,
            owner,
            self.lease_seconds,
            self.ocr_range_pages,
            sender,
            still_ours,
        )

    def _ocr(self, work: _Work, data: bytes, mime: str, pages: Sequence[int]) -> tuple[Page, ...]:
        """OCR ``pages``: in one go, or a big scan in ranges that other workers share."""
        ranged = self._ranged(work.owner, work.document)
        if not work.sha256 or not ranged.wanted(pages):
            return self.extractor.ocr(data, mime, pages, self.options.extract)
        version = self.versions[Stage.EXTRACT]
        return ranged.read(
            work.document.id, data, work.sha256, version, mime, pages, self.options.extract
        )

    def run_ocr_range(self, document_id: str, number: int, *, owner: str | None = None) -> str:
        """Help read range ``number`` of a big scan another worker is OCR'ing; what
        happened (see :meth:`docbatch.ranged_ocr.RangedOcr.help_with`)."""
        owner = owner or self.owner
        try:
            document = self.repo.get_document(document_id)
        except NotFoundError:
            return "skipped"  # deleted since
        if document.state is not DocumentState.PROCESSING or document.stage is not Stage.EXTRACT:
            return "skipped"  # its OCR ended (or has not started again yet)
        work = _Work(document, owner)

        def load() -> tuple[bytes, str]:
            data = self._read_bytes(work, self.options.extract.max_file_bytes)
            return data, work.sha256

        version = self.versions[Stage.EXTRACT]
        return self._ranged(owner).help_with(
            document_id, number, load, version, self.options.extract
        )

    def _compute_once(
        self, work: _Work, stage: Stage, compute: Callable[[], Any]
    ) -> tuple[Any, bool]:
        """Compute a cacheable stage once per content and options.

        Documents with identical bytes (in one batch or across batches running at once)
        would compute the same result: the lookup of the first claims it, the others
        wait for its cached value. A claim that is released or expires without a value
        (its worker died, or it handed the document to OCR) lets the waiter compute it
        itself, so nobody waits forever. Returns the value and whether it came from a
        twin.
        """
        cache = self.cache
        if cache is None or not work.sha256:
            return compute(), False
        version = self.versions[stage]
        if work.contended is stage:
            work.contended = None
            shared = cache.wait_for(stage, work.sha256, version, timeout=self.lease_seconds)
            if shared is not None:
                try:
                    value = unpack_stage(stage, shared)
                except ValueError as exc:
                    log.warning("ignoring a cached %s output: %s", stage, exc)
                else:
                    # The twin cached its later stages with this one: read them too.
                    found = cache.get_many(work.sha256, self.versions)
                    work.cached.update(self._unpacked(found))
                    return value, True
        value = compute()
        if value is None:  # handed to OCR: another task computes it
            self._release_claim(work)
        else:
            # Cached, and the claim released, with the step's commit: one round trip.
            packed = pack_stage(stage, value)
            work.cache_writes.append(CacheItem(stage, work.sha256, version, packed, True))
            work.group.fresh.setdefault(work.sha256, {})[stage] = value
        return value, False

    def _release_claim(self, work: _Work) -> None:
        """Release the step's computation claim, if it holds one."""
        if self.cache is not None and work.claim is not None:
            self.cache.release_claim(*work.claim)
        work.claim = None

    def _cached_or(self, work: _Work, stage: Stage, compute: Callable[[], Any]) -> tuple[Any, bool]:
        if work.sha256:
            self._look_up(work)  # a step that starts after extract
        value = work.cached.get(stage)
        cached_hit = value is not None
        if not cached_hit:
            value, cached_hit = self._compute_once(work, stage, compute)
        if stage is Stage.CHUNK:
            work.chunks = value
        elif stage is Stage.ENTITIES:
            work.mentions = value
        return value, cached_hit

    def _extracted(self, work: _Work) -> ExtractedDocument:
        if work.extracted is None:
            work.extracted = work.cached.get(Stage.EXTRACT) or self.repo.load_extracted(
                work.document.id
            )
        return work.extracted

    def _chunks(self, work: _Work) -> tuple[Chunk, ...]:
        if work.chunks is None:
            cached = work.cached.get(Stage.CHUNK)
            work.chunks = cached if cached is not None else self.repo.load_chunks(work.document.id)
        return work.chunks

    def _mentions(self, work: _Work) -> tuple[Mention, ...]:
        if work.mentions is None:
            cached = work.cached.get(Stage.ENTITIES)
            work.mentions = (
                cached if cached is not None else self.repo.load_mentions(work.document.id)
            )
        return work.mentions

    def _entities(self, work: _Work) -> tuple[Mention, ...]:
        extracted = self._extracted(work)
        options = self.options.entities
        return extract_mentions(
            extracted.entity_text(options.skip_low_confidence),
            self._chunks(work),
            extracted.page_spans(),
            options,
        )

    def _resolve(self, work: _Work) -> Resolution:
        mentions = self._mentions(work)
        known = self.known_entities.candidates(work.document.project_id, mentions)
        work.resolution = resolve(mentions, known)
        return work.resolution

    def _relate(self, work: _Work) -> Any:
        resolution = work.resolution or self.repo.load_resolution(work.document.id)
        return relate(
            self._mentions(work), resolution, self._chunks(work), options=self.options.relate
        )

    # -- failures and reporting -------------------------------------------------------

    def _fail(self, work: _Work, stage: Stage, exc: BaseException) -> StepOutcome:
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
            self.repo.record_sha256(work.document.id, work.sha256)  # counted for quarantine
        transition = self.repo.fail(work.document.id, stage, category, code, reason[:2000])
        if transition:
            self._report_terminal(
                work.document.batch_id, work.document.id, DocumentState.FAILED.value, stage, 0
            )
            if transition.batch_finalized:
                self._report_finalized(work.document.batch_id)
        return StepOutcome(
            work.document.id,
            StepStatus.FAILED,
            reason=reason,
            batch_finalized=bool(transition.batch_finalized),
        )

    def _retry(
        self, work: _Work, stage: Stage, exc: BaseException, decision: RetryDecision
    ) -> StepOutcome:
        """Release the document for a retry: sent by the caller now, or parked until due."""
        due = None if decision.direct else self.repo.clock() + timedelta(seconds=decision.delay)
        released = self.repo.schedule_retry(
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

    def _before_extract(self, work: _Work) -> None:
        """Once the bytes' sha256 is known: skip quarantined bytes (and a test fault point)."""
        if not work.sha256:
            return
        if work.document.attempts > 1 and not work.document.sha256:
            # An earlier run of this step ended without an answer (a killed worker): keep
            # the bytes' identity so a worker_lost failure counts toward quarantine.
            self.repo.record_sha256(work.document.id, work.sha256)
        if self.quarantine_threshold > 0 and self._may_be_quarantined(work):
            entries = self.repo.quarantine_entries(work.sha256, self.quarantine_threshold)
            if entries:
                raise QuarantinedError(quarantine_reason(entries[0]))
        poison_point(work.document.path)

    def _may_be_quarantined(self, work: _Work) -> bool:
        """False when the group's list of quarantined content (read once) lacks the
        document's: one query per group instead of one per document."""
        group = work.group
        if not group.quarantine_read:
            group.quarantined = self.repo.quarantined_sha256s(self.quarantine_threshold)
            group.quarantine_read = True
        return group.quarantined is None or work.sha256 in group.quarantined

    def _report_terminal(
        self,
        batch_id: str,
        document_id: str,
        new: str,
        stage: Stage,
        pages: int,
        ocr_pages: int | None = None,
    ) -> None:
        if self.progress:
            self.progress.document_transition(
                batch_id,
                document_id,
                DocumentState.PROCESSING.value,
                new,
                stage.value,
                pages,
                ocr_pages,
            )

    def _report_children(self, work: _Work, result: ExtractResult) -> None:
        """Remember the children a commit stored, and count them in the batch's progress."""
        work.children.extend(child.id for child in result.children)
        if self.progress:
            batch_id = work.document.recovery_batch_id or work.document.batch_id
            self.progress.documents_added(batch_id, work.document.id, len(result.children))

    def _report_finalized(self, batch_id: str) -> None:
        if self.progress:
            self.progress.batch_finalized(batch_id)
