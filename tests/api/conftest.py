"""Fixtures for the HTTP API tests: real PostgreSQL and Redis, a Docbatch client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from docbatch.client import Docbatch
from docbatch.settings import Settings
from tests.api.support import service_settings

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def docs_root(tmp_path: Path) -> Path:
    """The allowed root documents may be submitted from."""
    root = tmp_path / "docs"
    root.mkdir()
    return root


@pytest.fixture
def api_settings(
    settings: Settings, postgres_url: str, redis_url: str, key_prefix: str, docs_root: Path
) -> Settings:
    """Settings on real services, with ``docs_root`` allowed and a known API token."""
    return service_settings(
        settings,
        database_url=postgres_url,
        redis_url=redis_url,
        key_prefix=key_prefix,
        allowed_roots=[docs_root],
        api_token=SecretStr(TOKEN),
    )


@pytest.fixture
def client(api_settings: Settings) -> Iterator[Docbatch]:
    """A Python API client over the test services."""
    docbatch = Docbatch(api_settings)
    yield docbatch
    docbatch.close()
