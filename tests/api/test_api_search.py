"""The search endpoints: full text, entities and citations, under the API's auth rules."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from docbatch.api.app import create_app
from docbatch.client import Docbatch
from tests.api.conftest import TOKEN
from tests.api.support import create_batch, process_inline

FILINGS = {
    "order.txt": (
        "Plaintiff Margaret Holloway opposes. The motion to dismiss is denied. "
        "See Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007)."
    ),
    "brief.txt": "The summary judgment standard. Twombly, 550 U.S. 544 (2007).",
}


def _api(client: Docbatch, *, token: str | None = TOKEN) -> TestClient:
    app = create_app(client.settings, require_token=True, client=client, poll_seconds=0.2,
                     sample_seconds=0)  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(app, base_url="http://127.0.0.1", headers=headers)


def _indexed(client: Docbatch, docs_root: Path) -> str:
    folder = docs_root / "filings"
    folder.mkdir()
    for name, text in FILINGS.items():
        (folder / name).write_text(text, encoding="utf-8")
    batch_id = create_batch(client, folder)
    process_inline(client, batch_id)
    return batch_id


def test_search_entities_and_citations_over_http(client: Docbatch, docs_root: Path) -> None:
    batch_id = _indexed(client, docs_root)
    http = _api(client)
    found = http.get("/api/search", params={"q": "dismiss", "batch": batch_id[:8]})
    assert found.status_code == 200, found.text
    [hit] = found.json()["hits"]
    assert Path(hit["path"]).name == "order.txt" and hit["page"] == 1
    assert {"text": "dismiss", "hit": True} in hit["snippet"]
    people = http.get("/api/entities", params={"name": "Margaret Holloway"}).json()
    assert people[0]["name"] == "Margaret Holloway"
    assert "plaintiff" in {o["role"] for o in people[0]["occurrences"]}
    citing = http.get("/api/citations", params={"citation": "550 U.S. 544"}).json()
    assert sorted({Path(c["path"]).name for c in citing}) == ["brief.txt", "order.txt"]
    top = http.get("/api/citations/top", params={"batch": batch_id}).json()
    assert top[0]["documents"] == 2
    document_id = hit["document_id"]
    cited = http.get(f"/api/documents/{document_id}/citations").json()
    assert [c["pin_cite"] for c in cited] == ["570"]


def test_search_needs_the_token_and_a_valid_query(client: Docbatch, docs_root: Path) -> None:
    _indexed(client, docs_root)
    assert _api(client, token=None).get("/api/search", params={"q": "dismiss"}).status_code == 401
    bad = _api(client).get("/api/search", params={"q": "motion OR"})
    assert bad.status_code == 400 and "ends with OR" in bad.text
    missing = _api(client).get("/api/entities", params={"name": "x", "project": "nope"})
    assert missing.status_code == 404
    schema = _api(client).get("/api/openapi.json").json()
    assert {"/api/search", "/api/entities", "/api/citations"} <= set(schema["paths"])
