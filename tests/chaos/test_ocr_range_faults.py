"""Chaos: a big scan OCR'd in page ranges by two worker processes, one of them killed.

The scan has 12 pages read in ranges of 3 (``ocr_range_pages``), so both pool processes
read ranges at once: the one running the document's OCR step and a helper. One of them is
SIGKILLed while ranges are being read. Whichever it was, the document completes, once,
with every page's text, and its ranges are gone: a killed helper's range is taken over
when its lease runs out (or at once by its redelivered message), and a killed
coordinator's redelivered step finds the ranges already read and reads only the rest.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.synth.documents import scanned_pdf
from tests.chaos.harness import ChaosCluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PAGES = 12
RANGE = 3


def _scalar(cluster: ChaosCluster, query: str, **params: object) -> int:
    with cluster.client.database.engine.connect() as conn:
        return int(conn.execute(sa.text(query), params).scalar_one() or 0)


def _big_scan(folder: Path) -> Path:
    folder.mkdir(parents=True)
    # Dense pages (about half a second of OCR each), so a range takes a while to read.
    sentence = (
        "Page {n}. Deposition of Jane Roe, taken in Boston on March 3, 2024. The witness "
        "was sworn and testified as follows, answering question {i} of counsel."
    )
    pages = [" ".join(sentence.format(n=n, i=i) for i in range(12)) for n in range(1, PAGES + 1)]
    (folder / "deposition.pdf").write_bytes(scanned_pdf(pages, dpi=150))
    return folder


def _pid_running(cluster: ChaosCluster, task_id: str) -> int | None:
    """The pool process running the task ``task_id`` now (Celery's remote control)."""
    active = cluster.client.app.control.inspect(timeout=0.5).active() or {}
    for tasks in active.values():
        for task in tasks:
            if task["id"] == task_id:
                return int(task["worker_pid"])
    return None


def _victim(cluster: ChaosCluster, document_id: str, role: str) -> int | None:
    """The pid of the coordinator (the process holding the document's claim) or of a
    helper (one reading a range under another claim), once both are reading ranges."""
    with cluster.client.database.engine.connect() as conn:
        coordinator = conn.execute(
            sa.text("SELECT lease_owner FROM documents WHERE id = :d AND state = 'processing'"),
            {"d": document_id},
        ).scalar_one_or_none()
        readers = (
            conn.execute(
                sa.text(
                    "SELECT owner FROM ocr_ranges WHERE owner IS NOT NULL AND document_id = :d"
                ),
                {"d": document_id},
            )
            .scalars()
            .all()
        )
        stored = conn.execute(
            sa.text("SELECT count(*) FROM ocr_ranges WHERE result IS NOT NULL"),
        ).scalar_one()
    helpers = [owner for owner in readers if owner != coordinator]
    if coordinator is None or coordinator not in readers or not helpers or not stored:
        return None
    return _pid_running(cluster, coordinator if role == "coordinator" else helpers[0])


@pytest.mark.parametrize("role", ["coordinator", "helper"])
def test_a_worker_killed_mid_scan_leaves_the_scan_completed_once(
    cluster: ChaosCluster, tmp_path: Path, role: str
) -> None:
    cluster.configure(ocr_range_pages=RANGE)
    corpus = _big_scan(tmp_path / "scans")
    cluster.start_workers(2)
    batch = cluster.submit(corpus)
    (doc,) = cluster.client.repo.documents.of_batch(batch.id)
    deadline = time.monotonic() + 120
    # Wait until both processes read ranges (and one range is stored), then kill one.
    while (pid := _victim(cluster, doc.id, role)) is None:
        assert time.monotonic() < deadline, "two processes were not reading ranges in 120 s"
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    cluster.fault()
    outcome = cluster.finish(
        f"sigkill of the {role} mid-scan", [batch.id], allow_orphaned_unacked=True
    )

    assert outcome.violations == []
    doc = cluster.client.repo.documents.get(doc.id)
    assert (doc.state.value, doc.page_count, doc.ocr_pages) == ("completed", PAGES, PAGES)
    texts = [page.text for page in cluster.client.repo.results.load_extracted(doc.id).pages]
    assert all("Deposition" in text for text in texts), texts
    assert _scalar(cluster, "SELECT count(*) FROM ocr_ranges") == 0
    extract_claims, extract_done = (
        _scalar(
            cluster,
            "SELECT count(*) FROM events WHERE document_id = :d AND kind = :k "
            "AND stage = 'extract'",
            d=doc.id,
            k=kind,
        )
        for kind in ("claimed", "stage_completed")
    )
    assert extract_done == 1, "the extract stage completed more than once"
    # The OCR step ran again only when its own process was killed.
    assert extract_claims == (3 if role == "coordinator" else 2)
