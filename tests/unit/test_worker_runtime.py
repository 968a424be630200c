"""A worker's resources are built once per process and rebuilt after a fork."""

from __future__ import annotations

from pathlib import Path

from docbatch.settings import Settings
from docbatch.worker.runtime import WorkerRuntime


def _runtime(tmp_path: Path) -> WorkerRuntime:
    return WorkerRuntime(Settings(state_dir=tmp_path, redis_url=None, broker_url=None))


def test_a_resource_is_built_once_per_process(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    try:
        assert runtime.repo is runtime.repo
        assert runtime.repo.database is runtime.database
        assert runtime.redis is None
        assert runtime.cache is None
        assert runtime.progress is None
    finally:
        runtime.close()


def test_a_forked_process_builds_its_own_resources(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    try:
        parent_repo, parent_database = runtime.repo, runtime.database
        runtime._pid = -1  # what a forked child sees: another process id
        assert runtime.repo is not parent_repo
        assert runtime.database is not parent_database
        assert runtime.repo.database is runtime.database
    finally:
        runtime.close()
        parent_database.dispose()


def test_close_drops_what_was_built(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    first = runtime.repo
    runtime.close()
    assert runtime.repo is not first
    runtime.close()
