"""The extract stage: text layers, OCR decisions, formats, limits and bad input.

Text normalisation: the extractor returns NFC text with ``\\n`` line endings, no control
characters but ``\\n``/``\\t``, no trailing spaces and at most one blank line in a row
(see :mod:`docbatch.pipeline.textnorm`). A PDF's text layer keeps the words and their
order but not the source's line wrapping or blank lines (pdfium reports the lines as
drawn), so PDF text is compared with the input after collapsing every run of whitespace
to one space (:func:`words`).
"""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from bench.synth import documents
from bench.synth.prose import OPINION_PAGES
from docbatch.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    UnsupportedTypeError,
)
from docbatch.models import to_dict
from docbatch.pipeline.extract import extract, extract_text_layer, ocr_pages
from docbatch.pipeline.ocr import OcrResult
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import DOCX, HTML, PDF, TEXT, TIFF
from docbatch.pipeline.textnorm import normalize_text, printable_ratio

OPTIONS = ExtractOptions()
DOCX_PARAGRAPHS = (
    "This Settlement Agreement is entered into on March 14, 2023.",
    "The parties agree as set out below, under 15 U.S.C. \u00a7 78j(b).",
)
DOCX_TABLE = (("Party", "Role", "Amount"), ("Acme Holdings, Inc.", "Plaintiff", "$1,250,000.00"))


def words(text: str) -> str:
    """``text`` with every run of whitespace collapsed to one space."""
    return " ".join(text.split())


class RecordingEngine:
    """A stand-in OCR engine that returns a fixed text and records the images it saw."""

    name = "recording"

    def __init__(self) -> None:
        self.images: list[Image.Image] = []
        self.lock = threading.Lock()

    def recognize(self, image: Image.Image) -> OcrResult:
        with self.lock:
            self.images.append(image)
            return OcrResult(text=f"ocr text {len(self.images)}\r\n", confidence=0.87654)


class RefusingEngine:
    """Fails the test if OCR is attempted at all."""

    name = "refusing"

    def recognize(self, image: Image.Image) -> OcrResult:
        raise AssertionError("OCR must not run for this document")


@pytest.fixture(scope="module")
def opinion_pdf() -> bytes:
    return documents.text_pdf(OPINION_PAGES)


def test_text_pdf_pages_match_the_input_words(opinion_pdf):
    document = extract(opinion_pdf, OPTIONS, engine=RefusingEngine())
    assert document.mime == PDF
    assert [page.number for page in document.pages] == [1, 2, 3]
    assert [words(page.text) for page in document.pages] == [words(p) for p in OPINION_PAGES]
    assert "15 U.S.C. \u00a7 78j(b)" in document.pages[0].text
    assert document.metadata["producer"] == "docbatch.synth"


def test_text_pdf_pages_are_not_ocred(opinion_pdf):
    document, needs_ocr = extract_text_layer(opinion_pdf, OPTIONS)
    assert needs_ocr == ()
    assert document.ocr_pages == 0
    assert all(page.ocr_engine is None and page.ocr_confidence is None for page in document.pages)


def test_text_pdf_golden(opinion_pdf, golden):
    golden.check("extract_text_pdf", to_dict(extract(opinion_pdf, OPTIONS, RefusingEngine())))


def test_scanned_pdf_pages_all_go_to_ocr():
    data = documents.scanned_pdf(OPINION_PAGES[:2], dpi=100)
    layer, needs_ocr = extract_text_layer(data, OPTIONS)
    assert needs_ocr == (1, 2)
    assert [page.text for page in layer.pages] == ["", ""]
    engine = RecordingEngine()
    document = extract(data, OPTIONS, engine=engine)
    assert [p.ocr for p in document.pages] == [True, True]
    assert {p.ocr_engine for p in document.pages} == {"recording"}
    assert [p.ocr_confidence for p in document.pages] == [0.8765, 0.8765]
    assert [p.text for p in document.pages] == ["ocr text 1", "ocr text 2"]


def test_mixed_pdf_ocrs_only_the_scanned_page():
    data = documents.mixed_pdf(OPINION_PAGES, scanned={2}, dpi=100)
    engine = RecordingEngine()
    document = extract(data, OPTIONS, engine=engine)
    assert len(engine.images) == 1
    assert [p.ocr for p in document.pages] == [False, True, False]
    assert words(document.pages[0].text) == words(OPINION_PAGES[0])
    assert document.pages[1].text == "ocr text 1"
    assert words(document.pages[2].text) == words(OPINION_PAGES[2])


def test_short_stamp_over_a_page_image_still_goes_to_ocr():
    stamp = "Case 1:23-cv-04567-JMF Document 42 Filed 12/01/23 Page 1 of 3 PageID #: 1234"
    data = documents.scanned_pdf(OPINION_PAGES[:1], dpi=72, stamp=stamp)
    # With the density rule switched off only the image-coverage rule can catch it.
    options = ExtractOptions(min_chars_per_sq_inch=0.0)
    _, needs_ocr = extract_text_layer(data, options)
    assert needs_ocr == (1,)


def test_sparse_text_layer_over_an_image_goes_to_ocr_and_blank_pages_do_not():
    data = documents.text_pdf(["Exhibit A", "", OPINION_PAGES[0]])
    _, needs_ocr = extract_text_layer(data, OPTIONS)
    assert needs_ocr == ()  # "Exhibit A" alone on a page is the whole page
    scan = documents.scanned_pdf(["Exhibit A"], stamp="Exhibit A")
    layer, needs_ocr = extract_text_layer(scan, OPTIONS)
    assert needs_ocr == (1,) and layer.pages[0].text == "Exhibit A"


def test_ocr_render_respects_the_pixel_limit():
    data = documents.scanned_pdf(["Tiny"], dpi=72)
    engine = RecordingEngine()
    options = ExtractOptions(ocr_dpi=300, max_image_pixels=500_000)
    pages = ocr_pages(data, PDF, [1], options, engine)
    assert pages[0].ocr
    width, height = engine.images[0].size
    assert width * height <= 500_000
    assert width > 500  # scaled down, not thrown away


def test_docx_reads_headers_tables_in_order_and_footers(golden):
    data = documents.docx(DOCX_PARAGRAPHS, DOCX_TABLE, header="CONFIDENTIAL", footer="Page 1")
    document = extract(data, OPTIONS, RefusingEngine())
    assert document.mime == DOCX
    assert document.pages[0].text == (
        "CONFIDENTIAL\n\n"
        f"{DOCX_PARAGRAPHS[0]}\n\n"
        "Party\tRole\tAmount\n"
        "Acme Holdings, Inc.\tPlaintiff\t$1,250,000.00\n\n"
        f"{DOCX_PARAGRAPHS[1]}\n\n"
        "Page 1"
    )
    golden.check("extract_docx", to_dict(document))


def test_docx_zip_bomb_is_refused_before_parsing():
    data = documents.docx(["x" * 200_000])
    assert len(data) < 100_000
    with pytest.raises(DocumentTooLargeError, match="unpacks"):
        extract_text_layer(data, ExtractOptions(max_file_bytes=100_000))


def test_html_drops_script_style_and_keeps_blocks(golden):
    data = documents.html(list(OPINION_PAGES[2].split("\n\n")), "Opinion and Order")
    document = extract(data, OPTIONS, RefusingEngine())
    text = document.pages[0].text
    assert document.mime == HTML
    assert documents.SCRIPT_SENTINEL not in text
    assert documents.STYLE_SENTINEL not in text
    assert text.startswith("Opinion and Order\n\nFor the reasons above")
    assert "\n\nSO ORDERED.\n\n" in text
    assert document.metadata == {"title": "Opinion and Order"}
    golden.check("extract_html", to_dict(document))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_text_files_decode_in_their_encoding(encoding, golden):
    text = "Caf\u00e9 owners sued under 15 U.S.C. \u00a7 78j(b).\r\nSecond line.\fPage two."
    document = extract(documents.text_file(text, encoding), OPTIONS, RefusingEngine())
    assert document.mime == TEXT
    assert [p.text for p in document.pages] == [
        "Caf\u00e9 owners sued under 15 U.S.C. \u00a7 78j(b).\nSecond line.",
        "Page two.",
    ]
    # One golden file for every encoding: the decoded document must not depend on it.
    golden.check("extract_text", to_dict(document))


def test_tiff_frames_each_become_an_ocr_page():
    data = documents.tiff(["First page", "Second page", "Third page"], dpi=72)
    layer, needs_ocr = extract_text_layer(data, OPTIONS)
    assert layer.mime == TIFF
    assert needs_ocr == (1, 2, 3)
    engine = RecordingEngine()
    document = extract(data, OPTIONS, engine)
    assert [p.number for p in document.pages] == [1, 2, 3]
    assert all(p.ocr and p.ocr_engine == "recording" for p in document.pages)
    assert len(engine.images) == 3


def test_empty_file_fails_as_empty():
    with pytest.raises(EmptyDocumentError):
        extract(b"", OPTIONS)


def test_random_bytes_fail_as_unsupported():
    with pytest.raises(UnsupportedTypeError):
        extract(bytes(range(256)) * 8, OPTIONS)


def test_truncated_pdf_fails_as_corrupt_with_a_reason():
    with pytest.raises(CorruptDocumentError, match=r"^PDF: .*Data format error"):
        extract(documents.truncated_pdf(OPINION_PAGES, keep=0.6), OPTIONS)


def test_encrypted_pdf_without_the_password_fails_as_encrypted():
    data = documents.encrypted_pdf(OPINION_PAGES, user_password="s3cret")
    with pytest.raises(EncryptedDocumentError, match="any of the 0 configured passwords"):
        extract(data, OPTIONS)
    with pytest.raises(EncryptedDocumentError, match="any of the 2 configured passwords"):
        extract(data, ExtractOptions(passwords=("wrong", "also wrong")))


def test_encrypted_pdf_opens_with_a_configured_password():
    data = documents.encrypted_pdf(OPINION_PAGES, user_password="s3cret")
    document = extract(data, ExtractOptions(passwords=("wrong", "s3cret")), RefusingEngine())
    assert [words(p.text) for p in document.pages] == [words(p) for p in OPINION_PAGES]


def test_file_over_the_byte_limit_is_too_large(opinion_pdf):
    with pytest.raises(DocumentTooLargeError, match="bytes"):
        extract_text_layer(opinion_pdf, ExtractOptions(max_file_bytes=len(opinion_pdf) - 1))


def test_pdf_over_the_page_limit_is_too_large(opinion_pdf):
    with pytest.raises(DocumentTooLargeError, match="3 pages"):
        extract_text_layer(opinion_pdf, ExtractOptions(max_pages=2))


@pytest.mark.parametrize(
    ("width", "height", "limit"),
    [(100_000, 100_000, 200_000_000), (5_000, 5_000, 1_000_000)],
    ids=["beyond-pillow-limit", "beyond-configured-limit"],
)
def test_huge_declared_image_is_too_large_before_decoding(width, height, limit):
    data = documents.bomb_png(width, height)
    assert len(data) < 200
    with pytest.raises(DocumentTooLargeError):
        extract(data, ExtractOptions(max_image_pixels=limit), RecordingEngine())


def test_normalize_text_canonical_form():
    raw = "\ufeffe\u0301t\u00e9\x00\r\nline two  \r\r\n\n\n\nend\x02\x0c\tx\n\n"
    assert normalize_text(raw) == "\u00e9t\u00e9\nline two\n\nend\tx"


def test_normalize_text_spells_out_typographic_ligatures():
    # a typeset opinion's "Plaintiff-Appellee" and "filed" as its text layer holds them
    raw = "Plainti\ufb00-Appellee \ufb01led a \ufb02at \ufb03davit"
    assert normalize_text(raw) == "Plaintiff-Appellee filed a flat ffidavit"


def test_printable_ratio_flags_garbage():
    assert printable_ratio("\ufffd\ufffd\ufffd ab") < 0.85
    assert printable_ratio("\ue000\ue001\ue002\ue003 ok") < 0.85
    assert printable_ratio("Ordinary text \u00a7 12.") == 1.0
