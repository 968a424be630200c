"""The extract stage: document bytes in, the text of every page out.

:func:`extract` is the whole stage. It is split in two steps so a caller can schedule
OCR separately (it is the slow part):

1. :func:`extract_text_layer` sniffs the type, enforces the size limits and reads every
   text that needs no OCR; it reports which pages still need OCR (their text is empty);
2. :func:`ocr_pages` renders those pages and reads them with an :class:`OcrEngine`.

Page text is normalised as :mod:`docbatch.pipeline.textnorm` describes. Everything here
is pure: bytes and options in, :class:`ExtractedDocument` out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PIL import Image

from docbatch.errors import DocumentTooLargeError, EmptyDocumentError, UnsupportedTypeError
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.extract_image import image_frames, read_image_layout
from docbatch.pipeline.extract_office import read_docx, read_html, read_text
from docbatch.pipeline.extract_pdf import read_pdf_text_layer, render_pdf_pages
from docbatch.pipeline.ocr import OcrEngine, get_ocr_engine
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import DOCX, HTML, JPEG, PDF, PNG, TEXT, TIFF, sniff
from docbatch.pipeline.textnorm import normalize_text

__all__ = ["extract", "extract_text_layer", "ocr_pages"]

_Reader = Callable[[bytes, ExtractOptions], ExtractedDocument]
_SINGLE_PAGE_READERS: dict[str, _Reader] = {DOCX: read_docx, HTML: read_html, TEXT: read_text}
_IMAGE_TYPES = frozenset({PNG, JPEG, TIFF})


def extract_text_layer(
    data: bytes, options: ExtractOptions
) -> tuple[ExtractedDocument, tuple[int, ...]]:
    """Read ``data`` without OCR; return the document and the 1-based pages needing OCR.

    Pages listed for OCR have empty text and ``ocr=False`` until :func:`ocr_pages` fills
    them. Raises :class:`EmptyDocumentError`, :class:`UnsupportedTypeError`,
    :class:`CorruptDocumentError`, :class:`EncryptedDocumentError` or
    :class:`DocumentTooLargeError` for documents that cannot be read.
    """
    mime = sniff(data)
    if len(data) > options.max_file_bytes:
        raise DocumentTooLargeError(
            f"file is {len(data)} bytes, more than the limit of {options.max_file_bytes}"
        )
    if mime == PDF:
        return read_pdf_text_layer(data, options)
    if mime in _IMAGE_TYPES:
        return read_image_layout(data, mime, options)
    reader = _SINGLE_PAGE_READERS.get(mime)
    if reader is None:  # pragma: no cover - sniff only returns the types above
        raise UnsupportedTypeError(f"no reader for {mime}")
    document = reader(data, options)
    if not any(page.text for page in document.pages):
        raise EmptyDocumentError(f"the {mime} document contains no text")
    return document, ()


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
            )
        )
    return tuple(pages)


def extract(
    data: bytes, options: ExtractOptions, engine: OcrEngine | None = None
) -> ExtractedDocument:
    """The whole extract stage: text layer first, OCR only for the pages that need it."""
    document, needs_ocr = extract_text_layer(data, options)
    if not needs_ocr:
        return document
    read = {
        page.number: page for page in ocr_pages(data, document.mime, needs_ocr, options, engine)
    }
    pages = tuple(read.get(page.number, page) for page in document.pages)
    return ExtractedDocument(mime=document.mime, pages=pages, metadata=document.metadata)


def _page_images(
    data: bytes, mime: str, numbers: Sequence[int], options: ExtractOptions
) -> Iterator[tuple[int, Image.Image]]:
    if mime == PDF:
        return render_pdf_pages(data, numbers, options)
    if mime in _IMAGE_TYPES:
        return image_frames(data, numbers, options)
    raise UnsupportedTypeError(f"{mime} documents have no pages to OCR")
