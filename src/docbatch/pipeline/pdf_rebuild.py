"""Rebuild a PDF with no usable cross-reference data from the objects its bytes hold.

Some files that pdf.js opens have no cross-reference table at all, objects that end
without ``endobj`` or streams without a ``/Length``, and a catalog written straight into
the trailer (``/Root << ... >>``) instead of referenced. qpdf and pypdf refuse them, and
pdfium needs the catalog to be an indirect object. :func:`rebuild_pdf` does what pdf.js
does when it indexes such a file: it scans the bytes for ``N G obj`` headers, keeps every
complete object, takes the catalog from the last trailer that names a usable one (or from
the last ``/Type /Catalog`` object), moves an inline catalog or ``/Info`` dictionary into a
numbered object and writes the whole again with a fresh cross-reference table.

Only what is in the file is kept. A stream with no ``endstream`` and an object that runs
into the end of the file are left out, not guessed at; a file in which a page's
``/Contents`` names such a stream is not rebuilt (the page would read as blank), nor one
that keeps objects in compressed object streams (those objects would be lost). See
``is_truncated`` in :mod:`docbatch.pipeline.pdf_repair` for how a copy of a file cut
short that lost pages is refused. Every search moves forward through the file, so the
work is linear in its size, and the counts of objects and trailers looked at are capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["rebuild_pdf"]

#: The largest object number the format allows (PDF 32000-1, Annex C).
MAX_OBJECT_NUMBER = 8_388_607
#: At most this many objects are kept; a file with more is not rebuilt.
MAX_OBJECTS = 500_000
#: Only the last few trailers are read, each at most this long.
MAX_TRAILERS = 16
MAX_TRAILER_BYTES = 256 * 1024
#: Nesting deeper than this in a trailer is not a trailer.
_MAX_DEPTH = 64

_WS = rb"[\x00\t\n\x0c\r ]"
#: An object header, ``N G obj``; the spaces are bounded so that no search backtracks far.
_OBJ = rb"(?<![0-9])([0-9]{1,7})%s{1,32}([0-9]{1,5})%s{1,32}obj(?![A-Za-z0-9])" % (_WS, _WS)
_HEADER = re.compile(_OBJ)
#: The words that can end an object's body, found fast and then checked (see _body_end).
_KEYWORD = re.compile(rb"obj|stream|trailer|xref")
_LETTER = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ENDOBJ = re.compile(_WS + rb"*endobj")
_ENDSTREAM = re.compile(_WS + rb"*endstream")
_LENGTH = re.compile(
    rb"/Length(?![^\x00\t\n\x0c\r /<>\[\]()%{}])"
    + _WS
    + rb"*([0-9]{1,10})(?:"
    + _WS
    + rb"+[0-9]{1,5}"
    + _WS
    + rb"+(R))?"
)
_OBJECT_STREAM = re.compile(rb"/Type" + _WS + rb"*/ObjStm(?![A-Za-z])")
_CATALOG = re.compile(rb"/Type" + _WS + rb"*/Catalog(?![A-Za-z])")
#: A page's ``/Contents``: one reference or an array of them (only digits, spaces and R,
#: so that a failed match stops at once).
_CONTENTS = re.compile(
    rb"/Contents%s*(\[[0-9R\x00\t\n\x0c\r ]{0,4096}\]|[0-9]{1,7}%s+[0-9]{1,5}%s+R)"
    % (_WS, _WS, _WS)
)
_TRAILER = re.compile(rb"(?<![A-Za-z])trailer" + _WS + rb"*<<")
_REF = re.compile(rb"([0-9]{1,7})" + _WS + rb"+([0-9]{1,5})" + _WS + rb"+R(?![A-Za-z0-9])")
_SKIP = re.compile(rb"(?:" + _WS + rb"+|%[^\r\n]*)*")
_NAME = re.compile(rb"/[^\x00\t\n\x0c\r /<>\[\]()%{}]*")
_TOKEN = re.compile(rb"[^\x00\t\n\x0c\r /<>\[\]()%{}]+")
_SPECIAL = re.compile(rb"[()<>\[\]%]")
_STRING_SPECIAL = re.compile(rb"[()\\]")


@dataclass(frozen=True)
class _Object:
    """One object found by the scan: its generation and its body (after ``obj``)."""

    gen: int
    body: bytes


def rebuild_pdf(data: bytes) -> bytes | None:
    """``data`` rebuilt from the objects a scan finds, with a fresh xref, or None.

    None when no complete object or no catalog is found, when a page's ``/Contents``
    names a stream the scan did not find (cut off or unreadable: the page would pass for
    a blank one), when the file uses object streams, or when it holds more objects than
    :data:`MAX_OBJECTS`.
    """
    objects = _scan_objects(data)
    if not objects or any(_OBJECT_STREAM.search(o.body[:4096]) for o in objects.values()):
        return None
    trailer = _trailer(data, objects) or _catalog_trailer(objects)
    if trailer is None or _lost_contents(objects, trailer):
        return None
    return _write(objects, trailer)


# -- the scan -----------------------------------------------------------------------------


def _scan_objects(data: bytes) -> dict[int, _Object] | None:
    """Every complete ``N G obj`` in ``data``, a later one replacing an earlier one."""
    objects: dict[int, _Object] = {}
    position, last_endstream = 0, data.rfind(b"endstream")
    while (header := _HEADER.search(data, position)) is not None:
        num, gen = int(header.group(1)), int(header.group(2))
        end = _body_end(data, header.end())
        if end is None:
            break  # the last object runs into the end of the file: cut short
        stop, after, kind = end
        if kind != b"stream":
            body, position = data[header.end() : stop].strip(), after
        elif (found := _stream(data, header.end(), stop, after, last_endstream)) is not None:
            body, position = found
        else:  # a stream cut short, or not a stream: left out
            position = after
            continue
        if body and 0 < num <= MAX_OBJECT_NUMBER:
            objects[num] = _Object(gen, body)
            if len(objects) > MAX_OBJECTS:
                return None
    return objects


def _body_end(data: bytes, start: int) -> tuple[int, int, bytes] | None:
    """Where the body that begins at ``start`` stops, where the scan goes on, and why.

    The reason is ``endobj``, ``stream`` (its keyword: the data follows) or ``next``: a
    missing ``endobj``, the body stops where the next object header, ``trailer`` or
    ``xref`` begins. None when the body runs into the end of the file.
    """
    position = start
    while (hit := _KEYWORD.search(data, position)) is not None:
        word, at, position = hit.group(), hit.start(), hit.end()
        if data[position : position + 1] and data[position] in _LETTER:
            continue  # a longer word ("object", "streams")
        before = data[at - 1] if at else 0
        if word == b"obj":
            if data[at - 3 : at] == b"end":
                return at - 3, position, b"endobj"
            header = _HEADER.search(data, max(start, at - 80), position)
            if header is not None and header.end() == position:
                return header.start(), header.start(), b"next"
        elif before in _LETTER or before == ord("/"):
            continue  # "endstream", "startxref", a name
        elif word == b"stream":
            return at, position, b"stream"
        else:
            return at, at, b"next"
    return None


def _stream(
    data: bytes, start: int, keyword: int, begin: int, last_endstream: int
) -> tuple[bytes, int] | None:
    """A stream object's body with a true ``/Length``, and where the scan goes on.

    A direct ``/Length`` is trusted when ``endstream`` follows where it says; otherwise
    the data runs to the next ``endstream``, less the end of line before it.
    """
    head = data[start:keyword].strip()
    if not (head.startswith(b"<<") and head.endswith(b">>")):
        return None
    if data.startswith(b"\r\n", begin):
        begin += 2
    elif data.startswith((b"\n", b"\r"), begin):
        begin += 1
    length = _LENGTH.search(head)
    stop = -1
    if length is not None and length.group(2) is None:
        declared = begin + int(length.group(1))
        if declared <= len(data) and _ENDSTREAM.match(data, declared):
            stop = declared
    if stop < 0:
        if begin > last_endstream:
            return None
        stop = data.find(b"endstream", begin)
        if data.startswith(b"\r\n", stop - 2) and stop - 2 >= begin:
            stop -= 2
        elif stop > begin and data.startswith((b"\n", b"\r"), stop - 1):
            stop -= 1
    after = data.find(b"endstream", stop) + len(b"endstream")
    if (endobj := _ENDOBJ.match(data, after)) is not None:
        after = endobj.end()
    new_length = b"/Length %d" % (stop - begin)
    if length is not None:
        head = head[: length.start()] + new_length + head[length.end() :]
    else:
        head = b"<<" + new_length + head[2:]
    return head + b"\nstream\n" + data[begin:stop] + b"\nendstream", after


# -- the trailer and the catalog ----------------------------------------------------------


def _trailer(data: bytes, objects: dict[int, _Object]) -> dict[bytes, bytes] | None:
    """The entries of the last trailer whose ``/Root`` is usable, inline or referenced."""
    starts = [found.end() - 2 for found in _TRAILER.finditer(data)]
    for start in reversed(starts[-MAX_TRAILERS:]):
        end = _composite_end(data, start, start + MAX_TRAILER_BYTES)
        entries = _entries(data[start:end]) if end is not None else None
        root = entries.get(b"/Root") if entries else None
        if root is not None and entries is not None and _is_catalog(root, objects):
            return entries
    return None


def _catalog_trailer(objects: dict[int, _Object]) -> dict[bytes, bytes] | None:
    """A trailer naming the last ``/Type /Catalog`` object, when no trailer names one."""
    for num in sorted(objects, reverse=True):
        if _CATALOG.search(objects[num].body) and b"/Pages" in objects[num].body:
            return {b"/Root": b"%d %d R" % (num, objects[num].gen)}
    return None


def _lost_contents(objects: dict[int, _Object], trailer: dict[bytes, bytes]) -> bool:
    """True when a ``/Contents`` entry refers to an object the scan did not keep."""
    bodies = [o.body[:65536] if o.body.startswith(b"<<") else b"" for o in objects.values()]
    for body in (*bodies, *trailer.values()):
        for contents in _CONTENTS.finditer(body):
            for ref in _REF.finditer(contents.group(1)):
                if int(ref.group(1)) not in objects:
                    return True
    return False


def _is_catalog(value: bytes, objects: dict[int, _Object]) -> bool:
    """True when ``value`` is a catalog with pages, written inline or an object found."""
    if value.startswith(b"<<"):
        return b"/Pages" in value
    ref = _REF.fullmatch(value)
    target = objects.get(int(ref.group(1))) if ref else None
    return target is not None and b"/Pages" in target.body


def _entries(text: bytes) -> dict[bytes, bytes] | None:
    """The top-level ``/Key value`` pairs of the dictionary ``text`` (``<< ... >>``)."""
    entries: dict[bytes, bytes] = {}
    position, end = 2, len(text) - 2
    while (position := _skip(text, position)) < end:
        key = _NAME.match(text, position)
        if key is None:
            return None
        start = _skip(text, key.end())
        stop = _value_end(text, start, end)
        if stop is None:
            return None
        entries[key.group()] = text[start:stop]
        position = stop
    return entries


def _skip(text: bytes, position: int) -> int:
    """The index of the first byte at or after ``position`` that is not space or comment."""
    skipped = _SKIP.match(text, position)
    return skipped.end() if skipped is not None else position


def _value_end(text: bytes, start: int, limit: int) -> int | None:
    """Where the value that begins at ``start`` ends (a reference counts as one value)."""
    if text.startswith((b"<<", b"["), start):
        return _composite_end(text, start, limit)
    if text.startswith(b"(", start):
        return _string_end(text, start, limit)
    if text.startswith(b"<", start):
        close = text.find(b">", start, limit)
        return close + 1 if close >= 0 else None
    for pattern in (_REF, _NAME, _TOKEN):
        if (found := pattern.match(text, start, limit)) is not None:
            return found.end()
    return None


def _composite_end(data: bytes, start: int, limit: int) -> int | None:
    """The index just past the dictionary or array opening at ``start``, or None."""
    depth, position, limit = 0, start, min(limit, len(data))
    while (special := _SPECIAL.search(data, position, limit)) is not None:
        position, char = special.start(), special.group()
        if char == b"(":
            if (after := _string_end(data, position, limit)) is None:
                return None
            position = after
            continue
        if char == b"%":
            position = _skip(data, position)
            continue
        pair = data[position : position + 2]
        if pair in (b"<<", b">>"):
            depth += 1 if pair == b"<<" else -1
            position += 2
        elif char in (b"[", b"]"):
            depth += 1 if char == b"[" else -1
            position += 1
        elif char == b"<":  # a hex string
            close = data.find(b">", position, limit)
            if close < 0:
                return None
            position = close + 1
            continue
        else:
            return None  # a lone ">"
        if depth == 0:
            return position
        if depth > _MAX_DEPTH or depth < 0:
            return None
    return None


def _string_end(data: bytes, start: int, limit: int) -> int | None:
    """The index just past the literal string opening at ``start`` (nested, escaped)."""
    depth, position = 0, start
    while (found := _STRING_SPECIAL.search(data, position, limit)) is not None:
        char, position = found.group(), found.end()
        if char == b"\\":
            position += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return position
    return None


# -- writing ------------------------------------------------------------------------------


def _write(objects: dict[int, _Object], trailer: dict[bytes, bytes]) -> bytes:
    """The objects, inline ``/Root`` and ``/Info`` made objects, with a fresh xref."""
    objects = dict(objects)
    entries = [b"/Size 0"]  # replaced once the last number is known
    for key in (b"/Root", b"/Info"):
        value = trailer.get(key, b"")
        if value.startswith(b"<<"):
            num = max(objects) + 1
            objects[num] = _Object(0, value)
            value = b"%d 0 R" % num
        ref = _REF.fullmatch(value)
        if ref is not None and int(ref.group(1)) in objects:
            entries.append(key + b" " + value)
    for key in (b"/Encrypt", b"/ID"):
        if key in trailer:
            entries.append(key + b" " + trailer[key])
    entries[0] = b"/Size %d" % (max(objects) + 1)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d %d obj\n%s\nendobj\n" % (num, objects[num].gen, objects[num].body)
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for first, nums in _runs(sorted(offsets)):
        out += b"%d %d\n" % (first, len(nums))
        out += b"".join(b"%010d %05d n \n" % (offsets[n], objects[n].gen) for n in nums)
    out += b"trailer\n<<" + b" ".join(entries) + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _runs(nums: list[int]) -> list[tuple[int, list[int]]]:
    """``nums`` (sorted) cut into runs of consecutive numbers: the xref's subsections."""
    runs: list[tuple[int, list[int]]] = []
    for num in nums:
        if runs and runs[-1][1][-1] == num - 1:
            runs[-1][1].append(num)
        else:
            runs.append((num, [num]))
    return runs
