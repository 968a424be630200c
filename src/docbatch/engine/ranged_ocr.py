"""OCR of a big scan in page ranges, read by every worker at once.

OCR goes one document per message, so a 400-page scan would keep one worker busy for
many minutes while the others idle. A scan with more pages to OCR than
``DOCBATCH_OCR_RANGE_PAGES`` (16 by default) is read in ranges of that many pages:

- the worker running the document's OCR step (the *coordinator*) plans the ranges in the
  database (:class:`~docbatch.store.ocr_ranges.OcrRangeStore`), sends one
  ``docbatch.ocr_range`` message per range still missing, and then reads ranges itself,
  claiming each one first, until none is left to claim;
- any other worker that takes a range message claims that range, reads it and stores
  what it read (:func:`read_one_range`);
- when every range is stored the coordinator merges them into the text layer and the
  document's extract stage completes through its own claim, exactly once, in the
  transaction that deletes the ranges.

Each range is claimed with a lease renewed while it is read, and written once, so a
duplicated or redelivered range message writes nothing, and a range whose worker died is
taken again (by the coordinator, when no one else does) once its lease runs out. If the
coordinator dies, the document's own lease runs out, the reconciler re-sends its OCR step,
and the next coordinator finds the ranges already read and reads only the missing ones.

Without a broker (``docbatch run --inline``) nobody else can help: the coordinator reads
every range itself, which costs nothing over reading the pages in one go.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docbatch.engine.extractors import Extractor
from docbatch.engine.leases import LeaseHeartbeat, heartbeat_interval
from docbatch.engine.step import DocumentStep
from docbatch.errors import NotFoundError
from docbatch.models import Page, Stage, to_dict
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import sniff
from docbatch.store.ocr_ranges import ClaimedRange, OcrRangeStore, plan_ranges, range_key
from docbatch.store.records import DocumentRecord, DocumentState

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = ["POLL_S", "ClaimLostError", "PageRanges", "RangeSender", "RangedOcr"]

log = logging.getLogger(__name__)

#: Seconds between two looks at the ranges other workers are reading.
POLL_S = 0.25

#: Sends ``docbatch.ocr_range`` messages: ``(document id, range numbers)``.
RangeSender = Callable[[str, Sequence[int]], None]


class ClaimLostError(Exception):
    """The document's claim was lost while its ranges were read (the batch was
    cancelled, or the step re-sent elsewhere): reading the rest would be wasted."""


@dataclass
class RangedOcr:
    """Reads a scan's pages in ranges (see the module's docstring)."""

    store: OcrRangeStore
    extractor: Extractor
    owner: str
    lease_seconds: float
    range_pages: int
    sender: RangeSender | None = None
    #: False once the coordinator's claim on the document is lost: it stops reading.
    still_ours: Callable[[], bool] | None = None
    poll_seconds: float = POLL_S
    sleep: Callable[[float], None] = time.sleep

    def wanted(self, pages: Sequence[int]) -> bool:
        """True when ``pages`` (to OCR) are more than one range."""
        return self.range_pages > 0 and len(pages) > self.range_pages

    def read(
        self,
        document_id: str,
        data: bytes,
        sha256: str,
        version: str,
        mime: str,
        pages: Sequence[int],
        options: ExtractOptions,
    ) -> tuple[Page, ...]:
        """OCR ``pages`` of the document's bytes in ranges; every page read, in order.

        Ranges read earlier for the same bytes and options are kept. An error reading a
        range here raises, as OCR in one go would (the range's claim is given back), and
        :class:`ClaimLostError` stops the reading once the document is no longer this
        step's (see :attr:`still_ours`, asked before each range and while waiting).
        """
        plan = plan_ranges(pages, self.range_pages)
        states = self.store.plan(document_id, plan, sha256, version)
        missing = [state.number for state in states if not state.done]
        if self.sender is not None and len(missing) > 1:
            try:
                # The first range is this worker's own: the others may go to anyone.
                self.sender(document_id, missing[1:])
            except Exception as exc:  # no help then: this worker reads them all
                log.warning("could not send the OCR ranges of %s: %s", document_id, exc)
        while True:
            if self.still_ours is not None and not self.still_ours():
                raise ClaimLostError(f"{document_id} is no longer claimed by {self.owner}")
            claimed = self.store.claim(document_id, None, self.owner, self.lease_seconds)
            if claimed is not None:
                self._read_claimed(claimed, data, mime, options)
                continue
            found = self.store.results(document_id)
            if found is not None:
                return tuple(Page.from_dict(page) for page in found)
            self.sleep(self.poll_seconds)  # others are reading the rest

    def help_with(
        self,
        document_id: str,
        number: int,
        load: Callable[[], tuple[bytes, str]],
        version: str,
        options: ExtractOptions,
    ) -> str:
        """A helper's part: claim range ``number`` of the document, read it, store it.

        ``load`` returns the document's bytes and their sha256; ``version`` is this
        worker's extract options' version. Returns what happened: ``read``, ``skipped``
        (already read or being read: a duplicate message), ``stale`` (the ranges were
        planned for other bytes or options) or ``failed`` (the claim is given back with
        an attempt counted; only the coordinator takes such a range again, and meets
        its error itself).
        """
        claimed = self.store.claim(
            document_id, number, self.owner, self.lease_seconds, fresh_only=True
        )
        if claimed is None:
            return "skipped"
        try:
            data, sha256 = load()
        except Exception as exc:
            self.store.release(document_id, number, self.owner, failed=True)
            log.warning("OCR range %d of %s: cannot read it: %s", number, document_id, exc)
            return "failed"
        if sha256 != claimed.sha256 or version != claimed.version:
            self.store.release(document_id, number, self.owner, failed=False)
            return "stale"
        try:
            self._read_claimed(claimed, data, sniff(data), options)
        except Exception as exc:
            log.warning("OCR range %d of %s failed here: %s", number, document_id, exc)
            return "failed"
        return "read"

    def _read_claimed(
        self, claimed: ClaimedRange, data: bytes, mime: str, options: ExtractOptions
    ) -> None:
        """Read one claimed range and store it (or give the claim back, and raise)."""
        key = range_key(claimed.document_id, claimed.number)

        def renew(keys: Sequence[str], holder: str) -> Sequence[str]:
            return self.store.renew(keys, holder, self.lease_seconds)

        heartbeat = LeaseHeartbeat(
            renew, self.owner, [key], interval=heartbeat_interval(self.lease_seconds)
        )
        try:
            with heartbeat:
                read = self.extractor.ocr(data, mime, claimed.pages, options)
        except BaseException:
            self.store.release(claimed.document_id, claimed.number, self.owner, failed=True)
            raise
        self.store.store(claimed.document_id, claimed.number, [to_dict(page) for page in read])


@dataclass
class PageRanges:
    """An executor's page-range readers: the coordinator of a document's OCR step, and
    a helper for a range message. ``sender`` asks other workers for help (None: nobody
    else can; the coordinator reads every range)."""

    repo: Repository
    extractor: Extractor
    lease_seconds: float
    range_pages: int
    sender: Callable[[DocumentRecord, Sequence[int]], None] | None = None

    def ocr(
        self,
        work: DocumentStep,
        data: bytes,
        mime: str,
        pages: Sequence[int],
        version: str,
        options: ExtractOptions,
    ) -> tuple[Page, ...]:
        """OCR ``pages`` of the step's document: in one go, or in ranges when there are
        more than one range's worth (and the bytes' sha256 is known)."""
        reader = self._reader(work.owner, work.document)
        if not work.sha256 or not reader.wanted(pages):
            return self.extractor.ocr(data, mime, pages, options)
        return reader.read(work.document.id, data, work.sha256, version, mime, pages, options)

    def help(
        self,
        document_id: str,
        number: int,
        owner: str,
        read_bytes: Callable[[DocumentStep, int], bytes],
        version: str,
        options: ExtractOptions,
    ) -> str:
        """Read range ``number`` of a document another worker is OCR'ing (see
        :meth:`RangedOcr.help_with`); ``skipped`` when its OCR step is not running."""
        try:
            document = self.repo.documents.get(document_id)
        except NotFoundError:
            return "skipped"  # deleted since
        if document.state is not DocumentState.PROCESSING or document.stage is not Stage.EXTRACT:
            return "skipped"  # its OCR ended (or has not started again yet)
        work = DocumentStep(document, owner)

        def load() -> tuple[bytes, str]:
            return read_bytes(work, options.max_file_bytes), work.sha256

        return self._reader(owner).help_with(document_id, number, load, version, options)

    def _reader(self, owner: str, document: DocumentRecord | None = None) -> RangedOcr:
        """The reader for ``owner``; with ``document``, as the coordinator of its OCR
        step (it asks others for help, and stops if the claim is lost)."""
        sender: RangeSender | None = None
        still_ours: Callable[[], bool] | None = None
        if document is not None:
            if self.sender is not None:
                send = self.sender
                sender = lambda _document_id, numbers: send(document, numbers)  # noqa: E731
            still_ours = lambda: self.repo.documents.holds_claim(document.id, owner)  # noqa: E731
        return RangedOcr(
            self.repo.ocr_ranges,
            self.extractor,
            owner,
            self.lease_seconds,
            self.range_pages,
            sender,
            still_ours,
        )
