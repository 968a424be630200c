"""Big scans OCR'd in page ranges that every worker shares (issue 23).

A scan with more pages to OCR than ``ocr_range_pages`` is read in ranges: the worker
running its OCR step plans them, other workers help, and each range is read once and
written once. The document's extract stage still completes exactly once, and a step that
dies midway keeps the ranges it read, so only the missing ones are read again.

The extractor here is a stand-in that "reads" a page instantly and records every page it
was asked for, so the tests can tell which range was read where, and how often.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from docbatch.engine.executor import StageExecutor
from docbatch.engine.extractors import InProcessExtractor
from docbatch.models import ExtractedDocument, Page, Stage
from docbatch.pipeline.sniff import PDF
from docbatch.settings import Settings
from docbatch.store import Database, NewDocument, Repository
from docbatch.store.ocr_ranges import plan_ranges, range_key
from docbatch.store.records import DocumentRecord
from tests.integration.test_store_support import claim_stage

pytestmark = pytest.mark.integration

LEASE = 1.5
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "memo.txt"
PAGES = 40
RANGE = 16


class ScanExtractor(InProcessExtractor):
    """A scan of ``pages`` blank pages; OCR "reads" ``words on page N`` on each."""

    def __init__(
        self, pages: int = PAGES, *, seconds: float = 0.0, stop_at: int | None = None
    ) -> None:
        self.pages = pages
        self.seconds = seconds
        self.stop_at = stop_at
        self.read: list[int] = []
        self.calls: list[tuple[int, ...]] = []
        self._lock = threading.Lock()

    def text_layer(self, data: bytes, options: Any) -> Any:
        blank = tuple(Page(number, "") for number in range(1, self.pages + 1))
        return ExtractedDocument(PDF, blank, {}, ()), tuple(range(1, self.pages + 1))

    def ocr(self, data: bytes, mime: str, pages: Sequence[int], options: Any) -> Any:
        if self.stop_at is not None and self.stop_at in pages:
            raise KeyboardInterrupt  # the worker is stopped in the middle of the scan
        time.sleep(self.seconds)
        with self._lock:
            self.read.extend(pages)
            self.calls.append(tuple(pages))
        return tuple(Page(n, f"words on page {n}", True, "stand-in", 0.9, False) for n in pages)


@pytest.fixture
def repo(database: Database) -> Repository:
    return Repository(database, lease_seconds=LEASE)


def _document(repo: Repository) -> DocumentRecord:
    batch = repo.batches.create(
        "acme",
        [NewDocument(path=str(SAMPLE), sha256=None, size_bytes=SAMPLE.stat().st_size)],
        options={},
    )
    (doc,) = repo.documents.of_batch(batch.id)
    return doc


def _executor(
    repo: Repository, extractor: InProcessExtractor, owner: str, sender: Any = None
) -> StageExecutor:
    return StageExecutor(
        repo,
        Settings().pipeline_options(),
        owner=owner,
        lease_seconds=LEASE,  # type: ignore[arg-type]
        max_attempts=3,
        fuse_stages=True,
        extractor=extractor,
        ocr_range_pages=RANGE,
        range_sender=sender,
    )


def _ranges_left(repo: Repository, document_id: str) -> int:
    with repo.database.engine.connect() as conn:
        statement = "SELECT count(*) FROM ocr_ranges WHERE document_id = :d"
        return int(conn.execute(sa.text(statement), {"d": document_id}).scalar_one())


def _page_texts(repo: Repository, document_id: str) -> list[str]:
    return [page.text for page in repo.results.load_extracted(document_id).pages]


def test_a_big_scan_is_read_in_ranges_and_completes_once(repo: Repository) -> None:
    doc = _document(repo)
    scan = ScanExtractor()

    outcome = _executor(repo, scan, "alone").run(doc.id, Stage.EXTRACT)

    assert outcome.status == "completed"
    assert scan.calls == plan_ranges(range(1, PAGES + 1), RANGE)  # 16 + 16 + 8 pages
    assert _page_texts(repo, doc.id) == [f"words on page {n}" for n in range(1, PAGES + 1)]
    assert repo.documents.get(doc.id).ocr_pages == PAGES
    assert _ranges_left(repo, doc.id) == 0, "the commit deletes the ranges"


def test_a_scan_of_one_range_or_less_is_read_in_one_go(repo: Repository) -> None:
    doc = _document(repo)
    scan = ScanExtractor(pages=RANGE)

    outcome = _executor(repo, scan, "alone").run(doc.id, Stage.EXTRACT)

    assert outcome.status == "completed"
    assert scan.calls == [tuple(range(1, RANGE + 1))]
    assert _ranges_left(repo, doc.id) == 0


def test_other_workers_share_the_ranges_and_none_is_read_twice(repo: Repository) -> None:
    doc = _document(repo)
    coordinator_scan, helper_scan = ScanExtractor(seconds=0.3), ScanExtractor(seconds=0.3)
    helper = _executor(repo, helper_scan, "helper")
    sent: list[int] = []
    threads: list[threading.Thread] = []

    def send(document: DocumentRecord, numbers: Sequence[int]) -> None:
        sent.extend(numbers)
        for number in numbers:  # a helper takes each message, in turn
            thread = threading.Thread(target=helper.run_ocr_range, args=(document.id, number))
            threads.append(thread)
        threading.Thread(target=lambda: [(t.start(), t.join()) for t in threads]).start()

    outcome = _executor(repo, coordinator_scan, "coordinator", send).run(doc.id, Stage.EXTRACT)
    for thread in threads:
        thread.join(10)

    assert outcome.status == "completed"
    assert sent == [1, 2], "the coordinator reads the first range and sends the others"
    read = Counter(coordinator_scan.read + helper_scan.read)
    assert read == Counter(range(1, PAGES + 1)), "every page read exactly once"
    assert helper_scan.calls, "the helper read a range"
    assert coordinator_scan.calls, "the coordinator read a range"
    assert _page_texts(repo, doc.id) == [f"words on page {n}" for n in range(1, PAGES + 1)]


def test_a_step_stopped_midway_keeps_its_ranges_and_reads_only_the_rest(
    repo: Repository,
) -> None:
    doc = _document(repo)
    # The first run is stopped (Ctrl-C, a shutdown) while it reads the third range.
    with pytest.raises(KeyboardInterrupt):
        _executor(repo, ScanExtractor(stop_at=33), "first").run(doc.id, Stage.EXTRACT)
    assert repo.documents.get(doc.id).state.value == "processing"
    time.sleep(LEASE + 0.2)  # its lease runs out: the reconciler would re-send the step
    assert repo.documents.requeue(doc.id, Stage.EXTRACT)

    again = ScanExtractor()
    outcome = _executor(repo, again, "second").run(doc.id, Stage.EXTRACT)

    assert outcome.status == "completed"
    assert again.calls == [tuple(range(33, PAGES + 1))], "only the missing range is read"
    assert _page_texts(repo, doc.id) == [f"words on page {n}" for n in range(1, PAGES + 1)]
    assert _ranges_left(repo, doc.id) == 0


def test_cancelling_the_batch_stops_reading_the_ranges(repo: Repository) -> None:
    doc = _document(repo)

    class CancelledMidway(ScanExtractor):
        def ocr(self, data: bytes, mime: str, pages: Sequence[int], options: Any) -> Any:
            if 17 in pages:  # while the second range is read, the user cancels
                repo.batches.cancel(doc.batch_id)
            return super().ocr(data, mime, pages, options)

    scan = CancelledMidway()
    outcome = _executor(repo, scan, "coordinator").run(doc.id, Stage.EXTRACT)

    assert outcome.status == "skipped"
    assert scan.calls == plan_ranges(range(1, 33), RANGE), "the third range is not read"
    assert repo.documents.get(doc.id).state.value == "cancelled"


def test_a_duplicate_range_message_writes_nothing(repo: Repository) -> None:
    doc = _document(repo)
    ranges = repo.ocr_ranges
    claim = claim_stage(repo, doc.id, Stage.EXTRACT, owner="coordinator", max_attempts=3)
    assert claim.claimed
    sha = "a" * 64
    version = Settings().pipeline_options().version(Stage.EXTRACT)
    ranges.plan(doc.id, plan_ranges(range(1, PAGES + 1), RANGE), sha, version)
    assert ranges.claim(doc.id, 1, "coordinator", LEASE) is not None
    helper_scan = ScanExtractor()
    helper = _executor(repo, helper_scan, "helper")

    # A range being read, and a range already read, are refused; nothing is read.
    assert helper.run_ocr_range(doc.id, 1) == "skipped"
    assert ranges.store(doc.id, 1, [{"number": 17, "text": "first"}])
    assert not ranges.store(doc.id, 1, [{"number": 17, "text": "second"}]), "written once"
    assert helper.run_ocr_range(doc.id, 1) == "skipped"
    # Ranges planned for other bytes (the file changed) are not read.
    assert helper.run_ocr_range(doc.id, 2) == "stale"
    assert helper_scan.calls == []
    states = ranges.states(doc.id)
    assert [s.done for s in states] == [False, True, False]
    assert states[2].attempts == 0, "a stale range is given back without an attempt"


def test_an_expired_range_claim_is_taken_over_and_never_revived(repo: Repository) -> None:
    doc = _document(repo)
    ranges = repo.ocr_ranges
    ranges.plan(doc.id, [(1, 2), (3, 4)], "b" * 64, "v1")
    first = ranges.claim(doc.id, None, "dead-worker", 0.3)
    assert first is not None and first.number == 0
    assert ranges.claim(doc.id, 0, "other", LEASE) is None, "a live claim is refused"

    time.sleep(0.5)
    taken = ranges.claim(doc.id, None, "other", LEASE)

    assert taken is not None and taken.number == 0, "the lowest claimable range first"
    assert ranges.renew([range_key(doc.id, 0)], "dead-worker", LEASE) == []
    assert ranges.renew([range_key(doc.id, 0)], "other", LEASE) == [range_key(doc.id, 0)]
    # A plan for the same ranges and bytes is kept; for other bytes it is replaced.
    assert [s.leased for s in ranges.plan(doc.id, [(1, 2), (3, 4)], "b" * 64, "v1")] == [
        True, False,
    ]  # fmt: skip
    assert [s.leased for s in ranges.plan(doc.id, [(1, 2), (3, 4)], "c" * 64, "v1")] == [
        False, False,
    ]  # fmt: skip


def test_a_failed_range_is_left_to_the_coordinator(repo: Repository) -> None:
    doc = _document(repo)
    ranges = repo.ocr_ranges
    ranges.plan(doc.id, [(1,), (2,)], "d" * 64, "v1")
    assert ranges.claim(doc.id, 1, "helper", LEASE) is not None
    assert ranges.release(doc.id, 1, "helper", failed=True)

    assert ranges.claim(doc.id, 1, "helper-2", LEASE, fresh_only=True) is None
    taken = ranges.claim(doc.id, 1, "coordinator", LEASE)
    assert taken is not None and taken.pages == (2,)


def test_progress_counts_the_pages_read_of_big_scans(repo: Repository) -> None:
    doc = _document(repo)
    ranges = repo.ocr_ranges
    assert claim_stage(repo, doc.id, Stage.EXTRACT, owner="w", max_attempts=3).claimed
    ranges.plan(doc.id, plan_ranges(range(1, PAGES + 1), RANGE), "e" * 64, "v1")
    ranges.store(doc.id, 2, [{"number": n, "text": ""} for n in range(33, 41)])

    progress = ranges.progress(doc.batch_id)

    assert (progress.documents, progress.pages_done, progress.pages_total) == (1, 8, PAGES)


def test_the_ocr_step_gets_ocr_time_limits(settings: Settings) -> None:
    from docbatch.worker.app import create_app
    from docbatch.worker.dispatch import time_limits

    app = create_app(settings.model_copy(update={"broker_url": "memory://"}))

    assert time_limits(app, "ocr") == {
        "soft_time_limit": settings.ocr_soft_time_limit,
        "time_limit": settings.ocr_time_limit,
    }
    assert time_limits(app, "chunk") == {}
    assert settings.ocr_soft_time_limit > settings.stage_soft_time_limit


def test_status_shows_the_pages_read_of_big_scans(repo: Repository) -> None:
    from rich.console import Console

    from docbatch.api.convert import batch_detail
    from docbatch.cli.render import status_table
    from docbatch.observe.status import batch_status

    doc = _document(repo)
    assert claim_stage(repo, doc.id, Stage.EXTRACT, owner="w", max_attempts=3).claimed
    repo.ocr_ranges.plan(doc.id, plan_ranges(range(1, PAGES + 1), RANGE), "e" * 64, "v1")
    repo.ocr_ranges.store(doc.id, 0, [{"number": n, "text": ""} for n in range(1, 17)])

    status = batch_status(repo.batches.get(doc.batch_id), repo, None)
    console = Console(width=120, record=True)
    console.print(status_table(status))

    assert (status.ocr_scans, status.ocr_pages_done, status.ocr_pages_total) == (1, 16, PAGES)
    shown = console.export_text()
    assert "OCR of big scans" in shown
    assert "16 / 40 pages (1 scan)" in shown
    detail = batch_detail(repo.batches.get(doc.batch_id), status)  # the API's batch
    assert (detail.ocr_scans, detail.ocr_pages_done, detail.ocr_pages_total) == (1, 16, 40)
