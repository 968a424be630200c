"""The repository: the system of record's root, and its stores by concept.

:class:`Repository` owns the :class:`Database`, the clock, the default lease length and
the one way to run a transaction; every read and state change goes through one of its
concept stores (``repo.batches``, ``repo.documents``, ``repo.results`` and so on). Each
store method is one transaction. State changes are compare-and-set UPDATEs whose matched
rows are checked, so redelivered or duplicated tasks never write twice and every
document is counted toward its batch exactly once. Stores return frozen records, never
ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

from sqlalchemy.engine import Connection

from docbatch.store.batches import BatchStore
from docbatch.store.db import Database
from docbatch.store.documents import DocumentStore
from docbatch.store.leases import LeaseStore
from docbatch.store.monitoring import MonitoringStore
from docbatch.store.ocr_ranges import OcrRangeStore
from docbatch.store.quarantine import QuarantineStore
from docbatch.store.recovery import RecoveryStore
from docbatch.store.results import ResultStore
from docbatch.store.retries import RetryStore
from docbatch.store.schema import utcnow
from docbatch.store.transactions import read_transaction, write_transaction
from docbatch.store.warming import WarmingStore

__all__ = ["Repository"]

T = TypeVar("T")


class Repository:
    """The stores of one :class:`Database`, sharing its transactions and clock.

    ``clock`` returns the current UTC time (tests move it); ``lease_seconds`` is the
    default lease length for claims and stage hand-offs; ``transaction_attempts`` is how
    many more times a write transaction that lost a deadlock is run again.
    """

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        lease_seconds: float = 60,
        transaction_attempts: int = 5,
    ) -> None:
        self.database = database
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.transaction_attempts = transaction_attempts
        #: Batches: creation, cancellation, the enqueue mark, counts, events, lineage.
        self.batches = BatchStore(self)
        #: Documents: the state machine (claim, complete, fail, release...) and reads.
        self.documents = DocumentStore(self)
        #: Stored stage results and project entities.
        self.results = ResultStore(self)
        #: Expired leases and stale pending documents (the reconciler's reads).
        self.leases = LeaseStore(self)
        #: Documents parked for a retry by the retry policy.
        self.retries = RetryStore(self)
        #: Failed documents and the recovery batches re-running them.
        self.recovery = RecoveryStore(self)
        #: Bytes that keep failing, skipped by later batches.
        self.quarantine = QuarantineStore(self)
        #: Completed documents by the sha256 of their bytes (cache warming).
        self.warming = WarmingStore(self)
        #: The monitoring read models (cluster totals, timings, failures).
        self.monitoring = MonitoringStore(self)
        #: The page ranges of big scans being OCR'd by several workers.
        self.ocr_ranges = OcrRangeStore(self.write, lambda: self.clock())

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, run again after a deadlock (see
        :func:`~docbatch.store.transactions.write_transaction`)."""
        return write_transaction(self.database, work, attempts=self.transaction_attempts)

    def read(self) -> AbstractContextManager[Connection]:
        """A read-only transaction (deferred on SQLite, so it never waits for writers)."""
        return read_transaction(self.database)
