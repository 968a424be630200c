"""Bad input is refused quickly and cleanly: many-frame TIFFs, deep manifests, DOCX bombs
that lie about their sizes, and a DOCX that mentions ``%PDF-`` early on."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from PIL import TiffImagePlugin

from bench.synth import documents
from docbatch.errors import CorruptDocumentError, DocumentTooLargeError, ManifestError
from docbatch.ingest import load_manifest
from docbatch.pipeline.extract_image import read_image_layout
from docbatch.pipeline.extract_office import read_docx
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import DOCX, TIFF, sniff
from tests.hostile.corpus import lying_bomb_docx


def many_frame_tiff(frames: int) -> bytes:
    """A little-endian TIFF of ``frames`` 1x1 grey frames sharing one strip."""
    entries = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 8), (278, 3, 1, 1), (279, 4, 1, 1)]  # fmt: skip
    ifd_size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 16) + b"\x80" + b"\x00" * 7)
    for index in range(frames):
        following = 0 if index == frames - 1 else 16 + (index + 1) * ifd_size
        out += struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            out += struct.pack("<HHII", tag, kind, count, value)
        out += struct.pack("<I", following)
    return bytes(out)


def test_a_tiff_with_100000_frames_is_refused_after_reading_past_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = many_frame_tiff(100_000)
    assert sniff(data) == TIFF
    seeks: list[int] = []
    original = TiffImagePlugin.TiffImageFile.seek

    def counting_seek(self: TiffImagePlugin.TiffImageFile, frame: int) -> None:
        seeks.append(frame)
        original(self, frame)

    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "seek", counting_seek)
    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "n_frames", property(lambda _: 1 / 0))

    with pytest.raises(DocumentTooLargeError, match="more than 50 frames"):
        read_image_layout(data, TIFF, ExtractOptions(max_pages=50))
    assert max(seeks) <= 51


def test_a_tiff_under_the_cap_keeps_every_frame() -> None:
    document, ocr = read_image_layout(many_frame_tiff(7), TIFF, ExtractOptions(max_pages=7))
    assert [p.number for p in document.pages] == list(range(1, 8)) and ocr == tuple(range(1, 8))


def test_a_deeply_nested_manifest_is_a_manifest_error(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"documents": ' + "[" * 100_000 + "]" * 100_000 + "}")

    with pytest.raises(ManifestError, match="nests too deeply"):
        load_manifest(manifest)


def test_a_docx_bomb_lying_about_its_size_is_refused_without_inflating_it() -> None:
    data = lying_bomb_docx(128 << 20)  # declares 1,000 bytes, inflates to 128 MiB

    tracemalloc.start()
    try:
        with pytest.raises((DocumentTooLargeError, CorruptDocumentError)):
            read_docx(data, ExtractOptions(max_file_bytes=64 << 20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak {peak:,} bytes"


def test_a_docx_with_pdf_magic_in_its_first_kib_is_a_docx() -> None:
    buffer = io.BytesIO()
    original = io.BytesIO(documents.docx(["The court held."]))
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(buffer, "w") as target:
        target.writestr("aaa-note.txt", "%PDF-1.7 this is not a PDF")  # stored, in clear
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    data = buffer.getvalue()
    assert b"%PDF-" in data[:1024]

    assert sniff(data) == DOCX
    assert "The court held." in read_docx(data, ExtractOptions()).pages[0].text
