"""The SQL system of record: schema, migrations and the repository.

Build one :class:`Database` per process (:meth:`Database.open` migrates to head) and
wrap it in a :class:`Repository`; every read and state change goes through one of its
stores by concept (``repo.batches``, ``repo.documents``, ``repo.results``, ...).
"""

from docbatch.store.db import Database, create_engine_for, migrate
from docbatch.store.records import (
    BatchCounts,
    BatchRecord,
    BatchState,
    ClaimOutcome,
    ClaimResult,
    DocumentRecord,
    DocumentRef,
    DocumentState,
    EventKind,
    EventRecord,
    NewDocument,
    Priority,
    StageDuration,
    Transition,
)
from docbatch.store.repository import Repository

__all__ = [
    "BatchCounts",
    "BatchRecord",
    "BatchState",
    "ClaimOutcome",
    "ClaimResult",
    "Database",
    "DocumentRecord",
    "DocumentRef",
    "DocumentState",
    "EventKind",
    "EventRecord",
    "NewDocument",
    "Priority",
    "Repository",
    "StageDuration",
    "Transition",
    "create_engine_for",
    "migrate",
]
