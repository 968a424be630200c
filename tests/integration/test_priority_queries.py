"""The store queries behind priorities, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from docbatch.errors import ErrorCategory
from docbatch.store.db import Database
from docbatch.store.records import NewDocument, Priority
from docbatch.store.repository import Repository
from tests.integration.test_store_support import pending_ids

pytestmark = pytest.mark.integration


def _docs(count: int) -> list[NewDocument]:
    return [
        NewDocument(path=f"/corpus/{i:03d}.txt", sha256=None, size_bytes=1) for i in range(count)
    ]


def test_documents_ahead_finished_and_unfinished_by_priority(database_url: str) -> None:
    database = Database.open(database_url, run_migrations=True)
    repo = Repository(database)
    low = repo.batches.create("p", _docs(5), priority="low")
    normal = repo.batches.create("p", _docs(3), priority="normal")
    high = repo.batches.create("p", _docs(2), priority="high")
    later_low = repo.batches.create("p", _docs(4), priority="low")
    ahead = [repo.documents.documents_ahead(b.id) for b in (high, normal, low, later_low)]
    assert ahead == [0, 2, 5, 10]

    for doc_id in pending_ids(repo, high.id) + pending_ids(repo, low.id)[:1]:
        assert repo.documents.fail(doc_id, None, ErrorCategory.DATA, "corrupt", "test")
    since = datetime.now(UTC) - timedelta(seconds=60)
    assert repo.documents.finished_by_priority(since) == {Priority.HIGH: 2, Priority.LOW: 1}
    assert repo.documents.finished_by_priority(datetime.now(UTC) + timedelta(seconds=5)) == {}
    assert repo.documents.documents_ahead(low.id) == 3  # the high batch is finished now

    oldest = repo.documents.unfinished_by_priority(Priority.LOW, 5)
    assert [ref.batch_id for ref in oldest] == [low.id] * 4 + [later_low.id]
    assert {ref.priority for ref in oldest} == {Priority.LOW}
    database.dispose()
