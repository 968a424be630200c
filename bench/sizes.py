"""``python -m bench sizes``: throughput and batch initialisation at growing batch sizes.

For each size a corpus is generated, then submitted to a fresh private cluster: the
batch initialisation (validate the manifest + commit the batch and its documents +
enqueue the first messages, i.e. around ``Sources.from_args``, ``client.create`` and
``client.enqueue``) is timed, and for sizes up to ``--process-max`` the batch is run to
its end for the throughput. Larger sizes are only initialised, with no worker running,
so the figure is the submitter's alone; their corpus is one-page text files, since
initialisation only lists and stats the files.

Targets: the specification's "< 10 s batch initialisation" and issue 7's "10,000
documents initialised in < 2 s"; "support for 1000+ document batches".
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import Cluster, add_common_arguments, make_corpus, summary_row

__all__ = ["add_arguments", "measure", "run", "summarize"]

#: The corpus of sizes that are only initialised: one-page text files.
TINY = {"txt": 1.0}
#: Issue 7's target for initialising 10,000 documents, in seconds.
TARGET_INIT_10K_S = 2.0
#: The specification's target for initialising any batch, in seconds.
TARGET_INIT_S = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated batch sizes")
    parser.add_argument(
        "--process-max", type=int, default=1000, help="run batches up to this size to the end"
    )
    add_common_arguments(parser, max_pages=2, workers=2, warmup=16)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``sizes.json`` and ``sizes.png``."""
    sizes = [int(size) for size in args.sizes.split(",") if size]
    if not sizes or min(sizes) < 1:
        raise SystemExit("--sizes needs positive integers")
    result = measure(sizes, args.process_max, args.max_pages, args.workers, args.warmup, args.seed)
    path = write_results(args.out, "sizes", result)
    _chart(args.out / "sizes.png", result)
    for row in result["sizes"]:
        rate = f"{row['docs_per_second']:.2f} docs/s" if row["processed"] else "not processed"
        print(f"{row['docs']:>7} docs: init {row['init_s']:.3f} s, {rate}")
    print(f"results written to {path}")
    return 0


def measure(
    sizes: list[int], process_max: int, max_pages: int, workers: int, warmup: int, seed: int
) -> dict[str, Any]:
    """Initialise (and, up to ``process_max``, run) one batch of each size."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        root = Path(tmp)
        for size in sorted(sizes):
            process = size <= process_max
            # Initialisation never reads a document, so init-only sizes use tiny text files.
            shape = {"pages": (1, max_pages)} if process else {"pages": (1, 1), "mix": TINY}
            corpus = make_corpus(root / f"corpus-{size}", size, seed=seed, **shape)
            with Cluster(
                root / f"cluster-{size}",
                workers if process else 0,
                warmup_docs=warmup if process else 0,
            ) as cluster:
                timing = cluster.run_batch(corpus) if process else cluster.init_batch(corpus)
            row = timing.to_dict()
            row.update(processed=process, corpus_pages=corpus.pages, generate_s=corpus.seconds)
            if process:
                row["process_docs_per_second"] = round(size / timing.process_s, 3)
                row["pages_per_second"] = round(timing.pages / timing.total_s, 3)
            rows.append(row)
    return {
        "params": {
            "sizes": sorted(sizes),
            "process_max": process_max,
            "max_pages": max_pages,
            "workers": workers,
            "warmup": warmup,
            "seed": seed,
        },
        "sizes": rows,
    }


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    out = []
    for row in result["sizes"]:
        docs = row["docs"]
        big = docs >= 10_000
        target = "< 2 s (issue 7)" if big else "< 10 s (spec)"
        limit = TARGET_INIT_10K_S if big else TARGET_INIT_S
        met = row["init_s"] < limit
        out.append(summary_row(f"batch initialisation, {docs:,} documents",
                               f"{row['init_s']:.2f} s", target, met))  # fmt: skip
        if row["processed"]:
            ok = row["completed"] == docs
            out.append(summary_row(f"throughput, {docs:,} documents, "
                                   f"{result['params']['workers']} workers",
                                   f"{row['docs_per_second']:.1f} docs/s",
                                   "all complete (1000+ supported)" if docs >= 1000 else "-",
                                   ok if docs >= 1000 else None))  # fmt: skip
    return out


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = []
    for index, row in enumerate(result["sizes"]):
        bars.append(Bar(f"{row['docs']:,} docs", row["init_s"], f"{row['init_s']:.2f} s", 0,
                        section="batch initialisation (validate + commit + enqueue)"
                        if index == 0 else ""))  # fmt: skip
    processed = [row for row in result["sizes"] if row["processed"]]
    for index, row in enumerate(processed):
        bars.append(Bar(f"{row['docs']:,} docs", row["docs_per_second"],
                        f"{row['docs_per_second']:.1f} docs/s", 2,
                        section="throughput, end to end" if index == 0 else ""))  # fmt: skip
    bar_chart(path, "sizes: initialisation and throughput by batch size", bars)
