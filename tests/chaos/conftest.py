"""Chaos suite options and fixtures.

``python -m pytest tests/chaos`` runs every scenario at CI size with two seeds each;
``--long`` runs them larger, with three seeds. Every scenario runs real Celery workers
against a private Redis (which the tests kill, pause and restart) and a PostgreSQL
database of its own (whose backends they terminate; the shared server itself is never
restarted).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from docbatch.local.embedded import PrivateRedis
from docbatch.settings import Settings
from tests.chaos.harness import ChaosCluster, Size


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="run the chaos scenarios at full size (1,000-document batches, more seeds)",
    )


def _long(config: pytest.Config) -> bool:
    return bool(config.getoption("--long", default=False))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every scenario taking ``seed`` runs with two seeds (three with ``--long``)."""
    if "seed" in metafunc.fixturenames:
        seeds = [11, 23, 37] if _long(metafunc.config) else [11, 23]
        metafunc.parametrize("seed", seeds)


@pytest.fixture
def size(request: pytest.FixtureRequest) -> Size:
    """Batch sizes and fault counts for this run."""
    return Size.long() if _long(request.config) else Size.ci()


@pytest.fixture
def cluster(
    settings: Settings, postgres_url: str, tmp_path: Path, size: Size
) -> Iterator[ChaosCluster]:
    """Private Redis, a fresh PostgreSQL database and (once started) local workers."""
    server = PrivateRedis().start()
    chaos = ChaosCluster(settings, postgres_url, server, tmp_path, size)
    try:
        yield chaos
    finally:
        chaos.close()
        server.stop()
