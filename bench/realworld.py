"""``python -m bench realworld [--corpus DIR]``: real documents through the embedded engine.

Every sub-folder of the corpus (default ``../shared/corpus/real`` beside this repository:
``courts/`` with real court filings, ``pdfjs/`` with half of pdf.js's test PDFs) runs as
one batch on a private Redis and ``--workers`` worker processes, with the default
settings (sandbox and real OCR included). The scenario reports, per folder: completion,
failures by category and code, pages per second, the OCR share, low-confidence pages and
the warnings documents carry.

For a folder with pdf.js's ``EXPECTED.json`` it also lists every **unexpected failure**:
a file that pdf.js's own tests open without a password (``eq``, ``text``, ``load``,
``fbf``) and that failed here, a 0-byte file that did not fail as ``empty``, and a file
that needs a password that did not fail as ``encrypted``.
"""

from __future__ import annotations

import argparse
import collections
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import write_results
from bench.harness import REPO_ROOT, Cluster, summary_row, wait_terminal
from docbatch.client import Sources

__all__ = ["DEFAULT_CORPUS", "add_arguments", "run", "summarize", "unexpected_failures"]

#: The team's real-world corpus, beside the repository, when it is there.
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "real"
#: Files of a corpus folder that describe it and are not documents.
_NOT_DOCUMENTS = frozenset({"EXPECTED.json", "README.md"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--only", action="append", default=[], help="run only this sub-folder (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per folder")


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``realworld.json``."""
    corpus: Path = args.corpus
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}: pass --corpus DIR")
    folders = sorted(p for p in corpus.iterdir() if p.is_dir()) or [corpus]
    if args.only:
        folders = [p for p in folders if p.name in args.only]
    result: dict[str, Any] = {"params": {"corpus": str(corpus), "workers": args.workers}}
    result["folders"] = {f.name: measure(f, args.workers, args.timeout) for f in folders}
    path = write_results(args.out, "realworld", result)
    for name, row in result["folders"].items():
        _print(name, row)
    print(f"results written to {path}")
    return 0


def measure(folder: Path, workers: int, timeout: float) -> dict[str, Any]:
    """One folder as one embedded batch: completion, failures, speed, OCR, warnings."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name not in _NOT_DOCUMENTS)
    with (
        tempfile.TemporaryDirectory(prefix="docbatch-realworld-") as tmp,
        Cluster(Path(tmp), workers) as cluster,
    ):
        client = cluster.client
        assert client is not None
        started = time.perf_counter()
        batch = client.create(Sources.from_args(files), project=f"realworld-{folder.name}")
        client.enqueue(batch.id)
        wait_terminal(client, batch.id, timeout)
        seconds = time.perf_counter() - started
        documents = client.repo.documents.of_batch(batch.id, limit=len(files) + 1)
        rows = [_document_row(client.repo, doc) for doc in documents]
    row = _figures(rows, seconds)
    expected = folder / "EXPECTED.json"
    if expected.is_file():
        row["unexpected_failures"] = unexpected_failures(
            rows, json.loads(expected.read_text(encoding="utf-8"))
        )
    return row


def unexpected_failures(
    rows: list[dict[str, Any]], expected: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The documents whose outcome pdf.js's expectations rule out, with their reasons."""
    wrong = []
    for row in rows:
        facts = expected.get(row["name"])
        if facts is None:
            continue
        if facts.get("bytes") == 0:
            allowed = {"empty"}
        elif facts.get("password"):
            allowed = {"encrypted"}
        elif facts.get("pdfjs_tests"):
            allowed = set()
        else:
            continue  # pdf.js's tests do not open it: any clean outcome is fine
        failed = row["state"] == "failed"
        if (failed and row["code"] not in allowed) or (not failed and allowed):
            wrong.append(_failure(row, facts))
    return wrong


def _failure(row: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "state": row["state"],
        "code": row["code"],
        "reason": row["reason"],
        "pdfjs_tests": facts.get("pdfjs_tests", []),
    }


def _document_row(repo: Any, doc: Any) -> dict[str, Any]:
    pages = repo.results.pages(doc.id) if doc.state.value == "completed" else []
    return {
        "name": Path(doc.path).name,
        "state": doc.state.value,
        "category": doc.error_category,
        "code": doc.error_code,
        "reason": doc.error_reason,
        "pages": len(pages),
        "ocr_pages": sum(1 for p in pages if p.ocr),
        "low_confidence_pages": sum(1 for p in pages if p.low_confidence),
        "characters": sum(len(p.text) for p in pages),
        "warnings": list(doc.warnings),
    }


def _figures(rows: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    pages = sum(r["pages"] for r in rows)
    ocr = sum(r["ocr_pages"] for r in rows)
    failures = collections.Counter(
        f"{r['category']}/{r['code']}" for r in rows if r["state"] == "failed"
    )
    warnings = collections.Counter(w for r in rows for w in r["warnings"])
    completed = sum(1 for r in rows if r["state"] == "completed")
    return {
        "documents": len(rows),
        "completed": completed,
        "failed": sum(1 for r in rows if r["state"] == "failed"),
        "completion": round(completed / len(rows), 4) if rows else None,
        "failures": dict(failures.most_common()),
        "failed_documents": [
            {"name": r["name"], "code": r["code"], "reason": r["reason"]}
            for r in rows
            if r["state"] == "failed"
        ],
        "seconds": round(seconds, 2),
        "pages": pages,
        "pages_per_second": round(pages / seconds, 2) if seconds else None,
        "ocr_pages": ocr,
        "ocr_share": round(ocr / pages, 4) if pages else None,
        "low_confidence_pages": sum(r["low_confidence_pages"] for r in rows),
        "warnings": dict(warnings.most_common()),
    }


def _print(name: str, row: dict[str, Any]) -> None:
    print(
        f"{name}: {row['completed']}/{row['documents']} completed, {row['failed']} failed "
        f"{row['failures']}; {row['pages']} pages in {row['seconds']} s "
        f"({row['pages_per_second']} pages/s), OCR {row['ocr_pages']} pages, "
        f"{row['low_confidence_pages']} low-confidence; warnings {row['warnings']}"
    )
    for wrong in row.get("unexpected_failures", []):
        print(f"  unexpected: {wrong['name']} {wrong['state']} {wrong['code']}: {wrong['reason']}")


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table."""
    rows = []
    for name, row in result["folders"].items():
        rows.append(
            summary_row(
                f"real documents, {name}: completed",
                f"{row['completed']}/{row['documents']} ({row['pages_per_second']} pages/s)",
            )
        )
        if "unexpected_failures" in row:
            count = len(row["unexpected_failures"])
            rows.append(
                summary_row(f"real documents, {name}: unexpected failures", str(count), "0",
                            count == 0)
            )  # fmt: skip
    return rows
