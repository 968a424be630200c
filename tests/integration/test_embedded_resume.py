"""Ctrl-C during `docbatch run` leaves a resumable batch; `--resume` finishes it exactly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from docbatch.client import Docbatch
from docbatch.settings import Settings
from tests.integration.engine_support import make_corpus, row_counts

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _done(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            row = conn.execute(
                "SELECT coalesce(sum(completed + failed), 0) FROM batches"
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
    return int(row[0])


def test_interrupted_run_resumes_to_exact_completion(settings: Settings, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 60)
    # Two documents per message: the first five finish well before the sixtieth, so the
    # Ctrl-C below lands mid-batch even on a slow machine (32 per message once let a
    # loaded machine finish the batch between the poll and the signal).
    env = {
        **os.environ,
        "DOCBATCH_STATE_DIR": str(settings.state_dir),
        "COLUMNS": "300",
        "DOCBATCH_DOCS_PER_TASK": "2",
    }
    command = [sys.executable, "-m", "docbatch.cli.main", "run", str(corpus), "--workers", "1"]
    run = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while _done(settings.sqlite_path) < 5:
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
        assert time.monotonic() < deadline, "no document finished in 120 s"
        time.sleep(0.2)
    children = psutil.Process(run.pid).children(recursive=True)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=90)
    assert run.returncode == 130, err[-2000:]
    assert "--resume" in err
    batch_id = err.split("--resume", 1)[1].split()[0]
    # the local worker and the private Redis are gone
    time.sleep(0.5)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]

    client = Docbatch(settings)
    interrupted = client.get_batch(batch_id)
    assert not interrupted.state.terminal and 0 < interrupted.done < 60

    command = [sys.executable, "-m", "docbatch.cli.main", "run", "--resume", batch_id]
    resumed = subprocess.run(
        [*command, "--json", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    summary = json.loads(resumed.stdout)
    assert summary["batch_id"] == batch_id
    assert (summary["total"], summary["completed"], summary["failed"]) == (60, 60, 0)
    batch = client.get_batch(batch_id)
    assert batch.finalized_count == 1
    docs = client.repo.documents.of_batch(batch_id, limit=100)
    assert row_counts(client, batch_id)["pages"] == sum(d.page_count or 0 for d in docs)
    client.close()
