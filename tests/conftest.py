"""Shared fixtures: isolated settings, real services, golden files.

A test that needs PostgreSQL, Redis or RabbitMQ asks for the fixture; when the service is
not reachable the test is skipped on a developer's machine and fails under ``CI=true``,
so CI can never pass by skipping.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
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


#: Test folders whose tests inject timed faults (kills, freezes, network cuts while a
#: batch runs): marked ``serial``, they run after the parallel part of ``.ci/run``, alone
#: on the machine. The benchmark smoke tests (``tests/bench``) check the shape of each
#: scenario's results, never a timing threshold, so they run in the parallel part.
SERIAL_FOLDERS = ("chaos",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`SERIAL_FOLDERS` ``serial``."""
    root = Path(__file__).parent
    for item in items:
        relative = Path(str(item.path)).relative_to(root) if root in item.path.parents else None
        if relative is not None and relative.parts[0] in SERIAL_FOLDERS:
            item.add_marker(pytest.mark.serial)


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


def migrations_fingerprint() -> str:
    """A short hash of the migration scripts: it names the template databases, so a new
    or changed migration gets a new template instead of a stale one."""
    from docbatch.store.db import MIGRATIONS_DIR

    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS_DIR.rglob("*.py")):
        digest.update(path.relative_to(MIGRATIONS_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _needs_empty_database(request: pytest.FixtureRequest) -> bool:
    """True for a test marked ``empty_database``, and for every test when
    ``DOCBATCH_TEST_DB_TEMPLATES=0`` (each database is then migrated by the test that
    opens it, the way the suite worked before templates: kept to measure the difference
    and to run the migrations once per test when they are what is being debugged)."""
    if os.environ.get("DOCBATCH_TEST_DB_TEMPLATES", "1") == "0":
        return True
    return request.node.get_closest_marker("empty_database") is not None


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """The name of a migrated PostgreSQL database that test databases are cloned from.

    Named by :func:`migrations_fingerprint`, built once (an advisory lock serialises
    sessions and xdist workers that find it missing) and kept for later sessions.
    """
    import sqlalchemy as sa

    name = f"docbatch_template_{migrations_fingerprint()}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _TEMPLATE_LOCK_KEY})
            try:
                exists = conn.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).first()
                if exists is None:
                    _build_postgres_template(conn, postgres_server, name)
            finally:
                conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _TEMPLATE_LOCK_KEY}
                )
    finally:
        admin.dispose()
    return name


#: The advisory lock held while a template database is looked for and built.
_TEMPLATE_LOCK_KEY = 0x6462_746D  # "dbtm"


def _build_postgres_template(conn: Any, server: str, name: str) -> None:
    """Migrate a new database under a temporary name, then rename it to ``name``: a
    session interrupted midway leaves no half-migrated template behind."""
    import sqlalchemy as sa

    from docbatch.store.db import Database

    building = f"{name}_building"
    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
    conn.execute(sa.text(f'CREATE DATABASE "{building}"'))
    Database.open(server.rsplit("/", 1)[0] + f"/{building}").dispose()
    conn.execute(sa.text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))


@pytest.fixture
def postgres_url(postgres_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL to a fresh PostgreSQL database that is dropped after the test.

    The database is already migrated to head (a clone of :func:`postgres_template`);
    a test marked ``empty_database`` gets an empty one.
    """
    import sqlalchemy as sa

    template = (
        "" if _needs_empty_database(request) else request.getfixturevalue("postgres_template")
    )
    name = f"docbatch_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        clone = f' TEMPLATE "{template}"' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{clone}'))
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        admin.dispose()  # a fresh connection: the server may have restarted meanwhile
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that test databases are copied from (one per session, or
    per xdist worker: ``tmp_path_factory`` is)."""
    from docbatch.store.db import Database

    path = tmp_path_factory.mktemp("template") / f"template-{migrations_fingerprint()}.db"
    Database.open(f"sqlite:///{path}").dispose()
    # Everything into the main file, so that a copy of that one file is complete.
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Parametrises a storage test over SQLite and PostgreSQL.

    Either database is already migrated to head; a test marked ``empty_database`` gets
    an empty one.
    """
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        if not _needs_empty_database(request):
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
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
