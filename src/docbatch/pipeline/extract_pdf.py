"""PDF reading with pdfium: the text layer of every page, and page images for OCR.

A page keeps its text layer unless the layer is missing or garbage, in which case the page
is listed for OCR (see :func:`page_needs_ocr`). pdfium is not thread-safe, not even across
documents, so every call into it holds :data:`PDFIUM_LOCK`; OCR runs outside the lock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from docbatch.errors import (
    CorruptDocumentError,
    DocbatchError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    translate_errors,
)
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import PDF
from docbatch.pipeline.textnorm import normalize_text, printable_count, printable_ratio

__all__ = [
    "IMAGE_COVERAGE",
    "PDFIUM_LOCK",
    "STAMP_MAX_CHARS",
    "open_pdf",
    "page_needs_ocr",
    "read_pdf_text_layer",
    "render_pdf_pages",
]

#: Serialises every pdfium call in the process (pdfium keeps global state).
PDFIUM_LOCK = threading.RLock()
#: A page whose images cover at least this share of it is a scan ...
IMAGE_COVERAGE = 0.6
#: ... and its text layer is only a stamp (Bates number, court header) below this many
#: visible characters, so the page is OCR'd. A scan with a real OCR layer has far more.
STAMP_MAX_CHARS = 200

_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Creator": "creator",
    "Producer": "producer",
}
_ERRORS: dict[type[BaseException], type[DocbatchError]] = {pdfium.PdfiumError: CorruptDocumentError}


@contextmanager
def open_pdf(data: bytes, passwords: Sequence[str]) -> Iterator[pdfium.PdfDocument]:
    """Open ``data`` with the empty password, then each of ``passwords``; close on exit.

    The caller holds :data:`PDFIUM_LOCK`. Raises :class:`EncryptedDocumentError` when no
    password opens it and :class:`CorruptDocumentError` when pdfium cannot parse it.
    """
    document = None
    with translate_errors(_ERRORS, "PDF"):
        for password in (None, *passwords):
            try:
                document = pdfium.PdfDocument(data, password=password)
                break
            except pdfium.PdfiumError as exc:
                if getattr(exc, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                    raise
        if document is None:
            raise EncryptedDocumentError(
                f"PDF is encrypted and none of the {len(passwords)} configured passwords opens it"
            )
        try:
            yield document
        finally:
            document.close()


def read_pdf_text_layer(
    data: bytes, options: ExtractOptions
) -> tuple[ExtractedDocument, tuple[int, ...]]:
    """Read every page's text layer; return the document and the pages that need OCR."""
    pages: list[Page] = []
    needs_ocr: list[int] = []
    with (
        PDFIUM_LOCK,
        open_pdf(data, options.passwords) as document,
        translate_errors(_ERRORS, "PDF"),
    ):
        count = len(document)
        if count == 0:
            raise EmptyDocumentError("PDF has no pages")
        if count > options.max_pages:
            raise DocumentTooLargeError(
                f"PDF has {count} pages, more than the limit of {options.max_pages}"
            )
        for index in range(count):
            page = document[index]
            try:
                text, ocr = _read_page(page, options)
            finally:
                page.close()
            pages.append(Page(number=index + 1, text="" if ocr else text))
            if ocr:
                needs_ocr.append(index + 1)
        metadata = _metadata(document)
    return ExtractedDocument(mime=PDF, pages=tuple(pages), metadata=metadata), tuple(needs_ocr)


def page_needs_ocr(text: str, page: pdfium.PdfPage, options: ExtractOptions) -> bool:
    """True when ``page``'s text layer (``text``, normalised) cannot be trusted.

    That is when it is too sparse for the page's area, mostly unreadable characters, or
    only a short stamp over a page-sized image (a scan). A page with no content objects
    at all is blank and is not worth an OCR pass.
    """
    if not text and pdfium_c.FPDFPage_CountObjects(page) == 0:
        return False
    width, height = page.get_size()
    square_inches = (width / 72.0) * (height / 72.0)
    visible = printable_count(text)
    if visible < options.min_chars_per_sq_inch * square_inches:
        return True
    if printable_ratio(text) < options.min_printable_ratio:
        return True
    return visible < STAMP_MAX_CHARS and _image_coverage(page) >= IMAGE_COVERAGE


def render_pdf_pages(
    data: bytes, numbers: Sequence[int], options: ExtractOptions
) -> Iterator[tuple[int, Image.Image]]:
    """Yield ``(page number, grayscale image)`` for each 1-based page in ``numbers``.

    Pages render at ``options.ocr_dpi``, scaled down when the bitmap would exceed
    ``options.max_image_pixels``. The lock is released between pages so OCR of one page
    does not block pdfium work elsewhere in the process.
    """
    stack = ExitStack()
    with PDFIUM_LOCK:
        document = stack.enter_context(open_pdf(data, options.passwords))
    try:
        count = len(document)
        for number in numbers:
            if not 1 <= number <= count:
                raise ValueError(f"page {number} is not in 1..{count}")
            with PDFIUM_LOCK, translate_errors(_ERRORS, f"PDF page {number}"):
                image = _render(document[number - 1], options)
            yield number, image
    finally:
        with PDFIUM_LOCK:
            stack.close()


def _read_page(page: pdfium.PdfPage, options: ExtractOptions) -> tuple[str, bool]:
    textpage = page.get_textpage()
    try:
        text = normalize_text(textpage.get_text_range())
    finally:
        textpage.close()
    return text, page_needs_ocr(text, page, options)


def _image_coverage(page: pdfium.PdfPage) -> float:
    left, bottom, right, top = page.get_bbox()
    area = max(1.0, (right - left) * (top - bottom))
    covered = 0.0
    # Overlapping images count twice; a scan is one image, so the estimate is good enough.
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        x0, y0, x1, y1 = obj.get_bounds()
        w = max(0.0, min(x1, right) - max(x0, left))
        h = max(0.0, min(y1, top) - max(y0, bottom))
        covered += w * h
    return min(1.0, covered / area)


def _render(page: pdfium.PdfPage, options: ExtractOptions) -> Image.Image:
    try:
        width, height = page.get_size()
        scale = options.ocr_dpi / 72.0
        if width * height * scale * scale > options.max_image_pixels:
            scale = math.sqrt(options.max_image_pixels / max(1.0, width * height))
            # pdfium rounds the bitmap size up; shrink until the rounded size fits.
            while math.ceil(width * scale) * math.ceil(height * scale) > options.max_image_pixels:
                scale *= 0.995
        bitmap = page.render(scale=scale, grayscale=True)
        # Copied so the image owns its pixels once pdfium's bitmap is freed.
        return bitmap.to_pil().copy()
    finally:
        page.close()


def _metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    raw = document.get_metadata_dict(skip_empty=True)
    return {
        ours: str(raw[theirs]).strip() for theirs, ours in _METADATA_KEYS.items() if theirs in raw
    }
