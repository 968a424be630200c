"""Reading the single-page formats: DOCX, HTML, XML and plain text.

Each reader returns the pages of an :class:`ExtractedDocument`; none of them needs OCR.
DOCX, HTML and XML become one page; plain text splits into pages at form feeds.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from docbatch.errors import (
    CorruptDocumentError,
    DocbatchError,
    DocumentTooLargeError,
    translate_errors,
)
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import DOCX, HTML, SAMPLE_BYTES, TEXT, XML, detect_encoding
from docbatch.pipeline.textnorm import normalize_text

__all__ = ["read_docx", "read_html", "read_text", "read_xml"]

#: Elements whose text is never document text.
_HIDDEN_TAGS = ("script", "style", "noscript", "template", "head")
#: Elements that end a paragraph (a blank line before and after).
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"}
    | {"dl", "section", "article", "header", "footer", "aside", "nav", "main", "figure"}
    | {"form", "fieldset", "address", "hr"}
)
#: Elements that end a line.
_LINE_TAGS = frozenset(
    {"div", "li", "tr", "dt", "dd", "br", "caption", "figcaption", "option", "title"}
)
_CELL_TAGS = frozenset(("td", "th"))
_BREAK_STRENGTH = ("", "\t", "\n", "\n\n")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def read_docx(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read a DOCX: headers, then body paragraphs and tables in order, then footers.

    Table rows become lines with cells separated by tabs. The whole document is page 1
    (a DOCX has no fixed pagination). The unpacked size of the archive must fit within
    ``options.max_file_bytes``, so a zip bomb is refused before it is inflated.
    """
    _check_unpacked_size(data, options.max_file_bytes)
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    errors: dict[type[BaseException], type[DocbatchError]] = {
        PackageNotFoundError: CorruptDocumentError,
        zipfile.BadZipFile: CorruptDocumentError,
        KeyError: CorruptDocumentError,
        ValueError: CorruptDocumentError,
        LxmlError: CorruptDocumentError,  # XMLSyntaxError is a SyntaxError, not a ValueError
    }
    with translate_errors(errors, "DOCX"):
        document = Document(io.BytesIO(data))
        headers = _unique(_section_texts(document, "header"))
        body = list(_body_blocks(document))
        footers = _unique(_section_texts(document, "footer"))
        props = document.core_properties
        metadata = {k: v for k, v in (("title", props.title), ("author", props.author)) if v}
    text = normalize_text("\n\n".join(block for block in [*headers, *body, *footers] if block))
    return ExtractedDocument(mime=DOCX, pages=(Page(number=1, text=text),), metadata=metadata)


#: A footnote's number linked in the running text: Harvard's and Fastcase's
#: ``class="footnotemark"``, and a link to a note ("<a href="#fn3">3</a>", "#footnote_1_3").
_FOOTNOTE_LINK = re.compile(r"#(?:fn|footnote|note|ftn)[\w-]*$", re.IGNORECASE)


def _mark_inline_notes(tree: Any) -> None:
    """Leave out footnote numbers in the running text, which glued to a word change it
    ("§ 19.37(1)(a),6"), and set a reporter's page label apart ("*1005Robert E. Byron")."""
    for node in tree.css("a"):
        text = (node.text() or "").strip()
        classes = (node.attributes.get("class") or "").split()
        if "page-label" in classes:
            node.replace_with(f" {text} ")
        elif (
            text.isdigit()
            and len(text) <= 3
            and (
                "footnotemark" in classes
                or _FOOTNOTE_LINK.search(node.attributes.get("href") or "")
            )
        ):
            node.decompose()


def read_html(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read an HTML page's visible text; block elements become line breaks.

    Scripts, styles, ``noscript``, templates and the ``<head>`` are dropped; the title goes
    to the metadata. Whitespace collapses as a browser would, except inside ``<pre>``.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode(data))
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node is not None else ""
    tree.strip_tags(list(_HIDDEN_TAGS))
    _mark_inline_notes(tree)
    root = tree.body or tree.root
    text = normalize_text(_render_html(root)) if root is not None else ""
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = normalize_text(text)
    metadata = {"title": title} if title else {}
    return ExtractedDocument(mime=HTML, pages=(Page(number=1, text=text),), metadata=metadata)


#: XML elements that stay inside a line (formatting, links, footnote marks); every other
#: element of an XML document ends a line ("<caption>", "<party>", "<docketnumber>").
_XML_INLINE = frozenset(
    {"i", "b", "u", "em", "strong", "span", "a", "sup", "sub", "small", "font", "cite",
     "emphasis", "italic", "bold", "underline", "ref", "xref", "footnote_reference",
     "footnotereference", "noteref", "pagenumber", "pb",
     # a Columbia opinion's "§ <cross_reference>12-16-13</cross_reference>, as follows"
     "cross_reference",
     # the Caselaw Access Project's casebody: "<extracted-citation>79 S.W.3d 633
     # </extracted-citation>, 636"
     "extracted-citation"}
)  # fmt: skip
#: Inline elements set apart by spaces: a reporter's page number inside a sentence, even
#: inside a name ("D. Elizabeth Masterson<page-number>*930</page-number>Mattei"); a
#: Columbia opinion's "<page_number>Page 1112</page_number>" is written as a star page
#: ("*1112"), as reporters print it.
_XML_SPACED = frozenset({"page-number", "page_number"})
_COLUMBIA_PAGE = re.compile(r"(?<=<page_number>)Page[ ](?=\d+</page_number>)")
#: Elements whose text is left out: a footnote's number in the running text, which glued to
#: a word would change it ("§ 10G.<footnotemark>7</footnotemark>", "K.S.,<footnotemark>1").
_XML_DROPPED = frozenset({"footnotemark"})
#: Markup that holds no document text: declarations, comments, processing instructions.
_XML_NOISE = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?[^>]*>", re.DOTALL)
#: A CDATA section (its text, literal) or a tag (its name).
_XML_MARKUP = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>|</?(?P<tag>[A-Za-z_][\w:.-]*)[^<>]*>", re.DOTALL
)


def read_xml(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read an XML document's text: element content, one line per block element.

    No XML parser runs: a court's XML export is often not well-formed (a bare "&"), and a
    parser would expand a hostile file's entities. Tags are read by one linear pattern,
    declarations and comments dropped, CDATA kept as literal text and only the standard
    character references decoded (``html.unescape``: no entity of the file's own DTD).
    """
    import html

    text = _COLUMBIA_PAGE.sub("*", _XML_NOISE.sub(" ", _decode(data)))
    pieces: list[str] = []
    position = 0
    dropping = ""  # the element whose text is being left out
    for markup in _XML_MARKUP.finditer(text):
        if not dropping:
            pieces.append(html.unescape(text[position : markup.start()]))
        position = markup.end()
        if markup["tag"] is None:
            pieces.append("" if dropping else markup["cdata"])
            continue
        name = markup["tag"].rsplit(":", 1)[-1].lower()
        closing, empty = markup[0].startswith("</"), markup[0].endswith("/>")
        if dropping:
            dropping = "" if closing and name == dropping else dropping
        elif name in _XML_DROPPED and not closing and not empty:
            dropping = name
        else:
            spaced = name in _XML_SPACED
            pieces.append(" " if spaced else "" if name in _XML_INLINE else "\n")
    pieces.append(html.unescape(text[position:]))
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    body = normalize_text("\n".join(line for line in lines if line))
    return ExtractedDocument(mime=XML, pages=(Page(number=1, text=body),))


def read_text(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read plain text in its detected encoding; each form feed starts a new page."""
    chunks = _decode(data).split("\f")
    # A form feed at the very end closes the last page; it does not open an empty one.
    if len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    if len(chunks) > options.max_pages:
        raise DocumentTooLargeError(
            f"text has {len(chunks)} pages, more than the limit of {options.max_pages}"
        )
    pages = tuple(Page(number=n, text=normalize_text(c)) for n, c in enumerate(chunks, 1))
    return ExtractedDocument(mime=TEXT, pages=pages)


def _decode(data: bytes) -> str:
    encoding = detect_encoding(data[:SAMPLE_BYTES]) or "utf-8"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        # The sample looked like one encoding, the rest of the file disagrees: judge the
        # whole file, and keep going with replacement characters if nothing fits.
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
        return data.decode(encoding, errors="replace")


def _check_unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a DOCX whose members inflate past ``limit`` bytes in all, or past their
    declared sizes, before python-docx reads them.

    The declared sizes alone are no bound: ``ZipFile.read`` inflates a whole member in
    one call and only then cuts it to the declared size. Each member is inflated here in
    :data:`_UNZIP_CHUNK` pieces, counting as it goes, so a bomb stops at the cap; a
    member that passed is known (CRC included) to hold just its declared bytes.
    """
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
            if declared > limit:
                raise DocumentTooLargeError(
                    f"DOCX unpacks to {declared} bytes, more than the limit of {limit}"
                )
            for info in archive.infolist():
                total += _inflated_size(archive, info, limit - total)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise CorruptDocumentError(f"DOCX: ZIP container cannot be read: {exc}") from exc


#: How much of a member is inflated at a time while checking sizes.
_UNZIP_CHUNK = 1 << 16


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(_UNZIP_CHUNK):
            size += len(chunk)
            if size > info.file_size or size > budget:
                raise DocumentTooLargeError(
                    f"DOCX member {info.filename!r} inflates past its declared size or "
                    "the unpacked-size limit"
                )
    return size


def _body_blocks(document: Any) -> Iterator[str]:
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield _table_text(block)
        else:
            yield block.text


def _table_text(table: Any) -> str:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        lines.append("\t".join(cells))
    return "\n".join(lines)


def _section_texts(document: Any, part: str) -> Iterator[str]:
    for section in document.sections:
        story = getattr(section, part)
        if story.is_linked_to_previous:
            continue
        blocks = [p.text for p in story.paragraphs]
        blocks += [_table_text(t) for t in story.tables]
        text = "\n".join(b for b in blocks if b.strip())
        if text:
            yield text


def _unique(texts: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _render_html(root: Any) -> str:
    # An explicit stack, not recursion: hostile HTML nests deeper than Python's stack.
    # Each entry carries whether it is inside a <pre>, so no text node walks its
    # ancestors: that walk made 20,000 nested divs take 46 s (quadratic in depth).
    out: list[str] = []
    pending = ""  # the strongest break asked for since the last text: "", "\t", "\n", "\n\n"
    stack: list[tuple[Any, bool, bool]] = [(root, False, _inside_pre(root))]
    while stack:
        node, closing, in_pre = stack.pop()
        if node.tag != "-text":
            pending = max(pending, _break_after(node.tag), key=_BREAK_STRENGTH.index)
            if not closing:
                stack.append((node, True, in_pre))
                children = list(node.iter(include_text=True))
                inner = in_pre or node.tag == "pre"
                stack.extend((child, False, inner) for child in reversed(children))
            continue
        text = _text_of(node, in_pre)
        if not text.strip():
            # Whitespace between inline elements still separates two words.
            if not pending and out and not out[-1][-1:].isspace():
                out.append(" ")
            continue
        if out:
            out.append(pending)
        out.append(text)
        pending = ""
    return "".join(out)


def _inside_pre(node: Any) -> bool:
    """True when an ancestor of ``node`` is a ``<pre>`` (walked once, for the root)."""
    parent = node.parent
    while parent is not None:
        if parent.tag == "pre":
            return True
        parent = parent.parent
    return False


def _text_of(node: Any, in_pre: bool) -> str:
    text = node.text_content or ""
    return text if in_pre else _SPACES.sub(" ", text)


def _break_after(tag: str) -> str:
    if tag in _PARAGRAPH_TAGS:
        return "\n\n"
    if tag in _LINE_TAGS:
        return "\n"
    if tag in _CELL_TAGS:
        return "\t"
    return ""
