"""`docbatch monitor` beside an embedded `docbatch run`: it finds the run's private Redis
in the state folder and shows throughput, a rate, an ETA, queues and the workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.client import Docbatch
from docbatch.local.embedded import EMBEDDED_FILE, discover_embedded
from docbatch.observe.monitor import collect_snapshot
from docbatch.settings import Settings
from tests.integration.engine_support import make_corpus

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_monitor_sees_an_embedded_run_in_the_same_state_folder(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 400)
    env = {**os.environ, "DOCBATCH_STATE_DIR": str(settings.state_dir)}
    command = [sys.executable, "-m", "docbatch.cli.main", "run", str(corpus), "--workers", "1"]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        found = _wait_for(lambda: discover_embedded(settings), run)
        client = Docbatch(found)
        try:
            snapshot = _wait_for(lambda: _busy(collect_snapshot(client, inspect_timeout=2.0)), run)
        finally:
            client.close()
        [line] = [b for b in snapshot.batches if not b.state.endswith("ed")] or snapshot.batches
        assert line.rate_docs_per_s is not None and line.rate_docs_per_s > 0
        assert line.eta_seconds is not None
        assert sum(snapshot.throughput) > 0
        assert snapshot.workers and snapshot.workers[0].name.startswith("embedded-")
        frame = CliRunner().invoke(app, ["monitor", "--once"], env={"COLUMNS": "200", **env})
        assert frame.exit_code == 0 and "docs/min" in frame.stdout
        assert "(unknown)" not in frame.stdout
    finally:
        _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err.decode()[-2000:]
    assert not (settings.state_dir / EMBEDDED_FILE).exists()  # withdrawn at the end
    assert discover_embedded(settings) is None


def _busy(snapshot):
    """The snapshot once some documents are done and the batch still runs, else None."""
    running = [b for b in snapshot.batches if b.state in ("running", "pending")]
    busy = (
        running and running[0].done >= 3 and running[0].rate_docs_per_s and sum(snapshot.throughput)
    )
    if busy and snapshot.workers:
        return snapshot
    return None


def _wait_for(probe, run, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert run.poll() is None, "the run ended before the monitor saw it"
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the monitor did not see the embedded run in time")
