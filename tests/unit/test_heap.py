"""The garbage collector settings of long-running processes (docbatch.heap).

Each check runs in a fresh interpreter: freezing the heap of the test process would
keep every object it holds now alive for the rest of the session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from docbatch.heap import YOUNG_THRESHOLD

_REPORT = "import gc, json; print(json.dumps([gc.get_freeze_count(), gc.get_threshold()]))"


def _run(code: str, tmp_path: Path) -> tuple[int, list[int]]:
    # The app is only built, never connected: any broker URL will do.
    env = dict(
        os.environ,
        DOCBATCH_STATE_DIR=str(tmp_path / "state"),
        DOCBATCH_BROKER_URL="redis://127.0.0.1:1/0",
    )
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_REPORT}"],
        capture_output=True, text=True, check=True, env=env, timeout=120,
    )  # fmt: skip
    frozen, thresholds = json.loads(done.stdout.strip().splitlines()[-1])
    return frozen, thresholds


def test_settle_heap_freezes_what_is_alive_and_collects_the_young_less_often(
    tmp_path: Path,
) -> None:
    frozen, thresholds = _run("from docbatch.heap import settle_heap; settle_heap()", tmp_path)

    assert frozen > 1_000  # the modules imported so far, at least
    assert thresholds[0] == YOUNG_THRESHOLD
    assert thresholds[1:] == [20, 20]


def test_a_worker_pool_process_settles_its_heap_as_it_starts(tmp_path: Path) -> None:
    # What Celery does in each pool process it starts.
    start = (
        "from celery.signals import worker_process_init\n"
        "import docbatch.worker.main\n"
        "worker_process_init.send(sender=None)"
    )
    untouched = _run("import docbatch.worker.main", tmp_path)

    assert untouched == (0, [700, 10, 10])  # importing the app changes nothing
    frozen, thresholds = _run(start, tmp_path)
    assert frozen > 10_000 and thresholds[0] == YOUNG_THRESHOLD
