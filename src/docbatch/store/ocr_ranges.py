"""Page ranges of big scans: OCR shared by every worker, each range read once.

A scan of many pages is split into ranges (:func:`plan_ranges`); the worker running the
document's OCR step plans them here and asks the other workers for help, and every
worker then takes ranges with a compare-and-set claim (a short lease, renewed while it
reads, as documents' leases are). A range's result is written once (``result IS NULL``
in the ``WHERE``), so a duplicated or redelivered range writes nothing twice, and a
worker that died gives its range back when its lease runs out. The document's own
extract stage still completes once, through its own claim, when every range is read;
the same transaction deletes its ranges (:func:`delete_for`).

A plan is only reused for the same bytes and extract options (``sha256``, ``version``):
the ranges of a document whose step was re-sent (a killed worker, Ctrl-C and
``--resume``, a retry, a recovery) are kept, so only the missing ones are read again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.store.records import DocumentState
from docbatch.store.rows import DOCUMENTS
from docbatch.store.schema import OcrRangeRow

__all__ = [
    "OCR_RANGES",
    "ClaimedRange",
    "OcrRangeStore",
    "RangeProgress",
    "RangeState",
    "delete_for",
    "plan_ranges",
    "range_key",
]

OCR_RANGES: sa.Table = OcrRangeRow.__table__  # type: ignore[assignment]
T = TypeVar("T")


def plan_ranges(pages: Sequence[int], size: int) -> list[tuple[int, ...]]:
    """``pages`` (1-based numbers, in order) cut into consecutive ranges of ``size``."""
    step = max(1, size)
    return [tuple(pages[start : start + step]) for start in range(0, len(pages), step)]


def range_key(document_id: str, number: int) -> str:
    """One range's name in a lease heartbeat: ``document_id/number``."""
    return f"{document_id}/{number}"


def _split_key(key: str) -> tuple[str, int]:
    document_id, _, number = key.rpartition("/")
    return document_id, int(number)


@dataclass(frozen=True, slots=True)
class RangeState:
    """One range of a plan: its pages, and whether it is read or being read."""

    number: int
    pages: tuple[int, ...]
    done: bool
    leased: bool
    attempts: int


@dataclass(frozen=True, slots=True)
class ClaimedRange:
    """A range a worker claimed: its pages, and the bytes and options it is for."""

    document_id: str
    number: int
    pages: tuple[int, ...]
    sha256: str
    version: str


@dataclass(frozen=True, slots=True)
class RangeProgress:
    """Pages read so far of the big scans a batch is OCR'ing in ranges."""

    documents: int
    pages_done: int
    pages_total: int


def delete_for(connection: Connection, document_id: str) -> None:
    """Forget a document's ranges (its extract result, committed with this, holds them)."""
    connection.execute(sa.delete(OCR_RANGES).where(OCR_RANGES.c.document_id == document_id))


class Writer(Protocol):
    """Runs a function in one write transaction and returns its value."""

    def __call__(self, work: Callable[[Connection], T]) -> T: ...


class OcrRangeStore:
    """The ``ocr_ranges`` table, each method one transaction run by ``write``.

    ``write`` runs a function in a write transaction (:meth:`Repository.write`, which
    maps a busy database to a transient error); ``clock`` is the repository's.
    """

    def __init__(self, write: Writer, clock: Callable[[], datetime]) -> None:
        self._write = write
        self.clock = clock

    def plan(
        self, document_id: str, ranges: Sequence[tuple[int, ...]], sha256: str, version: str
    ) -> list[RangeState]:
        """The document's ranges for these bytes and options, planned if not yet.

        An existing plan for other ranges, bytes or options is replaced; an identical
        one is kept with what was already read.
        """

        def work(connection: Connection) -> list[RangeState]:
            rows = self._rows(connection, document_id)
            same = [tuple(row.pages) for row in rows] == [tuple(r) for r in ranges] and all(
                row.sha256 == sha256 and row.version == version for row in rows
            )
            if same and rows:
                return [_state(row, self.clock()) for row in rows]
            delete_for(connection, document_id)
            connection.execute(
                sa.insert(OCR_RANGES),
                [
                    {
                        "document_id": document_id,
                        "number": number,
                        "pages": list(pages),
                        "page_count": len(pages),
                        "sha256": sha256,
                        "version": version,
                        "attempts": 0,
                    }
                    for number, pages in enumerate(ranges)
                ],
            )
            return [RangeState(n, tuple(p), False, False, 0) for n, p in enumerate(ranges)]

        return self._write(work)

    def states(self, document_id: str) -> list[RangeState]:
        """The document's ranges as they are now."""
        return self._write(
            lambda c: [_state(row, self.clock()) for row in self._rows(c, document_id)]
        )

    def claim(
        self,
        document_id: str,
        number: int | None,
        owner: str,
        lease_seconds: float,
        *,
        fresh_only: bool = False,
    ) -> ClaimedRange | None:
        """Claim range ``number`` (the first claimable one if None) for ``owner``.

        A range is claimable while it has no result and no live lease but ``owner``'s
        own (a redelivered message takes its claim back at once); ``fresh_only``
        also skips ranges whose earlier claims ended without a result (a helper leaves
        those to the document's own step, which meets their error itself).
        """

        def work(connection: Connection) -> ClaimedRange | None:
            now = self.clock()
            conditions = [
                OCR_RANGES.c.document_id == document_id,
                OCR_RANGES.c.result.is_(None),
                sa.or_(
                    OCR_RANGES.c.lease_expires_at.is_(None),
                    OCR_RANGES.c.lease_expires_at < now,
                    OCR_RANGES.c.owner == owner,
                ),
            ]
            if fresh_only:
                conditions.append(OCR_RANGES.c.attempts == 0)
            if number is not None:
                conditions.append(OCR_RANGES.c.number == number)
            candidates = connection.execute(
                sa.select(OCR_RANGES.c.number).where(*conditions).order_by(OCR_RANGES.c.number)
            ).all()
            for (candidate,) in candidates:
                row = connection.execute(
                    sa.update(OCR_RANGES)
                    .where(*conditions, OCR_RANGES.c.number == candidate)
                    .values(owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds))
                    .returning(OCR_RANGES.c.pages, OCR_RANGES.c.sha256, OCR_RANGES.c.version)
                ).one_or_none()
                if row is not None:
                    return ClaimedRange(
                        document_id, candidate, tuple(row.pages), row.sha256, row.version
                    )
            return None

        return self._write(work)

    def renew(self, keys: Sequence[str], owner: str, lease_seconds: float) -> list[str]:
        """Extend ``owner``'s live claims on the ranges ``keys`` (:func:`range_key`);
        the keys renewed. An expired claim is never revived."""

        def work(connection: Connection) -> list[str]:
            now = self.clock()
            renewed = []
            for key in keys:
                document_id, number = _split_key(key)
                done = connection.execute(
                    sa.update(OCR_RANGES)
                    .where(
                        *_unread(document_id, number),
                        OCR_RANGES.c.owner == owner,
                        OCR_RANGES.c.lease_expires_at > now,
                    )
                    .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
                )
                if done.rowcount:
                    renewed.append(key)
            return renewed

        return self._write(work)

    def store(self, document_id: str, number: int, result: list[dict[str, Any]]) -> bool:
        """Write what OCR read on a range, unless it was written already (by a worker
        whose claim ran out, say): False then, and nothing is written."""

        def work(connection: Connection) -> bool:
            done = connection.execute(
                sa.update(OCR_RANGES)
                .where(*_unread(document_id, number))
                .values(result=result, finished_at=self.clock(), owner=None, lease_expires_at=None)
            )
            return bool(done.rowcount)

        return self._write(work)

    def release(self, document_id: str, number: int, owner: str, *, failed: bool) -> bool:
        """Give ``owner``'s claim on a range back, counting an attempt when it failed."""

        def work(connection: Connection) -> bool:
            done = connection.execute(
                sa.update(OCR_RANGES)
                .where(*_unread(document_id, number), OCR_RANGES.c.owner == owner)
                .values(
                    owner=None,
                    lease_expires_at=None,
                    attempts=OCR_RANGES.c.attempts + (1 if failed else 0),
                )
            )
            return bool(done.rowcount)

        return self._write(work)

    def results(self, document_id: str) -> list[dict[str, Any]] | None:
        """Every page read, in range order; None while a range has no result."""

        def work(connection: Connection) -> list[dict[str, Any]] | None:
            pages: list[dict[str, Any]] = []
            for row in connection.execute(
                sa.select(OCR_RANGES.c.result)
                .where(OCR_RANGES.c.document_id == document_id)
                .order_by(OCR_RANGES.c.number)
            ):
                if row.result is None:
                    return None
                pages.extend(row.result)
            return pages

        return self._write(work)

    def progress(self, batch_id: str) -> RangeProgress:
        """Pages read of the batch's documents being OCR'd in ranges now."""
        done_pages = sa.case((OCR_RANGES.c.result.is_not(None), OCR_RANGES.c.page_count), else_=0)
        query = (
            sa.select(
                sa.func.count(sa.distinct(OCR_RANGES.c.document_id)),
                sa.func.coalesce(sa.func.sum(done_pages), 0),
                sa.func.coalesce(sa.func.sum(OCR_RANGES.c.page_count), 0),
            )
            .select_from(OCR_RANGES.join(DOCUMENTS, DOCUMENTS.c.id == OCR_RANGES.c.document_id))
            .where(
                sa.or_(DOCUMENTS.c.batch_id == batch_id, DOCUMENTS.c.recovery_batch_id == batch_id),
                DOCUMENTS.c.state.in_(
                    [DocumentState.PROCESSING.value, DocumentState.PENDING.value]
                ),
            )
        )
        row = self._write(lambda c: c.execute(query).one())
        return RangeProgress(int(row[0]), int(row[1]), int(row[2]))

    @staticmethod
    def _rows(connection: Connection, document_id: str) -> list[Any]:
        return list(
            connection.execute(
                sa.select(OCR_RANGES)
                .where(OCR_RANGES.c.document_id == document_id)
                .order_by(OCR_RANGES.c.number)
            )
        )


def _unread(document_id: str, number: int) -> list[Any]:
    """WHERE conditions: range ``number`` of the document, not read yet."""
    return [
        OCR_RANGES.c.document_id == document_id,
        OCR_RANGES.c.number == number,
        OCR_RANGES.c.result.is_(None),
    ]


def _state(row: Any, now: datetime) -> RangeState:
    leased = row.lease_expires_at is not None and row.lease_expires_at > now
    return RangeState(row.number, tuple(row.pages), row.result is not None, leased, row.attempts)
