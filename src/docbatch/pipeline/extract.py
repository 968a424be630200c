"""The extract stage: document bytes in, the text of every page out.

:func:`extract` is the whole stage. It is split in two steps so a caller can schedule
OCR separately (it is the slow part):

1. :func:`extract_text_layer` sniffs the type, enforces the size limits and reads every
   text that needs no OCR; it reports which pages OCR could add to (a PDF page keeps its
   text layer, an image frame is empty until read);
2. :func:`ocr_pages` renders those pages and reads them with an :class:`OcrEngine`, and
   :func:`apply_ocr` merges what it read into the document (:func:`merge_ocr`).

A document with no text at all (blank pages, blank scans) is a normal document: it
carries the warning ``no_text`` and later stages find nothing in it. Page text is
normalised as :mod:`docbatch.pipeline.textnorm` describes. Everything here is pure:
bytes and options in, :class:`ExtractedDocument` out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from PIL import Image

from docbatch.errors import DocumentTooLargeError, UnsupportedTypeError
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.containers import read_zip
from docbatch.pipeline.extract_image import image_frames, read_image_layout
from docbatch.pipeline.extract_legacy import read_doc, read_eml, read_msg, read_rtf, read_wpd
from docbatch.pipeline.extract_office import read_docx, read_html, read_text, read_xml
from docbatch.pipeline.extract_pdf import read_pdf_text_layer, render_pdf_pages
from docbatch.pipeline.ocr import OcrEngine, get_ocr_engine
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import (
    DOC,
    DOCX,
    EML,
    HTML,
    JPEG,
    MSG,
    PDF,
    PNG,
    RTF,
    TEXT,
    TIFF,
    WPD,
    XML,
    ZIP,
    sniff,
)
from docbatch.pipeline.textnorm import normalize_text

__all__ = [
    "LOW_CONFIDENCE_WARNING",
    "NO_TEXT_WARNING",
    "apply_ocr",
    "extract",
    "extract_text_layer",
    "merge_ocr",
    "ocr_pages",
]

#: Warning on a document none of whose pages holds any text.
NO_TEXT_WARNING = "no_text"
#: Warning on a document some of whose pages OCR read with low confidence.
LOW_CONFIDENCE_WARNING = "low_confidence_pages"
#: An OCR line joins a page that has a text layer when at least this share of its words
#: is not in the layer already (the render OCR reads includes the layer's own text).
NEW_WORDS_SHARE = 0.5

_WORD = re.compile(r"\w+")

_Reader = Callable[[bytes, ExtractOptions], ExtractedDocument]
_SINGLE_PAGE_READERS: dict[str, _Reader] = {
    DOCX: read_docx,
    HTML: read_html,
    XML: read_xml,
    TEXT: read_text,
    DOC: read_doc,
    WPD: read_wpd,
    RTF: read_rtf,
    EML: read_eml,
    MSG: read_msg,
    ZIP: read_zip,
}
_IMAGE_TYPES = frozenset({PNG, JPEG, TIFF})


def extract_text_layer(
    data: bytes, options: ExtractOptions
) -> tuple[ExtractedDocument, tuple[int, ...]]:
    """Read ``data`` without OCR; return the document and the 1-based pages needing OCR.

    Pages listed for OCR keep what text they have and ``ocr=False`` until
    :func:`apply_ocr` merges their OCR. Raises :class:`EmptyDocumentError` (no bytes),
    :class:`UnsupportedTypeError`, :class:`CorruptDocumentError`,
    :class:`EncryptedDocumentError` or :class:`DocumentTooLargeError` for documents that
    cannot be read.
    """
    mime = sniff(data)
    if len(data) > options.max_file_bytes:
        raise DocumentTooLargeError(
            f"file is {len(data)} bytes, more than the limit of {options.max_file_bytes}"
        )
    if mime == PDF:
        document, needs_ocr = read_pdf_text_layer(data, options)
    elif mime in _IMAGE_TYPES:
        document, needs_ocr = read_image_layout(data, mime, options)
    else:
        reader = _SINGLE_PAGE_READERS.get(mime)
        if reader is None:  # pragma: no cover - sniff only returns the types above
            raise UnsupportedTypeError(f"no reader for {mime}")
        document, needs_ocr = reader(data, options), ()
    return (document if needs_ocr else _with_warnings(document)), needs_ocr


def ocr_pages(
    data: bytes,
    mime: str,
    page_numbers: Sequence[int],
    options: ExtractOptions,
    engine: OcrEngine | None = None,
) -> tuple[Page, ...]:
    """OCR the given 1-based pages (PDF pages or image frames) of ``data``.

    ``engine`` defaults to :func:`get_ocr_engine` for ``options``. Every returned page has
    ``ocr=True``, the engine's name and its mean confidence.
    """
    if not page_numbers:
        return ()
    engine = engine if engine is not None else get_ocr_engine(options)
    minimum = options.ocr_min_confidence
    pages = []
    for number, image in _page_images(data, mime, page_numbers, options):
        result = engine.recognize(image)
        pages.append(
            Page(
                number=number,
                text=normalize_text(result.text),
                ocr=True,
                ocr_engine=engine.name,
                ocr_confidence=round(result.confidence, 4),
                low_confidence=result.confidence < minimum and bool(result.text.strip()),
            )
        )
    return tuple(pages)


def apply_ocr(document: ExtractedDocument, read: Sequence[Page]) -> ExtractedDocument:
    """``document`` with each page in ``read`` merged in by :func:`merge_ocr`."""
    by_number = {page.number: page for page in read}
    pages = tuple(
        merge_ocr(page, by_number[page.number]) if page.number in by_number else page
        for page in document.pages
    )
    return _with_warnings(
        ExtractedDocument(document.mime, pages, document.metadata, document.warnings)
    )


def merge_ocr(layer: Page, read: Page) -> Page:
    """One page from its text layer (possibly empty) and what OCR read on it.

    The layer is never replaced. With no layer the page is what OCR read. With a layer,
    OCR adds the lines whose words are mostly new to the layer, after it: a stamp over a
    scan reads "stamp, then the body", and a page with a real layer plus a picture keeps
    the layer and gains the picture's words. OCR below the confidence threshold adds
    nothing to a layer (a map or a photo read as noise).
    """
    engine, confidence = read.ocr_engine, read.ocr_confidence
    if not layer.text.strip():
        return Page(layer.number, read.text, True, engine, confidence, read.low_confidence)
    if read.low_confidence:
        return Page(layer.number, layer.text, True, engine, confidence)
    known = {word.casefold() for word in _WORD.findall(layer.text)}
    added = [line for line in read.text.splitlines() if _adds_words(line, known)]
    text = layer.text + "\n\n" + "\n".join(added) if added else layer.text
    return Page(layer.number, normalize_text(text), True, engine, confidence)


def extract(
    data: bytes, options: ExtractOptions, engine: OcrEngine | None = None
) -> ExtractedDocument:
    """The whole extract stage: text layer first, OCR only for the pages that need it."""
    document, needs_ocr = extract_text_layer(data, options)
    if not needs_ocr:
        return document
    return apply_ocr(document, ocr_pages(data, document.mime, needs_ocr, options, engine))


def _adds_words(line: str, known: set[str]) -> bool:
    words = [word.casefold() for word in _WORD.findall(line)]
    if not words:
        return False
    new = sum(1 for word in words if word not in known)
    return new / len(words) >= NEW_WORDS_SHARE


def _with_warnings(document: ExtractedDocument) -> ExtractedDocument:
    """``document`` with the ``no_text`` and ``low_confidence_pages`` warnings set."""
    warnings = [w for w in document.warnings if w not in (NO_TEXT_WARNING, LOW_CONFIDENCE_WARNING)]
    if not any(page.text.strip() for page in document.pages):
        warnings.append(NO_TEXT_WARNING)
    if any(page.low_confidence for page in document.pages):
        warnings.append(LOW_CONFIDENCE_WARNING)
    if tuple(warnings) == document.warnings:
        return document
    return ExtractedDocument(document.mime, document.pages, document.metadata, tuple(warnings))


def _page_images(
    data: bytes, mime: str, numbers: Sequence[int], options: ExtractOptions
) -> Iterator[tuple[int, Image.Image]]:
    if mime == PDF:
        return render_pdf_pages(data, numbers, options)
    if mime in _IMAGE_TYPES:
        return image_frames(data, numbers, options)
    raise UnsupportedTypeError(f"{mime} documents have no pages to OCR")
