"""Other web sites cannot drive the loopback API: Host, origin and CSRF checks.

With no token (loopback), a page the operator visits could post to the API, and with
DNS rebinding read it under its own name. These tests send what such a page can send.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from docbatch.api.app import create_app
from docbatch.api.guard import CSRF_COOKIE, CSRF_HEADER, allowed_hosts
from docbatch.client import Docbatch
from tests.api.support import copy_samples


def loopback_api(client: Docbatch, host: str = "127.0.0.1") -> TestClient:
    app = create_app(client.settings, require_token=False, client=client, sample_seconds=0)
    return TestClient(app, base_url=f"http://{host}:8000")


def test_a_rebound_host_name_is_refused(client: Docbatch) -> None:
    http = loopback_api(client, host="attacker.example")

    response = http.get("/api/batches")

    assert response.status_code == 400
    assert "Host" in response.json()["detail"]
    assert http.get("/").status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_names_are_accepted(client: Docbatch, host: str) -> None:
    assert loopback_api(client, host=host).get("/api/batches").status_code == 200


def test_configured_host_names_are_accepted(client: Docbatch) -> None:
    client.settings = client.settings.model_copy(update={"api_allowed_hosts": ["docs.lan"]})
    assert loopback_api(client, host="docs.lan").get("/api/batches").status_code == 200
    assert allowed_hosts("0.0.0.0") is None
    assert allowed_hosts("0.0.0.0", ["docs.lan"]) == frozenset({"docs.lan"})


def test_a_text_plain_post_is_refused(client: Docbatch, docs_root: Path) -> None:
    folder = copy_samples(docs_root / "set", ("memo.txt",))
    body = json.dumps({"paths": [str(folder)]})

    response = loopback_api(client).post(
        "/api/batches", content=body, headers={"Content-Type": "text/plain"}
    )

    assert response.status_code == 403
    assert client.repo.batches.newest(limit=5) == []


def test_a_cross_origin_post_is_refused(client: Docbatch, docs_root: Path) -> None:
    folder = copy_samples(docs_root / "set", ("memo.txt",))
    http = loopback_api(client)
    for headers in (
        {"Origin": "http://attacker.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        response = http.post("/api/batches", json={"paths": [str(folder)]}, headers=headers)
        assert response.status_code == 403, headers
    assert client.repo.batches.newest(limit=5) == []


def test_an_upload_or_cancel_without_the_csrf_token_is_refused(client: Docbatch) -> None:
    http = loopback_api(client)
    files = [("files", ("memo.txt", b"hello world", "text/plain"))]

    assert http.post("/api/batches", files=files).status_code == 403
    assert http.post("/api/batches/nope/cancel").status_code == 403
    wrong = {CSRF_HEADER: "guessed"}
    assert http.post("/api/batches", files=files, headers=wrong).status_code == 403
    assert client.repo.batches.newest(limit=5) == []


def test_the_dashboard_token_from_its_cookie_allows_uploads(client: Docbatch) -> None:
    http = loopback_api(client)
    page = http.get("/")
    token = page.cookies[CSRF_COOKIE]
    assert "samesite=strict" in page.headers["set-cookie"].lower()
    files = [("files", ("memo.txt", b"hello world", "text/plain"))]
    same_origin = {CSRF_HEADER: token, "Origin": "http://127.0.0.1:8000"}

    response = http.post("/api/batches", files=files, headers=same_origin)

    assert response.status_code == 201
    assert response.json()["total"] == 1
