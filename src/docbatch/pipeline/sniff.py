"""Detect a document's type from its bytes, never from its file name.

:func:`sniff` looks at magic numbers first (PDF, PNG, JPEG, TIFF, ZIP-based DOCX, any
other ZIP file as a container), then decides whether the bytes are text at all and, if
so, whether that text is HTML or other XML markup.
:func:`detect_encoding` is the same text heuristic, reused by the plain-text extractor.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from docbatch.errors import CorruptDocumentError, EmptyDocumentError, UnsupportedTypeError

__all__ = [
    "DOC",
    "DOCX",
    "EML",
    "HTML",
    "JPEG",
    "MSG",
    "PDF",
    "PNG",
    "RTF",
    "SUPPORTED_TYPES",
    "TEXT",
    "TIFF",
    "WPD",
    "XML",
    "ZIP",
    "detect_encoding",
    "sniff",
]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
DOC = "application/msword"
WPD = "application/vnd.wordperfect"
RTF = "application/rtf"
EML = "message/rfc822"
MSG = "application/vnd.ms-outlook"
ZIP = "application/zip"
XML = "application/xml"
#: Every MIME type :func:`sniff` can return.
SUPPORTED_TYPES = frozenset(
    {PDF, DOCX, HTML, XML, TEXT, PNG, JPEG, TIFF, DOC, WPD, RTF, EML, MSG, ZIP}
)

#: How much of the file the text heuristics look at; enough to judge, cheap on huge files.
SAMPLE_BYTES = 64 * 1024
# The PDF spec lets readers accept junk before the header; pdfium looks in the first 1 KiB.
_PDF_HEADER_WINDOW = 1024
# A text file holds almost no control characters; random binary holds about 1 in 8.
_MAX_CONTROL_RATIO = 0.02

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
    (b"\xffWPC", WPD),
    (b"{\\rtf", RTF),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Header names that only an e-mail message (not a typed memo) starts with.
_MAIL_ONLY_HEADERS = frozenset(
    {"received", "message-id", "mime-version", "return-path", "delivered-to", "x-mailer"}
)
# RFC 5322 needs no space after the colon, and CM/ECF's mail servers write none:
# "From:CTBECF_Courtmail@ctb.uscourts.gov", "MIME-Version:1.0"
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):")
# Binary formats recognised only to give a clear reason for refusing them.
_KNOWN_UNSUPPORTED: tuple[tuple[bytes, str], ...] = (
    (b"GIF8", "GIF images"),
    (b"\x1f\x8b", "gzip archives"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archives"),
    (b"Rar!", "RAR archives"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: A page's first tag, or an HTML fragment's: an archive's case body is often a bare
#: "<section class="casebody">" or "<div>" with no <html> around it, and not well-formed XML.
_HTML_START = re.compile(
    r"<(!doctype\s+html|html|head|body|meta|title|section|article|div|p|table|h[1-6]|main)[\s>/]",
    re.IGNORECASE,
)
_LEADING_JUNK = re.compile(r"^(\s|<\?xml[^>]*\?>|<!--.*?-->)*", re.DOTALL)


def sniff(data: bytes) -> str:
    """Return the MIME type of ``data``, one of :data:`SUPPORTED_TYPES`.

    Raises :class:`EmptyDocumentError` for no bytes, :class:`UnsupportedTypeError` for
    anything that is not a supported type (other archives, binary junk) and
    :class:`CorruptDocumentError` for a ZIP container that cannot be read.
    """
    if not data:
        raise EmptyDocumentError("the file is empty")
    # A container signature at offset 0 (ZIP, OLE2) wins over "%PDF-" further in: a
    # DOCX or .doc holding that text in its first KiB is still a DOCX or a .doc (pdfium
    # would not open it either).
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(_OLE2):
        return _sniff_ole(data)
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return PDF
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    for magic, what in _KNOWN_UNSUPPORTED:
        if data.startswith(magic):
            raise UnsupportedTypeError(f"{what} are not supported")
    encoding = detect_encoding(data[:SAMPLE_BYTES])
    if encoding is None:
        raise UnsupportedTypeError("unrecognised binary data")
    head = data[:SAMPLE_BYTES].decode(encoding, errors="replace")
    if _looks_like_email(head):
        return EML
    if _looks_like_html(head):
        return HTML
    return XML if _looks_like_xml(head) else TEXT


def detect_encoding(sample: bytes) -> str | None:
    """The text encoding of ``sample`` (a prefix of a file), or None if it is not text.

    A byte-order mark wins; then strict UTF-8 (a cut multi-byte character at the very end
    of the sample is forgiven); then charset-normalizer's best guess. Whatever the guess,
    text with more than a trace of control characters is treated as binary.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    # UTF-8 first; if it fails, or "decodes" to text full of NULs (UTF-16 without a BOM
    # does), ask charset-normalizer.
    for guess in (_utf8_or_none, _guess_encoding):
        found = guess(sample)
        if found is not None and _is_text(sample.decode(found, errors="replace")):
            return found
    return None


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocumentError(f"ZIP container cannot be read: {exc}") from exc
    if "word/document.xml" in names:
        return DOCX
    # Any other ZIP is a container: its members become documents of their own.
    return ZIP


def _sniff_ole(data: bytes) -> str:
    """Word 97-2003 and Outlook messages among the OLE2 (compound file) formats."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            streams = ["/".join(entry) for entry in ole.listdir()]
    except (OSError, ValueError, IndexError) as exc:  # olefile's errors for a broken file
        raise CorruptDocumentError(f"OLE2 compound file cannot be read: {exc}") from exc
    if "WordDocument" in streams:
        return DOC
    if any(name.startswith("__substg1.0_") for name in streams):
        return MSG
    raise UnsupportedTypeError(
        "legacy Microsoft Office files other than Word documents and Outlook messages "
        "(Excel, PowerPoint) are not supported"
    )


def _looks_like_email(head: str) -> bool:
    """True when ``head`` opens with an RFC 822 header block that only mail has.

    A typed memo may start with "To:" and "From:" lines; a message also carries a header
    that no person types (Received, Message-ID, MIME-Version, ...).
    """
    names: list[str] = []
    for line in head.lstrip("\ufeff").splitlines():
        if not line.strip():
            break
        if line[0] in " \t" and names:
            continue  # a folded header line
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.append(match[1].lower())
    return "from" in names and bool(_MAIL_ONLY_HEADERS.intersection(names))


def _utf8_or_none(sample: bytes) -> str | None:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end inside a multi-byte character; that is no reason to doubt it.
        if exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3:
            return "utf-8"
        return None
    return "utf-8"


def _guess_encoding(sample: bytes) -> str | None:
    # Imported here: charset-normalizer builds tables on import that most calls never need.
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return None if best is None else str(best.encoding)


def _is_text(text: str) -> bool:
    controls = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f") or ch == "\x7f")
    return bool(text) and controls / len(text) <= _MAX_CONTROL_RATIO


#: An XML document's root element: a start tag, maybe after a declaration and a document
#: type, and a closing tag somewhere in the sample ("<opinion><caption>...</caption>").
_XML_ROOT = re.compile(r"<[A-Za-z_][\w:.-]*(?:\s[^<>]*)?>")


def _looks_like_xml(head: str) -> bool:
    head = head.lstrip("\ufeff")
    start = _LEADING_JUNK.match(head)
    rest = head[start.end() if start else 0 :]
    rest = re.sub(r"^<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*", "", rest, flags=re.DOTALL)
    # a closing tag in the sample, or a sample that is all markup (a deeply nested file)
    closed = "</" in rest or "/>" in rest or len(head) >= SAMPLE_BYTES // 2
    return _XML_ROOT.match(rest) is not None and closed


def _looks_like_html(head: str) -> bool:
    head = head.lstrip("\ufeff")
    start = _LEADING_JUNK.match(head)
    rest = head[start.end() if start else 0 :]
    return _HTML_START.match(rest) is not None
