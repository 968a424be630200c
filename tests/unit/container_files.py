"""Container files for tests, built at run time and cheaply (no 10 GB is ever written).

- :func:`bomb_zip`: about 10 KB that declares (ZIP64) one member of 10 GB; its deflate
  stream really inflates to 10 MB of zeros, ten times the ratio floor;
- :func:`lying_zip`: a member whose headers declare 1 KB but whose stream inflates to
  10 MB;
- :func:`many_members_zip`: ``count`` empty stored members, written record by record;
- :func:`flag_encrypted`: a ZIP with one member marked encrypted;
- :func:`text_pdf`: a one-page PDF with a text layer.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

__all__ = [
    "bomb_zip",
    "flag_encrypted",
    "lying_zip",
    "many_members_zip",
    "text_pdf",
    "zip_with_records",
]

TEN_GB = 10 * 1024**3
_ZEROS = 10 * 1024 * 1024


def _deflated_zeros(size: int) -> tuple[bytes, int]:
    zeros = b"\0" * size
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(zeros) + packer.flush(), zlib.crc32(zeros)


def zip_with_records(
    records: list[tuple[bytes, bytes, int, int, int, int]], *, zip64: bool = False
) -> bytes:
    """A ZIP of ``(name, stream, method, crc, compressed, declared)`` records, with the
    sizes written as given (ZIP64 extra fields when ``zip64``)."""
    body, central = bytearray(), bytearray()
    for name, stream, method, crc, compressed, declared in records:
        offset = len(body)
        extra = b""
        small_c, small_d = compressed, declared
        if zip64:
            extra = struct.pack("<HHQQ", 1, 16, declared, compressed)
            small_c = small_d = 0xFFFFFFFF
        version = 45 if zip64 else 20
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, version, 0, method, 0, 0, crc, small_c, small_d,
            len(name), len(extra),
        ) + name + extra + stream  # fmt: skip
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0, method, 0, 0, crc,
            small_c, small_d, len(name), len(extra), 0, 0, 0, 0, offset,
        ) + name + extra  # fmt: skip
    count = len(records)
    if count > 0xFFFF:
        return bytes(body + central + _zip64_end(count, len(central), len(body)))
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(body), 0)
    return bytes(body + central + end)


def _zip64_end(count: int, size: int, offset: int) -> bytes:
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, offset + size, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return record + locator + end


def bomb_zip() -> bytes:
    """About 10 KB declaring one member, ``zeros.bin``, of 10 GB."""
    stream, crc = _deflated_zeros(_ZEROS)
    return zip_with_records([(b"zeros.bin", stream, 8, crc, len(stream), TEN_GB)], zip64=True)


def lying_zip() -> bytes:
    """One member, ``small.txt``, declared 1 KB (and 10 MB compressed, so its declared
    ratio looks harmless) whose stream inflates to 10 MB of zeros."""
    stream, crc = _deflated_zeros(_ZEROS)
    return zip_with_records([(b"small.txt", stream, 8, crc, len(stream), 1024)])


def many_members_zip(count: int) -> bytes:
    """``count`` empty stored members named ``m000001.txt``, ... ."""
    empty_crc = zlib.crc32(b"")
    records = [(f"m{i:06d}.txt".encode(), b"", 0, empty_crc, 0, 0) for i in range(count)]
    return zip_with_records(records)


def flag_encrypted(data: bytes, name: str) -> bytes:
    """``data`` with the encryption bit set on member ``name`` (zipfile cannot write it)."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    patched[info.header_offset + 6] |= 0x1  # the local header's flags
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    patched[central + 8] |= 0x1  # the central directory's flags
    return bytes(patched)


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text``."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 14, text)
    return bytes(pdf.output())
