"""The HTTP API with FastAPI's TestClient against real PostgreSQL and Redis."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from docbatch.api.app import create_app
from docbatch.api.auth import is_loopback
from docbatch.api.guard import CSRF_HEADER
from docbatch.client import Docbatch
from docbatch.errors import ConfigError
from docbatch.settings import Settings
from tests.api.conftest import TOKEN
from tests.api.support import copy_samples, create_batch, process_inline

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def api(client: Docbatch, *, require_token: bool = False) -> TestClient:
    app = create_app(client.settings, require_token=require_token, client=client, poll_seconds=0.2,
                     sample_seconds=0)  # fmt: skip
    # As the dashboard calls it: on the bound address, echoing the CSRF cookie's token.
    return TestClient(app, base_url="http://127.0.0.1", headers={CSRF_HEADER: app.state.csrf_token})


@pytest.fixture
def processed(client: Docbatch, docs_root: Path) -> str:
    """A finished batch of the text samples (one fails), processed with the Redis sink."""
    batch_id = create_batch(client, copy_samples(docs_root / "set"), name="samples")
    process_inline(client, batch_id)
    return batch_id


# -- authentication ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_requests_without_the_right_token_get_401(client: Docbatch, headers: dict) -> None:
    http = api(client, require_token=True)

    for path in ("/api/batches", "/metrics"):
        response = http.get(path, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_the_right_token_is_accepted_and_health_needs_none(client: Docbatch) -> None:
    http = api(client, require_token=True)

    assert http.get("/api/batches", headers=AUTH).json() == []
    assert http.get("/metrics", headers=AUTH).status_code == 200
    assert http.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert http.get("/").status_code == 200


def test_loopback_mode_needs_no_token(client: Docbatch) -> None:
    assert api(client).get("/api/batches").status_code == 200


def test_a_required_token_that_is_not_configured_refuses_to_start(client: Docbatch) -> None:
    settings = client.settings.model_copy(update={"api_token": None})
    with pytest.raises(ConfigError, match="DOCBATCH_API_TOKEN"):
        create_app(settings, require_token=True, client=client)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# -- submission --------------------------------------------------------------------------


def test_submit_server_paths_inside_the_allowed_roots(client: Docbatch, docs_root: Path) -> None:
    folder = copy_samples(docs_root / "in", ("memo.txt", "docket.html"))
    http = api(client)

    response = http.post("/api/batches", json={"paths": [str(folder)], "priority": "high"})

    assert response.status_code == 201
    body = response.json()
    assert (body["total"], body["priority"], body["state"]) == (2, "high", "pending")
    assert [b["id"] for b in http.get("/api/batches").json()] == [body["id"]]


def test_paths_outside_the_allowed_roots_are_refused(
    client: Docbatch, docs_root: Path, tmp_path: Path
) -> None:
    outside = copy_samples(tmp_path / "elsewhere", ("memo.txt",))
    escape = docs_root / ".." / "elsewhere"
    http = api(client)

    assert http.post("/api/batches", json={"paths": [str(outside)]}).status_code == 403
    assert http.post("/api/batches", json={"paths": [str(escape)]}).status_code == 403
    assert http.post("/api/batches", json={"paths": ["relative/x"]}).status_code == 400
    assert http.post("/api/batches", json={"paths": []}).status_code == 422


def test_path_submission_is_disabled_without_allowed_roots(
    client: Docbatch, docs_root: Path
) -> None:
    client.settings = client.settings.model_copy(update={"allowed_roots": []})
    response = api(client).post("/api/batches", json={"paths": [str(docs_root)]})

    assert response.status_code == 403
    assert "DOCBATCH_ALLOWED_ROOTS" in response.json()["detail"]


def test_upload_saves_files_under_the_state_folder(client: Docbatch) -> None:
    memo = (Path(__file__).parents[2] / "samples" / "memo.txt").read_bytes()
    files = [
        ("files", ("memo.txt", memo, "text/plain")),
        ("files", ("../x.txt", b"hello", "text/plain")),
    ]

    response = api(client).post("/api/batches", files=files, data={"project": "uploads"})

    assert response.status_code == 201
    assert response.json()["total"] == 2
    assert response.json()["project"] == "uploads"
    saved = sorted(p.name for p in (client.settings.state_dir / "uploads").glob("*/[!.]*"))
    assert saved == ["0000-memo.txt", "0001-x.txt"]


def test_upload_over_the_size_limit_is_refused(client: Docbatch) -> None:
    client.settings = client.settings.model_copy(update={"api_max_upload_bytes": 1000})
    files = [("files", ("big.txt", b"x" * 5000, "text/plain"))]

    response = api(client).post("/api/batches", files=files)

    assert response.status_code == 413
    assert not (client.settings.state_dir / "uploads").exists()


def test_without_a_broker_nothing_is_stored_or_created(client: Docbatch) -> None:
    client = Docbatch(client.settings.model_copy(update={"broker_url": None, "redis_url": None}))
    files = [("files", ("memo.txt", b"A memo.", "text/plain"))]
    try:
        response = api(client).post("/api/batches", files=files)
        assert response.status_code == 400
        assert "no broker configured" in response.json()["detail"]
        assert "docbatch run" in response.json()["detail"]
        assert not (client.settings.state_dir / "uploads").exists()
        assert client.repo.batches.newest(limit=10) == []
    finally:
        client.close()


# -- reading batches and documents -------------------------------------------------------


def test_batch_documents_and_failures(client: Docbatch, processed: str) -> None:
    http = api(client)

    batch = http.get(f"/api/batches/{processed}").json()
    failed = http.get(f"/api/batches/{processed}/documents", params={"state": "failed"}).json()
    everything = http.get(f"/api/batches/{processed}/documents").json()

    assert (batch["total"], batch["completed"], batch["failed"], batch["percent"]) == (
        5,
        4,
        1,
        100.0,
    )
    assert batch["state"] == "completed_with_failures"
    assert [Path(d["path"]).name for d in failed] == ["broken.pdf"]
    assert failed[0]["error_category"] == "data" and failed[0]["error_reason"]
    assert len(everything) == 5


def test_document_view_has_pages_chunks_and_mentions_at_their_offsets(
    client: Docbatch, processed: str
) -> None:
    http = api(client)
    docs = http.get(f"/api/batches/{processed}/documents", params={"state": "completed"}).json()
    opinion = next(d for d in docs if d["path"].endswith("opinion.pdf"))

    detail = http.get(f"/api/documents/{opinion['id']}").json()

    assert len(detail["pages"]) == detail["page_count"] > 0
    assert detail["chunks"] and detail["mentions"]
    text = "\n\n".join(p["text"] for p in detail["pages"])
    for mention in detail["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
    for page in detail["pages"]:
        assert text[page["start"] : page["start"] + len(page["text"])] == page["text"]


def test_unknown_ids_are_404(client: Docbatch) -> None:
    http = api(client)

    assert http.get("/api/batches/nope").status_code == 404
    assert http.get("/api/batches/nope/documents").status_code == 404
    assert http.get("/api/documents/nope").status_code == 404
    assert http.post("/api/batches/nope/recover").status_code == 404


def test_openapi_schema_lists_the_endpoints(client: Docbatch) -> None:
    paths = api(client).get("/api/openapi.json").json()["paths"]

    assert {"/api/batches", "/api/batches/{batch_id}/events", "/api/documents/{document_id}",
            "/api/batches/{batch_id}/recover", "/metrics", "/healthz"} <= set(paths)  # fmt: skip
    assert "multipart/form-data" in paths["/api/batches"]["post"]["requestBody"]["content"]


# -- actions -----------------------------------------------------------------------------


def test_recover_resubmits_failed_documents_as_a_linked_high_priority_batch(
    client: Docbatch, processed: str
) -> None:
    http = api(client)

    response = http.post(f"/api/batches/{processed}/recover")

    assert response.status_code == 201
    recovery = response.json()
    assert recovery["parent_batch_id"] == processed
    assert (recovery["priority"], recovery["total"]) == ("high", 1)
    docs = http.get(f"/api/batches/{recovery['id']}/documents").json()
    assert [Path(d["path"]).name for d in docs] == ["broken.pdf"]


def test_recover_without_failures_is_a_conflict(client: Docbatch, docs_root: Path) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "ok", ("memo.txt",)))
    process_inline(client, batch_id)

    assert api(client).post(f"/api/batches/{batch_id}/recover").status_code == 409


def test_cancel_stops_a_pending_batch(client: Docbatch, docs_root: Path) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "c", ("memo.txt", "docket.html")))

    body = api(client).post(f"/api/batches/{batch_id}/cancel").json()

    assert (body["state"], body["cancelled"]) == ("cancelled", 2)


# -- health and events -------------------------------------------------------------------


def test_health_reports_an_unreachable_redis(client: Docbatch, settings: Settings) -> None:
    broken = Docbatch(client.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    try:
        response = api(broken).get("/healthz")
    finally:
        broken.close()

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["redis"].startswith("error")


def _events(lines: list[str]) -> list[str]:
    return [line.split(": ", 1)[1] for line in lines if line.startswith("event: ")]


def test_events_of_a_finished_batch_are_its_status_then_end(
    client: Docbatch, processed: str
) -> None:
    with api(client).stream("GET", f"/api/batches/{processed}/events") as response:
        lines = list(response.iter_lines())

    assert response.headers["content-type"].startswith("text/event-stream")
    assert _events(lines) == ["status", "end"]
    assert '"completed_with_failures"' in lines[-2]


def test_events_stream_progress_while_the_batch_runs(client: Docbatch, docs_root: Path) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "live", ("memo.txt", "docket.html")))
    client.progress.init(client.get_batch(batch_id))
    worker = threading.Thread(target=process_inline, args=(client, batch_id))
    lines: list[str] = []

    with api(client).stream("GET", f"/api/batches/{batch_id}/events") as response:
        for line in response.iter_lines():
            lines.append(line)
            if line == "event: status" and not worker.is_alive() and len(lines) < 4:
                worker.start()  # start processing once the stream is subscribed
    worker.join()

    kinds = _events(lines)
    assert kinds[0] == "status" and kinds[-1] == "end"
    assert kinds.count("progress") >= 2  # at least each document's terminal transition
