"""What real documents do: blank pages, stamps over scans, low-confidence OCR, forms,
annotations and PDFs that pdfium refuses.

The files under ``tests/fixtures/real`` are real documents (see the README there); the
rest are generated equivalents of a class of real input.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import brotli
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf.generic import NameObject, StreamObject

from bench.synth import documents
from bench.synth.prose import OPINION_PAGES
from docbatch.errors import ConfigError, CorruptDocumentError, EncryptedDocumentError
from docbatch.models import Page
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.extract import (
    LOW_CONFIDENCE_WARNING,
    NO_TEXT_WARNING,
    extract,
    extract_text_layer,
    merge_ocr,
)
from docbatch.pipeline.extract_pdf import (
    ANNOTATION_PREFIX,
    FORM_PREFIX,
    REPAIRED_WARNING,
    TRUNCATED_WARNING,
    _reason,
    read_pdf_text_layer,
)
from docbatch.pipeline.ocr import OcrResult, find_tessdata, get_ocr_engine
from docbatch.pipeline.options import ChunkOptions, EntityOptions, ExtractOptions

from ..conftest import in_ci

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
OPTIONS = ExtractOptions()
CITATION = "Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007)"


class FixedEngine:
    """A stand-in OCR engine that reads the same text, with the same confidence, anywhere."""

    name = "fixed"

    def __init__(self, text: str, confidence: float = 0.9) -> None:
        self.text, self.confidence = text, confidence
        self.calls = 0
        self.lock = threading.Lock()

    def recognize(self, image: Image.Image) -> OcrResult:
        with self.lock:
            self.calls += 1
        return OcrResult(self.text, self.confidence)


@pytest.fixture(scope="module")
def tesseract_options() -> ExtractOptions:
    options = ExtractOptions(ocr_engine="tesseract")
    if find_tessdata(options) is None:
        message = "English Tesseract data is not installed (apt install tesseract-ocr-eng)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return options


def mentions_of(document_text: str, pages: list[tuple[int, int, int]]) -> tuple[str, ...]:
    from docbatch.models import ExtractedDocument

    doc = ExtractedDocument("text/plain", (Page(1, document_text),))
    chunks = chunk_document(doc, ChunkOptions())
    return tuple(m.text for m in extract_mentions(document_text, chunks, pages, EntityOptions()))


# -- blank documents -------------------------------------------------------------------


def test_blank_one_page_pdf_completes_with_the_no_text_warning():
    engine = FixedEngine("")
    document = extract(documents.text_pdf([""]), OPTIONS, engine)
    assert [p.text for p in document.pages] == [""]
    assert document.warnings == (NO_TEXT_WARNING,)
    assert engine.calls == 0  # a page with nothing on it is not worth an OCR pass


@pytest.mark.parametrize(
    "data",
    [documents.png(""), documents.tiff(["", "", ""])],
    ids=["blank-png", "all-blank-tiff"],
)
def test_blank_scans_complete_with_no_text(data: bytes):
    document = extract(data, OPTIONS, FixedEngine("", confidence=0.0))
    assert all(p.text == "" and p.ocr and not p.low_confidence for p in document.pages)
    assert document.warnings == (NO_TEXT_WARNING,)


def test_entities_of_blank_text_are_none_instead_of_an_eyecite_error():
    assert extract_mentions("", (), [(1, 0, 0)], EntityOptions()) == ()
    assert extract_mentions("\n\n  \n", (), [(1, 0, 4)], EntityOptions()) == ()


def test_whitespace_only_text_file_completes_with_no_text():
    document = extract(b"   \n\n \t ", OPTIONS)
    assert document.warnings == (NO_TEXT_WARNING,)


# -- text layers are kept, OCR adds to them ----------------------------------------------


def test_a_sparse_text_layer_alone_on_its_page_is_the_page():
    engine = FixedEngine("something else entirely")
    document = extract(documents.text_pdf(["hello world"]), OPTIONS, engine)
    assert document.pages[0].text == "hello world"
    assert engine.calls == 0


def test_a_stamp_over_a_scan_yields_the_stamp_once_then_the_scanned_words():
    stamp = "Case 1:21-cv-01234 Document 12 Filed 03/04/21"
    data = documents.scanned_pdf(["The motion to dismiss is denied."], stamp=stamp)
    layer, needs_ocr = extract_text_layer(data, OPTIONS)
    assert needs_ocr == (1,) and layer.pages[0].text == stamp
    # OCR of the rendered page reads the stamp too (burned into the render).
    engine = FixedEngine(f"{stamp}\nThe motion to dismiss is denied.\n")
    page = extract(data, OPTIONS, engine).pages[0]
    assert page.text == f"{stamp}\n\nThe motion to dismiss is denied."
    assert page.ocr and page.ocr_engine == "fixed"


def test_ocr_never_replaces_a_text_layer_by_less_text():
    layer = Page(1, "Exhibit A\nwatermark CONFIDENTIAL")
    merged = merge_ocr(layer, Page(1, "Exhibit", ocr=True, ocr_engine="x", ocr_confidence=0.9))
    assert merged.text == layer.text


@settings(max_examples=200, deadline=None)
@given(
    layer=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80),
    read=st.text(max_size=80),
    confidence=st.floats(0, 1),
)
def test_merged_page_always_starts_with_its_whole_layer(layer: str, read: str, confidence: float):
    from docbatch.pipeline.textnorm import normalize_text

    layer = normalize_text(layer)
    ocr = Page(1, normalize_text(read), True, "x", confidence, confidence < 0.6 and bool(read))
    merged = merge_ocr(Page(1, layer), ocr)
    if layer.strip():
        assert merged.text.startswith(layer) and len(merged.text) >= len(layer)
    else:
        assert merged.text == ocr.text


def test_real_filed_form_with_an_ecf_stamp_yields_its_scanned_words(tesseract_options):
    data = (REAL / "ca4-appearance-stamp-over-scan.pdf").read_bytes()
    layer, needs_ocr = extract_text_layer(data, tesseract_options)
    stamp = layer.pages[0].text
    assert needs_ocr == (1,) and stamp.startswith("Appeal: 17-2218")
    page = extract(data, tesseract_options).pages[0]
    assert page.text.startswith(stamp)
    assert "APPEARANCE OF COUNSEL FORM" in page.text
    assert page.text.count("Appeal: 17-2218") == 1
    assert len(page.text) > 10 * len(stamp)


# -- low-confidence OCR ------------------------------------------------------------------


def test_low_confidence_ocr_is_kept_but_left_out_of_entities():
    document = extract(documents.scanned_pdf(["map"]), OPTIONS, FixedEngine(CITATION, 0.37))
    [page] = document.pages
    assert page.low_confidence and page.text == CITATION
    assert LOW_CONFIDENCE_WARNING in document.warnings
    spans = document.page_spans()
    chunks = chunk_document(document, ChunkOptions())
    masked = document.entity_text()
    assert len(masked) == len(document.text) and not masked.strip()
    assert extract_mentions(masked, chunks, spans, EntityOptions()) == ()
    found = extract_mentions(document.entity_text(False), chunks, spans, EntityOptions())
    assert any(m.normalized == "550 U.S. 544" for m in found)


def test_low_confidence_ocr_adds_nothing_to_a_text_layer():
    layer = Page(1, "Exhibit B")
    read = Page(1, "V1 UO|SSOH JeaU Jarry", True, "x", 0.37, True)
    merged = merge_ocr(layer, read)
    assert merged.text == "Exhibit B" and not merged.low_confidence


def test_the_confidence_threshold_is_an_option():
    data = documents.scanned_pdf(["text"])
    strict = ExtractOptions(ocr_min_confidence=0.95)
    assert extract(data, strict, FixedEngine("some words", 0.9)).pages[0].low_confidence
    assert not extract(data, OPTIONS, FixedEngine("some words", 0.9)).pages[0].low_confidence


# -- PDFs pdfium refuses -----------------------------------------------------------------


def test_a_pdf_cut_after_its_trailer_is_repaired_and_read():
    document = extract((REAL / "bug1250079.pdf").read_bytes(), OPTIONS, FixedEngine(""))
    assert document.text == "Bug 1250079"
    assert document.warnings == (REPAIRED_WARNING, TRUNCATED_WARNING)


def test_a_truncated_pdf_whose_pages_lost_their_content_stays_corrupt():
    data = documents.truncated_pdf(OPINION_PAGES, keep=0.6)
    with pytest.raises(CorruptDocumentError, match="could not repair it either") as info:
        extract(data, OPTIONS)
    assert "Success" not in str(info.value)


def test_a_truncated_pdf_that_lost_whole_pages_stays_corrupt():
    data = documents.truncated_pdf(OPINION_PAGES * 3, keep=0.6)  # 9 pages declared
    with pytest.raises(CorruptDocumentError, match="could not repair it either"):
        extract(data, OPTIONS)


def test_a_truncated_pdf_whose_pages_all_survive_is_read_with_a_warning():
    data = documents.truncated_pdf(["Some text. " * 50], keep=0.5)  # its one page is whole
    document = extract(data, OPTIONS, FixedEngine(""))
    assert document.text.startswith("Some text.")
    assert document.warnings == (REPAIRED_WARNING, TRUNCATED_WARNING)


def test_pdfium_success_is_never_a_reason():
    import pypdfium2 as pdfium

    reason = _reason(pdfium.PdfiumError("Failed to load document (PDFium: Success)."))
    assert "Success" not in reason and reason.startswith("Failed to load document")


def brotli_pdf(text: str) -> bytes:
    """A text PDF whose content streams are compressed with /BrotliDecode."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(documents.text_pdf([text]))))
    for reference in writer._objects:
        stream = reference.get_object() if reference is not None else None
        if isinstance(stream, StreamObject) and stream.get("/Type") is None:
            raw = stream.get_data()
            for key in ("/Filter", "/DecodeParms"):
                stream.pop(key, None)
            stream._data = brotli.compress(raw)
            stream[NameObject("/Filter")] = NameObject("/BrotliDecode")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_brotli_compressed_streams_are_decoded_not_read_as_blank():
    data = brotli_pdf("The Brotli filter is part of PDF 2.0 drafts.")
    assert b"/BrotliDecode" in data
    document = extract(data, OPTIONS, FixedEngine(""))
    assert document.text == "The Brotli filter is part of PDF 2.0 drafts."
    assert REPAIRED_WARNING in document.warnings


def test_the_empty_user_password_is_always_tried():
    data = documents.encrypted_pdf(["Sealed but readable."], user_password="")
    assert extract(data, OPTIONS).text == "Sealed but readable."


def test_a_short_revision_4_rc4_key_opens_with_the_empty_password_as_in_acrobat():
    # pdfium and qpdf reject the file; a 48-bit key is also one cryptography's RC4 refuses.
    data = (REAL / "rc4-48-bit-revision-4.pdf").read_bytes()
    document, _ = read_pdf_text_layer(data, ExtractOptions())
    assert document.pages[0].text.startswith("This PDF demonstrates an unusual")
    assert REPAIRED_WARNING in document.warnings


def test_a_pdf_with_no_xref_and_its_catalog_in_the_trailer_reads_as_in_pdf_js():
    # pdfium, qpdf and pypdf refuse it; pdf.js draws "Adobe tweet" in a fallback font.
    data = (REAL / "catalog-in-trailer-no-xref.pdf").read_bytes()
    document, needs_ocr = read_pdf_text_layer(data, ExtractOptions())
    assert [page.text for page in document.pages] == ["Adobe tweet"]
    assert needs_ocr == ()
    assert document.warnings == (REPAIRED_WARNING, TRUNCATED_WARNING)  # no %%EOF


def test_a_pdf_needing_a_password_fails_as_encrypted_and_names_the_empty_one():
    data = documents.encrypted_pdf(["Secret."], user_password="s3cret")
    with pytest.raises(EncryptedDocumentError, match="neither the empty password"):
        extract(data, OPTIONS)
    assert extract(data, ExtractOptions(passwords=("s3cret",))).text == "Secret."


# -- text outside the content stream -----------------------------------------------------


def test_free_text_annotations_are_read_as_marked_lines():
    document = extract((REAL / "freetexts.pdf").read_bytes(), OPTIONS, FixedEngine(""))
    lines = document.pages[0].text.splitlines()
    assert f"{ANNOTATION_PREFIX}Hello World from Acrobat" in lines
    assert f"{ANNOTATION_PREFIX}Hello World from Okular" in lines


def test_filled_form_fields_are_read_with_their_labels():
    data = (REAL / "annotation-choice-widget.pdf").read_bytes()
    text = extract(data, OPTIONS, FixedEngine("")).pages[0].text
    assert f"{FORM_PREFIX}Combo box: Dolor" in text.splitlines()
    assert text.startswith("Combo box")  # the content stream first, then the fields


def test_cjk_text_layers_survive():
    layer = Page(1, "中华人民共和国 最高人民法院")
    merged = merge_ocr(layer, Page(1, "", True, "x", 0.0))
    assert merged.text == layer.text


def test_ocr_languages_must_be_installed(tesseract_options):
    missing = ExtractOptions(ocr_engine="tesseract", ocr_languages="eng+zzz")
    assert find_tessdata(missing) is None  # only installed language data is used
    with pytest.raises(ConfigError, match="eng\\+zzz"):
        get_ocr_engine(missing)


def test_a_page_drawn_without_a_text_layer_goes_to_ocr():
    """Text converted to outlines (vector paths) has no layer: only OCR can read it."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_line_width(2)
    for row in range(10):  # strokes standing in for outlined glyphs
        pdf.line(72, 72 + row * 20, 500, 72 + row * 20)
    layer, needs_ocr = extract_text_layer(bytes(pdf.output()), OPTIONS)
    assert needs_ocr == (1,) and layer.pages[0].text == ""
