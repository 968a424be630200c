"""A corpus of hostile documents, generated in well under a second, with what each must become.

:func:`write_corpus` writes every case of :data:`CASES` into a folder; each
:class:`HostileCase` says whether the document completes (and a phrase its text must hold)
or fails (with the category, code and a phrase of the reason). The bombs are built by
hand, not by compressing gigabytes: one compressed block of spaces repeats with a sync
flush between copies, and the checksums are computed in closed form or chunk by chunk.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.synth import documents

#: The password of ``encrypted-known.pdf``; the batch is configured with it.
KNOWN_PASSWORD = "hostile-known-pw"
#: Text of the well-formed PDFs (broken xref, encrypted), checked after extraction.
PDF_PAGES = ("The court held that the contract was void. Smith v. Jones, 12 F.3d 345.",)
SHIFT_JIS_TEXT = "東京地方裁判所は、契約が無効であると判断した。被告は控訴した。" * 20
UTF16_TEXT = "The appellate court affirmed the judgment of the district court.\n" * 40
BOMB_BYTES = 2 << 30  # what the FlateDecode and zip bombs inflate to
_CHUNK = 1 << 24


@dataclass(frozen=True)
class HostileCase:
    """One hostile file and the terminal state it must reach."""

    name: str
    build: Callable[[], bytes]
    state: str  # "completed" or "failed"
    category: str | None = None
    code: str | None = None
    #: A phrase of the failure reason, or of the extracted text for completed documents.
    phrase: str = ""


def deflate_bomb(size: int, *, raw: bool = False) -> bytes:
    """A Deflate stream (zlib-wrapped unless ``raw``) that inflates to ``size`` spaces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(b" " * _CHUNK) + compressor.flush(zlib.Z_SYNC_FLUSH)
    # With the window full of spaces every further chunk compresses to the same bytes.
    repeat = compressor.compress(b" " * _CHUNK) + compressor.flush(zlib.Z_SYNC_FLUSH)
    body = first + repeat * (size // _CHUNK - 1) + b"\x03\x00"  # an empty final block
    if raw:
        return body
    total, byte = (size // _CHUNK) * _CHUNK, ord(" ")
    low = (1 + total * byte) % 65521
    high = (total + byte * total * (total + 1) // 2) % 65521
    return b"\x78\xda" + body + struct.pack(">I", high << 16 | low)


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF with these object bodies (object 1 is the catalog) and a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def flate_bomb_pdf() -> bytes:
    """One page whose content stream is 2 MB of Flate that inflates to 2 GiB."""
    stream = deflate_bomb(BOMB_BYTES)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        ]
    )


def many_pages_pdf(count: int = 10_000) -> bytes:
    """``count`` empty letter pages."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(count))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * count
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            *pages,
        ]
    )


def xobject_laughs_pdf(depth: int = 9, fan: int = 10) -> bytes:
    """A "billion laughs" of form XObjects: each form draws the next ``fan`` times.

    pdfium expands every use, so ``10 ** (depth - 1)`` drawings fill memory within seconds.
    """
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    page += b" /Resources << /XObject << /X 6 0 R >> >> >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    objects += [page, _stream(b"q /X Do Q"), font]
    for level in range(depth):
        if level == depth - 1:
            body, resources = b"BT /F1 12 Tf 72 720 Td (lol) Tj ET", b"<< /Font << /F1 5 0 R >> >>"
        else:
            body = b" ".join([b"q /X Do Q"] * fan)
            resources = b"<< /XObject << /X %d 0 R >> >>" % (7 + level)
        header = b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + resources
        objects.append(_stream(body, header))
    return pdf_from_objects(objects)


def dense_pdf(count: int = 2000) -> bytes:
    """``count`` pages of 18,000 characters each: legitimate, but slow to read (~12 ms/page)."""
    line = b"(" + b"The quick brown fox jumps over the lazy dog 0123456789 " * 3 + b") '"
    content = b"BT /F1 6 Tf 7 TL 10 780 Td " + b" ".join([line] * 110) + b" ET"
    kids = b" ".join(b"%d 0 R" % (n + 5) for n in range(count))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
    page += b" /Resources << /Font << /F1 4 0 R >> >> >>"
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            _stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *[page] * count,
        ]
    )


def _stream(body: bytes, header: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (header, len(body), body)


def broken_xref_pdf() -> bytes:
    """A valid text PDF whose xref entries all point at byte 1 (readers must rebuild it)."""
    data = documents.text_pdf(PDF_PAGES)
    start = data.rindex(b"\nxref\n") + 1
    end = data.index(b"trailer", start)
    # Same length, so startxref still finds the table; only the entries lie.
    table = re.sub(rb"\d{10} (\d{5}) n", rb"0000000001 \1 n", data[start:end])
    return data[:start] + table + data[end:]


def zip_bomb_docx() -> bytes:
    """A DOCX whose word/document.xml declares and inflates to 2 GiB."""
    body = deflate_bomb(BOMB_BYTES, raw=True)
    crc = 0
    block = b" " * _CHUNK
    for _ in range(BOMB_BYTES // _CHUNK):
        crc = zlib.crc32(block, crc)
    name = b"word/document.xml"
    size = BOMB_BYTES  # fits the 32-bit fields (< 4 GiB)
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), size, len(name), 0
    )
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(body), size,
        len(name), 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    directory_offset = len(local) + len(name) + len(body)
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), directory_offset, 0
    )
    return local + name + body + central + name + end


def zip_of(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of ``(name, raw deflate body, crc, declared size)`` members, as given."""
    local_part, central_part = b"", b""
    for name, body, crc, size in members:
        encoded = name.encode()
        offset = len(local_part)
        local_part += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), size,
            len(encoded), 0,
        ) + encoded + body  # fmt: skip
        central_part += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(body), size,
            len(encoded), 0, 0, 0, 0, 0, offset,
        ) + encoded  # fmt: skip
    count = len(members)
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central_part), len(local_part), 0
    )
    return local_part + central_part + end


def lying_bomb_docx(size: int, declared: int = 1000) -> bytes:
    """A real DOCX whose word/document.xml declares ``declared`` bytes but inflates to
    ``size``: the declared sizes pass any check of them."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(documents.docx(["The court held."])))
    members = []
    for info in source.infolist():
        data = source.read(info)
        if info.filename == "word/document.xml":
            members.append((info.filename, deflate_bomb(size, raw=True), 0, declared))
            continue
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = compressor.compress(data) + compressor.flush()
        members.append((info.filename, body, zlib.crc32(data), len(data)))
    return zip_of(members)


def big_attribute_html(size: int = 50 << 20) -> bytes:
    """An HTML page with one 50 MB attribute between two paragraphs of real text."""
    return (
        b"<!DOCTYPE html><html><head><title>Big</title></head><body>"
        b'<p>Before the attribute.</p><div data-x="' + b"A" * size + b'">'
        b"After the attribute.</div></body></html>"
    )


def random_bytes(size: int = 64 * 1024, seed: int = 8) -> bytes:
    """Deterministic random bytes (named ``.pdf`` in the corpus)."""
    return random.Random(seed).randbytes(size)


CASES: tuple[HostileCase, ...] = (
    HostileCase("zero-bytes.pdf", lambda: b"", "failed", "data", "empty", "empty"),
    HostileCase("random-bytes.pdf", random_bytes, "failed", "data", "unsupported_type", "binary"),
    # Cut after its pages: qpdf rebuilds the file and every page is read (pdf_truncated).
    HostileCase(
        "truncated-after-its-pages.pdf",
        lambda: documents.truncated_pdf(PDF_PAGES * 3, keep=0.6),
        "completed",
        phrase="contract was void",
    ),
    # Cut inside its first page: nothing to rebuild from.
    HostileCase(
        "truncated.pdf",
        lambda: documents.truncated_pdf(PDF_PAGES * 3, keep=0.1),
        "failed",
        "data",
        "corrupt",
        "PDF",
    ),
    HostileCase("broken-xref.pdf", broken_xref_pdf, "completed", phrase="contract was void"),
    HostileCase(
        "encrypted-known.pdf",
        lambda: documents.encrypted_pdf(PDF_PAGES, user_password=KNOWN_PASSWORD),
        "completed",
        phrase="Smith v. Jones",
    ),
    HostileCase(
        "encrypted-unknown.pdf",
        lambda: documents.encrypted_pdf(PDF_PAGES, user_password="nobody-knows-this"),
        "failed",
        "data",
        "encrypted",
        "encrypted",
    ),
    HostileCase("pages-10000.pdf", many_pages_pdf, "failed", "data", "too_large", "10000 pages"),
    HostileCase(
        "flate-bomb.pdf", flate_bomb_pdf, "failed", "data", "memory_limit", "parser exceeded"
    ),
    HostileCase(
        "xobject-laughs.pdf",
        xobject_laughs_pdf,
        "failed",
        "data",
        "memory_limit",
        "parser exceeded",
    ),
    HostileCase(
        "dense-2000-pages.pdf", dense_pdf, "failed", "timeout", "timeout", "parser ran over"
    ),
    HostileCase(
        "huge-dimensions.png",
        lambda: documents.bomb_png(100_000, 100_000),
        "failed",
        "data",
        "too_large",
        "10000000000 pixels",
    ),
    HostileCase("zip-bomb.docx", zip_bomb_docx, "failed", "data", "too_large", "unpacks to"),
    HostileCase(
        "shift-jis.txt",
        lambda: SHIFT_JIS_TEXT.encode("shift_jis"),
        "completed",
        phrase="東京地方裁判所",
    ),
    HostileCase(
        "utf16-no-bom.txt",
        lambda: UTF16_TEXT.encode("utf-16-le"),
        "completed",
        phrase="appellate court affirmed",
    ),
    HostileCase(
        "big-attribute.html", big_attribute_html, "completed", phrase="After the attribute."
    ),
)


def write_corpus(folder: Path, cases: tuple[HostileCase, ...] = CASES) -> dict[str, HostileCase]:
    """Write every case into ``folder``; return the cases by resolved path."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for case in cases:
        path = folder / case.name
        path.write_bytes(case.build())
        written[str(path.resolve())] = case
    return written
