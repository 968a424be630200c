"""Security: no pickle on the wire, no secrets in logs or output, no root workers by accident.

The broker tests use a private Redis (and a password on it), the credential test a real
PostgreSQL database reached with a password in its URL; the workers are real processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bench.synth import documents
from docbatch.client import Docbatch, Sources
from docbatch.errors import ConfigError
from docbatch.local.embedded import PrivateRedis, settings_env
from docbatch.settings import Settings
from docbatch.worker.privileges import ROOT_REFUSAL, refuse_root
from tests.integration.engine_support import (
    engine_settings,
    make_corpus,
    running_workers,
    wait_finished,
)

pytestmark = [pytest.mark.integration]

SECRET = "Hunter2-s3cret-XyZ"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis of this test's own."""
    server = PrivateRedis().start()
    yield server
    server.stop()


class _Exploit:
    """Unpickling this creates ``marker``: proof that a pickle was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


@pytest.mark.slow
def test_a_pickled_message_is_refused_and_never_executed(
    settings: Settings, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    corpus = make_corpus(tmp_path / "corpus", 3)
    local = engine_settings(
        settings, broker_url=private_redis.broker_url, redis_url=private_redis.url
    )
    client = Docbatch(local)
    # A docbatch.step message whose arguments run code when unpickled.
    client.app.send_task(
        "docbatch.step",
        args=["extract", [_Exploit(marker)], "normal"],
        serializer="pickle",
        queue="extract",
    )
    batch = client.submit(Sources.from_args([corpus]))
    with running_workers(local, concurrency=1) as workers:
        batch = wait_finished(client, batch.id, timeout=120)
        log = _wait_for_log(workers.log_path, "untrusted content", timeout=20)
        assert workers.alive()
    assert not marker.exists()
    assert "Refusing to deserialize untrusted content of type pickle" in log
    assert batch.completed == 3  # the worker went on with the real work
    client.close()


def _wait_for_log(path: Path, needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        if needle in text:
            break
        time.sleep(0.2)
    return text


@pytest.mark.slow
def test_passwords_in_urls_never_reach_logs_or_command_output(
    settings: Settings, private_redis: PrivateRedis, postgres_url: str, tmp_path: Path
) -> None:
    admin = redis.Redis(unix_socket_path=str(private_redis.socket))
    admin.config_set("requirepass", SECRET)
    admin.close()
    database_url = postgres_url.replace("postgres@", f"postgres:{SECRET}@", 1)
    assert SECRET in database_url
    local = engine_settings(
        settings,
        database_url=database_url,
        broker_url=f"redis+socket://:{SECRET}@{private_redis.socket}",
        redis_url=f"unix://:{SECRET}@{private_redis.socket}",
    )
    Docbatch(local).close()  # creates the schema
    corpus = make_corpus(tmp_path / "corpus", 3)
    broken = documents.truncated_pdf(["Some text. " * 50], keep=0.1)  # no page survives
    (corpus / "broken.pdf").write_bytes(broken)
    env = {**os.environ, **settings_env(local), "DOCBATCH_ALLOW_ROOT_WORKER": "1"}
    cli = [sys.executable, "-m", "docbatch.cli.main"]
    submitted = _run([*cli, "submit", str(corpus)], env)
    batch_id = submitted.stdout.strip()
    worker_log = tmp_path / "worker.out"
    with worker_log.open("wb") as sink:
        worker = subprocess.Popen(
            [*cli, "worker", "--loglevel", "INFO", "--concurrency", "1"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            client = Docbatch(local)
            batch = wait_finished(client, batch_id, timeout=120)
            client.close()
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    outputs = {
        "submit": submitted.stdout + submitted.stderr,
        "status": _joined(_run([*cli, "status", batch_id], env)),
        "status --json": _joined(_run([*cli, "status", batch_id, "--json"], env)),
        "worker": worker_log.read_text(errors="replace"),
    }
    assert (batch.completed, batch.failed) == (3, 1)
    assert "celery@" in outputs["worker"] or "ready" in outputs["worker"]  # it did log
    for name, text in outputs.items():
        assert SECRET not in text, f"{name} output shows the password"


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _joined(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


# -- root --------------------------------------------------------------------------------


def test_refuse_root_raises_a_clear_config_error_for_root(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(ConfigError, match="refusing to run a docbatch worker as root"):
        refuse_root(settings)
    refuse_root(settings.model_copy(update={"allow_root_worker": True}))
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    refuse_root(settings)


@pytest.mark.skipif(not IS_ROOT, reason="needs to run as root to see the refusal")
@pytest.mark.parametrize(
    "command",
    [
        ["-m", "docbatch.cli.main", "worker"],
        ["-m", "celery", "-A", "docbatch.worker.main:app", "worker", "--pool", "solo"],
    ],
    ids=["docbatch-worker", "celery-worker"],
)
def test_a_worker_started_as_root_refuses_without_the_override(
    command: list[str], settings: Settings
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DOCBATCH_ALLOW_ROOT_WORKER"}
    # Nothing listens here: a worker that did not refuse would hang retrying, not exit.
    env["DOCBATCH_BROKER_URL"] = "redis://127.0.0.1:1/0"
    result = subprocess.run(
        [sys.executable, *command], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert " ".join(ROOT_REFUSAL.split()[:8]) in " ".join(result.stderr.split())
    assert "DOCBATCH_ALLOW_ROOT_WORKER=1" in " ".join(result.stderr.split())
