"""``python -m bench startup``: how long ``docbatch run`` takes to start, embedded vs inline.

Each round runs the real command line (``docbatch run ... --json`` in a fresh interpreter)
four times, alternating which mode goes first: one document in a state folder that
already holds a database (a user's second run), and the sample folder (``samples/``) in a
new state folder (the README's Quick start, migrations included), each ``--inline`` and
embedded (private Redis, local workers). For every run it records, from the moment the
command was started:

- **time to first document**: until the first document was claimed (its ``started_at``
  in the database), i.e. until processing began;
- **first document done**: until the first document reached its final state;
- **total**: until the command exited (workers and Redis stopped, summary printed).

The figures are medians over the rounds, and the embedded / inline ratios are the
medians of the per-round ratios, so drift of a shared machine cancels out. The target
(issue 23): embedded time to first document within 1.5x of ``--inline``'s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import REPO_ROOT, summary_row

__all__ = ["add_arguments", "measure", "run", "summarize"]

#: Embedded time to first document, as a multiple of ``--inline``'s (issue 23).
TARGET_RATIO = 1.5
MODES = ("inline", "embedded")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--rounds", type=int, default=5, help="rounds (each runs every case)")
    parser.add_argument("--workers", type=int, default=2, help="embedded worker processes")
    parser.add_argument(
        "--document", type=Path, default=REPO_ROOT / "samples" / "memo.txt",
        help="the one-document case",
    )  # fmt: skip
    parser.add_argument(
        "--samples", type=Path, default=REPO_ROOT / "samples", help="the folder case"
    )
    parser.add_argument(
        "--before", type=Path, default=None, metavar="SRC",
        help="also run the code in SRC (a src/ folder of another commit) in the same rounds",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``startup.json`` and ``startup.png``."""
    result = measure(args.rounds, args.workers, args.document, args.samples, args.before)
    path = write_results(args.out, "startup", result)
    _chart(args.out / "startup.png", result)
    for case, figures in result["cases"].items():
        for metric in ("first_claim_s", "first_done_s", "total_s"):
            inline, embedded = figures["inline"][metric], figures["embedded"][metric]
            ratio = figures["ratio"][metric]
            before = "".join(
                f"  {mode} {figures[mode][metric]:6.2f} s"
                for mode in figures
                if mode.endswith("@before")
            )
            print(f"{case:8} {metric:14} inline {inline:6.2f} s  embedded {embedded:6.2f} s  "
                  f"ratio {ratio:.2f}{before}")  # fmt: skip
    print(f"results written to {path}")
    return 0


def measure(
    rounds: int, workers: int, document: Path, samples: Path, before: Path | None = None
) -> dict[str, Any]:
    """Every case ``rounds`` times, alternating the modes' order; medians and ratios.

    With ``before`` (another commit's ``src/`` folder), its inline and embedded runs
    (``inline@before``, ``embedded@before``) take turns in the same rounds.
    """
    modes = [*MODES, *((f"{m}@before" for m in MODES) if before else ())]
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        "document": {mode: [] for mode in modes},
        "samples": {mode: [] for mode in modes},
    }
    with tempfile.TemporaryDirectory(prefix="docbatch-startup-") as tmp:
        root = Path(tmp)
        for mode in modes:  # the one-document case runs where a database already is
            _command(root / f"document-{mode}", mode, workers, document, before)
        for index in range(rounds):
            order = modes if index % 2 == 0 else modes[::-1]
            for mode in order:
                runs["document"][mode].append(
                    _command(root / f"document-{mode}", mode, workers, document, before)
                )
            for mode in order:
                state = root / f"samples-{mode}-{index}"
                runs["samples"][mode].append(_command(state, mode, workers, samples, before))
                shutil.rmtree(state, ignore_errors=True)
    return {
        "params": {
            "before": str(before) if before else None,
            "rounds": rounds,
            "workers": workers,
            "document": str(document),
            "samples": str(samples),
        },
        "cases": {case: _figures(by_mode) for case, by_mode in runs.items()},
        "runs": runs,
    }


def _command(
    state: Path, mode: str, workers: int, path: Path, before: Path | None = None
) -> dict[str, float]:
    """Run ``docbatch run`` once in ``state``; the times from its start, in seconds."""
    command = [sys.executable, "-m", "docbatch.cli.main", "run", str(path), "--json"]
    command += ["--inline"] if mode.startswith("inline") else ["--workers", str(workers)]
    env = {**os.environ, "DOCBATCH_STATE_DIR": str(state)}
    if mode.endswith("@before") and before is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(before), env.get("PYTHONPATH")]))
    for name in ("DOCBATCH_DATABASE_URL", "DOCBATCH_BROKER_URL", "DOCBATCH_REDIS_URL"):
        env.pop(name, None)
    started_wall = time.time()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    total = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise RuntimeError(f"docbatch run failed ({done.returncode}): {done.stderr[-800:]!r}")
    first_claim, first_done = _first_times(state / "docbatch.db")
    return {
        "first_claim_s": round(first_claim - started_wall, 4),
        "first_done_s": round(first_done - started_wall, 4),
        "total_s": round(total, 4),
    }


def _first_times(database: Path) -> tuple[float, float]:
    """Epoch seconds of the newest batch's first claim and first terminal document."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        batch = connection.execute(
            "SELECT id FROM batches ORDER BY created_at DESC LIMIT 1"
        ).fetchone()[0]
        started, finished = connection.execute(
            "SELECT min(started_at), min(finished_at) FROM documents WHERE batch_id = ?",
            (batch,),
        ).fetchone()
    return _epoch(started), _epoch(finished)


def _epoch(value: str) -> float:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # stored as naive UTC on SQLite
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _figures(by_mode: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    metrics = list(by_mode["inline"][0].keys())
    figures: dict[str, Any] = {
        mode: {m: round(statistics.median(r[m] for r in runs), 3) for m in metrics}
        for mode, runs in by_mode.items()
    }
    figures["ratio"] = _ratios(by_mode["embedded"], by_mode["inline"], metrics)
    if "embedded@before" in by_mode:
        figures["ratio@before"] = _ratios(by_mode["embedded@before"], by_mode["inline@before"],
                                          metrics)  # fmt: skip
        figures["embedded_now_over_before"] = _ratios(
            by_mode["embedded"], by_mode["embedded@before"], metrics
        )
    return figures


def _ratios(
    top: list[dict[str, float]], bottom: list[dict[str, float]], metrics: list[str]
) -> dict[str, float]:
    """The median over rounds of each round's ``top / bottom``, per metric."""
    pairs = list(zip(top, bottom, strict=True))
    return {m: round(statistics.median(t[m] / b[m] for t, b in pairs), 3) for m in metrics}


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    document, samples = result["cases"]["document"], result["cases"]["samples"]
    ratio = document["ratio"]["first_claim_s"]
    return [
        summary_row(
            "time to first document, one document: embedded / --inline",
            f"{document['embedded']['first_claim_s']:.2f} s / "
            f"{document['inline']['first_claim_s']:.2f} s ({ratio:.2f}x)",
            f"≤ {TARGET_RATIO}x (issue 23)",
            ratio <= TARGET_RATIO,
        ),
        summary_row(
            "docbatch run samples/ (first run): embedded / --inline",
            f"{samples['embedded']['total_s']:.2f} s / {samples['inline']['total_s']:.2f} s "
            f"({samples['ratio']['total_s']:.2f}x)",
        ),
    ]


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars: list[Bar] = []
    labels = {"first_claim_s": "first document started", "first_done_s": "first done",
              "total_s": "command total"}  # fmt: skip
    for group, (case, figures) in enumerate(result["cases"].items()):
        for metric, label in labels.items():
            for mode in MODES:
                value = figures[mode][metric]
                section = (
                    f"{case}: seconds from the command's start"
                    if not bars or (metric == "first_claim_s" and mode == "inline")
                    else ""
                )
                bars.append(Bar(f"{label}, {mode}", value, f"{value:.2f} s", group,
                                section=section))  # fmt: skip
    ratio = result["cases"]["document"]["ratio"]["first_claim_s"]
    note = f"one document: embedded time to first document = {ratio:.2f}x --inline's (medians)"
    bar_chart(path, "startup: docbatch run, embedded vs --inline", bars, note=note)
