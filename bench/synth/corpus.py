"""A synthetic corpus on disk: many documents of mixed formats, their ground truth and a manifest.

:func:`generate_corpus` writes ``count`` documents of legal prose
(:func:`~bench.synth.prose.generate_prose`) into ``folder``, as text PDFs, scanned PDFs,
DOCX, HTML and plain text in the shares ``mix`` asks for, named ``NNN/doc-NNNNNN.ext``
(1,000 files per subfolder). Beside them it writes:

- ``truth.jsonl``: one JSON object per document, in id order: ``path``, ``id``,
  ``format``, ``pages`` (prose pages generated) and ``entities``, the sorted
  ``[type, normalised value]`` pairs the text contains;
- ``manifest.json``: docbatch's manifest format, ``{"documents": [{"path", "id"}, ...]}``.

Every document is built from its own seed, derived from the corpus seed and its index,
so the same seed always gives the same bytes whatever the number of worker processes,
and one document can be rebuilt alone (:func:`build_document`). Formats are dealt by a
smooth weighted round robin, so every prefix of the corpus follows the mix to within one
document per format. Files, truth and manifest are streamed to disk: memory stays flat
whatever ``count`` is.

Text PDFs are the bulk of the cost. fpdf2's ``multi_cell`` line breaking costs about
20 ms a page, so the text PDFs here wrap lines with the Helvetica metrics and place each
line with ``FPDF.text``, which is about 60 times faster and reads back the same words.

Run ``python -m bench.synth.corpus OUT --count N --seed S [--mix pdf=0.7,...]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import CORE_FONTS_CHARWIDTHS

from bench.synth import documents
from bench.synth.prose import generate_prose

__all__ = [
    "DEFAULT_MIX",
    "FORMATS",
    "CorpusDocument",
    "CorpusManifest",
    "build_document",
    "fast_text_pdf",
    "generate_corpus",
    "main",
    "parse_mix",
]

#: Format name -> file extension.
FORMATS: Mapping[str, str] = {
    "pdf": "pdf",
    "scan": "pdf",
    "docx": "docx",
    "html": "html",
    "txt": "txt",
}
#: The default share of each format; scans are few because OCR dominates processing time.
DEFAULT_MIX: Mapping[str, float] = {
    "pdf": 0.70,
    "scan": 0.05,
    "docx": 0.10,
    "html": 0.10,
    "txt": 0.05,
}
FILES_PER_FOLDER = 1000
MAX_PAGES = 300
#: Scanned documents are capped at this many pages: each rendered page costs about
#: 0.13 s and 130 KB, so a 300-page scan would dominate a whole corpus.
DEFAULT_MAX_SCAN_PAGES = 20

_FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_HELVETICA = CORE_FONTS_CHARWIDTHS["helvetica"]
_FONT_SIZE = 11.0
_LINE_HEIGHT = 15.0
_MARGIN = 72.0
_PAGE_WIDTH = 612.0
_PARAGRAPHS_PER_PAGE = 4  # four generated paragraphs fill a letter page without overflow
_SCAN_NOISE = 0.005


@dataclasses.dataclass(frozen=True, slots=True)
class CorpusDocument:
    """One generated document: where it goes, its bytes and its ground truth."""

    index: int
    format: str
    path: str
    pages: int
    data: bytes
    entities: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        """The document id used in the manifest, e.g. ``doc-000123``."""
        return _doc_id(self.index)

    def truth(self) -> dict[str, object]:
        """The document's line of ``truth.jsonl``."""
        return {
            "path": self.path,
            "id": self.id,
            "format": self.format,
            "pages": self.pages,
            "entities": [list(pair) for pair in self.entities],
        }


@dataclasses.dataclass(frozen=True, slots=True)
class CorpusManifest:
    """What :func:`generate_corpus` wrote, with totals and the time it took."""

    folder: Path
    manifest_path: Path
    truth_path: Path
    count: int
    seed: int
    formats: Mapping[str, int]
    pages: int
    bytes: int
    seconds: float

    @property
    def docs_per_second(self) -> float:
        """Documents generated per wall-clock second."""
        return self.count / self.seconds if self.seconds > 0 else float("inf")


def parse_mix(text: str) -> dict[str, float]:
    """Parse ``"pdf=0.7,scan=0.05,..."`` into a mix; formats left out get a share of 0."""
    mix: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"mix entry {item!r} is not name=share")
        try:
            mix[name.strip()] = float(value)
        except ValueError as exc:
            raise ValueError(f"mix share {value!r} for {name!r} is not a number") from exc
    return _check_mix(mix)


def build_document(
    seed: int,
    index: int,
    fmt: str,
    pages: tuple[int, int] = (1, 12),
    max_scan_pages: int = DEFAULT_MAX_SCAN_PAGES,
) -> CorpusDocument:
    """Build document ``index`` of the corpus ``seed`` in format ``fmt``, in memory."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    # A string seed is hashed with SHA-512 by random.seed: stable across runs and versions.
    rng = random.Random(f"docbatch-corpus:{seed}:{index}")
    count = rng.randint(*pages)
    if fmt == "scan":
        count = min(count, max_scan_pages)
    prose = generate_prose(
        rng.getrandbits(63), pages=count, paragraphs_per_page=_PARAGRAPHS_PER_PAGE
    )
    data = _render(fmt, prose.pages, rng.getrandbits(32))
    path = f"{index // FILES_PER_FOLDER:03d}/{_doc_id(index)}.{FORMATS[fmt]}"
    return CorpusDocument(
        index=index,
        format=fmt,
        path=path,
        pages=count,
        data=data,
        entities=tuple(sorted(prose.entities)),
    )


def generate_corpus(
    folder: Path,
    count: int,
    seed: int = 0,
    mix: Mapping[str, float] | None = None,
    pages: tuple[int, int] = (1, 12),
    *,
    workers: int = 1,
    max_scan_pages: int = DEFAULT_MAX_SCAN_PAGES,
) -> CorpusManifest:
    """Write ``count`` documents, ``truth.jsonl`` and ``manifest.json`` into ``folder``.

    ``mix`` maps format names (:data:`FORMATS`) to shares, normalised to sum to 1
    (default :data:`DEFAULT_MIX`); ``pages`` is the inclusive range page counts are drawn
    from, at most :data:`MAX_PAGES`. ``workers`` > 1 builds documents in that many
    processes; the output is the same bytes either way.
    """
    _check_args(count, pages, workers)
    shares = _check_mix(dict(mix) if mix is not None else dict(DEFAULT_MIX))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = (
        (folder, seed, index, fmt, pages, max_scan_pages)
        for index, fmt in enumerate(_deal_formats(shares, count))
    )
    started = time.perf_counter()
    totals: dict[str, int] = dict.fromkeys(FORMATS, 0)
    n_pages = n_bytes = 0
    truth_path, manifest_path = folder / "truth.jsonl", folder / "manifest.json"
    with (
        truth_path.open("w", encoding="utf-8") as truth,
        manifest_path.open("w", encoding="utf-8") as manifest,
    ):
        manifest.write('{"documents": [\n')
        for done, (document, size) in enumerate(_run(tasks, workers)):
            truth.write(json.dumps(document.truth(), ensure_ascii=False) + "\n")
            entry = json.dumps({"path": document.path, "id": document.id})
            manifest.write(("  " if done == 0 else ",\n  ") + entry)
            totals[document.format] += 1
            n_pages += document.pages
            n_bytes += size
        manifest.write("\n]}\n")
    return CorpusManifest(
        folder=folder,
        manifest_path=manifest_path,
        truth_path=truth_path,
        count=count,
        seed=seed,
        formats={name: n for name, n in totals.items() if n},
        pages=n_pages,
        bytes=n_bytes,
        seconds=time.perf_counter() - started,
    )


def fast_text_pdf(pages: Sequence[str], title: str = "docbatch synthetic document") -> bytes:
    """A text PDF like :func:`bench.synth.documents.text_pdf`, built much faster.

    Lines are wrapped to the margins with the Helvetica widths and placed one by one;
    text must be Latin-1 (the core font's encoding) and each page must fit on one page.
    """
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(title)
    pdf.set_producer("docbatch.synth")
    pdf.set_auto_page_break(False)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=_FONT_SIZE)
        baseline = _MARGIN + _FONT_SIZE
        for line in _wrap(text, _PAGE_WIDTH - 2 * _MARGIN):
            if line:
                pdf.text(_MARGIN, baseline, line)
            baseline += _LINE_HEIGHT
    return bytes(pdf.output())


def _wrap(text: str, width: float) -> list[str]:
    """Greedy word wrap of ``text`` to ``width`` points at the body font size."""
    limit = width * 1000.0 / _FONT_SIZE  # font widths are in 1/1000 of the font size
    space = _HELVETICA[" "]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words: list[str] = []
        used = 0
        for word in paragraph.split(" "):
            advance = sum(_HELVETICA.get(ch, 556) for ch in word)
            if words and used + space + advance > limit:
                lines.append(" ".join(words))
                words, used = [word], advance
            else:
                used += advance + (space if words else 0)
                words.append(word)
        lines.append(" ".join(words))
    return lines


def _render(fmt: str, pages: Sequence[str], noise_seed: int) -> bytes:
    if fmt == "pdf":
        return fast_text_pdf(pages)
    if fmt == "scan":
        return documents.scanned_pdf(pages, noise=_SCAN_NOISE, seed=noise_seed)
    paragraphs = [p for page in pages for p in page.split("\n\n")]
    if fmt == "docx":
        return documents.docx(paragraphs)
    if fmt == "html":
        return documents.html(paragraphs, title="Synthetic court filing")
    # Plain text keeps its pages: the text reader starts a new page at each form feed.
    return documents.text_file("\n\f\n".join(pages) + "\n")


def _doc_id(index: int) -> str:
    return f"doc-{index:06d}"


def _check_args(count: int, pages: tuple[int, int], workers: int) -> None:
    if not 1 <= count <= 999_999:
        raise ValueError(f"count must be between 1 and 999999, not {count}")
    low, high = pages
    if not 1 <= low <= high <= MAX_PAGES:
        raise ValueError(f"pages must be a range within 1..{MAX_PAGES}, not {pages}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")


def _check_mix(mix: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(mix) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {unknown} in mix (known: {', '.join(FORMATS)})")
    if any(share < 0 for share in mix.values()):
        raise ValueError("mix shares must not be negative")
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("mix shares must add up to more than 0")
    return {name: share / total for name, share in mix.items() if share > 0}


def _deal_formats(mix: Mapping[str, float], count: int) -> Iterator[str]:
    """Smooth weighted round robin: each prefix of the stream follows ``mix`` closely."""
    credit = dict.fromkeys(mix, 0.0)
    for _ in range(count):
        for name, share in mix.items():
            credit[name] += share
        chosen = max(credit, key=lambda name: credit[name])
        credit[chosen] -= 1.0
        yield chosen


_Task = tuple[Path, int, int, str, tuple[int, int], int]


def _write_one(task: _Task) -> tuple[CorpusDocument, int]:
    """Build and write one document; return it without its bytes, and its size."""
    folder, seed, index, fmt, pages, max_scan_pages = task
    document = build_document(seed, index, fmt, pages, max_scan_pages)
    target = folder / document.path
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(document.data)
    # The bytes are on disk; sending them back to the parent process would only cost.
    return dataclasses.replace(document, data=b""), len(document.data)


def _run(tasks: Iterator[_Task], workers: int) -> Iterator[tuple[CorpusDocument, int]]:
    """Build and write the documents, in ``workers`` processes; yield them in index order."""
    if workers == 1:
        yield from map(_write_one, tasks)
        return
    # spawn, not fork: a forked child would inherit pdfium's lock in whatever state a
    # thread of the parent left it.
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        # imap consumes the task generator lazily and keeps results in order.
        yield from pool.imap(_write_one, tasks, chunksize=8)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``python -m bench.synth.corpus`` command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.synth.corpus", description=main.__doc__)
    parser.add_argument("out", type=Path, help="folder to write the corpus into")
    parser.add_argument("--count", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mix", type=parse_mix, default=None, help="e.g. pdf=0.7,scan=0.05")
    parser.add_argument("--min-pages", type=int, default=1)
    parser.add_argument("--max-pages", type=int, default=12)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    try:
        result = generate_corpus(
            args.out,
            args.count,
            seed=args.seed,
            mix=args.mix,
            pages=(args.min_pages, args.max_pages),
            workers=args.workers,
        )
    except ValueError as exc:
        parser.error(str(exc))
    formats = ", ".join(f"{name}={n}" for name, n in result.formats.items())
    print(
        f"wrote {result.count} documents ({formats}), {result.pages} pages, "
        f"{result.bytes / 1e6:.1f} MB in {result.seconds:.1f} s "
        f"({result.docs_per_second:.1f} docs/s) to {result.folder}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
