"""One write or read transaction over a :class:`Database`, and what the stores need of it.

Every concept store (:mod:`docbatch.store.repository` lists them) runs each of its
methods as one transaction through a :class:`Transactor`, the repository root. A write
that lost a deadlock (PostgreSQL) or found the database locked (SQLite) is run again, up
to a number of *transaction attempts*; this re-run is no retry of a document (those are
:mod:`docbatch.store.retries` and :mod:`docbatch.engine.retry`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, PendingRollbackError

from docbatch.errors import DatabaseBusyError
from docbatch.store.db import READ_ONLY, Database, busy_error

__all__ = ["Transactor", "read_transaction", "write_transaction"]

T = TypeVar("T")
#: PostgreSQL deadlock and serialisation failures: the transaction is safe to run again.
_RERUN_SQLSTATES = {"40P01", "40001"}


class Transactor(Protocol):
    """What a concept store needs: the clock, the lease length and the transactions."""

    #: Returns the current UTC time (tests move it).
    clock: Callable[[], datetime]
    #: The default lease length of claims and stage hand-offs.
    lease_seconds: float

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction and return its value."""
        ...

    def read(self) -> AbstractContextManager[Connection]:
        """A read-only transaction."""
        ...


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__


def _safe_to_rerun(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _RERUN_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def write_transaction(database: Database, work: Callable[[Connection], T], *, attempts: int) -> T:
    """Run ``work`` in one write transaction, running it again after a deadlock (at most
    ``attempts`` more times).

    A wait that ran out (a lock held by a frozen session, see
    :class:`~docbatch.store.db.SessionLimits`) raises
    :class:`~docbatch.errors.DatabaseBusyError`, a transient error, at once: the caller's
    retry comes later instead of queueing again behind the same holder. So does a session
    the server ended under the transaction (an idle-in-transaction timeout can surface as
    a lost connection, or as SQLAlchemy's "invalid transaction" once the connection was
    invalidated): nothing of it committed.
    """
    for attempt in range(attempts + 1):
        try:
            with database.engine.begin() as connection:
                return work(connection)
        except PendingRollbackError as exc:
            raise DatabaseBusyError(f"database session ended mid-transaction: {exc}") from exc
        except DBAPIError as exc:
            busy = busy_error(exc)
            if busy is None and exc.connection_invalidated:
                busy = DatabaseBusyError(f"database session ended: {_first_line(exc)}")
            if busy is not None:
                raise busy from exc
            if attempt >= attempts or not _safe_to_rerun(exc):
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def read_transaction(database: Database) -> Iterator[Connection]:
    """A read-only transaction (deferred on SQLite, so it never waits for writers).

    A statement over the PostgreSQL time limit raises
    :class:`~docbatch.errors.DatabaseBusyError` (transient).
    """
    try:
        with database.engine.connect() as connection:
            connection = connection.execution_options(**{READ_ONLY: True})
            with connection.begin():
                yield connection
    except DBAPIError as exc:
        busy = busy_error(exc)
        if busy is None:
            raise
        raise busy from exc
