"""The quarantine table: bytes that keep failing the same stage with the same error.

Every counted failure of a document whose sha256 is known adds one to the row keyed by
``(sha256, stage, error_code)``, in the transaction that fails the document, so a
redelivered task never counts twice. A row whose count reaches the configured threshold
(and that was not released since) quarantines those bytes: later batches skip them with
the category ``quarantined`` instead of running (and perhaps crashing) again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from docbatch.errors import ErrorCategory
from docbatch.models import Stage
from docbatch.store.schema import QuarantineRow
from docbatch.store.transactions import Transactor

__all__ = [
    "COUNTED_CATEGORIES",
    "QUARANTINE",
    "QuarantineEntry",
    "QuarantineStore",
    "active_entries",
    "active_sha256s",
    "list_entries",
    "record_failure",
    "release",
]

QUARANTINE: sa.Table = QuarantineRow.__table__  # type: ignore[assignment]

#: Failures that say something about the bytes themselves. Transient, resource, rate-limit
#: and configuration failures blame the surroundings and never quarantine a document.
COUNTED_CATEGORIES = frozenset(
    {
        ErrorCategory.DATA,
        ErrorCategory.PERMANENT,
        ErrorCategory.TIMEOUT,
        ErrorCategory.WORKER_LOST,
    }
)


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """One ``(sha256, stage, error code)`` failure record."""

    sha256: str
    stage: str
    error_code: str
    error_category: str
    count: int
    reason: str
    first_seen: datetime
    last_seen: datetime
    released: bool
    released_at: datetime | None


def _entry(row: sa.Row[object]) -> QuarantineEntry:
    m = row._mapping
    return QuarantineEntry(**{name: m[name] for name in QuarantineEntry.__slots__})


def record_failure(
    connection: Connection,
    sha256: str,
    error: tuple[ErrorCategory, str, str, Stage | None],
    now: datetime,
) -> bool:
    """Count one failure of ``sha256`` (inside the failing transaction); True if counted."""
    category, code, reason, stage = error
    if ErrorCategory(category) not in COUNTED_CATEGORIES:
        return False
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {
        "sha256": sha256,
        "stage": "unknown" if stage is None else Stage(stage).value,
        "error_code": code[:100],
        "error_category": ErrorCategory(category).value,
        "count": 1,
        "reason": reason[:2000],
        "first_seen": now,
        "last_seen": now,
        "released": False,
    }
    statement = dialect.insert(QUARANTINE).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["sha256", "stage", "error_code"],
        set_={
            "count": QUARANTINE.c.count + 1,
            "last_seen": now,
            "reason": values["reason"],
            "released": False,
        },
    )
    connection.execute(statement)
    return True


def active_entries(connection: Connection, sha256: str, threshold: int) -> list[QuarantineEntry]:
    """The entries that quarantine ``sha256`` now (count at threshold, not released)."""
    if threshold <= 0:
        return []
    rows = connection.execute(
        sa.select(QUARANTINE)
        .where(
            QUARANTINE.c.sha256 == sha256,
            QUARANTINE.c.count >= threshold,
            QUARANTINE.c.released.is_(False),
        )
        .order_by(QUARANTINE.c.last_seen.desc())
    )
    return [_entry(r) for r in rows]


def active_sha256s(connection: Connection, threshold: int, limit: int) -> frozenset[str] | None:
    """The sha256s quarantined now, or None when there are more than ``limit``."""
    rows = connection.execute(
        sa.select(QUARANTINE.c.sha256)
        .where(QUARANTINE.c.count >= threshold, QUARANTINE.c.released.is_(False))
        .distinct()
        .limit(limit + 1)
    ).scalars()
    found = frozenset(rows)
    return None if len(found) > limit else found


def list_entries(
    connection: Connection, threshold: int, *, include_all: bool = False, limit: int = 500
) -> list[QuarantineEntry]:
    """Quarantined entries (or, with ``include_all``, every failure record), newest first."""
    statement = sa.select(QUARANTINE).order_by(QUARANTINE.c.last_seen.desc()).limit(limit)
    if not include_all:
        statement = statement.where(
            QUARANTINE.c.count >= max(1, threshold), QUARANTINE.c.released.is_(False)
        )
    return [_entry(r) for r in connection.execute(statement)]


def release(connection: Connection, sha256: str, now: datetime) -> int:
    """Release every entry of ``sha256``: counts restart at zero. Returns entries changed."""
    return connection.execute(
        sa.update(QUARANTINE)
        .where(QUARANTINE.c.sha256 == sha256, QUARANTINE.c.released.is_(False))
        .values(released=True, released_at=now, count=0)
    ).rowcount


class QuarantineStore:
    """Reading and releasing the quarantine, each method one transaction run by ``tx``.

    Failures are counted by the state machine, in the transaction that fails a document
    (:func:`record_failure`).
    """

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def active(self, sha256: str, threshold: int) -> list[QuarantineEntry]:
        """Entries quarantining ``sha256`` now (empty when it may run)."""
        if threshold <= 0:
            return []
        with self._tx.read() as connection:
            return active_entries(connection, sha256, threshold)

    def active_sha256s(self, threshold: int, limit: int = 1000) -> frozenset[str] | None:
        """The sha256 of all content quarantined now; None when there are more than
        ``limit`` (look each one up with :meth:`active` then)."""
        if threshold <= 0:
            return frozenset()
        with self._tx.read() as connection:
            return active_sha256s(connection, threshold, limit)

    def entries(self, threshold: int, *, include_all: bool = False) -> list[QuarantineEntry]:
        """Quarantined entries, or every failure record with ``include_all``."""
        with self._tx.read() as connection:
            return list_entries(connection, threshold, include_all=include_all)

    def release(self, sha256: str) -> int:
        """Release ``sha256`` from quarantine; returns how many entries were released."""
        return self._tx.write(lambda c: release(c, sha256, self._tx.clock()))
