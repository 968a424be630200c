"""Chaos: Ctrl-C of ``docbatch run`` while scans are being OCR'd, then ``--resume``.

Issue 18 saw 2 of 170 documents end ``worker_lost`` this way: the re-sent document went
through extract's hand-off to OCR again and spent a second attempt. Every document must
complete, the interrupted OCR one included, on the embedded default (SQLite, private
Redis, sandboxed parsers).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docbatch.client import Docbatch
from docbatch.settings import Settings
from tests.integration.engine_support import make_corpus

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOCUMENTS = 12


def _ocr_in_progress(db: Path) -> list[str]:
    """Documents an OCR step holds right now, read without disturbing the run."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            rows = conn.execute(
                "SELECT id FROM documents WHERE state = 'processing' AND needs_ocr = 1 "
                "AND stage = 'extract' AND lease_owner IS NOT NULL"
            ).fetchall()
    except sqlite3.OperationalError:  # not migrated yet, or briefly locked
        return []
    return [row[0] for row in rows]


def test_sigint_during_ocr_then_resume_completes_every_document(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", DOCUMENTS, seed=4, mix={"pdf": 0.5, "scan": 0.5})
    env = {**os.environ, "DOCBATCH_STATE_DIR": str(settings.state_dir), "COLUMNS": "300"}
    cli = [sys.executable, "-m", "docbatch.cli.main", "run"]
    run = subprocess.Popen(
        [*cli, str(corpus), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (held := _ocr_in_progress(settings.sqlite_path)):
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
        assert time.monotonic() < deadline, "no OCR step started in 120 s"
        time.sleep(0.05)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err[-2000:]
    batch_id = err.split("--resume", 1)[1].split()[0]

    client = Docbatch(settings)
    try:
        interrupted = client.get_batch(batch_id)
        assert not interrupted.state.terminal
        resumed = subprocess.run(
            [*cli, "--resume", batch_id, "--json", "--workers", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        summary = json.loads(resumed.stdout)
        batch = client.get_batch(batch_id)
        victim = client.repo.documents.get(held[0])
        failed = client.repo.documents.of_batch(batch_id, state="failed")
    finally:
        client.close()

    assert (summary["total"], summary["completed"], summary["failed"]) == (DOCUMENTS, DOCUMENTS, 0)
    assert [(d.id, d.error_category, d.error_reason) for d in failed] == []
    assert batch.finalized_count == 1
    assert (victim.state.value, victim.error_category) == ("completed", None)
    assert (victim.ocr_pages or 0) > 0
