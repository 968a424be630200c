"""A hand-off from extract to OCR is not an attempt, and a re-send resumes at OCR.

The extract step finds a scan without a text layer and hands it to an OCR worker. If
that worker dies, whoever re-sends the document (the reconciler, ``run --resume``) must
send the OCR step again, and the document's attempts count that one crash only: the
hand-off itself costs none.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from docbatch.client import Docbatch, Sources
from docbatch.engine.executor import StageExecutor
from docbatch.models import Stage
from docbatch.worker.reconciler import reconcile_once
from docbatch.worker.runtime import WorkerRuntime
from tests.integration.test_store_support import claim_stage

pytestmark = pytest.mark.integration

SCAN = Path(__file__).resolve().parents[2] / "samples" / "scanned-order.pdf"
MAX_ATTEMPTS = 3

#: One sent message: (stage, document ids, runs OCR).
Sent = tuple[str, tuple[str, ...], bool]


@pytest.fixture
def broker_changes() -> dict[str, Any]:
    return {"reconcile_interval_seconds": 1.0, "lease_seconds": 60, "max_attempts": MAX_ATTEMPTS}


def _drain(client: Docbatch) -> list[Sent]:
    """Every message waiting on the broker, removed from its queue (no worker runs)."""
    sent: list[Sent] = []
    with client.app.connection_for_read() as connection:
        channel = connection.default_channel
        for queue in client.app.conf.task_queues:
            while (message := channel.basic_get(queue.name, no_ack=True)) is not None:
                _args, kwargs, _embed = message.decode()
                sent.append((kwargs["stage"], tuple(kwargs["document_ids"]), kwargs["ocr"]))
    return sorted(sent)


def _executor(client: Docbatch) -> StageExecutor:
    return StageExecutor(
        client.repo,
        client.settings.pipeline_options(),
        owner="test",
        lease_seconds=client.settings.lease_seconds,
        max_attempts=MAX_ATTEMPTS,
        fuse_stages=True,
    )


def _handed_off_scan(client: Docbatch, tmp_path: Path) -> tuple[str, str]:
    """A batch of one scan whose extract step (without OCR) handed it to OCR."""
    folder = tmp_path / "scans"
    folder.mkdir()
    shutil.copy(SCAN, folder / SCAN.name)
    batch = client.create(Sources.from_args([folder]))
    client.repo.batches.mark_enqueued(batch.id)
    (ref,) = client.repo.documents.unfinished(batch.id)
    outcome = _executor(client).run(ref.document_id, Stage.EXTRACT, allow_ocr=False)
    assert outcome.status == "needs_ocr"
    return batch.id, ref.document_id


def _lease_runs_out(client: Docbatch, document_id: str) -> None:
    """The lease time passes (the database clock is the real one)."""
    with client.database.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE documents SET lease_expires_at = :t WHERE id = :d"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "d": document_id},
        )


def _events(client: Docbatch, document_id: str) -> list[tuple[str, str | None, int | None]]:
    with client.database.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT kind, stage, attempt FROM events WHERE document_id = :d ORDER BY id"),
            {"d": document_id},
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


@pytest.fixture
def client(broker_client: Docbatch) -> Docbatch:
    return broker_client


def test_the_hand_off_to_ocr_gives_its_attempt_back(client: Docbatch, tmp_path: Path) -> None:
    _batch, document_id = _handed_off_scan(client, tmp_path)

    doc = client.repo.documents.get(document_id)

    assert (doc.state.value, doc.stage.value, doc.attempts) == ("pending", "extract", 0)
    assert [kind for kind, _stage, _attempt in _events(client, document_id)][-2:] == [
        "claimed", "handed_off",
    ]  # fmt: skip


def test_a_crash_during_ocr_is_re_sent_to_ocr_and_costs_one_attempt(
    client: Docbatch, tmp_path: Path
) -> None:
    _batch, document_id = _handed_off_scan(client, tmp_path)
    _drain(client)
    # The OCR worker claims the document, then is SIGKILLed: its lease runs out.
    ocr_claim = claim_stage(
        client.repo, document_id, Stage.EXTRACT, owner="ocr-task", max_attempts=MAX_ATTEMPTS
    )
    assert (ocr_claim.claimed, ocr_claim.attempts) == (True, 1)
    _lease_runs_out(client, document_id)

    counts = reconcile_once(client.app, WorkerRuntime(client.settings))

    assert counts["expired"] == 1
    assert _drain(client) == [("extract", (document_id,), True)]
    # The re-sent OCR step runs (attempt 2 of 3) and completes the document.
    outcome = _executor(client).run(document_id, Stage.EXTRACT, allow_ocr=True)
    while outcome.status == "advanced" and outcome.next_stage is not None:
        outcome = _executor(client).run(document_id, outcome.next_stage)
    assert outcome.status == "completed", outcome
    doc = client.repo.documents.get(document_id)
    assert (doc.state.value, doc.ocr_pages) == ("completed", 1)
    claims = [a for kind, stage, a in _events(client, document_id) if kind == "claimed"]
    assert claims[:3] == [1, 1, 2]  # extract, OCR (killed), OCR again


def test_resume_sends_a_handed_off_document_to_ocr(client: Docbatch, tmp_path: Path) -> None:
    batch_id, document_id = _handed_off_scan(client, tmp_path)
    # Ctrl-C while the OCR worker held the document (the lease is still live).
    assert claim_stage(
        client.repo, document_id, Stage.EXTRACT, owner="ocr-task", max_attempts=MAX_ATTEMPTS
    ).claimed
    _drain(client)

    assert client.resume(batch_id) == 1

    assert _drain(client) == [("extract", (document_id,), True)]
    assert client.repo.documents.get(document_id).attempts == 1
