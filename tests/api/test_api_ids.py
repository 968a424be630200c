"""The API's path parameters take a unique id prefix, like the CLI."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from docbatch.api.app import create_app
from docbatch.client import Docbatch
from tests.api.support import copy_samples, create_batch


def api(client: Docbatch) -> TestClient:
    app = create_app(client.settings, require_token=False, client=client, sample_seconds=0)
    return TestClient(app, base_url="http://127.0.0.1")


def test_batch_and_document_paths_take_a_prefix(client: Docbatch, docs_root: Path) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "set", ("memo.txt",)))
    http = api(client)

    batch = http.get(f"/api/batches/{batch_id[:8]}")
    assert batch.status_code == 200, batch.text
    assert batch.json()["id"] == batch_id
    documents = http.get(f"/api/batches/{batch_id[:8]}/documents").json()
    assert [d["batch_id"] for d in documents] == [batch_id]
    document_id = documents[0]["id"]
    document = http.get(f"/api/documents/{document_id[:8]}")
    assert document.status_code == 200, document.text
    assert document.json()["id"] == document_id


def test_an_unknown_prefix_is_a_404_naming_it(client: Docbatch) -> None:
    response = api(client).get("/api/batches/abcdef12")
    assert response.status_code == 404
    assert "abcdef12" in response.text
