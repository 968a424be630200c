"""Text clean-up shared by every extractor, and the "is this text garbage?" measures.

Every page the extract stage returns has gone through :func:`normalize_text`, so later
stages see one shape of text whatever the source format:

- Unicode NFC (a PDF may spell "é" as "e" plus a combining accent), and the Latin
  typographic ligatures spelled out ("Plaintiﬀ" is "Plaintiff", "ﬁled" is "filed");
- line endings ``\\n`` only (pdfium emits ``\\r\\n``, old Mac files ``\\r``);
- no control characters except ``\\n`` and ``\\t`` (NULs, pdfium's ``\\x02`` soft-hyphen
  marker, form feeds and the like), no byte-order marks or Unicode non-characters;
- no trailing spaces on a line, no leading or trailing blank lines on a page, and at most
  one blank line in a row.

Words, their order and the line breaks between them are kept as the source has them.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "printable_count", "printable_ratio"]

# Control characters (Unicode category Cc) except tab and newline, plus the BOM and the
# two non-characters pdfium and broken decoders leave behind.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_RUN = re.compile(r"\n{3,}")
#: The Latin ligatures of U+FB00..U+FB06, which typeset PDFs keep in their text layer.
_LIGATURES = str.maketrans(
    {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
)


def normalize_text(text: str) -> str:
    """Return ``text`` in the canonical form described in the module docstring."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNWANTED.sub("", text)
    text = unicodedata.normalize("NFC", text).translate(_LIGATURES)
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def printable_count(text: str) -> int:
    """How many characters of ``text`` are visible: not whitespace, control or U+FFFD."""
    return sum(1 for ch in text if _is_visible(ch))


def printable_ratio(text: str) -> float:
    """Share of the non-whitespace characters of ``text`` that are visible (1.0 if none).

    A text layer made of replacement characters or private-use glyph codes (fonts without
    a Unicode map) scores low and is sent to OCR.
    """
    total = sum(1 for ch in text if not ch.isspace())
    if total == 0:
        return 1.0
    return printable_count(text) / total


def _is_visible(ch: str) -> bool:
    if ch.isspace() or ch == "\ufffd":
        return False
    # Cc control, Cs surrogate, Co private use, Cn unassigned: none of them is a letter a
    # reader could see.
    return unicodedata.category(ch) not in {"Cc", "Cs", "Co", "Cn"}
