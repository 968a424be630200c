"""``python -m bench growth``: the entities stage's time against the length of the text.

For generated legal prose of ``--sizes`` characters (one document each), times
:func:`docbatch.pipeline.entities.extract_mentions`'s extraction step (windows included)
and reports the ratio of each time to the one before: doubling the text should at most
about double the time. eyecite alone looks for references to each citation in all the
text after it, so one pass over 1 MB took 73 s and 2 MB 385 s before the stage read long
texts in windows. Exits 1 when a doubling costs more than ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench import write_results
from bench.harness import summary_row
from bench.synth.prose import generate_prose
from docbatch.pipeline.entities import DefaultExtractor, extract_in_windows

__all__ = ["add_arguments", "run", "summarize"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--sizes", default="250000,500000,1000000,2000000", help="characters")
    parser.add_argument("--max-ratio", type=float, default=2.2, help="per doubling")
    parser.add_argument("--out", default=None, help="results folder")


def run(args: argparse.Namespace) -> int:
    """Time each size; write ``growth.json``; 1 when a doubling costs over the cap."""
    from pathlib import Path

    from bench import DEFAULT_OUT

    prose = "\n\n".join(generate_prose(7, pages=60).pages)
    extractor = DefaultExtractor()
    extractor.extract(prose[:5000])  # warm-up: imports, eyecite's tables, regex caches
    rows: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        text = (prose * (size // len(prose) + 1))[:size]
        started = time.perf_counter()
        found = extract_in_windows(extractor, text)
        seconds = time.perf_counter() - started
        ratio = seconds / rows[-1]["seconds"] if rows else None
        rows.append({"chars": size, "seconds": round(seconds, 3), "mentions": len(found),
                     "ratio_to_previous": None if ratio is None else round(ratio, 3)})  # fmt: skip
        print(f"{size:>10,} chars: {seconds:7.2f} s, {len(found):,} mentions"
              + ("" if ratio is None else f", x{ratio:.2f} the previous"))  # fmt: skip
    worst = max((r["ratio_to_previous"] for r in rows[1:]), default=0.0)
    result = {"params": {"sizes": args.sizes, "max_ratio": args.max_ratio}, "runs": rows,
              "worst_ratio": worst}  # fmt: skip
    path = write_results(Path(args.out) if args.out else DEFAULT_OUT, "growth", result)
    print(f"worst ratio per doubling {worst:.2f} (cap {args.max_ratio}); written to {path}")
    return 0 if worst <= args.max_ratio else 1


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline row of this scenario for ``bench all``'s summary table."""
    worst = result["worst_ratio"]
    return [summary_row("entities stage: time ratio when the text doubles (worst)",
                        f"{worst:.2f}x", "≤ 2.2x (issue 19)", worst <= 2.2)]  # fmt: skip
