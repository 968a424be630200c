"""``python -m bench search``: what the full-text index costs and how fast it answers.

Two measurements, on SQLite and (when reachable) PostgreSQL:

- **Index cost.** After a warm-up run, the same text-PDF corpus runs ``--inline`` twice
  per round (alternating which goes first), once with
  the search index as migrated and once with it switched off (the FTS5 triggers dropped
  on SQLite, the generated ``tsvector`` column dropped on PostgreSQL). The index's share
  is ``(indexed - unindexed) / indexed``, the median of the paired rounds.
- **Query latency.** ``--pages`` pages of generated legal prose (10,000 by default) are
  written straight into a fresh database, indexed by it as a run would index them, and a
  fixed mix of queries (words, phrases, prefixes, OR, NOT, a batch filter) runs
  ``--repeat`` times each; the scenario reports the median, p95 and max latency.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.harness import (
    add_common_arguments,
    bench_settings,
    fresh_postgres_database,
    make_corpus,
    manifest_sources,
    postgres_unreachable,
    summary_row,
)
from bench.synth.corpus import CorpusManifest
from bench.synth.prose import generate_prose
from docbatch.client import Docbatch
from docbatch.local.runner import run_inline
from docbatch.search_query import parse_query
from docbatch.store.schema import Base
from docbatch.store.search import SearchFilters, SearchIndex

__all__ = ["QUERIES", "add_arguments", "run", "summarize"]

#: The query mix, in the CLI's syntax, over the generated prose's vocabulary: broad words
#: (on most pages), names, phrases, prefixes and operators, and words no page has.
QUERIES = (
    "motion",
    "magistrate judge",
    '"de novo"',
    '"Alice Nguyen"',
    "Gar*",
    "Northwind Patel",
    "Granite OR Redwood",
    "breached NOT stipulation",
    "Iverson",
    '"summary judgment"',
)
_OFF = {
    "sqlite": (
        "DROP TRIGGER pages_fts_insert",
        "DROP TRIGGER pages_fts_delete",
        "DROP TRIGGER pages_fts_update",
    ),
    "postgresql": ("DROP INDEX ix_pages_search", "ALTER TABLE pages DROP COLUMN search"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    add_common_arguments(parser, docs=60, max_pages=4)
    parser.add_argument("--pages", type=int, default=10_000, help="pages to query")
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds of index cost")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query")


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``search.json`` and ``search.png``."""
    result: dict[str, Any] = {
        "params": {
            "docs": args.docs, "max_pages": args.max_pages, "pages": args.pages,
            "rounds": args.rounds, "repeat": args.repeat, "seed": args.seed,
        },
        "databases": {},
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-search-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", args.docs, seed=args.seed,
                             pages=(1, args.max_pages), mix={"pdf": 1.0})  # fmt: skip
        result["databases"]["sqlite"] = _measure(root, corpus, args, None)
        unreachable = postgres_unreachable()
        if unreachable:
            result["databases"]["postgresql"] = {"skipped": unreachable}
        else:
            result["databases"]["postgresql"] = _measure(root, corpus, args, "postgresql")
    path = write_results(args.out, "search", result)
    _chart(args.out / "search.png", result)
    for name, row in result["databases"].items():
        if "skipped" in row:
            print(f"{name}: skipped ({row['skipped']})")
            continue
        print(f"{name}: index {row['index_share_pct']:.1f} % of a run; {row['pages']} pages: "
              f"median {row['median_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms")  # fmt: skip
    print(f"results written to {path}")
    return 0


def _measure(
    root: Path, corpus: CorpusManifest, args: argparse.Namespace, dialect: str | None
) -> dict[str, Any]:
    shares, indexed_s, plain_s = [], [], []
    _timed_run(root / f"{dialect}-warm-up", corpus, dialect, index=True)  # imports, caches
    for round_ in range(args.rounds):
        # Alternate which variant runs first, so drift within a round cancels out.
        order = (True, False) if round_ % 2 == 0 else (False, True)
        times = {
            index: _timed_run(root / f"{dialect}-{round_}-{index}", corpus, dialect, index=index)
            for index in order
        }
        with_index, without = times[True], times[False]
        indexed_s.append(with_index)
        plain_s.append(without)
        shares.append((with_index - without) / with_index)
    latency = _latencies(root / f"{dialect}-latency", args, dialect)
    return {
        "runs_indexed_s": [round(t, 3) for t in indexed_s],
        "runs_unindexed_s": [round(t, 3) for t in plain_s],
        "index_share_pct": round(100 * statistics.median(shares), 2),
        **latency,
    }


def _client(state: Path, dialect: str | None, url: str | None) -> Docbatch:
    changes = {"database_url": url} if dialect else {}
    return Docbatch(bench_settings(state, sandbox=False, **changes))


def _timed_run(state: Path, corpus: CorpusManifest, dialect: str | None, *, index: bool) -> float:
    with _database(dialect) as url:
        client = _client(state, dialect, url)
        try:
            if not index:
                with client.database.engine.begin() as connection:
                    for statement in _OFF[client.database.dialect]:
                        connection.exec_driver_sql(statement)
            else:
                client.repo  # noqa: B018 - migrate outside the timed run
            started = time.perf_counter()
            run_inline(client, manifest_sources(corpus))
            return time.perf_counter() - started
        finally:
            client.close()


def _latencies(state: Path, args: argparse.Namespace, dialect: str | None) -> dict[str, Any]:
    with _database(dialect) as url:
        client = _client(state, dialect, url)
        try:
            batch_id = _fill(client, args.pages, args.seed)
            index = SearchIndex(client.database)
            timings: list[float] = []
            hits: dict[str, int] = {}
            for text in QUERIES:
                query = parse_query(text)
                for filters in (SearchFilters(), SearchFilters(batch_id=batch_id)):
                    for _ in range(args.repeat):
                        started = time.perf_counter()
                        found = index.search(query, filters, limit=20)
                        timings.append(time.perf_counter() - started)
                    hits[text] = len(found)
        finally:
            client.close()
    timings.sort()
    return {
        "pages": args.pages,
        "queries": len(timings),
        "median_ms": round(1000 * statistics.median(timings), 2),
        "p95_ms": round(1000 * timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(1000 * timings[-1], 2),
        "hits_per_query": hits,
    }


def _fill(client: Docbatch, pages: int, seed: int) -> str:
    """``pages`` pages of prose in documents of 10 pages, written as the engine writes."""
    repo = client.repo
    project = repo.batches.ensure_project("bench-search")
    batch_id = str(uuid.uuid4())
    tables = Base.metadata.tables
    now = sa.func.now() if client.database.dialect != "sqlite" else sa.func.current_timestamp()
    with client.database.engine.begin() as connection:
        connection.execute(
            sa.insert(tables["batches"]).values(
                id=batch_id, project_id=project, state="completed", priority="normal",
                total=pages // 10, options={}, created_at=now,
            )
        )  # fmt: skip
        for start in range(0, pages, 10):
            document_id = str(uuid.uuid4())
            prose = generate_prose(seed + start, pages=10)
            connection.execute(
                sa.insert(tables["documents"]).values(
                    id=document_id, batch_id=batch_id, project_id=project,
                    path=f"/bench/doc-{start // 10:05d}.pdf", size_bytes=1, metadata={},
                    state="completed", stage="relate", created_at=now, updated_at=now,
                    mime="application/pdf",
                )
            )  # fmt: skip
            connection.execute(
                sa.insert(tables["pages"]),
                [{"document_id": document_id, "number": n + 1, "text": text, "ocr": False}
                 for n, text in enumerate(prose.pages)],
            )  # fmt: skip
    return batch_id


class _database:
    """A fresh PostgreSQL database for ``postgresql``, nothing for SQLite (the state dir's)."""

    def __init__(self, dialect: str | None) -> None:
        self.dialect = dialect
        self._context: Any = None

    def __enter__(self) -> str | None:
        if self.dialect is None:
            return None
        self._context = fresh_postgres_database()
        return str(self._context.__enter__())

    def __exit__(self, *exc: object) -> None:
        if self._context is not None:
            self._context.__exit__(*exc)


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    rows = []
    for name, row in result["databases"].items():
        if "skipped" in row:
            continue
        share = row["index_share_pct"]
        rows.append(summary_row(f"search index cost, share of an inline run ({name})",
                                f"{share:.1f} %", "≤ 10 % (issue 21)", share <= 10))  # fmt: skip
        median = row["median_ms"]
        rows.append(summary_row(f"search query median on {row['pages']:,} pages ({name})",
                                f"{median:.1f} ms (p95 {row['p95_ms']:.1f} ms)",
                                "< 50 ms (issue 21)", median < 50))  # fmt: skip
    return rows


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars: list[Bar] = []
    for index, (name, row) in enumerate(result["databases"].items()):
        if "skipped" in row:
            continue
        bars.append(Bar(f"{name} median", row["median_ms"], f"{row['median_ms']:.1f} ms", index,
                        section="query latency" if not bars else ""))  # fmt: skip
        bars.append(Bar(f"{name} p95", row["p95_ms"], f"{row['p95_ms']:.1f} ms", index))
    bar_chart(path, "search: query latency on generated pages", bars)
