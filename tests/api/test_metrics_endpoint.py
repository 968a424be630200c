"""``/metrics`` after a real batch: the exported counters match the database."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from docbatch.api.app import create_app
from docbatch.client import Docbatch
from tests.api.support import TEXT_SAMPLES, copy_samples, create_batch, process_inline

STAGE_EVENTS = "SELECT count(*) FROM events WHERE kind = 'stage_completed'"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _database_figures(client: Docbatch) -> dict[str, int]:
    with client.database.engine.connect() as conn:
        one = lambda sql: int(conn.execute(sa.text(sql)).scalar_one() or 0)  # noqa: E731
        return {
            "completed": one("SELECT count(*) FROM documents WHERE state = 'completed'"),
            "failed": one("SELECT count(*) FROM documents WHERE state = 'failed'"),
            "pages": one("SELECT sum(page_count) FROM documents WHERE state = 'completed'"),
            "ocr_pages": one("SELECT sum(ocr_pages) FROM documents WHERE state = 'completed'"),
            "extract": one(f"{STAGE_EVENTS} AND stage = 'extract'"),
            "resolve": one(f"{STAGE_EVENTS} AND stage = 'resolve'"),
        }


def test_metrics_counters_match_the_database_after_a_batch(
    client: Docbatch, docs_root: Path
) -> None:
    folder = copy_samples(docs_root / "m", (*TEXT_SAMPLES, "exhibit.tiff"))
    process_inline(client, create_batch(client, folder))
    app = create_app(client.settings, require_token=False, client=client, sample_seconds=0)

    response = TestClient(app, base_url="http://127.0.0.1").get("/metrics")
    samples = _samples(response.text)
    db = _database_figures(client)

    assert response.headers["content-type"].startswith("text/plain")
    assert (db["completed"], db["failed"]) == (5, 1)
    assert db["ocr_pages"] >= 1  # the TIFF went through OCR
    assert samples[("docbatch_documents_total", (("state", "completed"),))] == db["completed"]
    assert samples[("docbatch_documents_total", (("state", "failed"),))] == db["failed"]
    assert samples[("docbatch_pages_total", ())] == db["pages"]
    assert samples[("docbatch_ocr_pages_total", ())] == db["ocr_pages"]
    count = "docbatch_stage_duration_seconds_count"
    assert samples[(count, (("stage", "extract"),))] == db["extract"]
    assert samples[(count, (("stage", "resolve"),))] == db["resolve"]
    lookups = sum(
        v
        for (name, labels), v in samples.items()
        if name == "docbatch_cache_lookups_total" and ("stage", "chunk") in labels
    )
    assert lookups == db["completed"]  # every completed document chunked once, cache or not
    assert samples[("docbatch_batches", (("state", "completed_with_failures"),))] == 1
    assert samples[("docbatch_documents_in_flight", ())] == 0
    assert all(v == 0 for (n, _), v in samples.items() if n == "docbatch_scrape_error")
