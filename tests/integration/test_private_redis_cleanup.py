"""Tests that start a private Redis stop it: none is left running after the run.

The tests named here are run in a child pytest with its own temporary folder, so every
Redis server they start has its socket (and command line) under that folder; once the
child exits, no ``redis-server`` may still name it. Any found is stopped before the
assertion, so a failure of this test leaks nothing either.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

#: Tests that start a private Redis server of their own.
STARTING_A_PRIVATE_REDIS = [
    "tests/integration/test_cache.py::test_client_connects_over_a_unix_socket",
    "tests/integration/test_progress.py::test_script_is_reloaded_after_the_server_forgets_it",
]


def _servers_under(folder: str) -> list[psutil.Process]:
    """Running ``redis-server`` processes whose command line names ``folder``."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            cmdline = " ".join(process.info["cmdline"] or [])
            mine = "redis-server" in cmdline and folder in cmdline
            if mine and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_tests_that_start_a_private_redis_leave_none_running() -> None:
    # A short folder: unix socket paths are limited to about 100 bytes.
    folder = tempfile.mkdtemp(prefix="dbr-")
    env = {**os.environ, "TMPDIR": folder}
    try:
        child = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"--basetemp={folder}/pytest", *STARTING_A_PRIVATE_REDIS],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        left = _servers_under(folder)
        for process in left:
            process.kill()
        psutil.wait_procs(left, timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    assert child.returncode == 0, child.stdout[-3000:]
    assert "2 passed" in child.stdout
    assert [" ".join(p.info["cmdline"] or []) for p in left] == []
