"""Where document transitions are reported, and how a batch's status is read.

:class:`RedisProgressSink` forwards the executor's transitions to the Redis progress
hash (:mod:`docbatch.redis.progress`). Progress is a view: a Redis outage never fails a
document, and a hash that went missing or fell out of step is rebuilt from the database.
:func:`batch_status` merges the database's exact counters with the hash's per-stage
counts and rate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docbatch.engine.outcomes import StageReport
from docbatch.errors import TransientError
from docbatch.models import CACHED_STAGES, TERMINAL_DOCUMENT_STATES, DocumentState
from docbatch.redis.metrics import MetricsRecorder
from docbatch.redis.progress import (
    BatchProgress,
    ProgressTracker,
    RebuildFigures,
    TransitionResult,
)
from docbatch.settings import Settings
from docbatch.store.ocr_ranges import RangeProgress
from docbatch.store.records import BatchRecord

if TYPE_CHECKING:
    import redis

    from docbatch.store.repository import Repository

__all__ = ["BatchStatus", "BatchSummary", "RedisProgressSink", "batch_status", "batch_summary"]

log = logging.getLogger(__name__)


class RedisProgressSink:
    """Reports transitions to the Redis progress hash; never raises into the caller."""

    def __init__(
        self, client: redis.Redis, settings: Settings, repo: Repository | None = None
    ) -> None:
        self.tracker = ProgressTracker(client, settings.key_prefix, settings.progress_ttl_seconds)
        self.repo = repo
        self.metrics = MetricsRecorder(
            client, settings.key_prefix, batch_ttl=settings.progress_ttl_seconds
        )

    def init(self, batch: BatchRecord) -> None:
        """Create the batch's hash (no-op when it exists)."""
        try:
            self.tracker.init_batch(batch.id, batch.total, batch.priority.value, batch.created_at)
        except TransientError as exc:
            log.warning("progress for batch %s not initialised: %s", batch.id, exc)

    def document_transition(
        self,
        batch_id: str,
        document_id: str,
        old: str,
        new: str,
        stage: str,
        pages: int,
        ocr_pages: int | None = None,
    ) -> None:
        """Count one document transition (ignored if already counted).

        A start (pending -> processing) names no stage: the script would record the
        named stage as finished. ``ocr_pages`` of a completed document is read from the
        database when the caller does not know it.
        """
        starting = old == "pending" and new == "processing"
        ((result,),) = self._apply(
            [(batch_id, document_id, [(old, new, None if starting else stage, pages)])]
        )
        if new in TERMINAL_DOCUMENT_STATES and result is not TransitionResult.DUPLICATE:
            self._record_terminal(document_id, new, pages, ocr_pages)

    def documents_started(self, documents: Sequence[tuple[str, str]]) -> None:
        """Count ``(batch_id, document_id)`` documents as started, in one round trip."""
        self._apply([(batch, document, [("pending", "processing", None, 0)])
                     for batch, document in documents])  # fmt: skip

    def documents_added(self, batch_id: str, container_id: str, count: int) -> None:
        """A container's ``count`` children joined the batch (counted once per container)."""
        try:
            self.tracker.add_documents(batch_id, container_id, count)
        except TransientError as exc:
            log.warning("progress of batch %s not grown (rebuilt later): %s", batch_id, exc)

    def stages_finished(
        self,
        batch_id: str,
        document_id: str,
        finished: Sequence[tuple[str, float, bool]],
        *,
        completed_pages: int | None = None,
        ocr_pages: int | None = None,
    ) -> None:
        """:meth:`stages_finished_many` for one document."""
        report = StageReport(batch_id, document_id, tuple(finished), completed_pages, ocr_pages)
        self.stages_finished_many([report])

    def stages_finished_many(self, reports: Sequence[StageReport]) -> None:
        """Count the finished stages ``(stage, seconds, cached)`` of each report.

        A report with ``completed_pages`` completed its document with its last stage: it
        is counted as completed (with its pages and OCR pages) instead. One round trip
        for the progress hashes and one for the metrics, whatever the number of reports.
        """
        items = []
        for report in reports:
            steps = [("processing", "processing", stage, 0) for stage, _, _ in report.finished]
            if report.completed_pages is not None:
                last = report.finished[-1][0]
                steps[-1] = ("processing", "completed", last, report.completed_pages)
            items.append((report.batch_id, report.document_id, steps))
        cacheable = {s.value for s in CACHED_STAGES}
        entries = []
        for report, results in zip(reports, self._apply(items), strict=True):
            document = None
            if report.completed_pages is not None and results[-1] is not TransitionResult.DUPLICATE:
                ocr = report.ocr_pages
                if ocr is None:
                    ocr = self._ocr_pages(report.document_id)
                document = ("completed", report.completed_pages, ocr)
            # Not gated on the progress result: the executor reports a stage only after
            # its compare-and-set commit, and the start transition already marks extract
            # done.
            finished = [(stage, seconds, cached if stage in cacheable else None)
                        for stage, seconds, cached in report.finished]  # fmt: skip
            entries.append((finished, report.batch_id, document))
        self.metrics.record_many(entries)

    def _ocr_pages(self, document_id: str) -> int:
        """A completed document's OCR pages, read from the database (0 if unknown)."""
        if self.repo is None:
            return 0
        try:
            return self.repo.documents.get(document_id).ocr_pages or 0
        except Exception as exc:  # metrics must never fail a document
            log.warning("metrics: OCR pages of %s unknown: %s", document_id, exc)
            return 0

    def _record_terminal(
        self, document_id: str, state: str, pages: int, ocr_pages: int | None
    ) -> None:
        """Add a terminal document to the metrics (OCR pages from the database if unknown)."""
        if ocr_pages is None:
            ocr_pages = self._ocr_pages(document_id) if state == "completed" else 0
        self.metrics.document_finished(state, pages=pages, ocr_pages=ocr_pages)

    def batch_finalized(self, batch_id: str) -> None:
        """The batch reached its terminal state (the hash sets finished_at itself)."""
        log.info("batch %s finalised", batch_id)

    def _apply(
        self, items: Sequence[tuple[str, str, Sequence[tuple[str, str, str | None, int]]]]
    ) -> list[list[TransitionResult | None]]:
        """Apply each ``(batch_id, document_id, steps)`` item's ``(old, new, stage,
        pages)`` steps to the progress hashes, in one round trip."""
        try:
            results: list[list[TransitionResult | None]] = [
                list(found) for found in self.tracker.transitions_many(items, now=time.time())
            ]
        except TransientError as exc:
            log.warning("progress update lost (rebuilt later): %s", exc)
            return [[None] * len(steps) for _, _, steps in items]
        # A STALE start (pending -> processing of a document already counted as
        # processing: an OCR hand-off, a redelivery) changes nothing; a STALE terminal
        # transition means an update was lost during an outage, so rebuild.
        damaged = {
            batch_id
            for (batch_id, _, steps), found in zip(items, results, strict=True)
            if TransitionResult.MISSING in found
            or any(result is TransitionResult.STALE and new in TERMINAL_DOCUMENT_STATES
                   for result, (_, new, _, _) in zip(found, steps, strict=True))
        }  # fmt: skip
        repo = self.repo
        if repo is None:  # no database to rebuild from
            return results
        for batch_id in sorted(damaged):
            try:
                self.rebuild(repo.batches.get(batch_id), repo)
            except TransientError as exc:
                log.warning("progress rebuild for batch %s failed: %s", batch_id, exc)
        return results

    def rebuild(self, batch: BatchRecord, repo: Repository) -> BatchProgress:
        """Recreate the batch's hash from the database (read again if a worker reports
        meanwhile, see :meth:`ProgressTracker.rebuild_from`)."""

        def read() -> RebuildFigures:
            record = repo.batches.get(batch.id)
            figures = repo.batches.progress_figures(batch.id)
            return RebuildFigures(
                # The documents read, not the batch row read before them: a container's
                # children committed in between count in both or in neither.
                total=len(figures.states),
                priority=record.priority.value,
                created_at=record.created_at,
                state_counts=figures.state_counts,
                stage_counts=figures.stage_counts,
                doc_states=figures.states,
                doc_stages=figures.stages,
                containers=figures.containers,
                pages=figures.pages,
                started_at=record.started_at,
                last_terminal_at=record.finished_at,
            )

        return self.tracker.rebuild_from(batch.id, read)

    def ensure(self, batch: BatchRecord, repo: Repository) -> bool:
        """Rebuild the hash when it is wrong in a way no later report mends; True when it
        was rebuilt.

        While the batch runs: a missing hash, or a total that is not the database's (a
        container's children stored by a worker that died before it reported them). Once
        the batch has ended: state counts that are not the database's (a worker killed
        between its commit and its report, or a report lost to a concurrent rebuild); no
        report can come any more, so the database's figures are final. A finished
        batch's hash that is gone (expired) is left gone.
        """
        found = self.tracker.get_batch_progress(batch.id)
        if batch.state.terminal:
            if found is None:
                return False
            states = repo.batches.counts(batch.id).states
            expected = {state.value: states.get(state, 0) for state in DocumentState}
            if found.total == batch.total and found.counts == expected:
                return False
        elif found is not None and found.total == batch.total:
            return False
        self.rebuild(batch, repo)
        return True

    def get(self, batch_id: str) -> BatchProgress | None:
        """The hash's view of the batch, or None when missing or unreachable."""
        try:
            return self.tracker.get_batch_progress(batch_id)
        except TransientError:
            return None


@dataclass(frozen=True, kw_only=True)
class BatchSummary:
    """The figures every view of a batch shows: its counters from the database, and its
    rate and ETA (from the Redis progress hash when there is one, else from the batch's
    timestamps). ``docbatch monitor`` shows one per batch; :class:`BatchStatus` adds the
    detail that ``docbatch status``, the API and the dashboard show.

    The other batch types say where figures come from, not how they are shown:
    :class:`~docbatch.store.records.BatchRecord` is the database row,
    :class:`~docbatch.redis.progress.BatchProgress` the live Redis counters,
    :class:`~docbatch.local.runner.RunSummary` what ``docbatch run`` produced (result totals),
    and the API's schemas (:mod:`docbatch.api.schemas`) are the HTTP contract built from
    these.
    """

    batch_id: str
    name: str | None = None
    state: str
    priority: str
    total: int
    completed: int
    failed: int
    cancelled: int
    pages: int
    percent: float
    rate_docs_per_s: float | None
    eta_seconds: float | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def done(self) -> int:
        """Documents in a terminal state."""
        return self.completed + self.failed + self.cancelled

    @property
    def finished(self) -> bool:
        """True once the batch has finalised."""
        return self.state in {"completed", "completed_with_failures", "cancelled"}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (datetimes as ISO strings)."""
        data = asdict(self)
        for key in ("created_at", "started_at", "finished_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return data


@dataclass(frozen=True, kw_only=True)
class BatchStatus(BatchSummary):
    """A batch's status: its :class:`BatchSummary`, its documents per state and stage,
    and what it waits for.

    ``documents_ahead`` counts the unfinished documents the brokers serve before this
    batch's (higher priority, or same priority and submitted earlier); ``wait_seconds``
    is how long the batch waited from creation to its first started document (so far,
    while it has not started).
    """

    pending: int
    processing: int
    stages: dict[str, Any] = field(default_factory=dict)
    documents_ahead: int = 0
    wait_seconds: float | None = None
    #: Failed (or cancelled) documents a recovery batch is running again: counted in
    #: ``failed`` until they end, and in ``pending``/``processing`` meanwhile.
    recovering: int = 0
    #: Big scans being OCR'd in page ranges now, and their pages read so far of all.
    ocr_scans: int = 0
    ocr_pages_done: int = 0
    ocr_pages_total: int = 0


def batch_summary(batch: BatchRecord, progress: RedisProgressSink | None) -> BatchSummary:
    """The summary of ``batch``; works without Redis (rate then comes from timestamps)."""
    live = progress.get(batch.id) if progress is not None else None
    return BatchSummary(**_summary_fields(batch, live))


def _summary_fields(batch: BatchRecord, live: BatchProgress | None) -> dict[str, Any]:
    """The :class:`BatchSummary` fields: the one place a batch's rate and ETA are worked out."""
    rate = live.rate if live is not None else _rate_from_db(batch)
    remaining = batch.total - batch.done
    eta = remaining / rate if rate and remaining > 0 else (0.0 if remaining == 0 else None)
    return {
        "batch_id": batch.id,
        "name": batch.name,
        **batch.counters(),
        "pages": batch.pages,
        "percent": batch.percent,
        "rate_docs_per_s": round(rate, 3) if rate else None,
        "eta_seconds": round(eta, 1) if eta is not None else None,
        "created_at": batch.created_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
    }


def batch_status(
    batch: BatchRecord, repo: Repository, progress: RedisProgressSink | None
) -> BatchStatus:
    """The status of ``batch``; works without Redis (rate then comes from timestamps)."""
    counts = repo.batches.counts(batch.id)
    states = {state.value: n for state, n in counts.states.items()}
    live = progress.get(batch.id) if progress is not None else None
    ocr = _ranged_ocr(batch, repo, states)
    stages = (
        dict(live.stages)
        if live is not None
        else {f"{state.value}:{stage.value}": n for (state, stage), n in counts.stages.items()}
    )
    return BatchStatus(
        **_summary_fields(batch, live),
        pending=states.get("pending", 0),
        processing=states.get("processing", 0),
        stages=stages,
        documents_ahead=0 if batch.state.terminal else repo.documents.documents_ahead(batch.id),
        wait_seconds=_wait_seconds(batch),
        recovering=counts.recovering,
        ocr_scans=ocr.documents,
        ocr_pages_done=ocr.pages_done,
        ocr_pages_total=ocr.pages_total,
    )


def _ranged_ocr(batch: BatchRecord, repo: Repository, states: dict[str, int]) -> RangeProgress:
    """The pages read so far of the big scans the batch is OCR'ing in ranges."""
    if batch.state.terminal or not states.get("processing"):
        return RangeProgress(0, 0, 0)
    return repo.ocr_ranges.progress(batch.id)


def _wait_seconds(batch: BatchRecord) -> float:
    """Seconds from creation to the first started document (or to now, not started yet)."""
    end = batch.started_at or datetime.now(batch.created_at.tzinfo)
    return round(max(0.0, (end - batch.created_at).total_seconds()), 1)


def _rate_from_db(batch: BatchRecord) -> float | None:
    if batch.started_at is None or batch.done == 0:
        return None
    end = batch.finished_at or datetime.now(batch.started_at.tzinfo)
    seconds = (end - batch.started_at).total_seconds()
    return batch.done / seconds if seconds > 0 else None
