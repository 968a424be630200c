"""``python -m bench stages``: pages per second of each pipeline stage, in-process.

A corpus of text PDFs of legal prose is generated in a temporary folder; each stage then
runs over the same documents, timed on its own with :func:`time.perf_counter`: extract
(text layer), chunk, entities, resolve and relate. The input of each stage is the output
of the stage before, computed outside the timed loop. OCR is timed separately per engine
on a few pages of one scanned PDF (rendering included), as it is orders of magnitude
slower than the rest. Every stage first runs once on one document untimed, so loading
models, compiling patterns and filling caches are not counted.

Results go to ``<out>/stages.json`` and a table is printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench import DEFAULT_OUT, write_results
from bench.synth.corpus import build_document, generate_corpus
from docbatch.errors import DocbatchError
from docbatch.models import Chunk, ExtractedDocument, Mention, Resolution
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.extract import extract_text_layer, ocr_pages
from docbatch.pipeline.ocr import OCR_ENGINES, get_ocr_engine
from docbatch.pipeline.options import ChunkOptions, EntityOptions, ExtractOptions
from docbatch.pipeline.relate import relate
from docbatch.pipeline.resolve import resolve
from docbatch.pipeline.sniff import PDF

__all__ = ["StageResult", "add_arguments", "measure_ocr", "measure_stages", "run"]

STAGES = ("extract_text_layer", "ocr", "chunk", "entities", "resolve", "relate")

_In = TypeVar("_In")
_Out = TypeVar("_Out")


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage's timing over a set of documents (or why it was skipped)."""

    stage: str
    documents: int
    pages: int
    seconds: float
    #: What the stage produced in total (pages, chunks, mentions, entities, edges).
    items: int = 0
    engine: str | None = None
    skipped: str | None = None

    @property
    def pages_per_second(self) -> float:
        """Pages processed per second (0 when skipped)."""
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def docs_per_second(self) -> float:
        """Documents processed per second (0 when skipped)."""
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with the rates included."""
        return {
            **asdict(self),
            "pages_per_second": round(self.pages_per_second, 3),
            "docs_per_second": round(self.docs_per_second, 3),
        }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--docs", type=int, default=20, help="documents in the corpus")
    parser.add_argument("--pages", type=int, default=10, help="pages per document")
    parser.add_argument("--ocr-pages", type=int, default=2, help="scanned pages per engine")
    parser.add_argument(
        "--ocr-engines",
        default="all",
        help="comma-separated engine kinds, 'all' (every registered engine) or 'auto'",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")


def run(args: argparse.Namespace) -> int:
    """Run the scenario from parsed arguments; write the JSON and print the table."""
    if args.docs < 1 or args.pages < 1 or args.ocr_pages < 0:
        raise SystemExit("--docs and --pages must be at least 1, --ocr-pages at least 0")
    engines = list(OCR_ENGINES) if args.ocr_engines == "all" else args.ocr_engines.split(",")
    results = measure_stages(args.docs, args.pages, seed=args.seed)
    if args.ocr_pages:
        results += measure_ocr(args.ocr_pages, engines, seed=args.seed)
    results.sort(key=lambda r: STAGES.index(r.stage))  # stable: engines keep their order
    params = {
        "docs": args.docs,
        "pages": args.pages,
        "ocr_pages": args.ocr_pages,
        "ocr_engines": engines,
        "seed": args.seed,
    }
    path = write_results(
        args.out, "stages", {"params": params, "stages": [r.to_dict() for r in results]}
    )
    print(format_table(results))
    print(f"\nresults written to {path}")
    return 0


def measure_stages(docs: int, pages: int, seed: int = 0) -> list[StageResult]:
    """Time every non-OCR stage over ``docs`` generated text PDFs of ``pages`` pages."""
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        corpus = generate_corpus(Path(tmp), docs, seed=seed, mix={"pdf": 1.0}, pages=(pages,) * 2)
        blobs = [path.read_bytes() for path in sorted(corpus.folder.glob("*/doc-*.pdf"))]
    n_pages = docs * pages
    results: list[StageResult] = []

    def timed(name: str, func: Callable[[_In], _Out], inputs: Sequence[_In]) -> list[_Out]:
        result, outputs = _time_stage(name, func, inputs, n_pages)
        results.append(result)
        return outputs

    extract_options = ExtractOptions()
    documents = timed("extract_text_layer", lambda b: _read(b, extract_options), blobs)
    chunk_options = ChunkOptions()
    chunks = timed("chunk", lambda d: chunk_document(d, chunk_options), documents)
    entity_options = EntityOptions()
    mentions = timed(
        "entities",
        lambda dc: extract_mentions(dc[0].text, dc[1], dc[0].page_spans(), entity_options),
        list(zip(documents, chunks, strict=True)),
    )
    resolutions = timed("resolve", resolve, mentions)
    timed("relate", _relate, list(zip(mentions, resolutions, chunks, strict=True)))
    return results


def measure_ocr(pages: int, engines: Sequence[str], seed: int = 0) -> list[StageResult]:
    """Time OCR of ``pages`` pages of one scanned PDF with each engine in ``engines``."""
    scan = build_document(seed, 0, "scan", pages=(pages, pages), max_scan_pages=pages).data
    numbers = tuple(range(1, pages + 1))
    results = []
    for kind in engines:
        options = ExtractOptions(ocr_engine=kind)
        try:
            engine = get_ocr_engine(options)
        except DocbatchError as exc:  # a missing package or language data: say which
            results.append(StageResult("ocr", 0, 0, 0.0, engine=kind, skipped=str(exc)))
            continue
        ocr_pages(scan, PDF, numbers[:1], options, engine)  # warm-up: model load, first run
        started = time.perf_counter()
        read = ocr_pages(scan, PDF, numbers, options, engine)
        seconds = time.perf_counter() - started
        results.append(StageResult("ocr", 1, pages, seconds, items=len(read), engine=engine.name))
    return results


def format_table(results: Sequence[StageResult]) -> str:
    """A plain-text table of the results, one row per stage (and OCR engine)."""
    header = f"{'stage':<20} {'engine':<10} {'docs':>5} {'pages':>6} {'seconds':>9} "
    header += f"{'pages/s':>10} {'docs/s':>9}"
    rows = [header, "-" * len(header)]
    for r in results:
        engine = r.engine or ""
        if r.skipped:
            rows.append(f"{r.stage:<20} {engine:<10} skipped: {r.skipped}")
            continue
        rows.append(
            f"{r.stage:<20} {engine:<10} {r.documents:>5} {r.pages:>6} {r.seconds:>9.3f} "
            f"{r.pages_per_second:>10.1f} {r.docs_per_second:>9.2f}"
        )
    return "\n".join(rows)


def _time_stage(
    name: str, func: Callable[[_In], _Out], inputs: Sequence[_In], pages: int
) -> tuple[StageResult, list[_Out]]:
    func(inputs[0])  # warm-up, not timed: pattern databases, lazy imports, caches
    started = time.perf_counter()
    outputs = [func(item) for item in inputs]
    seconds = time.perf_counter() - started
    items = sum(_size(output) for output in outputs)
    return StageResult(name, len(inputs), pages, seconds, items=items), outputs


def _read(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    document, needs_ocr = extract_text_layer(data, options)
    if needs_ocr:  # a generated text PDF always has a text layer; a miss is a bug
        raise RuntimeError(f"text PDF pages {needs_ocr} were sent to OCR")
    return document


def _relate(item: tuple[tuple[Mention, ...], Resolution, tuple[Chunk, ...]]) -> tuple[Any, ...]:
    mentions, resolution, chunks = item
    return relate(mentions, resolution, chunks)


def _size(output: object) -> int:
    if isinstance(output, ExtractedDocument):
        return len(output.pages)
    if isinstance(output, Resolution):
        return len(output.entities)
    return len(output) if isinstance(output, tuple) else 1
