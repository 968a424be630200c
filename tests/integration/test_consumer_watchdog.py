"""The consumer watchdog restarts a real worker's consumer that stopped fetching.

The worker (``tests.integration.stalling_worker``) loses its prefetch slots after its
first message, as a cut acknowledgement used to make it, and then fetches nothing while
a second message waits in its queue. With the watchdog it restarts its consumer and runs
the second message; with the watchdog off (the control) the message waits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from docbatch.local.embedded import PrivateRedis, WorkerProcess, settings_env
from docbatch.settings import Settings
from docbatch.worker.app import create_app

pytestmark = pytest.mark.integration

#: The task the worker registers; it appends its argument to a Redis list.
PROBE_TASK = "docbatch.test.probe"
#: The Redis list each probe appends to.
PROBE_KEY = "docbatch-test:probe"

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[PrivateRedis]:
    """A private Redis: broker and probe list."""
    with PrivateRedis() as private:
        yield private


def _ran(client: redis.Redis, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.llen(PROBE_KEY) >= count:
            return True
        time.sleep(0.2)
    return False


def _worker(settings: Settings, server: PrivateRedis) -> tuple[WorkerProcess, str]:
    queue = f"{settings.queue_prefix}batch"
    env = {
        **settings_env(settings),
        "DOCBATCH_ALLOW_ROOT_WORKER": "1",
        "DOCBATCH_TEST_PROBE_SOCKET": str(server.socket),
        "PYTHONPATH": str(ROOT),
    }
    log = settings.state_dir / "logs" / "stalling-worker.log"
    worker = WorkerProcess("tests.integration.stalling_worker:app", 1, env, log, queues=queue)
    return worker.start(), queue


@pytest.mark.parametrize("stall_seconds", [2.0, 0.0], ids=["watchdog", "control"])
def test_a_consumer_that_stopped_fetching_is_restarted(
    settings: Settings, server: PrivateRedis, stall_seconds: float
) -> None:
    settings = settings.model_copy(
        update={
            "broker_url": server.broker_url, "redis_url": server.url,
            "reconcile_interval_seconds": 0.0, "consumer_stall_seconds": stall_seconds,
        }
    )  # fmt: skip
    client = redis.Redis(unix_socket_path=str(server.socket), socket_timeout=10)
    app = create_app(settings)
    worker, queue = _worker(settings, server)
    try:
        app.send_task(PROBE_TASK, args=[1], queue=queue)
        assert _ran(client, 1, timeout=60), "the worker never ran its first message"
        app.send_task(PROBE_TASK, args=[2], queue=queue)
        log = worker.log_path
        if stall_seconds:
            assert _ran(client, 2, timeout=30), log.read_text(errors="replace")[-3000:]
            assert "consumer stalled" in log.read_text(errors="replace")
        else:
            # the control: the stall is real, and only the watchdog ends it
            assert not _ran(client, 2, timeout=8)
    finally:
        worker.stop(timeout=10)
