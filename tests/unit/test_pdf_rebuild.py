"""PDFs with no cross-reference data, rebuilt from the objects a scan of their bytes finds.

The real file of this class is tested in ``test_real_documents``; these are synthetic
variants of what pdf.js opens and qpdf, pypdf and pdfium refuse, and the limits that keep
the scan from turning a cut or hostile file into a document.
"""

from __future__ import annotations

import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from docbatch.errors import CorruptDocumentError
from docbatch.pipeline import pdf_rebuild
from docbatch.pipeline.extract_pdf import REPAIRED_WARNING, read_pdf_text_layer
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.pdf_rebuild import rebuild_pdf

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
TEXT = b"BT /F1 24 Tf 72 700 Td (Plaintiff moved to dismiss.) Tj ET"
FONT = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"
#: A page dictionary with no ``/Type``: pdf.js takes a kid with no ``/Kids`` for a page.
PAGE = b"<</Parent 1 0 R/MediaBox[0 0 612 792]/Contents 3 0 R/Resources<</Font<</F1 4 0 R>>>>>>"
PAGES = b"<</Type/Pages/Count 1/Kids[2 0 R]>>"


def objects_only(*bodies: bytes, tail: bytes = b"") -> bytes:
    """A PDF of numbered objects (1, 2, ...) with no xref table, then ``tail``."""
    numbered = (b"%d 0 obj\n%s\nendobj\n" % (n, body) for n, body in enumerate(bodies, 1))
    return b"%PDF-1.4\n" + b"".join(numbered) + tail


def stream(data: bytes, head: bytes = b"<<>>") -> bytes:
    """A stream object's body; with the default head it has no ``/Length``."""
    return head + b"\nstream\n" + data + b"\nendstream"


def scanned_text(data: bytes) -> list[str]:
    """What pdfium reads from the scan's copy of ``data`` alone, with no other engine."""
    rebuilt = rebuild_pdf(data)
    assert rebuilt is not None
    document = pdfium.PdfDocument(rebuilt)
    return [page.get_textpage().get_text_range() for page in document]


def text_of(data: bytes) -> list[str]:
    """The pages' text as the extractor reads it (pdfium, then the repair engines)."""
    document, _ = read_pdf_text_layer(data, ExtractOptions())
    assert REPAIRED_WARNING in document.warnings
    return [page.text for page in document.pages]


def test_a_catalog_written_inline_in_the_trailer_is_read():
    data = objects_only(
        PAGES, PAGE, stream(TEXT), FONT, tail=b"trailer\n<</Root<</Pages 1 0 R>>>>\n%%EOF\n"
    )
    assert text_of(data) == ["Plaintiff moved to dismiss."]


def test_an_inline_info_dictionary_keeps_the_metadata():
    tail = b"trailer<</Info<</Title(Motion to dismiss)>>/Root<</Pages 1 0 R>>>>\n%%EOF\n"
    data = objects_only(PAGES, PAGE, stream(TEXT), FONT, tail=tail)
    document, _ = read_pdf_text_layer(data, ExtractOptions())
    assert document.metadata.get("title") == "Motion to dismiss"


def test_with_no_trailer_the_catalog_object_is_found():
    pages = b"<</Type/Pages/Count 1/Kids[" + PAGE + b"]>>"
    catalog = b"<</Type/Catalog/Pages 1 0 R>>"
    data = objects_only(pages, b"null", stream(TEXT), FONT, catalog, tail=b"%%EOF\n")
    assert scanned_text(data) == ["Plaintiff moved to dismiss."]  # qpdf reads it too
    assert text_of(data) == ["Plaintiff moved to dismiss."]


def test_an_object_missing_its_endobj_ends_where_the_next_one_begins():
    bodies = (PAGES, PAGE, stream(TEXT), FONT)
    numbered = b"".join(b"%d 0 obj\n%s\n" % (n, body) for n, body in enumerate(bodies, 1))
    data = b"%PDF-1.4\n" + numbered + b"trailer<</Root<</Pages 1 0 R>>>>\n%%EOF\n"
    assert b"endobj" not in data
    assert text_of(data) == ["Plaintiff moved to dismiss."]


def test_a_wrong_stream_length_is_replaced_by_the_true_one():
    content = stream(TEXT, head=b"<</Length 9999>>")
    data = objects_only(
        PAGES, PAGE, content, FONT, tail=b"trailer<</Root<</Pages 1 0 R>>>>\n%%EOF\n"
    )
    rebuilt = rebuild_pdf(data)
    assert rebuilt is not None and b"<</Length %d>>" % len(TEXT) in rebuilt
    assert text_of(data) == ["Plaintiff moved to dismiss."]


def test_the_rebuilt_copy_has_a_valid_xref_for_every_object():
    tail = b"trailer<</Root<</Pages 1 0 R>>>>"
    data = objects_only(PAGES, PAGE, stream(TEXT), FONT, tail=tail)
    assert scanned_text(data) == ["Plaintiff moved to dismiss."]


def test_a_page_whose_content_stream_was_cut_off_stays_corrupt():
    cut = objects_only(PAGES, PAGE, b"<</Type/Catalog/Pages 1 0 R>>", FONT) + (
        b"3 0 obj<</Length 500>>stream\nBT /F1 24 Tf 72 700 Td (Plaintiff mo"
    )
    with pytest.raises(CorruptDocumentError, match="could not repair it either"):
        read_pdf_text_layer(cut, ExtractOptions())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4\n",
        b"%PDF-1.4\n1 0 obj\n<</Pages 2 0 R>>",  # runs into the end of the file
        objects_only(PAGES, PAGE),  # no catalog anywhere
        objects_only(b"<</Type/ObjStm/N 1/First 4>>", tail=b"trailer<</Root<</Pages 1 0 R>>>>"),
    ],
    ids=["empty", "header", "cut-object", "no-catalog", "object-stream"],
)
def test_files_with_nothing_to_rebuild_from_give_none(data: bytes):
    assert rebuild_pdf(data) is None


def test_more_objects_than_the_cap_give_none(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pdf_rebuild, "MAX_OBJECTS", 3)
    catalog = b"<</Type/Catalog/Pages 1 0 R>>"
    assert rebuild_pdf(objects_only(PAGES, PAGE, stream(TEXT), FONT, catalog)) is None


@pytest.mark.parametrize(
    "data",
    [
        b"1 0 obj<<>>stream\n" * 100_000 + b"endstream",
        b"1 0 obj [ stream\n" * 100_000,
        b"1 0 obj<</Pages 2 0 R>>endobj\n" + b"trailer<<(" * 100_000,
        b"1 0 obj<</Pages 2 0 R>>endobj\ntrailer" + b"<<" * 100_000,
        b"1" + b" " * 2_000_000 + b"0 obj",
        b"1 0 obj<</Pages 2 0 R" + b"/Contents[" * 500_000 + b">>endobj",
    ],
    ids=["streams", "bad-streams", "open-strings", "deep-dicts", "long-space", "open-contents"],
)
def test_hostile_scans_stay_linear_and_give_none(data: bytes):
    started = time.monotonic()
    assert rebuild_pdf(data) is None
    assert time.monotonic() - started < 5.0  # each takes well under a second; n² takes minutes


def test_a_page_whose_content_the_scan_lost_is_not_read_as_blank():
    # The file ends properly, but the content stream lost its "endstream": left out.
    broken = b"<<>>\nstream\n" + TEXT + b"\n"
    tail = b"trailer<</Root<</Pages 1 0 R>>>>\n%%EOF\n"
    assert rebuild_pdf(objects_only(PAGES, PAGE, broken, FONT, tail=tail)) is None
    real = (REAL / "catalog-in-trailer-no-xref.pdf").read_bytes()
    with pytest.raises(CorruptDocumentError, match="could not repair it either"):
        read_pdf_text_layer(real.replace(b"endstream", b""), ExtractOptions())


def test_a_page_with_no_contents_at_all_is_read_as_the_blank_page_it_is():
    page = b"<</Parent 1 0 R/MediaBox[0 0 612 792]>>"
    tail = b"trailer<</Root<</Pages 1 0 R>>>>\n%%EOF\n"
    assert text_of(objects_only(PAGES, page, tail=tail)) == [""]
