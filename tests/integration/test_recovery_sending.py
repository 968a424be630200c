"""What the reconciler and the resume paths send, read back from the broker.

A recovery batch resumes each document at the stage it failed at. Whoever sends its
documents (the submitter, the reconciler after the submitter died before enqueueing,
``enqueue`` or ``resume``) must send that stage: a message for another stage is refused
by the claim and the document is left waiting.

A document whose lease expired is re-sent once per window, not on every pass.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from docbatch.client import Docbatch
from docbatch.models import Stage
from docbatch.recovery import recover
from docbatch.worker.reconciler import expired_resend_window, reconcile_once
from docbatch.worker.runtime import WorkerRuntime
from tests.integration.test_store_support import claim_stage, new_documents, original_with_failures

pytestmark = pytest.mark.integration

#: One sent message: (stage, document ids, priority).
Sent = tuple[str, tuple[str, ...], str]


@pytest.fixture
def broker_changes() -> dict[str, Any]:
    return {"reconcile_interval_seconds": 1.0, "lease_seconds": 60}


@pytest.fixture
def client(broker_client: Docbatch) -> Docbatch:
    return broker_client


def _drain(client: Docbatch) -> list[Sent]:
    """Every message waiting on the broker, removed from its queue (no worker runs)."""
    sent: list[Sent] = []
    with client.app.connection_for_read() as connection:
        channel = connection.default_channel
        for queue in client.app.conf.task_queues:
            while (message := channel.basic_get(queue.name, no_ack=True)) is not None:
                _args, kwargs, _embed = message.decode()
                sent.append((kwargs["stage"], tuple(kwargs["document_ids"]), kwargs["priority"]))
    return sorted(sent)


def _per_document(sent: list[Sent]) -> dict[str, tuple[str, str]]:
    """``{document id: (stage, priority)}``; a document sent twice fails the test."""
    found: dict[str, tuple[str, str]] = {}
    for stage, ids, priority in sent:
        for document_id in ids:
            assert document_id not in found, f"{document_id} sent twice: {sent}"
            found[document_id] = (stage, priority)
    return found


def _expected(failed: dict[str, Stage]) -> dict[str, tuple[str, str]]:
    return {document_id: (stage.value, "high") for document_id, stage in failed.items()}


def test_reconciler_sends_a_never_enqueued_recovery_batch_at_each_failed_stage(
    client: Docbatch,
) -> None:
    original, failed = original_with_failures(client.repo)
    # The submitter committed the recovery batch, then died before enqueueing it.
    recovery = recover(client, original, enqueue=False)
    assert recovery.total == 2 and recovery.enqueued_at is None
    _drain(client)

    later = datetime.now(UTC) + timedelta(seconds=10)
    counts = reconcile_once(client.app, WorkerRuntime(client.settings), now=later)

    assert counts["unenqueued"] == 2
    assert _per_document(_drain(client)) == _expected(failed)
    assert client.get_batch(recovery.id).enqueued_at is not None
    for document_id in failed:
        claim = claim_stage(
            client.repo, document_id, failed[document_id], owner="w", max_attempts=3
        )
        assert claim.claimed, claim


@pytest.mark.parametrize("how", ["enqueue", "resume_recovery", "resume_original"])
def test_enqueue_and_resume_send_reopened_documents_at_their_stage(
    client: Docbatch, how: str
) -> None:
    original, failed = original_with_failures(client.repo)
    recovery = recover(client, original, enqueue=False)
    _drain(client)

    sending: dict[str, Any] = {
        "enqueue": lambda: client.enqueue(recovery.id),
        "resume_recovery": lambda: client.resume(recovery.id),
        "resume_original": lambda: client.resume(original),
    }
    assert sending[how]() == 2

    assert _per_document(_drain(client)) == _expected(failed)


def test_an_expired_lease_is_re_sent_once_per_window(client: Docbatch) -> None:
    batch = client.repo.batches.create("acme", new_documents(2), options={})
    client.repo.batches.mark_enqueued(batch.id)
    first, _waiting = (d.id for d in client.repo.documents.of_batch(batch.id))
    # A worker claimed the first document, then died: its lease runs out unattended.
    assert claim_stage(client.repo, first, Stage.EXTRACT, owner="dead", max_attempts=3).claimed
    _drain(client)
    runtime = WorkerRuntime(client.settings)
    after_lease = datetime.now(UTC) + timedelta(seconds=client.settings.lease_seconds + 1)

    passes = [reconcile_once(client.app, runtime, now=after_lease) for _ in range(3)]

    assert [counts["expired"] for counts in passes] == [1, 0, 0]
    assert _drain(client) == [("extract", (first,), "normal")]
    # Once the window is over (its marker gone), the document is re-sent again.
    runtime.redis.delete(f"{client.settings.key_prefix}:resent:{first}:extract")
    assert reconcile_once(client.app, runtime, now=after_lease)["expired"] == 1
    assert _drain(client) == [("extract", (first,), "normal")]


def test_the_re_send_window_never_outlasts_a_lease(client: Docbatch) -> None:
    settings = client.settings
    assert expired_resend_window(settings) == max(10.0, 5 * settings.reconcile_interval_seconds)
    short = settings.model_copy(update={"lease_seconds": 6, "reconcile_interval_seconds": 1.0})
    assert expired_resend_window(short) == 6
