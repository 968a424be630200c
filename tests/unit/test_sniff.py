"""Type detection from content: magic numbers, text heuristics, refusals."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synth import documents
from docbatch.errors import (
    CorruptDocumentError,
    DocbatchError,
    EmptyDocumentError,
    UnsupportedTypeError,
)
from docbatch.pipeline.sniff import (
    DOCX,
    HTML,
    JPEG,
    PDF,
    PNG,
    SUPPORTED_TYPES,
    TEXT,
    TIFF,
    detect_encoding,
    sniff,
)


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (8, 8), 255).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: documents.text_pdf(["Page one."]), PDF),
        (lambda: documents.docx(["A paragraph."]), DOCX),
        (lambda: documents.html(["A paragraph."], "Title"), HTML),
        (lambda: documents.text_file("Plain words.\n", "utf-8"), TEXT),
        (lambda: documents.png("Hi"), PNG),
        (_jpeg, JPEG),
        (lambda: documents.tiff(["One", "Two"]), TIFF),
    ],
    ids=["pdf", "docx", "html", "text", "png", "jpeg", "tiff"],
)
def test_sniff_detects_each_supported_type(make, expected):
    assert sniff(make()) == expected


def test_pdf_header_after_leading_junk_is_still_pdf():
    assert sniff(b"\r\n\x00garbage" + documents.text_pdf(["x"])) == PDF


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf  \n<!DOCTYPE html><html><body>x</body></html>",
        b"\n\n   <html lang='en'><p>x</p></html>",
        b"<?xml version='1.0'?>\n<!-- c -->\n<html xmlns='http://www.w3.org/1999/xhtml'>",
        b"<BODY>shouting</BODY>",
        "<!doctype html><p>utf-16</p>".encode("utf-16"),
    ],
)
def test_html_is_detected_by_leading_tags_after_whitespace_and_bom(data):
    assert sniff(data) == HTML


def test_text_that_mentions_html_later_is_plain_text():
    assert sniff(b"The exhibit was an <html> page printed out.") == TEXT


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Section \u00a7 78j(b) applies.", "utf-16"),
        ("Section \u00a7 78j(b) applies to the caf\u00e9 owner.", "cp1252"),
        ("Plain ASCII only.", "ascii"),
        ("UTF-8 \u00a7 with a BOM.", "utf-8-sig"),
    ],
)
def test_encoded_text_is_plain_text(text, encoding):
    assert sniff(text.encode(encoding)) == TEXT


def test_utf16_without_bom_is_recognised_as_text():
    data = ("The defendant moved to dismiss the complaint. " * 5).encode("utf-16-le")
    assert detect_encoding(data) is not None
    assert sniff(data) == TEXT


def test_empty_file_is_an_empty_document():
    with pytest.raises(EmptyDocumentError):
        sniff(b"")


def test_random_bytes_are_unsupported():
    data = random.Random(1).randbytes(4096)
    with pytest.raises(UnsupportedTypeError):
        sniff(data)


def test_zip_without_word_document_is_a_container():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data/records.csv", "a,b\n1,2\n")
    assert sniff(out.getvalue()) == "application/zip"


def test_broken_zip_is_corrupt():
    with pytest.raises(CorruptDocumentError):
        sniff(b"PK\x03\x04" + b"\x00" * 64)


def test_broken_ole2_file_is_corrupt():
    with pytest.raises(CorruptDocumentError, match="OLE2"):
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)


@pytest.mark.parametrize("data", [b"GIF89a....", b"\x1f\x8b\x08\x00...."], ids=["gif", "gzip"])
def test_known_unsupported_formats_say_what_they_are(data):
    with pytest.raises(UnsupportedTypeError, match="not supported"):
        sniff(data)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(
        [
            *(b"", b"PK\x03\x04", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"II*\x00"),
            *(
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                b"{\\rtf1",
                b"\xffWPC",
                b"From: a\nReceived: b\n",
            ),
        ]
    ),
    body=st.binary(max_size=2048),
)
def test_sniff_raises_only_docbatch_errors(prefix, body):
    try:
        result = sniff(prefix + body)
    except DocbatchError:
        return
    assert result in SUPPORTED_TYPES
