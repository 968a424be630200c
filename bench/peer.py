"""``python -m bench peer``: a plain script with the usual tools vs docbatch.

The peer is what one would write without docbatch: for every PDF, pdfminer.six's
``extract_text`` and eyecite's ``get_citations`` with its default tokenizer, in one
process, results kept in memory. It does less than docbatch (citations only; no OCR
fallback, chunks, other entity types, resolution, relationships or storage), so its
documents per second are an upper bound for such a script. The corpus is text PDFs
only, which pdfminer.six reads. docbatch runs the same corpus embedded (private Redis,
``--workers`` worker processes) and inline (one process, SQLite, no Celery).

pdfminer.six is a bench-only dependency: ``pip install -e '.[bench]'``.

Also recorded: ``unstructured`` was considered as a second peer and not installed; see
:data:`UNSTRUCTURED_FINDING`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import (
    Cluster,
    add_common_arguments,
    bench_settings,
    make_corpus,
    manifest_sources,
    summary_row,
)
from bench.synth.corpus import CorpusManifest
from docbatch.client import Docbatch
from docbatch.local.runner import run_inline

__all__ = ["UNSTRUCTURED_FINDING", "add_arguments", "measure", "peer_script", "run", "summarize"]

#: Why ``unstructured`` is not a peer here (recorded in the results).
UNSTRUCTURED_FINDING = (
    "unstructured is not a measured peer: per the earlier finding recorded in issue 7, "
    "installing it with its PDF support takes about 7 GB and partition_pdf(strategy='fast') "
    "returns no elements offline; it was not installed or re-measured for this harness"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    add_common_arguments(parser, docs=100, max_pages=3, workers=2, warmup=16)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``peer.json`` and ``peer.png``."""
    result = measure(args.docs, args.max_pages, args.workers, args.warmup, args.seed)
    path = write_results(args.out, "peer", result)
    _chart(args.out / "peer.png", result)
    for name, row in result["runs"].items():
        print(f"{name:<20} {row['seconds']:>8.2f} s  {row['docs_per_second']:>8.2f} docs/s")
    print(f"results written to {path}")
    return 0


def peer_script(paths: list[Path]) -> tuple[float, int]:
    """The peer: pdfminer.six text + eyecite citations per PDF; (seconds, citations)."""
    try:
        from pdfminer.high_level import extract_text
    except ImportError as exc:
        raise SystemExit("the peer needs pdfminer.six: pip install -e '.[bench]'") from exc
    from eyecite import get_citations

    get_citations(extract_text(str(paths[0])))  # warm-up, as for docbatch
    found = 0
    started = time.perf_counter()
    for path in paths:
        found += len(get_citations(extract_text(str(path))))
    return time.perf_counter() - started, found


def measure(docs: int, max_pages: int, workers: int, warmup: int, seed: int) -> dict[str, Any]:
    """Time the peer script, docbatch embedded and docbatch inline on one PDF corpus."""
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", docs, seed=seed, pages=(1, max_pages),
                             mix={"pdf": 1.0})  # fmt: skip
        paths = [source.path for source in manifest_sources(corpus).documents]
        peer_s, citations = peer_script(paths)
        with Cluster(root / "embedded", workers, warmup_docs=warmup) as cluster:
            embedded_s = cluster.run_batch(corpus).total_s
        inline_s = _inline(root / "inline", corpus)
    runs = {
        "peer (pdfminer+eyecite)": {"seconds": peer_s, "citations": citations},
        f"docbatch embedded x{workers}": {"seconds": embedded_s},
        "docbatch inline": {"seconds": inline_s},
    }
    for row in runs.values():
        row["docs_per_second"] = round(docs / row["seconds"], 3)
        row["seconds"] = round(row["seconds"], 3)
    return {
        "params": {
            "docs": docs,
            "max_pages": max_pages,
            "workers": workers,
            "warmup": warmup,
            "seed": seed,
        },
        "corpus": {"docs": corpus.count, "pages": corpus.pages, "formats": dict(corpus.formats)},
        "runs": runs,
        "embedded_over_peer": round(peer_s / embedded_s, 3),
        "inline_over_peer": round(peer_s / inline_s, 3),
        "peer_does": "text + citations only; no OCR, chunks, other entities, graph or storage",
        "unstructured": UNSTRUCTURED_FINDING,
    }


def _inline(root: Path, corpus: CorpusManifest) -> float:
    client = Docbatch(bench_settings(root / "state"))
    try:
        client.repo  # noqa: B018 - migrate the database outside the timed run
        started = time.perf_counter()
        run_inline(client, manifest_sources(corpus))
        return time.perf_counter() - started
    finally:
        client.close()


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    workers = result["params"]["workers"]
    return [
        summary_row(f"docs/s, docbatch embedded x{workers} / peer script",
                    f"{result['embedded_over_peer']:.2f}x"),
        summary_row("docs/s, docbatch inline / peer script", f"{result['inline_over_peer']:.2f}x"),
    ]  # fmt: skip


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = [Bar(name, row["docs_per_second"], f"{row['docs_per_second']:.1f} docs/s", index,
                section="documents per second, same text PDFs" if index == 0 else "")
            for index, (name, row) in enumerate(result["runs"].items())]  # fmt: skip
    note = "the peer extracts citations only; docbatch runs every stage and stores it"
    bar_chart(path, "peer: pdfminer.six + eyecite script vs docbatch", bars, note=note)
