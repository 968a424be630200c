"""PDF reading with pdfium: the text layer of every page, and page images for OCR.

Every page keeps its text layer. A page is also listed for OCR when the layer cannot be
the whole story (see :func:`page_needs_ocr`): it is empty, garbage, too sparse for a page
that holds images, or only a stamp over a page-sized scan. The OCR result is merged into
the layer later (:func:`docbatch.pipeline.extract.merge_ocr`), so OCR never replaces a
layer by less text. Text outside the content stream, filled form fields and free-text
annotations, is appended to its page as marked lines (:data:`FORM_PREFIX`,
:data:`ANNOTATION_PREFIX`).

A file pdfium refuses (a damaged or missing cross-reference table, an unknown stream filter, an
encryption dictionary it rejects) is rewritten by a second engine
(:func:`docbatch.pipeline.pdf_repair.repair_pdf`) before it is declared corrupt or
encrypted. pdfium is not thread-safe, not even across documents, so every call into it
holds :data:`PDFIUM_LOCK`; OCR runs outside the lock.
"""

from __future__ import annotations

import ctypes
import math
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
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
)
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.pdf_repair import has_unknown_filters, is_truncated, repair_pdf
from docbatch.pipeline.sniff import PDF
from docbatch.pipeline.textnorm import normalize_text, printable_count, printable_ratio

__all__ = [
    "ANNOTATION_PREFIX",
    "FORM_PREFIX",
    "IMAGE_COVERAGE",
    "PDFIUM_LOCK",
    "REPAIRED_WARNING",
    "STAMP_MAX_CHARS",
    "TRUNCATED_WARNING",
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
#: Marks a line of page text that came from a filled form field, not the content stream.
FORM_PREFIX = "[form] "
#: Marks a line of page text that came from a free-text annotation.
ANNOTATION_PREFIX = "[annotation] "
#: The document warning recorded when pdfium read a copy rewritten by a second engine.
REPAIRED_WARNING = "pdf_repaired"
#: ... and also when that file was cut short (no ``%%EOF``): pages may be missing.
TRUNCATED_WARNING = "pdf_truncated"

_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Creator": "creator",
    "Producer": "producer",
}
_NOT_REPAIRED = "qpdf, pypdf and a scan of its objects could not repair it either"
#: Form field types whose value is text a reader typed or chose.
_TEXT_FIELDS = frozenset(
    {
        pdfium_c.FPDF_FORMFIELD_TEXTFIELD,
        pdfium_c.FPDF_FORMFIELD_COMBOBOX,
        pdfium_c.FPDF_FORMFIELD_LISTBOX,
    }
)


@contextmanager
def open_pdf(data: bytes, passwords: Sequence[str]) -> Iterator[pdfium.PdfDocument]:
    """Open ``data`` with pdfium, trying the empty password first; close on exit.

    The caller holds :data:`PDFIUM_LOCK`. Raises :class:`EncryptedDocumentError` when no
    password opens it and :class:`CorruptDocumentError` when pdfium cannot parse it. The
    second-engine repair is not tried here; see :func:`read_pdf_text_layer`.
    """
    document = _load(data, passwords)
    try:
        yield document
    finally:
        document.close()


def read_pdf_text_layer(
    data: bytes, options: ExtractOptions
) -> tuple[ExtractedDocument, tuple[int, ...]]:
    """Read every page's text layer; return the document and the pages that need OCR.

    Pages listed for OCR keep their text layer (possibly empty). A file pdfium cannot
    open or whose pages it cannot load is read from a repaired copy, and the document
    carries the warning :data:`REPAIRED_WARNING` (and :data:`TRUNCATED_WARNING` when the
    file was cut short).
    """
    try:
        if has_unknown_filters(data):
            raise CorruptDocumentError("PDF: streams use a filter pdfium cannot decode")
        return _read_all(data, options)
    except (CorruptDocumentError, EncryptedDocumentError) as exc:
        repaired = repair_pdf(data, options.passwords)
        try:
            if repaired is None:
                raise exc
            document, needs_ocr = _read_all(repaired, options)
        except DocbatchError:
            if isinstance(exc, CorruptDocumentError):
                raise CorruptDocumentError(f"{exc}; {_NOT_REPAIRED}") from exc
            raise exc from None
    warnings = (*document.warnings, REPAIRED_WARNING)
    if is_truncated(data):
        warnings = (*warnings, TRUNCATED_WARNING)
    return ExtractedDocument(document.mime, document.pages, document.metadata, warnings), needs_ocr


def page_needs_ocr(text: str, page: pdfium.PdfPage, options: ExtractOptions) -> bool:
    """True when OCR could add to ``page``'s text layer (``text``, normalised).

    That is when the layer is mostly unreadable characters; when it is empty on a page
    that draws something (an image, or text as vector outlines or in a font without a
    Unicode map); when it is too sparse for a page that holds an image; or when it is
    only a short stamp over a page-sized image (a scan). A page with no content objects
    at all is blank, and a sparse layer on a page with no image ("hello world") is the
    whole page: neither is worth an OCR pass.
    """
    visible = printable_count(text)
    if not visible:
        return pdfium_c.FPDFPage_CountObjects(page.raw) > 0
    if printable_ratio(text) < options.min_printable_ratio:
        return True
    width, height = page.get_size()
    square_inches = (width / 72.0) * (height / 72.0)
    sparse = visible < options.min_chars_per_sq_inch * square_inches
    if not sparse and visible >= STAMP_MAX_CHARS:
        return False
    coverage = _image_coverage(page)
    if sparse and coverage > 0.0:
        return True
    return visible < STAMP_MAX_CHARS and coverage >= IMAGE_COVERAGE


def render_pdf_pages(
    data: bytes, numbers: Sequence[int], options: ExtractOptions
) -> Iterator[tuple[int, Image.Image]]:
    """Yield ``(page number, grayscale image)`` for each 1-based page in ``numbers``.

    Pages render at ``options.ocr_dpi``, scaled down when the bitmap would exceed
    ``options.max_image_pixels``. The lock is released between pages so OCR of one page
    does not block pdfium work elsewhere in the process. A file that pdfium reads only
    after repair (see :func:`read_pdf_text_layer`) is rendered from the repaired copy.
    """
    try:
        if has_unknown_filters(data):
            raise CorruptDocumentError("PDF: streams use a filter pdfium cannot decode")
        with PDFIUM_LOCK:
            _load(data, options.passwords).close()
        source = data
    except (CorruptDocumentError, EncryptedDocumentError):
        repaired = repair_pdf(data, options.passwords)
        if repaired is None:
            raise
        source = repaired
    done: list[int] = []
    try:
        for number, image in _render_all(source, numbers, options):
            done.append(number)
            yield number, image
    except CorruptDocumentError:
        repaired = repair_pdf(data, options.passwords) if source is data else None
        if repaired is None:
            raise
        rest = [n for n in numbers if n not in done]
        yield from _render_all(repaired, rest, options)


# -- reading --------------------------------------------------------------------------


def _load(data: bytes, passwords: Sequence[str]) -> pdfium.PdfDocument:
    """pdfium's document for ``data``: no password, the empty one, then ``passwords``."""
    last: pdfium.PdfiumError | None = None
    for password in (None, "", *passwords):
        try:
            return pdfium.PdfDocument(data, password=password)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                raise CorruptDocumentError(f"PDF: {_reason(exc)}") from exc
            last = exc
    raise EncryptedDocumentError(
        "PDF is encrypted and neither the empty password nor any of the "
        f"{len(passwords)} configured passwords opens it"
    ) from last


def _reason(exc: pdfium.PdfiumError) -> str:
    """pdfium's message, without the "(PDFium: Success)" it adds when it has no code."""
    text = str(exc) or "pdfium could not read the file"
    return text.replace("(PDFium: Success)", "(no reason given by pdfium)").strip()


def _read_all(data: bytes, options: ExtractOptions) -> tuple[ExtractedDocument, tuple[int, ...]]:
    pages: list[Page] = []
    needs_ocr: list[int] = []
    with PDFIUM_LOCK, open_pdf(data, options.passwords) as document:
        count = len(document)
        if count == 0:
            raise EmptyDocumentError("PDF has no pages")
        if count > options.max_pages:
            raise DocumentTooLargeError(
                f"PDF has {count} pages, more than the limit of {options.max_pages}"
            )
        forms = _init_forms(document)
        for index in range(count):
            page = _page(document, index)
            try:
                text, ocr = _read_page(page, forms, options)
            finally:
                page.close()
            pages.append(Page(number=index + 1, text=text))
            if ocr:
                needs_ocr.append(index + 1)
        metadata = _metadata(document)
    return ExtractedDocument(mime=PDF, pages=tuple(pages), metadata=metadata), tuple(needs_ocr)


def _page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        return document[index]
    except pdfium.PdfiumError as exc:
        raise CorruptDocumentError(f"PDF page {index + 1}: {_reason(exc)}") from exc


def _init_forms(document: pdfium.PdfDocument) -> object | None:
    """pdfium's form environment (needed to read field values), or None."""
    try:
        with warnings.catch_warnings():
            # pypdfium2 warns that XFA forms need another pdfium build; AcroForm is enough.
            warnings.simplefilter("ignore")
            document.init_forms()
    except Exception:  # a broken AcroForm costs the form text only, not the page
        return None
    return getattr(document, "formenv", None)


def _read_page(
    page: pdfium.PdfPage, forms: object | None, options: ExtractOptions
) -> tuple[str, bool]:
    textpage = page.get_textpage()
    try:
        text = normalize_text(textpage.get_text_range())
    finally:
        textpage.close()
    ocr = page_needs_ocr(text, page, options)
    extra = _annotation_lines(page, forms)
    if extra:
        text = "\n\n".join(part for part in (text, "\n".join(extra)) if part)
    return text, ocr


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


# -- text outside the content stream ----------------------------------------------------


def _annotation_lines(page: pdfium.PdfPage, forms: object | None) -> list[str]:
    """Filled form fields and free-text annotations of ``page``, as marked lines."""
    lines: list[str] = []
    handle = getattr(forms, "raw", None)
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            line = _annotation_line(annot, handle)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
        if line:
            lines.append(line)
    return lines


def _annotation_line(annot: object, form_handle: object | None) -> str | None:
    subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
    if subtype == pdfium_c.FPDF_ANNOT_FREETEXT:
        contents = _wide(
            lambda buf, n: pdfium_c.FPDFAnnot_GetStringValue(annot, b"Contents", buf, n)
        )
        return f"{ANNOTATION_PREFIX}{contents}" if contents else None
    if subtype != pdfium_c.FPDF_ANNOT_WIDGET or not form_handle:
        return None
    if pdfium_c.FPDFAnnot_GetFormFieldType(form_handle, annot) not in _TEXT_FIELDS:
        return None
    value = _wide(lambda buf, n: pdfium_c.FPDFAnnot_GetFormFieldValue(form_handle, annot, buf, n))
    if not value:
        return None
    label = _wide(
        lambda buf, n: pdfium_c.FPDFAnnot_GetFormFieldAlternateName(form_handle, annot, buf, n)
    )
    return f"{FORM_PREFIX}{label}: {value}" if label else f"{FORM_PREFIX}{value}"


def _wide(call: Callable[[object, int], int]) -> str:
    """A UTF-16LE string from a pdfium getter that reports its size in bytes first."""
    size = call(None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    call(ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    raw = buffer.raw[: size - 2].decode("utf-16-le", errors="replace")
    return normalize_text(" ".join(raw.split()))


# -- rendering ---------------------------------------------------------------------------


def _render_all(
    data: bytes, numbers: Sequence[int], options: ExtractOptions
) -> Iterator[tuple[int, Image.Image]]:
    stack = ExitStack()
    with PDFIUM_LOCK:
        document = stack.enter_context(open_pdf(data, options.passwords))
        _init_forms(document)  # so filled fields render as a reader shows them
    try:
        count = len(document)
        for number in numbers:
            if not 1 <= number <= count:
                raise ValueError(f"page {number} is not in 1..{count}")
            with PDFIUM_LOCK:
                image = _render(_page(document, number - 1), options)
            yield number, image
    finally:
        with PDFIUM_LOCK:
            stack.close()


def _render(page: pdfium.PdfPage, options: ExtractOptions) -> Image.Image:
    try:
        width, height = page.get_size()
        scale = options.ocr_dpi / 72.0
        if width * height * scale * scale > options.max_image_pixels:
            scale = math.sqrt(options.max_image_pixels / max(1.0, width * height))
            # pdfium rounds the bitmap size up; shrink until the rounded size fits.
            while math.ceil(width * scale) * math.ceil(height * scale) > options.max_image_pixels:
                scale *= 0.995
        try:
            bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(f"PDF page rendering: {_reason(exc)}") from exc
        # Copied so the image owns its pixels once pdfium's bitmap is freed.
        return bitmap.to_pil().copy()
    finally:
        page.close()


#: The metadata key giving how many files a PDF embeds (absent when none): the container
#: step opens the file a second time for its members only when there are some.
ATTACHMENTS_KEY = "attachments"


def _metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    raw = document.get_metadata_dict(skip_empty=True)
    metadata = {
        ours: str(raw[theirs]).strip() for theirs, ours in _METADATA_KEYS.items() if theirs in raw
    }
    attachments = pdfium_c.FPDFDoc_GetAttachmentCount(document.raw)
    if attachments > 0:
        metadata[ATTACHMENTS_KEY] = str(attachments)
    return metadata
