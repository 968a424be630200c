"""``python -m bench bigscan``: one big scanned PDF on 1 worker vs 2, side by side.

A scan of ``--pages`` image-only pages (96 by default) is processed by the real command
line (``docbatch run FILE --workers N --json``, embedded: private Redis, local workers,
the parser sandbox on) in three configurations taking turns in every round:

- ``1 worker``: one worker process, which reads every page range itself;
- ``2 workers``: two worker processes sharing the page ranges
  (``DOCBATCH_OCR_RANGE_PAGES``, 16 by default);
- ``2 workers, no ranges``: two processes with ranges turned off
  (``DOCBATCH_OCR_RANGE_PAGES=0``), the behaviour before ranges existed: one process
  reads the whole scan.

For each run it records the document's time from its first claim to its end (the OCR
and the stages after it, without the command's start-up) and the command's total. The
figures are medians over the rounds, and the ratios medians of per-round ratios, so
drift of a shared machine cancels out. The target (issue 23): 2 workers take at most
0.6x the time of 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import REPO_ROOT, summary_row
from bench.startup import _epoch

__all__ = ["CASES", "TARGET_RATIO", "add_arguments", "measure", "run", "scan", "summarize"]

#: 2 workers' time over 1 worker's, at most (issue 23).
TARGET_RATIO = 0.6
#: Case name -> (worker processes, page range size or None for the default).
CASES: dict[str, tuple[int, int | None]] = {
    "1 worker": (1, None),
    "2 workers": (2, None),
    "2 workers, no ranges": (2, 0),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--pages", type=int, default=96, help="pages of the scan")
    parser.add_argument("--range-pages", type=int, default=16, help="DOCBATCH_OCR_RANGE_PAGES")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (each runs every case)")
    parser.add_argument("--dpi", type=int, default=200, help="resolution of the page images")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``bigscan.json`` and ``bigscan.png``."""
    result = measure(args.pages, args.range_pages, args.rounds, args.dpi)
    path = write_results(args.out, "bigscan", result)
    _chart(args.out / "bigscan.png", result)
    for case, figures in result["cases"].items():
        print(f"{case:22} document {figures['document_s']:7.2f} s  "
              f"command {figures['total_s']:7.2f} s")  # fmt: skip
    for name, value in result["ratios"].items():
        print(f"{name}: {value:.3f}")
    print(f"results written to {path}")
    return 0


def scan(pages: int, dpi: int) -> bytes:
    """A scanned filing of ``pages`` dense pages (no text layer)."""
    from bench.synth.documents import scanned_pdf

    sentence = (
        "Page {n}. Deposition of Jane Roe, taken in Boston, Massachusetts on March 3, 2024, "
        "before a notary public. The witness was sworn and answered question {i} as follows."
    )
    return scanned_pdf(
        [" ".join(sentence.format(n=n, i=i) for i in range(8)) for n in range(1, pages + 1)],
        dpi=dpi,
    )


def measure(pages: int, range_pages: int, rounds: int, dpi: int) -> dict[str, Any]:
    """Every case ``rounds`` times, alternating their order; medians and ratios."""
    runs: dict[str, list[dict[str, float]]] = {case: [] for case in CASES}
    with tempfile.TemporaryDirectory(prefix="docbatch-bigscan-") as tmp:
        root = Path(tmp)
        document = root / "scan" / "deposition.pdf"
        document.parent.mkdir()
        document.write_bytes(scan(pages, dpi))
        for index in range(rounds):
            order = list(CASES) if index % 2 == 0 else list(CASES)[::-1]
            for case in order:
                workers, size = CASES[case]
                size = range_pages if size is None else size
                state = root / f"state-{index}-{case.replace(' ', '-').replace(',', '')}"
                runs[case].append(_command(state, document, workers, size, pages))
    cases = {
        case: {m: round(statistics.median(r[m] for r in found), 3) for m in found[0]}
        for case, found in runs.items()
    }
    return {
        "params": {"pages": pages, "range_pages": range_pages, "rounds": rounds, "dpi": dpi},
        "cases": cases,
        "ratios": {
            "2 workers / 1 worker": _ratio(runs["2 workers"], runs["1 worker"]),
            "2 workers, no ranges / 1 worker": _ratio(
                runs["2 workers, no ranges"], runs["1 worker"]
            ),
        },
        "runs": runs,
    }


def _ratio(top: list[dict[str, float]], bottom: list[dict[str, float]]) -> float:
    """The median over rounds of each round's document time ratio."""
    pairs = zip(top, bottom, strict=True)
    return round(statistics.median(t["document_s"] / b["document_s"] for t, b in pairs), 3)


def _command(
    state: Path, document: Path, workers: int, range_pages: int, pages: int
) -> dict[str, float]:
    """Run ``docbatch run`` on the scan once; its times in seconds."""
    command = [sys.executable, "-m", "docbatch.cli.main", "run", str(document), "--json"]
    command += ["--workers", str(workers)]
    env = {
        **os.environ,
        "DOCBATCH_STATE_DIR": str(state),
        "DOCBATCH_OCR_RANGE_PAGES": str(range_pages),
    }
    for name in ("DOCBATCH_DATABASE_URL", "DOCBATCH_BROKER_URL", "DOCBATCH_REDIS_URL"):
        env.pop(name, None)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    total = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"docbatch run failed ({done.returncode}): {done.stderr[-800:]!r}")
    claimed, finished, ocr_pages = _document_times(state / "docbatch.db")
    if ocr_pages != pages:
        raise RuntimeError(f"the scan completed with {ocr_pages} OCR pages, not {pages}")
    return {"document_s": round(finished - claimed, 4), "total_s": round(total, 4)}


def _document_times(database: Path) -> tuple[float, float, int]:
    """Epoch seconds of the scan's first claim and end, and its OCR'd pages."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        started, finished, ocr_pages = connection.execute(
            "SELECT started_at, finished_at, ocr_pages FROM documents"
        ).fetchone()
    return _epoch(started), _epoch(finished), int(ocr_pages or 0)


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    cases, ratio = result["cases"], result["ratios"]["2 workers / 1 worker"]
    pages = result["params"]["pages"]
    return [
        summary_row(
            f"{pages}-page scan, 2 workers / 1 worker (document time)",
            f"{cases['2 workers']['document_s']:.1f} s / {cases['1 worker']['document_s']:.1f} s "
            f"({ratio:.2f}x)",
            f"≤ {TARGET_RATIO}x (issue 23)",
            ratio <= TARGET_RATIO,
        )
    ]


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = [
        Bar(case, figures["document_s"], f"{figures['document_s']:.1f} s", colour=index)
        for index, (case, figures) in enumerate(result["cases"].items())
    ]
    pages = result["params"]["pages"]
    ratio = result["ratios"]["2 workers / 1 worker"]
    bar_chart(
        path,
        f"A {pages}-page scan: seconds from its first claim to done",
        bars,
        note=f"2 workers / 1 worker: {ratio:.2f}x (target: at most {TARGET_RATIO}x)",
    )
