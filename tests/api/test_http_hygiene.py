"""HTTP hygiene: security headers, the schema behind the token, clean 400s, long tokens,
and uploads deleted once their documents are terminal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from docbatch.api.app import create_app
from docbatch.api.guard import CSRF_HEADER
from docbatch.api.uploads import sweep_uploads
from docbatch.client import Docbatch
from docbatch.errors import ConfigError
from tests.api.conftest import TOKEN
from tests.api.support import process_inline

AUTH = {"Authorization": f"Bearer {TOKEN}"}
MEMO = (Path(__file__).parents[2] / "samples" / "memo.txt").read_bytes()


def http(client: Docbatch, *, require_token: bool = False, sweep: float = 0) -> TestClient:
    app = create_app(client.settings, require_token=require_token, client=client,
                     sample_seconds=0, sweep_seconds=sweep)  # fmt: skip
    headers = {CSRF_HEADER: app.state.csrf_token, **(AUTH if require_token else {})}
    return TestClient(app, base_url="http://127.0.0.1", headers=headers)


@pytest.mark.parametrize("path", ["/", "/api/batches", "/static/app.js", "/api/nope"])
def test_every_response_has_the_security_headers(client: Docbatch, path: str) -> None:
    response = http(client).get(path)

    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_openapi_schema_needs_the_token(client: Docbatch) -> None:
    api = http(client, require_token=True)

    assert api.get("/api/openapi.json", headers={"Authorization": ""}).status_code == 401
    schema = api.get("/api/openapi.json").json()
    assert "/api/batches" in schema["paths"]
    assert "/api/openapi.json" not in schema["paths"]


def test_a_nul_byte_in_a_path_is_a_clear_400(client: Docbatch, docs_root: Path) -> None:
    response = http(client).post("/api/batches", json={"paths": [f"{docs_root}/a\x00b.txt"]})

    assert response.status_code == 400
    assert "NUL byte" in response.json()["detail"]


@pytest.mark.parametrize("token", ["short", "x" * 15])
def test_a_short_token_refuses_to_start(client: Docbatch, token: str) -> None:
    settings = client.settings.model_copy(update={"api_token": SecretStr(token)})
    with pytest.raises(ConfigError, match="at least 16"):
        create_app(settings, require_token=True, client=client)
    long_enough = client.settings.model_copy(update={"api_token": SecretStr("y" * 16)})
    assert create_app(long_enough, require_token=True, client=client) is not None


def _upload(api: TestClient) -> tuple[str, Path]:
    response = api.post("/api/batches", files=[("files", ("memo.txt", MEMO, "text/plain"))])
    assert response.status_code == 201
    batch_id = response.json()["id"]
    [doc] = api.app.state.client.repo.documents.of_batch(batch_id)  # type: ignore[attr-defined]
    return batch_id, Path(doc.path)


def test_uploaded_files_are_deleted_once_their_document_is_terminal(client: Docbatch) -> None:
    uploads = client.settings.state_dir / "uploads"
    batch_id, saved = _upload(http(client))

    assert sweep_uploads(client.repo, uploads) == 0  # pending: kept
    assert saved.exists()
    process_inline(client, batch_id)
    assert sweep_uploads(client.repo, uploads) == 1

    assert not saved.exists()
    assert list(uploads.iterdir()) == []  # the folder and its marker are gone too
    [doc] = client.repo.documents.of_batch(batch_id)
    assert doc.state.value == "completed"


def test_the_api_sweeps_uploads_and_keep_turns_it_off(client: Docbatch) -> None:
    with http(client, sweep=0.1) as api:
        batch_id, saved = _upload(api)
        process_inline(client, batch_id)
        deadline = time.monotonic() + 10
        while saved.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not saved.exists()

    client.settings = client.settings.model_copy(update={"api_upload_retention": "keep"})
    with http(client, sweep=0.1) as api:
        batch_id, saved = _upload(api)
        process_inline(client, batch_id)
        time.sleep(0.5)
        assert saved.exists()
