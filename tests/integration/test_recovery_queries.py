"""Queries about running work see a re-opened document in its recovery batch.

A recovery batch re-opens failed documents in place: they keep their ``batch_id`` and
gain a ``recovery_batch_id``. The starvation policy, "documents ahead" and the batch's
totals must count them where they run, at the recovery batch's priority.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from rich.console import Console

from docbatch.cli.render import status_table
from docbatch.client import Docbatch
from docbatch.models import Stage
from docbatch.recovery import recover
from docbatch.store.records import NewDocument, Priority
from docbatch.store.schema import Base
from tests.integration.test_store_support import (
    claim_stage,
    complete_stage,
    original_with_failures,
    payload,
)

pytestmark = pytest.mark.integration


def test_reopened_documents_count_at_their_recovery_batch_priority(
    broker_client: Docbatch,
) -> None:
    repo = broker_client.repo
    original, failed = original_with_failures(repo)
    recovery = recover(broker_client, original, enqueue=False)
    waiting = repo.batches.create("acme", [NewDocument(path="/w", sha256=None, size_bytes=1)])

    # The original has finished: its re-opened documents run in the (high) recovery batch.
    high = {ref.document_id for ref in repo.documents.unfinished_by_priority(Priority.HIGH, 10)}
    normal = {ref.document_id for ref in repo.documents.unfinished_by_priority(Priority.NORMAL, 10)}
    assert high == set(failed)
    assert not normal & set(failed)
    assert repo.documents.documents_ahead(waiting.id) == 2  # high work is served first
    assert repo.documents.documents_ahead(recovery.id) == 0

    since = repo.clock() - timedelta(seconds=1)
    before = repo.documents.finished_by_priority(since)
    for document_id, stage in failed.items():
        for each in Stage.ordered()[Stage.ordered().index(stage) :]:
            assert claim_stage(repo, document_id, each, owner="w", max_attempts=3).claimed
            assert complete_stage(repo, document_id, each, payload(each), next_stage=each.next())
    after = repo.documents.finished_by_priority(since)
    assert after.get(Priority.HIGH, 0) - before.get(Priority.HIGH, 0) == 2
    assert after.get(Priority.NORMAL, 0) == before.get(Priority.NORMAL, 0)

    totals = repo.batches.totals(recovery.id)
    assert totals["mentions"] > 0 and totals["relationships"] > 0


def test_recovery_batches_are_numbered_with_their_source_and_size(broker_client: Docbatch) -> None:
    repo = broker_client.repo
    original, failed = original_with_failures(repo)
    first = recover(broker_client, original, enqueue=False)
    assert first.name == f"recovery #1 of {original[:8]}: 2 documents"
    [document_id, *_] = failed
    documents = Base.metadata.tables["documents"]
    with repo.database.engine.begin() as connection:  # it fails again under the recovery
        connection.execute(
            sa.update(documents)
            .where(documents.c.id == document_id)
            .values(state="failed", error_category="transient")
        )
    second = recover(broker_client, original, enqueue=False)
    assert second.name == f"recovery #2 of {original[:8]}: 1 document"


def test_original_batch_status_says_which_failures_are_being_recovered(
    broker_client: Docbatch,
) -> None:
    repo = broker_client.repo
    original, failed = original_with_failures(repo)
    before = broker_client.status(original)
    assert before.failed == 2 and before.recovering == 0

    recovery = recover(broker_client, original, enqueue=False)
    during = broker_client.status(original)
    # Its counters still count the failures (finalised once), the rows read pending, and
    # the status says why: a recovery batch is running them again.
    assert (during.failed, during.pending, during.recovering) == (2, 2, 2)
    assert broker_client.status(recovery.id).recovering == 0  # they are its own work
    line = render_text(status_table(during))
    assert "2 (2 being recovered)" in line

    for document_id, stage in failed.items():
        for each in Stage.ordered()[Stage.ordered().index(stage) :]:
            assert claim_stage(repo, document_id, each, owner="w", max_attempts=3).claimed
            assert complete_stage(repo, document_id, each, payload(each), next_stage=each.next())
    after = broker_client.status(original)
    assert (after.failed, after.completed - before.completed, after.recovering) == (0, 2, 0)


def render_text(table: object) -> str:
    console = Console(width=120, record=True)
    console.print(table)
    return console.export_text()
