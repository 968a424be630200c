"""Shared fixtures: isolated settings, real services, golden files.

A test that needs PostgreSQL, Redis or RabbitMQ asks for the fixture; when the service is
not reachable the test is skipped on a developer's machine and fails under ``CI=true``,
so CI can never pass by skipping.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from docbatch.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "DOCBATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("DOCBATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_TEST_URL = os.environ.get(
    "DOCBATCH_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"
)
GOLDEN_DIR = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden from the current output",
    )


def in_ci() -> bool:
    """True when running under CI, where a missing service is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, default_port: int) -> None:
    """Skip (locally) or fail (in CI) when ``name`` at ``url`` is not reachable."""
    if _reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: services are required)")
    pytest.skip(message)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings with a private state folder and no inherited DOCBATCH_ variables."""
    for key in list(os.environ):
        if key.startswith("DOCBATCH_") and not key.startswith("DOCBATCH_TEST_"):
            monkeypatch.delenv(key)
    state = tmp_path / "state"
    monkeypatch.setenv("DOCBATCH_STATE_DIR", str(state))
    return Settings(state_dir=state)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of a reachable PostgreSQL server."""
    require_service("PostgreSQL", POSTGRES_ADMIN_URL, 5432)
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL database that is dropped after the test."""
    import sqlalchemy as sa

    name = f"docbatch_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        admin.dispose()  # a fresh connection: the server may have restarted meanwhile
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Parametrises a storage test over SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def database(database_url: str) -> Iterator[Any]:
    """A migrated :class:`~docbatch.store.db.Database` on ``database_url``, disposed after."""
    from docbatch.store.db import Database

    db = Database.open(database_url)
    yield db
    db.dispose()


@pytest.fixture
def broker_changes() -> dict[str, Any]:
    """Settings changes for ``broker_client``: a test module overrides this fixture."""
    return {}


@pytest.fixture
def broker_client(
    settings: Settings,
    database_url: str,
    redis_url: str,
    key_prefix: str,
    broker_changes: dict[str, Any],
) -> Iterator[Any]:
    """A :class:`~docbatch.client.Docbatch` on a fresh database, its broker and Redis keys
    under this test's prefix (no worker consumes them), with ``broker_changes``."""
    from docbatch.client import Docbatch

    client = Docbatch(
        settings.model_copy(
            update={
                "database_url": database_url,
                "broker_url": redis_url,
                "redis_url": redis_url,
                "key_prefix": key_prefix,
                **broker_changes,
            }
        )
    )
    yield client
    client.close()


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The URL of a reachable Redis server."""
    require_service("Redis", REDIS_TEST_URL, 6379)
    return REDIS_TEST_URL


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The URL of the test Redis server (pair it with :func:`key_prefix`)."""
    return redis_server


@pytest.fixture
def key_prefix(redis_server: str) -> Iterator[str]:
    """A unique key prefix; every key under it is deleted after the test."""
    import redis

    prefix = f"dbtest-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_server)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    """The URL of a reachable RabbitMQ broker."""
    require_service("RabbitMQ", RABBITMQ_TEST_URL, 5672)
    return RABBITMQ_TEST_URL


class Golden:
    """Compares a JSON-ready value with ``tests/golden/<name>.json``.

    Run pytest with ``--regen-golden`` to rewrite the files from the current output.
    """

    def __init__(self, regenerate: bool) -> None:
        self.regenerate = regenerate

    def check(self, name: str, value: Any) -> None:
        path = GOLDEN_DIR / f"{name}.json"
        rendered = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if self.regenerate or not path.exists():
            if not self.regenerate and in_ci():
                pytest.fail(f"golden file {path} is missing; run pytest --regen-golden")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rendered, encoding="utf-8")
            return
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert json.loads(rendered) == expected, f"output differs from {path}"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """The golden-file checker (see :class:`Golden`)."""
    return Golden(bool(request.config.getoption("--regen-golden")))
