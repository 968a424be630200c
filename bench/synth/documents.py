"""Deterministic documents of every supported format, built from text.

Used by the tests, the sample folder and the benchmark corpus. The same arguments always
give the same bytes (fixed dates, fixed ZIP timestamps, seeded noise), so a document's
sha256 and every golden file built from it are stable.

PDF text is set in the Helvetica core font, which encodes Latin-1 only: "§" and accented
Latin letters survive, and the few typographic characters outside Latin-1 (curly quotes,
dashes) are replaced by their ASCII look-alikes. Each input page must fit on one letter
page; text that overflows is drawn off the page rather than on a second page.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Collection, Sequence

from fpdf import FPDF
from PIL import Image

__all__ = [
    "SCRIPT_SENTINEL",
    "STYLE_SENTINEL",
    "bomb_png",
    "docx",
    "encrypted_pdf",
    "html",
    "mixed_pdf",
    "png",
    "render_pages",
    "scanned_pdf",
    "text_file",
    "text_pdf",
    "tiff",
    "truncated_pdf",
]

#: Text inside the generated HTML's <script>; it must never reach extracted text.
SCRIPT_SENTINEL = "SCRIPT_SENTINEL_must_not_be_extracted"
#: Text inside the generated HTML's <style>; it must never reach extracted text.
STYLE_SENTINEL = "STYLE_SENTINEL_must_not_be_extracted"

_FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_PAGE_WIDTH, _PAGE_HEIGHT = 612.0, 792.0  # US letter, in points
_MARGIN = 72.0
_LINE_HEIGHT = 15.0
_ASCII_LOOKALIKES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "--"}
)


def text_pdf(pages: Sequence[str], title: str = "docbatch synthetic document") -> bytes:
    """A PDF with a real text layer: one letter page per string, text wrapped to margins."""
    pdf = _new_pdf(title)
    for text in pages:
        _add_text_page(pdf, text)
    return bytes(pdf.output())


def scanned_pdf(
    pages: Sequence[str],
    dpi: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    stamp: str | None = None,
) -> bytes:
    """A PDF of page images only (no text layer), like the output of a scanner.

    ``noise`` is the share of pixels turned into black or white speckles (0..1), drawn
    from ``seed``. ``stamp``, if given, is drawn as real text in a corner of every page,
    like a Bates number added after scanning.
    """
    pdf = _new_pdf("docbatch synthetic scan")
    for index, image in enumerate(render_pages(pages, dpi)):
        _add_image_page(pdf, _speckle(image, noise, seed + index), stamp)
    return bytes(pdf.output())


def mixed_pdf(pages: Sequence[str], scanned: Collection[int], dpi: int = 200) -> bytes:
    """A PDF whose 1-based pages in ``scanned`` are images and the others real text."""
    pdf = _new_pdf("docbatch synthetic mixed document")
    for number, text in enumerate(pages, start=1):
        if number in scanned:
            _add_image_page(pdf, render_pages([text], dpi)[0], None)
        else:
            _add_text_page(pdf, text)
    return bytes(pdf.output())


def encrypted_pdf(
    pages: Sequence[str], user_password: str, owner_password: str | None = None
) -> bytes:
    """A text PDF that opens only with ``user_password`` (or the owner password).

    The owner password defaults to ``user_password + "-owner"``.
    """
    pdf = _new_pdf("docbatch synthetic encrypted document")
    for text in pages:
        _add_text_page(pdf, text)
    owner = owner_password if owner_password is not None else f"{user_password}-owner"
    pdf.set_encryption(owner_password=owner, user_password=user_password)
    return bytes(pdf.output())


def truncated_pdf(pages: Sequence[str], keep: float = 0.5) -> bytes:
    """The first ``keep`` share of a text PDF's bytes, as left by an interrupted copy."""
    data = text_pdf(pages)
    return data[: max(1, int(len(data) * keep))]


def render_pages(pages: Sequence[str], dpi: int = 200) -> list[Image.Image]:
    """Grayscale images of the pages of ``text_pdf(pages)``, rendered by pdfium at ``dpi``."""
    import pypdfium2 as pdfium

    from docbatch.pipeline.extract_pdf import PDFIUM_LOCK

    images = []
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(text_pdf(pages))
        try:
            for index in range(len(document)):
                bitmap = document[index].render(scale=dpi / 72.0, grayscale=True)
                images.append(bitmap.to_pil().convert("L"))
        finally:
            document.close()
    return images


def tiff(pages: Sequence[str], dpi: int = 200) -> bytes:
    """A multi-page bilevel TIFF (CCITT Group 4, as fax and scanner archives use)."""
    frames = [image.convert("1") for image in render_pages(pages, dpi)]
    out = io.BytesIO()
    frames[0].save(
        out,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="group4",
        dpi=(dpi, dpi),
    )
    return out.getvalue()


def png(text: str, dpi: int = 200) -> bytes:
    """One page of ``text`` as a grayscale PNG."""
    out = io.BytesIO()
    render_pages([text], dpi)[0].save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG that declares a ``width`` x ``height`` canvas (a decompression bomb)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx(
    paragraphs: Sequence[str],
    table_rows: Sequence[Sequence[str]] | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A DOCX with ``paragraphs``; the table, if any, comes right after the first one."""
    from docx import Document

    document = Document()
    for index, text in enumerate(paragraphs):
        document.add_paragraph(text)
        if index == 0 and table_rows:
            _add_table(document, table_rows)
    if not paragraphs and table_rows:
        _add_table(document, table_rows)
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    props = document.core_properties
    props.title = "docbatch synthetic document"
    props.author = "docbatch"
    props.created = props.modified = _FIXED_DATE.replace(tzinfo=None)
    props.last_printed = _FIXED_DATE.replace(tzinfo=None)
    out = io.BytesIO()
    document.save(out)
    return _freeze_zip(out.getvalue())


def html(paragraphs: Sequence[str], title: str) -> bytes:
    """An HTML page with ``paragraphs``, plus a script and a style that must not be read."""
    from html import escape

    body = "\n".join(f"    <p>{escape(p)}</p>" for p in paragraphs)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "  <head>\n"
        '    <meta charset="utf-8">\n'
        f"    <title>{escape(title)}</title>\n"
        f"    <style>body::before {{ content: '{STYLE_SENTINEL}'; }}</style>\n"
        f'    <script>window.secret = "{SCRIPT_SENTINEL}";</script>\n'
        "  </head>\n"
        "  <body>\n"
        f"    <h1>{escape(title)}</h1>\n"
        f"{body}\n"
        f"    <noscript>{SCRIPT_SENTINEL}</noscript>\n"
        "  </body>\n"
        "</html>\n"
    )
    return page.encode("utf-8")


def text_file(text: str, encoding: str = "utf-8") -> bytes:
    """``text`` encoded as ``encoding`` (Python's "utf-16" and "utf-8-sig" add a BOM)."""
    return text.encode(encoding)


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(title)
    pdf.set_producer("docbatch.synth")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)
    return pdf


def _add_text_page(pdf: FPDF, text: str) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, _LINE_HEIGHT, text.translate(_ASCII_LOOKALIKES))


def _add_image_page(pdf: FPDF, image: Image.Image, stamp: str | None) -> None:
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=_PAGE_WIDTH, h=_PAGE_HEIGHT)
    if stamp:
        pdf.set_font("Helvetica", size=9)
        pdf.text(_PAGE_WIDTH - _MARGIN - pdf.get_string_width(stamp), _PAGE_HEIGHT - 36, stamp)


def _speckle(image: Image.Image, noise: float, seed: int) -> Image.Image:
    if noise <= 0:
        return image
    rng = random.Random(seed)
    dice = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    cut = round(min(noise, 1.0) * 255 / 2)
    noisy = image.copy()
    noisy.paste(0, mask=dice.point(lambda v: 255 if v < cut else 0))
    noisy.paste(255, mask=dice.point(lambda v: 255 if v > 255 - cut else 0))
    return noisy


def _add_table(document: object, rows: Sequence[Sequence[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)  # type: ignore[attr-defined]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def _freeze_zip(data: bytes) -> bytes:
    # zipfile stamps every member with the current time; a fixed stamp makes the bytes
    # (and so the document's sha256) reproducible.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            frozen = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            frozen.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(frozen, source.read(info.filename))
    return out.getvalue()
