"""Containers: the members of a ZIP file, an e-mail's attachments, a PDF's embedded files.

:func:`expand` turns a container's bytes into :class:`Member` values: a name (text
only, never a file-system path) and the member's bytes, or the reason it cannot be read
(``encrypted``, ``corrupt``, ``too_large``, ``unsupported_type``), so that each member
becomes a document of its own and fails alone. :func:`read_zip` is the ZIP file's own
extract stage: a listing of its members.

Every read is capped (:class:`ContainerOptions`): the number of members, the bytes one
member and all of them inflate to, and the compression ratio. Sizes are checked as
declared before anything is inflated, and again while inflating, in slices, so a ZIP
bomb or a lying header costs one slice of memory at most. Each member is handed to an
optional ``keep`` function as soon as it is read, so a caller can move its bytes out
(the sandbox child writes them to a file) and hold one member at a time. Everything here
is pure: bytes and options in, values out.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from docbatch.errors import CorruptDocumentError
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.options import ContainerOptions, ExtractOptions
from docbatch.pipeline.sniff import EML, MSG, PDF, ZIP

__all__ = [
    "CONTAINER_TYPES",
    "DEPTH_WARNING",
    "LISTING_LINES",
    "SKIPPED_WARNING",
    "TOO_MANY_WARNING",
    "Expansion",
    "Keep",
    "Member",
    "display_name",
    "expand",
    "read_zip",
]

#: The types whose members become documents.
CONTAINER_TYPES = frozenset({ZIP, EML, MSG, PDF})
#: Warning on a container some of whose members were not expanded (or failed the caps).
SKIPPED_WARNING = "container_members_skipped"
#: Warning on a container holding more members than the cap: none was expanded.
TOO_MANY_WARNING = "container_too_many_members"
#: Warning on a container nested deeper than the configured depth: not expanded.
DEPTH_WARNING = "container_too_deep"
#: A ZIP's listing (its own text) names at most this many members.
LISTING_LINES = 10_000
# C0 and C1 controls, DEL and bidirectional overrides: shown as "?" in a member's name.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Inflated in slices of this many bytes, each checked against the caps.
_SLICE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a container: its bytes, or why it cannot be read.

    ``name`` is the member's name as the container gives it (display text only).
    ``code`` is empty for a readable member, else an error code of
    :mod:`docbatch.errors` (``encrypted``, ``corrupt``, ``too_large``,
    ``unsupported_type``) with ``reason``.
    """

    name: str
    data: bytes | None = None
    code: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Expansion:
    """The members of a container, and the warnings its own document gets."""

    members: tuple[Member, ...] = ()
    warnings: tuple[str, ...] = ()


#: What :func:`expand` does with each member as soon as it is read (see ``keep``).
Keep = Callable[[Member], Member]


def _as_is(member: Member) -> Member:
    return member


class _Budget:
    """The caps of one expansion, what is left of them, and where members go."""

    def __init__(self, options: ContainerOptions, member_bytes: int, keep: Keep) -> None:
        self.options = options
        self.member_bytes = member_bytes
        self.left = options.max_total_bytes
        self.skipped = False
        self.keep = keep

    def refusal(self, declared: int, compressed: int | None) -> str:
        """Why a member of ``declared`` bytes (``compressed`` on disk) is not inflated."""
        if declared > self.member_bytes:
            return f"the member inflates to {declared} bytes, more than {self.member_bytes}"
        if declared > self.left:
            return (
                f"the container's members inflate to more than {self.options.max_total_bytes} bytes"
            )
        if compressed is not None and self._bomb(declared, compressed):
            return f"compression ratio over {self.options.max_ratio:g} (a ZIP bomb)"
        return ""

    def _bomb(self, inflated: int, compressed: int) -> bool:
        floor = self.options.ratio_floor_bytes
        return inflated > floor and inflated > self.options.max_ratio * max(1, compressed)

    def inflate(self, slices: Iterator[bytes], declared: int, compressed: int | None) -> bytes:
        """Join ``slices``, stopping at the caps: the declared size, the member cap, what
        is left of the total, and the ratio. Raises :class:`_CapError`."""
        cap = min(declared, self.member_bytes, self.left)
        parts: list[bytes] = []
        size = 0
        for part in slices:
            size += len(part)
            if size > cap:
                raise _CapError(
                    f"the member inflates past {cap} bytes (its declared size or a cap)"
                )
            if compressed is not None and self._bomb(size, compressed):
                raise _CapError(f"compression ratio over {self.options.max_ratio:g} (a ZIP bomb)")
            parts.append(part)
        self.left -= size
        return b"".join(parts)


class _CapError(Exception):
    """A member went past a cap while it was inflated."""


def expand(
    data: bytes,
    mime: str,
    options: ContainerOptions,
    extract: ExtractOptions,
    keep: Keep = _as_is,
) -> Expansion:
    """The members of the container ``data`` (of type ``mime``), within the caps.

    Not a container type: no members. More members than ``options.max_members``: none,
    with the warning :data:`TOO_MANY_WARNING`. A member over a cap, encrypted or
    unreadable is a :class:`Member` with its error code; the container gets
    :data:`SKIPPED_WARNING`. Each member passes through ``keep`` as soon as it is read,
    in order, and what ``keep`` returns is what the expansion holds.
    """
    reader = _READERS.get(mime)
    if reader is None:
        return Expansion()
    budget = _Budget(options, min(extract.max_file_bytes, options.max_total_bytes), keep)
    members = reader(data, budget, extract)
    if members is None:
        return Expansion((), (TOO_MANY_WARNING,))
    failed = budget.skipped or any(m.code for m in members)
    return Expansion(tuple(members), (SKIPPED_WARNING,) if failed else ())


def read_zip(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """A ZIP file's own text: one line per member (name and size), in archive order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocumentError(f"ZIP container cannot be read: {exc}") from exc
    lines = [f"{display_name(i.filename)} ({i.file_size} bytes)" for i in infos[:LISTING_LINES]]
    if len(infos) > LISTING_LINES:
        lines.append(f"... and {len(infos) - LISTING_LINES} more members")
    metadata = {"members": str(len(infos))}
    return ExtractedDocument(ZIP, (Page(1, "\n".join(lines)),), metadata)


def display_name(name: str) -> str:
    """A member name as display text: no control characters, no terminal escapes."""
    return _CONTROL.sub("?", name)[:500] or "(unnamed)"


# -- ZIP --------------------------------------------------------------------------------


def _zip_members(data: bytes, budget: _Budget, extract: ExtractOptions) -> list[Member] | None:
    if _declared_count(data) > budget.options.max_members:
        return None  # refused before the central directory is read into memory
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocumentError(f"ZIP container cannot be read: {exc}") from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > budget.options.max_members:
            return None
        return [budget.keep(_zip_member(archive, info, budget)) for info in infos]


def _declared_count(data: bytes) -> int:
    """The member count the end-of-central-directory record declares (0 if not found)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    (count,) = struct.unpack_from("<H", data, end + 10)
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if data[record : record + 4] == b"PK\x06\x06" and record + 40 <= len(data):
            (count,) = struct.unpack_from("<Q", data, record + 32)
    return int(count)


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Member:
    name = display_name(info.filename)
    if info.flag_bits & 0x1:
        return Member(name, code="encrypted", reason="the ZIP member is encrypted")
    refusal = budget.refusal(info.file_size, info.compress_size)
    if refusal:
        return Member(name, code="too_large", reason=refusal)

    def slices() -> Iterator[bytes]:
        with archive.open(info) as handle:
            while part := handle.read(_SLICE):
                yield part

    try:
        return Member(name, budget.inflate(slices(), info.file_size, info.compress_size))
    except _CapError as exc:
        return Member(name, code="too_large", reason=str(exc))
    except NotImplementedError as exc:  # a compression method zipfile lacks
        return Member(name, code="unsupported_type", reason=f"ZIP member: {exc}")
    except RuntimeError as exc:  # "File is encrypted" (a flag zipfile reads elsewhere)
        return Member(name, code="encrypted", reason=f"the ZIP member is encrypted: {exc}")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        return Member(name, code="corrupt", reason=f"the ZIP member cannot be read: {exc}")


# -- e-mail -----------------------------------------------------------------------------


def _eml_members(data: bytes, budget: _Budget, extract: ExtractOptions) -> list[Member] | None:
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage):
        return []
    parts = list(message.iter_attachments())
    if len(parts) > budget.options.max_members:
        return None
    return [budget.keep(_eml_member(part, i, budget)) for i, part in enumerate(parts, 1)]


def _eml_member(part: Any, index: int, budget: _Budget) -> Member:
    name = display_name(part.get_filename() or f"attachment-{index}")
    try:
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else payload
            body = bytes(inner.as_bytes()) if hasattr(inner, "as_bytes") else b""
        else:
            body = part.get_payload(decode=True) or b""
    except (LookupError, ValueError, TypeError, AttributeError) as exc:
        return Member(name, code="corrupt", reason=f"the attachment cannot be decoded: {exc}")
    return _sized(name, bytes(body), budget)


def _sized(name: str, body: bytes, budget: _Budget) -> Member:
    """A member already decoded whole (e-mail, Outlook): checked against the caps."""
    refusal = budget.refusal(len(body), None)
    if refusal:
        return Member(name, code="too_large", reason=refusal)
    budget.left -= len(body)
    return Member(name, body)


def _msg_members(data: bytes, budget: _Budget, extract: ExtractOptions) -> list[Member] | None:
    import extract_msg

    try:
        message: Any = extract_msg.openMsg(data)
    except Exception as exc:  # extract-msg raises many types for one broken file
        raise CorruptDocumentError(f"Outlook message cannot be read: {exc}") from exc
    try:
        attachments = list(message.attachments)
        if len(attachments) > budget.options.max_members:
            return None
        members = []
        for index, attachment in enumerate(attachments, 1):
            raw = getattr(attachment, "longFilename", None) or getattr(attachment, "name", None)
            name = display_name(str(raw or f"attachment-{index}"))
            body = getattr(attachment, "data", None)
            if isinstance(body, bytes):
                members.append(budget.keep(_sized(name, body, budget)))
            else:
                reason = "an attached Outlook item that is not a file is not expanded"
                members.append(budget.keep(Member(name, code="unsupported_type", reason=reason)))
        return members
    finally:
        message.close()


# -- PDF --------------------------------------------------------------------------------


def _pdf_members(data: bytes, budget: _Budget, extract: ExtractOptions) -> list[Member] | None:
    import pikepdf

    pdf = None
    for password in ("", *extract.passwords):
        try:
            pdf = pikepdf.open(io.BytesIO(data), password=password)
            break
        except pikepdf.PasswordError:
            continue
        except Exception:  # the text layer read it (perhaps after repair): no members
            return []
    if pdf is None:
        return []
    with pdf:
        try:
            files = list(pdf.attachments.items())
        except Exception:  # a broken name tree: the document itself is read already
            budget.skipped = True
            return []
        if len(files) > budget.options.max_members:
            return None
        return [budget.keep(_pdf_member(str(name), spec, budget)) for name, spec in files]


def _pdf_member(raw_name: str, spec: Any, budget: _Budget) -> Member:
    import pikepdf

    name = display_name(str(getattr(spec, "filename", "") or raw_name))
    try:
        stream = spec.get_file().obj
        raw = stream.read_raw_bytes()
        filters = stream.get("/Filter")
        if filters is None:
            return _sized(name, bytes(raw), budget)
        if isinstance(filters, pikepdf.Array):
            filters = filters[0] if len(filters) == 1 else None
        if filters != pikepdf.Name.FlateDecode:
            return Member(name, code="unsupported_type", reason="embedded file filter not read")
        declared = int(stream.get("/Params", {}).get("/Size", 0) or 0)
        refusal = budget.refusal(declared, len(raw)) if declared else ""
        if refusal:
            return Member(name, code="too_large", reason=refusal)
        limit = budget.member_bytes + 1
        return Member(name, budget.inflate(_inflate(bytes(raw), limit), limit - 1, len(raw)))
    except _CapError as exc:
        return Member(name, code="too_large", reason=str(exc))
    except (zlib.error, pikepdf.PdfError, ValueError, TypeError, KeyError) as exc:
        return Member(name, code="corrupt", reason=f"the embedded file cannot be read: {exc}")


def _inflate(raw: bytes, limit: int) -> Iterator[bytes]:
    """Inflate a Flate stream in slices, never more than ``limit`` bytes in all."""
    inflater = zlib.decompressobj()
    pending, produced = raw, 0
    while pending and produced < limit:
        part = inflater.decompress(pending, _SLICE)
        pending = inflater.unconsumed_tail
        produced += len(part)
        if part:
            yield part
        elif not pending:
            break
    if produced < limit:
        tail = inflater.flush()
        if tail:
            yield tail


_READERS = {ZIP: _zip_members, EML: _eml_members, MSG: _msg_members, PDF: _pdf_members}
