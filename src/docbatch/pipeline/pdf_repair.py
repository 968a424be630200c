"""A second opinion for PDFs that pdfium refuses: rewrite them with qpdf, pypdf or a scan.

pdfium is strict where other readers are lenient. Real files that pdf.js and poppler open
can fail in pdfium: a damaged cross-reference table, a page tree with a direct page
dictionary, an encryption dictionary pdfium rejects, or streams compressed with a filter
pdfium does not know (``/BrotliDecode``). :func:`repair_pdf` rewrites such a file with a
second engine so that pdfium can read the result:

1. **qpdf** (through pikepdf) reconstructs damaged cross-reference tables and writes a
   clean file, decrypted when a password opens it;
2. **pypdf** parses leniently, decodes ``/BrotliDecode`` streams (with the ``brotli``
   package) and writes the objects out again. It also opens RC4 files that qpdf refuses:
   any key length the format allows, and Acrobat's zero-padded short keys of revision 4.
3. **a scan** of the bytes (:mod:`docbatch.pipeline.pdf_rebuild`) rebuilds files with no
   cross-reference data that both refuse, such as a catalog written inline in the
   trailer, as pdf.js does when it indexes a file's objects.

The result is only ever a copy handed back to pdfium; the original bytes are what the
document's sha256 names. Nothing here raises for a bad file: the caller keeps pdfium's
own error when no engine produces a readable copy.

A **truncated** file (no ``%%EOF`` near its end) is repaired only when the copy holds as
many pages as the file's page tree declares, each with its content stream: a cut-off
copy whose last pages were lost, or lost their content, would otherwise pass for a
shorter document or one with blank pages. Such a file stays corrupt.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

__all__ = ["has_unknown_filters", "is_truncated", "repair_pdf"]

log = logging.getLogger(__name__)

_Repairer = Callable[[bytes, Sequence[str]], bytes | None]
#: Where the end-of-file marker must appear for a file not to count as truncated.
_EOF_WINDOW = 1024
_PAGES_NODE = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d{1,7})\b")
#: Held while pypdf's RC4 functions are swapped (see :func:`_any_rc4_key_length`).
_RC4_SWAP = threading.Lock()


def has_unknown_filters(data: bytes) -> bool:
    """True when ``data`` names a stream filter pdfium cannot decode.

    pdfium opens such a file but reads its pages as blank; it is rewritten first.
    """
    return b"/BrotliDecode" in data


def is_truncated(data: bytes) -> bool:
    """True when ``data`` lacks the ``%%EOF`` marker a complete PDF ends with."""
    return b"%%EOF" not in data[-_EOF_WINDOW:]


def repair_pdf(data: bytes, passwords: Sequence[str] = ()) -> bytes | None:
    """A rewritten copy of ``data`` that a strict reader is more likely to open, or None.

    ``passwords`` are tried after the empty one on encrypted files; the copy is written
    without encryption. Each engine's failure is logged at debug level only: a file no
    engine can read is an ordinary corrupt document, not an event.
    """
    engines: list[tuple[str, _Repairer]] = [("qpdf", _with_qpdf), ("pypdf", _with_pypdf)]
    if has_unknown_filters(data):
        engines.reverse()  # qpdf copies streams it cannot decode as they are
    else:  # the scan copies streams as they are too: last, and not for unknown filters
        engines.append(("scan", _with_scan))
    for name, repairer in engines:
        try:
            repaired = repairer(data, passwords)
        except Exception as exc:  # any engine failure means "try the next engine"
            log.debug("%s could not rewrite the PDF: %s", name, exc)
            continue
        if repaired and (not is_truncated(data) or _nothing_lost(data, repaired, passwords)):
            return repaired
    return None


def _with_qpdf(data: bytes, passwords: Sequence[str]) -> bytes | None:
    try:
        import pikepdf
    except ImportError:  # pragma: no cover - a dependency; absent only in broken installs
        return None
    for password in ("", *passwords):
        try:
            with pikepdf.open(io.BytesIO(data), password=password) as pdf:
                if len(pdf.pages) == 0:
                    return None
                _make_indirect(pdf, ("/Root", "/Info"))
                out = io.BytesIO()
                pdf.save(out)
                return out.getvalue()
        except pikepdf.PasswordError:
            continue
    return None


def _make_indirect(pdf: object, keys: Sequence[str]) -> None:
    """Write trailer entries given inline (``/Root << ... >>``) as objects.

    qpdf reads a catalog written into the trailer and keeps it there when it saves;
    pdfium refuses a trailer whose ``/Root`` is not a reference.
    """
    trailer = pdf.trailer  # type: ignore[attr-defined]
    for key in keys:
        value = trailer.get(key)
        if value is not None and not value.is_indirect:
            trailer[key] = pdf.make_indirect(value)  # type: ignore[attr-defined]


def _with_scan(data: bytes, passwords: Sequence[str]) -> bytes | None:
    """The file rebuilt from its objects; still encrypted, so pdfium gets the passwords."""
    from docbatch.pipeline.pdf_rebuild import rebuild_pdf

    return rebuild_pdf(data)


def _nothing_lost(original: bytes, repaired: bytes, passwords: Sequence[str]) -> bool:
    """True when ``repaired`` has every page ``original`` declares, each with content.

    The scan's copy is still encrypted, hence the passwords. A page whose content stream
    was cut off (a reference to nothing) has no content.
    """
    import pikepdf

    for password in ("", *passwords):
        try:
            with pikepdf.open(io.BytesIO(repaired), password=password) as pdf:
                pages = len(pdf.pages)
                contents = all(_has_content(page.obj) for page in pdf.pages)
        except pikepdf.PasswordError:
            continue
        except pikepdf.PdfError:
            return False
        return contents and pages >= _declared_pages(original)
    return False


def _has_content(page: object) -> bool:
    """True when a page's ``/Contents`` is a stream, or an array of streams."""
    import pikepdf

    contents = page.get("/Contents")  # type: ignore[attr-defined]
    if isinstance(contents, pikepdf.Array):
        return len(contents) > 0 and all(isinstance(part, pikepdf.Stream) for part in contents)
    return isinstance(contents, pikepdf.Stream)


def _declared_pages(data: bytes) -> int:
    """The largest ``/Count`` of a page tree node readable in ``data`` (0 if none).

    Page tree nodes inside compressed object streams are not seen; the check is then
    only that every page found has its content.
    """
    counts = [0]
    for node in _PAGES_NODE.finditer(data):
        window = data[max(0, node.start() - 400) : node.end() + 400]
        counts.extend(int(found) for found in _COUNT.findall(window))
    return max(counts)


def _with_pypdf(data: bytes, passwords: Sequence[str]) -> bytes | None:
    import pypdf
    from pypdf.generic import StreamObject

    with _quiet("pypdf"), _any_rc4_key_length():
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not any(
            reader.decrypt(p) for p in ("", *passwords)
        ):  # pragma: no cover - decrypt raises or returns 0 for a wrong password
            return None
    with _quiet("pypdf"):
        if reader.is_encrypted:
            _pad_short_revision_4_key(reader)
        if len(reader.pages) == 0:
            return None
        writer = pypdf.PdfWriter(clone_from=reader)
        for reference in writer._objects:
            stream = reference.get_object() if reference is not None else None
            if isinstance(stream, StreamObject) and _unknown_to_pdfium(stream):
                _store_decoded(stream)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


@contextmanager
def _any_rc4_key_length() -> Iterator[None]:
    """pypdf's password checks with an RC4 that takes any key length.

    pypdf's default RC4 (from ``cryptography``) refuses key lengths such as 48 bits that
    the PDF format allows (40 to 128 bits in steps of 8) and that real files use. Its
    pure-Python RC4 gives the same results for every length; it is swapped in only while
    a password is checked (a few short strings), under a lock.
    """
    from pypdf import _encryption
    from pypdf._crypt_providers import _fallback

    with _RC4_SWAP:
        saved = _encryption.rc4_decrypt, _encryption.rc4_encrypt
        _encryption.rc4_decrypt = _fallback.rc4_decrypt
        _encryption.rc4_encrypt = _fallback.rc4_encrypt
        try:
            yield
        finally:
            _encryption.rc4_decrypt, _encryption.rc4_encrypt = saved


def _pad_short_revision_4_key(reader: object) -> None:
    """Extend a revision-4 file key shorter than 16 bytes with zero bytes, as Acrobat does.

    Files with ``/V 4 /R 4`` and a key under 128 bits (InDesign writes them) decrypt in
    Acrobat and pdf.js only with the key padded to 16 bytes; the format does not say so
    (pdf.js issue 19484). Without the padding every stream decrypts to noise.
    """
    encryption = getattr(reader, "_encryption", None)
    key = getattr(encryption, "_key", None)
    if encryption is None or not key or getattr(encryption, "V", 0) != 4 or len(key) >= 16:
        return
    encryption._key = key + bytes(16 - len(key))
    encryption.Length = 128


def _filters(stream: object) -> list[str]:
    value = stream.get("/Filter")  # type: ignore[attr-defined]
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _unknown_to_pdfium(stream: object) -> bool:
    return "/BrotliDecode" in _filters(stream)


def _store_decoded(stream: object) -> None:
    """Replace a stream's filtered data by its decoded bytes, with no filter."""
    decoded = stream.get_data()  # type: ignore[attr-defined]
    for key in ("/Filter", "/DecodeParms"):
        if key in stream:  # type: ignore[operator]
            del stream[key]  # type: ignore[attr-defined]
    stream._data = decoded  # type: ignore[attr-defined]


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's warnings about the damage it is working around."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
