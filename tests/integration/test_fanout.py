"""Enqueueing a large batch as fan-out slices that workers expand into steps."""

from __future__ import annotations

from typing import Any

import pytest

from docbatch.client import Docbatch
from docbatch.models import Stage
from docbatch.worker.app import create_app
from docbatch.worker.dispatch import FANOUT_TASK, STEP_TASK
from tests.integration.test_store_support import new_documents, run_document

pytestmark = pytest.mark.integration


@pytest.fixture
def broker_changes() -> dict[str, Any]:
    """Batches of more than 3 documents are enqueued by fan-out."""
    return {"fanout_size": 3, "docs_per_task": 2}


@pytest.fixture
def client(broker_client: Docbatch) -> Docbatch:
    return broker_client


def _drain(client: Docbatch) -> list[tuple[str, dict[str, Any]]]:
    """Every message waiting on the broker as (task name, kwargs), removed from its queue."""
    found = []
    with client.app.connection_for_read() as connection:
        channel = connection.default_channel
        for queue in client.app.conf.task_queues:
            while (message := channel.basic_get(queue.name, no_ack=True)) is not None:
                _args, kwargs, _embed = message.decode()
                found.append((message.headers["task"], kwargs))
    return found


def test_a_large_batch_is_sent_as_slices_that_cover_each_document_once(
    client: Docbatch,
) -> None:
    batch = client.repo.batches.create("acme", new_documents(8), priority="high")
    assert client.enqueue(batch.id) == 8
    fanouts = _drain(client)
    assert [name for name, _ in fanouts] == [FANOUT_TASK] * 3
    ids = sorted(d.id for d in client.repo.documents.of_batch(batch.id))
    assert sorted(((k["after"] or ""), k["upto"]) for _, k in fanouts) == [
        ("", ids[2]),
        (ids[2], ids[5]),
        (ids[5], ids[7]),
    ]
    assert client.get_batch(batch.id).enqueued_at is not None

    # A document another worker already finished is not sent again by its slice.
    first = client.repo.documents.pending(batch.id)[0].document_id
    run_document(client.repo, first)

    worker_app = create_app(client.settings)  # with docbatch's tasks, as a worker has
    for _, kwargs in fanouts:
        worker_app.tasks[FANOUT_TASK].apply(kwargs=kwargs).get()

    steps = _drain(client)
    assert {name for name, _ in steps} == {STEP_TASK}
    sent = [i for _, kwargs in steps for i in kwargs["document_ids"]]
    expected = {d.id for d in client.repo.documents.of_batch(batch.id)} - {first}
    assert sorted(sent) == sorted(expected)  # every other document, exactly once
    assert {(k["stage"], k["priority"]) for _, k in steps} == {(Stage.EXTRACT.value, "high")}
    assert max(len(k["document_ids"]) for _, k in steps) <= 2


def test_a_batch_within_the_fanout_size_is_sent_directly(client: Docbatch) -> None:
    batch = client.repo.batches.create("acme", new_documents(3))
    assert client.enqueue(batch.id) == 3
    assert {name for name, _ in _drain(client)} == {STEP_TASK}
